"""Forwarding forms to divisions (seed 000 1.2.4-1.3.1) and the divisions' responses."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.accounts.models import User
from aduan.accounts.permissions import is_front_staff
from aduan.audit.services import record, snapshot
from aduan.core.errors import Conflict, NotFound
from aduan.core.permissions import require
from aduan.core.validation import Errors, clean_text
from aduan.organisation.models import TeamKind
from aduan.tickets.models import EventKind, Forwarding, ForwardingStatus, Status, Ticket
from aduan.tickets.permissions import may_answer_forwarding, may_forward
from aduan.tickets.services.common import (
    BODY_MAX,
    add_event,
    check_version,
    find_team,
    lock_ticket,
    save_ticket,
)
from aduan.tickets.services.status import apply_move, check_move
from aduan.tickets.workflow import Trigger


def forward_to_division(
    ticket: Ticket, actor: User, *, team_code: str | None, instructions: str
) -> Forwarding:
    errors = Errors()
    if not team_code:
        errors.add("team", _("Name the division to forward to."))
    team = find_team(errors, team_code)
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
    add_event(
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
        apply_move(ticket, actor, Status.FORWARDED, trigger=Trigger.CHOICE, note="")
    return forwarding


@transaction.atomic
def forward(
    *, actor: User, reference: str, team: str, instructions: str, version: int | None = None
) -> Forwarding:
    """Send the forwarding form to a division (seed 000 1.2.4). A ticket already forwarded
    may be sent to a second division too."""
    ticket = lock_ticket(actor, reference)
    check_version(ticket, version)
    require(may_forward, actor, ticket)
    note = clean_text("instructions", instructions, max_length=BODY_MAX)
    if ticket.status != Status.FORWARDED:
        check_move(ticket, actor, Status.FORWARDED, trigger=Trigger.CHOICE)
    return forward_to_division(ticket, actor, team_code=team, instructions=note)


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
    if forwarding is None or not may_answer_forwarding(actor, forwarding):
        # The front line sees the form, so it is told why; anyone else is told it is not there.
        if forwarding is not None and is_front_staff(actor):
            raise may_answer_forwarding.denied(actor, forwarding)
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
    add_event(
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
        apply_move(ticket, actor, Status.IN_PROGRESS, trigger=Trigger.DIVISION_RESPONSE, note="")
    else:
        save_ticket(ticket, [])
    return forwarding
