"""Callbacks, "caring" (seed 004 5.2.8, 5.3.9-10): resolved tickets of the kinds the
organisation chose go on the tier-2 outbound callback list; an agent calls the customer and
records the answer. "Not solved" reopens the ticket through the ticket transition service;
"solved" closes it the same way (the customer confirmed, seed 000 1.3). A customer who stays
unsatisfied after a reopening is brought to the director for special action (seed 002 steps
16-17).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aduan.accounts.models import User
from aduan.audit.services import record, snapshot
from aduan.care.models import (
    Callback,
    CallbackStatus,
    Promise,
    PromiseStatus,
)
from aduan.care.permissions import may_call_back
from aduan.care.services import special
from aduan.care.services.common import care_settings, event
from aduan.core.errors import Conflict, NotFound
from aduan.core.permissions import require
from aduan.core.validation import Errors
from aduan.notifications import services as notifications
from aduan.organisation.selectors import Directory
from aduan.tickets import services as ticket_services
from aduan.tickets.models import EventKind, Status, Ticket
from aduan.tickets.permissions import may_reopen_closed

REMARKS_MAX = 5_000
REOPEN_TITLE = gettext_lazy("%(reference)s: the customer says it is not solved; please reopen")
DEFAULT_REOPEN_NOTE = gettext_lazy("Callback: the customer says the problem is not solved.")
UNSATISFIED_REASON = gettext_lazy(
    "Callback: the customer is still not satisfied after the ticket was reopened "
    "(satisfaction %(satisfaction)s, solved: %(solved)s). %(remarks)s"
)


def reasons_for(ticket: Ticket) -> list[str]:
    """Why a resolved ticket belongs on the callback list (empty: it does not)."""
    settings = care_settings()
    reasons = []
    if settings.callback_super_emergency and ticket.is_super_emergency:
        reasons.append("super_emergency")
    if settings.callback_hard_complaint and ticket.is_hard_complaint:
        reasons.append("hard_complaint")
    if (
        settings.callback_promise
        and Promise.objects.filter(
            ticket=ticket, status__in=(PromiseStatus.ACTIVE, PromiseStatus.KEPT)
        ).exists()
    ):
        reasons.append("promise")
    if ticket.category_id in settings.callback_categories:
        reasons.append("category")
    if ticket.priority_id in settings.callback_priorities:
        reasons.append("priority")
    return reasons


def list_if_wanted(ticket: Ticket) -> Callback | None:
    """On resolution: put the ticket on the callback list, once per resolution."""
    reasons = reasons_for(ticket)
    if not reasons:
        return None
    callback, created = Callback.objects.get_or_create(
        ticket=ticket,
        round=ticket.reopen_count,
        defaults={"reasons": reasons, "created_at": timezone.now()},
    )
    if created:
        event(ticket, EventKind.CALLBACK, None, step="listed", reasons=reasons)
        record(actor=None, action="callback.listed", instance=callback, after={"reasons": reasons})
    return callback


@dataclass(frozen=True)
class Outcome:
    reached: bool
    solved: bool | None = None
    satisfaction: int | None = None
    remarks: str = ""


@dataclass
class OutcomeResult:
    callback: Callback
    reopened: bool = False
    closed: bool = False
    special_action_id: int | None = None
    notes: list[str] = field(default_factory=list)


AUDITED = ["status", "attempts", "reached", "solved", "satisfaction", "remarks"]


@transaction.atomic
def record_outcome(*, actor: User, callback_id: int, data: Outcome) -> OutcomeResult:
    """Record one call: not reached (try again, up to the attempts allowed), or the
    customer's answer."""
    require(may_call_back, actor)
    callback = (
        Callback.objects.select_for_update(of=("self",))
        .select_related("ticket")
        .filter(pk=callback_id)
        .first()
    )
    if callback is None:
        raise NotFound(_("No callback %(id)s.") % {"id": callback_id})
    if callback.status != CallbackStatus.PENDING:
        raise Conflict(
            _("This callback is already %(status)s.") % {"status": callback.get_status_display()},
            extra={"current": callback.status},
        )
    errors = Errors()
    remarks = errors.text("remarks", data.remarks, max_length=REMARKS_MAX, required=False)
    if data.reached:
        if data.solved is None:
            errors.add("solved", _("Say whether the customer's problem is solved."))
        if data.satisfaction is not None and not 1 <= data.satisfaction <= 5:
            errors.add("satisfaction", _("Between 1 and 5."))
    else:
        if data.solved is not None:
            errors.add("solved", _("Only when the customer was reached."))
        if data.satisfaction is not None:
            errors.add("satisfaction", _("Only when the customer was reached."))
    errors.raise_if_any()
    settings = care_settings()
    before = snapshot(callback, AUDITED)
    now = timezone.now()
    callback.attempts += 1
    callback.last_attempt_at = now
    callback.recorded_by = actor
    callback.recorded_at = now
    callback.reached = data.reached
    callback.remarks = remarks
    result = OutcomeResult(callback=callback)
    ticket = Ticket.objects.select_for_update().get(pk=callback.ticket_id)
    reopened_before = ticket.reopen_count
    if not data.reached:
        if callback.attempts >= settings.callback_max_attempts:
            callback.status = CallbackStatus.UNREACHABLE
    else:
        callback.status = CallbackStatus.DONE
        callback.solved = data.solved
        callback.satisfaction = data.satisfaction
    callback.save()
    event(
        ticket,
        EventKind.CALLBACK,
        actor,
        body=remarks,
        step="called",
        reached=data.reached,
        solved=data.solved,
        satisfaction=data.satisfaction,
        attempt=callback.attempts,
    )
    record(
        actor=actor,
        action="callback.outcome",
        instance=callback,
        before=before,
        after=snapshot(callback, AUDITED),
    )
    if not data.reached:
        return result
    if data.solved is False:
        _reopen(ticket, actor, remarks, result)
    elif ticket.status == Status.RESOLVED:
        ticket_services.transition(
            actor=actor,
            reference=ticket.reference,
            data=ticket_services.TransitionInput(to=Status.CLOSED, note=remarks),
        )
        result.closed = True
    unsatisfied = data.solved is False or (
        data.satisfaction is not None and data.satisfaction <= settings.unsatisfied_at_most
    )
    if unsatisfied and reopened_before >= 1:
        reason = str(UNSATISFIED_REASON) % {
            "satisfaction": data.satisfaction if data.satisfaction is not None else "-",
            "solved": _("yes") if data.solved else _("no"),
            "remarks": remarks,
        }
        action = special.request_automatically(ticket=ticket, reason=reason.strip())
        result.special_action_id = action.pk if action else None
    return result


