"""Benchmark of the bulk import: generates a realistic file, then measures the
validation and the commit separately, the re-import of the same file (nothing to
change), and the same file through django-import-export for comparison.

    python manage.py bench_import --rows 100000
    python manage.py bench_import --rows 1000000 --no-compare   # memory bound

Run it on a scratch database: it creates its own partner, convention and cohorts
(codes BENCH-...) and deletes what earlier runs imported."""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import tempfile
import time
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Role, User
from bench.import_limits import (
    Limits,
    bare_copy_seconds,
    import_export_seconds,
    rolled_back_savepoint,
    stored_files,
    table_marks,
)
from conventions.models import Convention, ConventionParty, Filiere, Partner, Region
from tracker.figures import tasks
from tracker.imports.samples import write_sample_csv
from tracker.imports.services import (
    import_commit,
    import_confirm,
    import_upload,
    import_validate,
)
from tracker.models import ChangeLog, Cohort, Enrollment, ImportBatch, Placement, Trainee

BENCH_PARTNER = "Bench Academy (benchmark)"
BENCH_USER = "bench.import"
COHORTS = 40


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def database_cpu_seconds() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend (same machine
    only: read from /proc), or None when that cannot be known."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class ImportFigures:
    rows: int
    validation: float  # wall-clock seconds
    commit: float
    cpu_validation: float  # CPU seconds of this process
    cpu_commit: float
    db_cpu_validation: float | None  # CPU seconds of the PostgreSQL backend
    db_cpu_commit: float | None
    written: tuple[int, int, int]  # enrollments, hires, change-log rows
    peak_rss_mb: float
    rollup: float  # the rollup the commit queued, run afterwards (a worker's job)

    @property
    def total(self) -> float:
        return self.validation + self.commit

    def describe(self) -> str:
        def cpu(own: float, db: float | None) -> str:
            return f"CPU: this process {own:.1f} s" + (
                "" if db is None else f", PostgreSQL backend {db:.1f} s"
            )

        n = self.rows
        return (
            f"ours  validation: {self.validation:6.1f} s  {n / self.validation:9,.0f} rows/s "
            f"({cpu(self.cpu_validation, self.db_cpu_validation)})\n"
            f"ours  commit:     {self.commit:6.1f} s  {n / self.commit:9,.0f} rows/s "
            f"({cpu(self.cpu_commit, self.db_cpu_commit)}; {self.written[0]:,} enrollments, "
            f"{self.written[1]:,} hires, {self.written[2]:,} change-log rows)\n"
            f"ours  end to end: {self.total:6.1f} s  {n / self.total:9,.0f} rows/s\n"
            f"ours  peak RSS:   {self.peak_rss_mb:6.0f} MB\n"
            f"      (then the queued rollup, a worker's job, not counted: {self.rollup:.1f} s)"
        )


def measure_import(
    path: Path, *, user: User, rows: int, check_constraints_now: bool = False
) -> ImportFigures:
    """Our import of ``path`` end to end, as the user lives it: upload + validation,
    then confirm + commit (one transaction) + the rollup queued. The tasks run inline
    (no broker); the rollup task the commit queues is caught and run afterwards, timed
    apart (a worker does it, the import does not wait for it).

    ``check_constraints_now``: when the caller wraps everything in a transaction it
    rolls back (bench section), the deferred foreign-key checks would never run; this
    runs them at the end of the commit (SET CONSTRAINTS ALL IMMEDIATE), timed with it."""
    queued: list[dict[str, Any]] = []
    real_delay = tasks.rollup_scope.delay
    tasks.rollup_scope.delay = lambda **kwargs: queued.append(kwargs)  # type: ignore[method-assign,assignment]
    try:
        db_started = database_cpu_seconds()
        started, cpu_started = time.perf_counter(), time.process_time()
        with path.open("rb") as handle:
            batch = import_upload(user=user, uploaded_file=File(handle, name=path.name))
        batch = import_validate(batch_id=batch.id)  # no-op when it already ran inline
        validated, cpu_validated = time.perf_counter(), time.process_time()
        db_validated = database_cpu_seconds()
        if batch.status != ImportBatch.Status.VALIDATED:
            raise SystemExit(
                f"validation: {batch.status} {batch.failure_reason} {batch.error_count}"
            )
        import_confirm(user=user, batch=batch)  # the commit task runs inline on commit
        batch = import_commit(batch_id=batch.id)  # no-op when it already ran
        if check_constraints_now and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        committed, cpu_committed = time.perf_counter(), time.process_time()
        db_committed = database_cpu_seconds()
    finally:
        tasks.rollup_scope.delay = real_delay  # type: ignore[method-assign]
    if batch.status != ImportBatch.Status.COMMITTED:
        raise SystemExit(f"commit: {batch.status} {batch.failure_reason}")
    rollup_started = time.perf_counter()
    for request in queued:
        tasks.rollup_scope.apply(kwargs=request)
    rollup = time.perf_counter() - rollup_started
    return ImportFigures(
        rows=rows,
        validation=validated - started,
        commit=committed - validated,
        cpu_validation=cpu_validated - cpu_started,
        cpu_commit=cpu_committed - cpu_validated,
        db_cpu_validation=None
        if db_started is None or db_validated is None
        else db_validated - db_started,
        db_cpu_commit=None
        if db_validated is None or db_committed is None
        else db_committed - db_validated,
        written=(
            Enrollment.objects.filter(operator=user.partner).count(),
            Placement.objects.filter(operator=user.partner).count(),
            ChangeLog.objects.filter(actor=user).count(),
        ),
        peak_rss_mb=peak_rss_mb(),
        rollup=rollup,
    )


