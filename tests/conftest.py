"""Fixtures shared by every test: one user and one client per role, two partner
organisations (A and B) so every partner-facing surface is tried by an outsider."""

from __future__ import annotations

import os
import uuid
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from accounts.models import Role, User
from config.celery import app as celery_app
from conventions.models import Partner
from tests.support.environment import BROWSER_PATH, REQUIRE_BROWSER, REQUIRE_WORKER
from tests.support.factories import PartnerFactory, UserFactory

pytest_plugins = ["tests.support.api", "tests.support.browser", "tests.support.worker"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that need Chromium or a worker skip when absent on a developer's machine,
    but fail in CI (REQUIRE_BROWSER / REQUIRE_WORKER): CI must never skip them silently."""
    skip_browser = pytest.mark.skip(reason="Chromium not found (set REQUIRE_BROWSER=1 to fail)")
    skip_worker = pytest.mark.skip(reason="REDIS_URL not set (set REQUIRE_WORKER=1 to fail)")
    for item in items:
        if "browser" in item.keywords and not BROWSER_PATH and not REQUIRE_BROWSER:
            item.add_marker(skip_browser)
        if "worker" in item.keywords and not os.environ.get("REDIS_URL") and not REQUIRE_WORKER:
            item.add_marker(skip_worker)


@pytest.fixture(autouse=True)
def _inline_tasks_unless_worker_test(request: pytest.FixtureRequest):
    """Outside the worker tests, tasks run inline even when REDIS_URL is set: the suite
    then checks the product's behaviour, and the worker tests check the transport."""
    eager = "worker" not in request.keywords
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = eager
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    """PBKDF2 is slow on purpose (about 0.3 s a hash on this hardware) and the suite creates
    and logs in hundreds of users: tests hash with MD5, as Django's documentation advises."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _french_until_a_test_says_otherwise(settings):
    """A request in the test client activates its user's language in this thread and
    nothing deactivates it: every test starts in the default language."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _cache_keys_of_its_own(settings) -> None:
    """Each test reads and writes its own cache keys (a prefix of its own, so the shared
    Redis of the PostgreSQL run is never flushed under the worker's queues): entries keyed
    by a database state, like a dashboard keyed by its revision counter, would otherwise
    outlive the rolled-back rows of the test that stored them."""
    settings.CACHES = {
        alias: {**config, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
        for alias, config in settings.CACHES.items()
    }


# FILE_STORAGE=s3 (with S3_BUCKET and S3_ENDPOINT_URL, as .ci/run sets them against its
# S3-protocol server): the import and document tests run against the object store.
S3_STORAGE = os.environ.get("FILE_STORAGE") == "s3"


@pytest.fixture(scope="session")
def _s3_bucket() -> None:
    import boto3
    from django.conf import settings

    options: dict[str, Any] = settings.STORAGES["default"]["OPTIONS"]
    client = boto3.client(
        "s3",
        endpoint_url=options["endpoint_url"],
        region_name=options["region_name"] or "us-east-1",
        aws_access_key_id=options["access_key"],
        aws_secret_access_key=options["secret_key"],
    )
    buckets = {bucket["Name"] for bucket in client.list_buckets().get("Buckets", [])}
    if options["bucket_name"] not in buckets:
        client.create_bucket(Bucket=options["bucket_name"])


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path, request):
    """Uploaded documents go to a temporary folder (or, on the object store, a prefix of
    the test's own), never into the project."""
    if S3_STORAGE:
        request.getfixturevalue("_s3_bucket")
        default = settings.STORAGES["default"]
        options = {**default["OPTIONS"], "location": f"tests/{uuid.uuid4().hex}"}
        settings.STORAGES = {**settings.STORAGES, "default": {**default, "OPTIONS": options}}
        return
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = settings.PRIVATE_MEDIA_ROOT
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(settings.PRIVATE_MEDIA_ROOT), "base_url": None},
        },
    }


