"""Measurement helpers for the benchmark: server time and query counts of a page,
throughput under concurrent clients (wrk against gunicorn on loopback), peak memory,
and the results table printed beside each budget."""

from __future__ import annotations

import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from config.server import prepare_worker

PROJECT_DIR = Path(__file__).resolve().parent.parent


@dataclass
class Result:
    name: str
    value: float
    unit: str
    budget: float | None = None
    # "max": the value must stay at or under the budget; "min": at or over it.
    kind: str = "max"
    note: str = ""

    @property
    def met(self) -> bool | None:
        if self.budget is None:
            return None
        return self.value <= self.budget if self.kind == "max" else self.value >= self.budget


@dataclass
class Report:
    results: list[Result] = field(default_factory=list)

    def add(self, *args: Any, **kwargs: Any) -> Result:
        result = Result(*args, **kwargs)
        self.results.append(result)
        print(format_row(result), flush=True)
        return result

    def table(self) -> str:
        lines = ["| measurement | value | budget | met |", "|---|---:|---:|---|"]
        for r in self.results:
            budget = "" if r.budget is None else f"{'<=' if r.kind == 'max' else '>='} {r.budget:g}"
            met = "" if r.met is None else ("yes" if r.met else "**NO**")
            note = f" ({r.note})" if r.note else ""
            lines.append(f"| {r.name}{note} | {r.value:,.1f} {r.unit} | {budget} | {met} |")
        return "\n".join(lines)


def format_row(r: Result) -> str:
    budget = "" if r.budget is None else f"budget {'<=' if r.kind == 'max' else '>='} {r.budget:g}"
    met = "" if r.met is None else ("met" if r.met else "NOT MET")
    return f"{r.name:<60} {r.value:>12,.1f} {r.unit:<8} {budget:<16} {met}"


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = function()
    return time.perf_counter() - started, value


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


@dataclass
class PageTiming:
    median_ms: float
    p95_ms: float
    queries: int
    status: int


def measure_page(client: Client, url: str, *, repeat: int = 20) -> PageTiming:
    """Server time of one page as the test client sees it (no network), after one warm-up,
    the process then prepared as a warm gunicorn worker is (config.server)."""
    client.get(url)
    prepare_worker()
    timings = []
    queries = 0
    status = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            content = getattr(response, "content", b"")  # render streaming bodies too
            timings.append((time.perf_counter() - started) * 1000)
        del content
        queries = len(captured.captured_queries)
        status = response.status_code
    return PageTiming(statistics.median(timings), percentile(timings, 0.95), queries, status)


def measure_minimal_page(client: Client, url: str, *, repeat: int = 20) -> PageTiming:
    """The limit a list page is measured against in the same run: a minimal page doing the
    same query and writing the same rows as plain HTML. The page's own SELECTs are
    captured from one real view of ``url``, then run ``repeat`` times through one cursor,
    every row fetched and written as escaped ``<td>`` cells: no middleware, no filter or
    table classes, no template."""
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    statements = [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].lstrip().upper().startswith(("SELECT", "WITH"))
    ]
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        parts = ["<!doctype html><table>"]
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)  # the page's own statements, captured just above
                for row in cursor.fetchall():
                    cells = "".join(f"<td>{escape(value)}</td>" for value in row)
                    parts.append(f"<tr>{cells}</tr>")
        parts.append("</table>")
        body = "".join(parts).encode()  # the bytes a response would carry
        timings.append((time.perf_counter() - started) * 1000)
        del body
    return PageTiming(statistics.median(timings), percentile(timings, 0.95), len(statements), 200)


def peak_rss_mb() -> float:
    """Peak resident memory of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path:
        return path
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, capture_output=True)
    path = shutil.which("wrk")
    if not path:
        raise RuntimeError("wrk is needed for the load test: apt-get install wrk")
    return path


@dataclass
class LoadResult:
    requests_per_second: float
    p95_ms: float
    non_2xx: int


def start_gunicorn(
    *, port: int, workers: int = 4, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=PROJECT_DIR,
        env={**os.environ, **(env or {})},
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            import urllib.request

            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)
            return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError("gunicorn did not start")


def load_test(url: str, *, cookie: str, connections: int = 10, seconds: int = 10) -> LoadResult:
    """wrk with `connections` concurrent clients on loopback, bounded in time."""
    wrk = ensure_wrk()
    output = subprocess.run(
        [
            wrk,
            "-t",
            "2",
            "-c",
            str(connections),
            "-d",
            f"{seconds}s",
            "--latency",
            "-H",
            f"Cookie: {cookie}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p95 = _wrk_latency(output, "90%")  # wrk prints 50/75/90/99; 95 sits between 90 and 99
    p99 = _wrk_latency(output, "99%")
    non_2xx_match = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return LoadResult(rps, (p95 + p99) / 2, int(non_2xx_match.group(1)) if non_2xx_match else 0)


def _wrk_latency(output: str, label: str) -> float:
    match = re.search(rf"{re.escape(label)}\s+([\d.]+)(us|ms|s)", output)
    if not match:
        return float("nan")
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
