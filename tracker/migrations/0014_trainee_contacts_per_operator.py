"""Contact details per operator (issue 13): a person's phone, e-mail, region of residence
and education level move from the national record (Trainee) to one record per operator
(TraineeContact), so an operator reads and edits only what its organisation recorded.

Who recorded what is read from the change history: each trainee change by a partner user
of one of the person's operators gives that operator the new value (and the value it
replaced to the operator that held it, else the operator of the earliest enrollment);
a value nobody is known to have written goes to the operator of the earliest
enrollment. A person with no enrollment keeps no contact details: nobody but an admin
could see them, and nothing can be attributed.
"""

from collections import defaultdict

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ("phone", "email", "residence_region_id", "education_level")


def _field(key):
    """A change-history key as the field it names (the import logs attnames)."""
    if key in ("residence_region", "residence_region_id"):
        return "residence_region_id"
    return key if key in MOVED else None


def contacts_from_history(apps, schema_editor):
    Trainee = apps.get_model("tracker", "Trainee")
    Enrollment = apps.get_model("tracker", "Enrollment")
    ChangeLog = apps.get_model("tracker", "ChangeLog")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    TraineeContact = apps.get_model("tracker", "TraineeContact")

    partner_of = dict(User.objects.filter(partner__isnull=False).values_list("id", "partner_id"))
    operators = defaultdict(set)
    earliest = {}
    for trainee_id, operator_id in Enrollment.objects.order_by(
        "trainee_id", "enrolled_on", "id"
    ).values_list("trainee_id", "operator_id"):
        operators[trainee_id].add(operator_id)
        earliest.setdefault(trainee_id, operator_id)
    history = defaultdict(list)
    for object_id, actor_id, changes in (
        ChangeLog.objects.filter(entity="trainee").order_by("at", "id").values_list(
            "object_id", "actor_id", "changes"
        )
    ):
        history[object_id].append((actor_id, changes or {}))

    rows = []
    people = (
        Trainee.objects.filter(id__in=list(earliest))
        .values("id", "first_name_ar", "last_name_ar", *MOVED)
        .iterator()
    )
    for person in people:
        trainee_id = person["id"]
        first = earliest[trainee_id]
        values = defaultdict(dict)  # operator -> field -> value
        holder = {}  # field -> operator whose value is the current one
        for actor_id, changes in history.get(trainee_id, ()):
            writer = partner_of.get(actor_id)
            for key, pair in changes.items():
                name = _field(key)
                if name is None or not isinstance(pair, list) or len(pair) != 2:
                    continue
                old, new = pair
                if writer not in operators[trainee_id]:
                    # Staff, the system or an unknown actor corrected the holder's value.
                    values[holder.get(name, first)][name] = new
                    continue
                if name not in holder and old not in (None, "") and writer != first:
                    values[first][name] = old  # what the writer replaced was the first's
                elif name in holder and holder[name] != writer and old not in (None, ""):
                    values[holder[name]].setdefault(name, old)
                values[writer][name] = new
                holder[name] = writer
        for name in MOVED:
            current = person[name]
            if name not in holder and current not in (None, ""):
                values[first][name] = current
            elif name in holder:
                values[holder[name]][name] = current  # the stored value wins
        # The Arabic names stay shown to the operator that recorded the person first.
        if person["first_name_ar"] or person["last_name_ar"]:
            values[first]["arabic_names_known"] = True
        for operator_id, fields in values.items():
            cleaned = {k: v for k, v in fields.items() if v not in (None, "")}
            if cleaned:
                rows.append(TraineeContact(trainee_id=trainee_id, operator_id=operator_id, **cleaned))
    TraineeContact.objects.bulk_create(rows, batch_size=2000)


def contacts_back(apps, schema_editor):
    """Backwards: the national record takes the earliest enrollment's operator's record."""
    Trainee = apps.get_model("tracker", "Trainee")
    Enrollment = apps.get_model("tracker", "Enrollment")
    TraineeContact = apps.get_model("tracker", "TraineeContact")
    earliest = {}
    for trainee_id, operator_id in Enrollment.objects.order_by(
        "trainee_id", "enrolled_on", "id"
    ).values_list("trainee_id", "operator_id"):
        earliest.setdefault(trainee_id, operator_id)
    for contact in TraineeContact.objects.all().iterator():
        if earliest.get(contact.trainee_id) == contact.operator_id:
            Trainee.objects.filter(pk=contact.trainee_id).update(
                **{name: getattr(contact, name) for name in MOVED}
            )


class Migration(migrations.Migration):
    dependencies = [
        ('conventions', '0003_reference_data'),
        ('tracker', '0013_enrollment_operator_graduated_index'),
    ]

    operations = [
        migrations.AlterField(
            model_name='changelog',
            name='entity',
            field=models.CharField(choices=[('enrollment', 'inscription'), ('placement', 'embauche'), ('trainee', 'stagiaire'), ('traineecontact', 'coordonnées')], max_length=20),
        ),
        migrations.CreateModel(
            name='IdentityCorrectionRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('proposed', models.JSONField(default=dict, verbose_name='correction proposée')),
                ('comment', models.TextField(verbose_name='commentaire')),
                ('status', models.CharField(choices=[('open', 'en attente'), ('applied', 'appliquée'), ('declined', 'refusée')], default='open', max_length=10, verbose_name='statut')),
                ('handled_at', models.DateTimeField(blank=True, null=True)),
                ('staff_comment', models.TextField(blank=True, verbose_name="réponse de l'équipe")),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('handled_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('operator', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='conventions.partner', verbose_name='opérateur')),
                ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('trainee', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='correction_requests', to='tracker.trainee', verbose_name='stagiaire')),
            ],
            options={
                'verbose_name': "demande de correction d'identité",
                'verbose_name_plural': "demandes de correction d'identité",
                'ordering': ['created_at', 'id'],
                'indexes': [models.Index(fields=['status', 'created_at'], name='correction_status_created')],
            },
        ),
        migrations.CreateModel(
            name='TraineeContact',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('phone', models.CharField(blank=True, max_length=16, verbose_name='téléphone')),
                ('email', models.EmailField(blank=True, max_length=254, verbose_name='e-mail')),
                ('education_level', models.CharField(blank=True, choices=[('below_bac', 'Niveau inférieur au bac'), ('bac', 'Baccalauréat'), ('bac2', 'Bac+2'), ('bac3', 'Bac+3 (licence)'), ('bac5', 'Bac+5 (master, ingénieur)'), ('doctorate', 'Doctorat')], max_length=12, verbose_name="niveau d'études")),
                ('arabic_names_known', models.BooleanField(db_default=False, default=False)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('operator', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='conventions.partner', verbose_name='opérateur')),
                ('residence_region', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='conventions.region', verbose_name='région de résidence')),
                ('trainee', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='contacts', to='tracker.trainee', verbose_name='stagiaire')),
            ],
            options={
                'verbose_name': 'coordonnées du stagiaire',
                'verbose_name_plural': 'coordonnées des stagiaires',
                'ordering': ['trainee', 'operator'],
                'constraints': [models.UniqueConstraint(fields=('trainee', 'operator'), name='trainee_contact_unique')],
            },
        ),
        migrations.RunPython(contacts_from_history, contacts_back),
        migrations.RemoveField(
            model_name='trainee',
            name='education_level',
        ),
        migrations.RemoveField(
            model_name='trainee',
            name='email',
        ),
        migrations.RemoveField(
            model_name='trainee',
            name='phone',
        ),
        migrations.RemoveField(
            model_name='trainee',
            name='residence_region',
        ),
    ]
