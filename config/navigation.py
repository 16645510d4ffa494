"""The top navigation: which entries each role sees.

Add an entry here when a feature gets a page; the roles decide who sees it."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User

ALL_ROLES = tuple(Role)
STAFF = (Role.ADMIN, Role.MANAGER)


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str
    roles: tuple[str, ...]


NAV_ENTRIES: tuple[NavEntry, ...] = (
    NavEntry(_("Accueil"), "home", ALL_ROLES),
    NavEntry(_("Tableau de bord"), "dashboard", ALL_ROLES),
    NavEntry(_("Conventions"), "conventions:convention_list", ALL_ROLES),
    NavEntry(_("Cohortes"), "cohort_list", ALL_ROLES),
    NavEntry(_("Inscriptions"), "enrollment_list", ALL_ROLES),
    NavEntry(_("Embauches"), "placement_list", ALL_ROLES),
    NavEntry(_("Imports"), "import_list", (Role.ADMIN, Role.PARTNER_EDITOR, Role.PARTNER_VIEWER)),
    NavEntry(_("Partenaires"), "conventions:partner_list", STAFF),
    NavEntry(_("Revue"), "conventions:review_queue", (Role.ADMIN,)),
    NavEntry(_("Corrections d'identité"), "identity_correction_list", ALL_ROLES),
    NavEntry(_("Mes jetons d'API"), "api_tokens", ALL_ROLES),
)


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str
    active: bool


def navigation_for(user: User, *, current_path: str) -> list[NavItem]:
    items = []
    for entry in NAV_ENTRIES:
        if user.role not in entry.roles:
            continue
        url = reverse(entry.url_name)
        active = current_path == url if url == "/" else current_path.startswith(url)
        items.append(NavItem(entry.label, url, active))
    return items
