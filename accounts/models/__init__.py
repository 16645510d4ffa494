"""The accounts app's models, one module per subject."""

from accounts.models.api_tokens import ApiToken
from accounts.models.users import PARTNER_ROLES, STAFF_ROLES, Role, User

__all__ = ["PARTNER_ROLES", "STAFF_ROLES", "ApiToken", "Role", "User"]
