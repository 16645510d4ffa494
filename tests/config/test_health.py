"""/healthz and /readyz: no login, JSON, nothing personal, a constant handful of queries."""

from __future__ import annotations

import ast
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db.utils import OperationalError
from django.test import Client
from django.utils import timezone

from tracker import health
from tracker.models import BeatHeartbeat, WorkerHeartbeat

QUEUES = ("default", "imports", "figures", "email")


@pytest.fixture
def with_broker(settings):
    """As deployed: tasks go through a broker, so worker and beat heartbeats matter."""
    settings.CELERY_TASK_ALWAYS_EAGER = False


def _beats(*, age: dt.timedelta, queues=QUEUES, beat: bool = True) -> None:
    at = timezone.now() - age
    created = [
        WorkerHeartbeat.objects.create(worker="worker-host-7.internal", queue=queue).pk
        for queue in queues
    ]
    WorkerHeartbeat.objects.filter(pk__in=created).update(at=at)
    if beat:
        BeatHeartbeat.objects.create(name="beat@beat-host-3.internal:41", at=at)


@pytest.mark.django_db
def test_healthz_answers_without_login_or_database(client: Client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_in_inline_mode_checks_the_database_in_one_query(
    client: Client, settings, django_assert_num_queries
):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # no broker configured: no worker, no beat
    with django_assert_num_queries(1):
        response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"ok": True, "unapplied_migrations": 0}
    assert body["checks"]["worker"]["mode"] == "inline"


@pytest.mark.django_db
def test_readyz_is_ok_when_every_queue_and_beat_answered_recently(
    client: Client, with_broker, django_assert_num_queries
):
    _beats(age=dt.timedelta(minutes=2))
    with django_assert_num_queries(3):
        response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["checks"]["beat"]["ok"] is True
    assert 100 <= body["checks"]["beat"]["age_seconds"] <= 200
    assert set(body["checks"]["worker"]["queues"]) == set(QUEUES)


@pytest.mark.django_db
def test_readyz_says_degraded_but_keeps_serving_when_a_queue_has_no_worker(
    client: Client, with_broker
):
    _beats(age=dt.timedelta(minutes=2), queues=("default", "figures", "email"))
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "degraded"
    assert body["checks"]["worker"]["ok"] is False
    assert body["checks"]["worker"]["queues"]["imports"] == {"ok": False, "age_seconds": None}
    assert body["checks"]["worker"]["queues"]["figures"]["ok"] is True


@pytest.mark.django_db
def test_readyz_says_degraded_when_beat_is_silent(client: Client, with_broker):
    _beats(age=dt.timedelta(minutes=2), beat=False)
    BeatHeartbeat.objects.create(name="beat@old", at=timezone.now() - dt.timedelta(hours=1))
    body = client.get("/readyz").json()
    assert body["status"] == "degraded"
    assert body["checks"]["beat"]["ok"] is False
    assert body["checks"]["worker"]["ok"] is True


@pytest.mark.django_db
def test_readyz_shows_no_host_names(client: Client, with_broker):
    _beats(age=dt.timedelta(minutes=1))
    content = client.get("/readyz").content.decode()
    assert "internal" not in content
    assert "host" not in content


@pytest.mark.django_db
def test_readyz_answers_503_when_migrations_are_not_applied(client: Client, monkeypatch):
    expected = health._expected_migrations() | {("tracker", "9999_not_applied")}
    monkeypatch.setattr(health, "_expected_migrations", lambda: expected)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == {"ok": False, "unapplied_migrations": 1}


@pytest.mark.django_db
def test_readyz_answers_503_when_the_database_is_unreachable(client: Client, monkeypatch):
    def unreachable(connection):
        raise OperationalError("connection refused to db-host-1 user=secret")

    monkeypatch.setattr(health, "MigrationRecorder", unreachable)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"ok": False, "error": "OperationalError"}
    assert "secret" not in response.content.decode()


@pytest.mark.django_db
def test_readyz_answers_503_when_the_cache_is_unreachable(client: Client, monkeypatch):
    class UnreachableCache:
        def set(self, *args, **kwargs):
            raise ConnectionError("redis down")

    monkeypatch.setattr(health, "cache", UnreachableCache())
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == {"ok": False, "error": "ConnectionError"}


@pytest.mark.django_db
def test_readyz_answers_503_when_the_broker_is_unreachable(
    client: Client, with_broker, settings, monkeypatch
):
    from config.celery import app

    def refused(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(app, "connection_for_write", refused)
    _beats(age=dt.timedelta(minutes=1))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == {
        "ok": False,
        "error": "ConnectionRefusedError",
    }


def test_health_urls_are_exempt_from_the_https_redirect_in_production(settings) -> None:
    """A load balancer probes over plain HTTP behind the TLS proxy: no redirect."""
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; print(settings.SECURE_REDIRECT_EXEMPT)",
        ],
        cwd=Path(__file__).resolve().parents[2],
        env={
            **os.environ,
            "DJANGO_ENV": "production",
            "SECRET_KEY": "k" * 60,
            "ALLOWED_HOSTS": "testserver",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = ast.literal_eval(result.stdout.strip().splitlines()[-1])
    client = Client()
    assert client.get("/healthz").status_code == 200
    assert client.get("/privacy/").status_code == 301


@pytest.mark.django_db
def test_admin_home_warns_when_beat_or_a_queue_is_silent(admin_client: Client, with_broker):
    _beats(age=dt.timedelta(hours=2), queues=("default",), beat=True)
    _beats(age=dt.timedelta(minutes=1), queues=("figures",), beat=False)
    page = admin_client.get("/").content.decode()
    assert 'data-testid="beat-heartbeat" class="text-danger"' in page
    assert "Beat est silencieux depuis" in page
    assert 'data-testid="worker-heartbeat-default" class="text-danger"' in page
    assert 'data-testid="worker-heartbeat-figures">' in page
    assert "file « imports » : ses tâches ne s" in page


@pytest.mark.django_db
def test_admin_home_shows_recent_heartbeats_without_warning(admin_client: Client, with_broker):
    _beats(age=dt.timedelta(minutes=1))
    page = admin_client.get("/").content.decode()
    assert "text-danger" not in page.split('data-testid="worker-status"')[1]
    assert "Dernier signal de beat" in page
