"""Throughput of the list pages under 10 concurrent clients: the product served by
gunicorn on loopback (DEBUG off, 4 sync workers on 2 cores), driven by wrk with 10
connections for 20 seconds. Each connection walks through a mix of list pages (the four
lists' first pages, sorts, filters and a deep page), half as the admin and half as the
partner. Budget: >= 45 pages/s; the p95 latency is reported beside it."""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import tempfile
from pathlib import Path

from django.test import Client
from django.urls import reverse

from bench.measure import Report, ensure_wrk, start_gunicorn
from bench.users import ensure_bench_users
from conventions.models import Region

PORT = 8765
CONNECTIONS = 10
SECONDS = 20
PAGES_PER_SECOND_BUDGET = 45

LUA = """
local targets = {%s}
local counter = 0
request = function()
  counter = counter + 1
  local target = targets[(counter %% #targets) + 1]
  return wrk.format("GET", target[1], {["Cookie"] = target[2]})
end
done = function(summary, latency, requests)
  io.write(string.format("P95_US %%d\\n", latency:percentile(95)))
  io.write(string.format("P50_US %%d\\n", latency:percentile(50)))
  io.write(string.format("STATUS_ERRORS %%d\\n", summary.errors.status))
  io.write(string.format("SOCKET_ERRORS %%d\\n", summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout))
end
"""


def page_mix() -> list[str]:
    casablanca = Region.objects.get(code="MA-06").pk
    enrollments, hires = reverse("enrollment_list"), reverse("placement_list")
    cohorts, conventions = reverse("cohort_list"), reverse("conventions:convention_list")
    return [
        enrollments,
        f"{enrollments}?sort=-graduated_on",
        f"{enrollments}?region={casablanca}&status=graduated",
        f"{enrollments}?page=40",
        hires,
        f"{hires}?sort=hired_on",
        f"{hires}?contract_type=cdi",
        cohorts,
        f"{cohorts}?region={casablanca}&year=2025",
        conventions,
        f"{conventions}?status=active",
        f"{conventions}?sort=title",
    ]


def session_cookie(user: object) -> str:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return f"sessionid={client.cookies['sessionid'].value}"


def check_pages(paths: list[str], cookie: str) -> None:
    """Every page answers 200 (not a redirect to the login page, which wrk would count
    as a success)."""
    for path in paths:
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        connection.request("GET", path, headers={"Cookie": cookie})
        response = connection.getresponse()
        response.read()
        connection.close()
        if response.status != 200:
            raise RuntimeError(f"{path} answered {response.status} under gunicorn")


def run(report: Report) -> None:
    users = ensure_bench_users()
    paths = page_mix()
    cookies = [session_cookie(users.admin), session_cookie(users.partner)]
    targets = [(path, cookie) for path in paths for cookie in cookies]
    lua = LUA % ", ".join(f'{{"{path}", "{cookie}"}}' for path, cookie in targets)
    wrk = ensure_wrk()
    server = start_gunicorn(port=PORT, env={"DEBUG": "false"})
    try:
        for cookie in cookies:
            check_pages(paths, cookie)  # also warms every worker's caches a little
        with tempfile.TemporaryDirectory() as folder:
            script = Path(folder) / "mix.lua"
            script.write_text(lua)
            output = subprocess.run(
                [
                    wrk,
                    "-t",
                    "2",
                    "-c",
                    str(CONNECTIONS),
                    "-d",
                    f"{SECONDS}s",
                    "--timeout",
                    "10s",
                    "-s",
                    str(script),
                    f"http://127.0.0.1:{PORT}",
                ],
                capture_output=True,
                text=True,
                check=True,
                timeout=SECONDS + 60,
            ).stdout
    finally:
        server.terminate()
        server.wait(timeout=30)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p95 = int(re.search(r"P95_US (\d+)", output).group(1)) / 1000  # type: ignore[union-attr]
    p50 = int(re.search(r"P50_US (\d+)", output).group(1)) / 1000  # type: ignore[union-attr]
    errors = int(re.search(r"STATUS_ERRORS (\d+)", output).group(1))  # type: ignore[union-attr]
    errors += int(re.search(r"SOCKET_ERRORS (\d+)", output).group(1))  # type: ignore[union-attr]
    load = f"load {os.getloadavg()[0]:.1f}"
    report.add(
        f"load: list pages/s, {CONNECTIONS} clients (wrk, gunicorn 4 workers)",
        rate,
        "pages/s",
        PAGES_PER_SECOND_BUDGET,
        kind="min",
        note=f"{len(targets)} pages mixed, admin and partner; {errors} errors; {load}",
    )
    report.add(
        f"load: p95 latency, {CONNECTIONS} clients",
        p95,
        "ms",
        note=f"median {p50:.0f} ms; {load}",
    )
