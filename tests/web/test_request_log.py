"""One log line per request and per task: the user by id only, the request id carried
from a request into the tasks it queues, JSON when LOG_FORMAT=json."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.support.factories import CohortFactory
from tests.support.imports import csv_bytes, enrolled_row
from tracker.models import ImportBatch
from web import request_log


def _request_lines(caplog) -> list[Any]:  # records with the extra fields
    return [r for r in caplog.records if r.name == "tracker.requests"]


@pytest.mark.django_db
def test_each_request_logs_one_line_with_user_id_status_and_duration(
    partner_a_client, partner_a_user, caplog
) -> None:
    caplog.set_level(logging.INFO, logger="tracker.requests")
    response = partner_a_client.get("/enrollments/?q=Fatima+Zahra&sort=-enrolled_on")
    assert response.status_code == 200
    [line] = _request_lines(caplog)
    assert (line.method, line.path, line.status) == ("GET", "/enrollments/", 200)
    assert line.user_id == partner_a_user.pk
    assert line.duration_ms >= 0
    assert line.request_id == response["X-Request-ID"]
    text = line.getMessage()
    assert "Fatima" not in text  # the query string (a typed search) is never logged
    assert partner_a_user.username not in text
    assert f"user={partner_a_user.pk}" in text


@pytest.mark.django_db
def test_an_anonymous_health_probe_is_logged_without_user(client, caplog) -> None:
    caplog.set_level(logging.INFO, logger="tracker.requests")
    client.get("/healthz")
    [line] = _request_lines(caplog)
    assert line.user_id is None
    assert line.status == 200


@pytest.mark.django_db
def test_a_sane_incoming_request_id_is_kept_and_a_strange_one_replaced(client) -> None:
    kept = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.12_x"})
    assert kept["X-Request-ID"] == "lb-7f3a.12_x"
    replaced = client.get("/healthz", headers={"X-Request-ID": "<script>\nalert(1)"})
    assert replaced["X-Request-ID"] != "<script>\nalert(1)"
    assert len(replaced["X-Request-ID"]) == 32


def test_a_task_queued_during_a_request_carries_its_id_in_the_message_headers() -> None:
    token = request_log.current_request_id.set("req-123")
    try:
        headers: dict[str, object] = {}
        request_log.add_request_id_header(headers=headers)
    finally:
        request_log.current_request_id.reset(token)
    assert headers == {"request_id": "req-123"}
    untouched: dict[str, object] = {}
    request_log.add_request_id_header(headers=untouched)
    assert untouched == {}


def test_a_worker_logs_one_line_per_task_with_the_request_id_of_its_message(caplog) -> None:
    caplog.set_level(logging.INFO, logger="tracker.tasks")
    task = SimpleNamespace(
        name="tracker.rollup_scope",
        request=SimpleNamespace(request_id="req-456", delivery_info={"routing_key": "figures"}),
    )
    request_log.task_started(task_id="t-1", task=task)
    assert request_log.current_request_id.get() == "req-456"
    request_log.task_finished(task_id="t-1", task=task, state="SUCCESS")
    assert request_log.current_request_id.get() == ""  # the next task starts clean
    [line] = [r for r in caplog.records if r.name == "tracker.tasks"]
    assert (line.task, line.state, line.queue, line.request_id) == (
        "tracker.rollup_scope",
        "SUCCESS",
        "figures",
        "req-456",
    )
    assert line.duration_ms >= 0


@pytest.mark.django_db(transaction=True)
def test_an_import_uploaded_in_a_request_logs_its_task_under_the_request_id(
    partner_a_client, operator_a, caplog
) -> None:
    caplog.set_level(logging.INFO)
    cohort = CohortFactory.create(operator=operator_a)
    content = csv_bytes([enrolled_row(cohort.code, "BK100001")])
    response = partner_a_client.post(
        reverse("import_new"), {"file": SimpleUploadedFile("liste.csv", content)}
    )
    assert ImportBatch.objects.get().status == ImportBatch.Status.VALIDATED
    # (The uploader's notification e-mail, queued by the import task, is logged too.)
    task_lines = [
        r for r in caplog.records if r.name == "tracker.tasks" and r.task.startswith("tracker.")
    ]
    assert [r.task for r in task_lines] == ["tracker.import_validate"]
    assert task_lines[0].request_id == response["X-Request-ID"]
    assert task_lines[0].state == "SUCCESS"


def test_json_format_writes_one_object_per_line_with_the_fields() -> None:
    record = logging.LogRecord("tracker.requests", logging.INFO, __file__, 1, "GET / 200", (), None)
    record.request_id = "abc"
    record.status = 200
    record.user_id = 7
    record.duration_ms = 3.5
    line = json.loads(request_log.JsonFormatter().format(record))
    assert line["message"] == "GET / 200"
    assert (line["request_id"], line["status"], line["user_id"], line["duration_ms"]) == (
        "abc",
        200,
        7,
        3.5,
    )
    assert line["level"] == "INFO"
    assert "time" in line


def test_log_format_json_switches_every_line_to_json() -> None:
    code = (
        "import logging; logging.getLogger('tracker.requests').info("
        "'GET / 200', extra={'status': 200, 'user_id': 3})"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "LOG_FORMAT": "json"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert {"message": "GET / 200", "status": 200, "user_id": 3}.items() <= lines[-1].items()
