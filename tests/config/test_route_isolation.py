"""Route-driven isolation: every URL pattern of the URLconf (pages, downloads, actions,
API routes with their format suffixes, the admin site) is walked, each id or code in it
is filled with an object of partner B, and partner A (an editor) tries every method.

Partner A must learn nothing: the answer for B's object is exactly the answer for an id
that does not exist, and it is a refusal (404, or 403 / 405 where listed below). A route
missing from ``ROUTES`` or ``UNSCOPED`` fails ``test_every_route_is_listed``: whoever
adds a route says here how B's objects fill it, or why it has none."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from conventions.models import Convention
from tests.support.api import token_client
from tests.support.factories import (
    MINIMAL_PDF,
    CohortFactory,
    EnrollmentFactory,
    PlacementFactory,
    TraineeFactory,
    convention_in_status,
)
from tests.support.imports import csv_bytes, enrolled_row, upload
from tests.support.verification import declaration_batch
from tracker.models import SavedView

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")
MISSING = 987654321


@dataclass(frozen=True)
class Route:
    """How B's objects fill the route, and which refusals besides 404 are documented."""

    kwargs: Callable[[Any], dict[str, Any]]
    also: frozenset[int] = field(default_factory=frozenset)
    api: bool = False  # called with partner A's API token instead of its browser session
    why: str = ""


def _pk(name: str) -> Callable[[Any], dict[str, Any]]:
    return lambda b: {"pk": getattr(b, name).pk}


NOT_ALLOWED = frozenset({405})  # a method the route does not offer: same for every id
ROLE = frozenset({403})  # a role gate before any lookup: same for every id

