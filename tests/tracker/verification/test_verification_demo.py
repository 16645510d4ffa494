"""The demo gains a plausible CNSS answer file, imported by the demo admin: the
dashboard then shows declared beside verified jobs with a gap to explain, graduates
found by the CNSS, and estimated PAE and PAF per convention for 2025 and 2026."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from tracker.models import Declaration, DeclarationImport, FoundByCnss, HireVerification
from tracker.verification.incentives import incentive_estimates

pytestmark = pytest.mark.django_db


def test_demo_imports_declarations_and_shows_verified_jobs_and_estimates(client) -> None:
    call_command("seed_demo")
    assert DeclarationImport.objects.get().status == DeclarationImport.Status.COMMITTED
    assert Declaration.objects.count() > 1000
    verified = HireVerification.objects.filter(verified=True).count()
    assert 0 < verified < HireVerification.objects.count()  # a gap to explain
    assert FoundByCnss.objects.exists()
    for year in (2025, 2026):
        rows = incentive_estimates(year=year, group="convention")
        assert rows
        assert all(row.paf_mad > 0 for row in rows)
    call_command("seed_demo")  # re-seeding replaces the demo's declarations
    # The previous demo file's rows and log entry are replaced, not added to.
    assert DeclarationImport.objects.filter(status="committed").count() == 1
    assert HireVerification.objects.filter(verified=True).count() == verified
    client.force_login(User.objects.get(username="admin"))
    page = client.get(reverse("dashboard")).content.decode()
    assert 'data-testid="summary-gap"' in page
