from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "aduan.sla"
    label = "sla"
    verbose_name = _("Service levels")

    def ready(self) -> None:
        from aduan.sla import clock, signals  # noqa: F401
        from aduan.tickets import deadlines

        # The ticket services time tickets through this clock without importing this app.
        deadlines.register(clock)
