"""Authentication backend: Django's, reading the user with its partner organisation.

Every page shows the partner's name in the top bar and every scoping selector reads
``user.partner_id``: loading the organisation with the user saves one query per page, as
does counting the unread notifications (the top bar's bell) in the same query."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from accounts.models import User
from accounts.selectors import with_unread_notifications


class PartnerAwareModelBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            user = with_unread_notifications(User._default_manager.select_related("partner")).get(
                pk=user_id
            )
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
