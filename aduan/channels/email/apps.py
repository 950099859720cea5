from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "aduan.channels.email"
    label = "mail"
    verbose_name = _("Mail")

    def ready(self) -> None:
        from aduan.channels import routing
        from aduan.tickets.signals import customer_answered

        customer_answered.connect(routing.deliver_answer, dispatch_uid="aduan.channels.answer")
