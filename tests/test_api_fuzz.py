"""Property-based fuzz of the API from its own OpenAPI schema (schemathesis): whatever
the generated input, as a partner editor, the answer is never a server error.

Bounded: a few examples per operation, so the whole run takes well under a minute."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings

from tests.api_support import token_client

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@pytest.fixture
def fuzz_token(people, partner_a_user, settings) -> str:
    settings.API_THROTTLE_RATE = ""  # the fuzz sends many requests with one token
    client = token_client(partner_a_user)
    return client._credentials["HTTP_AUTHORIZATION"]


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_input_makes_the_api_fail(case, fuzz_token):
    response = case.call(headers={"Authorization": fuzz_token})
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])
    cache.clear()
