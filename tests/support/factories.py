"""factory_boy factories for every model the tests create."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from accounts.models import Role, User
from conventions.models import (
    Commitment,
    Convention,
    ConventionParty,
    Filiere,
    Indicator,
    Partner,
    Region,
    Zone,
)
from tracker.demo.conventions import demo_pdf
from tracker.models import Cohort, Enrollment, Placement, Trainee, TraineeContact


def region(code: str = "MA-06") -> Region:
    return Region.objects.get(code=code)


def zone(code: str = "CNS") -> Zone:
    return Zone.objects.get(code=code)


def filiere(code: str = "ITO") -> Filiere:
    return Filiere.objects.get(code=code)


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partenaire {n}")
    kind = Partner.Kind.TRAINING_OPERATOR
    ice = factory.Sequence(lambda n: f"{n:015d}")
    region = factory.LazyFunction(region)
    city = "Casablanca"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.MANAGER
    partner = None
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.ma")
    is_staff = factory.LazyAttribute(lambda user: user.role == Role.ADMIN)
    is_superuser = factory.LazyAttribute(lambda user: user.role == Role.ADMIN)
    password = factory.django.Password("offshoring2030")


class ConventionFactory(DjangoModelFactory):
    class Meta:
        model = Convention
        skip_postgeneration_save = True

    # "F" before the number: a factory's reference never contains "-<digit>" after the
    # year, so a search for "-1" (tests/web/test_choice_search.py) means the same
    # whatever number of conventions the session created before.
    reference = factory.Sequence(lambda n: f"CONV-2026-F{n + 1:04d}")
    title = factory.Sequence(lambda n: f"Convention de formation {n}")
    kind = Convention.Kind.TRAINING
    starts_on = dt.date(2025, 1, 1)
    ends_on = dt.date(2027, 12, 31)
    budget_state_mad = Decimal("1000000")
    budget_partner_mad = Decimal("250000")


class ConventionPartyFactory(DjangoModelFactory):
    class Meta:
        model = ConventionParty

    convention = factory.SubFactory(ConventionFactory)
    partner = factory.SubFactory(PartnerFactory)
    role = ConventionParty.Role.TRAINING_OPERATOR


class CommitmentFactory(DjangoModelFactory):
    class Meta:
        model = Commitment

    convention = factory.SubFactory(ConventionFactory)
    indicator = Indicator.ENROLLED
    year = 2026
    target_value = Decimal("100")


class CohortFactory(DjangoModelFactory):
    class Meta:
        model = Cohort

    code = factory.Sequence(lambda n: f"COH-{n:05d}")
    convention = factory.SubFactory(ConventionFactory)
    operator = factory.SubFactory(PartnerFactory)
    filiere = factory.LazyFunction(filiere)
    metier = "Développeur full-stack"
    region = factory.LazyFunction(region)
    zone = None
    city = "Casablanca"
    modality = Cohort.Modality.BOOTCAMP
    hours = 400
    planned_seats = 30
    starts_on = dt.date(2026, 1, 5)
    ends_on = dt.date(2026, 6, 30)
    status = Cohort.Status.IN_TRAINING


class TraineeFactory(DjangoModelFactory):
    class Meta:
        model = Trainee

    cin = factory.Sequence(lambda n: f"BK{n + 100000}")
    first_name = factory.Iterator(["Fatima", "Omar", "Khadija", "Mehdi", "Salma", "Yassine"])
    last_name = factory.Iterator(["Benali", "Chraibi", "El Fassi", "Berrada", "Ouazzani"])
    sex = factory.Iterator([Trainee.Sex.FEMALE, Trainee.Sex.MALE])
    birth_date = dt.date(2000, 5, 17)


class TraineeContactFactory(DjangoModelFactory):
    """What one operator recorded about a person (its own record)."""

    class Meta:
        model = TraineeContact

    trainee = factory.SubFactory(TraineeFactory)
    operator = factory.SubFactory(PartnerFactory)
    phone = "+212612345678"
    email = factory.Sequence(lambda n: f"stagiaire{n}@example.ma")


class EnrollmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrollment

    trainee = factory.SubFactory(TraineeFactory)
    cohort = factory.SubFactory(CohortFactory)
    status = Enrollment.Status.ENROLLED
    enrolled_on = dt.date(2026, 1, 5)


class PlacementFactory(DjangoModelFactory):
    class Meta:
        model = Placement

    enrollment = factory.SubFactory(EnrollmentFactory)
    employer_name = "Casablanca Nearshore Services"
    # A hire is unique per (enrollment, hire date, employer): each its own employer's ICE.
    employer_ice = factory.Sequence(lambda n: f"{1987654000078 + n:015d}")
    hired_on = dt.date(2026, 7, 1)
    contract_type = Placement.ContractType.CDI
    job_title = "Développeur"
    filiere = factory.LazyFunction(filiere)
    gross_monthly_salary_mad = Decimal("9000")


# --- Conventions in a given workflow status (through the services, never by hand) ----

# A real one-page PDF (signed documents are parsed, not only sniffed).
MINIMAL_PDF = demo_pdf("Convention de test")

# The workflow path from draft to each status (see conventions.services.workflow).
PATH_TO_STATUS: dict[str, tuple[str, ...]] = {
    Convention.Status.DRAFT: (),
    Convention.Status.SUBMITTED: ("submit",),
    Convention.Status.SIGNED: ("submit", "sign"),
    Convention.Status.ACTIVE: ("submit", "sign", "activate"),
    Convention.Status.SUSPENDED: ("submit", "sign", "activate", "suspend"),
    Convention.Status.CLOSED: ("submit", "sign", "activate", "close"),
    Convention.Status.TERMINATED: ("submit", "sign", "activate", "terminate"),
}


def signable_convention(*, manager: User, operator: Partner, **terms: object) -> Convention:
    """A draft managed by ``manager`` that meets every signing precondition."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from conventions.services import (
        convention_commitment_set,
        convention_create,
        convention_document_attach,
        convention_party_add,
    )

    defaults: dict[str, object] = {
        "title": "Convention de test",
        "kind": Convention.Kind.TRAINING,
        "starts_on": dt.date(2025, 1, 1),
        "ends_on": dt.date(2027, 12, 31),
        "signed_on": dt.date(2025, 1, 10),
    }
    convention = convention_create(actor=manager, **{**defaults, **terms})  # type: ignore[arg-type]
    convention_party_add(
        actor=manager,
        convention=convention,
        partner=operator,
        role=ConventionParty.Role.TRAINING_OPERATOR,
    )
    convention_commitment_set(
        actor=manager,
        convention=convention,
        indicator=Indicator.ENROLLED,
        year=2026,
        target_value=Decimal(100),
    )
    convention_document_attach(
        actor=manager,
        convention=convention,
        file=SimpleUploadedFile("signed.pdf", MINIMAL_PDF, content_type="application/pdf"),
    )
    return convention


def convention_in_status(
    status: str, *, manager: User, admin: User, operator: Partner, **terms: object
) -> Convention:
    """A convention walked to ``status`` through the workflow services."""
    from conventions.services import TRANSITION_SERVICES

    convention = signable_convention(manager=manager, operator=operator, **terms)
    for action in PATH_TO_STATUS[status]:
        actor = manager if action == "submit" else admin
        TRANSITION_SERVICES[action](actor=actor, convention=convention, comment="test")
    return convention
