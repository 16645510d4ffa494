"""Indexes matching the list pages' default orders and sorts, with the primary key:
a deep page selects its keys by an index-only scan. Created with IF NOT EXISTS so the
migration can run on a database where the benchmark already created them."""

from django.db import migrations, models

INDEXES = [
    ("tracker_enrollment", "enrollment_enrolled_on_id", '"enrolled_on" DESC, "id"'),
    ("tracker_enrollment", "enrollment_graduated_on_id", '"graduated_on" DESC, "id"'),
    ("tracker_placement", "placement_hired_on_id", '"hired_on" DESC, "id"'),
]


class Migration(migrations.Migration):
    dependencies = [("tracker", "0006_api_tokens")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="enrollment",
                    index=models.Index(
                        fields=["-enrolled_on", "id"], name="enrollment_enrolled_on_id"
                    ),
                ),
                migrations.AddIndex(
                    model_name="enrollment",
                    index=models.Index(
                        fields=["-graduated_on", "id"], name="enrollment_graduated_on_id"
                    ),
                ),
                migrations.AddIndex(
                    model_name="placement",
                    index=models.Index(fields=["-hired_on", "id"], name="placement_hired_on_id"),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})",
                    f"DROP INDEX IF EXISTS {name}",
                )
                for table, name, columns in INDEXES
            ],
        )
    ]
