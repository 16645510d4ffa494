"""Indexes that another index's leading columns already cover: every row an import (or a
form, or the rollups) writes paid for them, and no query needs them (docs/imports.md,
"Redundant indexes", has the EXPLAIN checks).

- enrollment.trainee_id: enrollment_unique (trainee_id, cohort_id) leads with it;
- enrollment.cohort_id: enrollment_cohort_status (cohort_id, status) leads with it;
- placement.enrollment_id: placement_enrollment_hired (enrollment_id, hired_on);
- enrollment_enrolled_on, enrollment_graduated_on, placement_hired_on: the
  (date DESC, id) indexes of 0007 serve the same ranges and both sort directions;
- trainee.cin's varchar_pattern_ops ("_like") index, PostgreSQL only: no query reads CINs
  by prefix (every lookup is by equality, served by the unique index on cin).

The database side is written by hand: Django's AlterField would drop and re-create each
foreign key (a check of every row of the table) just to drop an index."""

import django.db.models.deletion
from django.db import migrations, models

# (table, index, columns): dropped forward, re-created backward (both idempotent).
INDEXES = [
    ("tracker_enrollment", "enrollment_enrolled_on", '"enrolled_on"'),
    ("tracker_enrollment", "enrollment_graduated_on", '"graduated_on"'),
    ("tracker_placement", "placement_hired_on", '"hired_on"'),
    ("tracker_enrollment", "tracker_enrollment_cohort_id_fc6a771c", '"cohort_id"'),
    ("tracker_enrollment", "tracker_enrollment_trainee_id_7e120269", '"trainee_id"'),
    ("tracker_placement", "tracker_placement_enrollment_id_fb669e6f", '"enrollment_id"'),
]
CIN_LIKE = "tracker_trainee_cin_ee88cd26_like"


def drop_cin_like(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{CIN_LIKE}"')


def create_cin_like(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{CIN_LIKE}" ON "tracker_trainee" '
            '("cin" varchar_pattern_ops)'
        )


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0010_terms_revision"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(
                    model_name="enrollment",
                    name="enrollment_enrolled_on",
                ),
                migrations.RemoveIndex(
                    model_name="enrollment",
                    name="enrollment_graduated_on",
                ),
                migrations.RemoveIndex(
                    model_name="placement",
                    name="placement_hired_on",
                ),
                migrations.AlterField(
                    model_name="enrollment",
                    name="cohort",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="enrollments",
                        to="tracker.cohort",
                        verbose_name="cohorte",
                    ),
                ),
                migrations.AlterField(
                    model_name="enrollment",
                    name="trainee",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="enrollments",
                        to="tracker.trainee",
                        verbose_name="stagiaire",
                    ),
                ),
                migrations.AlterField(
                    model_name="placement",
                    name="enrollment",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="placements",
                        to="tracker.enrollment",
                        verbose_name="inscription",
                    ),
                ),
            ],
            database_operations=[
                *(
                    migrations.RunSQL(
                        f'DROP INDEX IF EXISTS "{name}"',
                        f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ({columns})',
                    )
                    for table, name, columns in INDEXES
                ),
                migrations.RunPython(drop_cin_like, create_cin_like),
            ],
        )
    ]
