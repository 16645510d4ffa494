"""The status workflow, the only code that writes ``Convention.status``.

    draft -> submitted -> signed -> active <-> suspended
    submitted -> draft (returned, with a comment)
    active -> closed | terminated ; suspended -> terminated

One service per transition. Each locks the convention, checks the actor's role, the
current status and the preconditions, writes the status and a ConventionTransition
(who, when, from, to, comment) in one transaction, and otherwise raises WorkflowError
with a message saying why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.policy import user_manages_convention
from conventions.models import Convention, ConventionParty, ConventionTransition
from conventions.services.errors import WorkflowError
from conventions.services.notifications import notify_convention_transition

Status = Convention.Status


@dataclass(frozen=True)
class Transition:
    name: str
    label: str | Promise
    sources: tuple[str, ...]
    target: str
    # Who may: "admin" (admins only) or "managers" (the convention's managers or admins).
    actors: str
    comment_required: bool = False

    def actor_allowed(self, user: User, convention: Convention) -> bool:
        if user.is_admin:
            return True
        return self.actors == "managers" and user_manages_convention(user, convention)


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "submit", gettext_lazy("Soumettre"), (Status.DRAFT,), Status.SUBMITTED, "managers"
        ),
        Transition(
            "return_to_draft",
            gettext_lazy("Renvoyer en brouillon"),
            (Status.SUBMITTED,),
            Status.DRAFT,
            "admin",
            comment_required=True,
        ),
        Transition(
            "sign", gettext_lazy("Approuver (signée)"), (Status.SUBMITTED,), Status.SIGNED, "admin"
        ),
        Transition("activate", gettext_lazy("Activer"), (Status.SIGNED,), Status.ACTIVE, "admin"),
        Transition(
            "suspend", gettext_lazy("Suspendre"), (Status.ACTIVE,), Status.SUSPENDED, "admin"
        ),
        Transition(
            "resume", gettext_lazy("Reprendre"), (Status.SUSPENDED,), Status.ACTIVE, "admin"
        ),
        Transition("close", gettext_lazy("Clôturer"), (Status.ACTIVE,), Status.CLOSED, "admin"),
        Transition(
            "terminate",
            gettext_lazy("Résilier"),
            (Status.ACTIVE, Status.SUSPENDED),
            Status.TERMINATED,
            "admin",
            comment_required=True,
        ),
    )
}


@dataclass(frozen=True)
class Check:
    label: str | Promise
    passed: bool
    # Names the check for pages that treat one specially (the review page lets the
    # reviewer type a missing signature date: SIGNED_ON_CHECK).
    key: str = ""


SIGNED_ON_CHECK = "signed_on"


def convention_sign_checks(
    *, convention: Convention, signed_on: dt.date | None = None
) -> list[Check]:
    """The preconditions of signing, each passed or failed: the one place that decides
    them, for the ``sign`` service and for the review pages that show them."""
    parties = convention.parties.all()
    return [
        Check(
            gettext_lazy("Date de signature renseignée"),
            bool(signed_on or convention.signed_on),
            SIGNED_ON_CHECK,
        ),
        Check(gettext_lazy("Document signé joint (PDF)"), bool(convention.document), "document"),
        Check(
            gettext_lazy("Au moins un opérateur de formation partie"),
            any(p.role == ConventionParty.Role.TRAINING_OPERATOR for p in parties),
            "training_operator",
        ),
        Check(
            gettext_lazy("Au moins un engagement"),
            convention.commitments.filter(amendment__isnull=True).exists(),
            "commitments",
        ),
    ]


def transitions_available(*, user: User, convention: Convention) -> list[Transition]:
    """The transitions ``user`` may attempt now (the buttons a page shows)."""
    return [
        t
        for t in TRANSITIONS.values()
        if convention.status in t.sources and t.actor_allowed(user, convention)
    ]


def _apply(
    name: str,
    *,
    actor: User,
    convention: Convention,
    comment: str = "",
    before_write: Callable[[Convention], None] | None = None,
) -> Convention:
    transition = TRANSITIONS[name]
    with transaction.atomic():
        locked = Convention.objects.select_for_update().get(pk=convention.pk)
        if not transition.actor_allowed(actor, locked):
            raise WorkflowError(
                _("Action « %(action)s » refusée : réservée %(who)s.")
                % {
                    "action": transition.label,
                    "who": _("aux administrateurs")
                    if transition.actors == "admin"
                    else _("aux gestionnaires de la convention et aux administrateurs"),
                },
                code="forbidden",
            )
        if locked.status not in transition.sources:
            raise WorkflowError(
                _(
                    "Action « %(action)s » impossible : la convention %(reference)s "
                    "est au statut « %(status)s »."
                )
                % {
                    "action": transition.label,
                    "reference": locked.reference,
                    "status": locked.get_status_display(),
                },
                code="wrong_status",
            )
        comment = comment.strip()
        if transition.comment_required and not comment:
            raise WorkflowError(
                {
                    "comment": _("Un commentaire est obligatoire pour « %(action)s ».")
                    % {"action": transition.label}
                },
                code="comment_required",
            )
        if before_write is not None:
            before_write(locked)
        previous = locked.status
        locked.status = transition.target
        fields = ["status", "updated_at"]
        if transition.target == Status.SUBMITTED:
            locked.submitted_at = timezone.now()
            fields.append("submitted_at")
        locked.save(update_fields=[*fields, *(["signed_on"] if name == "sign" else [])])
        ConventionTransition.objects.create(
            convention=locked,
            from_status=previous,
            to_status=transition.target,
            actor=actor,
            comment=comment,
        )
        # Told in the same transaction: a rolled-back transition notifies no one.
        notify_convention_transition(name=name, actor=actor, convention=locked, comment=comment)
    convention.refresh_from_db()
    return convention


def convention_submit(*, actor: User, convention: Convention, comment: str = "") -> Convention:
    """A draft goes to review (its managers or an admin)."""
    return _apply("submit", actor=actor, convention=convention, comment=comment)


def convention_return_to_draft(*, actor: User, convention: Convention, comment: str) -> Convention:
    """The reviewing admin sends a submission back, saying what to fix."""
    return _apply("return_to_draft", actor=actor, convention=convention, comment=comment)


def convention_sign(
    *, actor: User, convention: Convention, signed_on: dt.date | None = None, comment: str = ""
) -> Convention:
    """The reviewing admin approves: the convention is signed. ``signed_on`` records the
    signature date if the draft had none."""

    def check_preconditions(locked: Convention) -> None:
        if signed_on is not None:
            if signed_on > timezone.localdate():
                raise WorkflowError(
                    {"signed_on": _("La date de signature ne peut pas être dans le futur.")}
                )
            locked.signed_on = signed_on
        failed = [str(c.label) for c in convention_sign_checks(convention=locked) if not c.passed]
        if failed:
            raise WorkflowError(
                _("Signature impossible, conditions non remplies : %(checks)s.")
                % {"checks": ", ".join(failed)},
                code="preconditions",
            )

    return _apply(
        "sign",
        actor=actor,
        convention=convention,
        comment=comment,
        before_write=check_preconditions,
    )


def convention_activate(*, actor: User, convention: Convention, comment: str = "") -> Convention:
    return _apply("activate", actor=actor, convention=convention, comment=comment)


def convention_suspend(*, actor: User, convention: Convention, comment: str = "") -> Convention:
    return _apply("suspend", actor=actor, convention=convention, comment=comment)


def convention_resume(*, actor: User, convention: Convention, comment: str = "") -> Convention:
    return _apply("resume", actor=actor, convention=convention, comment=comment)


def convention_close(*, actor: User, convention: Convention, comment: str = "") -> Convention:
    return _apply("close", actor=actor, convention=convention, comment=comment)


def convention_terminate(*, actor: User, convention: Convention, comment: str) -> Convention:
    return _apply("terminate", actor=actor, convention=convention, comment=comment)


TRANSITION_SERVICES: dict[str, Callable[..., Convention]] = {
    "submit": convention_submit,
    "return_to_draft": convention_return_to_draft,
    "sign": convention_sign,
    "activate": convention_activate,
    "suspend": convention_suspend,
    "resume": convention_resume,
    "close": convention_close,
    "terminate": convention_terminate,
}
