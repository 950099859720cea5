from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "aduan.sla"
    label = "sla"
    verbose_name = _("Service levels")

    def ready(self) -> None:
        from aduan.sla import signals  # noqa: F401
