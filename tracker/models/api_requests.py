"""The answers kept for ``Idempotency-Key``: a client retrying a POST (a timeout, a
crash half-way through a sync) gets the first answer again instead of a second write."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class IdempotentRequest(models.Model):
    """One POST sent with an ``Idempotency-Key``, per user: what it was (its fingerprint:
    method, path, body) and the answer it got (null while it runs). Kept
    ``API_IDEMPOTENCY_HOURS`` (24 h), then forgotten."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    response_body = models.TextField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotent_request_user_key")
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotent_request_created")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.key}"
