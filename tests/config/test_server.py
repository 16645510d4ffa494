"""Web workers freeze their loaded objects out of the garbage collector's reach once the
application is loaded and once warm (config/server.py), through gunicorn's hooks."""

from __future__ import annotations

import gc
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.db.backends.signals import connection_created

from config import server

PROJECT_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def unfrozen():
    yield
    gc.unfreeze()
    connection_created.disconnect(dispatch_uid="config.server.serial_queries")


@pytest.mark.django_db
def test_preparing_a_worker_freezes_the_live_objects(unfrozen) -> None:
    gc.unfreeze()
    server.prepare_worker()
    assert gc.get_freeze_count() > 10_000  # the loaded application, at least


@pytest.mark.django_db
def test_a_web_workers_sessions_plan_without_parallel_workers(unfrozen) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")

    def setting() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW max_parallel_workers_per_gather")
            return cursor.fetchone()[0]

    assert setting() != "0"  # PostgreSQL's default (2) elsewhere: tasks keep it
    server.prepare_worker()
    assert setting() == "0"  # the open session
    new = connection.copy()  # a session opened afterwards
    try:
        with new.cursor() as cursor:
            cursor.execute("SHOW max_parallel_workers_per_gather")
            assert cursor.fetchone()[0] == "0"
    finally:
        new.close()
    with connection.cursor() as cursor:
        cursor.execute("RESET max_parallel_workers_per_gather")


def test_a_worker_freezes_again_once_warm(monkeypatch) -> None:
    calls: list[int] = []
    monkeypatch.setattr(server, "prepare_worker", lambda: calls.append(server._served))
    monkeypatch.setattr(server, "_served", 0)
    for _ in range(server.WARM_AFTER_REQUESTS + 20):
        server.after_request()
    assert calls == [server.WARM_AFTER_REQUESTS]


def test_gunicorn_reads_the_hooks_from_the_project_folder(monkeypatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(server, "prepare_worker", lambda: calls.append("prepare"))
    monkeypatch.setattr(server, "after_request", lambda: calls.append("request"))
    hooks = runpy.run_path(str(PROJECT_DIR / "gunicorn.conf.py"))
    hooks["post_worker_init"](None)
    hooks["post_request"](None, None, None, None)
    assert calls == ["prepare", "request"]
    printed = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--check-config", "--print-config", "config.wsgi"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    assert "config                             = ./gunicorn.conf.py" in printed
    assert "post_worker_init                   = <post_worker_init()>" in printed
