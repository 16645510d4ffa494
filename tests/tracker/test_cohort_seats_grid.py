"""Cohorts' planned seats as one grid per convention: saved as a whole or refused as a
whole with every cell's error; totals recomputed from the rows; partner B learns
nothing."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from conventions.models import Convention, Indicator
from tests.support.factories import (
    CohortFactory,
    CommitmentFactory,
    ConventionFactory,
    ConventionPartyFactory,
)
from tracker.models import Cohort
from tracker.services.cohort_seats import SeatsRefusedError, cohort_seats_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def convention(manager_user, operator_a):
    convention = ConventionFactory.create(status=Convention.Status.ACTIVE)
    convention.managers.add(manager_user)
    ConventionPartyFactory.create(convention=convention, partner=operator_a)
    for year, target in ((2026, 60), (2027, 40)):
        CommitmentFactory.create(
            convention=convention,
            indicator=Indicator.ENROLLED,
            year=year,
            target_value=Decimal(target),
        )
    for code, starts, seats in (
        ("GRID-A", dt.date(2026, 1, 5), 30),
        ("GRID-B", dt.date(2026, 9, 1), 25),
        ("GRID-C", dt.date(2027, 2, 1), 20),
    ):
        CohortFactory.create(
            code=code,
            convention=convention,
            operator=operator_a,
            starts_on=starts,
            ends_on=starts + dt.timedelta(days=170),
            planned_seats=seats,
        )
    return convention


def _url(convention) -> str:
    return reverse("cohort_seats_grid", args=[convention.pk])


def _cells(convention, **seats) -> dict[str, str]:
    return {
        f"seats-{cohort.pk}": str(seats.get(cohort.code.replace("-", "_"), cohort.planned_seats))
        for cohort in Cohort.objects.filter(convention=convention)
    }


def _seats(convention) -> dict[str, int]:
    return dict(Cohort.objects.filter(convention=convention).values_list("code", "planned_seats"))


def _figure(page: str, testid: str) -> str:
    found = re.search(rf'data-testid="{testid}"[^>]*>([^<]*)<', page)
    assert found, testid
    return found.group(1).strip()


def test_grid_shows_totals_recomputed_from_the_rows(manager_client, convention):
    page = manager_client.get(_url(convention)).content.decode()
    cohorts = Cohort.objects.filter(convention=convention)
    assert _figure(page, "seats-total") == str(sum(c.planned_seats for c in cohorts))
    for year in (2026, 2027):
        expected = sum(c.planned_seats for c in cohorts if c.starts_on.year == year)
        row = page.split(f'data-testid="seats-year-{year}"', 1)[1]
        assert _figure(row, "seats-year-total") == str(expected)
    assert "(objectif d'inscrits : 60)" in page


def test_grid_is_saved_as_a_whole(manager_client, convention):
    response = manager_client.post(_url(convention), _cells(convention, GRID_A=32, GRID_C=18))
    assert response.status_code == 302
    assert _seats(convention) == {"GRID-A": 32, "GRID-B": 25, "GRID-C": 18}


def test_grid_is_refused_as_a_whole_with_every_error(manager_client, convention):
    before = _seats(convention)
    response = manager_client.post(
        _url(convention), _cells(convention, GRID_A=40, GRID_B="0", GRID_C="vingt")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count("invalid-feedback") == 2
    assert 'value="vingt"' in page  # the typed values are kept
    assert 'value="40"' in page
    assert _seats(convention) == before  # GRID-A's valid cell was not saved either


def test_partner_b_and_a_reader_learn_nothing(
    partner_b_client, partner_a_client, other_manager_user, convention
):
    other_manager_client = Client()
    other_manager_client.force_login(other_manager_user)
    assert partner_b_client.get(_url(convention)).status_code == 404
    missing = reverse("cohort_seats_grid", args=[987654321])
    assert partner_b_client.get(missing).status_code == 404
    # Partner A is party to the convention and operates its cohorts, but does not manage
    # the convention: refused by role.
    assert partner_a_client.get(_url(convention)).status_code == 403
    response = other_manager_client.post(_url(convention), _cells(convention, GRID_A=1))
    assert response.status_code == 403
    assert _seats(convention)["GRID-A"] == 30


def test_service_writes_nothing_when_one_cohort_is_refused(manager_user, convention):
    cohorts = {c.code: c for c in Cohort.objects.filter(convention=convention)}
    with pytest.raises(SeatsRefusedError) as refused:
        cohort_seats_update(
            convention=convention,
            seats={cohorts["GRID-A"].pk: 33, cohorts["GRID-B"].pk: 0},
            actor=manager_user,
        )
    assert set(refused.value.errors) == {cohorts["GRID-B"].pk}
    assert _seats(convention) == {"GRID-A": 30, "GRID-B": 25, "GRID-C": 20}
    changed = cohort_seats_update(
        convention=convention, seats={cohorts["GRID-A"].pk: 33}, actor=manager_user
    )
    assert changed == 1
    assert _seats(convention)["GRID-A"] == 33


@pytest.mark.parametrize(("language", "words"), [("ar", "المقاعد المتوقعة"), ("en", "Planned")])
def test_grid_and_its_errors_speak_the_readers_language(
    manager_user, manager_client, convention, language, words
):
    manager_user.language = language
    manager_user.save(update_fields=["language"])
    page = manager_client.get(_url(convention)).content.decode()
    assert words in page
    response = manager_client.post(_url(convention), _cells(convention, GRID_B="0"))
    assert "Rien n&#x27;a été enregistré" not in response.content.decode()
    assert words in response.content.decode()
