"""Partner B, with its own token, learns nothing about partner A through any endpoint,
filter or ordering: A's objects are 404, lists and figures never hold them, and a filter
naming them answers exactly as for an id that does not exist."""

from __future__ import annotations

import pytest

from tracker.figures.rollups import rollup_full_recompute
from tracker.models import Enrollment, Placement, Trainee

pytestmark = pytest.mark.django_db

V1 = "/api/v1"
MISSING = 987654321


def _ids(response) -> set[int]:
    data = response.json()
    rows = data["results"] if isinstance(data, dict) else data
    return {row["id"] for row in rows}


def test_every_detail_and_action_on_a_object_is_404_for_b(people, api_b):
    a = people
    urls = {
        "GET": [
            f"{V1}/conventions/{a.convention_a.pk}/",
            f"{V1}/cohorts/{a.cohort_a.pk}/",
            f"{V1}/trainees/{a.trainee_a.pk}/",
            f"{V1}/enrollments/{a.enrollment_a.pk}/",
            f"{V1}/hires/{a.placement_a.pk}/",
        ],
        "PATCH": [
            f"{V1}/cohorts/{a.cohort_a.pk}/",
            f"{V1}/trainees/{a.trainee_a.pk}/",
            f"{V1}/enrollments/{a.enrollment_a.pk}/",
            f"{V1}/hires/{a.placement_a.pk}/",
        ],
        "PUT": [
            f"{V1}/cohorts/{a.cohort_a.pk}/",
            f"{V1}/trainees/{a.trainee_a.pk}/",
            f"{V1}/enrollments/{a.enrollment_a.pk}/",
            f"{V1}/hires/{a.placement_a.pk}/",
        ],
        "POST": [
            f"{V1}/enrollments/{a.enrollment_a.pk}/graduate/",
            f"{V1}/enrollments/{a.enrollment_a.pk}/drop-out/",
            f"{V1}/enrollments/{a.enrollment_a.pk}/fail/",
        ],
    }
    for method, targets in urls.items():
        for url in targets:
            response = getattr(api_b, method.lower())(url, {}, format="json")
            parts = url.split("/")  # ['', 'api', 'v1', resource, id, ...]
            parts[4] = str(MISSING)
            missing = getattr(api_b, method.lower())("/".join(parts), {}, format="json")
            assert response.status_code == 404, (method, url)
            assert response.json() == missing.json(), (method, url)
    a.enrollment_a.refresh_from_db()
    assert a.enrollment_a.status == Enrollment.Status.ENROLLED
    assert a.enrollment_a.version == 1


def test_b_cannot_correct_a_trainee_nor_learn_anything_trying(people, api_b):
    """A full, valid correction of A's trainee answers exactly as for a missing id, whatever
    the body (valid, invalid, a stale version, a CIN), and changes nothing."""
    a = people.trainee_a
    before = Trainee.objects.filter(pk=a.pk).values().get()
    valid = {
        "first_name": "Pirate",
        "last_name": "B",
        "sex": "M",
        "birth_date": "2000-01-01",
        "phone": "0600000000",
        "version": 1,
    }
    bodies = [valid, valid | {"version": 99}, {"phone": "12"}, {"cin": "BB222222"}, {}]
    for method in ("patch", "put"):
        for body in bodies:
            response = getattr(api_b, method)(f"{V1}/trainees/{a.pk}/", body, format="json")
            missing = getattr(api_b, method)(f"{V1}/trainees/{MISSING}/", body, format="json")
            assert response.status_code == 404, (method, body)
            assert response.json() == missing.json(), (method, body)
            assert "Benali" not in response.content.decode()
    assert Trainee.objects.filter(pk=a.pk).values().get() == before
    # Nor by creating one with A's trainee's CIN: B may not create persons at all.
    created = api_b.post(f"{V1}/trainees/", valid | {"cin": a.cin}, format="json")
    other = api_b.post(f"{V1}/trainees/", valid | {"cin": "ZZ123456"}, format="json")
    assert created.status_code == other.status_code == 403
    assert created.json() == other.json()
    assert Trainee.objects.filter(pk=a.pk).values().get() == before


