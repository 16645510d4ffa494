"""The round trip on the demo's own data: partner A exports each of its cohorts for
update and imports it back unchanged (0 created, 0 updated), in XLSX and CSV."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.support.imports import import_file
from tracker.models import Cohort, Enrollment, ImportBatch

pytestmark = pytest.mark.django_db


def test_every_demo_cohort_of_partner_a_round_trips_unchanged() -> None:
    call_command("seed_demo")
    partner = User.objects.get(username="partner.a")
    client = Client()
    client.force_login(partner)
    cohorts = Cohort.objects.filter(operator_id=partner.partner_id).order_by("code")
    checked = 0
    for cohort in cohorts:
        rows = Enrollment.objects.filter(cohort=cohort).count()
        if not rows:
            continue
        for file_format in ("xlsx", "csv"):
            url = reverse("import_template") + f"?cohort={cohort.pk}&format={file_format}"
            content = client.get(url).content
            batch = import_file(partner, content, f"{cohort.code}.{file_format}")
            assert batch.status == ImportBatch.Status.COMMITTED
            assert (batch.rows_to_create, batch.rows_to_update, batch.rows_unchanged) == (
                0,
                0,
                rows,
            ), (cohort.code, file_format)
            checked += rows
    assert checked > 0
