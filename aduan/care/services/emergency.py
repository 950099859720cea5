"""Super emergencies (seed 004 5.2): the team leader raises the ticket, the support desk
analyses it and forwards it to external groups (a webhook per group, which a chat bridge
relays to the regional units' chat groups), records their progress and relays it to the
team leader.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aduan.accounts.models import User
from aduan.audit.services import record, snapshot
from aduan.care.models import EmergencyStatus, ExternalGroup, ProgressUpdate, SuperEmergency
from aduan.care.permissions import (
    may_close_emergency,
    may_handle_emergency,
    may_raise_emergency,
    support_desk,
)
from aduan.care.services import webhooks
from aduan.care.services.common import event, set_flags
from aduan.core.errors import Conflict, NotFound, ValidationFailed
from aduan.core.permissions import require
from aduan.core.validation import clean_text
from aduan.notifications import services as notifications
from aduan.tickets.models import OPEN_STATUSES, EventKind, Ticket
from aduan.tickets.permissions import get_visible_ticket

TEXT_MAX = 10_000
RAISED_TITLE = gettext_lazy("Super emergency %(reference)s raised by %(leader)s")
PROGRESS_TITLE = gettext_lazy("Progress on super emergency %(reference)s")


def _emergency(emergency_id: int, *, for_update: bool = True) -> SuperEmergency:
    rows = SuperEmergency.objects.select_related("ticket", "raised_by")
    if for_update:
        rows = rows.select_for_update(of=("self",))
    emergency = rows.filter(pk=emergency_id).first()
    if emergency is None:
        raise NotFound(_("No super emergency %(id)s.") % {"id": emergency_id})
    return emergency


def _open(emergency: SuperEmergency) -> None:
    if emergency.status == EmergencyStatus.CLOSED:
        raise Conflict(_("This super emergency is closed."), extra={"current": emergency.status})


@transaction.atomic
def raise_emergency(*, actor: User, reference: str, reason: str) -> SuperEmergency:
    """Seed 004 5.2.1-5.2.3: the team leader handling the customer raises the ticket to
    super emergency; the support desk takes it from there."""
    require(may_raise_emergency, actor)
    ticket = get_visible_ticket(actor, reference, for_update=True)
    text = clean_text("reason", reason, max_length=TEXT_MAX)
    if ticket.status not in OPEN_STATUSES:
        raise Conflict(
            _("Ticket %(reference)s is %(status)s; only open tickets can be raised.")
            % {"reference": ticket.reference, "status": ticket.status},
            extra={"current": ticket.status},
        )
    if SuperEmergency.objects.filter(ticket=ticket).exclude(status=EmergencyStatus.CLOSED).exists():
        raise Conflict(
            _("Ticket %(reference)s already is a super emergency.")
            % {"reference": ticket.reference}
        )
    emergency = SuperEmergency.objects.create(
        ticket=ticket, reason=text, raised_by=actor, raised_at=timezone.now()
    )
    set_flags(ticket, actor, "ticket.super_emergency", is_super_emergency=True)
    event(ticket, EventKind.SUPER_EMERGENCY, actor, body=text, step="raised")
    record(
        actor=actor,
        action="super_emergency.raised",
        instance=emergency,
        after={"ticket": ticket.reference, "reason": text},
    )
    notifications.notify(
        support_desk(),
        notifications.Message(
            kind="care.super_emergency",
            title=RAISED_TITLE,
            body=text,
            params={"reference": ticket.reference, "leader": str(actor)},
            ticket_id=ticket.pk,
            data={"reference": ticket.reference, "emergency": emergency.pk},
        ),
        dedupe_key=f"emergency:{emergency.pk}:raised",
    )
    return emergency


def _support_only(actor: User) -> None:
    require(may_handle_emergency, actor)


@transaction.atomic
def analyse(*, actor: User, emergency_id: int, analysis: str) -> SuperEmergency:
    """Seed 004 5.2.4: the support desk's analysis of the ticket."""
    _support_only(actor)
    emergency = _emergency(emergency_id)
    _open(emergency)
    text = clean_text("analysis", analysis, max_length=TEXT_MAX)
    before = snapshot(emergency, ["status", "analysis"])
    emergency.analysis = text
    emergency.analysed_by = actor
    emergency.analysed_at = timezone.now()
    if emergency.status == EmergencyStatus.RAISED:
        emergency.status = EmergencyStatus.ANALYSED
    emergency.save()
    event(emergency.ticket, EventKind.SUPER_EMERGENCY, actor, body=text, step="analysed")
    record(
        actor=actor,
        action="super_emergency.analysed",
        instance=emergency,
        before=before,
        after=snapshot(emergency, ["status", "analysis"]),
    )
    return emergency


def payload(emergency: SuperEmergency, group: ExternalGroup, message: str) -> dict[str, object]:
    """What the chat bridge receives: enough for a regional unit to act without logging in."""
    ticket: Ticket = emergency.ticket
    customer = ticket.customer
    return {
        "event": "super_emergency.forwarded",
        "group": group.code,
        "emergency": {
            "id": emergency.pk,
            "reason": emergency.reason,
            "analysis": emergency.analysis,
            "message": message,
            "raised_at": emergency.raised_at.isoformat(),
            "raised_by": str(emergency.raised_by) if emergency.raised_by else None,
        },
        "ticket": {
            "reference": ticket.reference,
            "subject": ticket.subject,
            "description": ticket.description,
            "category": ticket.category.code if ticket.category else None,
            "priority": ticket.priority.code,
            "received_at": ticket.received_at.isoformat(),
            "due_at": ticket.due_at.isoformat(),
        },
        "customer": {
            "name": customer.name,
            "phone": customer.phone,
            "address": customer.address,
        },
    }


