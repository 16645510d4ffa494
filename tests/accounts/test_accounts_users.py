"""Users administered in the product (accounts app): invitations (one-time, expiring,
hashed), role changes, deactivation that stops sessions and API tokens at once, the
history of every change, and partner editors confined to their own organisation."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountEvent, Invitation, Role, User
from tests.support.api import token_client
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db

STRONG = "Tamarin-Orbite-2030"


def _invite(client: Client, capture, **data: object):
    payload = {"language": "fr", **data}
    with capture(execute=True):
        return client.post(reverse("accounts:invitation_create"), payload)


def _link_from_mail() -> str:
    match = re.search(r"https?://\S+/invitation/(\S+)/", str(mail.outbox[-1].body))
    assert match, mail.outbox[-1].body
    return match.group(1)


def test_admin_invites_a_partner_editor_who_sets_a_password_and_logs_in(
    admin_client, admin_user, operator_a, django_capture_on_commit_callbacks
) -> None:
    response = _invite(
        admin_client,
        django_capture_on_commit_callbacks,
        email="Salma.Idrissi@Example.ma",
        role=Role.PARTNER_EDITOR,
        partner=operator_a.pk,
        language="en",
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["salma.idrissi@example.ma"]
    assert "invites you" in message.body  # in the invitation's language
    token = _link_from_mail()
    invitation = Invitation.objects.get()
    # Only the token's hash is stored.
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(Invitation.objects.values_list().get())

    anonymous = Client()
    page = anonymous.get(reverse("accounts:invitation_accept", args=[token]))
    assert page.status_code == 200
    response = anonymous.post(
        reverse("accounts:invitation_accept", args=[token]),
        {
            "first_name": "Salma",
            "last_name": "Idrissi",
            "new_password1": STRONG,
            "new_password2": STRONG,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="salma.idrissi@example.ma")
    assert (user.role, user.partner, user.language) == (Role.PARTNER_EDITOR, operator_a, "en")
    login = anonymous.post(reverse("login"), {"username": user.username, "password": STRONG})
    assert login.status_code == 302
    assert anonymous.session["_auth_user_id"] == str(user.pk)
    # The link served once.
    again = Client().get(reverse("accounts:invitation_accept", args=[token]))
    assert again.status_code == 404
    actions = list(AccountEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["invited", "invitation_accepted"]


def test_invitation_refuses_a_weak_password_and_keeps_the_link(
    admin_user, operator_a, django_capture_on_commit_callbacks
) -> None:
    from accounts.services.invitations import invitation_create

    token = invitation_create(
        actor=admin_user, email="x@example.ma", role=Role.MANAGER, partner=None, language="fr"
    ).token
    url = reverse("accounts:invitation_accept", args=[token])
    data = {
        "first_name": "A",
        "last_name": "B",
        "new_password1": "123456",
        "new_password2": "123456",
    }
    response = Client().post(url, data)
    assert response.status_code == 400
    assert "trop courant" in response.content.decode() or "trop court" in response.content.decode()
    assert not User.objects.filter(username="x@example.ma").exists()
    assert Client().get(url).status_code == 200  # still usable


def test_expired_invitation_is_refused(admin_user) -> None:
    from accounts.services.invitations import invitation_create

    created = invitation_create(
        actor=admin_user, email="late@example.ma", role=Role.MANAGER, partner=None, language="fr"
    )
    Invitation.objects.filter(pk=created.invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    response = Client().get(reverse("accounts:invitation_accept", args=[created.token]))
    assert response.status_code == 404
    assert "plus valable" in response.content.decode()


def test_inviting_again_cancels_the_previous_link(admin_user) -> None:
    from accounts.services.invitations import invitation_create

    first = invitation_create(
        actor=admin_user, email="twice@example.ma", role=Role.MANAGER, partner=None, language="fr"
    )
    invitation_create(
        actor=admin_user, email="twice@example.ma", role=Role.MANAGER, partner=None, language="fr"
    )
    assert (
        Client().get(reverse("accounts:invitation_accept", args=[first.token])).status_code == 404
    )


def test_invitation_errors_name_the_field(admin_client, admin_user) -> None:
    response = admin_client.post(
        reverse("accounts:invitation_create"),
        {"email": admin_user.email, "role": Role.PARTNER_VIEWER, "language": "fr"},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "email" in form.errors  # an account has this address
    assert "partner" in form.errors  # a partner role needs its organisation
    assert Invitation.objects.count() == 0


def test_partner_editor_invites_a_viewer_of_its_own_organisation_only(
    partner_a_client, operator_a, operator_b, django_capture_on_commit_callbacks
) -> None:
    response = _invite(
        partner_a_client,
        django_capture_on_commit_callbacks,
        email="viewer.new@example.ma",
        role=Role.PARTNER_VIEWER,
        partner=operator_a.pk,
    )
    assert response.status_code == 302
    assert Invitation.objects.get().partner == operator_a
    # Another organisation, or a staff role: refused, nothing recorded.
    for data in (
        {"role": Role.PARTNER_VIEWER, "partner": operator_b.pk},
        {"role": Role.ADMIN, "partner": ""},
        {"role": Role.MANAGER, "partner": ""},
    ):
        response = _invite(
            partner_a_client, django_capture_on_commit_callbacks, email="other@example.ma", **data
        )
        assert response.status_code == 400
    assert Invitation.objects.count() == 1
    assert len(mail.outbox) == 1


def test_viewers_and_managers_administer_nobody(
    viewer_a_client, manager_client, partner_b_user
) -> None:
    for url in (reverse("accounts:user_list"), reverse("accounts:invitation_create")):
        assert viewer_a_client.get(url).status_code == 404
        assert manager_client.get(url).status_code == 403
    assert (
        viewer_a_client.post(
            reverse("accounts:user_deactivate", args=[partner_b_user.pk])
        ).status_code
        == 404
    )


def test_partner_editor_sees_and_deactivates_its_own_organisation_only(
    partner_a_client, partner_a_user, viewer_a_user, partner_b_user
) -> None:
    listing = partner_a_client.get(reverse("accounts:user_list"))
    names = {row.record.username for row in listing.context["table"].rows}
    assert names == {partner_a_user.username, viewer_a_user.username}
    other = partner_a_client.post(reverse("accounts:user_deactivate", args=[partner_b_user.pk]))
    assert other.status_code == 404
    partner_b_user.refresh_from_db()
    assert partner_b_user.is_active
    own = partner_a_client.post(reverse("accounts:user_deactivate", args=[viewer_a_user.pk]))
    assert own.status_code == 302
    viewer_a_user.refresh_from_db()
    assert not viewer_a_user.is_active
    # Role changes are the admins'.
    role = partner_a_client.post(
        reverse("accounts:user_role", args=[viewer_a_user.pk]), {"role": Role.PARTNER_EDITOR}
    )
    assert role.status_code == 403


def test_deactivated_user_session_and_token_are_refused_on_the_next_request(
    admin_client, admin_user, partner_a_user
) -> None:
    from accounts.services.api_tokens import api_token_create

    session = Client()
    session.force_login(partner_a_user)
    api = token_client(partner_a_user)
    assert session.get(reverse("cohort_list")).status_code == 200
    assert api.get("/api/v1/cohorts/").status_code == 200
    secret = api_token_create(user=partner_a_user, name="sync").secret

    response = admin_client.post(reverse("accounts:user_deactivate", args=[partner_a_user.pk]))
    assert response.status_code == 302

    refused = session.get(reverse("cohort_list"))
    assert refused.status_code == 302
    assert reverse("login") in refused["Location"]
    assert api.get("/api/v1/cohorts/").status_code == 401
    assert (
        Client().get("/api/v1/cohorts/", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
    )
    login = Client().post(
        reverse("login"), {"username": partner_a_user.username, "password": "offshoring2030"}
    )
    assert login.status_code == 200  # the form again: an inactive account logs in no more

    admin_client.post(reverse("accounts:user_reactivate", args=[partner_a_user.pk]))
    assert (
        Client().get("/api/v1/cohorts/", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    )
    actions = list(
        AccountEvent.objects.filter(target_user=partner_a_user)
        .order_by("id")
        .values_list("action", "actor")
    )
    assert actions == [("deactivated", admin_user.pk), ("reactivated", admin_user.pk)]


def test_admin_changes_a_role_and_the_history_says_from_what_to_what(
    admin_client, admin_user, viewer_a_user, operator_a
) -> None:
    response = admin_client.post(
        reverse("accounts:user_role", args=[viewer_a_user.pk]),
        {"role": Role.PARTNER_EDITOR, "partner": operator_a.pk},
    )
    assert response.status_code == 302
    viewer_a_user.refresh_from_db()
    assert viewer_a_user.role == Role.PARTNER_EDITOR
    event = AccountEvent.objects.get(action="role_changed")
    assert (event.actor, event.target_user) == (admin_user, viewer_a_user)
    assert event.details["from"]["role"] == Role.PARTNER_VIEWER
    assert event.details["to"]["role"] == Role.PARTNER_EDITOR
    history = admin_client.get(reverse("accounts:history"))
    assert "Partenaire (lecteur) → Partenaire (éditeur)" in history.content.decode()
    # A partner role without its organisation is refused on the field.
    bad = admin_client.post(
        reverse("accounts:user_role", args=[viewer_a_user.pk]), {"role": Role.PARTNER_VIEWER}
    )
    assert bad.status_code == 400
    assert "partner" in bad.context["role_form"].errors


def test_admin_cannot_deactivate_or_demote_itself(admin_client, admin_user) -> None:
    assert (
        admin_client.post(reverse("accounts:user_deactivate", args=[admin_user.pk])).status_code
        == 403
    )
    admin_user.refresh_from_db()
    assert admin_user.is_active


def test_user_list_shows_last_login_and_filters(
    admin_client, partner_a_user, partner_b_user
) -> None:
    login_at = timezone.now() - dt.timedelta(days=2)
    User.objects.filter(pk=partner_a_user.pk).update(last_login=login_at)
    response = admin_client.get(
        reverse("accounts:user_list"), {"partner": partner_a_user.partner_id}
    )
    rows = list(response.context["table"].rows)
    assert [row.record.username for row in rows] == [partner_a_user.username]
    assert rows[0].get_cell("last_login") != "—"
    export = admin_client.get(reverse("accounts:user_list"), {"export": "csv"})
    assert export.status_code == 200
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert partner_a_user.username in body
    assert partner_b_user.username in body


def test_partner_organisation_changes_are_in_the_history(admin_client, admin_user) -> None:
    response = admin_client.post(
        reverse("conventions:partner_create"),
        {"name": "Nouvel Opérateur", "kind": "training_operator", "ice": "", "city": "Fès"},
    )
    assert response.status_code == 302
    event = AccountEvent.objects.get(action="partner_created")
    assert event.actor == admin_user
    assert getattr(event.partner, "name", None) == "Nouvel Opérateur"


def test_partner_editor_history_shows_its_own_organisation_only(
    admin_user, partner_a_client, viewer_a_user, partner_b_user
) -> None:
    from accounts.services.user_admin import user_deactivate

    user_deactivate(actor=admin_user, user=viewer_a_user)
    user_deactivate(actor=admin_user, user=partner_b_user)
    response = partner_a_client.get(reverse("accounts:history"))
    targets = {row.record.target_user for row in response.context["table"].rows}
    assert targets == {viewer_a_user}


def test_another_organisations_pending_invitation_is_not_listed(
    admin_user, partner_a_client, operator_b
) -> None:
    from accounts.services.invitations import invitation_create

    invitation_create(
        actor=admin_user,
        email="b.invitee@example.ma",
        role=Role.PARTNER_VIEWER,
        partner=operator_b,
        language="fr",
    )
    response = partner_a_client.get(reverse("accounts:user_list"))
    assert "b.invitee@example.ma" not in response.content.decode()
    assert response.context["invitations"] == []


def test_user_factory_still_usable_with_accounts() -> None:
    # The accounts app adds no required field to users.
    assert UserFactory.create(role=Role.MANAGER).is_active


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Court-2030", "12 caractères"),  # too short
        ("password1234", "trop courant"),
        ("48213957604812", "entièrement numérique"),
        ("salma.idrissi@ex", "trop semblable"),
    ],
)
def test_invitation_password_must_be_strong(admin_user, password: str, reason: str) -> None:
    from accounts.services.invitations import invitation_create

    token = invitation_create(
        actor=admin_user,
        email="salma.idrissi@example.ma",
        role=Role.MANAGER,
        partner=None,
        language="fr",
    ).token
    response = Client().post(
        reverse("accounts:invitation_accept", args=[token]),
        {
            "first_name": "Salma",
            "last_name": "Idrissi",
            "new_password1": password,
            "new_password2": password,
        },
    )
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert not User.objects.filter(email="salma.idrissi@example.ma").exists()


def test_partner_editor_filters_and_exports_its_own_organisation_only(
    partner_a_client, partner_a_user, operator_b, partner_b_user
) -> None:
    page = partner_a_client.get(reverse("accounts:user_list"))
    choices = [
        str(label) for _value, label in page.context["filter"].form.fields["partner"].choices
    ]
    assert "Institut Nord Compétences" not in choices
    forged = partner_a_client.get(reverse("accounts:user_list"), {"partner": operator_b.pk})
    assert list(forged.context["table"].rows) == []
    export = partner_a_client.get(reverse("accounts:user_list"), {"export": "csv"})
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert partner_a_user.username in body
    assert partner_b_user.username not in body
    history = partner_a_client.get(reverse("accounts:history"), {"export": "csv"})
    assert history.status_code == 200


def test_invitation_page_speaks_the_invitations_language(admin_user) -> None:
    from accounts.services.invitations import invitation_create

    token = invitation_create(
        actor=admin_user, email="amal@example.ma", role=Role.MANAGER, partner=None, language="ar"
    ).token
    page = Client().get(reverse("accounts:invitation_accept", args=[token]))
    content = page.content.decode()
    assert 'lang="ar"' in content
    assert 'dir="rtl"' in content
    assert "أنشئوا حسابكم" in content
    chosen = Client()
    chosen.cookies["django_language"] = "en"
    assert (
        "Create your account"
        in chosen.get(reverse("accounts:invitation_accept", args=[token])).content.decode()
    )
