"""The logins the benchmark measures with, created idempotently on the national dataset
(the generator does not make users, so an existing dataset needs no regeneration).

- ``bench.admin``: an administrator (national scope, every row);
- ``bench.partner``: a partner viewer of the training operator with the most enrollments
  (the largest partner scope, the worst case for a partner's pages)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from accounts.models import Role, User
from conventions.models import Partner
from tracker.models import Cohort

ADMIN_USERNAME = "bench.admin"
PARTNER_USERNAME = "bench.partner"


@dataclass(frozen=True)
class BenchUsers:
    admin: User
    partner: User


def largest_operator() -> Partner:
    row = (
        Cohort.objects.values("operator_id")
        .annotate(enrollment_count=Count("enrollments"))
        .order_by("-enrollment_count", "operator_id")
        .first()
    )
    if row is None:
        raise RuntimeError("No cohort in the database: generate the dataset first.")
    return Partner.objects.get(pk=row["operator_id"])


def ensure_bench_users() -> BenchUsers:
    admin, _ = User.objects.update_or_create(
        username=ADMIN_USERNAME,
        defaults={"role": Role.ADMIN, "partner": None, "is_active": True, "language": "fr"},
    )
    partner_user = User.objects.filter(username=PARTNER_USERNAME).first()
    if partner_user is None or not partner_user.partner_id:
        operator = largest_operator()
        partner_user, _ = User.objects.update_or_create(
            username=PARTNER_USERNAME,
            defaults={
                "role": Role.PARTNER_VIEWER,
                "partner": operator,
                "is_active": True,
                "language": "fr",
            },
        )
    for user in (admin, partner_user):
        if user.has_usable_password():
            user.set_unusable_password()
            user.save(update_fields=["password"])
    return BenchUsers(admin=admin, partner=partner_user)
