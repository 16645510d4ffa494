"""Saved views: a user saves the dashboard's filters under a name, finds them on the
dashboard and the home page, and may share one with its organisation's colleagues, never
with another organisation."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from conventions.models import Partner, Region
from tracker.models import SavedView

pytestmark = pytest.mark.django_db


def _save(client: Client, name: str, shared: bool = False, **filters: object) -> Any:
    data = {"name": name, **{key: str(value) for key, value in filters.items()}}
    if shared:
        data["shared"] = "on"
    return client.post(reverse("saved_view_save"), data)


def test_a_manager_saves_the_filters_and_finds_them_on_dashboard_and_home(
    manager_client: Client, manager_user: User
) -> None:
    souss = Region.objects.get(code="MA-09")
    response = _save(manager_client, "Souss, femmes 2025", region=souss.pk, sex="F", year=2025)
    view = SavedView.objects.get(owner=manager_user)
    assert view.query == f"year=2025&region={souss.pk}&sex=F"
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('dashboard')}?{view.query}"
    opened = manager_client.get(reverse("saved_view_open", args=[view.pk]))
    assert opened["Location"] == f"{reverse('dashboard')}?{view.query}"
    dashboard = manager_client.get(reverse("dashboard")).content.decode()
    assert "Souss, femmes 2025" in dashboard
    home = manager_client.get(reverse("home")).content.decode()
    assert "Souss, femmes 2025" in home
    assert reverse("saved_view_open", args=[view.pk]) in home


def test_a_shared_view_reaches_colleagues_of_the_same_organisation_only(
    partner_a_user: User,
    partner_a_client: Client,
    viewer_a_client: Client,
    partner_b_client: Client,
    manager_client: Client,
    operator_a: Partner,
) -> None:
    _save(partner_a_client, "Nos femmes", shared=True, sex="F")
    _save(partner_a_client, "Brouillon", sex="M")
    shared = SavedView.objects.get(name="Nos femmes")
    private = SavedView.objects.get(name="Brouillon")
    colleague = viewer_a_client.get(reverse("home")).content.decode()
    assert "Nos femmes" in colleague
    assert "Brouillon" not in colleague
    assert viewer_a_client.get(reverse("saved_view_open", args=[shared.pk])).status_code == 302
    assert viewer_a_client.get(reverse("saved_view_open", args=[private.pk])).status_code == 404
    # Another organisation (partner B, the ministry's staff) sees neither.
    for outsider in (partner_b_client, manager_client):
        for page in (reverse("home"), reverse("dashboard")):
            content = outsider.get(page).content.decode()
            assert "Nos femmes" not in content
            assert "Brouillon" not in content
        for view in (shared, private):
            assert outsider.get(reverse("saved_view_open", args=[view.pk])).status_code == 404
            missing = outsider.get(reverse("saved_view_open", args=[987654321]))
            assert missing.status_code == 404
            assert outsider.post(reverse("saved_view_remove", args=[view.pk])).status_code == 404
    assert SavedView.objects.count() == 2


def test_staff_share_with_staff(manager_client: Client, admin_client: Client) -> None:
    _save(manager_client, "Équipe programme", shared=True)
    assert "Équipe programme" in admin_client.get(reverse("home")).content.decode()


def test_only_the_owner_deletes_a_view(
    partner_a_client: Client, viewer_a_client: Client, partner_a_user: User
) -> None:
    _save(partner_a_client, "Partagée", shared=True)
    view = SavedView.objects.get()
    assert viewer_a_client.post(reverse("saved_view_remove", args=[view.pk])).status_code == 403
    assert partner_a_client.post(reverse("saved_view_remove", args=[view.pk])).status_code == 302
    assert not SavedView.objects.exists()


def test_a_view_with_an_out_of_scope_filter_is_refused_and_nothing_saved(
    partner_a_client: Client, partner_b_user: User
) -> None:
    response = _save(partner_a_client, "Chez B", operator=partner_b_user.partner_id)
    assert response.status_code == 302
    assert not SavedView.objects.exists()
    page = partner_a_client.get(response["Location"]).content.decode()
    assert "l&#x27;un d&#x27;eux est inconnu" in page or "l'un d'eux est inconnu" in page


def test_a_nameless_or_duplicate_view_is_refused_with_the_reason(
    manager_client: Client,
) -> None:
    response = _save(manager_client, "  ", sex="F")
    assert "Donnez un nom" in manager_client.get(response["Location"]).content.decode()
    _save(manager_client, "Deux fois")
    response = _save(manager_client, "Deux fois", sex="M")
    assert response["Location"].endswith("?sex=M")  # back to the filters as they were
    assert "déjà une vue nommée" in manager_client.get(response["Location"]).content.decode()
    assert SavedView.objects.count() == 1


def test_the_owner_shares_a_view_later_and_stops_sharing_it(
    partner_a_client: Client, viewer_a_client: Client, partner_b_client: Client
) -> None:
    _save(partner_a_client, "Plus tard", sex="F")
    view = SavedView.objects.get()
    share = reverse("saved_view_sharing", args=[view.pk])
    assert viewer_a_client.post(share, {"shared": "on"}).status_code == 404  # not shared yet
    assert partner_b_client.post(share, {"shared": "on"}).status_code == 404
    assert partner_a_client.post(share, {"shared": "on"}).status_code == 302
    assert "Plus tard" in viewer_a_client.get(reverse("home")).content.decode()
    assert viewer_a_client.post(share, {}).status_code == 403  # seen, but not its own
    partner_a_client.post(share, {})
    assert "Plus tard" not in viewer_a_client.get(reverse("home")).content.decode()
    assert "Plus tard" not in partner_b_client.get(reverse("home")).content.decode()