@transaction.atomic
def forward(
    *, actor: User, emergency_id: int, groups: list[str], message: str = ""
) -> SuperEmergency:
    """Seed 004 5.2.5: post the ticket to each external group's webhook (after commit, with
    retries; see ``webhooks``)."""
    _support_only(actor)
    emergency = _emergency(emergency_id)
    _open(emergency)
    text = clean_text("message", message, max_length=TEXT_MAX, required=False)
    if not groups:
        raise ValidationFailed([("groups", _("Name at least one external group."))])
    found = {g.code: g for g in ExternalGroup.objects.filter(code__in=groups, is_active=True)}
    unknown = [code for code in groups if code not in found]
    if unknown:
        raise ValidationFailed(
            [
                (
                    "groups",
                    _("Unknown or inactive external groups: %(codes)s.")
                    % {"codes": ", ".join(unknown)},
                )
            ]
        )
    if not emergency.analysis:
        raise Conflict(
            _("Record the analysis before forwarding."),
            field="analysis",
            extra={"current": emergency.status},
        )
    ticket = Ticket.objects.select_related("customer", "category", "priority").get(
        pk=emergency.ticket_id
    )
    emergency.ticket = ticket
    for code in dict.fromkeys(groups):
        group = found[code]
        webhooks.queue(
            group,
            event="super_emergency.forwarded",
            payload=payload(emergency, group, text),
            emergency=emergency,
        )
    emergency.groups.add(*found.values())
    before = emergency.status
    emergency.status = EmergencyStatus.FORWARDED
    emergency.forwarded_at = timezone.now()
    emergency.save(update_fields=["status", "forwarded_at"])
    event(
        ticket,
        EventKind.SUPER_EMERGENCY,
        actor,
        body=text,
        step="forwarded",
        groups=list(dict.fromkeys(groups)),
    )
    record(
        actor=actor,
        action="super_emergency.forwarded",
        instance=emergency,
        before={"status": before},
        after={"status": emergency.status, "groups": list(dict.fromkeys(groups))},
    )
    return emergency


@transaction.atomic
def record_progress(
    *, actor: User, emergency_id: int, body: str, group: str | None = None
) -> ProgressUpdate:
    """Seed 004 5.2.6-5.2.7: progress from a group, relayed to the team leader who raised
    it (and the ticket's assignee)."""
    _support_only(actor)
    emergency = _emergency(emergency_id)
    _open(emergency)
    text = clean_text("body", body, max_length=TEXT_MAX)
    group_row = None
    if group:
        group_row = ExternalGroup.objects.filter(code=group).first()
        if group_row is None:
            raise ValidationFailed(
                [("group", _("Unknown external group '%(code)s'.") % {"code": group})]
            )
    update = ProgressUpdate.objects.create(
        emergency=emergency,
        group=group_row,
        body=text,
        recorded_by=actor,
        created_at=timezone.now(),
    )
    ticket = emergency.ticket
    event(
        ticket,
        EventKind.PROGRESS,
        actor,
        body=text,
        group=group_row.code if group_row else None,
        emergency=emergency.pk,
    )
    record(
        actor=actor,
        action="super_emergency.progress",
        instance=emergency,
        after={"progress": text, "group": group_row.code if group_row else None},
    )
    recipients = [u for u in (emergency.raised_by, ticket.assignee) if u is not None]
    notifications.notify(
        recipients,
        notifications.Message(
            kind="care.progress",
            title=PROGRESS_TITLE,
            body=text,
            params={"reference": ticket.reference},
            ticket_id=ticket.pk,
            data={"reference": ticket.reference, "emergency": emergency.pk, "update": update.pk},
        ),
        dedupe_key=f"progress:{update.pk}",
    )
    return update


@transaction.atomic
def close(*, actor: User, emergency_id: int, note: str = "") -> SuperEmergency:
    """The repair is done: the support desk or the raising team leader closes it."""
    emergency = _emergency(emergency_id)
    require(may_close_emergency, actor, emergency)
    _open(emergency)
    text = clean_text("note", note, max_length=TEXT_MAX, required=False)
    before = emergency.status
    emergency.status = EmergencyStatus.CLOSED
    emergency.closed_at = timezone.now()
    emergency.closed_by = actor
    emergency.save(update_fields=["status", "closed_at", "closed_by"])
    ticket = Ticket.objects.select_for_update().get(pk=emergency.ticket_id)
    event(ticket, EventKind.SUPER_EMERGENCY, actor, body=text, step="closed")
    record(
        actor=actor,
        action="super_emergency.closed",
        instance=emergency,
        before={"status": before},
        after={"status": emergency.status},
    )
    # The ticket stays marked: it was a super emergency (and is called back as one).
    return emergency
