from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """The shared web toolkit: lists, columns, rendering, exports, formatting, widgets,
    error pages. It knows no domain model: the apps above it give it their querysets."""

    default = True
    name = "web"
    verbose_name = _("Boîte à outils web")
