"""The 2025 PAE/PAF parameters as defaults (tracker.verification.incentive_defaults)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from tracker.verification.incentive_defaults import write_defaults

    write_defaults(apps.get_model("tracker", "IncentiveParameter"))


class Migration(migrations.Migration):
    dependencies = [("tracker", "0003_declarations")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
