"""Loads the reference data the project carries: regions, zones, filières, national
figures (see conventions/reference_data.py)."""

from django.db import migrations

from conventions.reference_data import load_reference_data


def forwards(apps, schema_editor):
    load_reference_data(apps)


class Migration(migrations.Migration):
    dependencies = [("conventions", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
