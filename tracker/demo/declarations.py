"""Demo: a plausible CNSS answer file for the demo's hires, imported by the demo admin
through the declarations import (the same stages an admin goes through), then matched.

Most hires are declared by their employer from the hire month (a few from the next), for
as long as the job lasts (its end date, else up to the demo's reference month); some are
named by the employer's CNSS number only; one in eight is never declared (the gap to
explain); one in ten moves to another employer after a while. One unplaced graduate in
five is declared by a sector employer within 6 months (found by the CNSS). The file is
kept in var/demo/ so that an admin can import it again (nothing changes: idempotent)."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role, User
from tracker.demo.context import DemoContext
from tracker.demo.people import CODE_PREFIX, REFERENCE_DATE
from tracker.imports.declarations.layout import ANSWER_HEADER
from tracker.imports.declarations.services import (
    declarations_commit,
    declarations_confirm,
    declarations_upload,
    declarations_validate,
)
from tracker.models import (
    Declaration,
    DeclarationImport,
    Enrollment,
    FoundByCnss,
    GraduateOutcome,
    HireVerification,
    Placement,
    VerificationRollup,
)
from tracker.models.declarations import month_index
from tracker.verification.state import verification_rebuild
from web.spreadsheets import SafeCsvWriter

FILE_NAME = "declarations_cnss_demo.csv"
LAST_MONTH = month_index(REFERENCE_DATE.year, REFERENCE_DATE.month)


def clear(context: DemoContext) -> None:
    """Before the people are re-seeded: their declarations go first (protected)."""
    demo = Declaration.objects.filter(
        trainee__enrollments__cohort__code__startswith=CODE_PREFIX
    ).values("id")
    deleted, _counts = Declaration.objects.filter(id__in=demo).delete()
    HireVerification.objects.all().delete()
    GraduateOutcome.objects.all().delete()
    FoundByCnss.objects.all().delete()
    VerificationRollup.objects.all().delete()
    previous = DeclarationImport.objects.filter(file_name=FILE_NAME, declarations__isnull=True)
    for batch in previous:
        if batch.file:
            batch.file.delete(save=False)
    previous.delete()
    context.log(f"declarations: {deleted} previous demo declarations removed")


def _month_label(index: int) -> str:
    year, month = divmod(index, 12)
    return f"{year:04d}-{month + 1:02d}"


def _employer_ice(placement: Placement) -> str:
    return (placement.employer.ice if placement.employer else "") or placement.employer_ice


def answer_rows(context: DemoContext) -> list[list[str]]:
    rng = context.rng
    hires = (
        Placement.objects.filter(enrollment__cohort__code__startswith=CODE_PREFIX)
        .select_related("enrollment__trainee", "employer")
        .order_by("id")
    )
    sector = sorted({ice for ice in (_employer_ice(h) for h in hires) if ice})
    cnss_of = {ice: f"{4_000_000 + n * 7919:07d}" for n, ice in enumerate(sector)}
    rows: dict[tuple[str, int, str, str], list[str]] = {}

    def declare(cin: str, month: int, ice: str, salary: Decimal) -> None:
        if month > LAST_MONTH:
            return
        by_cnss_only = rng.random() < 0.1
        key = (cin, month, "" if by_cnss_only else ice, cnss_of.get(ice, ""))
        days = 26 if rng.random() < 0.9 else rng.randint(8, 25)
        amount = salary * days / 26
        rows[key] = [cin, key[2], key[3], _month_label(month), str(days), f"{amount:.2f}"]

    for hire in hires:
        ice = _employer_ice(hire)
        if not ice or rng.random() < 0.125:
            continue  # never declared: the follow-up list explains it
        cin = hire.enrollment.trainee.cin
        salary = hire.gross_monthly_salary_mad or Decimal(7000)
        start = month_index(hire.hired_on.year, hire.hired_on.month) + (rng.random() < 0.15)
        end = month_index(hire.ended_on.year, hire.ended_on.month) if hire.ended_on else LAST_MONTH
        moves = start + rng.randint(4, 14) if rng.random() < 0.1 else None
        for month in range(start, end + 1):
            if rng.random() < 0.03:
                continue  # a month the employer did not declare
            if moves is not None and month >= moves:
                declare(cin, month, rng.choice(sector), salary * Decimal("1.1"))
            else:
                declare(cin, month, ice, salary)
    unplaced = (
        Enrollment.objects.filter(
            cohort__code__startswith=CODE_PREFIX,
            status=Enrollment.Status.GRADUATED,
            trainee__enrollments__placements__isnull=True,
        )
        .select_related("trainee")
        .distinct()
        .order_by("id")
    )
    for enrollment in unplaced:
        if rng.random() >= 0.2 or not sector or enrollment.graduated_on is None:
            continue
        first = month_index(enrollment.graduated_on.year, enrollment.graduated_on.month)
        first += rng.randint(1, 5)
        for month in range(first, min(first + rng.randint(3, 12), LAST_MONTH + 1)):
            declare(enrollment.trainee.cin, month, rng.choice(sector), Decimal(6500))
    return list(rows.values())


def answer_file(context: DemoContext) -> bytes:
    out = io.StringIO()
    writer = SafeCsvWriter(out, delimiter=";", lineterminator="\n")
    writer.writerow(ANSWER_HEADER)
    writer.writerows(answer_rows(context))
    return out.getvalue().encode()


def seed(context: DemoContext) -> None:
    admin = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("id").first()
    if admin is None:
        context.log("declarations: no admin; skipped")
        return
    content = answer_file(context)
    kept = Path(settings.BASE_DIR) / "var" / "demo" / FILE_NAME
    kept.parent.mkdir(parents=True, exist_ok=True)
    kept.write_bytes(content)
    # The stages run here, in order (their queued tasks then find nothing left to do).
    batch = declarations_upload(user=admin, uploaded_file=SimpleUploadedFile(FILE_NAME, content))
    batch = declarations_validate(batch_id=batch.id)
    if batch.status != DeclarationImport.Status.VALIDATED:
        context.log(f"declarations: demo file refused ({batch.failure_reason or batch.status})")
        return
    declarations_confirm(user=admin, batch=batch)
    batch = declarations_commit(batch_id=batch.id)
    state = verification_rebuild()
    verified = HireVerification.objects.filter(verified=True).count()
    context.log(
        f"declarations: {batch.total_rows} rows imported from {kept} "
        f"({verified} of {HireVerification.objects.count()} hires verified, "
        f"{FoundByCnss.objects.count()} graduates found by the CNSS; "
        f"covered until {_month_label(state.covered_until_index)})"
    )
