from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class TrackerConfig(AppConfig):
    default = True
    name = "tracker"
    verbose_name = _("Suivi des talents")

    def ready(self) -> None:
        # Models are loaded only now: the signal handlers and the tasks (which services
        # queue by name, tracker.task_queue) are registered here, as Django intends.
        from tracker import tasks  # noqa: F401
        from tracker.figures import revisions
        from tracker.figures import tasks as figure_tasks  # noqa: F401
        from tracker.imports import tasks as import_tasks  # noqa: F401

        revisions.connect()


class TrackerAdminConfig(admin_apps.AdminConfig):
    """The admin site, open to the admin role only (see tracker.admin_site)."""

    default = False
    default_site = "tracker.admin_site.TrackerAdminSite"
