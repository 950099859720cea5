from django.apps import AppConfig


class RunnersConfig(AppConfig):
    """The processes that run Aduan: ``aduan serve``, ``worker``, ``beat``, ``sweep`` and
    ``mail-worker``, and the periodic pass they share. They stand above every app and call
    into them; no app imports them (docs/architecture.md)."""

    name = "aduan.runners"
    label = "runners"
