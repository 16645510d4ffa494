"""What the dashboard reads besides the rollup store, and the counter that says it
changed (``TermsRevision``). Every save or delete of these models raises the counter in
the same transaction; the few writers that bypass ``save()`` (the benchmark's COPY)
call ``terms_revision_bump`` themselves."""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.db.models.signals import post_delete, post_save

from conventions.models import (
    Amendment,
    Commitment,
    Convention,
    ConventionParty,
    Filiere,
    NationalFigure,
    Region,
    Zone,
)
from tracker.models import Cohort, TermsRevision

# Parties: a partner's dashboard lists the conventions it is party to; cohorts: it lists
# its latest cohorts with their dates, seats and status; reference data: the
# breakdowns' labels.
DASHBOARD_INPUTS = (
    Cohort,
    Convention,
    ConventionParty,
    Commitment,
    Amendment,
    NationalFigure,
    Region,
    Zone,
    Filiere,
)


def terms_revision_bump() -> None:
    """Raise the counter (its row is locked until the caller's transaction ends, which
    orders concurrent changes)."""
    if not TermsRevision.objects.filter(pk=1).update(revision=F("revision") + 1):
        TermsRevision.objects.get_or_create(pk=1, defaults={"revision": 1})


def terms_revision() -> int:
    return TermsRevision.objects.filter(pk=1).values_list("revision", flat=True).first() or 0


def _changed(sender: type, **kwargs: Any) -> None:
    terms_revision_bump()


def connect() -> None:
    for model in DASHBOARD_INPUTS:
        post_save.connect(_changed, sender=model, dispatch_uid=f"terms-revision-save-{model}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"terms-revision-del-{model}")
