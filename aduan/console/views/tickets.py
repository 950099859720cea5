"""The ticket page: details, customer panel, timeline, forwarding forms, attachments, and the
actions this person may take, each one form posting to one service.

Buttons come from the capabilities in ``tickets.permissions`` (moves: ``allowed_moves``,
from the workflow table); the services
check everything again. Every changing form carries the ticket's ``version``: a change made
by someone else since the page was opened is refused (409) with a clear message instead of
being overwritten.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aduan.accounts.models import User
from aduan.console.access import actor, staff_required
from aduan.console.forms import (
    AttachForm,
    ClassifyForm,
    EscalateForm,
    ForwardForm,
    MessageForm,
    MoveForm,
    NoteForm,
    TakeForm,
)
from aduan.core.errors import ApplicationError, NotFound
from aduan.core.web import apply_error, is_stale_version
from aduan.tickets import permissions, selectors, services, workflow
from aduan.tickets.attachments import add_attachment, download_response
from aduan.tickets.models import (
    FINAL_STATUSES,
    OPEN_STATUSES,
    ForwardingStatus,
    Status,
    Ticket,
    Tier,
    answer_channel,
)
from aduan.tickets.permissions import get_visible_ticket


def move_label(source: str, target: str) -> str:
    if target == Status.OPEN:
        return _("Reopen") if source in workflow.REOPEN_SOURCES else _("Open")
    labels: dict[str, str] = {
        Status.IN_PROGRESS: _("Take back from the division")
        if source == Status.FORWARDED
        else _("Start working on it"),
        Status.PENDING: _("Put on hold (pending)"),
        Status.RESOLVED: _("Resolve with a solution report"),
        Status.CLOSED: _("Close: the customer confirmed"),
        Status.CANCELLED: _("Cancel: the caller did not go on"),
    }
    return str(labels.get(target, target))


def note_label(source: str, target: str) -> str:
    if target == Status.RESOLVED:
        return _("Solution report")
    if target == Status.PENDING:
        return _("Reason for pending")
    if target == Status.OPEN and source in workflow.REOPEN_SOURCES:
        return _("Why it is reopened")
    return _("Note")


@dataclass
class Move:
    target: str
    label: str
    form: forms.Form
    needs_note: bool
    key: str


def _load(user: User, reference: str) -> Ticket:
    try:
        return selectors.ticket_for_display(user, reference)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _reply_channel(ticket: Ticket) -> str:
    # How a reply or solution most likely reaches the customer, from the channel it came by.
    return answer_channel(ticket.channel.kind)


def _forms(user: User, ticket: Ticket) -> dict[str, forms.Form]:
    """Blank forms for every action offered to ``user`` on ``ticket``."""
    version = {"version": ticket.version}
    active = ticket.status not in FINAL_STATUSES
    found: dict[str, forms.Form] = {}
    if active and permissions.may_answer_customer(user, ticket):
        found["reply"] = MessageForm(prefix="reply", initial={"channel": _reply_channel(ticket)})
    if active:
        found["note"] = NoteForm(prefix="note")
    if active and permissions.may_classify(user, ticket):
        found["classify"] = ClassifyForm(
            prefix="classify",
            initial={
                **version,
                "subject": ticket.subject,
                "category": ticket.category.code if ticket.category else "",
                "priority": ticket.priority.code,
                "is_technical": ticket.is_technical,
                "team": ticket.team.code if ticket.team else "",
                "assignee": ticket.assignee_id or "",
            },
        )
        if ticket.assignee_id != user.pk and ticket.status in OPEN_STATUSES:
            found["take"] = TakeForm(prefix="take", initial=version)
    targets = permissions.allowed_moves(user, ticket)
    for target in targets:
        if target == Status.FORWARDED:
            continue
        found[f"move-{target}"] = MoveForm(
            prefix=f"move-{target}",
            initial={**version, "channel": _reply_channel(ticket)},
        )
    if permissions.may_forward(user, ticket) and (
        ticket.status == Status.FORWARDED or Status.FORWARDED in targets
    ):
        found["forward"] = ForwardForm(prefix="forward", initial=version)
    if (
        permissions.may_escalate(user, ticket)
        and ticket.status in OPEN_STATUSES
        and ticket.tier < Tier.MANAGEMENT
    ):
        found["escalate"] = EscalateForm(
            prefix="escalate", initial=version, next_tier=ticket.tier + 1
        )
    if active and not user.is_customer:
        found["attach"] = AttachForm(prefix="attach")
    return found


def _page(
    request: HttpRequest,
    ticket: Ticket,
    *,
    bound: tuple[str, forms.Form] | None = None,
    conflict: str = "",
    status: int = 200,
) -> HttpResponse:
    user = actor(request)
    page_forms = _forms(user, ticket)
    if bound is not None:
        page_forms[bound[0]] = bound[1]
    moves = []
    for key, form in page_forms.items():
        if not key.startswith("move-"):
            continue
        target = key.removeprefix("move-")
        move = workflow.move_for(ticket.status, target)
        form.fields["note"].label = note_label(ticket.status, target)
        form.fields["note"].required = bool(move and move.needs_note)
        if target != Status.RESOLVED:
            del form.fields["channel"]
        moves.append(
            Move(
                target=target,
                label=move_label(ticket.status, target),
                form=form,
                needs_note=bool(move and move.needs_note),
                key=key,
            )
        )
    history, _cursor = selectors.list_tickets(
        user, selectors.TicketFilters(customer=ticket.customer_id, limit=11)
    )
    forwardings = selectors.ticket_forwardings(user, ticket)
    my_teams = set(user.teams.values_list("pk", flat=True))
    to_answer = [
        f
        for f in forwardings
        if f.status == ForwardingStatus.SENT
        and permissions.may_answer_forwarding(user, f, my_team_ids=my_teams)
    ]
    context: dict[str, Any] = {
        "ticket": ticket,
        "timeline": selectors.timeline(user, ticket),
        "attachments": selectors.ticket_attachments(user, ticket),
        "forwardings": forwardings,
        "to_answer": to_answer,
        "history": [t for t in history if t.pk != ticket.pk][:10],
        "forms": page_forms,
        "moves": moves,
        "open_form": bound[0] if bound else "",
        "conflict": conflict,
        "poll_seconds": settings.ADUAN_POLL_SECONDS,
    }
    return render(request, "console/tickets/ticket.html", context, status=status)


@staff_required
def ticket(request: HttpRequest, reference: str) -> HttpResponse:
    return _page(request, _load(actor(request), reference))


@staff_required
def changed(request: HttpRequest, reference: str) -> HttpResponse:
    """A banner when the ticket changed since the page was opened (polled by htmx)."""
    user = actor(request)
    try:
        current = get_visible_ticket(user, reference)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    try:
        seen = int(request.GET.get("version", "0"))
    except ValueError:
        seen = 0
    context = {
        "ticket": current,
        "changed": current.version > seen,
        "poll_seconds": settings.ADUAN_POLL_SECONDS,
    }
    return render(request, "console/tickets/_changed.html", context)


# --- actions -----------------------------------------------------------------------------

Handler = Callable[[User, Ticket, dict[str, Any]], str]


def _classify(user: User, ticket: Ticket, data: dict[str, Any]) -> str:
    current = {
        "subject": ticket.subject,
        "category": ticket.category.code if ticket.category else "",
        "priority": ticket.priority.code,
        "is_technical": ticket.is_technical,
        "team": ticket.team.code if ticket.team else "",
        "assignee_id": ticket.assignee_id,
    }
    wanted = {
        "subject": data["subject"],
        "category": data["category"] or "",
        "priority": data["priority"],
        "is_technical": data["is_technical"],
        "team": data["team"] or "",
        "assignee_id": data["assignee"],
    }
    changes: dict[str, Any] = {k: v for k, v in wanted.items() if v != current[k]}
    if not changes:
        return _("Nothing was changed.")
    for key in ("category", "team"):
        if key in changes and changes[key] == "":
            changes[key] = None
    services.update_ticket(
        actor=user,
        reference=ticket.reference,
        changes=services.TicketChanges(**changes, version=data["version"]),
    )
    return _("The classification is saved.")


def _take(user: User, ticket: Ticket, data: dict[str, Any]) -> str:
    services.update_ticket(
        actor=user,
        reference=ticket.reference,
        changes=services.TicketChanges(assignee_id=user.pk, version=data["version"]),
    )
    return _("The ticket is now yours.")


def _reply(user: User, ticket: Ticket, data: dict[str, Any]) -> str:
    services.add_message(
        actor=user,
        reference=ticket.reference,
        body=data["body"],
        internal=False,
        channel=data.get("channel") or None,
    )
    return _("Your reply is on the timeline.")


def _note(user: User, ticket: Ticket, data: dict[str, Any]) -> str:
    services.add_message(actor=user, reference=ticket.reference, body=data["body"], internal=True)
    return _("Your internal note is on the timeline.")


def _forward(user: User, ticket: Ticket, data: dict[str, Any]) -> str:
    forwarding = services.forward(
        actor=user,
        reference=ticket.reference,
        team=data["team"],
        instructions=data["instructions"],
        version=data["version"],
    )
    return _("The forwarding form went to %(team)s.") % {"team": forwarding.team.name}


def _escalate(user: User, ticket: Ticket, data: dict[str, Any]) -> str:
    escalated = services.escalate(
        actor=user,
        reference=ticket.reference,
        note=data["note"],
        team=data.get("team") or None,
        version=data["version"],
    )
    return _("Escalated to tier %(tier)d.") % {"tier": escalated.tier}


def _attach(user: User, ticket: Ticket, data: dict[str, Any]) -> str:
    upload = data["file"]
    attachment = add_attachment(
        actor=user,
        reference=ticket.reference,
        file=upload,
        name=upload.name or "",
        internal=bool(data.get("internal")),
        note=data.get("note") or "",
    )
    return _("%(name)s is attached.") % {"name": attachment.filename}


def _mover(target: str) -> Handler:
    def move(user: User, ticket: Ticket, data: dict[str, Any]) -> str:
        moved = services.transition(
            actor=user,
            reference=ticket.reference,
            data=services.TransitionInput(
                to=target,
                note=data.get("note") or "",
                channel=(data.get("channel") or None) if target == Status.RESOLVED else None,
                version=data["version"],
            ),
        )
        return _("The ticket is now %(status)s.") % {"status": moved.get_status_display()}

    return move


ACTIONS: dict[str, tuple[type[forms.Form], Handler]] = {
    "reply": (MessageForm, _reply),
    "note": (NoteForm, _note),
    "classify": (ClassifyForm, _classify),
    "take": (TakeForm, _take),
    "forward": (ForwardForm, _forward),
    "escalate": (EscalateForm, _escalate),
    "attach": (AttachForm, _attach),
}
# Field names the services use that the forms call differently.
FIELD_NAMES = {"assignee_id": "assignee"}


@require_POST
@staff_required
def action(request: HttpRequest, reference: str, name: str) -> HttpResponse:
    user = actor(request)
    ticket = _load(user, reference)
    key = name
    kwargs: dict[str, Any] = {}
    if name.startswith("move-"):
        target = name.removeprefix("move-")
        if target not in Status.values or target == Status.FORWARDED:
            raise Http404(_("No such action."))
        form_class: type[forms.Form] = MoveForm
        handler = _mover(target)
    elif name in ACTIONS:
        form_class, handler = ACTIONS[name]
        if name == "escalate":
            kwargs["next_tier"] = ticket.tier + 1
    else:
        raise Http404(_("No such action."))
    form = form_class(request.POST, request.FILES, prefix=key, **kwargs)
    if not form.is_valid():
        return _page(request, ticket, bound=(key, form), status=400)
    try:
        message = handler(user, ticket, form.cleaned_data)
    except ApplicationError as exc:
        if isinstance(exc, NotFound):
            raise Http404(exc.message) from exc
        fresh = _load(user, reference)
        conflict = ""
        if is_stale_version(exc):
            # Show the ticket as it is now, with what this person typed still in the form
            # and the version they have now seen: sending it again is a deliberate choice.
            conflict = exc.message
            data = request.POST.copy()
            data[f"{key}-version"] = str(fresh.version)
            form = form_class(data, prefix=key, **kwargs)
            form.is_valid()
        else:
            apply_error(form, exc, FIELD_NAMES)
        return _page(request, fresh, bound=(key, form), conflict=conflict, status=exc.status)
    messages.success(request, message)
    return redirect(reverse("console:ticket", kwargs={"reference": reference}) + "#timeline")


@staff_required
def download(request: HttpRequest, attachment_id: int) -> FileResponse:
    try:
        attachment = selectors.get_visible_attachment(actor(request), attachment_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return download_response(attachment)
