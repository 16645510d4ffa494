"""Amendments (avenants) to a signed convention: numbered in order, dated, with a
reason and a document; each may move the end date and replace the commitments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.policy import user_may_amend
from conventions.models import Amendment, Commitment, Convention
from conventions.services.documents import document_check_pdf
from conventions.services.errors import WorkflowError, require
from conventions.services.terms import commitment_targets_check

CommitmentTerms = tuple[str, int, Decimal]  # (indicator, year, target value)


@transaction.atomic
def amendment_create(
    *,
    actor: User,
    convention: Convention,
    signed_on: dt.date,
    reason: str,
    document: UploadedFile | None = None,
    new_ends_on: dt.date | None = None,
    commitments: Iterable[CommitmentTerms] | None = None,
) -> Amendment:
    """Adds the next amendment. ``commitments`` given (even empty) replace the current
    targets as a full new set; None or empty keeps the current ones. The convention row is locked
    so two amendments never get the same number."""
    convention = Convention.objects.select_for_update().get(pk=convention.pk)
    require(
        user_may_amend(actor, convention),
        _(
            "Un avenant se rattache à une convention signée, active ou suspendue, "
            "par ses gestionnaires ou un administrateur."
        ),
    )
    errors: dict[str, str] = {}
    if not reason.strip():
        errors["reason"] = _("Le motif de l'avenant est obligatoire.")
    if signed_on > timezone.localdate():
        errors["signed_on"] = _("La date de l'avenant ne peut pas être dans le futur.")
    if convention.signed_on and signed_on < convention.signed_on:
        errors["signed_on"] = _("L'avenant ne peut pas précéder la signature de la convention.")
    if new_ends_on is not None and new_ends_on <= convention.starts_on:
        errors["new_ends_on"] = _(
            "La nouvelle date de fin doit être postérieure au début de la convention."
        )
    if errors:
        raise WorkflowError(errors)
    # An empty set would leave no targets at all: it keeps the current ones instead.
    terms = list(commitments or []) or None
    seen: set[tuple[str, int]] = set()
    for indicator, year, _value in terms or []:
        if (indicator, year) in seen:
            raise WorkflowError(
                {
                    "commitments": _("Engagement en double : %(indicator)s %(year)s.")
                    % {"indicator": indicator, "year": year}
                }
            )
        seen.add((indicator, year))
    # Every bad target at once, each named with its indicator and year.
    commitment_targets_check(
        {(indicator, year): value for indicator, year, value in terms or []},
        starts_on=convention.starts_on,
        ends_on=new_ends_on or convention.ends_on,
    )
    if document is not None:
        document_check_pdf(file=document)

    last = convention.amendments.aggregate(last=Max("number"))["last"] or 0
    amendment = Amendment(
        convention=convention,
        number=last + 1,
        signed_on=signed_on,
        reason=reason.strip(),
        new_ends_on=new_ends_on,
        created_by=actor,
    )
    if document is not None:
        amendment.document.save(
            f"{convention.reference}-avenant-{last + 1}.pdf", document, save=False
        )
    amendment.save()
    if terms is not None:
        Commitment.objects.bulk_create(
            Commitment(
                convention=convention,
                amendment=amendment,
                indicator=indicator,
                year=year,
                target_value=value,
            )
            for indicator, year, value in terms
        )
    if new_ends_on is not None:
        convention.ends_on = new_ends_on
        convention.save(update_fields=["ends_on", "updated_at"])
    return amendment
