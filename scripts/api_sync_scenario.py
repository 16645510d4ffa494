"""A partner's nightly sync, written as an integrator writes it: with the typed client that
openapi-python-client generated from /api/schema/ (scripts/api-client-check), against a
live server. Every step checks the typed answer; any surprise exits non-zero.

Steps: create (a batch of enrollments and hires), re-run with zero changes, a hire upsert
twice, an edit conflict and its recovery, an incremental sync after a change and a
deletion (a local mirror compared with the server), throttling (a typed 429)."""

from __future__ import annotations

import datetime as dt
import os
import sys
import uuid
from urllib.parse import parse_qs, urlparse

from tracker_client import AuthenticatedClient
from tracker_client.api.batch import batch_create
from tracker_client.api.cohorts import cohorts_list
from tracker_client.api.deletions import deletions_list
from tracker_client.api.hires import (
    hires_destroy,
    hires_list,
    hires_partial_update,
    hires_retrieve,
    hires_upsert_create,
)
from tracker_client.api.regions import regions_list
from tracker_client.models import (
    BatchRequestRequest,
    BatchRequestRequestRecordsItem,
    BatchResult,
    PaginatedPlacementList,
    PatchedPlacementUpdateRequest,
    Placement,
    PlacementCreateRequest,
    Problem,
)
from tracker_client.models.contract_type_enum import ContractTypeEnum
from tracker_client.types import UNSET

RECORDS = 12


def check(condition: bool, message: str) -> None:
    if not condition:
        print(f"FAILED: {message}", file=sys.stderr)
        sys.exit(1)
    print(f"ok - {message}")


def all_hires(client: AuthenticatedClient, **filters: object) -> dict[int, Placement]:
    rows: dict[int, Placement] = {}
    cursor = UNSET
    while True:
        page = hires_list.sync(client=client, cursor=cursor, page_size=100, **filters)
        assert isinstance(page, PaginatedPlacementList), page
        rows |= {row.id: row for row in page.results}
        if not page.next_:
            return rows
        cursor = parse_qs(urlparse(page.next_).query)["cursor"][0]


