"""The console's queues: named, preset filters over ``tickets.selectors.list_tickets``.

Counts are of open tickets only and stop at ``COUNT_CAP`` ("999+"), so the side bar costs a
few index range scans whatever the size of the ticket table (docs/ui.md).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from aduan.accounts.models import User
from aduan.organisation.models import TeamKind
from aduan.tickets import selectors
from aduan.tickets.models import Status
from aduan.tickets.selectors import COUNT_CAP, TicketFilters


@dataclass(frozen=True)
class Queue:
    key: str
    label: str | Promise
    filters: TicketFilters
    counted: bool = True
    # Work still to do is taken in due order; the "all tickets" list shows the newest first.
    ordering: str = "due_at"


def user_team_codes(user: User) -> list[str]:
    """The teams whose queue ``user`` works: their own teams except divisions."""
    return [
        team.code
        for team in user.teams.filter(is_active=True).order_by("name")
        if team.kind != TeamKind.DIVISION
    ]


def queues_for(user: User, team: str | None) -> list[Queue]:
    queues = [Queue("mine", _("My tickets"), TicketFilters(assignee=user.pk, open_only=True))]
    if team:
        queues.append(Queue("team", _("My team's"), TicketFilters(team=team, open_only=True)))
    queues += [
        Queue("unassigned", _("Unassigned"), TicketFilters(unassigned=True, open_only=True)),
        Queue("new", _("New from customers"), TicketFilters(status=[Status.NEW])),
        Queue("pending", _("Pending"), TicketFilters(status=[Status.PENDING])),
        Queue("forwarded", _("Forwarded to divisions"), TicketFilters(status=[Status.FORWARDED])),
        Queue("tier1", _("Tier 1: front line"), TicketFilters(tier=1, open_only=True)),
        Queue("tier2", _("Tier 2: support team"), TicketFilters(tier=2, open_only=True)),
        Queue("tier3", _("Tier 3: management"), TicketFilters(tier=3, open_only=True)),
        Queue("all", _("All tickets"), TicketFilters(), counted=False, ordering="-id"),
    ]
    return queues


@dataclass(frozen=True)
class QueueCount:
    queue: Queue
    count: int | None

    @property
    def label(self) -> str:
        if self.count is None:
            return ""
        return f"{COUNT_CAP - 1}+" if self.count >= COUNT_CAP else str(self.count)


def counts(user: User, queues: list[Queue]) -> list[QueueCount]:
    return [
        QueueCount(q, selectors.count_tickets(user, q.filters) if q.counted else None)
        for q in queues
    ]


def page_filters(
    queue: Queue,
    *,
    text: str = "",
    ordering: str = "",
    status: str = "",
    team: str = "",
    cursor: str = "",
    customer: int | None = None,
    limit: int = 25,
) -> TicketFilters:
    """The queue's preset filters narrowed by what the person chose on the page."""
    filters = replace(
        queue.filters,
        text=text or None,
        ordering=ordering or queue.ordering,
        cursor=cursor or None,
        limit=limit,
    )
    if status and queue.key == "all":
        filters = replace(filters, status=[status])
    if team and queue.key not in ("team",):
        filters = replace(filters, team=team)
    if customer:
        filters = replace(filters, customer=customer)
    return filters
