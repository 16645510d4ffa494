"""Convention pages: partners see only their own conventions (404 otherwise, nothing
leaks through exports, filter choices or counts), workflow buttons, review queue, and
proof that neither the forms nor the admin site can change a status."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import User
from conventions.models import Convention, ConventionTransition, Partner
from conventions.services import amendment_create
from tests.support.factories import MINIMAL_PDF, convention_in_status, signable_convention

pytestmark = pytest.mark.django_db


@pytest.fixture
def convention_a(manager_user: User, admin_user: User, operator_a: Partner) -> Convention:
    convention = convention_in_status(
        Convention.Status.ACTIVE,
        manager=manager_user,
        admin=admin_user,
        operator=operator_a,
        title="Convention de A",
        signed_on=dt.date(2023, 5, 1),
    )
    amendment_create(
        actor=admin_user,
        convention=convention,
        signed_on=dt.date(2024, 1, 2),
        reason="Avenant de A",
        document=SimpleUploadedFile("a.pdf", MINIMAL_PDF),
    )
    return convention


@pytest.fixture
def convention_b(manager_user: User, admin_user: User, operator_b: Partner) -> Convention:
    return convention_in_status(
        Convention.Status.SIGNED,
        manager=manager_user,
        admin=admin_user,
        operator=operator_b,
        title="Convention de B",
        signed_on=dt.date(2025, 3, 1),
    )


def _csv_rows(response) -> list[list[str]]:
    content = response.getvalue().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content), delimiter=";"))


# --- Partner scoping ----------------------------------------------------------------


def test_partner_b_gets_404_on_everything_of_partner_a(
    partner_b_client: Client, convention_a: Convention, convention_b: Convention
) -> None:
    pk = convention_a.pk
    for url in [
        reverse("conventions:convention_detail", args=[pk]),
        reverse("conventions:convention_update", args=[pk]),
        reverse("conventions:document", args=[pk]),
        reverse("conventions:amendment_document", args=[pk, 1]),
        reverse("conventions:amendment_create", args=[pk]),
        reverse("conventions:partner_detail", args=[convention_a.parties.get().partner_id]),
        reverse("conventions:review_queue"),
    ]:
        assert partner_b_client.get(url).status_code == 404, url
    for name in ["transition", "party_add", "commitment_grid", "document_upload"]:
        args = [pk, "suspend"] if name == "transition" else [pk]
        response = partner_b_client.post(
            reverse(f"conventions:{name}", args=args), {"comment": "x"}
        )
        assert response.status_code == 404, name
    convention_a.refresh_from_db()
    assert convention_a.status == Convention.Status.ACTIVE
    # And B's own convention is readable.
    assert (
        partner_b_client.get(
            reverse("conventions:convention_detail", args=[convention_b.pk])
        ).status_code
        == 200
    )


def test_a_404_for_someone_elses_convention_looks_like_a_missing_one(
    partner_b_client: Client, convention_a: Convention
) -> None:
    other = partner_b_client.get(reverse("conventions:convention_detail", args=[convention_a.pk]))
    missing = partner_b_client.get(reverse("conventions:convention_detail", args=[999999]))
    assert other.status_code == missing.status_code == 404
    assert other.content == missing.content


def test_partner_a_reads_its_convention_and_downloads_its_document(
    viewer_a_client: Client, convention_a: Convention
) -> None:
    page = viewer_a_client.get(reverse("conventions:convention_detail", args=[convention_a.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Convention de A" in html
    assert "Avenant de A" in html
    assert 'data-testid="workflow"' not in html
    assert 'data-testid="edit-convention"' not in html
    document = viewer_a_client.get(reverse("conventions:document", args=[convention_a.pk]))
    assert document.status_code == 200
    assert document.getvalue() == MINIMAL_PDF
    assert document["Content-Type"] == "application/pdf"
    assert "attachment" in document["Content-Disposition"]


def test_partner_a_cannot_move_or_edit_its_convention(
    partner_a_client: Client, convention_a: Convention
) -> None:
    response = partner_a_client.post(
        reverse("conventions:transition", args=[convention_a.pk, "suspend"]),
        {"comment": "x"},
        follow=True,
    )
    assert "refusée" in response.content.decode()
    edit = partner_a_client.get(reverse("conventions:convention_update", args=[convention_a.pk]))
    assert edit.status_code == 302
    convention_a.refresh_from_db()
    assert convention_a.status == Convention.Status.ACTIVE


def test_list_export_and_counts_reveal_nothing_of_partner_a(
    partner_b_client: Client, convention_a: Convention, convention_b: Convention
) -> None:
    url = reverse("conventions:convention_list")
    page = partner_b_client.get(url).content.decode()
    assert "Convention de B" in page
    assert "Convention de A" not in page
    assert convention_a.reference not in page
    assert re.search(r'data-testid="row-count">1 convention<', page)
    for export in ("csv", "xlsx"):
        response = partner_b_client.get(url, {"export": export})
        if export == "csv":
            rows = _csv_rows(response)
        else:
            sheet = load_workbook(io.BytesIO(response.getvalue())).active
            rows = [[str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
        assert len(rows) == 2
        assert rows[1][0] == convention_b.reference
    # Filtering by A's organisation is an unknown choice: same answer as for a random id.
    a_id: int = convention_a.parties.get().partner_id
    by_a = partner_b_client.get(url, {"partner": a_id})
    by_nothing = partner_b_client.get(url, {"partner": 999999})
    assert by_a.context["table"].paginator.count == by_nothing.context["table"].paginator.count == 0
    export_params: dict[str, Any] = {"partner": a_id, "export": "csv"}
    export_by_a = _csv_rows(partner_b_client.get(url, export_params))
    assert len(export_by_a) == 1


def test_filter_choices_are_scoped(
    partner_b_client: Client,
    admin_client: Client,
    convention_a: Convention,
    convention_b: Convention,
    operator_a: Partner,
    operator_b: Partner,
) -> None:
    url = reverse("conventions:convention_list")
    form = partner_b_client.get(url).context["filter"].form
    partner_choices = {str(label) for _value, label in form.fields["partner"].choices}
    assert operator_b.name in partner_choices
    assert operator_a.name not in partner_choices
    years = [value for value, _label in form.fields["signature_year"].choices]
    assert years == ["", 2025]  # nothing selected by default, then B's years only
    admin_form = admin_client.get(url).context["filter"].form
    admin_years = [value for value, _label in admin_form.fields["signature_year"].choices if value]
    assert admin_years == [2025, 2023]


def test_staff_list_filters_sort_and_export(
    manager_client: Client, convention_a: Convention, convention_b: Convention, operator_a: Partner
) -> None:
    url = reverse("conventions:convention_list")
    assert manager_client.get(url).context["table"].paginator.count == 2
    cases: list[tuple[dict[str, Any], list[Convention]]] = [
        ({"status": "active"}, [convention_a]),
        ({"status": "signed"}, [convention_b]),
        ({"partner": operator_a.pk}, [convention_a]),
        ({"signature_year": 2025}, [convention_b]),
        ({"q": "de B"}, [convention_b]),
    ]
    for params, expected in cases:
        rows = list(manager_client.get(url, params).context["table"].data.data)
        assert rows == expected, params
    ordered = manager_client.get(url, {"sort": "title"}).context["table"].data.data
    assert [c.title for c in ordered] == ["Convention de A", "Convention de B"]
    rows = _csv_rows(manager_client.get(url, {"status": "active", "export": "csv"}))
    assert [row[0] for row in rows[1:]] == [convention_a.reference]
    assert rows[1][3] == "Active"


def test_list_query_count_does_not_grow_with_rows(
    manager_client: Client,
    manager_user: User,
    admin_user: User,
    operator_a: Partner,
    django_assert_max_num_queries,
) -> None:
    for number in range(5):
        signable_convention(manager=manager_user, operator=operator_a, title=f"C{number}")
    with django_assert_max_num_queries(12):
        manager_client.get(reverse("conventions:convention_list"))


def test_media_files_are_not_served_by_url(admin_client: Client, convention_a: Convention) -> None:
    assert admin_client.get("/" + convention_a.document.name).status_code == 404


# --- Status can only move through the workflow ----------------------------------------


def test_the_convention_form_cannot_change_the_status(
    manager_client: Client, manager_user: User, operator_a: Partner
) -> None:
    convention = signable_convention(manager=manager_user, operator=operator_a)
    response = manager_client.post(
        reverse("conventions:convention_update", args=[convention.pk]),
        {
            "title": "Titre modifié",
            "kind": "training",
            "starts_on": "2025-01-01",
            "ends_on": "2027-12-31",
            "budget_state_mad": "10",
            "budget_partner_mad": "0",
            "managers": [manager_user.pk],
            "status": "active",
            "reference": "CONV-1999-0001",
        },
    )
    assert response.status_code == 302
    convention.refresh_from_db()
    assert convention.title == "Titre modifié"
    assert convention.status == Convention.Status.DRAFT
    assert convention.reference != "CONV-1999-0001"
    assert not ConventionTransition.objects.filter(convention=convention).exists()


def test_the_admin_site_cannot_change_the_status(
    admin_client: Client, manager_user: User, operator_a: Partner
) -> None:
    convention = signable_convention(manager=manager_user, operator=operator_a)
    url = reverse("admin:conventions_convention_change", args=[convention.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "status" not in page.context["adminform"].form.fields
    response = admin_client.post(
        url,
        {
            "title": "Via l'admin",
            "kind": "training",
            "starts_on": "2025-01-01",
            "ends_on": "2027-12-31",
            "budget_state_mad": "1",
            "budget_partner_mad": "1",
            "status": "closed",
            "parties-TOTAL_FORMS": "1",
            "parties-INITIAL_FORMS": "1",
            "parties-0-id": convention.parties.get().pk,
            "parties-0-convention": convention.pk,
            "parties-0-partner": operator_a.pk,
            "parties-0-role": "training_operator",
            "transitions-TOTAL_FORMS": "0",
            "transitions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, (
        response.context and response.context["adminform"].form.errors
    )
    convention.refresh_from_db()
    assert convention.title == "Via l'admin"
    assert convention.status == Convention.Status.DRAFT
    assert admin_client.get(reverse("admin:conventions_convention_add")).status_code == 403


def test_managers_and_partners_never_reach_the_admin_site(
    manager_client: Client, partner_a_client: Client
) -> None:
    for client in (manager_client, partner_a_client):
        response = client.get(reverse("admin:conventions_convention_changelist"))
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


# --- Workflow through the pages and the review queue -----------------------------------


def test_a_workflow_button_calls_the_service_and_reports(
    admin_client: Client, manager_user: User, admin_user: User, operator_a: Partner
) -> None:
    convention = convention_in_status(
        Convention.Status.SUBMITTED, manager=manager_user, admin=admin_user, operator=operator_a
    )
    url = reverse("conventions:transition", args=[convention.pk, "return_to_draft"])
    refused = admin_client.post(url, {"comment": ""}, follow=True).content.decode()
    assert "Un commentaire est obligatoire" in refused
    done = admin_client.post(url, {"comment": "Revoir le budget"}, follow=True).content.decode()
    assert "nouveau statut « Brouillon »" in done
    assert "Revoir le budget" in done  # in the history table
    assert (
        admin_client.post(
            reverse("conventions:transition", args=[convention.pk, "explode"])
        ).status_code
        == 404
    )


def test_review_queue_lists_submissions_oldest_first_with_their_checks(
    admin_client: Client,
    manager_client: Client,
    manager_user: User,
    admin_user: User,
    operator_a: Partner,
) -> None:
    first = convention_in_status(
        Convention.Status.SUBMITTED,
        manager=manager_user,
        admin=admin_user,
        operator=operator_a,
        title="Première",
    )
    second = signable_convention(manager=manager_user, operator=operator_a, title="Seconde")
    Convention.objects.filter(pk=second.pk).update(document="")
    manager_client.post(reverse("conventions:transition", args=[second.pk, "submit"]))
    convention_in_status(
        Convention.Status.ACTIVE,
        manager=manager_user,
        admin=admin_user,
        operator=operator_a,
        title="Active",
    )
    response = admin_client.get(reverse("conventions:review_queue"))
    rows = response.context["rows"]
    assert [convention.title for convention, _checks in rows] == ["Première", "Seconde"]
    assert all(check.passed for check in rows[0][1])
    assert [str(check.label) for check in rows[1][1] if not check.passed] == [
        "Document signé joint (PDF)"
    ]
    assert manager_client.get(reverse("conventions:review_queue")).status_code == 403
    approved = admin_client.post(
        reverse("conventions:transition", args=[first.pk, "sign"]), {"next": "review"}
    )
    assert approved["Location"] == reverse("conventions:review_queue")
    first.refresh_from_db()
    assert first.status == Convention.Status.SIGNED
    home = admin_client.get(reverse("home")).content.decode()
    assert reverse("conventions:review_queue") in home


CORRECTIONS = "Corrections d'identité"
STAFF_NAV = ["Accueil", "Tableau de bord", "Conventions", "Cohortes", "Inscriptions", "Embauches"]
API_TOKENS = "Mes jetons d'API"


@pytest.mark.parametrize(
    ("client_fixture", "expected"),
    [
        ("admin_client", [*STAFF_NAV, "Imports", "Partenaires", "Revue", CORRECTIONS, API_TOKENS]),
        ("manager_client", [*STAFF_NAV, "Partenaires", CORRECTIONS, API_TOKENS]),
        ("partner_a_client", [*STAFF_NAV, "Imports", CORRECTIONS, API_TOKENS]),
        ("viewer_a_client", [*STAFF_NAV, "Imports", CORRECTIONS, API_TOKENS]),
    ],
)
def test_navigation_entries_per_role(
    request: pytest.FixtureRequest, client_fixture: str, expected: list[str]
) -> None:
    client: Client = request.getfixturevalue(client_fixture)
    items = client.get(reverse("home")).context["nav_items"]
    assert [str(item.label) for item in items] == expected


def test_manager_drafts_a_convention_through_the_pages(
    manager_client: Client, manager_user: User, operator_a: Partner
) -> None:
    response = manager_client.post(
        reverse("conventions:convention_create"),
        {
            "title": "Nouvelle convention ITO",
            "kind": "training",
            "starts_on": "2026-01-01",
            "ends_on": "2025-01-01",
            "budget_state_mad": "-5",
            "budget_partner_mad": "0",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "postérieure" in str(errors["ends_on"])
    assert "négatif" in str(errors["budget_state_mad"])
    assert not Convention.objects.exists()
    response = manager_client.post(
        reverse("conventions:convention_create"),
        {
            "title": "Nouvelle convention ITO",
            "kind": "training",
            "starts_on": "2026-01-01",
            "ends_on": "2027-12-31",
            "budget_state_mad": "5000",
            "budget_partner_mad": "0",
        },
    )
    convention = Convention.objects.get()
    assert response["Location"] == reverse("conventions:convention_detail", args=[convention.pk])
    detail = reverse("conventions:convention_detail", args=[convention.pk])
    manager_client.post(
        reverse("conventions:party_add", args=[convention.pk]),
        {"partner": operator_a.pk, "role": "training_operator"},
    )
    manager_client.post(
        reverse("conventions:commitment_grid", args=[convention.pk]),
        {"c-enrolled-2026": "120"},
    )
    bad_upload = manager_client.post(
        reverse("conventions:document_upload", args=[convention.pk]),
        {"document": SimpleUploadedFile("x.pdf", b"MZ\x90\x00")},
        follow=True,
    )
    assert "Seuls les documents PDF" in bad_upload.content.decode()
    manager_client.post(
        reverse("conventions:document_upload", args=[convention.pk]),
        {"document": SimpleUploadedFile("x.pdf", MINIMAL_PDF)},
    )
    convention.refresh_from_db()
    assert convention.parties.get().partner == operator_a
    assert convention.commitments.get().target_value == 120
    assert convention.document
    assert manager_client.get(detail).status_code == 200


def test_amendment_page_reports_bad_cells_then_records_the_amendment(
    manager_client: Client, convention_a: Convention, operator_a: Partner
) -> None:
    url = reverse("conventions:amendment_create", args=[convention_a.pk])
    assert manager_client.get(url).status_code == 200
    bad = manager_client.post(
        url,
        {
            "signed_on": "2025-05-01",
            "reason": "Cibles revues",
            "c-enrolled-2026": "150",
            "c-graduates-2026": "dix",
        },
    )
    assert bad.status_code == 200
    assert bad.context["grid"].errors == ["Lauréats, 2026 : « dix » n'est pas un nombre."]
    assert convention_a.amendments.count() == 1
    good = manager_client.post(
        url,
        {
            "signed_on": "2025-05-01",
            "reason": "Cibles revues",
            "new_ends_on": "2028-06-30",
            "c-enrolled-2026": "150",
            "c-graduates-2026": "120,5",
            "document": SimpleUploadedFile("avenant.pdf", MINIMAL_PDF),
        },
    )
    assert good.status_code == 302
    convention_a.refresh_from_db()
    assert convention_a.ends_on == dt.date(2028, 6, 30)
    detail = manager_client.get(reverse("conventions:convention_detail", args=[convention_a.pk]))
    assert [a.number for a, _rows in detail.context["amendments"]] == [1, 2]
    current = detail.context["current_commitment_rows"]
    assert [(year, [c.target_value if c else None for c in cells]) for year, cells in current] == [
        (2026, [150, Decimal("120.5"), None, None, None])
    ]
    document = manager_client.get(
        reverse("conventions:amendment_document", args=[convention_a.pk, 2])
    )
    assert document.getvalue() == MINIMAL_PDF
