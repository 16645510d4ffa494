"""Production settings refuse unsafe configurations; check --deploy is clean."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
STRONG_KEY = "k8$Zr2!vQ7pW^mN4xL0@cT9eJ6uH3yB1fG5sD8aR2nM7qV4wX0zK9pL3"


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_secret_key() -> None:
    result = _manage("check", DJANGO_ENV="production", ALLOWED_HOSTS="tracker.example.ma")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_a_weak_secret_key() -> None:
    result = _manage(
        "check", DJANGO_ENV="production", SECRET_KEY="short", ALLOWED_HOSTS="tracker.example.ma"
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be a random string" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts() -> None:
    result = _manage("check", DJANGO_ENV="production", SECRET_KEY=STRONG_KEY)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_check_deploy_is_clean_in_production_mode() -> None:
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="tracker.example.ma",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_malformed_trusted_proxy_is_refused_at_start() -> None:
    result = _manage("check", TRUSTED_PROXIES="10.0.0.0/8,proxy.example.ma")
    assert result.returncode != 0
    assert "TRUSTED_PROXIES: 'proxy.example.ma'" in result.stderr
