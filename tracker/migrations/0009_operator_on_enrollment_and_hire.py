"""The operator stored on every enrollment and hire (always its cohort's), with the
indexes that serve a partner's list in its default order.

Added nullable and without its foreign-key constraint, filled by one UPDATE ... FROM per
table (PostgreSQL; a correlated subquery elsewhere), then made NOT NULL with the
constraint: ALTER TABLE validates the constraint with one join, where an UPDATE under it
would have queued a check per row (a million on the national dataset)."""

import django.db.models.deletion
from django.db import migrations, models

FILL_POSTGRESQL = [
    "UPDATE tracker_enrollment e SET operator_id = c.operator_id"
    " FROM tracker_cohort c WHERE c.id = e.cohort_id",
    "UPDATE tracker_placement p SET operator_id = e.operator_id"
    " FROM tracker_enrollment e WHERE e.id = p.enrollment_id",
]
FILL_PORTABLE = [
    "UPDATE tracker_enrollment SET operator_id = (SELECT c.operator_id FROM tracker_cohort c"
    " WHERE c.id = tracker_enrollment.cohort_id)",
    "UPDATE tracker_placement SET operator_id = (SELECT e.operator_id FROM tracker_enrollment e"
    " WHERE e.id = tracker_placement.enrollment_id)",
]


def fill(apps, schema_editor):
    statements = (
        FILL_POSTGRESQL if schema_editor.connection.vendor == "postgresql" else FILL_PORTABLE
    )
    for statement in statements:
        schema_editor.execute(statement)


def analyze(apps, schema_editor):
    """Statistics of the new column, so the planner picks the new indexes for a
    partner's lists at once (a million updated rows would also warrant a VACUUM, which
    cannot run in the migration's transaction: see docs/benchmarks.md)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ANALYZE tracker_enrollment, tracker_placement")


def operator(*, null: bool) -> models.ForeignKey:
    return models.ForeignKey(
        db_constraint=not null,
        db_index=False,
        editable=False,
        null=null,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="conventions.partner",
        verbose_name="opérateur",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("conventions", "0001_initial"),
        ("tracker", "0008_trainee_version"),
    ]

    operations = [
        migrations.AddField(model_name="enrollment", name="operator", field=operator(null=True)),
        migrations.AddField(model_name="placement", name="operator", field=operator(null=True)),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(model_name="enrollment", name="operator", field=operator(null=False)),
        migrations.AlterField(model_name="placement", name="operator", field=operator(null=False)),
        migrations.AddIndex(
            model_name="enrollment",
            index=models.Index(
                fields=["operator", "-enrolled_on", "id"], name="enrollment_operator_enrolled"
            ),
        ),
        migrations.AddIndex(
            model_name="placement",
            index=models.Index(
                fields=["operator", "-hired_on", "id"], name="placement_operator_hired"
            ),
        ),
        migrations.RunPython(analyze, migrations.RunPython.noop, elidable=False),
    ]
