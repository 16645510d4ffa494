"""Notifications: the list (mark read, open), and the per-kind e-mail preferences."""

from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.filters import FilterForm
from accounts.forms import NotificationPreferencesForm
from accounts.models import Notification, NotificationKind, User
from accounts.selectors import notification_list
from accounts.services.notification_texts import notification_detail, notification_title
from accounts.services.notifications import (
    notification_emailed_kinds,
    notification_mark_read,
    notification_preferences_set,
    notifications_mark_all_read,
)
from accounts.tables import DateTimeColumn
from web.lists import ScopedListView


class NotificationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=gettext_lazy("Type"), choices=NotificationKind.choices)
    unread = django_filters.BooleanFilter(
        label=gettext_lazy("Non lues"),
        field_name="read_at",
        lookup_expr="isnull",
        widget=forms.Select(
            choices=[("", "—"), ("true", gettext_lazy("Oui")), ("false", gettext_lazy("Non"))]
        ),
    )

    class Meta:
        model = Notification
        fields = ["kind", "unread"]
        form = FilterForm


class NotificationTable(tables.Table):
    created_at = DateTimeColumn(verbose_name=gettext_lazy("Date"))
    text = tables.Column(
        verbose_name=gettext_lazy("Notification"), empty_values=(), orderable=False
    )
    open = tables.Column(verbose_name=gettext_lazy("Action"), empty_values=(), orderable=False)

    class Meta:
        model = Notification
        fields = ["created_at", "text", "open"]
        attrs = {"data-testid": "notification-table"}
        row_attrs = {"class": lambda record: "" if record.read_at else "fw-semibold"}

    def render_text(self, record: Notification) -> str:
        detail = notification_detail(record)
        unread = (
            ""
            if record.read_at
            else format_html('<span class="badge text-bg-primary me-1">{}</span>', _("Nouveau"))
        )
        return format_html(
            '{}<span data-testid="notification-title">{}</span>{}',
            unread,
            notification_title(record),
            format_html('<div class="small text-body-secondary">{}</div>', detail)
            if detail
            else "",
        )

    def render_open(self, record: Notification) -> str:
        return format_html(
            '<form method="post" action="{}"><input type="hidden" name="csrfmiddlewaretoken" '
            'value="{}"><button type="submit" class="btn btn-sm btn-outline-primary">{}</button>'
            "</form>",
            reverse("accounts:notification_open", args=[record.pk]),
            self.csrf_token,
            _("Ouvrir"),
        )


class NotificationListView(ScopedListView):
    selector = notification_list
    filterset_class = NotificationFilter
    table_class = NotificationTable
    template_name = "accounts/notification_list.html"

    def get_table(self, **kwargs: Any) -> Any:
        from django.middleware.csrf import get_token

        table = super().get_table(**kwargs)
        table.csrf_token = get_token(self.request)
        return table

    def get_queryset(self) -> QuerySet[Notification]:
        return notification_list(user=self.request.user)  # type: ignore[arg-type]


@require_POST
def notification_open_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Marks the notification read and goes to its object."""
    user: User = request.user  # type: ignore[assignment]
    notification = get_object_or_404(notification_list(user=user), pk=pk)
    notification_mark_read(user=user, notification=notification)
    if notification.link and url_has_allowed_host_and_scheme(
        notification.link, allowed_hosts={request.get_host()}
    ):
        return redirect(notification.link)
    return redirect("accounts:notification_list")


@require_POST
def notification_read_all_view(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    count = notifications_mark_all_read(user=user)
    messages.success(
        request, _("%(count)d notification(s) marquée(s) comme lue(s).") % {"count": count}
    )
    return redirect("accounts:notification_list")


def notification_preferences_view(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = NotificationPreferencesForm(
        request.POST or None, initial={"emailed": sorted(notification_emailed_kinds(user=user))}
    )
    if request.method == "POST" and form.is_valid():
        notification_preferences_set(user=user, emailed_kinds=form.cleaned_data["emailed"])
        messages.success(request, _("Vos préférences d'e-mail sont enregistrées."))
        return redirect("accounts:notification_preferences")
    return render(request, "accounts/notification_preferences.html", {"form": form})
