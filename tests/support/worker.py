"""A real Celery worker for the tests marked ``worker``: started on the test database,
consuming the Redis broker named by REDIS_URL, stopped at the end of the session."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

PROJECT_DIR = Path(__file__).resolve().parents[2]


def _database_url_of_test_database() -> str:
    settings = connection.settings_dict
    if connection.vendor != "postgresql":
        pytest.fail("The worker tests need PostgreSQL (set DATABASE_URL)")
    user = settings.get("USER") or ""
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    credentials = f"{user}{password}@" if user else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{settings['NAME']}"


def start_worker(
    database_url: str,
    *,
    name: str = "test-worker",
    queues: str = "",
    extra_env: dict[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    """Starts a solo Celery worker on the test database and waits until it is ready."""
    log_path = PROJECT_DIR / "test-artifacts" / f"celery-{name}.log"
    log_path.parent.mkdir(exist_ok=True)
    env = {**os.environ, "DATABASE_URL": database_url, **(extra_env or {})}
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--pool=solo",
        "--concurrency=1",
        "--loglevel=INFO",
        "--without-gossip",
        "--without-mingle",
        "-n",
        f"{name}@%h",
    ]
    # Every queue unless the test names some: the tasks are routed to several queues.
    command += ["-Q", queues or ",".join(django_settings.CELERY_TASK_QUEUE_NAMES)]
    with open(log_path, "wb") as log:
        worker = subprocess.Popen(
            command, cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if b"ready." in log_path.read_bytes():
            break
        if worker.poll() is not None:
            pytest.fail(f"The Celery worker exited: {log_path.read_text()[-2000:]}")
        time.sleep(0.2)
    else:
        worker.terminate()
        pytest.fail(f"The Celery worker did not start: {log_path.read_text()[-2000:]}")
    print(f"\nCelery worker {name} started (pid {worker.pid}) on {database_url}")
    return worker


def start_beat(database_url: str, *, extra_env: dict[str, str] | None = None):
    """Starts ``celery beat`` (its schedule from settings, shortened through
    ``extra_env``, e.g. ROLLUP_SWEEP_INTERVAL_SECONDS) and waits until it runs."""
    artifacts = PROJECT_DIR / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    log_path = artifacts / "celery-beat.log"
    schedule = artifacts / "celerybeat-schedule"
    for leftover in artifacts.glob("celerybeat-schedule*"):
        leftover.unlink()
    env = {**os.environ, "DATABASE_URL": database_url, **(extra_env or {})}
    command = [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel=INFO"]
    command += ["-s", str(schedule), "--pidfile="]
    with open(log_path, "wb") as log:
        beat = subprocess.Popen(
            command, cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if b"beat: Starting" in log_path.read_bytes():
            return beat
        if beat.poll() is not None:
            pytest.fail(f"celery beat exited: {log_path.read_text()[-2000:]}")
        time.sleep(0.2)
    beat.terminate()
    pytest.fail(f"celery beat did not start: {log_path.read_text()[-2000:]}")


def stop_worker(worker: subprocess.Popen[bytes]) -> None:
    if worker.poll() is not None:
        return
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait(timeout=20)


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker) -> Iterator[subprocess.Popen[bytes]]:
    if not os.environ.get("REDIS_URL"):
        pytest.fail("The worker tests need Redis (set REDIS_URL)")
    with django_db_blocker.unblock():
        database_url = _database_url_of_test_database()
    worker = start_worker(database_url)
    yield worker
    stop_worker(worker)


@pytest.fixture
def restartable_worker(django_db_setup, django_db_blocker):
    """Starts workers on demand (``start(queues=..., extra_env=...)``) that a test may
    kill and start again; every one still running is stopped at the end."""
    if not os.environ.get("REDIS_URL"):
        pytest.fail("The worker tests need Redis (set REDIS_URL)")
    with django_db_blocker.unblock():
        database_url = _database_url_of_test_database()
    started: list[subprocess.Popen[bytes]] = []

    def start(**kwargs) -> subprocess.Popen[bytes]:
        worker = start_worker(database_url, **kwargs)
        started.append(worker)
        return worker

    def beat(**kwargs) -> subprocess.Popen[bytes]:
        process = start_beat(database_url, **kwargs)
        started.append(process)
        return process

    start.beat = beat  # type: ignore[attr-defined]
    yield start
    for worker in started:
        stop_worker(worker)


def wait_for(predicate, *, timeout: float = 30.0, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False
