"""View mixins shared by every page: role gates and the scoping that answers 404."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

Selector = Callable[..., QuerySet[Any]]
M = TypeVar("M", bound=Model)


class ScopedQuerysetMixin:
    """Takes the view's queryset from a role-scoping selector.

    Set ``selector`` to one of the ``*_list`` selectors; ``get_object()`` of a DetailView
    then answers 404 for anything outside the user's scope, and list views never see it.
    """

    selector: Selector
    request: HttpRequest

    def get_queryset(self) -> QuerySet[Any]:
        return type(self).selector(user=self.request.user)


class RoleRequiredMixin:
    """Refuses (403) users whose role is not in ``allowed_roles``."""

    allowed_roles: Collection[str] = ()

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        # Any user model with a role (accounts.User); the anonymous user has none.
        role = getattr(user, "role", None)
        if not user.is_authenticated or not user.is_active or role not in self.allowed_roles:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


def get_scoped_object_or_404(
    selector: Callable[..., QuerySet[M]], *, user: Any, **lookup: Any
) -> M:
    """One object through a scoping selector, or 404: the same answer whether the object
    does not exist or the user may not see it."""
    return get_object_or_404(selector(user=user), **lookup)


__all__ = ["Http404", "RoleRequiredMixin", "ScopedQuerysetMixin", "get_scoped_object_or_404"]