@pytest.fixture(autouse=True)
def _reference_data_in_transactional_tests(request: pytest.FixtureRequest) -> None:
    """Transactional tests (browser, worker) flush the database, data migrations included:
    put the reference data back."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("_django_db_helper")
    from django.apps import apps

    from conventions.reference_data import load_reference_data

    load_reference_data(apps)


# --- Organisations and users ------------------------------------------------------


@pytest.fixture
def operator_a(db) -> Partner:
    return PartnerFactory.create(name="Atlas Digital Academy", ice="001524879000012")


@pytest.fixture
def operator_b(db) -> Partner:
    return PartnerFactory.create(name="Institut Nord Compétences", ice="002213658000045")


@pytest.fixture
def admin_user(db) -> User:
    return UserFactory.create(username="admin", role=Role.ADMIN)


@pytest.fixture
def manager_user(db) -> User:
    return UserFactory.create(username="manager", role=Role.MANAGER)


@pytest.fixture
def other_manager_user(db) -> User:
    return UserFactory.create(username="manager2", role=Role.MANAGER)


@pytest.fixture
def partner_a_user(operator_a: Partner) -> User:
    return UserFactory.create(username="partner.a", role=Role.PARTNER_EDITOR, partner=operator_a)


@pytest.fixture
def viewer_a_user(operator_a: Partner) -> User:
    return UserFactory.create(username="viewer.a", role=Role.PARTNER_VIEWER, partner=operator_a)


@pytest.fixture
def partner_b_user(operator_b: Partner) -> User:
    return UserFactory.create(username="partner.b", role=Role.PARTNER_EDITOR, partner=operator_b)


def _client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin_client(admin_user: User) -> Client:
    return _client_for(admin_user)


@pytest.fixture
def manager_client(manager_user: User) -> Client:
    return _client_for(manager_user)


@pytest.fixture
def partner_a_client(partner_a_user: User) -> Client:
    return _client_for(partner_a_user)


@pytest.fixture
def viewer_a_client(viewer_a_user: User) -> Client:
    return _client_for(viewer_a_user)


@pytest.fixture
def partner_b_client(partner_b_user: User) -> Client:
    return _client_for(partner_b_user)


# --- People (cohorts, enrollments, hires) -----------------------------------------


@pytest.fixture
def people(
    operator_a: Partner,
    operator_b: Partner,
    manager_user: User,
    other_manager_user: User,
):
    """Two active conventions, one per operator (A managed by ``manager_user``, B by
    ``other_manager_user``), a cohort, a trainee, an enrollment and a hire in each."""
    from types import SimpleNamespace

    from conventions.models import Convention
    from tests.support.factories import (
        CohortFactory,
        ConventionFactory,
        ConventionPartyFactory,
        EnrollmentFactory,
        PlacementFactory,
        TraineeContactFactory,
        TraineeFactory,
    )

    world = SimpleNamespace()
    for key, operator, manager, cin, first, last, employer_name in (
        ("a", operator_a, manager_user, "AA111111", "Fatima", "Benali", "Employeur Alpha"),
        ("b", operator_b, other_manager_user, "BB222222", "Omar", "Chraibi", "Employeur Beta"),
    ):
        convention = ConventionFactory.create(status=Convention.Status.ACTIVE)
        ConventionPartyFactory.create(convention=convention, partner=operator)
        convention.managers.add(manager)
        cohort = CohortFactory.create(
            code=f"COH-{key.upper()}", convention=convention, operator=operator
        )
        trainee = TraineeFactory.create(
            cin=cin, first_name=first, last_name=last, sex="F" if key == "a" else "M"
        )
        TraineeContactFactory.create(
            trainee=trainee,
            operator=operator,
            phone="+21266111111" + ("1" if key == "a" else "2"),
            email=f"{first.lower()}.{last.lower()}@example.ma",
        )
        enrollment = EnrollmentFactory.create(trainee=trainee, cohort=cohort)
        employer = PartnerFactory.create(name=f"{employer_name} SA", kind=Partner.Kind.EMPLOYER)
        placement = PlacementFactory.create(
            enrollment=enrollment, employer=employer, employer_name="", employer_ice=""
        )
        for name, value in (
            ("convention", convention),
            ("cohort", cohort),
            ("trainee", trainee),
            ("enrollment", enrollment),
            ("employer", employer),
            ("placement", placement),
        ):
            setattr(world, f"{name}_{key}", value)
    return world


# --- Translations ---------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogues() -> None:
    """Pages are checked in Arabic and English: compile the catalogues (git ignores the
    .mo files) when one is missing or older than its .po, as scripts/bootstrap does."""
    from pathlib import Path

    from django.core.management import call_command

    locale = Path(__file__).resolve().parent.parent / "locale"
    for po in locale.glob("*/LC_MESSAGES/django.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            call_command("compilemessages", locale=[po.parent.parent.name], verbosity=0)
