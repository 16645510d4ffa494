"""Sections of the national benchmark (`manage.py bench`).

Each module here measures one area on the national dataset and adds its figures, each
beside its DESIGN.md budget, to the shared report:

    def run(report: Report) -> None: ...

The command runs the sections in `SECTIONS` order; a section leaves the database as it
found it (or changes it idempotently), so the benchmark can be run again on the same data.
"""

SECTIONS = [
    "rollups",
    "dashboard",
    "dashboard_slices",
    "lists",
    "load",
    "exports",
    "imports",
    "declarations",
]