ROUTES: dict[str, Route] = {
    # Conventions and partners
    "conventions:partner_detail": Route(_pk("operator"), NOT_ALLOWED),
    "conventions:partner_update": Route(_pk("operator"), ROLE),
    # Saved views of the dashboard (B's own, unshared and shared alike)
    "saved_view_open": Route(_pk("saved_view"), NOT_ALLOWED),
    "saved_view_remove": Route(_pk("saved_view"), NOT_ALLOWED),
    "saved_view_sharing": Route(_pk("saved_view"), NOT_ALLOWED),
    "conventions:convention_detail": Route(_pk("convention"), NOT_ALLOWED),
    "conventions:convention_update": Route(_pk("convention"), ROLE | NOT_ALLOWED),
    "conventions:party_add": Route(_pk("convention"), ROLE | NOT_ALLOWED),
    "conventions:party_remove": Route(
        lambda b: {"pk": b.convention.pk, "party_pk": b.party.pk}, ROLE | NOT_ALLOWED
    ),
    "conventions:commitment_grid": Route(_pk("convention"), ROLE | NOT_ALLOWED),
    "cohort_seats_grid": Route(_pk("convention"), ROLE),
    "conventions:commitment_remove": Route(
        lambda b: {"pk": b.convention.pk, "commitment_pk": b.commitment.pk}, ROLE | NOT_ALLOWED
    ),
    "conventions:document": Route(_pk("convention"), NOT_ALLOWED),
    "conventions:document_upload": Route(_pk("convention"), ROLE | NOT_ALLOWED),
    "conventions:amendment_create": Route(_pk("convention"), ROLE | NOT_ALLOWED),
    "conventions:amendment_document": Route(
        lambda b: {"pk": b.convention.pk, "number": b.amendment.number}, NOT_ALLOWED
    ),
    "conventions:transition": Route(
        lambda b: {"pk": b.convention.pk, "action": "suspend"}, ROLE | NOT_ALLOWED
    ),
    "conventions:review_convention": Route(_pk("convention"), NOT_ALLOWED),
    # Cohorts, enrollments, hires
    "cohort_detail": Route(_pk("cohort"), NOT_ALLOWED),
    "cohort_update": Route(_pk("cohort"), ROLE | NOT_ALLOWED),
    "enrollment_create": Route(_pk("cohort"), NOT_ALLOWED),
    "enrollment_detail": Route(_pk("enrollment"), NOT_ALLOWED),
    "enrollment_update": Route(_pk("enrollment"), NOT_ALLOWED),
    "enrollment_graduate": Route(_pk("enrollment"), NOT_ALLOWED),
    "enrollment_drop_out": Route(_pk("enrollment"), NOT_ALLOWED),
    "enrollment_fail": Route(_pk("enrollment"), NOT_ALLOWED),
    "enrollment_reopen": Route(_pk("enrollment"), NOT_ALLOWED),
    "placement_create": Route(_pk("enrollment"), NOT_ALLOWED),
    "placement_detail": Route(_pk("placement"), NOT_ALLOWED),
    "placement_update": Route(_pk("placement"), NOT_ALLOWED),
    "identity_correction_create": Route(_pk("enrollment"), NOT_ALLOWED),
    "identity_correction_apply": Route(_pk("correction"), NOT_ALLOWED),
    "identity_correction_decline": Route(_pk("correction"), NOT_ALLOWED),
    # Imports
    "import_detail": Route(_pk("batch"), NOT_ALLOWED),
    "import_status": Route(_pk("batch"), NOT_ALLOWED),
    "import_annotated": Route(_pk("batch"), NOT_ALLOWED),
    "import_confirm": Route(_pk("batch"), NOT_ALLOWED),
    "import_cancel": Route(_pk("batch"), NOT_ALLOWED),
    # CNSS declarations imports: admins' only (a partner gets the 404 of a missing one)
    "declarations_detail": Route(_pk("declaration_batch"), NOT_ALLOWED),
    "declarations_confirm": Route(_pk("declaration_batch"), NOT_ALLOWED),
    "declarations_cancel": Route(_pk("declaration_batch"), NOT_ALLOWED),
    # API tokens: another user's token is never one's own
    "api_token_revoke": Route(_pk("token"), NOT_ALLOWED),
    # Users, invitations, notifications (accounts): another organisation's are not one's own
    "accounts:user_detail": Route(_pk("user")),
    "accounts:user_role": Route(_pk("user"), NOT_ALLOWED),
    "accounts:user_deactivate": Route(_pk("user"), NOT_ALLOWED),
    "accounts:user_reactivate": Route(_pk("user"), NOT_ALLOWED),
    "accounts:invitation_revoke": Route(_pk("invitation"), NOT_ALLOWED),
    "accounts:notification_open": Route(_pk("notification"), NOT_ALLOWED),
    # API
    "api-convention-detail": Route(_pk("convention"), NOT_ALLOWED, api=True),
    "api-cohort-detail": Route(_pk("cohort"), NOT_ALLOWED, api=True),
    "api-trainee-detail": Route(_pk("trainee"), NOT_ALLOWED, api=True),
    "api-enrollment-detail": Route(_pk("enrollment"), NOT_ALLOWED, api=True),
    "api-enrollment-drop-out": Route(_pk("enrollment"), NOT_ALLOWED, api=True),
    "api-enrollment-fail": Route(_pk("enrollment"), NOT_ALLOWED, api=True),
    "api-enrollment-graduate": Route(_pk("enrollment"), NOT_ALLOWED, api=True),
    "api-enrollment-reopen": Route(_pk("enrollment"), NOT_ALLOWED, api=True),
    "api-hire-detail": Route(_pk("placement"), NOT_ALLOWED, api=True),
    "api-trainee-correction-request": Route(_pk("trainee"), NOT_ALLOWED, api=True),
    "api-identity-correction-detail": Route(_pk("correction"), NOT_ALLOWED, api=True),
    "api-identity-correction-apply": Route(_pk("correction"), NOT_ALLOWED, api=True),
    "api-identity-correction-decline": Route(_pk("correction"), NOT_ALLOWED, api=True),
}

