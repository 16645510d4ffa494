from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Users, roles, partner-organisation membership, authentication and API tokens."""

    default = True
    name = "accounts"
    label = "accounts"
    verbose_name = _("Comptes")
