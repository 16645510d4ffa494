"""Property-based fuzz of the API from its own OpenAPI schema (schemathesis): whatever
the generated input, for every operation of the schema, as a partner editor, the answer
is never a server error, and its status, content type, headers and body are the ones the
schema documents.

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

from tests.api_support import token_client
from tracker.models import User

EXAMPLES_PER_OPERATION = 4
CONFORMANCE_CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


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
            # No undocumented status, content type or header, no body off its schema.
            case.validate_response(response, checks=CONFORMANCE_CHECKS, headers=headers)
            assert response.status_code < 500, (
                case.method,
                case.formatted_path,
                case.query,
                case.body,
                response.text[:300],
            )

        call()


settings_for_fuzz = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
