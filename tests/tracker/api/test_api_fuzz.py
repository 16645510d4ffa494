"""Property-based fuzz of the API from its own OpenAPI schema (schemathesis): whatever
the generated input, for every operation of the schema, as a partner editor, the answer
is never a server error, its status, content type, headers and body are the ones the
schema documents, schema-invalid input is refused, and schema-valid input is accepted or
refused by a business rule only (all of schemathesis's checks).

Bounded: one test, one set of data, a few generated examples per operation, so the whole
run takes well under a minute on a quiet machine."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import checks
from schemathesis.core.result import Ok
from schemathesis.generation.modes import GenerationMode

from accounts.models import User
from tests.support.api import token_client

EXAMPLES_PER_OPERATION = 4
ALL_CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
    checks.positive_data_acceptance,
    checks.negative_data_rejection,
]

# A schema-valid request may still break a business rule the schema cannot say (a date
# outside its cohort, a CIN another person holds, a closed enrollment, a stale version):
# those are documented refusals, 400 and 409 problems, not a schema mismatch. 413 is the
# batch's size limit. Schemathesis's default adds 5xx, which not_a_server_error refuses.
POSITIVE_DATA_ACCEPTED = ["2xx", "400", "401", "403", "404", "409", "413", "429"]
# Schema-invalid input is refused by validation (400), or before it by permission or
# scope (403, 404: decided before the body is read, docs/api.md) or a size limit (413).
# ...but never for its shape: a schema-valid request answered 400 must name a business
# rule (enrolled_too_early, does_not_exist, closed_enrollment...), not one of the codes
# that say the schema promised something the API refuses.
SHAPE_CODES = {
    "not_writable",
    "unknown_parameter",
    "unknown_field",
    "invalid_type",
    "null",
    "blank",
    "empty",
    "min_value",
    "max_value",
    "max_length",
    "min_length",
    "invalid_page_size",
    "parse_error",
}
# Not a shape code here, by design: ``invalid_character`` (U+0000, which JSON strings
# may hold and PostgreSQL text cannot store: refused on every input, tracker.api.protocol).
NEGATIVE_DATA_REJECTED = ["400", "401", "403", "404", "405", "413", "429"]

schema = schemathesis.openapi.from_wsgi(
    "/api/schema/",
    get_wsgi_application(),
    config=schemathesis.config.SchemathesisConfig.from_dict(
        {
            "checks": {
                "positive_data_acceptance": {"expected-statuses": POSITIVE_DATA_ACCEPTED},
                "negative_data_rejection": {"expected-statuses": NEGATIVE_DATA_REJECTED},
            }
        }
    ),
)


@pytest.fixture
def _connections_kept_open():
    """The fuzz calls the WSGI application itself, not Django's test client: like the
    client, keep the request signals from closing the test's database connection (on
    PostgreSQL it holds the test's transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("_connections_kept_open")
def test_no_generated_input_makes_any_operation_fail(people, partner_a_user: User, settings):
    settings.API_THROTTLE_RATE = ""  # hundreds of requests with one token
    client = token_client(partner_a_user)
    headers = {"Authorization": client._credentials["HTTP_AUTHORIZATION"]}
    results = list(schema.get_all_operations())
    assert all(isinstance(result, Ok) for result in results)  # the schema loads whole
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    assert len(operations) >= 30  # every operation of the schema, none skipped

    # Detail operations are fuzzed on generated ids and on partner A's real objects too,
    # so that generated bodies reach the services.
    own = {
        "cohorts": people.cohort_a.pk,
        "conventions": people.convention_a.pk,
        "enrollments": people.enrollment_a.pk,
        "hires": people.placement_a.pk,
        "trainees": people.trainee_a.pk,
    }
    runs = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            runs.append(operation.as_strategy(generation_mode=mode))
        resource = operation.path.split("/")[3]
        if "{id}" in operation.path and resource in own:
            runs.append(operation.as_strategy(path_parameters={"id": own[resource]}))

    for strategy in runs:

        @given(case=strategy)
        @settings_for_fuzz
        def call(case: schemathesis.Case) -> None:
            response = case.call(headers=headers)
            # No undocumented status, content type or header, no body off its schema,
            # schema-valid input not refused for its shape, schema-invalid input refused.
            case.validate_response(response, checks=_checks_for(case, response), headers=headers)
            if response.status_code == 400 and case.meta and case.meta.generation.mode.is_positive:
                shape = {e["code"] for e in response.json()["errors"]} & SHAPE_CODES
                assert not shape, (case.method, case.formatted_path, case.query, response.text)
            assert response.status_code < 500, (
                case.method,
                case.formatted_path,
                case.query,
                case.body,
                response.text[:300],
            )

        call()


def _checks_for(case: schemathesis.Case, response) -> list:
    """All checks, with two narrow exceptions to negative_data_rejection, by design:
    - a reused ``Idempotency-Key`` with another body is answered 409 before the body is
      read (docs/api.md: the key is the client's promise that the request is the same
      one), and the fuzzer reuses keys across cases;
    - an empty query parameter (``?since=``) means no filter, as on the pages' filter
      forms (django-filter): it is not an invalid date-time accepted."""
    if response.status_code == 409 and _problem_code(response) == "idempotency_key_reused":
        return [check for check in ALL_CHECKS if check is not checks.negative_data_rejection]
    if response.status_code == 200 and "" in (case.query or {}).values():
        return [check for check in ALL_CHECKS if check is not checks.negative_data_rejection]
    return ALL_CHECKS


def _problem_code(response) -> str | None:
    try:
        return response.json().get("code")
    except ValueError:
        return None


settings_for_fuzz = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
