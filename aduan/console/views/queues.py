"""Queues: my tickets, my team's, unassigned, new, pending, forwarded, per tier and all, with
counts, search, sorting and keyset paging. The list part refreshes itself (htmx polling)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from aduan.accounts.permissions import is_front_staff
from aduan.console import queues as q
from aduan.console.access import actor, staff_required
from aduan.console.forms import QueueFilterForm
from aduan.core.errors import ValidationFailed
from aduan.core.web import apply_error
from aduan.tickets import selectors


def _context(request: HttpRequest) -> tuple[dict[str, Any], int]:
    user = actor(request)
    teams = q.user_team_codes(user)
    team = request.GET.get("myteam") or (teams[0] if teams else None)
    if team not in teams:
        team = teams[0] if teams else None
    queues = q.queues_for(user, team)
    by_key = {queue.key: queue for queue in queues}
    key = request.GET.get("queue") or ("mine" if is_front_staff(user) else "all")
    if key not in by_key:
        raise Http404("No such queue.")
    queue = by_key[key]
    form = QueueFilterForm(request.GET)
    rows: list[Any] = []
    next_cursor = None
    status = 200
    choice: dict[str, Any] = {"text": "", "ordering": "", "status": "", "team": "", "cursor": ""}
    customer = None
    if form.is_valid():
        choice.update({k: form.cleaned_data.get(k) or "" for k in choice})
        customer = form.cleaned_data.get("customer")
    else:
        status = 400
    filters = q.page_filters(queue, **choice, customer=customer)
    try:
        rows, next_cursor = selectors.list_tickets(user, filters)
    except ValidationFailed as exc:
        apply_error(form, exc)
        status = 400
    # What the page shows, as a query string: for the refresh, the next page and the tabs.
    kept = {k: v for k, v in choice.items() if v and k != "cursor"}
    if customer:
        kept["customer"] = customer
    base = {"queue": key, **({"myteam": team} if team and len(teams) > 1 else {}), **kept}
    context = {
        "queue": queue,
        "queue_counts": q.counts(user, queues),
        "form": form,
        "rows": rows,
        "next_query": urlencode({**base, "cursor": next_cursor}) if next_cursor else "",
        "query": urlencode({**base, **({"cursor": choice["cursor"]} if choice["cursor"] else {})}),
        "first_query": urlencode(base) if choice["cursor"] else "",
        "tab_extra": urlencode({k: v for k, v in base.items() if k in ("myteam",)}),
        "teams": teams,
        "team": team,
        "poll_seconds": settings.ADUAN_POLL_SECONDS,
    }
    return context, status


@staff_required
def queue(request: HttpRequest) -> HttpResponse:
    context, status = _context(request)
    return render(request, "console/queues/queue.html", context, status=status)


@staff_required
def queue_rows(request: HttpRequest) -> HttpResponse:
    """The list and the counts only: what htmx fetches every ``ADUAN_POLL_SECONDS``."""
    context, status = _context(request)
    return render(request, "console/queues/_rows.html", {**context, "oob": True}, status=status)
