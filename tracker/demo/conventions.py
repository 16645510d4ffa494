"""Demo conventions: one in every status, with parties, commitments, amendments and a
generated PDF as signed document. Two mirror public facts (the 2024-2030 offshoring
programme contract; a JobInTech-style bootcamp convention); the rest are fictitious.
Dates and amounts are illustrative.

Idempotent: a convention is looked up by title and, if present, left as it is (the
whole seed runs in one transaction, so a convention is either complete or absent).
Statuses are reached through the workflow services, like in production."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from conventions.models import Convention, Filiere, Indicator, Region, Zone
from conventions.services import (
    TRANSITION_SERVICES,
    amendment_create,
    convention_commitment_set,
    convention_create,
    convention_document_attach,
    convention_party_add,
)
from tracker.demo.context import DemoContext

Party = tuple[str, str]  # (partner key in context.objects["partners"], role)

OPERATOR = "training_operator"


@dataclass(frozen=True)
class DemoConvention:
    key: str
    title: str
    kind: str
    starts_on: dt.date
    ends_on: dt.date
    signed_on: dt.date | None
    budget_state_mad: Decimal
    budget_partner_mad: Decimal
    regions: tuple[str, ...]
    zones: tuple[str, ...]
    filieres: tuple[str, ...]
    parties: tuple[Party, ...]
    # Yearly targets: (enrolled, graduates, jobs created) per year; rates are added.
    yearly_targets: dict[int, tuple[int, int, int]]
    # The workflow path from draft, e.g. ("submit", "sign", "activate").
    path: tuple[str, ...]
    manager: str = "manager"
    amendment: dict | None = field(default=None)
    comments: dict[str, str] = field(default_factory=dict)


def _targets(years: range, enrolled: int) -> dict[int, tuple[int, int, int]]:
    # Graduates and jobs as a share of the year's intake, at the pace the demo people
    # reach them (about half graduate within the year, a third are hired): the demo's
    # lagging flags then mean something (one active convention on track, the others
    # late on their placement rate or their intake), as a programme manager would judge.
    return dict.fromkeys(years, (enrolled, enrolled * 60 // 100, enrolled * 35 // 100))


CONVENTIONS: tuple[DemoConvention, ...] = (
    DemoConvention(
        key="programme_contract",
        title="Contrat-programme 2024-2030 pour le développement du secteur de l'offshoring",
        kind=Convention.Kind.PROGRAMME_CONTRACT,
        starts_on=dt.date(2024, 7, 1),
        ends_on=dt.date(2030, 12, 31),
        signed_on=dt.date(2024, 7, 18),
        budget_state_mad=Decimal("950000000"),
        budget_partner_mad=Decimal("250000000"),
        regions=("MA-01", "MA-02", "MA-03", "MA-04", "MA-06"),
        zones=("CNS", "TPR", "FES", "OUJ", "TET"),
        filieres=("ITO", "CRM", "BPO", "ESO", "KPO"),
        parties=(
            ("state", "state"),
            ("amdie", "implementer"),
            ("anapec", "implementer"),
            ("operator_a", OPERATOR),
            ("university", OPERATOR),
            ("employer_1", "employer"),
            ("funder", "funder"),
        ),
        yearly_targets=_targets(range(2024, 2031), 180),
        path=("submit", "sign", "activate"),
        amendment={
            "signed_on": dt.date(2025, 9, 15),
            "reason": "Relèvement des cibles 2026-2027 après la revue à mi-parcours.",
            # The amendment carries the full new set (2024-2030), raising 2026-2027.
            "enrolled": {**dict.fromkeys(range(2024, 2031), 180), 2026: 220, 2027: 240},
        },
    ),
    DemoConvention(
        key="bootcamp",
        title="Bootcamps JobInTech — reconversion aux métiers du numérique",
        kind=Convention.Kind.BOOTCAMP,
        starts_on=dt.date(2024, 1, 15),
        ends_on=dt.date(2027, 12, 31),
        signed_on=dt.date(2024, 1, 10),
        budget_state_mad=Decimal("48000000"),
        budget_partner_mad=Decimal("12000000"),
        regions=("MA-01", "MA-06"),
        zones=("CNS", "TET"),
        filieres=("ITO",),
        parties=(
            ("state", "state"),
            ("operator_b", OPERATOR),
            ("employer_2", "employer"),
        ),
        yearly_targets=_targets(range(2024, 2028), 200),
        path=("submit", "sign", "activate"),
    ),
    DemoConvention(
        key="oriental_crm",
        title="Convention régionale Oriental — centres de relation client d'Oujda Shore",
        kind=Convention.Kind.REGIONAL,
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2027, 12, 31),
        signed_on=dt.date(2025, 11, 3),
        budget_state_mad=Decimal("15000000"),
        budget_partner_mad=Decimal("9000000"),
        regions=("MA-02",),
        zones=("OUJ",),
        filieres=("CRM", "BPO"),
        parties=(
            ("region_council", "funder"),
            ("operator_b", OPERATOR),
            ("operator_a", OPERATOR),
        ),
        yearly_targets=_targets(range(2025, 2028), 250),
        path=("submit", "sign"),
    ),
    DemoConvention(
        key="casablanca_insertion",
        title="Convention d'insertion CRM — Casablanca Nearshore",
        kind=Convention.Kind.EMPLOYMENT,
        starts_on=dt.date(2024, 3, 1),
        ends_on=dt.date(2026, 12, 31),
        signed_on=dt.date(2024, 2, 20),
        budget_state_mad=Decimal("6000000"),
        budget_partner_mad=Decimal("6000000"),
        regions=("MA-06",),
        zones=("CNS",),
        filieres=("CRM",),
        parties=(("anapec", "implementer"), ("operator_a", OPERATOR), ("employer_1", "employer")),
        yearly_targets=_targets(range(2024, 2027), 150),
        path=("submit", "sign", "activate", "suspend"),
        comments={"suspend": "Audit des présences en cours chez l'employeur."},
    ),
    DemoConvention(
        key="data_bootcamp_closed",
        title="Bootcamp data & IA 2022-2023 (Technopolis Rabat-Shore)",
        kind=Convention.Kind.BOOTCAMP,
        starts_on=dt.date(2022, 2, 1),
        ends_on=dt.date(2023, 12, 31),
        signed_on=dt.date(2022, 1, 20),
        budget_state_mad=Decimal("4500000"),
        budget_partner_mad=Decimal("500000"),
        regions=("MA-04",),
        zones=("TPR",),
        filieres=("ITO", "KPO"),
        parties=(("state", "state"), ("operator_a", OPERATOR), ("employer_2", "employer")),
        yearly_targets=_targets(range(2022, 2024), 120),
        path=("submit", "sign", "activate", "close"),
        comments={"close": "Programme achevé, bilan final transmis."},
    ),
    DemoConvention(
        key="tetouan_terminated",
        title="Formation BPO Tétouan Shore (résiliée)",
        kind=Convention.Kind.TRAINING,
        starts_on=dt.date(2023, 9, 1),
        ends_on=dt.date(2025, 8, 31),
        signed_on=dt.date(2023, 8, 10),
        budget_state_mad=Decimal("3000000"),
        budget_partner_mad=Decimal("750000"),
        regions=("MA-01",),
        zones=("TET",),
        filieres=("BPO",),
        parties=(("operator_b", OPERATOR), ("employer_3", "employer")),
        yearly_targets=_targets(range(2023, 2026), 80),
        path=("submit", "sign", "activate", "terminate"),
        comments={"terminate": "Retrait de l'employeur partenaire, cohortes non ouvertes."},
    ),
    DemoConvention(
        key="rabat_kpo_submitted",
        title="Académie KPO Rabat-Shore — analystes et juristes offshore",
        kind=Convention.Kind.TRAINING,
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2028, 12, 31),
        signed_on=None,
        budget_state_mad=Decimal("8000000"),
        budget_partner_mad=Decimal("2000000"),
        regions=("MA-04",),
        zones=("TPR",),
        filieres=("KPO",),
        parties=(("state", "state"), ("operator_a", OPERATOR)),
        yearly_targets=_targets(range(2026, 2029), 100),
        path=("submit",),
    ),
    DemoConvention(
        key="fes_eso_returned",
        title="Programme de reconversion ESO — Fès Shore",
        kind=Convention.Kind.TRAINING,
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2028, 2, 29),
        signed_on=None,
        budget_state_mad=Decimal("5000000"),
        budget_partner_mad=Decimal("0"),
        regions=("MA-03",),
        zones=("FES",),
        filieres=("ESO",),
        parties=(("employer_3", "employer"),),
        yearly_targets={},
        path=("submit", "return_to_draft"),
        comments={
            "return_to_draft": "Ajouter l'opérateur de formation et les engagements annuels."
        },
    ),
    DemoConvention(
        key="oujda_draft",
        title="Parcours licence professionnelle ITO — Université Mohammed Premier",
        kind=Convention.Kind.TRAINING,
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2029, 7, 31),
        signed_on=None,
        budget_state_mad=Decimal("2500000"),
        budget_partner_mad=Decimal("500000"),
        regions=("MA-02",),
        zones=(),
        filieres=("ITO",),
        parties=(("university", OPERATOR),),
        yearly_targets=_targets(range(2026, 2030), 60),
        path=(),
    ),
)


def demo_pdf(title: str) -> bytes:
    """A small, valid one-page PDF (header, catalogue, page, font, text, xref, trailer)
    saying what it is; no dependency needed."""
    text = title.encode("latin-1", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 12 Tf 50 780 Td (Document de demonstration - " + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += f"{number} 0 obj\n".encode() + content + b"\nendobj\n"
    xref_at = len(body)
    body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    body += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    body += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode()
    body += f"startxref\n{xref_at}\n%%EOF\n".encode()
    return body


def _pdf_upload(name: str, title: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, demo_pdf(title), content_type="application/pdf")


def _commitment_rows(spec: DemoConvention) -> list[tuple[str, int, Decimal]]:
    rows: list[tuple[str, int, Decimal]] = []
    for year, (enrolled, graduates, jobs) in sorted(spec.yearly_targets.items()):
        rows += [
            (Indicator.ENROLLED, year, Decimal(enrolled)),
            (Indicator.GRADUATES, year, Decimal(graduates)),
            (Indicator.JOBS_CREATED, year, Decimal(jobs)),
            (Indicator.PLACEMENT_RATE_6M, year, Decimal(70)),
            (Indicator.WOMEN_SHARE, year, Decimal(45)),
        ]
    return rows


def _create(spec: DemoConvention, context: DemoContext) -> Convention:
    users, partners = context.objects["users"], context.objects["partners"]
    manager, admin = users[spec.manager], users["admin"]
    convention = convention_create(
        actor=manager,
        title=spec.title,
        kind=spec.kind,
        starts_on=spec.starts_on,
        ends_on=spec.ends_on,
        signed_on=spec.signed_on,
        budget_state_mad=spec.budget_state_mad,
        budget_partner_mad=spec.budget_partner_mad,
        regions=Region.objects.filter(code__in=spec.regions),
        zones=Zone.objects.filter(code__in=spec.zones),
        filieres=Filiere.objects.filter(code__in=spec.filieres),
    )
    for partner_key, role in spec.parties:
        convention_party_add(
            actor=manager, convention=convention, partner=partners[partner_key], role=role
        )
    for indicator, year, value in _commitment_rows(spec):
        convention_commitment_set(
            actor=manager, convention=convention, indicator=indicator, year=year, target_value=value
        )
    if spec.signed_on is not None:
        convention_document_attach(
            actor=manager,
            convention=convention,
            file=_pdf_upload(f"{convention.reference}.pdf", spec.title),
        )
    for action in spec.path:
        actor = manager if action == "submit" else admin
        TRANSITION_SERVICES[action](
            actor=actor, convention=convention, comment=spec.comments.get(action, "")
        )
    if spec.amendment:
        amended = {
            year: _targets(range(year, year + 1), n)[year]
            for year, n in spec.amendment["enrolled"].items()
        }
        amended_spec = DemoConvention(**{**spec.__dict__, "yearly_targets": amended})
        amendment_create(
            actor=admin,
            convention=convention,
            signed_on=spec.amendment["signed_on"],
            reason=spec.amendment["reason"],
            document=_pdf_upload("avenant-1.pdf", f"Avenant 1 - {spec.title}"),
            commitments=_commitment_rows(amended_spec),
        )
    return convention


def _extra_specs(context: DemoContext) -> list[DemoConvention]:
    """Larger demo sizes add fictitious active conventions, alternating operators."""
    specs = []
    for number in range(1, 2 * (context.scale - 1) + 1):
        operator = "operator_a" if number % 2 else "operator_b"
        specs.append(
            DemoConvention(
                key=f"extra_{number}",
                title=f"Convention de formation ITO n° {number:03d} (fictive)",
                kind=Convention.Kind.TRAINING,
                starts_on=dt.date(2024, 1, 1),
                ends_on=dt.date(2027, 12, 31),
                signed_on=dt.date(2023, 12, 1),
                budget_state_mad=Decimal(1000000 + 25000 * number),
                budget_partner_mad=Decimal(250000),
                regions=("MA-06",),
                zones=("CNS",),
                filieres=("ITO",),
                parties=(("state", "state"), (operator, OPERATOR)),
                yearly_targets=_targets(range(2024, 2028), 50 + number),
                path=("submit", "sign", "activate"),
            )
        )
    return specs


def seed(context: DemoContext) -> None:
    conventions: dict[str, Convention] = {}
    created = 0
    for spec in (*CONVENTIONS, *_extra_specs(context)):
        existing = Convention.objects.filter(title=spec.title).first()
        if existing is None:
            existing = _create(spec, context)
            created += 1
        conventions[spec.key] = existing
    context.objects["conventions"] = conventions
    context.log(f"conventions: {len(conventions)} ({created} created)")
