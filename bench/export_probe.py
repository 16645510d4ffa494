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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--username", required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--rows", type=int, default=100_000)
    options = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from tracker.models import User

    settings.DEBUG = False
    client = Client()
    client.force_login(User.objects.get(username=options.username))
    client.get("/")  # warm the process (URLs, templates, translations) before measuring
    samples: dict[str, float] = {"start": rss_mb()}
    started, cpu_started = time.perf_counter(), time.process_time()
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
            }
        )
    )


if __name__ == "__main__":
    main()
