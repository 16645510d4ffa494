"""The comparison's table (sortable, django-tables2) and its export columns: the same
figures on the page and in the CSV/XLSX files."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from tracker.figures.comparison import ComparisonRow
from web import formatting
from web.exports import ExportColumn


def _percent(value: Decimal | None) -> str:
    return formatting.percent(value).bare if value is not None else "—"


def _number(value: Decimal | int | None) -> str:
    return formatting.number(value).bare if value is not None else "—"


class ComparisonTable(tables.Table):
    label = tables.Column(verbose_name=_("Membre"), attrs={"th": {"scope": "row"}})
    enrolled = tables.Column(verbose_name=_("Inscrits"), attrs={"td": {"class": "num"}})
    graduates = tables.Column(verbose_name=_("Lauréats"), attrs={"td": {"class": "num"}})
    jobs_created = tables.Column(verbose_name=_("Emplois créés"), attrs={"td": {"class": "num"}})
    target_jobs_created = tables.Column(
        verbose_name=_("Engagement emplois"),
        order_by=("target_jobs_sort",),
        attrs={"td": {"class": "num"}},
    )
    placement_rate = tables.Column(
        verbose_name=_("Insertion à 6 mois"),
        order_by=("placement_sort",),
        attrs={"td": {"class": "num"}},
    )
    target_placement_rate = tables.Column(
        verbose_name=_("Engagement insertion"),
        order_by=("target_placement_sort",),
        attrs={"td": {"class": "num"}},
    )
    women_share = tables.Column(
        verbose_name=_("Part des femmes"), order_by=("women_sort",), attrs={"td": {"class": "num"}}
    )

    class Meta:
        attrs = {"class": "table table-sm align-middle", "data-testid": "comparison-table"}
        order_by = ("-jobs_created",)
        empty_text = _("Aucun chiffre pour ces filtres.")

    def __init__(
        self,
        *args: Any,
        with_targets: bool,
        member_urls: dict[int, str],
        figure_link: Callable[[str, int], str],
        **kwargs: Any,
    ):
        exclude = () if with_targets else ("target_jobs_created", "target_placement_rate")
        super().__init__(*args, exclude=exclude, **kwargs)
        self.member_urls = member_urls
        self.figure_link = figure_link  # (figure, member id) -> its drill-down

    def _linked(self, figure: str, record: ComparisonRow, text: str) -> Any:
        return format_html('<a href="{}">{}</a>', self.figure_link(figure, record.member_id), text)

    def render_label(self, record: ComparisonRow, value: str) -> Any:
        return format_html('<a href="{}">{}</a>', self.member_urls[record.member_id], value)

    def render_enrolled(self, record: ComparisonRow, value: int) -> Any:
        return self._linked("enrolled", record, _number(value))

    def render_graduates(self, record: ComparisonRow, value: int) -> Any:
        return self._linked("graduates", record, _number(value))

    def render_jobs_created(self, record: ComparisonRow, value: int) -> Any:
        return self._linked("jobs_created", record, _number(value))

    def render_target_jobs_created(self, value: Decimal | None) -> str:
        return _number(value)

    def render_placement_rate(self, record: ComparisonRow) -> Any:
        return format_html(
            "{} ({}/{})",
            _percent(record.placement_rate),
            self._linked("placement_6m_placed", record, str(record.placement_6m_placed)),
            self._linked("placement_6m_eligible", record, str(record.placement_6m_eligible)),
        )

    def render_target_placement_rate(self, value: Decimal | None) -> str:
        return _percent(value)

    def render_women_share(self, value: Decimal | None) -> str:
        return _percent(value)


def comparison_export_columns(by_label: str, with_targets: bool) -> list[ExportColumn]:
    """The table's figures, as numbers (not formatted text): a spreadsheet sums them."""
    columns = [
        ExportColumn(by_label, lambda row: row.label),
        ExportColumn(_("Inscrits"), lambda row: row.enrolled),
        ExportColumn(_("Femmes inscrites"), lambda row: row.women_enrolled),
        ExportColumn(_("Lauréats"), lambda row: row.graduates),
        ExportColumn(_("Emplois créés"), lambda row: row.jobs_created),
    ]
    if with_targets:
        columns.append(ExportColumn(_("Engagement emplois"), lambda row: row.target_jobs_created))
    columns += [
        ExportColumn(_("Lauréats insérés dans les 6 mois"), lambda row: row.placement_6m_placed),
        ExportColumn(_("Lauréats depuis au moins 6 mois"), lambda row: row.placement_6m_eligible),
        ExportColumn(_("Insertion à 6 mois (%)"), lambda row: row.placement_rate),
    ]
    if with_targets:
        columns.append(
            ExportColumn(_("Engagement insertion (%)"), lambda row: row.target_placement_rate)
        )
    columns.append(ExportColumn(_("Part des femmes (%)"), lambda row: row.women_share))
    return columns
