"""Saving and deleting a view of the dashboard."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from tracker.figures.slices import InvalidSliceError, parse_slice
from tracker.models import SavedView


def saved_view_create(*, user: User, name: str, params: dict[str, str], shared: bool) -> SavedView:
    """Saves the filters ``params`` under ``name``; every filter must be one the user may
    apply (the same check as the dashboard's), so a saved view never holds an id out of
    its owner's scope."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Donnez un nom à la vue.")})
    if len(name) > 100:
        raise ValidationError({"name": _("Un nom de vue tient en 100 caractères au plus.")})
    try:
        part = parse_slice(params, user=user)
    except InvalidSliceError:
        raise ValidationError(
            _("Ces filtres ne peuvent être enregistrés : l'un d'eux est inconnu.")
        ) from None
    try:
        with transaction.atomic():
            return SavedView.objects.create(
                owner=user, name=name, query=part.query(), shared=shared
            )
    except IntegrityError:
        raise ValidationError(
            {"name": _("Vous avez déjà une vue nommée « %(name)s ».") % {"name": name}}
        ) from None


def saved_view_delete(*, user: User, view: SavedView) -> None:
    """Only the owner deletes a view (a colleague who finds a shared one may not)."""
    if view.owner_id != user.pk:
        raise PermissionDenied
    view.delete()


def saved_view_share(*, user: User, view: SavedView, shared: bool) -> SavedView:
    """Only the owner shares a view with its organisation, or stops sharing it."""
    if view.owner_id != user.pk:
        raise PermissionDenied
    view.shared = shared
    view.save(update_fields=["shared"])
    return view
