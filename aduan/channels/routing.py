"""Which channel carries a staff answer to the customer.

``tickets.signals.customer_answered`` fires inside the service's transaction when a reply or
solution report for the customer lands on the timeline. The event's ``channel`` says how it
reaches them (tickets.models.SolutionChannel):

- ``email``: by mail, when the customer has an address;
- ``chat``: by the ticket's channel webhook (chat, SMS, social media), when it has one;
- ``portal`` (the default for replies typed in Aduan): by the ticket's channel webhook when
  the complaint came that way, else by mail when the customer has an address;
- ``phone``, ``letter``, ``verbal``: staff record what they already said; nothing is sent.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from aduan.tickets.models import SolutionChannel, TicketEvent

logger = logging.getLogger(__name__)


def deliver_answer(sender: Any, event: TicketEvent, **kwargs: Any) -> None:
    try:
        # A savepoint: a problem here costs the notification, never the reply itself.
        with transaction.atomic():
            route(event)
    except Exception:
        logger.exception("Could not queue the answer %s for delivery", event.pk)


def route(event: TicketEvent) -> str:
    """Queue ``event`` on its channel; returns ``email``, ``webhook`` or ``""``."""
    from aduan.channels.email import outbound
    from aduan.channels.webhooks import delivery as webhooks

    how = event.channel or SolutionChannel.PORTAL
    if how not in (SolutionChannel.EMAIL, SolutionChannel.CHAT, SolutionChannel.PORTAL):
        return ""
    if how in (SolutionChannel.CHAT, SolutionChannel.PORTAL):
        endpoint = webhooks.reply_endpoint(event.ticket.channel_id)
        if endpoint is not None and webhooks.queue_reply(event, endpoint) is not None:
            return "webhook"
        if how == SolutionChannel.CHAT:
            return ""
    return "email" if outbound.queue_answer(event) is not None else ""
