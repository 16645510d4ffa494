"""Who is told of a convention's status change (accounts.services.notifications writes
and e-mails the notifications): called by the workflow inside the transition's
transaction, so a rolled-back transition notifies no one."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse

from accounts.models import Notification, NotificationKind, User
from accounts.services.notifications import active_admins, notifications_create
from conventions.models import Convention, ConventionTransition

K = NotificationKind

# Transition name -> notification kind (other transitions notify no one).
TRANSITION_KINDS = {
    "submit": K.CONVENTION_SUBMITTED,
    "return_to_draft": K.CONVENTION_RETURNED,
    "sign": K.CONVENTION_APPROVED,
    "activate": K.CONVENTION_ACTIVATED,
    "suspend": K.CONVENTION_SUSPENDED,
    "terminate": K.CONVENTION_TERMINATED,
}


def _submitter(convention: Convention) -> User | None:
    last_submit = (
        ConventionTransition.objects.filter(
            convention=convention, to_status=Convention.Status.SUBMITTED
        )
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )
    return last_submit.actor if last_submit else None


def _party_users(convention: Convention) -> QuerySet[User]:
    return User.objects.filter(
        partner__in=convention.parties.values("partner"), is_active=True
    ).distinct()


def notify_convention_transition(
    *, name: str, actor: User, convention: Convention, comment: str
) -> list[Notification]:
    """Submitted: the admins, who review. Returned (with the comment) or approved: the
    submitter and the managers. Activated, suspended, terminated: the managers and the
    parties' partner users."""
    kind = TRANSITION_KINDS.get(name)
    if kind is None:
        return []
    managers = list(convention.managers.filter(is_active=True))
    if kind == K.CONVENTION_SUBMITTED:
        recipients: list[User] = list(active_admins())
        link = reverse("conventions:review_convention", args=[convention.pk])
    else:
        link = reverse("conventions:convention_detail", args=[convention.pk])
        if kind in (K.CONVENTION_RETURNED, K.CONVENTION_APPROVED):
            submitter = _submitter(convention)
            recipients = [*([submitter] if submitter else []), *managers]
        else:
            recipients = [*managers, *_party_users(convention)]
    params = {"reference": convention.reference, "comment": comment}
    return notifications_create(
        recipients=recipients, kind=kind, link=link, params=params, actor=actor
    )
