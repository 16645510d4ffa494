"""Reads for the imports: the one scoping selector of ImportBatch.

Staff (admins, programme managers) see every import; a partner user sees the imports
of its own organisation only (another organisation's import answers 404)."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from tracker.models import ImportBatch


def import_batch_list(*, user: User) -> QuerySet[ImportBatch]:
    batches = ImportBatch.objects.select_related("uploaded_by", "partner")
    if user.is_staff_role:
        return batches
    if not user.is_partner or user.partner_id is None:
        return batches.none()
    return batches.filter(partner_id=user.partner_id)
