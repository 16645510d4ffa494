"""PAE/PAF estimates (tracker.verification.incentives): recomputed by hand from the
declarations and the parameters in force; a parameter change re-dates the estimates and
never touches a declaration; the pages say they are estimates; staff only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.support.factories import (
    CohortFactory,
    EnrollmentFactory,
    PlacementFactory,
    TraineeFactory,
)
from tests.support.verification import declaration_batch, declare
from tracker.models import Declaration, IncentiveParameter
from tracker.verification.incentives import incentive_estimates
from tracker.verification.state import verification_rebuild

pytestmark = pytest.mark.django_db
ICE = "001111111000011"


@pytest.fixture
def cdi_hire(admin_user):
    """A CDI hired in September 2025 at 10,000 MAD a month, declared 20 months."""
    trainee = TraineeFactory.create(cin="PQ100001")
    cohort = CohortFactory.create()
    hire = PlacementFactory.create(
        enrollment=EnrollmentFactory.create(trainee=trainee, cohort=cohort),
        hired_on=dt.date(2025, 9, 15),
        employer_ice=ICE,
        contract_type="cdi",
    )
    batch = declaration_batch(admin_user)
    for offset in range(20):  # September 2025 .. April 2027
        year, month = divmod(2025 * 12 + 8 + offset, 12)
        declare(batch, trainee, year, month + 1, ice=ICE, salary="10000")
    verification_rebuild()
    return hire


def _row(year: int):
    rows = incentive_estimates(year=year, group="convention")
    assert len(rows) == 1
    return rows[0]


def test_the_2025_defaults_are_in_place_with_their_source() -> None:
    pae = IncentiveParameter.objects.get(scheme="pae")
    paf = IncentiveParameter.objects.get(scheme="paf")
    assert (pae.rate, pae.minimum_months, pae.valid_from) == (
        Decimal("0.17"),
        18,
        dt.date(2025, 7, 1),
    )
    assert (paf.rate, paf.moroccan_only, paf.yearly) == (Decimal("0.035"), True, True)
    assert "juillet 2025" in pae.source


def test_estimates_recount_from_the_declarations(cdi_hire) -> None:
    row_2025 = _row(2025)
    # PAE: 17 % of the 12 first months (120,000 MAD), the job held 20 >= 18 months.
    assert row_2025.pae_reached_jobs == 1
    assert row_2025.pae_reached_mad == Decimal("20400.00")
    # PAF 2025: 3.5 % of September-December 2025 (4 x 10,000).
    assert row_2025.paf_mad == Decimal("1400.00")
    row_2026 = incentive_estimates(year=2026, group="region")[0]
    assert row_2026.pae_reached_jobs == 0  # hired in 2025: its PAE is 2025's
    assert row_2026.paf_mad == Decimal("4200.00")  # 12 x 10,000 x 3.5 %


def test_a_parameter_change_redates_estimates_without_touching_declarations(cdi_hire) -> None:
    before = list(Declaration.objects.order_by("id").values())
    assert _row(2025).pae_reached_mad == Decimal("20400.00")
    # From 1 September 2025 on, a lower rate and a ceiling (dated: the old set ends).
    IncentiveParameter.objects.filter(scheme="pae").update(valid_until=dt.date(2025, 9, 1))
    IncentiveParameter.objects.create(
        scheme="pae",
        valid_from=dt.date(2025, 9, 1),
        rate=Decimal("0.1000"),
        minimum_months=18,
        eligible_contract_types=["cdi"],
        hires_from=dt.date(2025, 7, 1),
        ceiling_mad=Decimal("11000"),
        source="test",
    )
    assert _row(2025).pae_reached_mad == Decimal("11000.00")  # 12,000 capped
    # A minimum duration the job has not reached yet: counted as in progress.
    IncentiveParameter.objects.filter(valid_from=dt.date(2025, 9, 1)).update(minimum_months=24)
    row = _row(2025)
    assert (row.pae_reached_jobs, row.pae_in_progress_jobs) == (0, 1)
    assert list(Declaration.objects.order_by("id").values()) == before


def test_ineligible_contract_types_open_no_premium(cdi_hire) -> None:
    cdi_hire.contract_type = "freelance"
    cdi_hire.save()
    assert incentive_estimates(year=2025, group="employer") == []


def test_hires_before_the_scheme_open_nothing(admin_user) -> None:
    trainee = TraineeFactory.create()
    PlacementFactory.create(
        enrollment=EnrollmentFactory.create(trainee=trainee),
        hired_on=dt.date(2025, 5, 5),
        employer_ice=ICE,
    )
    declare(declaration_batch(admin_user), trainee, 2025, 5, ice=ICE)
    verification_rebuild()
    assert incentive_estimates(year=2025, group="filiere") == []


def test_report_page_and_exports_say_they_are_estimates(cdi_hire, manager_client) -> None:
    page = manager_client.get(reverse("incentive_report") + "?year=2025&group=convention")
    text = page.content.decode()
    assert "pas des décisions de paiement" in text
    assert cdi_hire.enrollment.cohort.convention.reference in text
    export = manager_client.get(reverse("incentive_report") + "?year=2025&export=csv")
    csv_text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "pas des décisions de paiement" in csv_text
    assert "20400" in csv_text
    xlsx = manager_client.get(reverse("incentive_report") + "?year=2026&export=xlsx")
    assert xlsx.status_code == 200