class Command(BaseCommand):
    help = "Measures the bulk import (validation, commit) and compares with django-import-export."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument("--no-compare", action="store_true", help="skip django-import-export")
        parser.add_argument(
            "--compare-rows",
            type=int,
            default=0,
            help="rows given to django-import-export (default: the whole file)",
        )
        parser.add_argument("--keep", action="store_true", help="keep the imported rows")
        parser.add_argument(
            "--rollback",
            action="store_true",
            help=(
                "measure our import only, inside one transaction rolled back at the end "
                "(the deferred constraint checks are run and timed first): leaves the "
                "database exactly as it was (the national benchmark's shared dataset)"
            ),
        )
        parser.add_argument(
            "--limits",
            action="store_true",
            help=(
                "with --rollback: also measure the limits the import's budgets are ratios "
                "to, in the same transaction: django-import-export on the same file "
                "(--compare-rows rows) and, on PostgreSQL, bare COPY of the rows our "
                "import wrote into the same tables"
            ),
        )
        parser.add_argument("--json", help="also write our figures to this JSON file")

    def handle(self, *args: Any, **options: Any) -> None:
        # Measure as in production: with DEBUG on, Django keeps the text of the last
        # 9,000 queries in memory, which would distort the memory figure.
        settings.DEBUG = False
        rows: int = options["rows"]
        if options["rollback"]:
            compare_rows = (options["compare_rows"] or rows) if options["limits"] else 0
            figures, limits = self._rolled_back(rows, compare_rows=compare_rows)
            self.stdout.write(figures.describe())
            if options["limits"]:
                self.stdout.write(limits.describe(figures))
            if options["json"]:
                Path(options["json"]).write_text(
                    json.dumps(
                        {
                            **asdict(figures),
                            "total": figures.total,
                            "limits": asdict(limits) if options["limits"] else None,
                        }
                    )
                )
            return
        user, cohorts = bench_fixtures()
        bench_clean(user, cohorts)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "inscriptions.csv"
            started = time.perf_counter()
            write_sample_csv(path, cohorts, rows)
            size = path.stat().st_size / 2**20
            self.stdout.write(
                f"database: {connection.vendor}; file: {rows:,} rows, {size:.1f} MB, "
                f"generated in {time.perf_counter() - started:.1f} s"
            )
            ours_rate = self._ours(path, user, rows)
            if not options["no_compare"]:
                bench_clean(user, cohorts)
                compare_rows = options["compare_rows"] or rows
                compare_path = path
                if compare_rows < rows:
                    compare_path = Path(folder) / "compare.csv"
                    write_sample_csv(compare_path, cohorts, compare_rows)
                self._theirs(compare_path, compare_rows, ours_rate)
            if not options["keep"]:
                bench_clean(user, cohorts)

    def _rolled_back(self, rows: int, *, compare_rows: int = 0) -> tuple[ImportFigures, Limits]:
        """Fixtures, import and measurement in one transaction, then rolled back; the
        stored files are deleted. Nothing remains, whatever the database.

        ``compare_rows``: also measure the limits (``Limits``) in the same transaction:
        django-import-export first, on a file of that many rows, in a savepoint rolled
        back (the tables as ours finds them), with ours on that same file when it is not
        the main one; then, after our import of the main file, bare COPY of the rows it
        wrote (PostgreSQL only)."""
        stored: list[Path] = []
        limits = Limits()
        try:
            with tempfile.TemporaryDirectory() as folder, transaction.atomic():
                user, cohorts = bench_fixtures()
                path = write_sample_csv(Path(folder) / "inscriptions.csv", cohorts, rows)
                self.stdout.write(
                    f"database: {connection.vendor}; file: {rows:,} rows, "
                    f"{path.stat().st_size / 2**20:.1f} MB (rolled back at the end)"
                )
                try:
                    if compare_rows:
                        compare_path = path
                        if compare_rows != rows:
                            compare_path = write_sample_csv(
                                Path(folder) / "compare.csv", cohorts, compare_rows
                            )
                        limits.compare_rows = compare_rows
                        limits.import_export = rolled_back_savepoint(
                            lambda: import_export_seconds(compare_path)
                        )
                        if compare_path != path:
                            limits.ours_on_compare = rolled_back_savepoint(
                                lambda: (
                                    measure_import(
                                        compare_path,
                                        user=user,
                                        rows=compare_rows,
                                        check_constraints_now=True,
                                    ).total
                                ),
                                keep_files=stored,
                                user=user,
                            )
                    marks = table_marks() if compare_rows else {}
                    figures = measure_import(path, user=user, rows=rows, check_constraints_now=True)
                    if compare_rows:
                        if limits.ours_on_compare is None:
                            limits.ours_on_compare = figures.total
                        if connection.vendor == "postgresql":
                            limits.copy, limits.copy_rows = bare_copy_seconds(marks)
                finally:
                    stored += stored_files(user)
                    transaction.set_rollback(True)
        finally:
            for file in stored:
                file.unlink(missing_ok=True)
                Path(f"{file}.staged").unlink(missing_ok=True)
        return figures, limits

    def _ours(self, path: Path, user: User, rows: int) -> float:
        """Our import end to end; returns its rows per second."""
        figures = measure_import(path, user=user, rows=rows)
        self.stdout.write(figures.describe())
        with path.open("rb") as handle:
            started = time.perf_counter()
            again = import_upload(user=user, uploaded_file=File(handle, name=path.name))
            again = import_validate(batch_id=again.id)
        self.stdout.write(
            f"ours  re-import of the same file: validation {time.perf_counter() - started:.1f} s, "
            f"{again.rows_unchanged:,} unchanged, {again.rows_to_create + again.rows_to_update} "
            "to write"
        )
        return rows / figures.total

    def _theirs(self, path: Path, rows: int, ours_rate: float) -> None:
        from bench.comparison import import_export_load

        timings = import_export_load(path)
        per_second = rows / timings["total"]
        self.stdout.write(
            f"django-import-export (bulk mode, trainees + enrollments, no hires): "
            f"{timings['total']:6.1f} s for {rows:,} rows, {per_second:9,.0f} rows/s "
            f"(peak RSS of the process now {peak_rss_mb():.0f} MB)"
        )
        self.stdout.write(f"ratio: ours is {ours_rate / per_second:.1f}x faster end to end")


