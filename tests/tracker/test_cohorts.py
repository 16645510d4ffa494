"""Cohorts: who creates and edits them, under which conventions, the list (filters,
sort, export) and the detail page's figures."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import User
from conventions.models import Convention, ConventionParty
from tests.support.factories import (
    ConventionFactory,
    ConventionPartyFactory,
    EnrollmentFactory,
    PlacementFactory,
    TraineeFactory,
    filiere,
    region,
    zone,
)
from tracker.figures.cohort_card import cohort_figures
from tracker.models import Cohort, Enrollment, Placement, Trainee
from tracker.services import cohorts as cohort_services
from tracker.services.cohorts import cohort_create, cohort_update

pytestmark = pytest.mark.django_db
D = dt.date


def cohort_values(people, **overrides: object) -> dict:
    values: dict = {
        "code": "coh-new-1",
        "convention": people.convention_a,
        "operator": people.cohort_a.operator,
        "filiere": filiere("CRM"),
        "metier": "Conseiller client",
        "region": region("MA-06"),
        "zone": zone("CNS"),
        "city": "Casablanca",
        "modality": Cohort.Modality.QUALIFYING,
        "hours": 300,
        "planned_seats": 25,
        "starts_on": D(2026, 2, 1),
        "ends_on": D(2026, 5, 31),
    }
    values.update(overrides)
    return values


def test_manager_of_the_convention_creates_a_cohort(people, manager_user: User) -> None:
    cohort = cohort_create(actor=manager_user, **cohort_values(people))
    assert cohort.code == "COH-NEW-1"
    assert cohort.status == Cohort.Status.PLANNED


@pytest.mark.parametrize(
    "status", [Convention.Status.DRAFT, Convention.Status.SUBMITTED, Convention.Status.CLOSED]
)
def test_cohort_only_under_signed_or_active_convention(people, manager_user, status) -> None:
    Convention.objects.filter(pk=people.convention_a.pk).update(status=status)
    people.convention_a.refresh_from_db()
    with pytest.raises(ValidationError, match="convention signée ou active"):
        cohort_create(actor=manager_user, **cohort_values(people))


def test_operator_must_be_a_training_operator_party(people, manager_user, operator_b) -> None:
    with pytest.raises(ValidationError, match="opérateur de formation partie à la convention"):
        cohort_create(actor=manager_user, **cohort_values(people, operator=operator_b))
    # A party in another role is not enough either.
    ConventionPartyFactory.create(
        convention=people.convention_a, partner=operator_b, role=ConventionParty.Role.EMPLOYER
    )
    with pytest.raises(ValidationError, match="opérateur de formation partie à la convention"):
        cohort_create(actor=manager_user, **cohort_values(people, operator=operator_b))


def test_zone_must_be_in_the_region(people, manager_user) -> None:
    with pytest.raises(ValidationError, match="n'est pas dans la région choisie"):
        cohort_create(actor=manager_user, **cohort_values(people, region=region("MA-01")))


def test_only_managers_of_the_convention_and_admins_create(
    people, other_manager_user, partner_a_user, admin_user
) -> None:
    for outsider in (other_manager_user, partner_a_user):
        with pytest.raises(PermissionDenied):
            cohort_create(actor=outsider, **cohort_values(people))
    assert cohort_create(actor=admin_user, **cohort_values(people)).pk


def test_moving_a_cohort_recomputes_the_scope_it_left(people, manager_user) -> None:
    with mock.patch.object(cohort_services, "rollup_after_commit") as rollup:
        cohort_update(
            cohort=people.cohort_a,
            actor=manager_user,
            region=region("MA-04"),
            filiere=filiere("BPO"),
        )
    rollup.assert_called_once()
    kwargs = rollup.call_args.kwargs
    assert kwargs["cohort_ids"] == [people.cohort_a.pk]
    assert set(kwargs["previous"]) == {
        ("region", region("MA-06").pk),
        ("filiere", filiere("ITO").pk),
    }


def test_cohort_create_page(people, manager_client: Client) -> None:
    data = {key: getattr(value, "pk", value) for key, value in cohort_values(people).items()}
    data["status"] = Cohort.Status.PLANNED
    response = manager_client.post(reverse("cohort_create"), data)
    assert response.status_code == 302
    cohort = Cohort.objects.get(code="COH-NEW-1")
    assert response["Location"] == reverse("cohort_detail", args=[cohort.pk])


def test_cohort_create_page_offers_only_managed_active_conventions(
    people, manager_client: Client
) -> None:
    draft = ConventionFactory.create(title="Brouillon géré")
    draft.managers.add(people.convention_a.managers.get())
    content = manager_client.get(reverse("cohort_create")).content.decode()
    assert people.convention_a.reference in content
    assert people.convention_b.reference not in content  # managed by someone else
    assert draft.reference not in content


def test_partners_and_other_managers_cannot_create_or_edit(
    people, partner_a_client, viewer_a_client, client
) -> None:
    other = client
    other.force_login(people.convention_b.managers.get())
    for c in (partner_a_client, viewer_a_client):
        assert c.get(reverse("cohort_create")).status_code == 403
        assert c.post(reverse("cohort_update", args=[people.cohort_a.pk]), {}).status_code == 403
    assert other.post(reverse("cohort_update", args=[people.cohort_a.pk]), {}).status_code == 403


def test_cohort_figures_are_counted_from_the_rows(people, manager_client) -> None:
    cohort = people.cohort_a
    women = TraineeFactory.create(sex="F")
    man = TraineeFactory.create(sex="M")
    graduate = EnrollmentFactory.create(
        cohort=cohort, trainee=women, status="graduated", graduated_on=D(2026, 6, 30)
    )
    EnrollmentFactory.create(cohort=cohort, trainee=man, status="dropped_out")
    PlacementFactory.create(enrollment=graduate, contract_type=Placement.ContractType.CDD)
    PlacementFactory.create(enrollment=graduate, contract_type=Placement.ContractType.CDI)
    figures = cohort_figures(cohort=cohort)
    rows = Enrollment.objects.filter(cohort=cohort)
    assert figures["enrolled"] == rows.count() == 3
    assert figures["graduates"] == rows.filter(status="graduated").count() == 1
    assert (
        figures["jobs_created"]
        == (rows.filter(placements__contract_type="cdi").distinct().count())
        == 2
    )
    assert figures["hires"] == Placement.objects.filter(enrollment__cohort=cohort).count() == 3
    women_count = rows.filter(trainee__sex=Trainee.Sex.FEMALE).count()
    assert figures["women_share"] == round(100 * women_count / 3, 1)
    page = manager_client.get(reverse("cohort_detail", args=[cohort.pk])).content.decode()
    assert 'data-testid="figure-enrolled">3<' in page
    assert 'data-testid="figure-jobs">2<' in page


def test_cohort_figures_use_one_query(people, django_assert_num_queries) -> None:
    with django_assert_num_queries(1):
        cohort_figures(cohort=people.cohort_a)


def test_cohort_list_filters_sort_and_export(people, manager_client) -> None:
    url = reverse("cohort_list")
    content = manager_client.get(url, {"region": region("MA-06").pk, "sort": "-starts_on"})
    assert content.status_code == 200
    text = content.content.decode()
    assert "COH-A" in text
    assert "COH-B" in text
    filtered = manager_client.get(url, {"operator": people.cohort_b.operator.pk}).content.decode()
    assert "COH-B" in filtered
    assert "COH-A" not in filtered
    export = manager_client.get(url, {"export": "csv", "status": "in_training"})
    body = b"".join(export.streaming_content).decode()
    assert "COH-A" in body
    assert "COH-B" in body
    assert manager_client.get(url, {"year": "2026"}).status_code == 200


def test_viewer_sees_no_edit_buttons(people, viewer_a_client) -> None:
    content = viewer_a_client.get(reverse("cohort_list")).content.decode()
    assert "cohort-create" not in content
    detail = viewer_a_client.get(reverse("cohort_detail", args=[people.cohort_a.pk]))
    assert "cohort-edit" not in detail.content.decode()


def test_navigation_has_the_people_entries(people, partner_a_client) -> None:
    nav = partner_a_client.get(reverse("home")).content.decode()
    for label, name in (
        ("Cohortes", "cohort_list"),
        ("Inscriptions", "enrollment_list"),
        ("Embauches", "placement_list"),
    ):
        assert f'href="{reverse(name)}"' in nav
        assert label in nav


def test_admin_site_shows_people_read_only(people, admin_client, manager_client) -> None:
    """Changes go through the services (rules, locking, history): the admin only reads."""
    for model in ("cohort", "trainee", "enrollment", "placement", "changelog"):
        assert admin_client.get(f"/admin/tracker/{model}/").status_code == 200
        assert admin_client.get(f"/admin/tracker/{model}/add/").status_code == 403
    url = f"/admin/tracker/enrollment/{people.enrollment_a.pk}/change/"
    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url, {"status": "graduated"}).status_code == 403
    people.enrollment_a.refresh_from_db()
    assert people.enrollment_a.status == Enrollment.Status.ENROLLED
    assert manager_client.get("/admin/tracker/enrollment/").status_code == 302
