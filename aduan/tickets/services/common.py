"""What the ticket services share: the audited fields, the timeline and audit writes, the
optimistic version check, and look-ups of configuration by code with field-named errors."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.accounts.models import User
from aduan.accounts.permissions import may_own_tickets
from aduan.audit.services import record, snapshot
from aduan.core.errors import Conflict
from aduan.core.sequences import next_value
from aduan.core.validation import Errors
from aduan.organisation import selectors as org
from aduan.organisation.models import Category, Channel, Priority, Team
from aduan.tickets.models import EventKind, Forwarding, Ticket, TicketEvent
from aduan.tickets.permissions import get_visible_ticket
from aduan.tickets.signals import customer_answered

SUBJECT_MAX = 200
BODY_MAX = 20_000
AUDITED_FIELDS = (
    "status",
    "tier",
    "team",
    "assignee",
    "category",
    "priority",
    "is_technical",
    "subject",
    "due_at",
    "first_response_due_at",
    "reopen_count",
    "first_response_breached_at",
    "resolution_breached_at",
)


def audit_ticket(actor: User | None, action: str, ticket: Ticket, before: dict[str, Any]) -> None:
    record(
        actor=actor,
        action=action,
        instance=ticket,
        before=before,
        after=snapshot(ticket, AUDITED_FIELDS),
    )


def add_event(
    ticket: Ticket,
    kind: str,
    actor: User | None,
    *,
    body: str = "",
    internal: bool = False,
    channel: str = "",
    forwarding: Forwarding | None = None,
    **data: Any,
) -> TicketEvent:
    event = TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        author=actor,
        body=body,
        internal=internal,
        channel=channel,
        forwarding=forwarding,
        data=data,
    )
    if not internal and kind in (EventKind.REPLY, EventKind.SOLUTION_REPORT):
        # Mail and the other channels queue its delivery in this transaction (an outbox row)
        # and send after commit; see aduan/channels.
        customer_answered.send(sender=TicketEvent, event=event)
    return event


def save_ticket(ticket: Ticket, fields: list[str]) -> None:
    ticket.version += 1
    ticket.save(update_fields=[*fields, "version", "updated_at"])


def check_version(ticket: Ticket, version: int | None) -> None:
    if version is not None and version != ticket.version:
        raise Conflict(
            _(
                "Ticket %(reference)s was changed by someone else (your version %(yours)d, "
                "current %(current)d). Reload it and try again."
            )
            % {"reference": ticket.reference, "yours": version, "current": ticket.version},
            field="version",
            extra={"current_version": ticket.version},
        )


def lock_ticket(actor: User, reference: str) -> Ticket:
    return get_visible_ticket(actor, reference, for_update=True)


# --- look-ups of configuration by code, with field-named errors -------------------------


def find_channel(errors: Errors, code: str | None) -> Channel | None:
    if not code:
        errors.add("channel", _("This field is required and may not be empty."))
        return None
    channel = org.channel_by_code(code)
    if channel is None or not channel.is_active:
        errors.add("channel", _("Unknown or inactive channel '%(code)s'.") % {"code": code})
        return None
    return channel


def find_category(errors: Errors, code: str | None) -> Category | None:
    if not code:
        return None
    category = org.category_by_code(code)
    if category is None or not category.is_active:
        errors.add("category", _("Unknown or inactive category '%(code)s'.") % {"code": code})
        return None
    return category


def find_priority(errors: Errors, code: str | None) -> Priority | None:
    if not code:
        priority = org.default_priority()
        if priority is None:
            errors.add("priority", _("No priorities are configured."))
        return priority
    priority = org.priority_by_code(code)
    if priority is None:
        errors.add("priority", _("Unknown priority '%(code)s'.") % {"code": code})
    return priority


def find_team(errors: Errors, code: str | None, field: str = "team") -> Team | None:
    if not code:
        return None
    team = org.team_by_code(code)
    if team is None or not team.is_active:
        errors.add(field, _("Unknown or inactive team '%(code)s'.") % {"code": code})
        return None
    return team


def find_assignee(errors: Errors, user_id: int | None) -> User | None:
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        errors.add("assignee_id", _("No active user with id %(id)s.") % {"id": user_id})
        return None
    if not may_own_tickets(user):
        errors.add(
            "assignee_id",
            _("%(user)s cannot own tickets (role: %(role)s).")
            % {"user": user.username, "role": user.get_role_display()},
        )
        return None
    return user


def new_reference(received: datetime.datetime) -> str:
    year = timezone.localtime(received).year
    number = next_value(f"ticket_{year}")
    return f"{org.reference_prefix()}-{year}-{number:06d}"