def bench_fixtures() -> tuple[User, list[Cohort]]:
    today = timezone.localdate()
    region = Region.objects.get(code="MA-06")
    partner, _ = Partner.objects.get_or_create(
        name=BENCH_PARTNER,
        defaults={
            "kind": Partner.Kind.TRAINING_OPERATOR,
            "region": region,
            "city": "Casablanca",
        },
    )
    user, _ = User.objects.get_or_create(
        username=BENCH_USER, defaults={"role": Role.PARTNER_EDITOR, "partner": partner}
    )
    convention = Convention.objects.filter(title="Convention de benchmark").first()
    if convention is None:
        convention = Convention.objects.create(
            reference="CONV-BENCH-0001",
            title="Convention de benchmark",
            kind=Convention.Kind.TRAINING,
            starts_on=dt.date(today.year - 3, 1, 1),
            ends_on=dt.date(today.year + 3, 12, 31),
            budget_state_mad=Decimal("1000000"),
            budget_partner_mad=Decimal("0"),
        )
        ConventionParty.objects.create(
            convention=convention, partner=partner, role=ConventionParty.Role.TRAINING_OPERATOR
        )
    filiere = Filiere.objects.get(code="CRM")
    cohorts = []
    # Dated back from today: the sample's hires come up to 120 days after a cohort's
    # end, and a hire in the future is (rightly) refused by the validation.
    last_end = today - dt.timedelta(days=130)
    for index in range(COHORTS):
        ends_on = last_end - dt.timedelta(days=7 * (COHORTS - 1 - index))
        cohort, _ = Cohort.objects.update_or_create(
            code=f"BENCH-{index + 1:03d}",
            defaults={
                "convention": convention,
                "operator": partner,
                "filiere": filiere,
                "metier": "Conseiller client",
                "region": region,
                "city": "Casablanca",
                "modality": Cohort.Modality.BOOTCAMP,
                "hours": 400,
                "planned_seats": 30,
                "starts_on": ends_on - dt.timedelta(days=181),
                "ends_on": ends_on,
            },
        )
        cohorts.append(cohort)
    return user, cohorts


def bench_clean(user: User, cohorts: list[Cohort]) -> None:
    with transaction.atomic():
        ChangeLog.objects.filter(actor=user).delete()
        Placement.objects.filter(enrollment__cohort__in=cohorts).delete()
        Enrollment.objects.filter(cohort__in=cohorts).delete()
        Trainee.objects.filter(cin__startswith="ZX", enrollments__isnull=True).delete()
        for batch in ImportBatch.objects.filter(uploaded_by=user):
            if batch.file:  # the staged plans of a batch validated but never committed
                Path(f"{batch.file.path}.staged").unlink(missing_ok=True)
            batch.file.delete(save=False)
        ImportBatch.objects.filter(uploaded_by=user).delete()
