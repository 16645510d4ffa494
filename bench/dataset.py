"""A realistic national dataset, written with PostgreSQL COPY in a couple of minutes.

Shape (defaults): 2,000 conventions, 20,000 cohorts, 1,000,000 enrollments (one trainee
each, a few re-enrolled), 300,000 hires. Skewed like the sector: most activity in
Casablanca-Settat and Rabat-Salé-Kénitra, CRM and ITO first, years 2024-2026.
Deterministic for a given seed. Rows are consistent with every model constraint and
rule (dates in order, hires after enrollment, graduated rows dated).
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from conventions.models import Filiere, Partner, Region, Zone
from tracker.figures.revisions import terms_revision_bump

REGION_WEIGHTS = {
    "MA-06": 36,
    "MA-04": 24,
    "MA-01": 8,
    "MA-03": 8,
    "MA-07": 7,
    "MA-02": 5,
    "MA-09": 5,
    "MA-05": 2,
    "MA-08": 2,
    "MA-10": 1,
    "MA-11": 1,
    "MA-12": 1,
}
ZONE_OF_REGION = {"MA-06": "CNS", "MA-04": "TPR", "MA-03": "FES", "MA-02": "OUJ", "MA-01": "TET"}
FILIERE_WEIGHTS = {"CRM": 40, "ITO": 30, "BPO": 15, "KPO": 8, "ESO": 7}
YEARS = (2024, 2025, 2026)
YEAR_WEIGHTS = (30, 35, 35)
ENROLLMENT_STATUS_WEIGHTS = {"graduated": 62, "enrolled": 18, "dropped_out": 12, "failed": 8}
CONTRACT_WEIGHTS = {"cdi": 70, "cdd": 15, "anapec": 10, "freelance": 3, "other": 2}
FIRST_NAMES_F = ["Fatima", "Khadija", "Salma", "Imane", "Meryem", "Sara", "Hajar", "Nadia"]
FIRST_NAMES_M = ["Mohamed", "Youssef", "Omar", "Mehdi", "Hamza", "Amine", "Karim", "Anas"]
LAST_NAMES = [
    "Benali",
    "El Amrani",
    "Tazi",
    "Alaoui",
    "Berrada",
    "Chraibi",
    "Idrissi",
    "Ouazzani",
    "Bennani",
    "El Fassi",
    "Lahlou",
    "Sqalli",
    "Naciri",
    "Kettani",
]
MODALITIES = ["bootcamp", "qualifying", "degree", "in_company"]
BENCH_TAG = "[bench]"


@dataclass(frozen=True)
class DatasetSize:
    conventions: int = 2_000
    cohorts: int = 20_000
    enrollments: int = 1_000_000
    placements: int = 300_000
    operators: int = 400
    employers: int = 1_500


def _weighted(rng: random.Random, weights: dict[str, int]) -> Callable[[], str]:
    keys, values = list(weights), list(weights.values())
    cumulative = list(itertools.accumulate(values))
    total = cumulative[-1]

    def pick() -> str:
        return keys[bisect.bisect(cumulative, rng.random() * total)]

    return pick


def _copy(table: str, columns: Sequence[str], rows: Iterator[tuple[Any, ...]]) -> int:
    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg 3 cursor under Django's wrapper
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def _reset_sequence(table: str) -> None:
    # The table names are this module's constants, never user input.
    with connection.cursor() as cursor:
        sql = (
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
            f"COALESCE((SELECT MAX(id) FROM {table}), 1))"
        )
        cursor.execute(sql)


def wipe() -> None:
    """Empties every table the dataset fills (users, reference data are kept). The
    benchmark's own logins go too: they belong to the dataset's operators, which the new
    dataset recreates under the same names (the sections create the logins again)."""
    User.objects.filter(username__startswith="bench.").delete()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE tracker_placement, tracker_enrollment, tracker_trainee, tracker_cohort, "
            "tracker_changelog, conventions_commitment, conventions_amendment, "
            "conventions_conventiontransition, conventions_conventionparty, "
            "conventions_convention_regions, conventions_convention_zones, "
            "conventions_convention_filieres, conventions_convention_managers, "
            "conventions_convention RESTART IDENTITY CASCADE"
        )
        cursor.execute(
            "DELETE FROM conventions_partner WHERE name LIKE %s AND id NOT IN "
            "(SELECT partner_id FROM accounts_user WHERE partner_id IS NOT NULL)",
            [f"%{BENCH_TAG}"],
        )
    terms_revision_bump()  # TRUNCATE sends no signals: cached dashboards are out of date


def generate(
    *, size: DatasetSize = DatasetSize(), seed: int = 2030, log: Callable[[str], Any] = print
) -> dict[str, float]:
    """Fills the database; returns the seconds spent per table."""
    if connection.vendor != "postgresql":
        raise RuntimeError("The national dataset is written with COPY: PostgreSQL only.")
    rng = random.Random(seed)
    timings: dict[str, float] = {}
    now = timezone.now()
    regions = {r.code: r.id for r in Region.objects.all()}
    zones = {z.code: z.id for z in Zone.objects.all()}
    filieres = {f.code: f.id for f in Filiere.objects.all()}
    pick_region = _weighted(rng, REGION_WEIGHTS)
    pick_filiere = _weighted(rng, FILIERE_WEIGHTS)
    pick_status = _weighted(rng, ENROLLMENT_STATUS_WEIGHTS)
    pick_contract = _weighted(rng, CONTRACT_WEIGHTS)

    with transaction.atomic():
        started = time.perf_counter()
        # Partners: training operators and employers, tagged so wipe() finds them.
        Partner.objects.bulk_create(
            [
                Partner(
                    name=f"Opérateur {i:04d} {BENCH_TAG}",
                    kind=Partner.Kind.TRAINING_OPERATOR,
                    region_id=regions[pick_region()],
                    city="Casablanca",
                )
                for i in range(size.operators)
            ]
            + [
                Partner(
                    name=f"Employeur {i:04d} {BENCH_TAG}",
                    kind=Partner.Kind.EMPLOYER,
                    ice=f"9{i:014d}",
                    region_id=regions[pick_region()],
                    city="Rabat",
                )
                for i in range(size.employers)
            ],
            batch_size=2000,
        )
        operator_ids = list(
            Partner.objects.filter(kind=Partner.Kind.TRAINING_OPERATOR, name__endswith=BENCH_TAG)
            .order_by("id")
            .values_list("id", flat=True)
        )
        employer_ids = list(
            Partner.objects.filter(kind=Partner.Kind.EMPLOYER, name__endswith=BENCH_TAG)
            .order_by("id")
            .values_list("id", flat=True)
        )
        timings["partners"] = time.perf_counter() - started

        started = time.perf_counter()
        convention_operator: list[int] = []

        def conventions() -> Iterator[tuple[Any, ...]]:
            for i in range(1, size.conventions + 1):
                year = rng.choices(YEARS, YEAR_WEIGHTS)[0]
                starts = dt.date(year, rng.randint(1, 12), 1)
                convention_operator.append(rng.choice(operator_ids))
                status = rng.choices(
                    ["active", "signed", "closed", "suspended", "draft", "submitted"],
                    [70, 8, 10, 4, 5, 3],
                )[0]
                yield (
                    i,
                    f"CONV-{year}-{i:04d}",
                    f"Convention de formation {i}",
                    "training",
                    status,
                    starts if status not in ("draft", "submitted") else None,
                    starts,
                    dt.date(year + 3, 12, 31),
                    1_000_000,
                    200_000,
                    "",
                    now,
                    now,
                )

        _copy(
            "conventions_convention",
            [
                "id",
                "reference",
                "title",
                "kind",
                "status",
                "signed_on",
                "starts_on",
                "ends_on",
                "budget_state_mad",
                "budget_partner_mad",
                "document",
                "created_at",
                "updated_at",
            ],
            conventions(),
        )
        _copy(
            "conventions_conventionparty",
            ["convention_id", "partner_id", "role"],
            (
                (i + 1, operator, "training_operator")
                for i, operator in enumerate(convention_operator)
            ),
        )
        commitments = (
            (convention, indicator, year, value)
            for convention in range(1, size.conventions + 1)
            for year in YEARS
            for indicator, value in (("enrolled", 500), ("graduates", 320), ("jobs_created", 200))
        )
        _copy(
            "conventions_commitment",
            ["convention_id", "indicator", "year", "target_value"],
            commitments,
        )
        timings["conventions"] = time.perf_counter() - started

        started = time.perf_counter()
        # starts, ends, filiere, operator
        cohort_info: list[tuple[dt.date, dt.date, int, int]] = []

        def cohorts() -> Iterator[tuple[Any, ...]]:
            for i in range(1, size.cohorts + 1):
                convention = rng.randint(1, size.conventions)
                region = pick_region()
                filiere = filieres[pick_filiere()]
                year = rng.choices(YEARS, YEAR_WEIGHTS)[0]
                starts = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
                ends = starts + dt.timedelta(days=rng.choice([90, 120, 180, 270, 365]))
                operator = convention_operator[convention - 1]
                cohort_info.append((starts, ends, filiere, operator))
                zone = zones.get(ZONE_OF_REGION.get(region, ""))
                yield (
                    i,
                    f"COH-{i:06d}",
                    convention,
                    operator,
                    filiere,
                    "Conseiller client",
                    regions[region],
                    zone if rng.random() < 0.7 else None,
                    "Casablanca",
                    rng.choice(MODALITIES),
                    rng.choice([200, 400, 600]),
                    rng.choice([20, 30, 50, 60]),
                    starts,
                    ends,
                    "completed" if ends < now.date() else "in_training",
                    now,
                    now,
                )

        _copy(
            "tracker_cohort",
            [
                "id",
                "code",
                "convention_id",
                "operator_id",
                "filiere_id",
                "metier",
                "region_id",
                "zone_id",
                "city",
                "modality",
                "hours",
                "planned_seats",
                "starts_on",
                "ends_on",
                "status",
                "created_at",
                "updated_at",
            ],
            cohorts(),
        )
        timings["cohorts"] = time.perf_counter() - started

        started = time.perf_counter()
        letters = [a + b for a in "ABCDEFGHJKLMNPRSTUVWXYZ" for b in "ABCDEFGHJKLMNPRSTUVWXYZ"]
        region_ids = list(regions.values())

        def trainees() -> Iterator[tuple[Any, ...]]:
            for i in range(1, size.enrollments + 1):
                female = rng.random() < 0.46
                yield (
                    i,
                    f"{letters[i // 1_000_000]}{i % 1_000_000:06d}",
                    rng.choice(FIRST_NAMES_F if female else FIRST_NAMES_M),
                    rng.choice(LAST_NAMES),
                    "",
                    "",
                    "F" if female else "M",
                    dt.date(rng.randint(1975, 2006), rng.randint(1, 12), rng.randint(1, 28)),
                    now,
                    now,
                )

        _copy(
            "tracker_trainee",
            [
                "id",
                "cin",
                "first_name",
                "last_name",
                "first_name_ar",
                "last_name_ar",
                "sex",
                "birth_date",
                "created_at",
                "updated_at",
            ],
            trainees(),
        )
        timings["trainees"] = time.perf_counter() - started

        started = time.perf_counter()
        # id, enrolled, graduated, filiere, operator
        graduated: list[tuple[int, dt.date, dt.date, int, int]] = []

        def enrollments() -> Iterator[tuple[Any, ...]]:
            today = now.date()
            for i in range(1, size.enrollments + 1):
                cohort = rng.randint(1, size.cohorts)
                starts, ends, filiere, operator = cohort_info[cohort - 1]
                enrolled_on = starts - dt.timedelta(days=rng.randint(0, 20))
                status = pick_status() if ends < today else "enrolled"
                exited_on = graduated_on = None
                if status == "graduated":
                    # Never after today: the product refuses a future graduation or hire.
                    graduated_on = min(ends + dt.timedelta(days=rng.randint(0, 30)), today)
                    graduated.append((i, enrolled_on, graduated_on, filiere, operator))
                elif status in ("dropped_out", "failed"):
                    exited_on = min(ends, enrolled_on + dt.timedelta(days=rng.randint(10, 200)))
                yield (
                    i,
                    i,
                    cohort,
                    operator,
                    status,
                    enrolled_on,
                    exited_on,
                    graduated_on,
                    f"CERT-{i}" if graduated_on else "",
                    1,
                    now,
                    now,
                )

        _copy(
            "tracker_enrollment",
            [
                "id",
                "trainee_id",
                "cohort_id",
                "operator_id",
                "status",
                "enrolled_on",
                "exited_on",
                "graduated_on",
                "certificate_ref",
                "version",
                "created_at",
                "updated_at",
            ],
            enrollments(),
        )
        timings["enrollments"] = time.perf_counter() - started

        started = time.perf_counter()
        hired = rng.sample(graduated, min(size.placements, len(graduated)))

        def placements() -> Iterator[tuple[Any, ...]]:
            today = now.date()
            for i, (enrollment, enrolled_on, graduated_on, filiere, operator) in enumerate(
                hired, 1
            ):
                hired_on = max(enrolled_on, graduated_on + dt.timedelta(days=rng.randint(-60, 240)))
                hired_on = min(hired_on, today)
                ended_on = (
                    hired_on + dt.timedelta(days=rng.randint(30, 500))
                    if rng.random() < 0.15
                    else None
                )
                if ended_on is not None and ended_on > today:
                    ended_on = None  # still employed today
                yield (
                    i,
                    enrollment,
                    operator,
                    rng.choice(employer_ids),
                    "",
                    "",
                    hired_on,
                    pick_contract(),
                    "Conseiller client",
                    filiere,
                    rng.choice(region_ids),
                    rng.choice([4500, 6000, 8000, 12000, 18000]),
                    ended_on,
                    1,
                    now,
                    now,
                )

        _copy(
            "tracker_placement",
            [
                "id",
                "enrollment_id",
                "operator_id",
                "employer_id",
                "employer_name",
                "employer_ice",
                "hired_on",
                "contract_type",
                "job_title",
                "filiere_id",
                "region_id",
                "gross_monthly_salary_mad",
                "ended_on",
                "version",
                "created_at",
                "updated_at",
            ],
            placements(),
        )
        timings["placements"] = time.perf_counter() - started

        for table in (
            "conventions_convention",
            "conventions_conventionparty",
            "conventions_commitment",
            "tracker_cohort",
            "tracker_trainee",
            "tracker_enrollment",
            "tracker_placement",
        ):
            _reset_sequence(table)
        terms_revision_bump()  # conventions written by COPY: no save signals
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    timings["analyze"] = time.perf_counter() - started
    for table, seconds in timings.items():
        log(f"  {table:<12} {seconds:6.1f} s")
    return timings
