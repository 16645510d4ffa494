"""Random sequences of API calls (hypothesis, stateful) keep the lifecycle's invariants
after every call, whatever path the call takes (single endpoints, upserts, batch):

- a status moves only along the lifecycle, or back to enrolled by a staff reopening;
- an enrollment in training has no exit nor graduation date, a graduate has a graduation
  date and left on it, a drop-out or failure has an exit date and no graduation date;
- every hire is dated on or after its enrollment and is the only one of its key
  (enrollment, hire date, employer); pre-graduation hires are allowed (DESIGN.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from rest_framework.test import APIClient

from tests.support.api import token_client
from tracker import lifecycle
from tracker.models import Enrollment, Placement

pytestmark = pytest.mark.django_db
V1 = "/api/v1"
CINS = ["PA100001", "PA100002", "PA100003"]
DAYS = st.integers(min_value=0, max_value=200).map(lambda n: dt.date(2026, 1, 5) + dt.timedelta(n))
STATUSES = st.sampled_from(Enrollment.Status.values)
EMPLOYER_ICES = st.sampled_from(["001234567000089", "001987654000078"])


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


class ApiLifecycle(RuleBasedStateMachine):
    partner: ClassVar[APIClient]
    manager: ClassVar[APIClient]
    cohort_id: ClassVar[int]
    cohort_code: ClassVar[str]

    def __init__(self) -> None:
        super().__init__()
        # Each example starts from the fixture's data: its writes are rolled back.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.statuses: dict[int, str] = {}
        self.reopened: set[int] = set()

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _enrollment(self, data: Any) -> Enrollment | None:
        ids = sorted(
            Enrollment.objects.filter(cohort_id=self.cohort_id).values_list("id", flat=True)
        )
        return Enrollment.objects.get(pk=data.draw(st.sampled_from(ids))) if ids else None

    @rule(cin=st.sampled_from(CINS), day=DAYS)
    def enroll(self, cin: str, day: dt.date) -> None:
        self.partner.post(
            f"{V1}/enrollments/upsert/",
            {
                "cohort": self.cohort_id,
                "enrolled_on": day.isoformat(),
                "trainee": {
                    "cin": cin,
                    "first_name": "Nadia",
                    "last_name": "Kettani",
                    "sex": "F",
                    "birth_date": "2001-03-04",
                },
            },
            format="json",
        )

    @rule(data=st.data(), day=DAYS, action=st.sampled_from(["graduate", "drop-out", "fail"]))
    def close(self, data: Any, day: dt.date, action: str) -> None:
        enrollment = self._enrollment(data)
        if enrollment is None:
            return
        field = "graduated_on" if action == "graduate" else "exited_on"
        self.partner.post(
            f"{V1}/enrollments/{enrollment.pk}/{action}/", {field: day.isoformat()}, format="json"
        )

    @rule(
        data=st.data(),
        status=STATUSES,
        graduated=st.none() | DAYS,
        exited=st.none() | DAYS,
        keys=st.sets(st.sampled_from(["graduated_on", "exited_on"])),
    )
    def batch(
        self,
        data: Any,
        status: str,
        graduated: dt.date | None,
        exited: dt.date | None,
        keys: set[str],
    ) -> None:
        enrollment = self._enrollment(data)
        if enrollment is None:
            return
        trainee = enrollment.trainee
        record: dict[str, str | None] = {
            "cohort": self.cohort_code,
            "cin": trainee.cin,
            "last_name": trainee.last_name,
            "first_name": trainee.first_name,
            "sex": trainee.sex,
            "birth_date": trainee.birth_date.isoformat(),
            "status": status,
            "enrolled_on": enrollment.enrolled_on.isoformat(),
        }
        values = {"graduated_on": _iso(graduated), "exited_on": _iso(exited)}
        record |= {key: values[key] for key in keys}
        self.partner.post(f"{V1}/batch/", {"records": [record]}, format="json")

    @rule(data=st.data(), day=DAYS, ice=EMPLOYER_ICES, title=st.sampled_from(["Agent", "Chef"]))
    def hire(self, data: Any, day: dt.date, ice: str, title: str) -> None:
        enrollment = self._enrollment(data)
        if enrollment is None:
            return
        body = {
            "enrollment": enrollment.pk,
            "employer_name": "Employeur",
            "employer_ice": ice,
            "hired_on": day.isoformat(),
            "contract_type": "cdi",
            "job_title": title,
            "filiere": "CRM",
            "region": "MA-06",
        }
        path = data.draw(st.sampled_from(["hires/", "hires/upsert/"]))
        self.partner.post(f"{V1}/{path}", body, format="json")

    @rule(data=st.data())
    def reopen(self, data: Any) -> None:
        enrollment = self._enrollment(data)
        if enrollment is None:
            return
        response = self.manager.post(
            f"{V1}/enrollments/{enrollment.pk}/reopen/", {"reason": "Correction"}, format="json"
        )
        if response.status_code == 200:
            self.reopened.add(enrollment.pk)

    @invariant()
    def statuses_move_along_the_lifecycle(self) -> None:
        current = dict(Enrollment.objects.values_list("id", "status"))
        for pk, status in current.items():
            before = self.statuses.get(pk)
            if before is not None and pk not in self.reopened:
                assert lifecycle.move_allowed(before, status), (pk, before, status)
        self.statuses, self.reopened = current, set()

    @invariant()
    def dates_agree_with_the_status(self) -> None:
        for enrollment in Enrollment.objects.all():
            errors = lifecycle.state_errors(
                enrollment.status,
                graduated_on=enrollment.graduated_on,
                exited_on=enrollment.exited_on,
            )
            assert not errors, (enrollment.pk, enrollment.status, errors)

    @invariant()
    def hires_follow_their_enrollment_once_per_key(self) -> None:
        keys = set()
        for hire in Placement.objects.select_related("enrollment"):
            assert hire.hired_on >= hire.enrollment.enrolled_on
            key = (hire.enrollment_id, hire.hired_on, hire.employer_id, hire.employer_ice)
            assert key not in keys
            keys.add(key)


def test_random_api_call_sequences_keep_the_lifecycle_invariants(
    people, partner_a_user, manager_user, settings
) -> None:
    settings.API_THROTTLE_RATE = ""  # hundreds of calls: no rate limit in this test
    ApiLifecycle.partner = token_client(partner_a_user)
    ApiLifecycle.manager = token_client(manager_user)
    ApiLifecycle.cohort_id = people.cohort_a.pk
    ApiLifecycle.cohort_code = people.cohort_a.code
    run_state_machine_as_test(
        ApiLifecycle,
        settings=settings_for_the_machine(),
    )


def settings_for_the_machine() -> settings:
    return settings(
        max_examples=25,
        stateful_step_count=15,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
