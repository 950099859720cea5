"""Every change to a ticket: creation, classification, messages, transitions, escalation,
forwarding to divisions and their responses.

Each public function is one transaction: it validates everything first, changes the rows,
writes the timeline entry and the audit entry, or raises and changes nothing. No other code
assigns ``ticket.status``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.accounts.models import Role, User
from aduan.accounts.roles import FRONT_STAFF, SUPERVISORS
from aduan.audit.services import record, snapshot
from aduan.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from aduan.core.sequences import next_value
from aduan.core.validation import Errors, clean_text
from aduan.customers.models import Customer
from aduan.organisation import selectors as org
from aduan.organisation.models import Category, Channel, ChannelKind, Priority, Team, TeamKind
from aduan.tickets import deadlines, lifecycle, workflow
from aduan.tickets.models import (
    EventKind,
    Forwarding,
    ForwardingStatus,
    SolutionChannel,
    Status,
    Ticket,
    TicketEvent,
    Tier,
)
from aduan.tickets.permissions import get_visible_ticket
from aduan.tickets.signals import customer_answered

SUBJECT_MAX = 200
BODY_MAX = 20_000
# A letter may be entered days after it arrived, but not years, and never in the future.
MAX_BACKDATE = datetime.timedelta(days=365)
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


def _audit(actor: User | None, action: str, ticket: Ticket, before: dict[str, Any]) -> None:
    record(
        actor=actor,
        action=action,
        instance=ticket,
        before=before,
        after=snapshot(ticket, AUDITED_FIELDS),
    )


def _event(
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


def _save(ticket: Ticket, fields: list[str]) -> None:
    ticket.version += 1
    ticket.save(update_fields=[*fields, "version", "updated_at"])


def _check_version(ticket: Ticket, version: int | None) -> None:
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


def _lock(actor: User, reference: str) -> Ticket:
    return get_visible_ticket(actor, reference, for_update=True)


# --- look-ups of configuration by code, with field-named errors -------------------------


def _channel(errors: Errors, code: str | None) -> Channel | None:
    if not code:
        errors.add("channel", _("This field is required and may not be empty."))
        return None
    channel = org.channel_by_code(code)
    if channel is None or not channel.is_active:
        errors.add("channel", _("Unknown or inactive channel '%(code)s'.") % {"code": code})
        return None
    return channel


def _category(errors: Errors, code: str | None) -> Category | None:
    if not code:
        return None
    category = org.category_by_code(code)
    if category is None or not category.is_active:
        errors.add("category", _("Unknown or inactive category '%(code)s'.") % {"code": code})
        return None
    return category


def _priority(errors: Errors, code: str | None) -> Priority | None:
    if not code:
        priority = org.default_priority()
        if priority is None:
            errors.add("priority", _("No priorities are configured."))
        return priority
    priority = org.priority_by_code(code)
    if priority is None:
        errors.add("priority", _("Unknown priority '%(code)s'.") % {"code": code})
    return priority


def _team(errors: Errors, code: str | None, field: str = "team") -> Team | None:
    if not code:
        return None
    team = org.team_by_code(code)
    if team is None or not team.is_active:
        errors.add(field, _("Unknown or inactive team '%(code)s'.") % {"code": code})
        return None
    return team


def _assignee(errors: Errors, user_id: int | None) -> User | None:
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        errors.add("assignee_id", _("No active user with id %(id)s.") % {"id": user_id})
        return None
    if user.role not in FRONT_STAFF:
        errors.add(
            "assignee_id",
            _("%(user)s cannot own tickets (role: %(role)s).")
            % {"user": user.username, "role": user.get_role_display()},
        )
        return None
    return user


# --- creation ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TicketInput:
    subject: str
    description: str
    channel: str | None = None
    customer_id: int | None = None
    category: str | None = None
    priority: str | None = None
    is_technical: bool | None = None
    team: str | None = None
    assignee_id: int | None = None
    received_at: datetime.datetime | None = None


def _new_reference(received: datetime.datetime) -> str:
    year = timezone.localtime(received).year
    number = next_value(f"ticket_{year}")
    return f"{org.reference_prefix()}-{year}-{number:06d}"


@transaction.atomic
def create_ticket(*, actor: User, data: TicketInput) -> Ticket:
    """Record a complaint. Staff enter it for a registered customer (seed 001 step 9) and it
    opens at once; a customer files their own on the portal and it waits as ``new``."""
    errors = Errors()
    now = timezone.now()
    subject = errors.check(
        "subject",
        lambda: clean_text("subject", data.subject, max_length=SUBJECT_MAX, single_line=True),
    )
    description = errors.check(
        "description", lambda: clean_text("description", data.description, max_length=BODY_MAX)
    )
    customer: Customer | None
    if actor.role == Role.CUSTOMER:
        customer = Customer.objects.filter(user=actor).first()
        if customer is None:
            raise PermissionDenied(_("Your login is not linked to a customer record."))
        if data.customer_id not in (None, customer.pk):
            errors.add("customer_id", _("Customers file complaints only for themselves."))
        channel_code: str | None = data.channel or "web"
        for field, value in (
            ("team", data.team),
            ("assignee_id", data.assignee_id),
            ("received_at", data.received_at),
            ("is_technical", data.is_technical),
            # Urgency is the front line's judgement, not the complainant's.
            ("priority", data.priority),
        ):
            if value is not None:
                errors.add(field, _("Only staff may set this field."))
    elif actor.role in FRONT_STAFF:
        channel_code = data.channel
        customer = None
        if data.customer_id is None:
            errors.add("customer_id", _("Register or look up the customer first."))
        else:
            try:
                # get(), not first(): a look-up by primary key needs no ORDER BY, and
                # compiling the customers' ordering (by name) cost every new ticket.
                customer = Customer.objects.get(pk=data.customer_id)
            except Customer.DoesNotExist:
                errors.add(
                    "customer_id", _("No customer with id %(id)s.") % {"id": data.customer_id}
                )
    else:
        raise PermissionDenied(_("Your role may not record complaints."))

    channel = _channel(errors, channel_code)
    if actor.role == Role.CUSTOMER and channel is not None and channel.kind != ChannelKind.WEB:
        errors.add("channel", _("Complaints filed on the portal use the web channel."))
    category = _category(errors, data.category)
    priority = _priority(errors, data.priority)
    team = _team(errors, data.team)
    assignee = _assignee(errors, data.assignee_id)
    received = data.received_at or now
    if data.received_at is not None:
        if timezone.is_naive(received):
            errors.add("received_at", _("Give a time zone, e.g. 2026-05-01T09:00:00+07:00."))
        elif received > now + datetime.timedelta(minutes=5):
            errors.add("received_at", _("Cannot be in the future."))
        elif received < now - MAX_BACKDATE:
            errors.add("received_at", _("Cannot be more than a year ago."))
    errors.raise_if_any()
    assert customer is not None and channel is not None and priority is not None

    if team is None:
        team = (category.default_team if category else None) or org.default_intake_team()
    is_technical = data.is_technical
    if is_technical is None:
        is_technical = bool(category and category.is_technical)
    tier = (team.tier if team else None) or Tier.FRONT_LINE
    if team is not None and team.kind == TeamKind.DIVISION:
        # A division is not a tier; it gets tickets through forwarding forms.
        tier = Tier.FRONT_LINE

    ticket = Ticket(
        reference=_new_reference(received),
        channel=channel,
        category=category,
        is_technical=is_technical,
        priority=priority,
        subject=str(subject),
        description=str(description),
        customer=customer,
        team=team,
        assignee=assignee,
        tier=tier,
        status=Status.NEW if actor.role == Role.CUSTOMER else Status.OPEN,
        received_at=received,
        created_by=actor,
    )
    # The service-level policy for its priority, category and channel sets the due times.
    deadlines.start(ticket)
    ticket.save(force_insert=True)
    _event(ticket, EventKind.CREATED, actor, channel=channel.code, status=ticket.status)
    _audit(actor, "ticket.created", ticket, {})
    lifecycle.ticket_created.send(sender=Ticket, ticket=ticket, actor=actor)
    return ticket


# --- classification and assignment --------------------------------------------------------


_UNSET: Any = object()


@dataclass(frozen=True)
class TicketChanges:
    """Fields to change; ``_UNSET`` means leave alone, ``None`` clears where allowed."""

    subject: str = _UNSET
    category: str | None = _UNSET
    priority: str = _UNSET
    is_technical: bool = _UNSET
    team: str | None = _UNSET
    assignee_id: int | None = _UNSET
    version: int | None = None


@transaction.atomic
def update_ticket(*, actor: User, reference: str, changes: TicketChanges) -> Ticket:
    """Classify (seed 000 1.1.3), reprioritise, move to another team or assign."""
    ticket = _lock(actor, reference)
    if actor.role not in FRONT_STAFF:
        raise PermissionDenied(_("Only front-line staff may classify or assign tickets."))
    _check_version(ticket, changes.version)
    if ticket.status in (Status.CLOSED, Status.CANCELLED):
        raise Conflict(
            _("Ticket %(reference)s is %(status)s and can no longer be changed.")
            % {"reference": ticket.reference, "status": ticket.get_status_display()},
            field="status",
        )
    before = snapshot(ticket, AUDITED_FIELDS)
    errors = Errors()
    fields: list[str] = []
    if changes.subject is not _UNSET:
        subject = errors.check(
            "subject",
            lambda: clean_text(
                "subject", changes.subject, max_length=SUBJECT_MAX, single_line=True
            ),
        )
        if subject is not None:
            ticket.subject = str(subject)
            fields.append("subject")
    if changes.category is not _UNSET:
        ticket.category = _category(errors, changes.category) if changes.category else None
        fields.append("category")
    if changes.is_technical is not _UNSET:
        if changes.is_technical is None:
            errors.add("is_technical", _("Must be true or false."))
        else:
            ticket.is_technical = changes.is_technical
            fields.append("is_technical")
    elif changes.category is not _UNSET and ticket.category is not None:
        ticket.is_technical = ticket.category.is_technical
        fields.append("is_technical")
    if changes.priority is not _UNSET:
        if not changes.priority:
            errors.add("priority", _("This field may not be empty."))
        else:
            priority = _priority(errors, changes.priority)
            if priority is not None and priority.pk != ticket.priority_id:
                ticket.priority = priority
                fields.append("priority")
    if changes.team is not _UNSET:
        if changes.team is None:
            ticket.team = None
        else:
            team = _team(errors, changes.team)
            if team is not None and team.kind == TeamKind.DIVISION:
                errors.add("team", _("Divisions receive tickets by forwarding, not ownership."))
            elif team is not None:
                ticket.team = team
        fields.append("team")
    if changes.assignee_id is not _UNSET:
        ticket.assignee = _assignee(errors, changes.assignee_id) if changes.assignee_id else None
        fields.append("assignee")
    errors.raise_if_any()
    if not fields:
        return ticket
    reclassified = [
        name
        for name in ("category", "priority")
        if name in fields
        and before[name] != (ticket.category_id if name == "category" else ticket.priority_id)
    ]
    if reclassified:
        # The policy may differ for the new priority or category: due times follow.
        fields += deadlines.retarget(ticket)
    _save(ticket, fields)
    after = snapshot(ticket, AUDITED_FIELDS)
    changed = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if changed:
        _event(ticket, EventKind.ASSIGNMENT, actor, internal=True, changes=changed)
        _audit(actor, "ticket.updated", ticket, before)
    if reclassified:
        lifecycle.ticket_classified.send(
            sender=Ticket, ticket=ticket, actor=actor, fields=reclassified
        )
    return ticket


# --- messages -----------------------------------------------------------------------------


@transaction.atomic
def add_message(
    *,
    actor: User,
    reference: str,
    body: str,
    internal: bool = False,
    channel: str | None = None,
) -> TicketEvent:
    """A message on the timeline: the customer writes, staff reply to the customer or write
    an internal note. Division staff and verificators write internal notes only."""
    ticket = _lock(actor, reference)
    text = clean_text("body", body, max_length=BODY_MAX)
    channel_value = (channel or "").strip()
    if channel_value and channel_value not in SolutionChannel.values:
        raise ValidationFailed(
            [
                (
                    "channel",
                    _("Must be one of: %(choices)s.")
                    % {"choices": ", ".join(SolutionChannel.values)},
                )
            ]
        )
    if ticket.status in (Status.CLOSED, Status.CANCELLED):
        raise Conflict(
            _("Ticket %(reference)s is %(status)s; file a new complaint instead.")
            % {"reference": ticket.reference, "status": ticket.get_status_display()},
            field="status",
            extra={"current": ticket.status},
        )
    if actor.role == Role.CUSTOMER:
        if internal:
            raise ValidationFailed([("internal", _("Customers cannot write internal notes."))])
        event = _event(
            ticket,
            EventKind.CUSTOMER_MESSAGE,
            actor,
            body=text,
            channel=channel_value or SolutionChannel.PORTAL,
        )
    elif actor.role in FRONT_STAFF:
        if internal:
            event = _event(ticket, EventKind.NOTE, actor, body=text, internal=True)
        else:
            event = _event(
                ticket,
                EventKind.REPLY,
                actor,
                body=text,
                channel=channel_value or SolutionChannel.PORTAL,
            )
            if ticket.first_response_at is None:
                ticket.first_response_at = timezone.now()
                sla_fields, sla_events = deadlines.on_first_response(
                    ticket, ticket.first_response_at
                )
                _save(ticket, ["first_response_at", *sla_fields])
                TicketEvent.objects.bulk_create(sla_events)
            if ticket.status == Status.NEW:
                _apply(ticket, actor, Status.OPEN, note="")
    else:
        if not internal:
            raise PermissionDenied(
                _("Your role writes internal notes only; the front line answers the customer."),
                field="internal",
            )
        event = _event(ticket, EventKind.NOTE, actor, body=text, internal=True)
    # The timeline keeps what was said; the audit log records who added it, like every change.
    record(
        actor=actor,
        action="ticket.message",
        instance=ticket,
        after={
            "event": event.pk,
            "kind": event.kind,
            "internal": event.internal,
            "channel": event.channel,
        },
    )
    return event


# --- transitions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TransitionInput:
    to: str
    note: str = ""
    team: str | None = None
    channel: str | None = None
    version: int | None = None


def _refuse(ticket: Ticket, actor: User, target: str) -> Conflict:
    allowed = workflow.allowed_targets(ticket.status, actor.role, ticket.tier)
    return Conflict(
        _(
            "Ticket %(reference)s is %(status)s; it cannot move to '%(target)s'. "
            "Allowed for you: %(allowed)s."
        )
        % {
            "reference": ticket.reference,
            "status": ticket.status,
            "target": target,
            "allowed": ", ".join(allowed) or _("none"),
        },
        field="to",
        extra={"current": ticket.status, "allowed": allowed},
    )


@transaction.atomic
def transition(*, actor: User, reference: str, data: TransitionInput) -> Ticket:
    """Move a ticket to another status, if the workflow table allows it for this person."""
    ticket = _lock(actor, reference)
    _check_version(ticket, data.version)
    target = data.to
    if target not in Status.values:
        raise ValidationFailed(
            [
                (
                    "to",
                    _("Unknown status '%(to)s'; one of: %(choices)s.")
                    % {"to": target, "choices": ", ".join(Status.values)},
                )
            ]
        )
    move = workflow.move_for(ticket.status, target)
    if move is None:
        raise _refuse(ticket, actor, target)
    if not workflow.role_may(move, actor.role, ticket.tier):
        if actor.role in move.roles:
            raise PermissionDenied(
                _("At tier 3 only management (director or manager) may do this."), field="to"
            )
        if target in workflow.all_targets(ticket.status):
            raise PermissionDenied(
                _("Your role (%(role)s) may not move a ticket to '%(to)s'.")
                % {"role": actor.get_role_display(), "to": target},
                field="to",
            )
        raise _refuse(ticket, actor, target)
    note = clean_text("note", data.note, max_length=BODY_MAX, required=move.needs_note)
    if target == Status.FORWARDED:
        _forward(ticket, actor, team_code=data.team, instructions=note)
        return ticket
    channel = ""
    if target == Status.RESOLVED:
        channel = (data.channel or "").strip()
        if channel not in SolutionChannel.values:
            raise ValidationFailed(
                [
                    (
                        "channel",
                        _("Say how the solution reached the customer: one of %(choices)s.")
                        % {"choices": ", ".join(SolutionChannel.values)},
                    )
                ]
            )
    elif data.channel:
        raise ValidationFailed([("channel", _("Only used when resolving."))])
    if data.team:
        raise ValidationFailed([("team", _("Only used when forwarding to a division."))])
    if actor.role == Role.CUSTOMER and target == Status.OPEN:
        # The customer's own words about what still fails belong in their timeline.
        _event(ticket, EventKind.CUSTOMER_MESSAGE, actor, body=note, channel=SolutionChannel.PORTAL)
    _apply(ticket, actor, target, note=note, channel=channel)
    return ticket


def _apply(
    ticket: Ticket, actor: User | None, target: str, *, note: str, channel: str = ""
) -> None:
    """Change the status and everything that goes with it. Callers have checked the move."""
    before = snapshot(ticket, AUDITED_FIELDS)
    source = ticket.status
    now = timezone.now()
    fields = ["status"]
    ticket.status = target
    if target == Status.RESOLVED:
        ticket.resolved_at = now
        fields.append("resolved_at")
        if ticket.first_response_at is None:
            ticket.first_response_at = now
            fields.append("first_response_at")
        _withdraw_open_forwardings(ticket, actor)
    elif target == Status.CLOSED:
        ticket.closed_at = now
        fields.append("closed_at")
    elif target == Status.CANCELLED:
        ticket.closed_at = now
        fields.append("closed_at")
        _withdraw_open_forwardings(ticket, actor)
    if source in workflow.REOPEN_SOURCES and target == Status.OPEN:
        ticket.reopen_count += 1
        ticket.resolved_at = None
        ticket.closed_at = None
        fields += ["reopen_count", "resolved_at", "closed_at"]
    # Pending pauses the clock, reopening gives a fresh resolution target from now,
    # resolving late records the missed target (aduan.sla).
    sla_fields, sla_events = deadlines.on_status_change(ticket, source, target, now)
    fields += sla_fields
    _save(ticket, fields)
    _event(
        ticket,
        EventKind.STATUS_CHANGE,
        actor,
        body=note,
        internal=False,
        source=source,
        target=target,
    )
    if target == Status.RESOLVED:
        _event(ticket, EventKind.SOLUTION_REPORT, actor, body=note, channel=channel)
    TicketEvent.objects.bulk_create(sla_events)
    _audit(actor, "ticket.status", ticket, before)
    lifecycle.status_changed.send(
        sender=Ticket, ticket=ticket, actor=actor, source=source, target=target
    )


def _withdraw_open_forwardings(ticket: Ticket, actor: User | None) -> None:
    # One row per division still working on it, rarely more than one or two.
    for forwarding in Forwarding.objects.filter(ticket=ticket, status=ForwardingStatus.SENT):
        forwarding.status = ForwardingStatus.WITHDRAWN
        forwarding.save(update_fields=["status"])
        record(
            actor=actor,
            action="forwarding.withdrawn",
            instance=forwarding,
            before={"status": ForwardingStatus.SENT},
            after={"status": ForwardingStatus.WITHDRAWN},
        )


# --- forwarding to divisions ----------------------------------------------------------------


def _forward(
    ticket: Ticket, actor: User, *, team_code: str | None, instructions: str
) -> Forwarding:
    errors = Errors()
    if not team_code:
        errors.add("team", _("Name the division to forward to."))
    team = _team(errors, team_code)
    if team is not None and team.kind != TeamKind.DIVISION:
        errors.add("team", _("'%(code)s' is not a division.") % {"code": team.code})
    errors.raise_if_any()
    assert team is not None
    if Forwarding.objects.filter(ticket=ticket, team=team, status=ForwardingStatus.SENT).exists():
        raise Conflict(
            _("Ticket %(reference)s already waits for %(team)s.")
            % {"reference": ticket.reference, "team": team.name},
            field="team",
        )
    forwarding = Forwarding.objects.create(
        ticket=ticket, team=team, instructions=instructions, created_by=actor
    )
    record(
        actor=actor,
        action="forwarding.created",
        instance=forwarding,
        after=snapshot(forwarding, ["ticket", "team", "instructions"]),
    )
    _event(
        ticket,
        EventKind.FORWARDED,
        actor,
        body=instructions,
        internal=True,
        forwarding=forwarding,
        team=team.code,
    )
    if ticket.status != Status.FORWARDED:
        # The status change is in the customer's timeline; the instructions to the division
        # are internal and stay in the FORWARDED entry above.
        _apply(ticket, actor, Status.FORWARDED, note="")
    return forwarding


@transaction.atomic
def forward(
    *, actor: User, reference: str, team: str, instructions: str, version: int | None = None
) -> Forwarding:
    """Send the forwarding form to a division (seed 000 1.2.4). A ticket already forwarded
    may be sent to a second division too."""
    ticket = _lock(actor, reference)
    _check_version(ticket, version)
    if actor.role not in FRONT_STAFF:
        raise PermissionDenied(_("Only front-line staff may forward tickets."))
    note = clean_text("instructions", instructions, max_length=BODY_MAX)
    if ticket.status != Status.FORWARDED:
        move = workflow.move_for(ticket.status, Status.FORWARDED)
        if move is None:
            raise _refuse(ticket, actor, Status.FORWARDED)
    return _forward(ticket, actor, team_code=team, instructions=note)


@dataclass(frozen=True)
class DivisionResponse:
    findings: str
    solution: str = ""
    user_steps: str = ""


@transaction.atomic
def respond_to_forwarding(*, actor: User, forwarding_id: int, data: DivisionResponse) -> Forwarding:
    """The division's findings and solution or steps for the user (seed 000 1.2.6-1.3.1).
    When no other division is still working on it, the ticket returns to the front line."""
    forwarding = (
        Forwarding.objects.select_for_update(of=("self",))
        .select_related("ticket", "team")
        .filter(pk=forwarding_id)
        .first()
    )
    allowed = forwarding is not None and (
        actor.role in (Role.ADMIN,)
        or (actor.role == Role.DIVISION and actor.teams.filter(pk=forwarding.team_id).exists())
    )
    if forwarding is None or not allowed:
        if forwarding is not None and actor.role in FRONT_STAFF:
            raise PermissionDenied(_("Only the division it was forwarded to may answer it."))
        raise NotFound(_("No forwarding form %(id)s for you.") % {"id": forwarding_id})
    if forwarding.status != ForwardingStatus.SENT:
        raise Conflict(
            _("This forwarding form is already %(status)s.")
            % {"status": forwarding.get_status_display()},
            extra={"current": forwarding.status},
        )
    errors = Errors()
    findings = errors.check(
        "findings", lambda: clean_text("findings", data.findings, max_length=BODY_MAX)
    )
    solution = errors.check(
        "solution",
        lambda: clean_text("solution", data.solution, max_length=BODY_MAX, required=False),
    )
    steps = errors.check(
        "user_steps",
        lambda: clean_text("user_steps", data.user_steps, max_length=BODY_MAX, required=False),
    )
    if not errors and not solution and not steps:
        errors.add("solution", _("Give a solution or steps for the user (or both)."))
    errors.raise_if_any()
    forwarding.findings = str(findings)
    forwarding.solution = str(solution or "")
    forwarding.user_steps = str(steps or "")
    forwarding.status = ForwardingStatus.RESPONDED
    forwarding.responded_by = actor
    forwarding.responded_at = timezone.now()
    forwarding.save()
    record(
        actor=actor,
        action="forwarding.responded",
        instance=forwarding,
        after=snapshot(forwarding, ["status", "findings", "solution", "user_steps"]),
    )
    ticket = Ticket.objects.select_for_update().get(pk=forwarding.ticket_id)
    body = "\n\n".join(
        part
        for part in (
            _("Findings: %(text)s") % {"text": forwarding.findings},
            _("Solution: %(text)s") % {"text": forwarding.solution} if forwarding.solution else "",
            _("Steps for the user: %(text)s") % {"text": forwarding.user_steps}
            if forwarding.user_steps
            else "",
        )
        if part
    )
    _event(
        ticket,
        EventKind.DIVISION_RESPONSE,
        actor,
        body=body,
        internal=True,
        forwarding=forwarding,
        team=forwarding.team.code,
    )
    still_waiting = Forwarding.objects.filter(ticket=ticket, status=ForwardingStatus.SENT).exists()
    if ticket.status == Status.FORWARDED and not still_waiting:
        _apply(ticket, actor, Status.IN_PROGRESS, note="")
    else:
        _save(ticket, [])
    return forwarding


# --- escalation -----------------------------------------------------------------------------


@transaction.atomic
def escalate(
    *, actor: User, reference: str, note: str, team: str | None = None, version: int | None = None
) -> Ticket:
    """Move the ticket one tier up: front line to support, support to management
    (seed 001 step 6)."""
    ticket = _lock(actor, reference)
    _check_version(ticket, version)
    if actor.role not in FRONT_STAFF:
        raise PermissionDenied(_("Only front-line staff may escalate tickets."))
    text = clean_text("note", note, max_length=BODY_MAX)
    if ticket.status not in (
        Status.NEW,
        Status.OPEN,
        Status.IN_PROGRESS,
        Status.FORWARDED,
        Status.PENDING,
    ):
        raise Conflict(
            _("Ticket %(reference)s is %(status)s; only open tickets can be escalated.")
            % {"reference": ticket.reference, "status": ticket.status},
            extra={"current": ticket.status},
        )
    if ticket.tier >= Tier.MANAGEMENT:
        raise Conflict(
            _("Ticket %(reference)s is already with management (tier 3).")
            % {"reference": ticket.reference},
            extra={"current_tier": ticket.tier},
        )
    errors = Errors()
    new_tier = ticket.tier + 1
    target_team = _team(errors, team) if team else org.team_for_tier(new_tier)
    if target_team is not None and target_team.tier != new_tier:
        errors.add(
            "team",
            _("'%(code)s' does not work tier %(tier)d.")
            % {"code": target_team.code, "tier": new_tier},
        )
    errors.raise_if_any()
    before = snapshot(ticket, AUDITED_FIELDS)
    old_tier = ticket.tier
    ticket.tier = new_tier
    fields = ["tier"]
    if target_team is not None:
        ticket.team = target_team
        # The new tier picks its own owner.
        ticket.assignee = None
        fields += ["team", "assignee"]
    _save(ticket, fields)
    _event(
        ticket,
        EventKind.ESCALATION,
        actor,
        body=text,
        internal=True,
        source_tier=old_tier,
        target_tier=new_tier,
        team=target_team.code if target_team else None,
    )
    _audit(actor, "ticket.escalated", ticket, before)
    if ticket.status == Status.NEW:
        _apply(ticket, actor, Status.OPEN, note="")
    return ticket


def may_reopen_closed(user: User) -> bool:
    return user.role in SUPERVISORS


# --- intake by mail and the other channels ----------------------------------------------------
# Complaints that arrive by themselves (aduan.channels: mail, chat, SMS, social media). Nobody
# is signed in: the system is the actor, and what the message says never makes it anything
# but the customer's own words.


@transaction.atomic
def receive_from_channel(
    *,
    channel: str,
    customer: Customer,
    subject: str,
    description: str,
    follows: Ticket | None = None,
    details: dict[str, Any] | None = None,
) -> tuple[Ticket, TicketEvent]:
    """Open a ticket for a complaint that arrived by itself. Like one filed on the portal it
    waits as ``new`` for the front line to classify. ``follows`` is the closed ticket the
    customer wrote to again: the new one is its linked follow-up. Keep in step with
    ``create_ticket``."""
    errors = Errors()
    subject_text = errors.text("subject", subject, max_length=SUBJECT_MAX, single_line=True)
    description_text = errors.text("description", description, max_length=BODY_MAX)
    channel_row = _channel(errors, channel)
    priority = _priority(errors, None)
    errors.raise_if_any()
    assert channel_row is not None and priority is not None
    received = timezone.now()
    team = org.default_intake_team()
    ticket = Ticket(
        reference=_new_reference(received),
        channel=channel_row,
        priority=priority,
        subject=subject_text,
        description=description_text,
        customer=customer,
        team=team,
        tier=(team.tier if team else None) or Tier.FRONT_LINE,
        status=Status.NEW,
        received_at=received,
    )
    deadlines.start(ticket)
    ticket.save(force_insert=True)
    extra = dict(details or {})
    if follows is not None:
        extra["follows"] = follows.reference
    event = _event(
        ticket, EventKind.CREATED, None, channel=channel_row.code, status=ticket.status, **extra
    )
    _audit(None, "ticket.created", ticket, {})
    lifecycle.ticket_created.send(sender=Ticket, ticket=ticket, actor=None)
    if follows is not None:
        _event(
            follows,
            EventKind.NOTE,
            None,
            body=_("The customer wrote again after closing; follow-up ticket %(reference)s.")
            % {"reference": ticket.reference},
            internal=True,
            follow_up=ticket.reference,
        )
    return ticket, event


def accepts_channel_message(ticket: Ticket, *, reopen_closed: bool) -> bool:
    """Whether a customer's message by mail or another channel joins ``ticket`` (else the
    caller opens a linked follow-up): cancelled tickets never take one, closed ones only
    when the organisation reopens them on a reply."""
    if ticket.status == Status.CANCELLED:
        return False
    return ticket.status != Status.CLOSED or reopen_closed


@transaction.atomic
def receive_channel_message(
    *,
    ticket_id: int,
    customer: Customer,
    body: str,
    channel: str,
    reopen_closed: bool = False,
    details: dict[str, Any] | None = None,
) -> TicketEvent:
    """The customer writes again on an existing ticket, by mail or another channel. On a
    resolved ticket that is "the problem persists" and reopens it (seed 000 1.3.4); a closed
    one reopens only with ``reopen_closed``. Refuses (Conflict) where
    ``accepts_channel_message`` says no."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket_id)
    text = clean_text("body", body, max_length=BODY_MAX)
    if not accepts_channel_message(ticket, reopen_closed=reopen_closed):
        raise Conflict(
            _("Ticket %(reference)s is %(status)s; file a new complaint instead.")
            % {"reference": ticket.reference, "status": ticket.get_status_display()},
            field="status",
            extra={"current": ticket.status},
        )
    # Only the customer's own portal login may stand as the author: whatever the message
    # claims, it never becomes a staff member's words.
    user = customer.user if customer.user_id else None
    author = user if user is not None and user.role == Role.CUSTOMER else None
    extra = dict(details or {})
    if customer.pk != ticket.customer_id:
        extra["customer_id"] = customer.pk
    event = _event(ticket, EventKind.CUSTOMER_MESSAGE, author, body=text, channel=channel, **extra)
    if ticket.status in workflow.REOPEN_SOURCES:
        _apply(ticket, None, Status.OPEN, note="")
    else:
        _save(ticket, [])
    record(
        actor=None,
        action="ticket.message",
        instance=ticket,
        after={"event": event.pk, "kind": event.kind, "internal": False, "channel": channel},
    )
    return event
