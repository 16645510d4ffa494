from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConventionsConfig(AppConfig):
    name = "conventions"
    verbose_name = _("Conventions")

    def ready(self) -> None:
        from conventions.models import Filiere, Region, Zone
        from web.choices import watch_reference_model

        # The list filters keep the reference tables in memory: edits must reach them.
        for model in (Region, Zone, Filiere):
            watch_reference_model(model)