LIST_QUERIES = {
    "conventions": [
        "",
        "?partner={operator_a}",
        "?q=CONV",
        "?ordering=-reference",
        "?ordering=signed_on",
        "?status=active",
    ],
    "cohorts": [
        "",
        "?convention={convention_a}",
        "?operator={operator_a}",
        "?status=in_training",
        "?year=2026",
        "?region={region}",
        "?ordering=code",
        "?ordering=-starts_on",
    ],
    "trainees": ["", "?cin=AA111111", "?sex=F", "?ordering=-id"],
    "enrollments": [
        "",
        "?q=AA111111",
        "?q=Benali",
        "?cohort={cohort_a}",
        "?cohort_code=COH-A",
        "?convention={convention_a}",
        "?operator={operator_a}",
        "?status=enrolled",
        "?sex=F",
        "?year=2026",
        "?region={region}",
        "?ordering=enrolled_on",
        "?ordering=-graduated_on",
        "?ordering=id",
    ],
    "hires": [
        "",
        "?employer={employer_a}",
        "?contract_type=cdi",
        "?year=2026",
        "?ordering=hired_on",
        "?ordering=-id",
    ],
}


def test_lists_filters_and_orderings_never_show_a_rows_to_b(people, api_b):
    a = people
    values = {
        "operator_a": a.cohort_a.operator_id,
        "convention_a": a.convention_a.pk,
        "cohort_a": a.cohort_a.pk,
        "employer_a": a.employer_a.pk,
        "region": a.cohort_a.region_id,
    }
    a_ids = {
        "conventions": {a.convention_a.pk},
        "cohorts": {a.cohort_a.pk},
        "trainees": {a.trainee_a.pk},
        "enrollments": {a.enrollment_a.pk},
        "hires": {a.placement_a.pk},
    }
    for resource, queries in LIST_QUERIES.items():
        for query in queries:
            url = f"{V1}/{resource}/{query.format(**values)}"
            response = api_b.get(url)
            if response.status_code == 400:
                # A filter naming one of A's objects: the same answer as a missing id
                # (a searched filter repeats the number typed, whichever it is).
                missing_url = url
                for value in values.values():
                    missing_url = missing_url.replace(f"={value}", f"={MISSING}")
                typed = url.rsplit("=", 1)[-1]
                answer = response.content.decode().replace(f"Numéro {typed} ", "Numéro N ")
                missing = api_b.get(missing_url).content.decode()
                assert missing.replace(f"Numéro {MISSING} ", "Numéro N ") == answer, url
                continue
            assert response.status_code == 200, url
            assert not _ids(response) & a_ids[resource], url
            assert "AA111111" not in response.content.decode()
            assert "Benali" not in response.content.decode()


def test_b_figures_never_count_a_rows(people, api_b):
    rollup_full_recompute()
    a = people
    national = api_b.get(f"{V1}/figures/").json()["results"]
    assert sum(row["enrolled"] for row in national) == 1  # B's own enrollment only
    for dimension, member in (
        ("cohort", a.cohort_a.pk),
        ("convention", a.convention_a.pk),
        ("operator", a.cohort_a.operator_id),
    ):
        for query in ("", "&year=2026", "&until=2026-12-31"):
            response = api_b.get(f"{V1}/figures/?dimension={dimension}&member={member}{query}")
            assert response.status_code == 200
            assert response.json()["results"] == [], (dimension, query)


def test_b_cannot_write_into_a_scope(people, api_b):
    a = people
    person = {
        "cin": "BX999999",
        "first_name": "X",
        "last_name": "Y",
        "sex": "M",
        "birth_date": "2000-01-01",
    }
    for url in (f"{V1}/enrollments/", f"{V1}/enrollments/upsert/"):
        response = api_b.post(
            url,
            {"cohort": a.cohort_a.pk, "trainee": person, "enrolled_on": "2026-01-10"},
            format="json",
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "cohort"
    hire = api_b.post(
        f"{V1}/hires/",
        {
            "enrollment": a.enrollment_a.pk,
            "employer_name": "Z",
            "employer_ice": "001234567000089",
            "hired_on": "2026-07-01",
            "contract_type": "cdi",
            "job_title": "T",
            "filiere": "ITO",
            "region": "MA-06",
        },
        format="json",
    )
    assert hire.status_code == 400
    assert hire.json()["errors"][0]["field"] == "enrollment"
    batch = api_b.post(
        f"{V1}/batch/",
        {
            "records": [
                {
                    "cohort": "COH-A",
                    "cin": "BX999999",
                    "last_name": "Y",
                    "first_name": "X",
                    "sex": "M",
                    "birth_date": "2000-01-01",
                    "status": "enrolled",
                    "enrolled_on": "2026-01-10",
                }
            ]
        },
        format="json",
    )
    assert batch.status_code == 400
    assert batch.json()["errors"][0]["field"] == "cohort"
    # Re-enrolling A's trainee from B's side does not rewrite A's personal data.
    assert Trainee.objects.filter(cin="BX999999").count() == 0
    assert Placement.objects.count() == 2
