"""The demo people step: cohorts, trainees, enrollments in every status and hires,
believable and consistent with the rules, deterministic for a seed."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.db.models import Count

from conventions.models import Convention
from tests.support.factories import ConventionFactory, ConventionPartyFactory
from tracker import rules
from tracker.demo import DemoContext, partners, people
from tracker.models import Cohort, Enrollment, Placement, Trainee, TraineeContact

pytestmark = pytest.mark.django_db


def _run(seed: int = 2030) -> tuple[DemoContext, list[str]]:
    lines: list[str] = []
    context = DemoContext(seed=seed, log=lines.append)
    partners.seed(context)
    people.seed(context)
    return context, lines


@pytest.fixture
def demo_conventions() -> dict[str, Convention]:
    """What the conventions step would leave: an active and a signed convention with
    training operators, and a draft one that must get no cohort."""
    from conventions.models import Partner

    context = DemoContext(log=lambda line: None)
    partners.seed(context)
    operator_a = Partner.objects.get(name="Atlas Digital Academy")
    operator_b = Partner.objects.get(name="Institut Nord Compétences")
    active = ConventionFactory.create(status=Convention.Status.ACTIVE)
    ConventionPartyFactory.create(convention=active, partner=operator_a)
    signed = ConventionFactory.create(status=Convention.Status.SIGNED)
    ConventionPartyFactory.create(convention=signed, partner=operator_b)
    draft = ConventionFactory.create(status=Convention.Status.DRAFT)
    ConventionPartyFactory.create(convention=draft, partner=operator_a)
    return {"active": active, "signed": signed, "draft": draft}


def test_without_conventions_nothing_is_created_and_it_is_said() -> None:
    _context, lines = _run()
    assert Cohort.objects.count() == Enrollment.objects.count() == 0
    assert any("no signed or active convention" in line for line in lines)


def test_demo_people_are_complete_and_follow_the_rules(demo_conventions) -> None:
    context, _lines = _run()
    counts = context.objects["people"]
    assert counts["enrollments"] == Enrollment.objects.count() >= 1_800
    assert counts["placements"] == Placement.objects.count() > 0
    assert not Cohort.objects.filter(convention=demo_conventions["draft"]).exists()
    assert set(Cohort.objects.values_list("convention", flat=True)) == {
        demo_conventions["active"].pk,
        demo_conventions["signed"].pk,
    }
    statuses = Counter(Enrollment.objects.values_list("status", flat=True))
    assert set(statuses) == set(Enrollment.Status.values)
    assert set(Cohort.objects.values_list("status", flat=True)) == set(Cohort.Status.values)
    contracts = Counter(Placement.objects.values_list("contract_type", flat=True))
    assert contracts.most_common(1)[0][0] == "cdi"
    assert contracts["cdd"] > 0
    assert contracts["anapec"] > 0
    assert Placement.objects.exclude(ended_on=None).exists()
    assert (
        not Cohort.objects.filter(status="cancelled")
        .annotate(n=Count("enrollments"))
        .filter(n__gt=0)
    )
    # Every operator of a person holds its own record of them; a few people are shared.
    trained_by = set(Enrollment.objects.values_list("trainee_id", "operator_id"))
    assert set(TraineeContact.objects.values_list("trainee_id", "operator_id")) == trained_by
    assert len(trained_by) > Trainee.objects.count()
    for trainee in Trainee.objects.prefetch_related("contacts")[:300]:
        assert rules.normalize_cin(trainee.cin) == trainee.cin
        for contact in trainee.contacts.all():
            assert rules.normalize_phone(contact.phone) == contact.phone
        rules.check_birth_date(trainee.birth_date, on=dt.date(2026, 10, 31))
        assert trainee.first_name_ar
        assert trainee.last_name_ar
    for enrollment in Enrollment.objects.select_related("cohort")[:500]:
        cohort = enrollment.cohort
        assert dt.date(2023, 12, 1) <= enrollment.enrolled_on <= dt.date(2026, 12, 31)
        rules.check_enrollment_date(
            enrollment.enrolled_on, cohort_starts_on=cohort.starts_on, cohort_ends_on=cohort.ends_on
        )
        if enrollment.graduated_on:
            rules.check_graduation_date(
                enrollment.graduated_on,
                enrolled_on=enrollment.enrolled_on,
                cohort_starts_on=cohort.starts_on,
                cohort_ends_on=cohort.ends_on,
            )
    for placement in Placement.objects.select_related("enrollment")[:500]:
        rules.check_hire_dates(
            placement.hired_on,
            enrolled_on=placement.enrollment.enrolled_on,
            ended_on=placement.ended_on,
        )
    # Some hires come before graduation (pre-hiring).
    assert Placement.objects.filter(
        enrollment__status="graduated", hired_on__lt=models_f("enrollment__graduated_on")
    ).exists()
    women = Enrollment.objects.filter(trainee__sex="F").count() / Enrollment.objects.count()
    assert 0.35 < women < 0.6


def models_f(name: str):
    from django.db.models import F

    return F(name)


def _fingerprint() -> list[tuple]:
    return list(
        Enrollment.objects.order_by("trainee__cin").values_list(
            "trainee__cin",
            "trainee__last_name",
            "cohort__code",
            "status",
            "enrolled_on",
            "graduated_on",
        )
    ) + list(
        Placement.objects.order_by("enrollment__trainee__cin").values_list(
            "enrollment__trainee__cin", "hired_on", "contract_type", "gross_monthly_salary_mad"
        )
    )


def test_demo_people_are_deterministic_and_idempotent(demo_conventions) -> None:
    _run(seed=7)
    first = _fingerprint()
    _run(seed=7)
    assert _fingerprint() == first
    # Nothing left over from the first run: one person per enrollment, but the few
    # trained again by a second operator.
    assert 0 < Enrollment.objects.count() - Trainee.objects.count() <= 6
    assert Trainee.objects.count() == Enrollment.objects.values("trainee").distinct().count()
    _run(seed=8)
    assert _fingerprint() != first
