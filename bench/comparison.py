"""The same import file through django-import-export, configured as its documentation
recommends for bulk loads ("Bulk imports": use_bulk, batch_size, skip_diff,
force_init_instance for new rows, transactions), for bench_import's comparison.

It loads trainees, then their enrollments (cohort and trainee resolved by
ForeignKeyWidget); the hires are not loaded (import-export maps one model per
resource), so the comparison flatters it. Dev dependency only: never used by the
product itself."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from tracker.imports.columns import normalize_label, value_lookup
from tracker.models import Cohort, Enrollment, Trainee


def _resources() -> tuple[Any, Any]:
    from import_export import fields, resources, widgets

    class FrenchChoiceWidget(widgets.Widget):
        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

        def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
            return value_lookup(self.key).get(normalize_label(value), value)

    date = widgets.DateWidget(format="%d/%m/%Y")

    class TraineeResource(resources.ModelResource):
        cin = fields.Field(attribute="cin", column_name="CIN")
        last_name = fields.Field(attribute="last_name", column_name="Nom")
        first_name = fields.Field(attribute="first_name", column_name="Prénom")
        sex = fields.Field(attribute="sex", column_name="Sexe", widget=FrenchChoiceWidget("sex"))
        birth_date = fields.Field(
            attribute="birth_date", column_name="Date de naissance", widget=date
        )

        class Meta:
            model = Trainee
            fields = ("cin", "last_name", "first_name", "sex", "birth_date")
            import_id_fields = ("cin",)
            use_bulk = True
            batch_size = 1000
            skip_diff = True
            force_init_instance = True
            use_transactions = True

    class EnrollmentResource(resources.ModelResource):
        trainee = fields.Field(
            attribute="trainee", column_name="CIN", widget=widgets.ForeignKeyWidget(Trainee, "cin")
        )
        cohort = fields.Field(
            attribute="cohort",
            column_name="Code cohorte",
            widget=widgets.ForeignKeyWidget(Cohort, "code"),
        )
        status = fields.Field(
            attribute="status", column_name="Statut", widget=FrenchChoiceWidget("status")
        )
        enrolled_on = fields.Field(
            attribute="enrolled_on", column_name="Date d'inscription", widget=date
        )
        graduated_on = fields.Field(
            attribute="graduated_on", column_name="Date de diplomation", widget=date
        )
        exited_on = fields.Field(attribute="exited_on", column_name="Date de sortie", widget=date)

        def before_save_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
            # The operator is stored on the enrollment (NOT NULL since migration 0009):
            # the cohort's, as every write path of the product sets it (no query: the
            # cohort was read by its widget).
            instance.operator_id = instance.cohort.operator_id

        class Meta:
            model = Enrollment
            fields = ("trainee", "cohort", "status", "enrolled_on", "graduated_on", "exited_on")
            import_id_fields = ("trainee", "cohort")
            use_bulk = True
            batch_size = 1000
            skip_diff = True
            force_init_instance = True
            use_transactions = True

    return TraineeResource, EnrollmentResource


def import_export_load(path: Path, *, delimiter: str = ";") -> dict[str, float]:
    """Imports the file with django-import-export; returns timings in seconds."""
    import tablib

    trainee_resource, enrollment_resource = _resources()
    started = time.perf_counter()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        dataset = tablib.Dataset().load(handle.read(), format="csv", delimiter=delimiter)
    loaded = time.perf_counter()
    for resource_class in (trainee_resource, enrollment_resource):
        result = resource_class().import_data(dataset, dry_run=False, raise_errors=True)
        if result.has_errors() or result.has_validation_errors():
            raise RuntimeError(f"django-import-export reported errors: {result.totals}")
    finished = time.perf_counter()
    return {"load": loaded - started, "import": finished - loaded, "total": finished - started}
