"""Lagging-convention alerts: each manager of a lagging convention gets one e-mail per
period listing the conventions newly lagging for them, with the figures and a link.

What was sent is recorded (LaggingAlert, unique per convention, recipient and period):
the weekly task can run any number of times, an alert goes out once per period."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import NotificationKind, User
from accounts.services.notifications import email_wanted, notifications_create
from conventions.models import Convention
from tracker.figures.selectors import Progress, lagging_conventions
from tracker.models import LaggingAlert


def alert_period(day: dt.date) -> str:
    """The period an alert is sent once in: the calendar quarter, e.g. 2026-T4."""
    return f"{day.year}-T{(day.month - 1) // 3 + 1}"


def period_label(day: dt.date) -> str:
    """The period as the recipient's language writes it: T4 2026, Q4 2026."""
    return _("T%(quarter)d %(year)d") % {"quarter": (day.month - 1) // 3 + 1, "year": day.year}


def _figures_record(progress: Progress) -> dict[str, dict[str, str | None]]:
    return {
        item.indicator: {
            "value": None if item.value is None else str(item.value),
            "target_to_date": None if item.target_to_date is None else str(item.target_to_date),
        }
        for item in progress.lagging_indicators
    }


def lagging_alerts_send(*, today: dt.date | None = None) -> int:
    """Sends the alerts due this period; returns the number of e-mails sent."""
    today = today or timezone.localdate()
    period = alert_period(today)
    lagging = lagging_conventions(today=today)
    if not lagging:
        return 0
    by_id = {convention.pk: (convention, progress) for convention, progress in lagging}
    already_sent = set(
        LaggingAlert.objects.filter(period=period, convention_id__in=by_id).values_list(
            "convention_id", "recipient_id"
        )
    )
    due: dict[User, list[tuple[Convention, Progress]]] = defaultdict(list)
    managers = Convention.managers.through.objects.filter(
        convention_id__in=by_id, user__is_active=True
    ).select_related("user")
    for link in managers:
        if link.user.email and (link.convention_id, link.user_id) not in already_sent:
            due[link.user].append(by_id[link.convention_id])

    # The convention's page: its progress panel (the dashboard's table is paginated).
    site = settings.SITE_URL.rstrip("/")
    sent = 0
    for manager, items in due.items():
        items.sort(key=lambda item: item[0].reference)
        with transaction.atomic(), translation.override(manager.language or settings.LANGUAGE_CODE):
            for convention, progress in items:
                LaggingAlert.objects.create(
                    convention=convention,
                    recipient=manager,
                    period=period,
                    figures=_figures_record(progress),
                )
                # In the notifications list too (its e-mail is this digest).
                notifications_create(
                    recipients=[manager],
                    kind=NotificationKind.LAGGING_ALERT,
                    link=reverse("conventions:convention_detail", args=[convention.pk]),
                    params={"reference": convention.reference},
                    email=False,
                )
            if not email_wanted(user=manager, kind=NotificationKind.LAGGING_ALERT):
                continue  # in the notifications list only: e-mails of this kind are off
            body = render_to_string(
                "figures/email/lagging_alert.txt",
                {
                    "manager": manager,
                    "items": [
                        {
                            "convention": convention,
                            "progress": progress,
                            "url": site
                            + reverse("conventions:convention_detail", args=[convention.pk]),
                        }
                        for convention, progress in items
                    ],
                    "threshold": round(settings.LAGGING_THRESHOLD * 100),
                    "period": period_label(today),
                },
            )
            subject = _("%(count)d convention(s) en retard sur leurs engagements") % {
                "count": len(items)
            }
            # Raises on failure: the records roll back and next week's run tries again.
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [manager.email])
        sent += 1
    return sent
