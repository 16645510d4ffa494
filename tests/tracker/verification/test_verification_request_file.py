"""The request file staff send to the CNSS: the hires and the unplaced graduates of a
chosen period, in the documented CSV layout; partners are refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.support.factories import EnrollmentFactory, PlacementFactory, TraineeFactory
from tracker.models import EmployerAffiliation

pytestmark = pytest.mark.django_db
ICE = "001111111000011"


def _lines(response) -> list[str]:
    return b"".join(response.streaming_content).decode("utf-8-sig").splitlines()


def test_request_file_lists_hires_and_unplaced_graduates_of_the_period(manager_client) -> None:
    EmployerAffiliation.objects.create(ice=ICE, cnss_number="1234567")
    hired = TraineeFactory.create(cin="RQ100001")
    PlacementFactory.create(
        enrollment=EnrollmentFactory.create(trainee=hired),
        hired_on=dt.date(2026, 2, 3),
        employer_ice=ICE,
    )
    outside = TraineeFactory.create(cin="RQ100002")
    PlacementFactory.create(
        enrollment=EnrollmentFactory.create(trainee=outside), hired_on=dt.date(2025, 2, 3)
    )
    graduate = TraineeFactory.create(cin="RQ100003")
    EnrollmentFactory.create(
        trainee=graduate,
        status="graduated",
        graduated_on=dt.date(2026, 1, 30),
        exited_on=dt.date(2026, 1, 30),
    )
    response = manager_client.get(
        reverse("verification_request") + "?start=2026-01-01&end=2026-03-31"
    )
    lines = _lines(response)
    assert lines[0] == "cin;ice_employeur;cnss_employeur;date_embauche;date_diplome"
    assert f"RQ100001;{ICE};1234567;2026-02-03;" in lines
    assert "RQ100003;;;;2026-01-30" in lines
    assert not any(line.startswith("RQ100002") for line in lines)


def test_an_inverted_period_is_refused_with_its_reason(manager_client) -> None:
    response = manager_client.get(
        reverse("verification_request") + "?start=2026-03-01&end=2026-01-01"
    )
    assert response.status_code == 200
    assert "La date de début doit précéder la date de fin" in response.content.decode()


def test_partners_cannot_export_the_request_file(partner_a_client) -> None:
    url = reverse("verification_request") + "?start=2026-01-01&end=2026-03-31"
    assert partner_a_client.get(url).status_code == 403
