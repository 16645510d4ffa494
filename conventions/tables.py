"""Tables of the list pages, and the columns of their CSV/XLSX exports."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from conventions.models import Convention, Partner
from web.columns import CompactAmountColumn, ShortDateColumn
from web.exports import ExportColumn


class PartnerTable(tables.Table):
    name = tables.Column(linkify=("conventions:partner_detail", {"pk": tables.A("pk")}))
    region = tables.Column(order_by=("region__code",))

    class Meta:
        model = Partner
        fields = ["name", "kind", "ice", "region", "city"]
        attrs = {"data-testid": "partner-table"}


PARTNER_EXPORT_COLUMNS = [
    ExportColumn(_("Nom"), lambda p: p.name),
    ExportColumn(_("Type"), lambda p: p.get_kind_display()),
    ExportColumn(_("ICE"), lambda p: p.ice),
    ExportColumn(_("Région"), lambda p: p.region.code if p.region else ""),
    ExportColumn(_("Ville"), lambda p: p.city),
]


class ConventionTable(tables.Table):
    reference = tables.Column(linkify=("conventions:convention_detail", {"pk": tables.A("pk")}))
    signed_on = ShortDateColumn()
    starts_on = ShortDateColumn()
    ends_on = ShortDateColumn()
    budget_total = CompactAmountColumn(
        verbose_name=_("Budget total (MAD)"), accessor="budget_total_mad", orderable=False
    )

    class Meta:
        model = Convention
        fields = ["reference", "title", "kind", "status", "signed_on", "starts_on", "ends_on"]
        sequence = [*fields, "budget_total"]
        attrs = {"data-testid": "convention-table"}


CONVENTION_EXPORT_COLUMNS = [
    ExportColumn(_("Référence"), lambda c: c.reference),
    ExportColumn(_("Intitulé"), lambda c: c.title),
    ExportColumn(_("Type"), lambda c: c.get_kind_display()),
    ExportColumn(_("Statut"), lambda c: c.get_status_display()),
    ExportColumn(_("Date de signature"), lambda c: c.signed_on),
    ExportColumn(_("Début"), lambda c: c.starts_on),
    ExportColumn(_("Fin"), lambda c: c.ends_on),
    ExportColumn(_("Part de l'État (MAD)"), lambda c: c.budget_state_mad),
    ExportColumn(_("Part des partenaires (MAD)"), lambda c: c.budget_partner_mad),
]
