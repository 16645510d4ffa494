from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark lab: datasets, measurements and the bench* management commands.
    Installed only where the bench/ folder is present (a checkout, not the product's
    distribution, which packages config, web, accounts, conventions and tracker)."""

    default = True
    name = "bench"
    verbose_name = "Bench"
