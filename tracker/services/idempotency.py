"""``Idempotency-Key`` on the API's POSTs: the first answer kept per user and key for
API_IDEMPOTENCY_HOURS, replayed for the same request, refused for a different one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from tracker.models import IdempotentRequest


@dataclass(frozen=True)
class StoredAnswer:
    status_code: int
    body: str


def _expired_before() -> dt.datetime:
    return timezone.now() - dt.timedelta(hours=settings.API_IDEMPOTENCY_HOURS)


def idempotency_begin(
    *, user: User, key: str, fingerprint: str
) -> IdempotentRequest | StoredAnswer:
    """The answer to replay, or the new record of this request (to finish with
    idempotency_finish). Raises a ValidationError coded ``idempotency_key_reused`` (409)
    for the same key with another request, ``idempotency_request_in_progress`` (409)
    while the first one still runs."""
    # Committed at once (outside the request's writes): a concurrent retry sees it.
    with transaction.atomic():
        IdempotentRequest.objects.filter(user=user, created_at__lt=_expired_before()).delete()
        try:
            with transaction.atomic():
                return IdempotentRequest.objects.create(
                    user=user, key=key, fingerprint=fingerprint, created_at=timezone.now()
                )
        except IntegrityError:
            pass
        found = IdempotentRequest.objects.get(user=user, key=key)
    if found.fingerprint != fingerprint:
        raise ValidationError(
            _(
                "Cette clé d'idempotence a déjà servi pour une autre requête : "
                "utilisez une nouvelle clé pour une nouvelle requête."
            ),
            code="idempotency_key_reused",
        )
    if found.status_code is None:
        raise ValidationError(
            _("Une requête avec cette clé d'idempotence est en cours : réessayez plus tard."),
            code="idempotency_request_in_progress",
        )
    return StoredAnswer(status_code=found.status_code, body=found.response_body)


def idempotency_finish(*, record: IdempotentRequest, status_code: int, body: str) -> None:
    """Keeps the answer; an answer the client must not keep (a server error, a
    throttled request) forgets the key instead, so that a retry runs again."""
    if status_code >= 500 or status_code == 429:
        IdempotentRequest.objects.filter(pk=record.pk).delete()
        return
    IdempotentRequest.objects.filter(pk=record.pk).update(
        status_code=status_code, response_body=body
    )


def idempotency_purge() -> int:
    """Forgets the keys older than API_IDEMPOTENCY_HOURS; the number forgotten."""
    deleted, _counts = IdempotentRequest.objects.filter(created_at__lt=_expired_before()).delete()
    return deleted
