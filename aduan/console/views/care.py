"""Customer care in the console (docs/care.md): the support desk's hard-complaint queue, the
tier-2 outbound callback list with the outcome form, and one's own in-app notifications.
Each page reads through the care and notification selectors and writes through their
services, the same the REST API uses."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from aduan.accounts.models import User
from aduan.care import selectors as care
from aduan.care.models import Callback, CallbackStatus
from aduan.care.permissions import may_call_back, may_see_callbacks, may_see_hard_complaints
from aduan.care.services import callbacks
from aduan.console.access import actor, staff_required
from aduan.console.forms import CallbackOutcomeForm
from aduan.core.errors import ApplicationError, NotFound
from aduan.core.web import apply_error
from aduan.notifications import selectors as inbox
from aduan.notifications import services as notifications

LIST_LIMIT = 100
NOTIFICATION_PAGE = 25


# --- hard complaints ------------------------------------------------------------------------


@staff_required
def hard_complaints(request: HttpRequest) -> HttpResponse:
    """The hard-complaint queue, oldest first: the same people as ``GET
    /api/v1/hard-complaints``."""
    if not may_see_hard_complaints(actor(request)):
        raise PermissionDenied
    rows = care.hard_complaint_queue(status=None, before=None, limit=LIST_LIMIT)
    return render(request, "console/care/hard_complaints.html", {"rows": rows})


# --- callbacks ------------------------------------------------------------------------------


def _callers(user: User) -> None:
    if not may_see_callbacks(user):
        raise PermissionDenied(may_see_callbacks.message(user))


def _callback_page(
    request: HttpRequest, *, bound: tuple[int, CallbackOutcomeForm] | None = None, status: int = 200
) -> HttpResponse:
    user = actor(request)
    rows = care.callback_list(status=CallbackStatus.PENDING, before=None, limit=LIST_LIMIT)
    items: list[dict[str, Any]] = []
    for row in rows:
        if bound is not None and bound[0] == row.pk:
            form = bound[1]
        else:
            form = CallbackOutcomeForm(prefix=f"cb{row.pk}")
        items.append({"callback": row, "form": form})
    context = {"items": items, "may_record": may_call_back(user)}
    return render(request, "console/care/callbacks.html", context, status=status)


@staff_required
def callback_list(request: HttpRequest) -> HttpResponse:
    """The tier-2 outbound callback list (pending calls, oldest first), as ``GET
    /api/v1/callbacks``, with a form per call to record what the customer said."""
    _callers(actor(request))
    return _callback_page(request)


def _outcome_message(callback: Callback, reopened: bool, closed: bool) -> str:
    reference = callback.ticket.reference
    if reopened:
        return _("Recorded; ticket %(reference)s is open again.") % {"reference": reference}
    if closed:
        return _("Recorded; ticket %(reference)s is closed.") % {"reference": reference}
    return _("Recorded the callback on %(reference)s.") % {"reference": reference}


@require_POST
@staff_required
def callback_outcome(request: HttpRequest, callback_id: int) -> HttpResponse:
    """Record one call through ``callbacks.record_outcome`` (not solved reopens the ticket,
    solved closes it); its errors go back beside the fields."""
    user = actor(request)
    _callers(user)
    form = CallbackOutcomeForm(request.POST, prefix=f"cb{callback_id}")
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = callbacks.record_outcome(
                actor=user,
                callback_id=callback_id,
                data=callbacks.Outcome(
                    reached=data["reached"],
                    solved=data["solved"],
                    satisfaction=data["satisfaction"],
                    remarks=data["remarks"],
                ),
            )
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except ApplicationError as exc:
            apply_error(form, exc)
            status = exc.status
        else:
            messages.success(
                request, _outcome_message(result.callback, result.reopened, result.closed)
            )
            for note in result.notes:
                messages.info(request, note)
            return redirect("console:callbacks")
    return _callback_page(request, bound=(callback_id, form), status=status)


# --- notifications --------------------------------------------------------------------------


def _int(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if 0 < number < 2**63 else None


@staff_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """The signed-in person's notifications, newest first, a page at a time."""
    user = actor(request)
    unread_only = request.GET.get("unread") == "1"
    before = _int(request.GET.get("before"))
    rows, next_before = inbox.page(
        user, unread_only=unread_only, before_id=before, limit=NOTIFICATION_PAGE
    )
    context = {
        "rows": rows,
        "unread_only": unread_only,
        "next_before": next_before,
        "unread": inbox.unread_count(user),
    }
    return render(request, "console/care/notifications.html", context)


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("console:notifications")


@require_POST
@staff_required
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one of one's own notifications read; anyone else's answers like a missing one."""
    try:
        notifications.mark_read(actor=actor(request), notification_id=notification_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return _back(request)


@require_POST
@staff_required
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    marked = notifications.mark_all_read(actor=actor(request))
    text = ngettext(
        "Marked %(count)d notification read.", "Marked %(count)d notifications read.", marked
    )
    messages.success(request, text % {"count": marked})
    return _back(request)
