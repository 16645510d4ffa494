"""Streams one CSV export through the test client in a fresh process and reports, as
JSON on stdout, how long the rows took and how the process's resident memory moved.

    python -m bench.export_probe --username bench.admin --url '/enrollments/?year=2024' \
        --rows 100000

A separate process, so that its memory figures are the export's alone."""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path


def rss_mb(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def copy_to_stdout_seconds(connection, queries: list[dict[str, str]]) -> float:
    """The limit the export is measured against in the same run: COPY ... TO STDOUT (CSV)
    of the same rows, the export's largest SELECT (its rows) sent as is, every byte read."""
    selects = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("SELECT")]
    rows_query = max(selects, key=len)  # the rows' SELECT carries every column
    started = time.perf_counter()
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY ({rows_query}) TO STDOUT WITH (FORMAT csv)") as copy,
    ):
        for _data in copy:
            pass
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--username", required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--rows", type=int, default=100_000)
    options = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    settings.DEBUG = False
    client = Client()
    client.force_login(User.objects.get(username=options.username))
    client.get("/")  # warm the process (URLs, templates, translations) before measuring
    samples: dict[str, float] = {"start": rss_mb()}
    started, cpu_started = time.perf_counter(), time.process_time()
    # The statements are kept (a handful: the rows come from one server-side cursor) to
    # time COPY ... TO STDOUT of the same rows afterwards.
    captured = CaptureQueriesContext(connection)
    captured.__enter__()
    response = client.get(options.url)
    rows = -1  # the header line
    size = 0
    at_target = None
    pending = b""
    for chunk in response.streaming_content:  # type: ignore[attr-defined]
        data = pending + (chunk if isinstance(chunk, bytes) else chunk.encode())
        lines = data.count(b"\n")
        pending = b""
        size += len(chunk)
        rows += lines
        if at_target is None and rows >= options.rows:
            at_target = time.perf_counter() - started
            samples["target"] = rss_mb()
        if rows >= 10_000 and "10k" not in samples:
            samples["10k"] = rss_mb()
    total = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    samples["end"] = rss_mb()
    response.close()
    captured.__exit__(None, None, None)
    copy_seconds = copy_to_stdout_seconds(connection, captured.captured_queries)
    print(
        json.dumps(
            {
                "status": response.status_code,
                "rows": rows,
                "megabytes": size / 2**20,
                "seconds_to_target": at_target,
                "seconds_total": total,
                "cpu_seconds": cpu,
                "rss_mb": samples,
                "peak_rss_mb": rss_mb("VmHWM"),
                "copy_seconds": copy_seconds,
            }
        )
    )


if __name__ == "__main__":
    main()
