"""The operator stored on every enrollment and hire (always its cohort's), with the
indexes that serve a partner's list in its default order.

Added nullable and without its foreign-key constraint, filled from the cohorts, then made
NOT NULL with the constraint (ALTER TABLE validates it with one join, where a fill under
it would queue a check per row).

The fill on PostgreSQL rewrites the column (ALTER COLUMN ... TYPE ... USING, the value
read from the cohort by a temporary function) rather than UPDATE ... FROM: on the
national dataset (1M enrollments, 11 indexes) the UPDATE took 95 s, every row's new
version inserted into every index one by one and the old one left dead for VACUUM;
the rewrite writes the table once and rebuilds its indexes in bulk: 10.5 s, no dead
rows. Elsewhere (SQLite) a correlated UPDATE."""

import django.db.models.deletion
from django.db import migrations, models

FILL_POSTGRESQL = [
    "CREATE FUNCTION pg_temp.tracker_cohort_operator(bigint) RETURNS bigint"
    " LANGUAGE sql STABLE AS 'SELECT operator_id FROM tracker_cohort WHERE id = $1'",
    "CREATE FUNCTION pg_temp.tracker_enrollment_operator(bigint) RETURNS bigint"
    " LANGUAGE sql STABLE AS 'SELECT operator_id FROM tracker_enrollment WHERE id = $1'",
    "ALTER TABLE tracker_enrollment ALTER COLUMN operator_id TYPE bigint"
    " USING pg_temp.tracker_cohort_operator(cohort_id)",
    # Enrollments first: a hire takes its enrollment's.
    "ALTER TABLE tracker_placement ALTER COLUMN operator_id TYPE bigint"
    " USING pg_temp.tracker_enrollment_operator(enrollment_id)",
    "DROP FUNCTION pg_temp.tracker_cohort_operator(bigint)",
    "DROP FUNCTION pg_temp.tracker_enrollment_operator(bigint)",
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
    partner's lists at once."""
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