def _reopen(ticket: Ticket, actor: User, remarks: str, result: OutcomeResult) -> None:
    note = remarks or str(DEFAULT_REOPEN_NOTE)
    if ticket.status == Status.RESOLVED or (
        ticket.status == Status.CLOSED and may_reopen_closed(actor)
    ):
        ticket_services.transition(
            actor=actor,
            reference=ticket.reference,
            data=ticket_services.TransitionInput(to=Status.OPEN, note=note),
        )
        result.reopened = True
        return
    if ticket.status == Status.CLOSED:
        # Reopening a closed ticket is for supervisors: the team leader is asked to.
        notifications.notify(
            Directory().leaders(ticket.team_id),
            notifications.Message(
                kind="care.reopen_requested",
                title=REOPEN_TITLE,
                body=note,
                params={"reference": ticket.reference},
                ticket_id=ticket.pk,
                data={"reference": ticket.reference, "callback": result.callback.pk},
            ),
            dedupe_key=f"callback:{result.callback.pk}:reopen",
        )
        result.notes.append("reopen_requested")


# --- the report (seed 004 5.3.10: "untuk selanjutnya di report oleh Support HC") ---------


def report(
    since: datetime.datetime | None = None, until: datetime.datetime | None = None
) -> dict[str, Any]:
    """Callback results for tickets listed in ``[since, until)``."""
    rows = Callback.objects.all()
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    if until is not None:
        rows = rows.filter(created_at__lt=until)
    # Aliases must not reuse field names ("reached", "solved"): Django would take them for
    # the aggregates inside each other's filters.
    totals = rows.aggregate(
        n_listed=Count("id"),
        n_pending=Count("id", filter=Q(status=CallbackStatus.PENDING)),
        n_reached=Count("id", filter=Q(status=CallbackStatus.DONE)),
        n_unreachable=Count("id", filter=Q(status=CallbackStatus.UNREACHABLE)),
        n_solved=Count("id", filter=Q(status=CallbackStatus.DONE, solved=True)),
        n_not_solved=Count("id", filter=Q(status=CallbackStatus.DONE, solved=False)),
        average=Avg("satisfaction"),
    )
    distribution = {
        str(score): count
        for score, count in rows.filter(satisfaction__isnull=False)
        .values_list("satisfaction")
        .annotate(n=Count("id"))
        .order_by("satisfaction")
    }
    by_category = [
        {
            "category": code or None,
            "listed": listed,
            "reached": reached,
            "solved": solved,
            "average_satisfaction": round(avg, 2) if avg is not None else None,
        }
        for code, listed, reached, solved, avg in rows.values("ticket__category__code")
        .annotate(
            n_listed=Count("id"),
            n_reached=Count("id", filter=Q(status=CallbackStatus.DONE)),
            n_solved=Count("id", filter=Q(status=CallbackStatus.DONE, solved=True)),
            average=Avg("satisfaction"),
        )
        .values_list("ticket__category__code", "n_listed", "n_reached", "n_solved", "average")
        .order_by("ticket__category__code")
    ]
    average = totals["average"]
    return {
        **{key[2:]: value for key, value in totals.items() if key.startswith("n_")},
        "average_satisfaction": round(average, 2) if average is not None else None,
        "satisfaction": {str(score): distribution.get(str(score), 0) for score in range(1, 6)},
        "by_category": by_category,
    }
