"""Hard complaints (seed 004 5.1): how a ticket becomes one, and the support desk's actions.

A ticket is a hard complaint when the same customer reported the same problem (the same
category) ``repeat_threshold`` times or more within ``repeat_window_days`` (reopening with
"the problem persists" counts as a report), or when an agent ticks one of the criteria:
threatens to cancel, threatens to go to the press, speaks rudely, refuses the agent or asks
for a supervisor, will not hang up.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aduan.accounts.models import User
from aduan.audit.services import record
from aduan.care import matching
from aduan.care.models import (
    TICKED_CRITERIA,
    Criterion,
    HardComplaint,
    HardComplaintPhrase,
    HardComplaintStatus,
)
from aduan.care.permissions import (
    may_act_on_hard_complaint,
    may_edit_phrases,
    may_mark_hard,
    support_desk,
)
from aduan.care.services.common import care_settings, event, set_flags
from aduan.core.errors import Conflict, NotFound, ValidationFailed
from aduan.core.permissions import require
from aduan.core.validation import Errors, clean_text
from aduan.notifications import services as notifications
from aduan.tickets.models import EventKind, Ticket, TicketEvent
from aduan.tickets.permissions import get_visible_ticket

NOTE_MAX = 5_000
MARKED_TITLE = gettext_lazy("%(reference)s is a hard complaint: %(criteria)s")


@dataclass(frozen=True)
class Suggestion:
    criterion: str
    phrases: list[str]


def suggest(text: str) -> list[Suggestion]:
    """Criteria the phrase list finds in ``text``, in the order of ``Criterion``."""
    found = matching.current_matcher().find(text)
    return [Suggestion(c, found[c]) for c in TICKED_CRITERIA if c in found]


def ticket_text(ticket: Ticket) -> str:
    """What the customer said: subject, description and their messages on the timeline."""
    messages = TicketEvent.objects.filter(
        ticket=ticket, kind=EventKind.CUSTOMER_MESSAGE
    ).values_list("body", flat=True)
    return "\n".join([ticket.subject, ticket.description, *messages])


def repeat_count(ticket: Ticket) -> int:
    """How often the customer reported this problem: their tickets of the same category
    received in the window, plus the times those were reopened."""
    if ticket.category_id is None:
        return 1 + ticket.reopen_count
    window = datetime.timedelta(days=care_settings().repeat_window_days)
    since = min(ticket.received_at, timezone.now()) - window
    # The reopen count of each ticket rather than COUNT and SUM: a customer has a handful of
    # tickets of one category in the window, and compiling the aggregate cost more than
    # reading them (this runs for every new ticket; docs/performance.md).
    reopened = list(
        Ticket.objects.filter(
            customer_id=ticket.customer_id,
            category_id=ticket.category_id,
            received_at__gte=since,
        ).values_list("reopen_count", flat=True)
    )
    reports = len(reopened) + sum(reopened)
    return max(reports, 1 + ticket.reopen_count)


def _labels(criteria: list[str]) -> str:
    return ", ".join(str(Criterion(c).label) for c in criteria)


def _mark(
    ticket: Ticket, actor: User | None, criteria: list[str], repeats: int, note: str = ""
) -> HardComplaint:
    """Make or update the hard complaint and flag the ticket; tell the support desk when it
    becomes one."""
    now = timezone.now()
    complaint = HardComplaint.objects.select_for_update().filter(ticket=ticket).first()
    was_hard = ticket.is_hard_complaint
    before = list(complaint.criteria) if complaint else []
    if complaint is None:
        complaint = HardComplaint(ticket=ticket, marked_at=now, marked_by=actor)
    complaint.criteria = criteria
    complaint.repeat_count = repeats
    if criteria and not was_hard:
        complaint.status = HardComplaintStatus.OPEN
        complaint.marked_at = now
        complaint.marked_by = actor
    complaint.save()
    record(
        actor=actor,
        action="hard_complaint.criteria",
        instance=complaint,
        before={"criteria": before},
        after={"criteria": criteria, "repeat_count": repeats},
    )
    set_flags(ticket, actor, "ticket.hard_complaint", is_hard_complaint=bool(criteria))
    event(
        ticket,
        EventKind.HARD_COMPLAINT,
        actor,
        body=note,
        criteria=criteria,
        previous=before,
        repeat_count=repeats,
    )
    if criteria and not was_hard:
        notifications.notify(
            support_desk(),
            notifications.Message(
                kind="care.hard_complaint",
                title=MARKED_TITLE,
                params={"reference": ticket.reference, "criteria": _labels(criteria)},
                ticket_id=ticket.pk,
                data={"reference": ticket.reference, "criteria": criteria},
            ),
            dedupe_key=f"hard:{ticket.pk}:{int(now.timestamp())}",
        )
    return complaint


def check_repeats(ticket: Ticket, actor: User | None) -> HardComplaint | None:
    """The repeat rule, after intake, a reopening or a change of category. Adds (never
    removes) the "repeat" criterion."""
    settings = care_settings()
    if ticket.category_id is None and ticket.reopen_count + 1 < settings.repeat_threshold:
        return None
    repeats = repeat_count(ticket)
    if repeats < settings.repeat_threshold:
        return None
    current = HardComplaint.objects.filter(ticket=ticket).values_list("criteria", flat=True).first()
    criteria = list(current or [])
    if Criterion.REPEAT in criteria:
        return None
    return _mark(ticket, actor, [Criterion.REPEAT, *criteria], repeats)


@transaction.atomic
def set_criteria(*, actor: User, reference: str, criteria: list[str], note: str = "") -> Ticket:
    """The agent ticks the criteria they heard on the call (replacing earlier ticks; the
    counted "repeat" criterion stays). No criteria at all: no longer a hard complaint."""
    ticket = get_visible_ticket(actor, reference, for_update=True)
    require(may_mark_hard, actor)
    unknown = [c for c in criteria if c not in TICKED_CRITERIA]
    if unknown:
        raise ValidationFailed(
            [
                (
                    "criteria",
                    _("Unknown criteria %(unknown)s; choose from: %(choices)s.")
                    % {"unknown": ", ".join(unknown), "choices": ", ".join(TICKED_CRITERIA)},
                )
            ]
        )
    text = clean_text("note", note, max_length=NOTE_MAX, required=False)
    current = HardComplaint.objects.filter(ticket=ticket).first()
    keep_repeat = current is not None and Criterion.REPEAT in current.criteria
    wanted = ([Criterion.REPEAT.value] if keep_repeat else []) + [
        c for c in TICKED_CRITERIA if c in set(criteria)
    ]
    if current is None and not wanted:
        return ticket
    if current is not None and current.criteria == wanted and not text:
        return ticket
    _mark(ticket, actor, wanted, current.repeat_count if current else repeat_count(ticket), text)
    return ticket


@transaction.atomic
def record_action(
    *, actor: User, reference: str, note: str, status: str | None = None
) -> HardComplaint:
    """The support desk records what it did (seed 004 5.1.3-5.1.6): pulled the ticket,
    processed it, sent it to the regional group, received progress: a hard-complaint action
    (not a follow-up ticket, which is one that follows a closed ticket: Ticket.follows)."""
    require(may_act_on_hard_complaint, actor)
    ticket = get_visible_ticket(actor, reference, for_update=True)
    complaint = HardComplaint.objects.select_for_update().filter(ticket=ticket).first()
    if complaint is None or not ticket.is_hard_complaint:
        raise ValidationFailed(
            [
                (
                    "reference",
                    _("Ticket %(reference)s is not a hard complaint.")
                    % {"reference": ticket.reference},
                )
            ]
        )
    text = clean_text("note", note, max_length=NOTE_MAX)
    new_status = status or HardComplaintStatus.ACTING
    if new_status not in HardComplaintStatus.values:
        raise ValidationFailed(
            [
                (
                    "status",
                    _("One of: %(choices)s.") % {"choices": ", ".join(HardComplaintStatus.values)},
                )
            ]
        )
    before = complaint.status
    complaint.status = new_status
    complaint.last_action_at = timezone.now()
    complaint.last_action_by = actor
    complaint.save(update_fields=["status", "last_action_at", "last_action_by"])
    event(ticket, EventKind.HARD_COMPLAINT_ACTION, actor, body=text, status=new_status)
    record(
        actor=actor,
        action="hard_complaint.action",
        instance=complaint,
        before={"status": before},
        after={"status": new_status},
    )
    return complaint


# --- the phrase list ------------------------------------------------------------------------


@dataclass(frozen=True)
class PhraseInput:
    criterion: str
    phrase: str
    language: str = ""
    is_active: bool = True


def _require_admin(actor: User) -> None:
    require(may_edit_phrases, actor)


def _clean_phrase(data: PhraseInput) -> tuple[str, str, str]:
    errors: list[tuple[str, str]] = []
    if data.criterion not in TICKED_CRITERIA:
        errors.append(
            ("criterion", _("One of: %(choices)s.") % {"choices": ", ".join(TICKED_CRITERIA)})
        )
    checked = Errors()
    phrase = " ".join(checked.text("phrase", data.phrase, max_length=120).split())
    errors += checked.items
    if not checked and not matching.phrase_words(phrase):
        errors.append(("phrase", _("Give at least one word.")))
    if data.language not in ("", "id", "en"):
        errors.append(("language", _("One of: id, en, or empty.")))
    if errors:
        raise ValidationFailed(errors)
    return data.criterion, phrase.lower(), data.language


@transaction.atomic
def add_phrase(*, actor: User, data: PhraseInput) -> HardComplaintPhrase:
    _require_admin(actor)
    criterion, phrase, language = _clean_phrase(data)
    if HardComplaintPhrase.objects.filter(criterion=criterion, phrase=phrase).exists():
        raise Conflict(_("This phrase is already on the list."), field="phrase")
    row = HardComplaintPhrase.objects.create(
        criterion=criterion, phrase=phrase, language=language, is_active=data.is_active
    )
    record(
        actor=actor,
        action="hard_complaint_phrase.created",
        instance=row,
        after={"criterion": criterion, "phrase": phrase, "language": language},
    )
    return row


@transaction.atomic
def update_phrase(*, actor: User, phrase_id: int, data: PhraseInput) -> HardComplaintPhrase:
    _require_admin(actor)
    row = HardComplaintPhrase.objects.select_for_update().filter(pk=phrase_id).first()
    if row is None:
        raise NotFound(_("No phrase %(id)s.") % {"id": phrase_id})
    criterion, phrase, language = _clean_phrase(data)
    clash = HardComplaintPhrase.objects.filter(criterion=criterion, phrase=phrase).exclude(
        pk=row.pk
    )
    if clash.exists():
        raise Conflict(_("This phrase is already on the list."), field="phrase")
    before = {"criterion": row.criterion, "phrase": row.phrase, "is_active": row.is_active}
    row.criterion, row.phrase, row.language, row.is_active = (
        criterion,
        phrase,
        language,
        data.is_active,
    )
    row.save()
    record(
        actor=actor,
        action="hard_complaint_phrase.updated",
        instance=row,
        before=before,
        after={"criterion": criterion, "phrase": phrase, "is_active": data.is_active},
    )
    return row


@transaction.atomic
def delete_phrase(*, actor: User, phrase_id: int) -> None:
    _require_admin(actor)
    row = HardComplaintPhrase.objects.select_for_update().filter(pk=phrase_id).first()
    if row is None:
        raise NotFound(_("No phrase %(id)s.") % {"id": phrase_id})
    record(
        actor=actor,
        action="hard_complaint_phrase.deleted",
        instance=row,
        before={"criterion": row.criterion, "phrase": row.phrase},
    )
    row.delete()
