"""Optimistic locking for enrollments and hires: a save carrying an older ``version``
than the row's is refused, so two people editing at once never overwrite each other."""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _

M = TypeVar("M", bound=Model)


class ConcurrentEditError(ValidationError):
    """Someone saved the object after the form was opened."""

    def __init__(self, *, current_version: int | None = None) -> None:
        # The API tells its clients which version to read again (tracker.api.errors).
        self.current_version = current_version
        super().__init__(
            _(
                "Cette fiche a été modifiée par quelqu'un d'autre depuis que vous l'avez "
                "ouverte. Vos modifications n'ont pas été enregistrées : rechargez la page "
                "pour voir la version actuelle, puis recommencez."
            ),
            code="conflict",
        )


def lock_current_version(instance: M, *, version: int) -> M:
    """The row, locked until the transaction ends, if it still has ``version``."""
    model = type(instance)
    locked = model._default_manager.select_for_update().get(pk=instance.pk)
    if locked.version != version:  # type: ignore[attr-defined]
        raise ConcurrentEditError(current_version=locked.version)  # type: ignore[attr-defined]
    return locked
