from django.contrib.admin import AdminSite
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class TrackerAdminSite(AdminSite):
    """Django's admin, for the admin role only: managers and partners never get in."""

    site_header = _("Administration du suivi des talents offshoring")
    site_title = _("Administration")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_authenticated and getattr(user, "is_admin", False))
