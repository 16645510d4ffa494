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
from django.db import connection

PROJECT_DIR = Path(__file__).resolve().parent.parent


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


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker) -> Iterator[subprocess.Popen[bytes]]:
    if not os.environ.get("REDIS_URL"):
        pytest.fail("The worker tests need Redis (set REDIS_URL)")
    with django_db_blocker.unblock():
        database_url = _database_url_of_test_database()
    log_path = PROJECT_DIR / "test-artifacts" / "celery-worker.log"
    log_path.parent.mkdir(exist_ok=True)
    env = {**os.environ, "DATABASE_URL": database_url}
    with open(log_path, "wb") as log:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tracker",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "-n",
                "test-worker@%h",
            ],
            cwd=PROJECT_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
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
    print(f"\nCelery worker started (pid {worker.pid}) on {database_url}")
    yield worker
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()


def wait_for(predicate, *, timeout: float = 30.0, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False
