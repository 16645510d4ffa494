"""Tables of the accounts lists."""

from __future__ import annotations

import datetime as dt

import django_tables2 as tables
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from accounts.models import AccountEvent, Role, User
from web.exports import ExportColumn


def local_naive(value: dt.datetime | None) -> dt.datetime | None:
    """Local wall-clock time without zone, as spreadsheets store times (XLSX has none)."""
    return localtime(value).replace(tzinfo=None) if value else None


def _when(value: object) -> str:
    return date_format(localtime(value), "SHORT_DATETIME_FORMAT") if value else "—"  # type: ignore[arg-type]


class DateTimeColumn(tables.Column):
    def render(self, value: object) -> str:
        return _when(value)


class UserTable(tables.Table):
    username = tables.Column(
        verbose_name=_("Identifiant"), linkify=("accounts:user_detail", {"pk": tables.A("pk")})
    )
    name = tables.Column(
        verbose_name=_("Nom"), accessor="last_name", order_by=("last_name", "first_name")
    )
    role = tables.Column(verbose_name=_("Rôle"))
    partner = tables.Column(verbose_name=_("Organisation"), order_by=("partner__name",))
    is_active = tables.Column(verbose_name=_("État"))
    last_login = DateTimeColumn(verbose_name=_("Dernière connexion"))

    class Meta:
        model = User
        fields = ["username", "name", "role", "partner", "is_active", "last_login"]
        attrs = {"data-testid": "user-table"}

    def render_name(self, record: User) -> str:
        return record.get_full_name() or "—"

    def render_is_active(self, value: bool) -> str:
        if value:
            return format_html('<span class="badge text-bg-success">{}</span>', _("Actif"))
        return format_html('<span class="badge text-bg-secondary">{}</span>', _("Désactivé"))


USER_EXPORT_COLUMNS = [
    ExportColumn(_("Identifiant"), lambda u: u.username),
    ExportColumn(_("Prénom"), lambda u: u.first_name),
    ExportColumn(_("Nom"), lambda u: u.last_name),
    ExportColumn(_("Adresse e-mail"), lambda u: u.email),
    ExportColumn(_("Rôle"), lambda u: u.get_role_display()),
    ExportColumn(_("Organisation"), lambda u: u.partner.name if u.partner else ""),
    ExportColumn(_("Actif"), lambda u: u.is_active),
    ExportColumn(_("Dernière connexion"), lambda u: local_naive(u.last_login) or ""),
]


class AccountEventTable(tables.Table):
    at = DateTimeColumn(verbose_name=_("Date"))
    actor = tables.Column(verbose_name=_("Auteur"), order_by=("actor__username",))
    action = tables.Column(verbose_name=_("Action"))
    target_user = tables.Column(verbose_name=_("Compte"), order_by=("target_user__username",))
    partner = tables.Column(verbose_name=_("Organisation"), order_by=("partner__name",))
    email = tables.Column(verbose_name=_("Adresse e-mail"))
    details = tables.Column(verbose_name=_("Détails"), orderable=False)

    class Meta:
        model = AccountEvent
        fields = ["at", "actor", "action", "target_user", "partner", "email", "details"]
        attrs = {"data-testid": "history-table"}

    def render_details(self, record: AccountEvent) -> str:
        return event_details(record)


def _role_label(value: str | None) -> str:
    try:
        return str(Role(value or "").label)
    except ValueError:
        return str(value or "—")


def event_details(event: AccountEvent) -> str:
    """What changed, in words of the reader's language."""
    details = event.details or {}
    if event.action == AccountEvent.Action.ROLE_CHANGED:
        before, after = details.get("from", {}), details.get("to", {})
        return f"{_role_label(before.get('role'))} → {_role_label(after.get('role'))}"
    if "role" in details:
        return _role_label(details["role"])
    return str(details.get("name", ""))


ACCOUNT_EVENT_EXPORT_COLUMNS = [
    ExportColumn(_("Date"), lambda e: local_naive(e.at)),
    ExportColumn(_("Auteur"), lambda e: e.actor.username if e.actor else ""),
    ExportColumn(_("Action"), lambda e: e.get_action_display()),
    ExportColumn(_("Compte"), lambda e: e.target_user.username if e.target_user else ""),
    ExportColumn(_("Organisation"), lambda e: e.partner.name if e.partner else ""),
    ExportColumn(_("Adresse e-mail"), lambda e: e.email),
    ExportColumn(_("Détails"), event_details),
]
