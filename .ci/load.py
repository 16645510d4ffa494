"""A short concurrent load on several web servers at once (issue 21, `.ci/multiprocess`).

Page views by four users, an import (upload, validation on the imports worker, confirm)
and edits (graduations through the API), each request sent to the next server in turn.
Any answer other than the expected one is an error: the run fails with the list.
Standard library only: it runs from any Python.

    python .ci/load.py --seconds 40 --token SECRET http://127.0.0.1:8101 http://127.0.0.1:8102
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.cookiejar
import itertools
import json
import random
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

PASSWORD = "offshoring2030"  # noqa: S105 - the demo logins (seed_demo)
PAGES = ["/", "/dashboard/", "/cohorts/", "/enrollments/", "/hires/", "/imports/"]
HEADERS = [
    "Code cohorte", "CIN", "Nom", "Prénom", "Sexe", "Date de naissance", "Téléphone",
    "E-mail", "Statut", "Date d'inscription", "Date de diplomation", "Employeur",
    "ICE employeur", "Date d'embauche", "Type de contrat", "Intitulé du poste",
    "Salaire brut mensuel (MAD)",
]  # fmt: skip


class Servers:
    """Round robin over the servers: consecutive requests go to different processes."""

    def __init__(self, urls: list[str]) -> None:
        self._cycle = itertools.cycle(urls)
        self._lock = threading.Lock()
        self.hits = dict.fromkeys(urls, 0)

    def next(self) -> str:
        with self._lock:
            url = next(self._cycle)
            self.hits[url] += 1
            return url


errors: list[str] = []
counts = {"pages": 0, "edits": 0, "imports": 0}
count_lock = threading.Lock()


def record(kind: str) -> None:
    with count_lock:
        counts[kind] += 1


def fail(message: str) -> None:
    with count_lock:
        errors.append(message)


class Browser:
    """A logged-in user: one cookie jar, valid on every server (sessions live in Redis
    and the database, shared by all of them)."""

    def __init__(self, servers: Servers, username: str) -> None:
        self.servers = servers
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.username = username

    def request(self, path: str, *, data: bytes | None = None, headers: dict | None = None):
        url = self.servers.next() + path
        request = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read(), response.geturl()
        except urllib.error.HTTPError as error:
            return error.code, error.read(), url

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def login(self) -> None:
        self.request("/accounts/login/")
        body = urllib.parse.urlencode(
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": self.csrf()}
        ).encode()
        status, _, final_url = self.request("/accounts/login/", data=body)
        if status != 200 or "/accounts/login/" in final_url:
            raise SystemExit(f"login of {self.username} failed ({status}, {final_url})")


def view_pages(browser: Browser, deadline: float) -> None:
    while time.monotonic() < deadline:
        path = random.choice(PAGES)
        status, _, _ = browser.request(path)
        if status != 200:
            fail(f"{browser.username} GET {path}: {status}")
        record("pages")


def api(servers: Servers, token: str, method: str, path: str, body: dict | None = None):
    request = urllib.request.Request(  # noqa: S310 - our own http:// servers
        servers.next() + path,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")[:300]


def enrolled(servers: Servers, token: str) -> list[dict]:
    """partner.a's enrollments in training that may graduate today: enrolled before
    today, in a cohort that has started (graduation dates are checked against both)."""
    status, page = api(servers, token, "GET", "/api/v1/enrollments/?status=enrolled&page_size=500")
    if status != 200:
        raise SystemExit(f"API list of enrollments: {status} {page}")
    today = dt.datetime.now(dt.UTC).date().isoformat()
    started = set()
    path = "/api/v1/cohorts/?page_size=100"
    while path:
        status, cohorts = api(servers, token, "GET", path)
        if status != 200:
            raise SystemExit(f"API list of cohorts: {status} {cohorts}")
        started |= {c["id"] for c in cohorts["results"] if c["starts_on"] < today}
        path = (
            cohorts.get("next")
            and urllib.parse.urlsplit(cohorts["next"])._replace(scheme="", netloc="").geturl()
        )
    return [e for e in page["results"] if e["cohort"] in started and e["enrolled_on"] < today]


def edit(servers: Servers, token: str, enrollments: list[dict], deadline: float) -> None:
    """Graduations through the API, one enrollment after the other."""
    # UTC's date is never after the product's (Africa/Casablanca, ahead of UTC or equal).
    today = dt.datetime.now(dt.UTC).date().isoformat()
    for enrollment in enrollments:
        if time.monotonic() >= deadline:
            return
        status, body = api(
            servers,
            token,
            "POST",
            f"/api/v1/enrollments/{enrollment['id']}/graduate/",
            {"graduated_on": today, "version": enrollment["version"]},
        )
        if status != 200:
            fail(f"graduate enrollment {enrollment['id']}: {status} {body}")
        record("edits")


def import_file(browser: Browser, cohort_code: str, enrolled_on: str, rows: int) -> None:
    """Upload, wait for the worker's validation, confirm, wait for the commit."""
    day = dt.date.fromisoformat(enrolled_on).strftime("%d/%m/%Y")
    lines = [";".join(HEADERS)]
    for _ in range(rows):
        cin = f"ZL{uuid.uuid4().int % 10**6:06d}"
        values = {
            "Code cohorte": cohort_code, "CIN": cin, "Nom": "Alaoui", "Prénom": "Nadia",
            "Sexe": "F", "Date de naissance": "12/03/2001", "Téléphone": "06 11 22 33 44",
            "E-mail": f"{cin.lower()}@exemple.ma", "Statut": "Inscrit",
            "Date d'inscription": day,
        }  # fmt: skip
        lines.append(";".join(values.get(h, "") for h in HEADERS))
    content = ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
            f'{browser.csrf()}\r\n--{boundary}\r\nContent-Disposition: form-data; name="file";'
            f' filename="charge.csv"\r\nContent-Type: text/csv\r\n\r\n'
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    status, _, final_url = browser.request(
        "/imports/new/",
        data=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    match = re.search(r"/imports/(\d+)/", final_url)
    if status != 200 or not match:
        fail(f"import upload: {status} {final_url}")
        return
    batch = match.group(1)
    if wait_import(browser, batch, {"validated"}):
        token = urllib.parse.urlencode({"csrfmiddlewaretoken": browser.csrf()}).encode()
        status, _, _ = browser.request(f"/imports/{batch}/confirm/", data=token)
        if status != 200:
            fail(f"import confirm: {status}")
        elif wait_import(browser, batch, {"committed"}):
            record("imports")


def wait_import(browser: Browser, batch: str, wanted: set[str]) -> bool:
    deadline = time.monotonic() + 120
    state = ""
    while time.monotonic() < deadline:
        status, body, _ = browser.request(f"/imports/{batch}/status/")
        state = json.loads(body)["status"] if status == 200 else f"HTTP {status}"
        if state in wanted:
            return True
        if state in {"invalid", "failed", "cancelled"} or state.startswith("HTTP"):
            break
        time.sleep(0.5)
    fail(f"import {batch}: {state}, expected {wanted}")
    return False


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("servers", nargs="+")
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument("--token", required=True, help="API token of partner.a")
    parser.add_argument("--import-rows", type=int, default=300)
    options = parser.parse_args()
    servers = Servers(options.servers)
    deadline = time.monotonic() + options.seconds

    browsers = [Browser(servers, name) for name in ("admin", "manager", "partner.a", "viewer.a")]
    for browser in browsers:
        browser.login()
    targets = enrolled(servers, options.token)
    if len(targets) < 10:
        raise SystemExit("fewer than 10 enrollments in training for partner.a: seed_demo?")
    to_edit, template = targets[:-1], targets[-1]
    importer = Browser(servers, "partner.a")
    importer.login()
    threads = [threading.Thread(target=view_pages, args=(b, deadline)) for b in browsers]
    threads.append(threading.Thread(target=edit, args=(servers, options.token, to_edit, deadline)))
    threads.append(
        threading.Thread(
            target=import_file,
            args=(importer, template["cohort_code"], template["enrolled_on"], options.import_rows),
        )
    )
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(f"load: {counts} over {options.seconds:.0f} s; requests per server: {servers.hits}")
    if counts["imports"] != 1 or counts["edits"] == 0 or counts["pages"] == 0:
        errors.append(f"not every kind of work was done: {counts}")
    for error in errors[:50]:
        print(f"ERROR {error}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