# Routes with no object of another partner in their path: public pages, the user's own
# account, lists (their rows come from the scoping selectors, tested list by list),
# creation forms and reference data read by everyone.
UNSCOPED: dict[str, str] = {
    "home": "the user's own home",
    "healthz": "public liveness probe: no data, no login (test_health)",
    "readyz": "public readiness probe: counts and ages only, nothing personal (test_health)",
    "privacy": "public privacy notice",
    "login": "public",
    "logout": "the user's own session",
    "password_change": "the user's own account",
    "password_change_done": "the user's own account",
    "password_reset": "public, answers the same for any address",
    "password_reset_done": "public",
    "password_reset_confirm": "a signed one-time token, not an object id",
    "password_reset_complete": "public",
    "set_language": "the user's own preference",
    "enrollment_bulk": "ids in the POST body, read through enrollment_list: another "
    "partner's id answers 404 like a missing one (test_bulk_actions)",
    "conventions:partner_list": "list through partner_list",
    "conventions:partner_create": "staff-only creation form",
    "conventions:convention_list": "list through convention_list",
    "conventions:convention_create": "staff-only creation form",
    "conventions:review_queue": "admin-only list",
    "cohort_list": "list through cohort_list",
    "cohort_create": "staff-only creation form",
    "enrollment_list": "list through enrollment_list",
    "placement_list": "list through placement_list",
    "dashboard": "figures of the user's own scope",
    "figure_enrollments": "rows through figure_rows (scoped), ids in the query string",
    "figure_hires": "rows through figure_rows (scoped), ids in the query string",
    "figure_comparison": "figures of the user's own scope, ids in the query string "
    "(test_dashboard_slicing_isolation)",
    "saved_view_save": "saves the user's own view; its filters checked against its scope",
    "import_list": "list through import_batch_list",
    "identity_correction_list": "list through identity_correction_list (scoped)",
    "import_new": "upload form; cohorts checked row by row",
    "import_template": "?cohort= through cohort_list (test_imports_views)",
    "api_tokens": "the user's own tokens",
    "verification_figures": "figures through verified_hire_scope (test_verification_isolation)",
    "verification_hires": "rows through verified_hire_scope (test_verification_isolation)",
    "verification_found": "rows through found_by_cnss_scope (test_verification_isolation)",
    "verification_graduates": "rows through found_by_cnss_scope (test_verification_isolation)",
    "verification_request": "staff-only export (test_verification_isolation)",
    "incentive_report": "staff-only report (test_verification_isolation)",
    "declarations_list": "admin-only import log and upload form",
    "declarations_sample": "admin-only sample file",
    "choice_suggest": "suggestions through the scoping selectors (test_choice_search)",
    "accounts:user_list": "list through user_admin_list (own organisation)",
    "accounts:history": "list through account_event_list (own organisation)",
    "accounts:invitation_create": "invites into the user's own organisation only",
    "accounts:invitation_accept": "a one-time token, not an object id",
    "accounts:notification_list": "the user's own notifications",
    "accounts:notification_read_all": "the user's own notifications",
    "accounts:notification_preferences": "the user's own preferences",
    "api-convention-list": "list through convention_list",
    "api-cohort-list": "list through cohort_list",
    "api-trainee-list": "list through trainee scope",
    "api-enrollment-list": "list through enrollment_list",
    "api-enrollment-upsert": "rows checked one by one (test_api_writes)",
    "api-hire-list": "list through placement_list",
    "api-hire-upsert": "the enrollment checked through enrollment_list (test_api_idempotency)",
    "api-deletion-list": "tombstones through deletion_list (scoped, test_api_sync)",
    "api-not-found": "any other /api/ path: a JSON 404 for everyone",
    "api-identity-correction-list": "list through identity_correction_list (scoped)",
    "api-region-list": "reference data, public to every user",
    "api-zone-list": "reference data, public to every user",
    "api-filiere-list": "reference data, public to every user",
    "api-figures": "figures of the user's own scope",
    "api-batch": "records checked one by one (test_api_writes)",
    "api-schema": "the API's description",
    "api-docs": "the API's documentation page",
}


# Routes whose ids name objects every user may read: reference data.
PUBLIC_OBJECTS: dict[str, str] = {
    "api-region-detail": "reference data, public to every user",
    "api-zone-detail": "reference data, public to every user",
    "api-filiere-detail": "reference data, public to every user",
}
# The admin site's own pages any visitor may open (its login form, logout).
ADMIN_PUBLIC = {"admin:login", "admin:logout"}


