"""The dashboard's conventions rows written in Python (tracker/figures/dashboard_rows.py)
are the HTML the template wrote (tests/reference_templates/): same escaping, figures,
targets, links, badges, in French, Arabic and English, lagging or not, with and
without targets, and with nothing to show."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import translation

from conventions.models import Indicator, Partner
from tests.factories import CommitmentFactory
from tests.test_dashboard import REFERENCE, populate
from tracker.figures.dashboard_rows import conventions_rows_html
from tracker.services.rollups import rollup_full_recompute

REFERENCE_TEMPLATE = (
    Path(__file__).parent / "reference_templates" / "dashboard_conventions_rows.html"
)


def _reference(conventions) -> str:
    return Template(REFERENCE_TEMPLATE.read_text()).render(Context({"conventions": conventions}))


def _normalised(html: str) -> str:
    """Whitespace between tags and runs of it do not show in a table row."""
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_the_rows_are_the_templates_html(
    admin_client: Client, operator_a: Partner, language: str
) -> None:
    lagging = populate(operator_a, region_code="MA-06")
    lagging.title = 'Formation <b>"cloud"</b> & data'  # escaped the same way
    lagging.save()
    CommitmentFactory.create(
        convention=lagging, indicator=Indicator.ENROLLED, year=2025, target_value=100
    )
    CommitmentFactory.create(
        convention=lagging, indicator=Indicator.WOMEN_SHARE, year=2025, target_value=40
    )
    on_track = populate(operator_a, region_code="MA-01")
    CommitmentFactory.create(
        convention=on_track, indicator=Indicator.ENROLLED, year=2025, target_value=4
    )
    populate(operator_a, region_code="MA-02")  # no targets at all
    rollup_full_recompute(reference_date=REFERENCE)
    admin_client.cookies["django_language"] = language
    conventions = admin_client.get(reverse("dashboard")).context["conventions"]
    assert len(conventions) == 3
    assert any(progress.lagging for _c, progress in conventions)
    assert not all(progress.lagging for _c, progress in conventions)
    with translation.override(language):
        ours, reference = conventions_rows_html(conventions), _reference(conventions)
    assert _normalised(ours) == _normalised(reference)
    assert "&lt;b&gt;" in ours


def test_nothing_to_show_says_so_like_the_template() -> None:
    assert _normalised(conventions_rows_html([])) == _normalised(_reference([]))
