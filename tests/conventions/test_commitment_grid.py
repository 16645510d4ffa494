"""The commitments grid: a draft's targets (indicators x years of the period) and an
amendment's new set, typed on one page, saved as a whole or refused as a whole with
every cell's error shown and the typed values kept; row totals recomputed from the
cells; only the convention's managers and admins may use it."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import User
from conventions.models import Commitment, Convention, Indicator, Partner
from conventions.services import convention_commitments_replace
from conventions.services import terms as terms_services
from tests.support.factories import convention_in_status, signable_convention

pytestmark = pytest.mark.django_db

YEARS = [2025, 2026, 2027]  # the period of signable_convention: 2025-01-01 to 2027-12-31
COUNTS = [Indicator.ENROLLED, Indicator.GRADUATES, Indicator.JOBS_CREATED]
RATES = [Indicator.PLACEMENT_RATE_6M, Indicator.WOMEN_SHARE]


@pytest.fixture
def draft(manager_user: User, operator_a: Partner) -> Convention:
    """A draft managed by ``manager``, with operator A as a party and one target
    (enrolled 2026 = 100)."""
    return signable_convention(manager=manager_user, operator=operator_a)


def _url(convention: Convention) -> str:
    return reverse("conventions:commitment_grid", args=[convention.pk])


def _full_grid(seed: int = 17) -> dict[tuple[str, int], Decimal]:
    rng = random.Random(seed)
    values: dict[tuple[str, int], Decimal] = {}
    for year in YEARS:
        for indicator in COUNTS:
            values[(indicator, year)] = Decimal(rng.randint(0, 900))
        for indicator in RATES:
            values[(indicator, year)] = Decimal(rng.randint(0, 1000)) / 10
    return values


def _post_data(values: Mapping[tuple[str, int], object]) -> dict[str, str]:
    return {f"c-{indicator}-{year}": str(value) for (indicator, year), value in values.items()}


def _originals(convention: Convention) -> dict[tuple[str, int], Decimal]:
    return {
        (c.indicator, c.year): c.target_value
        for c in Commitment.objects.filter(convention=convention, amendment__isnull=True)
    }


def test_manager_saves_a_whole_grid_in_one_post(manager_client: Client, draft: Convention) -> None:
    values = _full_grid()
    response = manager_client.post(_url(draft), _post_data(values))
    assert response.status_code == 302
    assert response["Location"] == reverse("conventions:convention_detail", args=[draft.pk])
    assert _originals(draft) == values
    assert len(values) == 15


def test_grid_shows_the_stored_targets_and_row_totals_recomputed_from_them(
    manager_client: Client, draft: Convention
) -> None:
    values = _full_grid(seed=3)
    convention_commitments_replace(actor=draft.managers.get(), convention=draft, targets=values)
    grid = manager_client.get(_url(draft)).context["grid"]
    assert grid.years == YEARS
    rows = {row.indicator: row for row in grid.rows}
    assert list(rows) == Indicator.values
    for indicator in COUNTS:
        # The total is the sum of the rows counted, read back from the database.
        stored = Commitment.objects.filter(convention=draft, indicator=indicator)
        assert rows[indicator].total == sum(c.target_value for c in stored)
    for indicator in RATES:
        assert rows[indicator].total is None  # a rate has no period total
    html = manager_client.get(_url(draft)).content.decode()
    assert "Pas de total pour un taux" in html


def test_one_bad_cell_refuses_the_whole_grid_showing_every_error_and_keeping_the_typed_values(
    manager_client: Client, draft: Convention
) -> None:
    before = _originals(draft)
    data = _post_data(_full_grid())
    data["c-graduates-2025"] = "-5"
    data["c-women_share-2027"] = "140"
    data["c-jobs_created-2026"] = "douze"
    response = manager_client.post(_url(draft), data)
    assert response.status_code == 200
    assert _originals(draft) == before  # nothing written
    grid = response.context["grid"]
    assert grid.errors == [
        "Lauréats, 2025 : Une cible ne peut pas être négative.",
        "Emplois créés, 2026 : « douze » n'est pas un nombre.",
        "Part des femmes (%), 2027 : Un taux est exprimé en pourcentage (0 à 100).",
    ]
    html = response.content.decode()
    for name, text in data.items():
        assert f'name="{name}" id="id_{name}" value="{text}"' in html
    assert html.count("is-invalid") == 3
    # The total of a row with an unreadable cell is not a guess.
    assert {row.indicator: row.total for row in grid.rows}[Indicator.JOBS_CREATED] is None


def test_clearing_a_cell_removes_its_target_and_unchanged_cells_are_not_rewritten(
    manager_client: Client, draft: Convention
) -> None:
    kept = Commitment.objects.get(convention=draft)
    response = manager_client.post(
        _url(draft), {"c-enrolled-2026": "100", "c-graduates-2027": "80,5"}
    )
    assert response.status_code == 302
    assert Commitment.objects.get(pk=kept.pk).target_value == 100
    assert _originals(draft) == {
        (Indicator.ENROLLED, 2026): Decimal(100),
        (Indicator.GRADUATES, 2027): Decimal("80.5"),
    }
    manager_client.post(_url(draft), {"c-graduates-2027": "80,5"})
    assert _originals(draft) == {(Indicator.GRADUATES, 2027): Decimal("80.5")}


def test_a_cell_refused_by_the_one_cell_service_rolls_back_the_cells_already_written(
    manager_user: User, draft: Convention, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The grid goes through convention_commitment_set: a rule of that service (such
    as one on the period) refuses its cell, and the whole grid with it."""
    original_set = terms_services.convention_commitment_set

    def refusing_2027(**kwargs: object) -> Commitment:
        if kwargs["year"] == 2027:
            raise terms_services.WorkflowError("Hors période.")
        return original_set(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(terms_services, "convention_commitment_set", refusing_2027)
    before = _originals(draft)
    with pytest.raises(ValidationError) as refused:
        convention_commitments_replace(actor=manager_user, convention=draft, targets=_full_grid())
    assert _originals(draft) == before
    assert sorted(refused.value.message_dict) == sorted(
        f"{indicator}:2027" for indicator in Indicator.values
    )


def test_admin_may_use_the_grid_of_any_draft(admin_client: Client, draft: Convention) -> None:
    assert admin_client.get(_url(draft)).status_code == 200
    assert admin_client.post(_url(draft), {"c-enrolled-2025": "10"}).status_code == 302
    assert _originals(draft)[(Indicator.ENROLLED, 2025)] == 10


def test_partners_and_other_managers_cannot_edit_commitments(
    partner_a_client: Client,
    viewer_a_client: Client,
    partner_b_client: Client,
    other_manager_user: User,
    draft: Convention,
) -> None:
    before = _originals(draft)
    data = _post_data(_full_grid())
    # Operator A is a party: its users see the convention, but may not edit it.
    for client in (partner_a_client, viewer_a_client):
        assert client.get(_url(draft)).status_code == 403
        assert client.post(_url(draft), data).status_code == 403
    # Partner B does not even learn that the convention exists.
    missing = reverse("conventions:commitment_grid", args=[987654321])
    assert partner_b_client.get(_url(draft)).status_code == 404
    assert partner_b_client.post(_url(draft), data).status_code == 404
    assert partner_b_client.get(missing).content == partner_b_client.get(_url(draft)).content
    other = Client()
    other.force_login(other_manager_user)
    assert other.post(_url(draft), data).status_code == 403
    assert _originals(draft) == before


def test_the_grid_of_a_signed_convention_is_refused_nothing_written(
    manager_client: Client, manager_user: User, admin_user: User, operator_a: Partner
) -> None:
    signed = convention_in_status(
        Convention.Status.SIGNED, manager=manager_user, admin=admin_user, operator=operator_a
    )
    before = _originals(signed)
    response = manager_client.post(_url(signed), {"c-enrolled-2025": "10"}, follow=True)
    assert "changent par avenant" in response.content.decode()
    assert _originals(signed) == before


def test_detail_page_links_to_the_grid_instead_of_a_one_cell_form(
    manager_client: Client, draft: Convention
) -> None:
    html = manager_client.get(reverse("conventions:convention_detail", args=[draft.pk])).content
    assert b'data-testid="edit-commitments"' in html
    assert _url(draft).encode() in html
    assert b'data-testid="commitment-form"' not in html


# --- The amendment's new set -----------------------------------------------------------


@pytest.fixture
def active(manager_user: User, admin_user: User, operator_a: Partner) -> Convention:
    return convention_in_status(
        Convention.Status.ACTIVE,
        manager=manager_user,
        admin=admin_user,
        operator=operator_a,
        signed_on=dt.date(2025, 1, 10),
    )


def _amendment_url(convention: Convention) -> str:
    return reverse("conventions:amendment_create", args=[convention.pk])


AMENDMENT_FIELDS = {"signed_on": "2025-06-01", "reason": "Cibles revues"}


def test_amendment_grid_starts_from_the_current_targets(
    manager_client: Client, active: Convention
) -> None:
    grid = manager_client.get(_amendment_url(active)).context["grid"]
    assert grid.years == YEARS
    texts = {(c.indicator, c.year): c.text for c in grid.cells() if c.text}
    assert texts == {(Indicator.ENROLLED, 2026): "100"}


def test_amendment_grid_records_the_whole_new_set(
    manager_client: Client, active: Convention
) -> None:
    values = _full_grid(seed=5)
    response = manager_client.post(
        _amendment_url(active), {**AMENDMENT_FIELDS, **_post_data(values)}
    )
    assert response.status_code == 302
    amendment = active.amendments.get()
    assert {(c.indicator, c.year): c.target_value for c in amendment.commitments.all()} == values


def test_amendment_grid_refuses_every_bad_cell_with_the_form_errors_nothing_written(
    manager_client: Client, active: Convention
) -> None:
    data = {"signed_on": "2025-06-01", "reason": "", **_post_data(_full_grid())}
    data["c-enrolled-2025"] = "-1"
    data["c-placement_rate_6m-2026"] = "abc"
    response = manager_client.post(_amendment_url(active), data)
    assert response.status_code == 200
    assert active.amendments.count() == 0
    assert "reason" in response.context["form"].errors
    assert response.context["grid"].errors == [
        "Stagiaires inscrits, 2025 : Une cible ne peut pas être négative.",
        "Taux d'insertion à 6 mois (%), 2026 : « abc » n'est pas un nombre.",
    ]
    assert 'value="abc"' in response.content.decode()


def test_an_unchanged_amendment_grid_keeps_the_current_targets(
    manager_client: Client, active: Convention
) -> None:
    response = manager_client.post(
        _amendment_url(active), {**AMENDMENT_FIELDS, "c-enrolled-2026": "100"}
    )
    assert response.status_code == 302
    assert not active.amendments.get().commitments.exists()


def test_amendment_grid_refresh_adds_the_years_of_the_new_end_date_without_saving(
    manager_client: Client, active: Convention
) -> None:
    response = manager_client.post(
        _amendment_url(active),
        {**AMENDMENT_FIELDS, "new_ends_on": "2029-06-30", "refresh_grid": "1"},
    )
    assert response.status_code == 200
    assert response.context["grid"].years == [2025, 2026, 2027, 2028, 2029]
    assert active.amendments.count() == 0
    saved = manager_client.post(
        _amendment_url(active),
        {**AMENDMENT_FIELDS, "new_ends_on": "2029-06-30", "c-enrolled-2029": "40"},
    )
    assert saved.status_code == 302
    assert active.amendments.get().commitments.get().year == 2029


def test_partners_cannot_add_an_amendment_grid(
    partner_a_client: Client, partner_b_client: Client, active: Convention
) -> None:
    data = {**AMENDMENT_FIELDS, "c-enrolled-2025": "10"}
    assert partner_b_client.post(_amendment_url(active), data).status_code == 404
    assert partner_a_client.post(_amendment_url(active), data).status_code in (302, 403)
    assert active.amendments.count() == 0


def test_targets_outside_the_period_are_named_and_left_alone(
    manager_client: Client, manager_user: User, operator_a: Partner
) -> None:
    draft = signable_convention(manager=manager_user, operator=operator_a)
    # Its period moved after its 2026 target was set (data from before the period rule).
    Convention.objects.filter(pk=draft.pk).update(
        starts_on=dt.date(2027, 1, 1), ends_on=dt.date(2028, 12, 31)
    )
    response = manager_client.get(_url(draft))
    assert response.context["grid"].years == [2027, 2028]
    assert "Stagiaires inscrits 2026 (100)" in response.content.decode()
    assert manager_client.post(_url(draft), {"c-enrolled-2027": "5"}).status_code == 302
    assert _originals(draft) == {
        (Indicator.ENROLLED, 2026): Decimal(100),
        (Indicator.ENROLLED, 2027): Decimal(5),
    }