def _walk(patterns: list[Any], namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield namespace + (pattern.name or f"<unnamed {pattern.pattern}>"), pattern


def _routes() -> list[tuple[str, URLPattern]]:
    return [(name, pattern) for name, pattern in _walk(get_resolver().url_patterns)]


def _parameters(pattern: URLPattern) -> set[str]:
    return set(pattern.pattern.regex.groupindex)


def test_every_route_is_listed() -> None:
    unlisted = sorted(
        {
            name
            for name, _pattern in _routes()
            if not name.startswith("admin:")
            and name not in ROUTES
            and name not in UNSCOPED
            and name not in PUBLIC_OBJECTS
        }
    )
    assert unlisted == [], "add these routes to ROUTES (with B's objects) or UNSCOPED (why)"
    listed = set(ROUTES) | set(UNSCOPED) | set(PUBLIC_OBJECTS)
    stale = sorted(listed - {name for name, _pattern in _routes()})
    assert stale == []
    for name, pattern in _routes():
        if name in UNSCOPED and _parameters(pattern) - {"format", "uidb64", "token", "kind"}:
            pytest.fail(f"{name} takes an id: it belongs in ROUTES")


@pytest.fixture
def world_b(operator_b, other_manager_user, admin_user, partner_b_user) -> SimpleNamespace:
    """One of everything, belonging to partner B (operator B, its convention, managed by
    another manager)."""
    from accounts.models import Notification, NotificationKind
    from accounts.services.api_tokens import api_token_create
    from accounts.services.invitations import invitation_create
    from conventions.services import amendment_create
    from tracker.services.identity_corrections import identity_correction_request

    b = SimpleNamespace(operator=operator_b)
    b.convention = convention_in_status(
        Convention.Status.ACTIVE, manager=other_manager_user, admin=admin_user, operator=operator_b
    )
    b.party = b.convention.parties.get()
    b.commitment = b.convention.commitments.first()
    b.amendment = amendment_create(
        actor=admin_user,
        convention=b.convention,
        signed_on=dt.date(2026, 1, 5),
        reason="Avenant",
        document=SimpleUploadedFile("avenant.pdf", MINIMAL_PDF),
    )
    b.cohort = CohortFactory.create(convention=b.convention, operator=operator_b, code="B-01")
    b.trainee = TraineeFactory.create(cin="BB900001")
    b.enrollment = EnrollmentFactory.create(trainee=b.trainee, cohort=b.cohort)
    b.placement = PlacementFactory.create(enrollment=b.enrollment)
    b.correction = identity_correction_request(
        trainee=b.trainee,
        actor=partner_b_user,
        proposed={"first_name": "Corrigé"},
        comment="Pièce d'identité jointe",
    )
    b.batch = upload(partner_b_user, csv_bytes([enrolled_row(b.cohort.code, "BB900002")]), "b.csv")
    b.token = api_token_create(user=partner_b_user, name="b").token
    b.user = partner_b_user
    b.invitation = invitation_create(
        actor=admin_user,
        email="invitee.b@example.ma",
        role="partner_viewer",
        partner=operator_b,
        language="fr",
    ).invitation
    b.notification = Notification.objects.create(
        recipient=partner_b_user, kind=NotificationKind.IMPORT_FINISHED, link="/"
    )
    b.declaration_batch = declaration_batch(admin_user)
    b.saved_view = SavedView.objects.create(owner=partner_b_user, name="B", shared=True)
    return b


def _missing(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {key: MISSING if isinstance(value, int) else value for key, value in kwargs.items()}


def _call(client: Any, method: str, url: str) -> int:
    if method == "get":
        return client.get(url).status_code
    return getattr(client, method)(url, {}, content_type="application/json").status_code


def test_partner_a_is_refused_every_route_to_partner_b_objects(
    world_b, partner_a_user, partner_a_client
) -> None:
    api_client = token_client(partner_a_user)
    checked = 0
    failures = []
    for name, pattern in _routes():
        route = ROUTES.get(name)
        if route is None:
            continue
        kwargs = route.kwargs(world_b)
        if "format" in _parameters(pattern):
            kwargs = {**kwargs, "format": "json"}
        url, missing_url = reverse(name, kwargs=kwargs), reverse(name, kwargs=_missing(kwargs))
        client = api_client if route.api else partner_a_client
        for method in METHODS:
            answer, missing_answer = _call(client, method, url), _call(client, method, missing_url)
            checked += 1
            if answer != missing_answer or answer not in {404} | route.also:
                failures.append(f"{method.upper()} {url}: {answer} (missing id: {missing_answer})")
    assert failures == []
    assert checked >= len(ROUTES) * len(METHODS)


def test_admin_site_routes_send_partners_to_the_admin_login(world_b, partner_a_client) -> None:
    served = []
    tried = 0
    for name, pattern in _routes():
        if not name.startswith("admin:") or name.startswith("admin:<unnamed"):
            continue
        if name in ADMIN_PUBLIC:
            continue
        values = {
            "app_label": "tracker",
            "object_id": str(world_b.enrollment.pk),
            "content_type_id": "1",
            "url": "x",
        }
        try:
            url = reverse(name, kwargs={k: values[k] for k in _parameters(pattern) if k in values})
        except NoReverseMatch:  # a pattern needing values of its own (none so far)
            served.append((name, "not reversed"))
            continue
        response = partner_a_client.get(url)
        tried += 1
        if response.status_code not in (302, 404) or (
            response.status_code == 302 and "/admin/login/" not in response["Location"]
        ):
            served.append((url, response.status_code))
    assert served == []
    assert tried > 50  # every model's list, add, change, delete and history pages
