"""The accounts app's models, one module per subject."""

from accounts.models.invitations import Invitation
from accounts.models.notifications import (
    EmailOutbox,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from accounts.models.user_history import AccountEvent

__all__ = [
    "AccountEvent",
    "EmailOutbox",
    "Invitation",
    "Notification",
    "NotificationKind",
    "NotificationPreference",
]
