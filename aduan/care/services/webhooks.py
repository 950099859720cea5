"""Posting to external groups' webhooks, at least once and never twice at the same time.

A delivery is an outbox row written in the transaction that caused it, sent by the outbox
(aduan/channels/outbox.py) like every mail and channel reply: after commit, by the periodic
sweep when it is due (a lost task, a retry after back-off, a worker killed mid-post), claimed
by one sender at a time, signed with the group's secret and a timestamp (docs/webhooks.md).
A post whose answer was lost may be repeated: the ``Idempotency-Key`` header (the delivery's
UUID) lets the receiver drop the repeat. The support desk is told when one fails for good.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy

from aduan.care.models import DeliveryStatus, ExternalGroup, SuperEmergency, WebhookDelivery
from aduan.care.permissions import support_desk
from aduan.channels import outbox
from aduan.notifications import services as notifications

FAILED_TITLE = gettext_lazy("Could not post to %(group)s after %(attempts)s attempts")


def _send_task() -> Any:
    from aduan.care import tasks

    return tasks.deliver_webhook


def _post(delivery: WebhookDelivery) -> outbox.WebhookPost:
    group = delivery.group
    if not group.secret:
        # Written past the administration, which always sets one: never post unsigned.
        raise outbox.Failure("the group has no signing secret", permanent=True)
    return outbox.WebhookPost(
        url=group.webhook_url,
        secret=group.secret,
        payload=delivery.payload,
        event=delivery.event,
        key=str(delivery.key),
    )


def _tell_support_desk(delivery: WebhookDelivery, error: str) -> None:
    notifications.notify(
        support_desk(),
        notifications.Message(
            kind="care.webhook_failed",
            title=FAILED_TITLE,
            params={"group": delivery.group.name, "attempts": delivery.attempts},
            ticket_id=delivery.emergency.ticket_id if delivery.emergency else None,
            data={"delivery": delivery.pk, "group": delivery.group.code, "error": error},
        ),
        dedupe_key=f"webhook-failed:{delivery.pk}",
    )


OUTBOX: outbox.Outbox[WebhookDelivery, outbox.WebhookPost] = outbox.Outbox(
    name="external group webhook",
    model=WebhookDelivery,
    prepare=_post,
    transport=outbox.HTTP,
    task=_send_task,
    states=outbox.States(
        queued=DeliveryStatus.PENDING,
        sending=DeliveryStatus.SENDING,
        sent=DeliveryStatus.DELIVERED,
        failed=DeliveryStatus.FAILED,
    ),
    lease_field="locked_until",
    sent_at_field="delivered_at",
    response_field="response_status",
    select_related=("group", "emergency"),
    on_failed=_tell_support_desk,
)


def queue(
    group: ExternalGroup,
    *,
    event: str,
    payload: dict[str, Any],
    emergency: SuperEmergency | None = None,
) -> WebhookDelivery:
    """Write the outbox row; send it after the transaction commits."""
    now = timezone.now()
    delivery = WebhookDelivery.objects.create(
        group=group,
        emergency=emergency,
        event=event,
        payload=payload,
        next_attempt_at=now,
        created_at=now,
    )
    outbox.hand_over(OUTBOX, delivery.pk)
    return delivery


def deliver(delivery_id: int, *, now: datetime.datetime | None = None) -> str:
    """Send one delivery if it is due and nobody else is sending it. Returns what happened:
    ``delivered``, ``retry``, ``failed`` or ``skipped``."""
    outcome = outbox.deliver(OUTBOX, delivery_id, now=now)
    if not outcome.claimed:
        return "skipped"
    return "retry" if outcome.status == DeliveryStatus.PENDING else outcome.status


def due_deliveries(now: datetime.datetime, limit: int = 200) -> list[int]:
    """Deliveries to send now: due retries, and claims whose lease expired (the sender
    died)."""
    return outbox.due_ids(OUTBOX, now, limit)
