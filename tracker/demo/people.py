"""Demo cohorts, trainees, enrollments and hires under the demo conventions.

Runs after the conventions step: it takes the signed or active conventions and their
training-operator parties (none: it creates nothing and says so). Rows are generated in
memory and written with bulk_create in batches, with no query per row, so that
``--size large`` (>= 100,000 enrollments) stays quick. Generated dates respect the rules
of tracker.rules (enrollment before the cohort ends, graduation within its window, hires
never before enrollment). Deterministic for a given seed; re-running replaces the
previous demo people (cohorts coded DEMO-...)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import Model

from conventions.models import Convention, ConventionParty, Filiere, Partner, Region, Zone
from tracker.demo.context import DemoContext
from tracker.figures.rollup_queue import rollup_after_commit
from tracker.models import ChangeLog, Cohort, Enrollment, Placement, Trainee, TraineeContact

CODE_PREFIX = "DEMO-"
ENROLLMENTS_PER_SCALE = 1_800  # small: 1,800; medium: 18,000; large (x60): 108,000
BATCH_SIZE = 5_000
# Graduates enrolled again by another operator (people shared by two operators).
SHARED_PEOPLE = 6
# "Today" for the demo, fixed so that a seed always gives the same statuses.
REFERENCE_DATE = dt.date(2026, 10, 31)
FIRST_START = dt.date(2024, 1, 8)
LAST_START = dt.date(2026, 12, 31)

M = TypeVar("M", bound=Model)

# (Latin, Arabic) names.
FEMALE_NAMES = [
    ("Fatima Zahra", "فاطمة الزهراء"), ("Khadija", "خديجة"), ("Salma", "سلمى"),
    ("Imane", "إيمان"), ("Meryem", "مريم"), ("Hajar", "هاجر"), ("Nora", "نورة"),
    ("Sara", "سارة"), ("Ghizlane", "غزلان"), ("Asmae", "أسماء"), ("Houda", "هدى"),
    ("Oumaima", "أميمة"), ("Yasmine", "ياسمين"), ("Loubna", "لبنى"), ("Soukaina", "سكينة"),
    ("Chaimae", "شيماء"), ("Nadia", "نادية"), ("Zineb", "زينب"), ("Hind", "هند"),
    ("Amina", "أمينة"),
]  # fmt: skip
MALE_NAMES = [
    ("Mohamed", "محمد"), ("Youssef", "يوسف"), ("Omar", "عمر"), ("Mehdi", "المهدي"),
    ("Hamza", "حمزة"), ("Ayoub", "أيوب"), ("Anas", "أنس"), ("Yassine", "ياسين"),
    ("Karim", "كريم"), ("Othmane", "عثمان"), ("Ilyas", "إلياس"), ("Amine", "أمين"),
    ("Reda", "رضا"), ("Zakaria", "زكرياء"), ("Soufiane", "سفيان"), ("Badr", "بدر"),
    ("Achraf", "أشرف"), ("Nabil", "نبيل"), ("Hicham", "هشام"), ("Adil", "عادل"),
]  # fmt: skip
LAST_NAMES = [
    ("Benali", "بنعلي"), ("El Amrani", "العمراني"), ("Alaoui", "العلوي"), ("Idrissi", "الإدريسي"),
    ("Bennani", "بناني"), ("Tazi", "التازي"), ("Chraibi", "الشرايبي"), ("Berrada", "برادة"),
    ("El Fassi", "الفاسي"), ("Ouazzani", "الوزاني"), ("Lahlou", "لحلو"), ("Kettani", "الكتاني"),
    ("Sqalli", "السقلي"), ("Benjelloun", "بنجلون"), ("Ait Lahcen", "آيت لحسن"),
    ("Amzil", "أمزيل"), ("Ouhammou", "أوحمو"), ("Bouzidi", "البوزيدي"), ("Zerouali", "الزروالي"),
    ("El Khattabi", "الخطابي"), ("Naciri", "الناصري"), ("Haddad", "الحداد"), ("Saidi", "السعيدي"),
    ("Rami", "الرامي"), ("Mansouri", "المنصوري"), ("Cherkaoui", "الشرقاوي"),
]  # fmt: skip
CIN_PREFIXES = ["BE", "AB", "BH", "EE", "CD", "JB", "FA", "GM", "LA", "UC", "K", "Z", "T", "X"]
METIERS = {
    "ITO": ["Développeur full-stack", "Technicien support N2", "Administrateur systèmes"],
    "CRM": ["Conseiller client", "Téléconseiller bilingue", "Superviseur de plateau"],
    "BPO": ["Gestionnaire back-office", "Assistant comptable", "Gestionnaire paie"],
    "ESO": ["Dessinateur-projeteur", "Ingénieur calcul", "Technicien bureau d'études"],
    "KPO": ["Analyste de données", "Chargé de veille", "Analyste financier junior"],
}
SALARY_RANGE = {
    "ITO": (8_000, 16_000),
    "CRM": (4_800, 7_500),
    "BPO": (5_000, 8_500),
    "ESO": (9_000, 15_000),
    "KPO": (8_500, 14_000),
}
NAMED_EMPLOYERS = [
    ("Atlantic Contact Center", "004512378000056"),
    ("Maghreb Digital Services", "004623489000067"),
    ("Nearshore Data Factory", "004734590000078"),
    ("Souss Outsourcing", "004845601000089"),
    ("Oriental Tech Hub", "004956712000090"),
]
EDUCATION = ["bac", "bac2", "bac2", "bac3", "bac3", "bac3", "bac5", "bac5", "below_bac"]
CONTRACTS = [("cdi", 70), ("cdd", 15), ("anapec", 12), ("freelance", 3)]
MODALITY_HOURS = {"bootcamp": (300, 600), "qualifying": (200, 450), "degree": (900, 1500),
                  "in_company": (120, 300)}  # fmt: skip


def seed(context: DemoContext) -> None:
    parties = list(
        ConventionParty.objects.filter(
            role=ConventionParty.Role.TRAINING_OPERATOR,
            convention__status__in=[Convention.Status.SIGNED, Convention.Status.ACTIVE],
        )
        .select_related("convention", "partner")
        .order_by("convention__reference", "partner__name")
    )
    _delete_previous_demo()
    if not parties:
        context.log("people: no signed or active convention with a training operator; skipped")
        return
    generator = _Generator(context, parties)
    counts = generator.run()
    context.objects["people"] = counts
    context.log(
        "people: {cohorts} cohorts, {trainees} trainees, {enrollments} enrollments, "
        "{placements} hires, {shared} people shared by two operators".format(**counts)
    )


def _delete_previous_demo() -> None:
    demo_enrollments = Enrollment.objects.filter(cohort__code__startswith=CODE_PREFIX)
    trainee_ids = list(demo_enrollments.values_list("trainee_id", flat=True))
    Placement.objects.filter(enrollment__cohort__code__startswith=CODE_PREFIX).delete()
    demo_enrollments.delete()
    ChangeLog.objects.filter(
        entity=ChangeLog.Entity.TRAINEE, action="linked", object_id__in=set(trainee_ids)
    ).delete()
    for start in range(0, len(trainee_ids), BATCH_SIZE):
        Trainee.objects.filter(
            id__in=trainee_ids[start : start + BATCH_SIZE], enrollments__isnull=True
        ).delete()
    Cohort.objects.filter(code__startswith=CODE_PREFIX).delete()


def _bulk(model: type[M], rows: list[M]) -> list[M]:
    created: list[M] = []
    for start in range(0, len(rows), BATCH_SIZE):
        created.extend(model._default_manager.bulk_create(rows[start : start + BATCH_SIZE]))
    return created


class _Generator:
    def __init__(self, context: DemoContext, parties: list[ConventionParty]) -> None:
        self.rng = context.rng
        self.parties = parties
        self.target = ENROLLMENTS_PER_SCALE * context.scale
        self.regions = list(Region.objects.order_by("code"))
        self.zones_by_region: dict[int, list[Zone]] = {}
        for zone in Zone.objects.order_by("code"):
            self.zones_by_region.setdefault(zone.region_id, []).append(zone)
        self.filieres = {f.code: f for f in _filieres()}
        partners = context.objects.get("partners", {})
        self.employers: list[Partner] = [
            partners[key] for key in ("employer_1", "employer_2", "employer_3") if key in partners
        ] or list(Partner.objects.filter(kind=Partner.Kind.EMPLOYER).order_by("name")[:5])
        self.cin_serial = 0

    # --- helpers -----------------------------------------------------------------

    def _day_between(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    def _weighted(self, choices: Iterable[tuple[str, int]]) -> str:
        values, weights = zip(*choices, strict=True)
        return self.rng.choices(values, weights=weights)[0]

    # --- rows --------------------------------------------------------------------

    def _cohort(self, number: int, party: ConventionParty) -> Cohort:
        rng = self.rng
        filiere = self.filieres[rng.choice(sorted(self.filieres))]
        region = party.partner.region if party.partner.region and rng.random() < 0.6 else None
        region = region or rng.choice(self.regions)
        zones = self.zones_by_region.get(region.pk, [])
        zone = rng.choice(zones) if zones and rng.random() < 0.6 else None
        modality = rng.choice(sorted(MODALITY_HOURS))
        starts_on = self._day_between(FIRST_START, LAST_START)
        ends_on = starts_on + dt.timedelta(days=rng.randint(90, 270))
        if starts_on > REFERENCE_DATE:
            status = Cohort.Status.PLANNED
        elif ends_on < REFERENCE_DATE:
            status = Cohort.Status.COMPLETED
        else:
            status = Cohort.Status.IN_TRAINING
        hours_low, hours_high = MODALITY_HOURS[modality]
        return Cohort(
            code=f"{CODE_PREFIX}{starts_on.year}-{number:05d}",
            convention=party.convention,
            operator=party.partner,
            filiere=filiere,
            metier=rng.choice(METIERS.get(filiere.code, ["Agent offshoring"])),
            region=region,
            zone=zone,
            city=zone.city if zone else region.capital,
            modality=modality,
            hours=rng.randint(hours_low, hours_high) // 10 * 10,
            planned_seats=rng.randint(20, 40),
            starts_on=starts_on,
            ends_on=ends_on,
            status=status,
        )

    def _trainee(self, cohort: Cohort) -> tuple[Trainee, dict[str, Any]]:
        """A person, and what the cohort's operator records about them (TraineeContact)."""
        rng = self.rng
        female = rng.random() < 0.47
        first, first_ar = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
        last, last_ar = rng.choice(LAST_NAMES)
        self.cin_serial += 1
        prefix = CIN_PREFIXES[self.cin_serial % len(CIN_PREFIXES)]
        cin = f"{prefix}{300000 + self.cin_serial}"
        ascii_name = f"{first}.{last}".lower().replace(" ", "")
        trainee = Trainee(
            cin=cin,
            first_name=first,
            last_name=last,
            first_name_ar=first_ar,
            last_name_ar=last_ar,
            sex=Trainee.Sex.FEMALE if female else Trainee.Sex.MALE,
            birth_date=self._day_between(dt.date(1990, 1, 1), dt.date(2006, 6, 30)),
        )
        contact = {
            "phone": f"+212{rng.choice('67')}{rng.randint(10_000_000, 99_999_999)}",
            "email": f"{ascii_name}{self.cin_serial}@exemple.ma",
            "residence_region": cohort.region if rng.random() < 0.85 else rng.choice(self.regions),
            "education_level": rng.choice(EDUCATION),
        }
        return trainee, contact

    def _enrollment(self, trainee: Trainee, cohort: Cohort) -> Enrollment:
        rng = self.rng
        enrolled_on = cohort.starts_on - dt.timedelta(days=rng.randint(0, 25))
        enrollment = Enrollment(
            trainee=trainee, cohort=cohort, operator_id=cohort.operator_id, enrolled_on=enrolled_on
        )
        if cohort.status == Cohort.Status.PLANNED:
            return enrollment
        roll = rng.random()
        if cohort.status == Cohort.Status.COMPLETED:
            if roll < 0.72:
                graduated_on = cohort.ends_on + dt.timedelta(days=rng.randint(0, 30))
                enrollment.status = Enrollment.Status.GRADUATED
                enrollment.graduated_on = enrollment.exited_on = graduated_on
                enrollment.certificate_ref = f"CERT-{cohort.pk}-{rng.randint(1, 999):03d}"
            elif roll < 0.86:
                enrollment.status = Enrollment.Status.DROPPED_OUT
                enrollment.exited_on = self._day_between(cohort.starts_on, cohort.ends_on)
            else:
                enrollment.status = Enrollment.Status.FAILED
                enrollment.exited_on = cohort.ends_on
        elif roll < 0.08:  # in training: a few have already dropped out
            enrollment.status = Enrollment.Status.DROPPED_OUT
            enrollment.exited_on = self._day_between(
                cohort.starts_on, min(cohort.ends_on, REFERENCE_DATE)
            )
        return enrollment

    def _placements(self, enrollment: Enrollment, cohort: Cohort) -> list[Placement]:
        rng = self.rng
        if enrollment.status == Enrollment.Status.GRADUATED:
            if rng.random() > 0.68:
                return []
            assert enrollment.graduated_on is not None
            # Pre-hiring: one hire in ten is signed before graduation.
            if rng.random() < 0.1:
                hired_on = self._day_between(enrollment.enrolled_on, enrollment.graduated_on)
            else:
                hired_on = enrollment.graduated_on + dt.timedelta(days=rng.randint(5, 160))
        elif enrollment.status == Enrollment.Status.ENROLLED and cohort.status == "in_training":
            if rng.random() > 0.05:
                return []
            hired_on = self._day_between(enrollment.enrolled_on, REFERENCE_DATE)
        else:
            return []
        if hired_on > REFERENCE_DATE:
            return []
        contract = self._weighted(CONTRACTS)
        ended_on = None
        # A few jobs have already ended, fixed-term ones more often.
        if rng.random() < (0.06 if contract == "cdi" else 0.35):
            ended_on = hired_on + dt.timedelta(days=rng.randint(60, 330))
            if ended_on > REFERENCE_DATE:
                ended_on = None
        low, high = SALARY_RANGE.get(cohort.filiere.code, (5_000, 10_000))
        employer = rng.choice(self.employers) if self.employers and rng.random() < 0.6 else None
        named, ice = rng.choice(NAMED_EMPLOYERS)
        cnss = hired_on + dt.timedelta(days=rng.randint(30, 90)) if rng.random() < 0.5 else None
        return [
            Placement(
                enrollment=enrollment,
                operator_id=cohort.operator_id,
                employer=employer,
                employer_name="" if employer else named,
                employer_ice="" if employer else ice,
                hired_on=hired_on,
                contract_type=contract,
                job_title=cohort.metier,
                filiere=cohort.filiere,
                zone=cohort.zone,
                region=cohort.region,
                gross_monthly_salary_mad=Decimal(rng.randint(low, high) // 50 * 50),
                ended_on=ended_on,
                cnss_verified_on=cnss if cnss and cnss <= REFERENCE_DATE else None,
            )
        ]

    def run(self) -> dict[str, int]:
        rng = self.rng
        cohort_count = max(len(self.parties), math.ceil(self.target / 30))
        cohorts = [
            self._cohort(number + 1, self.parties[number % len(self.parties)])
            for number in range(cohort_count)
        ]
        # One planned cohort in five is cancelled (the second, so that one is left
        # planned whenever there are two): cancelled cohorts keep no enrollment.
        planned = [cohort for cohort in cohorts if cohort.status == Cohort.Status.PLANNED]
        for cohort in planned[1::5]:
            cohort.status = Cohort.Status.CANCELLED
        cohorts = _bulk(Cohort, cohorts)
        open_cohorts = [c for c in cohorts if c.status != Cohort.Status.CANCELLED]
        sizes = _split(self.target, len(open_cohorts), rng)
        trainees: list[Trainee] = []
        contacts: list[dict[str, Any]] = []
        pairs: list[tuple[int, Cohort]] = []
        for cohort, size in zip(open_cohorts, sizes, strict=True):
            for _ in range(size):
                trainee, contact = self._trainee(cohort)
                trainees.append(trainee)
                contacts.append(contact)
                pairs.append((len(trainees) - 1, cohort))
        trainees = _bulk(Trainee, trainees)
        _bulk(
            TraineeContact,
            [
                TraineeContact(
                    trainee=trainees[index], operator_id=cohort.operator_id, **contacts[index]
                )
                for index, cohort in pairs
            ],
        )
        enrollments = _bulk(
            Enrollment, [self._enrollment(trainees[index], cohort) for index, cohort in pairs]
        )
        placements: list[Placement] = []
        for enrollment in enrollments:
            placements.extend(self._placements(enrollment, enrollment.cohort))
        placements = _bulk(Placement, placements)
        shared = self._shared_people(enrollments, open_cohorts)
        rollup_after_commit(cohort_ids=[cohort.pk for cohort in cohorts])
        return {
            "cohorts": len(cohorts),
            "trainees": len(trainees),
            "enrollments": len(enrollments) + shared,
            "placements": len(placements),
            "shared": shared,
        }

    def _shared_people(self, enrollments: list[Enrollment], cohorts: list[Cohort]) -> int:
        """A few graduates trained again later by another operator: one person, two
        operators, each with its own contact record (what partners must never read of
        each other) and the "linked" entry in the person's history."""
        rng = self.rng
        later = sorted(
            (c for c in cohorts if c.status in (Cohort.Status.PLANNED, Cohort.Status.IN_TRAINING)),
            key=lambda c: c.starts_on,
        )
        linked: list[tuple[Enrollment, Cohort]] = []
        for enrollment in enrollments:
            if len(linked) >= SHARED_PEOPLE:
                break
            if enrollment.status != Enrollment.Status.GRADUATED:
                continue
            assert enrollment.exited_on is not None
            target = next(
                (
                    c
                    for c in later
                    if c.operator_id != enrollment.operator_id
                    and c.starts_on > enrollment.exited_on
                ),
                None,
            )
            if target is not None:
                linked.append((enrollment, target))
        _bulk(
            Enrollment,
            [
                Enrollment(
                    trainee_id=enrollment.trainee_id,
                    cohort=cohort,
                    operator_id=cohort.operator_id,
                    enrolled_on=cohort.starts_on,
                )
                for enrollment, cohort in linked
            ],
        )
        _bulk(
            TraineeContact,
            [
                TraineeContact(
                    trainee_id=enrollment.trainee_id,
                    operator_id=cohort.operator_id,
                    phone=f"+2125{rng.randint(10_000_000, 99_999_999)}",
                    residence_region=cohort.region,
                )
                for enrollment, cohort in linked
            ],
        )
        _bulk(
            ChangeLog,
            [
                ChangeLog(
                    entity=ChangeLog.Entity.TRAINEE,
                    object_id=enrollment.trainee_id,
                    action="linked",
                    changes={"operator": [None, cohort.operator_id]},
                    source=ChangeLog.Source.SYSTEM,
                )
                for enrollment, cohort in linked
            ],
        )
        return len(linked)


def _split(total: int, parts: int, rng: Any) -> list[int]:
    """``total`` spread over ``parts`` cohorts of uneven but believable sizes."""
    if parts == 0:
        return []
    weights = [rng.uniform(0.6, 1.4) for _ in range(parts)]
    scale = total / sum(weights)
    sizes = [max(1, int(weight * scale)) for weight in weights]
    sizes[-1] += total - sum(sizes)
    if sizes[-1] < 1:  # rounding took too much from the last cohort
        sizes[-1] = 1
    return sizes


def _filieres() -> list[Any]:
    return list(Filiere.objects.order_by("code"))
