from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Users, roles, partner-organisation membership, authentication and API tokens."""

    default = True
    name = "accounts"
    label = "accounts"
    verbose_name = _("Comptes et notifications")

    def ready(self) -> None:
        # The e-mail tasks in the Celery registry of every process: services queue them
        # by name (accounts.services.notifications, accounts.services.invitations).
        from accounts import tasks  # noqa: F401
