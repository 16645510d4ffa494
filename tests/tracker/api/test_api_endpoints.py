"""The schema is valid OpenAPI 3, every operation in it is exercised here with a
successful request, and a partner's whole sync (create, graduate, hire, figures) works
with a token alone."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from accounts.models import Role
from conventions.models import Convention, Partner
from tests.support.api import token_client
from tests.support.factories import CommitmentFactory, PartnerFactory, UserFactory
from tracker.figures.rollups import rollup_full_recompute
from tracker.models import ChangeLog, Enrollment

pytestmark = pytest.mark.django_db


def schema_operations() -> set[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }


def test_schema_is_valid_openapi_3():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)  # raises on any violation of the OpenAPI 3 JSON schema
    assert schema["openapi"].startswith("3.")
    assert "apiToken" in schema["components"]["securitySchemes"]


def test_schema_and_docs_are_served(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/enrollments/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    # Swagger UI from this host (sidecar), and no inline script or style (strict CSP).
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "<script>" not in html
    assert "<style" not in html
    assert "script-src 'self'" in docs["Content-Security-Policy"]
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")


def test_every_operation_of_the_schema_is_exercised(
    people, partner_a_user, manager_user, admin_user
):
    """Walks a partner's, a manager's and an admin's working day through every
    operation, and checks that together they cover the schema exactly."""
    from tests.support.factories import filiere, region

    people.convention_a.managers.add(manager_user)
    CommitmentFactory.create(convention=people.convention_a)
    partner = token_client(partner_a_user)
    manager = token_client(manager_user)
    admin = token_client(admin_user)
    covered: set[tuple[str, str]] = set()

    def call(client, method, template, url, body=None, expected=200):
        response = getattr(client, method.lower())(url, body, format="json")
        assert response.status_code == expected, (method, url, response.content)
        covered.add((method, template))
        return response.json() if response.content else None

    v1 = "/api/v1"
    cohort, enrollment = people.cohort_a, people.enrollment_a
    # Reference data and conventions.
    for name, pk in (
        ("regions", region().pk),
        ("zones", None),
        ("filieres", filiere().pk),
        ("conventions", people.convention_a.pk),
    ):
        rows = call(partner, "GET", f"{v1}/{name}/", f"{v1}/{name}/")
        first = pk or (rows["results"] if isinstance(rows, dict) else rows)[0]["id"]
        call(partner, "GET", f"{v1}/{name}/{{id}}/", f"{v1}/{name}/{first}/")
    # Cohorts: read (partner), create and update (manager).
    call(partner, "GET", f"{v1}/cohorts/", f"{v1}/cohorts/")
    call(partner, "GET", f"{v1}/cohorts/{{id}}/", f"{v1}/cohorts/{cohort.pk}/")
    new_cohort = call(
        manager,
        "POST",
        f"{v1}/cohorts/",
        f"{v1}/cohorts/",
        {
            "code": "coh-api-1",
            "convention": people.convention_a.pk,
            "operator": people.cohort_a.operator_id,
            "filiere": "ITO",
            "metier": "Développeur",
            "region": "MA-06",
            "city": "Casablanca",
            "modality": "bootcamp",
            "hours": 300,
            "planned_seats": 20,
            "starts_on": "2026-02-01",
            "ends_on": "2026-07-31",
        },
        expected=201,
    )
    assert new_cohort["code"] == "COH-API-1"
    url = f"{v1}/cohorts/{new_cohort['id']}/"
    call(manager, "PATCH", f"{v1}/cohorts/{{id}}/", url, {"planned_seats": 25})
    body = {k: new_cohort[k] for k in ("code", "convention", "operator", "metier", "city")}
    body |= {"filiere": "ITO", "region": "MA-06", "modality": "bootcamp", "hours": 300}
    body |= {"planned_seats": 30, "starts_on": "2026-02-01", "ends_on": "2026-07-31"}
    call(manager, "PUT", f"{v1}/cohorts/{{id}}/", url, body)
    # Enrollments: create, upsert, correct, graduate, drop out, fail.
    person = {"cin": "ab 123456", "first_name": "Salma", "last_name": "Alaoui", "sex": "F"}
    person |= {"birth_date": "2001-04-12"}
    created = call(
        partner,
        "POST",
        f"{v1}/enrollments/",
        f"{v1}/enrollments/",
        {"cohort": cohort.pk, "trainee": person, "enrolled_on": "2026-01-10"},
        expected=201,
    )
    assert created["trainee"]["cin"] == "AB123456"
    upserted = call(
        partner,
        "POST",
        f"{v1}/enrollments/upsert/",
        f"{v1}/enrollments/upsert/",
        {"cohort": cohort.pk, "trainee": person, "enrolled_on": "2026-01-10"},
    )
    assert upserted["id"] == created["id"]
    assert upserted["version"] == created["version"]
    one = f"{v1}/enrollments/{created['id']}/"
    call(partner, "GET", f"{v1}/enrollments/", f"{v1}/enrollments/")
    call(partner, "GET", f"{v1}/enrollments/{{id}}/", one)
    call(partner, "PATCH", f"{v1}/enrollments/{{id}}/", one, {"certificate_ref": "C-1"})
    call(partner, "PUT", f"{v1}/enrollments/{{id}}/", one, {"enrolled_on": "2026-01-11"})
    graduated = call(
        partner,
        "POST",
        f"{v1}/enrollments/{{id}}/graduate/",
        f"{one}graduate/",
        {"graduated_on": "2026-06-30", "version": 3},
    )
    assert graduated["status"] == "graduated"
    # A staff correction reopens it (partners cannot), then it graduates again.
    reopened = call(
        manager, "POST", f"{v1}/enrollments/{{id}}/reopen/", f"{one}reopen/", {"reason": "Jury"}
    )
    assert (reopened["status"], reopened["graduated_on"]) == ("enrolled", None)
    partner.post(f"{one}graduate/", {"graduated_on": "2026-06-30"}, format="json")
    call(
        partner,
        "POST",
        f"{v1}/enrollments/{{id}}/drop-out/",
        f"{v1}/enrollments/{enrollment.pk}/drop-out/",
        {"exited_on": "2026-03-01"},
    )
    other = call(
        partner,
        "POST",
        f"{v1}/enrollments/",
        f"{v1}/enrollments/",
        {"cohort": cohort.pk, "trainee": person | {"cin": "AB654321"}, "enrolled_on": "2026-01-10"},
        expected=201,
    )
    call(
        partner,
        "POST",
        f"{v1}/enrollments/{{id}}/fail/",
        f"{v1}/enrollments/{other['id']}/fail/",
        {"exited_on": "2026-05-01"},
    )
    # Trainees: read and correct (partner), record one enrolled nowhere (admin).
    call(partner, "GET", f"{v1}/trainees/", f"{v1}/trainees/")
    own = f"{v1}/trainees/{created['trainee']['id']}/"
    read = call(partner, "GET", f"{v1}/trainees/{{id}}/", own)
    patched = call(
        partner,
        "PATCH",
        f"{v1}/trainees/{{id}}/",
        own,
        {"phone": "0661234567", "version": read["version"]},
    )
    assert patched["phone"] == "+212661234567"
    # The partner's own record of the person changed, not the national record.
    assert patched["version"] == read["version"]
    replaced = call(
        partner,
        "PUT",
        f"{v1}/trainees/{{id}}/",
        own,
        {k: person[k] for k in ("first_name", "last_name", "sex", "birth_date")},
    )
    assert replaced["phone"] == ""  # PUT replaces: an optional field left out is cleared
    assert replaced["cin"] == "AB123456"
    standalone = call(
        admin,
        "POST",
        f"{v1}/trainees/",
        f"{v1}/trainees/",
        person | {"cin": "AD999888"},
        expected=201,
    )
    assert standalone["cin"] == "AD999888"
    assert standalone["version"] == 1
    # Identity corrections: the operator asks, staff read the queue and answer.
    ask = {"proposed": {"first_name": "Alia"}, "comment": "Erreur de saisie."}
    asked = call(
        partner,
        "POST",
        f"{v1}/trainees/{{id}}/correction-request/",
        f"{own}correction-request/",
        ask,
        expected=201,
    )
    call(manager, "GET", f"{v1}/identity-corrections/", f"{v1}/identity-corrections/")
    one = f"{v1}/identity-corrections/{asked['id']}/"
    call(manager, "GET", f"{v1}/identity-corrections/{{id}}/", one)
    applied = call(manager, "POST", f"{v1}/identity-corrections/{{id}}/apply/", f"{one}apply/", {})
    assert applied["status"] == "applied"
    again = call(
        partner,
        "POST",
        f"{v1}/trainees/{{id}}/correction-request/",
        f"{own}correction-request/",
        ask | {"proposed": {"last_name": "Autre"}},
        expected=201,
    )
    declined = call(
        admin,
        "POST",
        f"{v1}/identity-corrections/{{id}}/decline/",
        f"{v1}/identity-corrections/{again['id']}/decline/",
        {"staff_comment": "La CIN porte bien ce nom."},
    )
    assert declined["status"] == "declined"
    # Hires.
    employer = PartnerFactory.create(kind=Partner.Kind.EMPLOYER, ice="001234567000089")
    hire_body = {
        "enrollment": created["id"],
        "employer_name": "Atlas Services SA",
        "employer_ice": "001234567000089",
        "hired_on": "2026-07-15",
        "contract_type": "cdi",
        "job_title": "Conseillère clientèle",
        "filiere": "CRM",
        "region": "MA-06",
        "gross_monthly_salary_mad": "6500.00",
    }
    hire = call(partner, "POST", f"{v1}/hires/", f"{v1}/hires/", hire_body, expected=201)
    assert employer.pk  # an employer partner exists; this hire names one by ICE instead
    call(partner, "GET", f"{v1}/hires/", f"{v1}/hires/")
    call(partner, "GET", f"{v1}/hires/{{id}}/", f"{v1}/hires/{hire['id']}/")
    call(
        partner, "PATCH", f"{v1}/hires/{{id}}/", f"{v1}/hires/{hire['id']}/", {"job_title": "Chef"}
    )
    put_body = {k: v for k, v in hire_body.items() if k != "enrollment"}
    call(partner, "PUT", f"{v1}/hires/{{id}}/", f"{v1}/hires/{hire['id']}/", put_body)
    upserted_hire = call(
        partner,
        "POST",
        f"{v1}/hires/upsert/",
        f"{v1}/hires/upsert/",
        hire_body | {"job_title": "Chef"},
    )
    assert upserted_hire["id"] == hire["id"]
    call(partner, "DELETE", f"{v1}/hires/{{id}}/", f"{v1}/hires/{hire['id']}/", expected=204)
    deletions = call(partner, "GET", f"{v1}/deletions/", f"{v1}/deletions/")
    assert [row["id"] for row in deletions["results"]] == [hire["id"]]
    # Batch.
    record = {
        "cohort": cohort.code,
        "cin": "AC111222",
        "last_name": "Tazi",
        "first_name": "Youssef",
        "sex": "M",
        "birth_date": "2000-11-02",
        "status": "enrolled",
        "enrolled_on": "2026-01-05",
    }
    result = call(partner, "POST", f"{v1}/batch/", f"{v1}/batch/", {"records": [record]})
    assert result["committed"]
    assert result["created"] == 1
    # Figures.
    rollup_full_recompute()
    figures = call(partner, "GET", f"{v1}/figures/", f"{v1}/figures/?year=2026")
    assert (
        figures["results"][0]["enrolled"]
        == Enrollment.objects.filter(
            cohort__operator=people.cohort_a.operator, enrolled_on__year=2026
        ).count()
    )
    assert ChangeLog.objects.filter(source=ChangeLog.Source.API).exists()
    assert covered == schema_operations()


def test_a_viewer_reads_but_cannot_write(people, viewer_a_user):
    viewer = token_client(viewer_a_user)
    assert viewer.get(f"/api/v1/enrollments/{people.enrollment_a.pk}/").status_code == 200
    response = viewer.post(
        f"/api/v1/enrollments/{people.enrollment_a.pk}/graduate/",
        {"graduated_on": "2026-06-30"},
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["errors"][0]["reason"]
    batch = viewer.post("/api/v1/batch/", {"records": [{"cin": "X"}]}, format="json")
    assert batch.status_code == 403


def test_a_partner_cannot_create_cohorts(people, partner_a_user):
    client = token_client(partner_a_user)
    response = client.post(
        "/api/v1/cohorts/",
        {
            "code": "X-1",
            "convention": people.convention_a.pk,
            "operator": people.cohort_a.operator_id,
            "filiere": "ITO",
            "metier": "Dev",
            "region": "MA-06",
            "city": "Rabat",
            "modality": "bootcamp",
            "hours": 10,
            "planned_seats": 10,
            "starts_on": "2026-01-01",
            "ends_on": "2026-02-01",
        },
        format="json",
    )
    assert response.status_code == 403
    assert Convention.objects.count() == 2


def test_personal_data_is_masked_for_a_manager_of_another_convention(people, other_manager_user):
    client = token_client(other_manager_user)  # manages convention B only
    seen = client.get(f"/api/v1/enrollments/{people.enrollment_a.pk}/").json()
    assert seen["trainee"]["cin"] == "•••"
    assert seen["trainee"]["personal_data_visible"] is False
    own = client.get(f"/api/v1/enrollments/{people.enrollment_b.pk}/").json()
    assert own["trainee"]["cin"] == "BB222222"
    trainee = client.get(f"/api/v1/trainees/{people.trainee_a.pk}/").json()
    assert trainee["last_name"] == "•••"
    # A search by CIN does not confirm a person it may not see.
    assert client.get("/api/v1/trainees/?cin=AA111111").json()["results"] == []


def test_roles_are_never_settable_and_users_stay_unchanged(people, partner_a_user):
    client = token_client(partner_a_user)
    response = client.patch(
        f"/api/v1/enrollments/{people.enrollment_a.pk}/", {"role": "admin"}, format="json"
    )
    assert response.status_code == 400
    partner_a_user.refresh_from_db()
    assert partner_a_user.role == Role.PARTNER_EDITOR
    assert UserFactory._meta.model.objects.filter(role=Role.ADMIN).count() == 0
