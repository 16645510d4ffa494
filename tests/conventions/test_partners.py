"""Partner pages: list with filters, search and exports; detail; create/edit by admins,
with ICE checks and duplicates refused by name."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import User
from conventions.models import Partner
from conventions.services import partner_create, partner_update
from tests.support.factories import ConventionPartyFactory, PartnerFactory

pytestmark = pytest.mark.django_db

NEW = {
    "name": "Rif Code School",
    "kind": "training_operator",
    "ice": "004512369000078",
    "city": "Nador",
}


def test_admin_creates_and_edits_a_partner(admin_client: Client) -> None:
    response = admin_client.post(reverse("conventions:partner_create"), NEW)
    partner = Partner.objects.get(name="Rif Code School")
    assert response["Location"] == reverse("conventions:partner_detail", args=[partner.pk])
    response = admin_client.post(
        reverse("conventions:partner_update", args=[partner.pk]), {**NEW, "city": "Al Hoceïma"}
    )
    partner.refresh_from_db()
    assert partner.city == "Al Hoceïma"


@pytest.mark.parametrize(
    ("ice", "message"),
    [
        ("12345", "15 chiffres"),
        ("00451236900007A", "15 chiffres"),
        ("0045123690000781", "15 chiffres"),
    ],
)
def test_ice_must_have_15_digits(admin_client: Client, ice: str, message: str) -> None:
    response = admin_client.post(reverse("conventions:partner_create"), {**NEW, "ice": ice})
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["ice"])
    assert not Partner.objects.filter(name=NEW["name"]).exists()


def test_duplicates_are_refused_naming_the_existing_partner(
    admin_client: Client, admin_user: User, operator_a: Partner
) -> None:
    response = admin_client.post(
        reverse("conventions:partner_create"), {**NEW, "ice": operator_a.ice}
    )
    assert "déjà celui du partenaire « Atlas Digital Academy »" in str(
        response.context["form"].errors["ice"]
    )
    response = admin_client.post(
        reverse("conventions:partner_create"), {**NEW, "name": "atlas digital ACADEMY"}
    )
    assert "Un partenaire porte déjà le nom" in str(response.context["form"].errors["name"])
    assert Partner.objects.count() == 1
    # Saving a partner unchanged is not a duplicate of itself.
    partner_update(
        actor=admin_user,
        partner=operator_a,
        name=operator_a.name,
        kind=operator_a.kind,
        ice=operator_a.ice,
    )


def test_only_admins_manage_partners(
    manager_client: Client,
    partner_a_client: Client,
    manager_user: User,
    operator_a: Partner,
) -> None:
    assert manager_client.get(reverse("conventions:partner_create")).status_code == 403
    assert manager_client.post(reverse("conventions:partner_create"), NEW).status_code == 403
    assert partner_a_client.get(reverse("conventions:partner_create")).status_code == 404
    assert (
        partner_a_client.get(
            reverse("conventions:partner_update", args=[operator_a.pk])
        ).status_code
        == 404
    )
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        partner_create(actor=manager_user, name="X", kind="funder")


def test_list_filters_search_and_exports(
    manager_client: Client, operator_a: Partner, operator_b: Partner
) -> None:
    employer = PartnerFactory.create(
        name='=HYPERLINK("x")', kind=Partner.Kind.EMPLOYER, ice="009999999000011"
    )
    url = reverse("conventions:partner_list")
    assert manager_client.get(url).context["table"].paginator.count == 3
    cases: list[tuple[dict[str, Any], list[Partner]]] = [
        ({"kind": "employer"}, [employer]),
        ({"q": "atlas"}, [operator_a]),
        ({"q": "0022136"}, [operator_b]),
        ({"region": operator_a.region_id, "kind": "training_operator"}, [operator_a, operator_b]),
    ]
    for params, expected in cases:
        assert list(manager_client.get(url, params).context["table"].data.data) == expected, params
    export = manager_client.get(url, {"export": "xlsx", "kind": "employer"})
    workbook = load_workbook(io.BytesIO(export.getvalue()))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0] == ("Nom", "Type", "ICE", "Région", "Ville")
    assert rows[1][0] == '=HYPERLINK("x")'  # kept as it is, in a string cell
    assert workbook.active.cell(row=2, column=1).data_type == "s"  # never a formula
    assert rows[1][2] == "009999999000011"


def test_partner_users_see_only_their_co_parties(
    partner_b_client: Client, operator_a: Partner, operator_b: Partner
) -> None:
    shared = ConventionPartyFactory.create(partner=operator_b).convention
    funder = PartnerFactory.create(name="Bailleur commun", kind=Partner.Kind.FUNDER)
    ConventionPartyFactory.create(convention=shared, partner=funder, role="funder")
    url = reverse("conventions:partner_list")
    rows = list(partner_b_client.get(url).context["table"].data.data)
    assert rows == [funder, operator_b]
    assert (
        partner_b_client.get(
            reverse("conventions:partner_detail", args=[operator_a.pk])
        ).status_code
        == 404
    )
    detail = partner_b_client.get(reverse("conventions:partner_detail", args=[funder.pk]))
    assert list(detail.context["conventions"]) == [shared]
