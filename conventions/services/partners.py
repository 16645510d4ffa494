"""Writes on partner organisations (admins only)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services.history import account_event_record
from conventions.models import Partner, Region, ice_validator


def _check_partner(*, partner_id: int | None, name: str, kind: str, ice: str | None) -> None:
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Le nom est obligatoire.")
    if kind not in Partner.Kind.values:
        errors["kind"] = _("Type de partenaire inconnu.")
    if ice:
        try:
            ice_validator(ice)
        except ValidationError:
            errors["ice"] = _("L'ICE doit compter exactement 15 chiffres.")
    others = Partner.objects.all()
    if partner_id is not None:
        others = others.exclude(pk=partner_id)
    if name and others.filter(name__iexact=name).exists():
        errors["name"] = _("Un partenaire porte déjà le nom « %(name)s ».") % {"name": name}
    if ice and "ice" not in errors:
        duplicate = others.filter(ice=ice).first()
        if duplicate is not None:
            errors["ice"] = _("L'ICE %(ice)s est déjà celui du partenaire « %(name)s ».") % {
                "ice": ice,
                "name": duplicate.name,
            }
    if errors:
        raise ValidationError(errors)


def _require_admin(actor: User) -> None:
    if not actor.is_admin:
        raise PermissionDenied(_("Seuls les administrateurs gèrent les partenaires."))


@transaction.atomic
def partner_create(
    *,
    actor: User,
    name: str,
    kind: str,
    ice: str | None = None,
    region: Region | None = None,
    city: str = "",
) -> Partner:
    _require_admin(actor)
    name, ice = name.strip(), (ice or "").strip() or None
    _check_partner(partner_id=None, name=name, kind=kind, ice=ice)
    partner = Partner.objects.create(
        name=name, kind=kind, ice=ice, region=region, city=city.strip()
    )
    _history(actor=actor, action="partner_created", partner=partner)
    return partner


def _history(*, actor: User, action: str, partner: Partner) -> None:
    """Organisations created and edited, in the accounts history (who, when, what)."""

    account_event_record(
        actor=actor, action=action, partner=partner, details={"name": partner.name}
    )


@transaction.atomic
def partner_update(
    *,
    actor: User,
    partner: Partner,
    name: str,
    kind: str,
    ice: str | None = None,
    region: Region | None = None,
    city: str = "",
) -> Partner:
    _require_admin(actor)
    name, ice = name.strip(), (ice or "").strip() or None
    _check_partner(partner_id=partner.pk, name=name, kind=kind, ice=ice)
    partner.name, partner.kind, partner.ice = name, kind, ice
    partner.region, partner.city = region, city.strip()
    partner.save()
    _history(actor=actor, action="partner_updated", partner=partner)
    return partner
