"""The accounts app's models, one module per subject."""

from accounts.models.api_tokens import ApiToken
from accounts.models.invitations import Invitation
from accounts.models.notifications import (
    EmailOutbox,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from accounts.models.user_history import AccountEvent
from accounts.models.users import PARTNER_ROLES, STAFF_ROLES, Role, User

__all__ = [
    "PARTNER_ROLES",
    "STAFF_ROLES",
    "AccountEvent",
    "ApiToken",
    "EmailOutbox",
    "Invitation",
    "Notification",
    "NotificationKind",
    "NotificationPreference",
    "Role",
    "User",
]
