"""Helpers of the verification tests: declarations written straight to the table (the
matching's tests do not go through the import), and answer files as CSV bytes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from accounts.models import User
from tracker.models import Declaration, DeclarationImport, Trainee
from tracker.models.declarations import month_index

HEADER = "cin;ice_employeur;cnss_employeur;mois;jours_declares;salaire_brut"


def declaration_batch(user: User) -> DeclarationImport:
    return DeclarationImport.objects.create(
        uploaded_by=user,
        file_name="test.csv",
        file_sha256="0" * 64,
        status=DeclarationImport.Status.COMMITTED,
    )


def declare(
    batch: DeclarationImport,
    trainee: Trainee,
    year: int,
    month: int,
    *,
    ice: str = "",
    cnss: str = "",
    salary: str = "8000",
    days: int = 26,
) -> Declaration:
    return Declaration.objects.create(
        trainee=trainee,
        month=dt.date(year, month, 1),
        month_index=month_index(year, month),
        employer_ice=ice,
        employer_cnss=cnss,
        days_declared=days,
        gross_salary_mad=Decimal(salary),
        batch=batch,
    )


def answer_csv(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()
