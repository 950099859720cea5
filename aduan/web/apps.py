from django.apps import AppConfig


class WebConfig(AppConfig):
    """The web shell around the apps: the home page, the language switch, the base templates
    and static files, the middleware and context processors, and the API's assembly."""

    name = "aduan.web"
    label = "web"
