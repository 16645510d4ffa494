"""Hires: every rule with its message, the pages, locking, history, query counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from conventions.models import Partner
from tests.support.factories import PartnerFactory, PlacementFactory, filiere, region, zone
from tracker.models import ChangeLog, Enrollment, Placement
from tracker.services import placements as placement_services
from tracker.services.locking import ConcurrentEditError
from tracker.services.placements import PlacementInput, placement_create, placement_update

pytestmark = pytest.mark.django_db
D = dt.date


def hire(**overrides: object) -> PlacementInput:
    values: dict = {
        "employer_name": "Rabat Data Services",
        "employer_ice": "001234567000089",
        "hired_on": D(2026, 5, 15),
        "contract_type": Placement.ContractType.CDI,
        "job_title": "Analyste de données",
        "filiere": filiere("KPO"),
        "region": region("MA-04"),
        "gross_monthly_salary_mad": Decimal("11000"),
    }
    values.update(overrides)
    return PlacementInput(**values)


def test_hire_before_graduation_is_accepted(people, partner_a_user: User) -> None:
    placement = placement_create(enrollment=people.enrollment_a, data=hire(), actor=partner_a_user)
    assert people.enrollment_a.status == Enrollment.Status.ENROLLED
    assert placement.hired_on == D(2026, 5, 15)
    log = ChangeLog.objects.get(entity=ChangeLog.Entity.PLACEMENT, object_id=placement.pk)
    assert (log.action, log.actor) == ("created", partner_a_user)
    assert log.changes["contract_type"] == [None, "cdi"]


def test_zone_fills_the_region(people, partner_a_user) -> None:
    placement = placement_create(
        enrollment=people.enrollment_a,
        data=hire(region=None, zone=zone("CNS")),
        actor=partner_a_user,
    )
    assert placement.region == zone("CNS").region


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"hired_on": D(2026, 1, 4)}, "hired_on", "précède la date d'inscription"),
        ({"ended_on": D(2026, 5, 1)}, "ended_on", "précède la date d'embauche"),
        (
            {"gross_monthly_salary_mad": Decimal("250000")},
            "gross_monthly_salary_mad",
            "au-dessus du plafond",
        ),
        (
            {"gross_monthly_salary_mad": Decimal("-5")},
            "gross_monthly_salary_mad",
            "sous le salaire minimum légal",
        ),
        (
            {"gross_monthly_salary_mad": Decimal("300")},
            "gross_monthly_salary_mad",
            "sous le salaire minimum légal",
        ),
        (
            {"hired_on": timezone.localdate() + dt.timedelta(days=200)},
            "hired_on",
            "est dans le futur",
        ),
        ({"employer_name": "", "employer_ice": ""}, "employer", "Choisissez un employeur"),
        ({"employer_ice": ""}, "employer_ice", "L'ICE de l'employeur est obligatoire"),
        ({"employer_ice": "12345"}, "employer_ice", "15 chiffres"),
        ({"region": None, "zone": None}, "region", "zone ou la région"),
        ({"job_title": "  "}, "job_title", "intitulé du poste est obligatoire"),
        ({"contract_type": "stage"}, "contract_type", "Type de contrat inconnu"),
        ({"cnss_verified_on": D(2026, 5, 1)}, "cnss_verified_on", "précède la date d'embauche"),
        ({"cnss_verified_on": D(2099, 1, 1)}, "cnss_verified_on", "dans le futur"),
        ({"hired_on": D(2099, 1, 1)}, "hired_on", "plus d'un an dans le futur"),
    ],
)
def test_hire_rules(people, partner_a_user, overrides, field, message) -> None:
    with pytest.raises(ValidationError) as caught:
        placement_create(
            enrollment=people.enrollment_a, data=hire(**overrides), actor=partner_a_user
        )
    assert message in " ".join(caught.value.message_dict[field])
    assert Placement.objects.filter(enrollment=people.enrollment_a).count() == 1


def test_employer_partner_must_be_of_kind_employer(people, partner_a_user, operator_b) -> None:
    with pytest.raises(ValidationError, match="n'est pas enregistré comme employeur"):
        placement_create(
            enrollment=people.enrollment_a,
            data=hire(employer=operator_b, employer_name="", employer_ice=""),
            actor=partner_a_user,
        )
    employer = PartnerFactory.create(kind=Partner.Kind.EMPLOYER)
    placement = placement_create(
        enrollment=people.enrollment_a, data=hire(employer=employer), actor=partner_a_user
    )
    # A partner employer replaces the typed name and ICE.
    assert (placement.employer, placement.employer_name, placement.employer_ice) == (
        employer,
        "",
        "",
    )


def test_only_entitled_users_record_hires(
    people, viewer_a_user, partner_b_user, other_manager_user
):
    for outsider in (viewer_a_user, partner_b_user, other_manager_user):
        with pytest.raises(PermissionDenied):
            placement_create(enrollment=people.enrollment_a, data=hire(), actor=outsider)


def test_update_records_history_and_locks(people, partner_a_user, manager_user) -> None:
    placement = people.placement_a
    updated = placement_update(
        placement=placement,
        version=1,
        data=hire(ended_on=D(2026, 12, 31)),
        actor=manager_user,
    )
    assert updated.version == 2
    log = ChangeLog.objects.get(
        entity=ChangeLog.Entity.PLACEMENT, object_id=placement.pk, action="updated"
    )
    assert log.changes["ended_on"] == [None, "2026-12-31"]
    assert log.actor == manager_user
    with pytest.raises(ConcurrentEditError):
        placement_update(
            placement=placement, version=1, data=hire(job_title="X"), actor=partner_a_user
        )
    placement.refresh_from_db()
    assert placement.job_title == "Analyste de données"


def test_hire_asks_for_a_rollup(people, partner_a_user) -> None:
    with mock.patch.object(placement_services, "rollup_after_commit") as rollup:
        placement_create(enrollment=people.enrollment_a, data=hire(), actor=partner_a_user)
    rollup.assert_called_once_with(cohort_ids=[people.cohort_a.pk])


# --- pages --------------------------------------------------------------------------


def _post(**overrides: str) -> dict[str, str]:
    data = {
        "employer_name": "Rabat Data Services",
        "employer_ice": "001234567000089",
        "hired_on": "2026-05-15",
        "contract_type": "cdi",
        "job_title": "Analyste",
        "filiere": str(filiere("KPO").pk),
        "region": str(region("MA-04").pk),
        "gross_monthly_salary_mad": "9500",
    }
    data.update(overrides)
    return data


def test_record_hire_page(people, partner_a_client: Client) -> None:
    response = partner_a_client.post(
        reverse("placement_create", args=[people.enrollment_a.pk]), _post()
    )
    assert response.status_code == 302
    Placement.objects.get(job_title="Analyste")
    detail = partner_a_client.get(response["Location"]).content.decode()
    assert "Rabat Data Services" in detail
    assert "création" in detail


def test_record_hire_page_error(people, partner_a_client: Client) -> None:
    response = partner_a_client.post(
        reverse("placement_create", args=[people.enrollment_a.pk]), _post(hired_on="2025-12-01")
    )
    assert response.status_code == 200
    assert "précède la date d&#x27;inscription" in response.content.decode()


def test_stale_hire_form_is_a_conflict(people, partner_a_client, manager_client) -> None:
    url = reverse("placement_update", args=[people.placement_a.pk])
    assert manager_client.post(url, _post(version="1", job_title="Premier")).status_code == 302
    response = partner_a_client.post(url, _post(version="1", job_title="Second"))
    assert response.status_code == 409
    assert "modifiée par quelqu&#x27;un d&#x27;autre" in response.content.decode()
    people.placement_a.refresh_from_db()
    assert people.placement_a.job_title == "Premier"


def test_viewer_cannot_record_or_edit_hires(people, viewer_a_client) -> None:
    assert (
        viewer_a_client.post(
            reverse("placement_create", args=[people.enrollment_a.pk]), _post()
        ).status_code
        == 403
    )
    assert (
        viewer_a_client.post(
            reverse("placement_update", args=[people.placement_a.pk]), _post(version="1")
        ).status_code
        == 403
    )
    detail = viewer_a_client.get(reverse("placement_detail", args=[people.placement_a.pk]))
    assert "placement-edit" not in detail.content.decode()
    assert Placement.objects.count() == 2


def test_hire_list_filters(people, manager_client) -> None:
    url = reverse("placement_list")
    content = manager_client.get(url, {"employer": people.employer_b.pk}).content.decode()
    assert "COH-B" in content
    assert "COH-A" not in content
    assert manager_client.get(url, {"contract_type": "cdd"}).content.decode().count("<tr") == 1
    assert 'row-count">2 lignes' in manager_client.get(url, {"year": "2026"}).content.decode()
    assert manager_client.get(url, {"zone": zone("CNS").pk, "sort": "-hired_on"}).status_code == 200


def test_hire_list_query_count_is_constant(
    people, manager_client: Client, django_assert_max_num_queries
) -> None:
    url = reverse("placement_list")
    for _ in range(3):
        PlacementFactory.create(enrollment=people.enrollment_a)
    manager_client.get(url)  # reference data is read once per process, then cached
    # 5 for admins and partners with Redis (tests/web/test_list_pages.py); a manager pays one
    # more (the conventions he manages: what personal data he may see), and without Redis
    # the session is read from the database: one more.
    with django_assert_max_num_queries(7) as small:
        assert manager_client.get(url).status_code == 200
    for day in range(45):
        PlacementFactory.create(
            enrollment=people.enrollment_a,
            employer=people.employer_a,
            hired_on=dt.date(2026, 7, 2) + dt.timedelta(days=day),
        )
    with django_assert_max_num_queries(7) as large:
        assert manager_client.get(url).status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries)
