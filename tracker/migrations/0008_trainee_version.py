"""Optimistic locking for trainees (the API's update), as for enrollments and hires.

A constant database default: on PostgreSQL 11+ adding the column rewrites no row (its
positive-integer CHECK reads the table once), so it is quick on the national dataset."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("tracker", "0007_list_sort_indexes")]

    operations = [
        migrations.AddField(
            model_name="trainee",
            name="version",
            field=models.PositiveIntegerField(db_default=1, default=1),
        ),
    ]
