"""Demo partner organisations and the demo logins."""

from __future__ import annotations

from accounts.models import Role
from accounts.services.users import user_upsert
from conventions.models import Partner, Region
from tracker.demo.context import DEMO_PASSWORD, DemoContext

# key: (name, kind, ICE, region code, city). Real-sounding but fictitious, except the
# public agencies named for what they are.
PARTNERS = {
    "state": (
        "Ministère de la Transition Numérique et de la Réforme de l'Administration",
        Partner.Kind.STATE_AGENCY,
        None,
        "MA-04",
        "Rabat",
    ),
    "amdie": (
        "AMDIE — Agence Marocaine de Développement des Investissements et des Exportations",
        Partner.Kind.STATE_AGENCY,
        None,
        "MA-04",
        "Rabat",
    ),
    "anapec": ("ANAPEC", Partner.Kind.STATE_AGENCY, None, "MA-06", "Casablanca"),
    "operator_a": (
        "Atlas Digital Academy",
        Partner.Kind.TRAINING_OPERATOR,
        "001524879000012",
        "MA-06",
        "Casablanca",
    ),
    "operator_b": (
        "Institut Nord Compétences",
        Partner.Kind.TRAINING_OPERATOR,
        "002213658000045",
        "MA-01",
        "Tétouan",
    ),
    "university": ("Université Mohammed Premier", Partner.Kind.UNIVERSITY, None, "MA-02", "Oujda"),
    "employer_1": (
        "Casablanca Nearshore Services",
        Partner.Kind.EMPLOYER,
        "001987654000078",
        "MA-06",
        "Casablanca",
    ),
    "employer_2": (
        "RabatShore IT Solutions",
        Partner.Kind.EMPLOYER,
        "002345678000091",
        "MA-04",
        "Salé",
    ),
    "employer_3": ("Fès Customer Care", Partner.Kind.EMPLOYER, "003456789000023", "MA-03", "Fès"),
    "region_council": (
        "Conseil de la Région de l'Oriental",
        Partner.Kind.REGIONAL_COUNCIL,
        None,
        "MA-02",
        "Oujda",
    ),
    "funder": (
        "Fonds Hassan II pour le Développement Économique et Social",
        Partner.Kind.FUNDER,
        None,
        "MA-04",
        "Rabat",
    ),
}

# username: (role, partner key, first name, last name)
LOGINS = {
    "admin": (Role.ADMIN, None, "Salma", "Bennani"),
    "manager": (Role.MANAGER, None, "Youssef", "El Amrani"),
    "partner.a": (Role.PARTNER_EDITOR, "operator_a", "Nadia", "Tazi"),
    "partner.b": (Role.PARTNER_EDITOR, "operator_b", "Karim", "Alaoui"),
    "viewer.a": (Role.PARTNER_VIEWER, "operator_a", "Hamza", "Idrissi"),
}


def seed(context: DemoContext) -> None:
    regions = {region.code: region for region in Region.objects.all()}
    partners = {}
    for key, (name, kind, ice, region_code, city) in PARTNERS.items():
        partner, _created = Partner.objects.update_or_create(
            name=name,
            defaults={"kind": kind, "ice": ice, "region": regions[region_code], "city": city},
        )
        partners[key] = partner
    context.objects["partners"] = partners

    users = {}
    for username, (role, partner_key, first_name, last_name) in LOGINS.items():
        users[username] = user_upsert(
            username=username,
            role=role,
            password=DEMO_PASSWORD,
            partner=partners[partner_key] if partner_key else None,
            first_name=first_name,
            last_name=last_name,
            email=f"{username.replace('.', '-')}@demo.offshoring.ma",
        )
    context.objects["users"] = users
    context.log(f"partners: {len(partners)}, logins: {len(users)}")
