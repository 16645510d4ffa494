from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tracker.models import WorkerHeartbeat
from tracker.tasks import heartbeat

PROJECT_DIR = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_inline_mode_runs_the_task_at_once() -> None:
    heartbeat.delay("inline-token")
    assert WorkerHeartbeat.objects.filter(token="inline-token").count() == 1


def test_embedded_default_runs_tasks_inline_and_redis_url_switches_to_a_broker() -> None:
    probe = (
        "from django.conf import settings;"
        "print(settings.CELERY_TASK_ALWAYS_EAGER, settings.CELERY_BROKER_URL,"
        " settings.DATABASES['default']['ENGINE'], settings.CACHES['default']['BACKEND'])"
    )
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"REDIS_URL", "DATABASE_URL", "CELERY_BROKER_URL"}
    }

    def run(**env: str) -> str:
        return (
            subprocess.run(
                [sys.executable, "manage.py", "shell", "-c", probe],
                cwd=PROJECT_DIR,
                env={**base, **env},
                capture_output=True,
                text=True,
                check=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )

    assert run() == (
        "True memory://localhost/ django.db.backends.sqlite3"
        " django.core.cache.backends.locmem.LocMemCache"
    )
    assert run(REDIS_URL="redis://127.0.0.1:6379/3", DATABASE_URL="postgres://u@h/db") == (
        "False redis://127.0.0.1:6379/3 django.db.backends.postgresql "
        "django.core.cache.backends.redis.RedisCache"
    )
