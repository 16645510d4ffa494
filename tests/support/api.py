"""Fixtures of the API tests: a token-authenticated client per role (the token created
through the service, as the page does)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from accounts.services.api_tokens import api_token_create


def token_client(user: User) -> APIClient:
    client = APIClient()
    secret = api_token_create(user=user, name="test").secret
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@pytest.fixture
def api_a(partner_a_user: User) -> APIClient:
    return token_client(partner_a_user)


@pytest.fixture
def api_b(partner_b_user: User) -> APIClient:
    return token_client(partner_b_user)


@pytest.fixture
def api_viewer_a(viewer_a_user: User) -> APIClient:
    return token_client(viewer_a_user)


@pytest.fixture
def api_manager(manager_user: User) -> APIClient:
    return token_client(manager_user)


@pytest.fixture
def api_other_manager(other_manager_user: User) -> APIClient:
    return token_client(other_manager_user)


@pytest.fixture
def api_admin(admin_user: User) -> APIClient:
    return token_client(admin_user)