def main() -> None:
    client = AuthenticatedClient(
        base_url=os.environ["API_BASE_URL"],
        token=os.environ["API_TOKEN"],
        headers={"Accept-Language": "en"},
        raise_on_unexpected_status=True,
    )
    cohorts = cohorts_list.sync(client=client, ordering="starts_on", page_size=100)
    if isinstance(cohorts, Problem):
        check(False, f"cohorts: {cohorts.status} {cohorts.code} {cohorts.detail}")
    assert cohorts is not None
    today = dt.datetime.now(dt.UTC).date()
    # A cohort already over: its trainees may graduate and be hired today.
    cohort = next(c for c in cohorts.results if c.ends_on < today and c.status != "cancelled")
    check(bool(cohort.code), f"the partner reads its cohorts ({cohort.code})")

    # 1. Create: a batch of enrollments, every third graduated and hired.
    stamp = uuid.uuid4().int % 10**5
    records = []
    for n in range(RECORDS):
        record = {
            "cohort": cohort.code,
            "cin": f"ZZ{stamp:05d}{n:02d}",
            "last_name": f"Sync{n}",
            "first_name": "Nadia",
            "sex": "F",
            "birth_date": "2001-03-04",
            "status": "enrolled",
            "enrolled_on": cohort.starts_on.isoformat(),
        }
        if n % 3 == 0:
            graduated = cohort.ends_on.isoformat()
            record |= {
                "status": "graduated",
                "graduated_on": graduated,
                "employer_name": "Atlas Services SA",
                "employer_ice": "001234567000089",
                "hired_on": graduated,
                "contract_type": "cdi",
                "job_title": "Agent",
                "job_region": cohort.region,
            }
        records.append(BatchRequestRequestRecordsItem.from_dict(record))
    body = BatchRequestRequest(records=records)
    first = batch_create.sync(client=client, body=body, idempotency_key=str(uuid.uuid4()))
    if isinstance(first, Problem):
        check(False, f"batch refused: {first.detail} {[e.to_dict() for e in first.errors]}")
    assert isinstance(first, BatchResult)
    check(first.committed and first.created == RECORDS, f"batch created {first.created}")
    check(all(r.enrollment for r in first.records), "each record comes back with its ids")

    # 2. The same sync again: zero changes, the same ids.
    again = batch_create.sync(client=client, body=body)
    assert isinstance(again, BatchResult), again
    check(
        (again.created, again.updated, again.unchanged) == (0, 0, RECORDS),
        "re-run: zero changes",
    )
    check(
        [r.enrollment for r in again.records] == [r.enrollment for r in first.records],
        "re-run: the same enrollments",
    )

    # A hire pushed twice stays one hire.
    enrollment = next(r.enrollment for r in first.records if r.hire is None)
    hire_body = PlacementCreateRequest(
        enrollment=enrollment,
        hired_on=cohort.starts_on,
        contract_type=ContractTypeEnum.CDD,
        job_title="Stagiaire",
        filiere=cohort.filiere,
        employer_name="Nearshore Services",
        employer_ice="001987654000078",
        region=cohort.region,
    )
    one = hires_upsert_create.sync_detailed(client=client, body=hire_body)
    two = hires_upsert_create.sync_detailed(client=client, body=hire_body)
    assert isinstance(one.parsed, Placement)
    assert isinstance(two.parsed, Placement)
    check(
        (one.status_code, two.status_code, two.parsed.id) == (201, 200, one.parsed.id),
        "hire upsert twice: one hire",
    )
    check(len(all_hires(client, enrollment=enrollment)) == 1, "filter hires by enrollment")

    # 3. Conflict and recovery: a stale version is a typed 409, then read and retry.
    hire = one.parsed
    stale = hires_partial_update.sync_detailed(
        hire.id,
        client=client,
        body=PatchedPlacementUpdateRequest(job_title="Agent", version=hire.version + 5),
    )
    assert isinstance(stale.parsed, Problem), stale
    check(stale.status_code == 409 and stale.parsed.code == "conflict", "stale version: 409")
    check("page" not in stale.parsed.detail.lower(), "the conflict speaks API, in English")
    current = hires_retrieve.sync(hire.id, client=client)
    assert isinstance(current, Placement)
    recovered = hires_partial_update.sync(
        hire.id,
        client=client,
        body=PatchedPlacementUpdateRequest(job_title="Agent", version=current.version),
    )
    assert isinstance(recovered, Placement), recovered
    check(recovered.version == current.version + 1, "recovered with the current version")

    # 4. Incremental sync after a change and a deletion: the mirror matches the server.
    mirror = all_hires(client)
    since = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    changed_id = next(r.hire for r in first.records if r.hire)
    assert changed_id is not None
    changed = hires_partial_update.sync(
        changed_id, client=client, body=PatchedPlacementUpdateRequest(job_title="Chef")
    )
    assert isinstance(changed, Placement), changed
    deleted = hires_destroy.sync_detailed(hire.id, client=client)
    check(deleted.status_code == 204, "a hire deleted")
    for row in all_hires(client, updated_since=since).values():
        mirror[row.id] = row
    gone = deletions_list.sync(client=client, since=since)
    assert gone is not None
    assert not isinstance(gone, Problem)
    for deletion in gone.results:
        mirror.pop(deletion.id, None)
    server = all_hires(client)
    check(
        {k: v.to_dict() for k, v in mirror.items()} == {k: v.to_dict() for k, v in server.items()},
        f"incremental sync mirrors {len(server)} hires exactly",
    )

    # 5. Throttling: a typed 429 with Retry-After, RateLimit headers on the way.
    for _ in range(1000):
        answer = regions_list.sync_detailed(client=client)
        if answer.status_code == 429:
            break
        check_headers = answer.headers.get("RateLimit-Remaining") is not None
        if not check_headers:
            check(False, "RateLimit headers on every answer")
    assert isinstance(answer.parsed, Problem), answer
    check(answer.parsed.code == "throttled", "throttled: a typed 429 problem")
    check(int(answer.headers["Retry-After"]) > 0, "429 says when to retry")
    print("sync scenario: all steps passed")


if __name__ == "__main__":
    main()
