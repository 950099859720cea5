"""Promise management (seed 004 5.3): a promise to the customer with a due time, guarded by
a team leader who guards at most ``promise_cap`` promise tickets at once (3 by default).
A promise still open at its due time escalates: the guardian and the support desk are told,
and the ticket moves to the next tier through the ticket escalation service.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aduan.accounts.models import User
from aduan.accounts.system import system_user
from aduan.audit.services import record
from aduan.care.models import Promise, PromiseKind, PromiseStatus
from aduan.care.permissions import may_guard_promises, may_make_promise, support_desk
from aduan.care.services.common import care_settings, event
from aduan.core.errors import ApplicationError, Conflict, NotFound
from aduan.core.permissions import require
from aduan.core.validation import Errors
from aduan.notifications import services as notifications
from aduan.organisation.selectors import Directory
from aduan.tickets import services as ticket_services
from aduan.tickets.models import OPEN_STATUSES, EventKind, Ticket
from aduan.tickets.permissions import get_visible_ticket

logger = logging.getLogger(__name__)
TEXT_MAX = 5_000
BATCH = 200
OVERDUE_TITLE = gettext_lazy("Promise on %(reference)s is overdue (due %(due)s)")
ESCALATION_NOTE = gettext_lazy("Automatic escalation: the promise to the customer is overdue.")


class PromiseCapReached(Conflict):
    """The team leader already guards as many promise tickets as allowed."""

    code = "promise_cap_reached"


@dataclass(frozen=True)
class PromiseInput:
    description: str
    due_at: datetime.datetime
    kind: str = PromiseKind.OTHER
    guardian_id: int | None = None


def _guardian(errors: Errors, actor: User, guardian_id: int | None) -> User | None:
    if guardian_id is None:
        if may_guard_promises(actor):
            return actor
        errors.add("guardian_id", _("Name the team leader who guards this promise."))
        return None
    guardian = User.objects.filter(pk=guardian_id, is_active=True).first()
    if guardian is None or not may_guard_promises(guardian):
        errors.add(
            "guardian_id", _("User %(id)s is not an active team leader.") % {"id": guardian_id}
        )
        return None
    return guardian


@transaction.atomic
def make_promise(*, actor: User, reference: str, data: PromiseInput) -> Promise:
    """Record a promise to the customer. Refused when the guardian already guards
    ``promise_cap`` promise tickets."""
    require(may_make_promise, actor)
    ticket = get_visible_ticket(actor, reference, for_update=True)
    errors = Errors()
    description = errors.text("description", data.description, max_length=TEXT_MAX)
    now = timezone.now()
    if data.kind not in PromiseKind.values:
        errors.add("kind", _("One of: %(choices)s.") % {"choices": ", ".join(PromiseKind.values)})
    if timezone.is_naive(data.due_at):
        errors.add("due_at", _("Give a time zone, e.g. 2026-05-01T09:00:00+07:00."))
    elif data.due_at <= now:
        errors.add("due_at", _("Must be in the future."))
    elif data.due_at > now + datetime.timedelta(days=365):
        errors.add("due_at", _("Cannot be more than a year ahead."))
    guardian = _guardian(errors, actor, data.guardian_id)
    errors.raise_if_any()
    assert guardian is not None
    if ticket.status not in OPEN_STATUSES:
        raise Conflict(
            _("Ticket %(reference)s is %(status)s; promises are for open tickets.")
            % {"reference": ticket.reference, "status": ticket.status},
            extra={"current": ticket.status},
        )
    if Promise.objects.filter(ticket=ticket, status=PromiseStatus.ACTIVE).exists():
        raise Conflict(
            _("Ticket %(reference)s already has an open promise; keep or cancel it first.")
            % {"reference": ticket.reference}
        )
    # Lock the guardian's row: two promises made at once for the same leader queue here, so
    # the count below cannot be raced past the cap.
    User.objects.select_for_update().filter(pk=guardian.pk).first()
    guarded = list(
        Promise.objects.filter(guardian=guardian, status=PromiseStatus.ACTIVE)
        .select_related("ticket")
        .order_by("due_at")
    )
    cap = care_settings().promise_cap
    if len(guarded) >= cap:
        raise PromiseCapReached(
            _(
                "%(leader)s already guards %(count)d promise tickets (%(tickets)s), the most "
                "a team leader may guard at once. Keep or cancel one of them first, or ask "
                "another team leader."
            )
            % {
                "leader": str(guardian),
                "count": len(guarded),
                "tickets": ", ".join(p.ticket.reference for p in guarded),
            },
            field="guardian_id",
        )
    promise = Promise.objects.create(
        ticket=ticket,
        kind=data.kind,
        description=description,
        due_at=data.due_at,
        guardian=guardian,
        made_by=actor,
        created_at=now,
    )
    event(
        ticket,
        EventKind.PROMISE,
        actor,
        body=description,
        step="made",
        due_at=data.due_at.isoformat(),
        guardian=guardian.username,
        promise_kind=data.kind,
    )
    record(
        actor=actor,
        action="promise.made",
        instance=promise,
        after={
            "ticket": ticket.reference,
            "due_at": data.due_at.isoformat(),
            "guardian": guardian.pk,
            "kind": data.kind,
        },
    )
    return promise


def _promise(actor: User, promise_id: int) -> Promise:
    promise = (
        Promise.objects.select_for_update(of=("self",))
        .select_related("ticket")
        .filter(pk=promise_id)
        .first()
    )
    if promise is None or not may_make_promise(actor):
        raise NotFound(_("No promise %(id)s.") % {"id": promise_id})
    if promise.status != PromiseStatus.ACTIVE:
        raise Conflict(
            _("This promise is already %(status)s.") % {"status": promise.get_status_display()},
            extra={"current": promise.status},
        )
    return promise


@transaction.atomic
def close_promise(*, actor: User, promise_id: int, kept: bool, note: str = "") -> Promise:
    """The promise was kept, or is cancelled; either way the guardian is free again."""
    promise = _promise(actor, promise_id)
    errors = Errors()
    text = errors.text("note", note, max_length=TEXT_MAX, required=False)
    errors.raise_if_any()
    status = PromiseStatus.KEPT if kept else PromiseStatus.CANCELLED
    promise.status = status
    promise.closed_at = timezone.now()
    promise.closed_by = actor
    promise.outcome = text
    promise.save(update_fields=["status", "closed_at", "closed_by", "outcome"])
    event(promise.ticket, EventKind.PROMISE, actor, body=text, step=status)
    record(
        actor=actor,
        action=f"promise.{status}",
        instance=promise,
        before={"status": PromiseStatus.ACTIVE},
        after={"status": status},
    )
    return promise


@dataclass
class OverdueResult:
    promises: int = 0
    escalated: int = 0
    more: bool = False


def sweep_overdue(*, now: datetime.datetime | None = None, limit: int = BATCH) -> OverdueResult:
    """Escalate promises due by now and not yet escalated. Rows are locked with SKIP LOCKED
    and ``overdue_at`` set in the same transaction, so each promise escalates once however
    many workers sweep."""
    now = now or timezone.now()
    result = OverdueResult()
    with transaction.atomic():
        promises = list(
            Promise.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("ticket", "guardian")
            .filter(status=PromiseStatus.ACTIVE, overdue_at__isnull=True, due_at__lte=now)
            .order_by("due_at", "id")[:limit]
        )
        desk = support_desk() if promises else []
        system = system_user() if promises else None
        for promise in promises:
            promise.overdue_at = now
            promise.save(update_fields=["overdue_at"])
            ticket = promise.ticket
            event(
                ticket, EventKind.PROMISE, None, step="overdue", due_at=promise.due_at.isoformat()
            )
            record(
                actor=None,
                action="promise.overdue",
                instance=promise,
                before={"overdue_at": None},
                after={"overdue_at": now.isoformat()},
            )
            notifications.notify(
                [promise.guardian, *desk],
                notifications.Message(
                    kind="care.promise_overdue",
                    title=OVERDUE_TITLE,
                    body=promise.description,
                    params={
                        "reference": ticket.reference,
                        "due": timezone.localtime(promise.due_at).strftime("%Y-%m-%d %H:%M"),
                    },
                    ticket_id=ticket.pk,
                    data={"reference": ticket.reference, "promise": promise.pk},
                ),
                dedupe_key=f"promise:{promise.pk}:overdue",
            )
            result.promises += 1
            if ticket.status not in OPEN_STATUSES:
                continue
            assert system is not None
            try:
                with transaction.atomic():
                    ticket_services.escalate(
                        actor=system, reference=ticket.reference, note=str(ESCALATION_NOTE)
                    )
                result.escalated += 1
            except ApplicationError as exc:
                # Already with management: the director hears of it instead.
                logger.info("overdue promise %s not escalated: %s", promise.pk, exc.message)
                notifications.notify(
                    Directory().management(),
                    notifications.Message(
                        kind="care.promise_overdue",
                        title=OVERDUE_TITLE,
                        body=promise.description,
                        params={
                            "reference": ticket.reference,
                            "due": timezone.localtime(promise.due_at).strftime("%Y-%m-%d %H:%M"),
                        },
                        ticket_id=ticket.pk,
                        data={"reference": ticket.reference, "promise": promise.pk},
                    ),
                    dedupe_key=f"promise:{promise.pk}:overdue",
                )
        result.more = len(promises) >= limit
    return result


def guarded_by(user: User) -> list[Promise]:
    return list(
        Promise.objects.filter(guardian=user, status=PromiseStatus.ACTIVE)
        .select_related("ticket")
        .order_by("due_at")
    )


def ticket_promises(ticket: Ticket) -> list[Promise]:
    return list(
        Promise.objects.filter(ticket=ticket).select_related("guardian", "made_by").order_by("id")
    )
