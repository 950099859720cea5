"""The division inbox (seed 000 1.2.5-1.2.7): forwarding forms sent to the person's divisions,
and the form to answer one with findings, a solution and steps for the user."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from aduan.console.access import actor, staff_required
from aduan.console.forms import ResponseForm
from aduan.core.errors import ApplicationError, NotFound
from aduan.core.web import apply_error, is_htmx
from aduan.tickets import permissions, selectors, services
from aduan.tickets.models import Forwarding, ForwardingStatus

INBOX_LIMIT = 100
STATUSES = {"sent", "responded", "withdrawn", "all"}


def _context(request: HttpRequest) -> dict[str, object]:
    user = actor(request)
    status = request.GET.get("status") or "sent"
    if status not in STATUSES:
        status = "sent"
    forwardings = permissions.visible_forwardings(user)
    if status != "all":
        forwardings = forwardings.filter(status=status)
    rows = list(forwardings.order_by("-id")[:INBOX_LIMIT])
    waiting = permissions.visible_forwardings(user).filter(status=ForwardingStatus.SENT)
    return {
        "rows": rows,
        "status": status,
        "waiting": waiting.order_by().values("id")[: selectors.COUNT_CAP].count(),
        "statuses": [
            ("sent", _("Waiting for an answer")),
            ("responded", _("Answered")),
            ("withdrawn", _("Withdrawn")),
            ("all", _("All")),
        ],
        "poll_seconds": settings.ADUAN_POLL_SECONDS,
    }


@staff_required
def inbox(request: HttpRequest) -> HttpResponse:
    template = "console/inbox/_rows.html" if is_htmx(request) else "console/inbox/inbox.html"
    return render(request, template, _context(request))


def _forwarding(request: HttpRequest, forwarding_id: int) -> Forwarding:
    forwarding = permissions.visible_forwardings(actor(request)).filter(pk=forwarding_id).first()
    if forwarding is None:
        raise Http404(_("No forwarding form %(id)s for you.") % {"id": forwarding_id})
    return forwarding


@staff_required
def forwarding(request: HttpRequest, forwarding_id: int) -> HttpResponse:
    """One forwarding form with the complaint, and the division's answer to it."""
    user = actor(request)
    item = _forwarding(request, forwarding_id)
    form = ResponseForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.respond_to_forwarding(
                    actor=user,
                    forwarding_id=item.pk,
                    data=services.DivisionResponse(**form.cleaned_data),
                )
            except NotFound as exc:
                raise Http404(exc.message) from exc
            except ApplicationError as exc:
                apply_error(form, exc)
                status = exc.status
            else:
                messages.success(
                    request,
                    _("Your answer on %(reference)s went back to the helpdesk.")
                    % {"reference": item.ticket.reference},
                )
                return redirect("console:inbox")
    ticket = item.ticket
    context = {
        "item": item,
        "ticket": ticket,
        "form": form,
        "attachments": selectors.ticket_attachments(user, ticket),
        "may_answer": item.status == ForwardingStatus.SENT,
    }
    return render(request, "console/inbox/forwarding.html", context, status=status)
