"""Special action by the director (seed 002 steps 16-17): when the customer is still not
satisfied with the corrective action, sales reports to the coordinator for special action
together with the director. Staff raise the request (or Aduan does, from a callback); the
director records the special action decided.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aduan.accounts.models import User
from aduan.audit.services import record
from aduan.care.models import SpecialAction, SpecialActionStatus
from aduan.care.permissions import may_decide_special_action, may_request_special_action
from aduan.care.services.common import event
from aduan.core.errors import Conflict, NotFound
from aduan.core.permissions import require
from aduan.core.validation import clean_text
from aduan.notifications import services as notifications
from aduan.organisation.selectors import Directory
from aduan.tickets.models import EventKind, Ticket
from aduan.tickets.permissions import get_visible_ticket

TEXT_MAX = 10_000
REQUESTED_TITLE = gettext_lazy("Special action needed on %(reference)s")
DECIDED_TITLE = gettext_lazy("The director decided a special action on %(reference)s")


def _create(ticket: Ticket, actor: User | None, reason: str, *, automatic: bool) -> SpecialAction:
    action = SpecialAction.objects.create(
        ticket=ticket,
        reason=reason,
        requested_by=actor,
        requested_at=timezone.now(),
        automatic=automatic,
    )
    event(ticket, EventKind.SPECIAL_ACTION, actor, body=reason, step="requested")
    record(
        actor=actor,
        action="special_action.requested",
        instance=action,
        after={"ticket": ticket.reference, "reason": reason, "automatic": automatic},
    )
    notifications.notify(
        Directory().management(),
        notifications.Message(
            kind="care.special_action",
            title=REQUESTED_TITLE,
            body=reason,
            params={"reference": ticket.reference},
            ticket_id=ticket.pk,
            data={"reference": ticket.reference, "special_action": action.pk},
        ),
        dedupe_key=f"special:{action.pk}:requested",
    )
    return action


@transaction.atomic
def request(*, actor: User, reference: str, reason: str) -> SpecialAction:
    """Bring the director in: the customer stays unsatisfied."""
    require(may_request_special_action, actor)
    ticket = get_visible_ticket(actor, reference, for_update=True)
    text = clean_text("reason", reason, max_length=TEXT_MAX)
    if SpecialAction.objects.filter(ticket=ticket, status=SpecialActionStatus.REQUESTED).exists():
        raise Conflict(
            _("Special action on %(reference)s is already waiting for the director.")
            % {"reference": ticket.reference}
        )
    return _create(ticket, actor, text, automatic=False)


def request_automatically(*, ticket: Ticket, reason: str) -> SpecialAction | None:
    """From a callback, inside its transaction; nothing if a request is already open."""
    if SpecialAction.objects.filter(ticket=ticket, status=SpecialActionStatus.REQUESTED).exists():
        return None
    return _create(ticket, None, reason[:TEXT_MAX], automatic=True)


@transaction.atomic
def decide(*, actor: User, action_id: int, decision: str) -> SpecialAction:
    """The director records the special action to take."""
    require(may_decide_special_action, actor)
    action = (
        SpecialAction.objects.select_for_update(of=("self",))
        .select_related("ticket", "requested_by")
        .filter(pk=action_id)
        .first()
    )
    if action is None:
        raise NotFound(_("No special action %(id)s.") % {"id": action_id})
    if action.status != SpecialActionStatus.REQUESTED:
        raise Conflict(
            _("This special action was already decided."), extra={"current": action.status}
        )
    text = clean_text("decision", decision, max_length=TEXT_MAX)
    action.status = SpecialActionStatus.DECIDED
    action.decision = text
    action.decided_by = actor
    action.decided_at = timezone.now()
    action.save(update_fields=["status", "decision", "decided_by", "decided_at"])
    ticket = action.ticket
    event(ticket, EventKind.SPECIAL_ACTION, actor, body=text, step="decided")
    record(
        actor=actor,
        action="special_action.decided",
        instance=action,
        before={"status": SpecialActionStatus.REQUESTED},
        after={"status": action.status, "decision": text},
    )
    recipients = [u for u in (action.requested_by, ticket.assignee) if u is not None]
    notifications.notify(
        recipients,
        notifications.Message(
            kind="care.special_action_decided",
            title=DECIDED_TITLE,
            body=text,
            params={"reference": ticket.reference},
            ticket_id=ticket.pk,
            data={"reference": ticket.reference, "special_action": action.pk},
        ),
        dedupe_key=f"special:{action.pk}:decided",
    )
    return action
