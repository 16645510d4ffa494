"""Realistic import files, generated: used by ``bench_import`` and by the tests.

Rows look like what a training operator keeps: French headers, dd/mm/yyyy dates,
decimal commas, a third of the trainees graduated and hired, some dropped out."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Sequence
from pathlib import Path

from tracker.imports.columns import COLUMNS
from tracker.models import Cohort
from web.spreadsheets import SafeCsvWriter

FIRST_NAMES = ["Fatima", "Omar", "Khadija", "Mehdi", "Salma", "Yassine", "Imane", "Hamza"]
LAST_NAMES = ["Benali", "Chraibi", "El Fassi", "Berrada", "Ouazzani", "Tazi", "Alaoui"]
EMPLOYERS = [
    ("Casablanca Nearshore Services", "001987654000078"),
    ("RabatShore IT Solutions", "002345678000091"),
    ("Fès Customer Care", "003456789000023"),
]
HEADERS = [column.header for column in COLUMNS]


def fr_date(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def sample_rows(
    cohorts: Sequence[Cohort], count: int, *, seed: int = 2030, cin_prefix: str = "ZX"
) -> Iterator[list[str]]:
    """``count`` data rows spread over ``cohorts`` (one enrollment each, unique CINs)."""
    rng = random.Random(seed)
    for index in range(count):
        cohort = cohorts[index % len(cohorts)]
        enrolled_on = cohort.starts_on + dt.timedelta(days=rng.randint(0, 10))
        roll = rng.random()
        status, exited_on, graduated_on = "Inscrit", None, None
        if roll < 0.45:
            status, graduated_on = "Diplômé", cohort.ends_on
        elif roll < 0.55:
            status, exited_on = "Abandon", enrolled_on + dt.timedelta(days=30)
        hire = ["", "", "", "", "", "", "", "", "", "", ""]
        if graduated_on and rng.random() < 0.65:
            name, ice = EMPLOYERS[rng.randrange(len(EMPLOYERS))]
            hired_on = graduated_on + dt.timedelta(days=rng.randint(5, 120))
            salary = f"{rng.randint(60, 160) * 100},00"
            contract = "CDI" if rng.random() < 0.7 else "CDD"
            hire = [
                name,
                ice,
                fr_date(hired_on),
                contract,
                "Conseiller client",
                "",
                "",
                "",
                salary,
                "",
                "",
            ]
        birth = dt.date(1990, 1, 1) + dt.timedelta(days=rng.randint(0, 4000))
        yield [
            cohort.code,
            f"{cin_prefix}{index + 1:07d}",
            LAST_NAMES[index % len(LAST_NAMES)],
            FIRST_NAMES[index % len(FIRST_NAMES)],
            "",
            "",
            "F" if index % 2 else "M",
            fr_date(birth),
            f"06{rng.randint(10000000, 99999999)}",
            f"stagiaire{index}@exemple.ma",
            "MA-06",
            "Bac+2",
            status,
            fr_date(enrolled_on),
            fr_date(exited_on),
            fr_date(graduated_on),
            "",
            *hire,
        ]


def write_sample_csv(
    path: Path,
    cohorts: Sequence[Cohort],
    count: int,
    *,
    delimiter: str = ";",
    encoding: str = "utf-8-sig",
    seed: int = 2030,
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = SafeCsvWriter(handle, delimiter=delimiter)
        writer.writerow(HEADERS)
        writer.writerows(sample_rows(cohorts, count, seed=seed))
    return path
