"""The words of each notification kind, written in the active language from the
values stored with the notification (so a notification reads in its reader's language,
in the list as in the e-mail)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from accounts.models import Notification, NotificationKind

K = NotificationKind


def notification_title(notification: Notification) -> str:
    params: dict[str, Any] = {"reference": "", "file": "", "count": 0, **notification.params}
    kind = notification.kind
    if kind == K.CONVENTION_SUBMITTED:
        return _("Convention %(reference)s soumise à votre revue") % params
    if kind == K.CONVENTION_RETURNED:
        return _("Convention %(reference)s renvoyée en brouillon") % params
    if kind == K.CONVENTION_APPROVED:
        return _("Convention %(reference)s approuvée (signée)") % params
    if kind == K.CONVENTION_ACTIVATED:
        return _("Convention %(reference)s activée") % params
    if kind == K.CONVENTION_SUSPENDED:
        return _("Convention %(reference)s suspendue") % params
    if kind == K.CONVENTION_TERMINATED:
        return _("Convention %(reference)s résiliée") % params
    if kind == K.IMPORT_FINISHED:
        if params.get("status") == "invalid":
            return _("Import « %(file)s » vérifié : des erreurs sont à corriger") % params
        if params.get("status") == "validated":
            return _("Import « %(file)s » vérifié : prêt à confirmer") % params
        return _("Import « %(file)s » terminé") % params
    if kind == K.IMPORT_FAILED:
        return _("Import « %(file)s » en échec") % params
    if kind == K.LAGGING_ALERT:
        return _("Convention %(reference)s en retard sur ses engagements") % params
    return str(NotificationKind(kind).label)


def notification_detail(notification: Notification) -> str:
    """A second line: the reviewer's comment, the failure's reason."""
    params = notification.params
    if params.get("comment"):
        return _("Commentaire : %(comment)s") % {"comment": params["comment"]}
    if params.get("reason"):
        return _("Motif : %(reason)s") % {"reason": params["reason"]}
    return ""
