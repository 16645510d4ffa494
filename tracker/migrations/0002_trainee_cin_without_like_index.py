"""PostgreSQL only: no query reads CINs by prefix (every lookup is by equality, served by
the unique index on cin), so the varchar_pattern_ops ("_like") index Django adds to a
unique CharField only costs every write. Kept from the history before the rewrite."""

from django.db import migrations


def drop_cin_like(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'tracker_trainee' "
            "AND indexname LIKE 'tracker_trainee_cin_%%_like'"
        )
        names = [row[0] for row in cursor.fetchall()]
    for name in names:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def create_cin_like(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            'CREATE INDEX IF NOT EXISTS "tracker_trainee_cin_ee88cd26_like" ON "tracker_trainee" '
            '("cin" varchar_pattern_ops)'
        )


class Migration(migrations.Migration):
    dependencies = [("tracker", "0001_initial")]

    operations = [migrations.RunPython(drop_cin_like, create_cin_like)]
