from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "aduan.channels.webhooks"
    label = "webhooks"
    verbose_name = _("Chat, SMS and social media webhooks")
