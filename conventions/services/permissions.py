"""Who may write what on a convention. Pure predicates, shared by services, views and
templates so the buttons shown are exactly the actions the services accept."""

from __future__ import annotations

from accounts.models import User
from conventions.models import Convention


def user_manages_convention(user: User, convention: Convention) -> bool:
    """True when ``user`` is an active programme manager assigned to ``convention``.
    Admins are not managers: use ``user_may_edit_convention`` for "managers or admins"."""
    if not user.is_manager or convention.pk is None:
        return False
    return convention.managers.filter(pk=user.pk).exists()


def user_may_edit_convention(user: User, convention: Convention) -> bool:
    """Admins, and the convention's own managers."""
    return user.is_admin or user_manages_convention(user, convention)


def user_may_edit_terms(user: User, convention: Convention) -> bool:
    """Terms (dates, budget, parties, commitments, managers) change only in draft."""
    return convention.status == Convention.Status.DRAFT and user_may_edit_convention(
        user, convention
    )


def user_may_attach_document(user: User, convention: Convention) -> bool:
    """The signed document is attached while drafting, or by the reviewing admin."""
    if convention.status == Convention.Status.DRAFT:
        return user_may_edit_convention(user, convention)
    return user.is_admin and convention.status == Convention.Status.SUBMITTED


AMENDABLE_STATUSES = (
    Convention.Status.SIGNED,
    Convention.Status.ACTIVE,
    Convention.Status.SUSPENDED,
)


def user_may_amend(user: User, convention: Convention) -> bool:
    """Amendments change a signed agreement: admins and the convention's managers."""
    return convention.status in AMENDABLE_STATUSES and user_may_edit_convention(user, convention)
