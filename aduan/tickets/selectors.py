"""Reads of tickets: filtered, keyset-paginated lists and timelines.

Lists never count or offset through the whole table: a page is "the next N after this
cursor", served by an index whatever the table's size (see docs/performance.md).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Prefetch, Q, QuerySet, Subquery
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from aduan.accounts.models import User
from aduan.audit.models import AuditEntry
from aduan.core.errors import NotFound, ValidationFailed
from aduan.core.permissions import require
from aduan.customers.models import Customer
from aduan.organisation import selectors as org
from aduan.organisation.models import Category, Channel, Priority, Team
from aduan.tickets.models import (
    CUSTOMER_VISIBLE_KINDS,
    OPEN_STATUSES,
    Attachment,
    Forwarding,
    Status,
    Ticket,
    TicketEvent,
)
from aduan.tickets.permissions import (
    get_visible_ticket,
    may_read_ticket_history,
    sees_internal,
    visibility_key,
    visible_forwardings,
    visible_tickets,
)

R = TypeVar("R")

ORDERINGS = ("-id", "due_at")
# What a list row shows (tickets.api.TicketSummary): the page leaves the description, the
# customer's address and notes and the assignee's password hash in the database (decoding
# them was a third of the page's cost).
LIST_FIELDS = (
    "reference",
    "subject",
    "status",
    "tier",
    "channel",
    "category",
    "priority",
    "is_technical",
    "team",
    "received_at",
    "due_at",
    "first_response_due_at",
    "updated_at",
    "customer__name",
    "customer__phone",
    "customer__email",
    "customer__is_verified",
    "assignee__username",
    "assignee__first_name",
    "assignee__last_name",
    # Service-level state and care flags, for colouring the queue (aduan.sla.clock.state).
    "first_response_at",
    "first_response_warn_at",
    "resolution_warn_at",
    "first_response_breached_at",
    "resolution_breached_at",
    "sla_paused_at",
    "is_hard_complaint",
    "is_super_emergency",
)
MAX_PAGE = 100


@dataclass(frozen=True)
class TicketFilters:
    status: list[str] | None = None
    open_only: bool = False
    team: str | None = None
    assignee: int | None = None
    unassigned: bool = False
    customer: int | None = None
    tier: int | None = None
    text: str | None = None
    ordering: str = "-id"
    cursor: str | None = None
    limit: int = 25


def _encode_cursor(values: list[str | int]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> list[str | int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise ValidationFailed([("cursor", _("Not a cursor this API gave out."))]) from exc
    if not isinstance(values, list) or not values:
        raise ValidationFailed([("cursor", _("Not a cursor this API gave out."))])
    return values


def _cursor_id(value: object) -> int:
    # Only ids this API handed out: a huge or negative number would overflow the column.
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**63:
        raise ValueError(value)
    return value


def _text_filter(tickets: QuerySet[Ticket], text: str) -> QuerySet[Ticket]:
    term = text.strip()
    if not term:
        return tickets
    if connection.vendor == "postgresql":
        # Matches the GIN index created in tickets/migrations (0002): same expression.
        vector = SearchVector("subject", "description", config="simple")
        return tickets.annotate(search=vector).filter(
            Q(search=SearchQuery(term, config="simple", search_type="websearch"))
            | Q(reference=term.upper())
        )
    return tickets.filter(
        Q(subject__icontains=term) | Q(description__icontains=term) | Q(reference=term.upper())
    )


def filtered_tickets(user: User, filters: TicketFilters) -> QuerySet[Ticket]:
    """The tickets ``user`` may see that match ``filters`` (all but the cursor), unordered.
    Both the page and the queue counts are cut from this one query."""
    errors: list[tuple[str, str]] = []
    if filters.ordering not in ORDERINGS:
        errors.append(("ordering", _("One of: %(choices)s.") % {"choices": ", ".join(ORDERINGS)}))
    if not 1 <= filters.limit <= MAX_PAGE:
        errors.append(("limit", _("Between 1 and %(max)d.") % {"max": MAX_PAGE}))
    for status in filters.status or []:
        if status not in Status.values:
            errors.append(("status", _("Unknown status '%(status)s'.") % {"status": status}))
    if filters.text is not None and len(filters.text) > 200:
        errors.append(("text", _("At most 200 characters.")))
    if filters.text is not None and "\x00" in filters.text:
        errors.append(("text", _("Contains control characters that are not allowed.")))
    if errors:
        raise ValidationFailed(errors)

    tickets = visible_tickets(user)
    if filters.status:
        tickets = tickets.filter(status__in=filters.status)
    elif filters.open_only or filters.ordering == "due_at":
        # Sorting by due time only makes sense for work still to do; it also lets the
        # database walk the partial open-ticket index.
        tickets = tickets.filter(status__in=OPEN_STATUSES)
    if filters.team:
        # The team's id rather than a join on its code: the planner then compares team_id
        # with one value and walks the partial (team, due_at, id) index in order, instead
        # of sorting every open ticket of the team (see docs/performance.md). The id comes
        # from the per-process configuration cache (compiling a subquery for it cost a
        # millisecond per page); a code the cache does not know is looked up in the query.
        team = org.team_by_code(filters.team)
        if team is not None:
            tickets = tickets.filter(team_id=team.pk)
        else:
            team_id = Team.objects.filter(code=filters.team).values("id")
            tickets = tickets.filter(team_id=Subquery(team_id))
    if filters.assignee is not None:
        tickets = tickets.filter(assignee_id=filters.assignee)
    if filters.unassigned:
        tickets = tickets.filter(assignee__isnull=True)
    if filters.customer is not None:
        tickets = tickets.filter(customer_id=filters.customer)
    if filters.tier is not None:
        tickets = tickets.filter(tier=filters.tier)
    if filters.text:
        tickets = _text_filter(tickets, filters.text)
    return tickets


def _ordered_page(user: User, filters: TicketFilters) -> QuerySet[Ticket]:
    """``filtered_tickets`` after the cursor, in the page's order, not yet cut."""
    tickets = filtered_tickets(user, filters)
    if filters.cursor:
        values = _decode_cursor(filters.cursor)
        try:
            if filters.ordering == "-id":
                tickets = tickets.filter(id__lt=_cursor_id(values[0]))
            else:
                due = parse_datetime(str(values[0]))
                last_id = _cursor_id(values[1])
                if due is None or due.tzinfo is None:
                    raise ValueError(values[0])
                tickets = tickets.filter(Q(due_at__gt=due) | Q(due_at=due, id__gt=last_id))
        except (ValueError, IndexError, TypeError) as exc:
            raise ValidationFailed([("cursor", _("Not a cursor this API gave out."))]) from exc

    order = ["-id"] if filters.ordering == "-id" else ["due_at", "id"]
    return tickets.order_by(*order)


def _cut(rows: list[R], filters: TicketFilters) -> tuple[list[R], str | None]:
    """The page (``limit + 1`` rows were read) and the cursor of the next one, or None."""
    if len(rows) <= filters.limit:
        return rows, None
    rows = rows[: filters.limit]
    last: Any = rows[-1]
    return rows, _encode_cursor(
        [last.pk] if filters.ordering == "-id" else [last.due_at.isoformat(), last.pk]
    )


def list_tickets(user: User, filters: TicketFilters) -> tuple[list[Ticket], str | None]:
    """One page of the tickets ``user`` may see, and the cursor of the next page (or None)."""
    # Joining all six related tables costs PostgreSQL more to plan (~15 ms: it weighs every
    # join order against the ticket table's many indexes) than the page costs to read; the
    # four configuration tables come from the per-process cache (see docs/performance.md).
    rows = list(
        _ordered_page(user, filters)
        .select_related("assignee", "customer")
        .only(*LIST_FIELDS)[: filters.limit + 1]
    )
    org.attach_configuration(rows, channel=Channel, category=Category, priority=Priority, team=Team)
    return _cut(rows, filters)


# --- the API's list: rows rather than models ------------------------------------------------

# The configuration a row names by id; the objects come from the per-process cache.
_CONFIGURATION = {"channel": Channel, "category": Category, "priority": Priority, "team": Team}
# LIST_FIELDS as columns: the ticket's own, the configuration's ids, the customer's and the
# assignee's.
_OWN = tuple(f for f in LIST_FIELDS if "__" not in f and f not in _CONFIGURATION)
_CUSTOMER = tuple(f.split("__", 1)[1] for f in LIST_FIELDS if f.startswith("customer__"))
_ASSIGNEE = tuple(f.split("__", 1)[1] for f in LIST_FIELDS if f.startswith("assignee__"))
ROW_COLUMNS = (
    "id",
    *_OWN,
    *(f"{name}_id" for name in _CONFIGURATION),
    "customer_id",
    *(f"customer__{f}" for f in _CUSTOMER),
    "assignee_id",
    *(f"assignee__{f}" for f in _ASSIGNEE),
)


class Row:
    """A related record of a row: just the attributes the list shows."""

    def __init__(self, pk: int, **values: Any) -> None:
        self.pk = self.id = pk
        self.__dict__.update(values)


class AssigneeRow(Row):
    """The assignee of a row, named exactly as ``str(user)`` names a ``User``."""

    get_full_name = User.get_full_name
    __str__ = User.__str__


class TicketRow(Row):
    """A ticket of the API's list (``tickets.api.TicketSummary``): the values of
    LIST_FIELDS, read as plain columns. Building a model for the ticket, its customer and
    its assignee cost 2-3 ms per page, more than reading it (docs/performance.md).
    ``aduan.sla.clock.state`` and the schema's resolvers read it like a ``Ticket``."""

    channel: Channel
    category: Category | None
    priority: Priority
    team: Team | None
    customer: Row
    assignee: AssigneeRow | None
    due_at: Any


# Compiled SQL of list pages on PostgreSQL, by everything it depends on. Compiling a page's
# query cost the ORM about 2 ms, more than PostgreSQL needs to answer it; the same page
# (the first of a team's queue, which every agent's console polls) is asked for again and
# again. Bounded: emptied when full.
_PAGE_SQL: dict[tuple[Any, ...], tuple[str, tuple[Any, ...]] | None] = {}
_PAGE_SQL_MAX = 512


def _page_key(user: User, filters: TicketFilters) -> tuple[Any, ...]:
    team = org.team_by_code(filters.team) if filters.team else None
    return (
        visibility_key(user),
        filters.team,
        team.pk if team is not None else None,
        tuple(filters.status) if filters.status else None,
        filters.open_only,
        filters.assignee,
        filters.unassigned,
        filters.customer,
        filters.tier,
        filters.text,
        filters.ordering,
        filters.cursor,
        filters.limit,
    )


def _page_values(user: User, filters: TicketFilters) -> list[tuple[Any, ...]]:
    def page() -> QuerySet[Ticket, tuple[Any, ...]]:
        return _ordered_page(user, filters).values_list(*ROW_COLUMNS)[: filters.limit + 1]

    if connection.vendor != "postgresql":
        # Elsewhere the ORM's value converters are needed (SQLite returns times as text).
        return list(page())
    key = _page_key(user, filters)
    if key not in _PAGE_SQL:
        query = page()  # validates the filters and the cursor
        try:
            compiled: tuple[str, tuple[Any, ...]] | None = query.query.sql_with_params()
        except EmptyResultSet:
            compiled = None  # nobody's tickets: no query at all
        if len(_PAGE_SQL) >= _PAGE_SQL_MAX:
            _PAGE_SQL.clear()
        _PAGE_SQL[key] = compiled
    compiled = _PAGE_SQL[key]
    if compiled is None:
        return []
    with connection.cursor() as cursor:
        cursor.execute(*compiled)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    return rows


def list_ticket_rows(user: User, filters: TicketFilters) -> tuple[list[TicketRow], str | None]:
    """The same page as ``list_tickets``, as ``TicketRow``s for the API."""
    values = _page_values(user, filters)
    n_own = 1 + len(_OWN)
    n_config = len(_CONFIGURATION)
    configuration = [
        org.by_id(model, {v[n_own + i] for v in values} - {None})
        for i, model in enumerate(_CONFIGURATION.values())
    ]
    customer_at = n_own + n_config
    assignee_at = customer_at + 1 + len(_CUSTOMER)
    rows = []
    for v in values:
        row = TicketRow(v[0], **dict(zip(_OWN, v[1:n_own], strict=True)))
        for i, name in enumerate(_CONFIGURATION):
            ref = v[n_own + i]
            setattr(row, name, configuration[i][ref] if ref is not None else None)
        row.customer = Row(
            v[customer_at],
            **dict(zip(_CUSTOMER, v[customer_at + 1 : assignee_at], strict=True)),
        )
        assignee_id = v[assignee_at]
        row.assignee = (
            None
            if assignee_id is None
            else AssigneeRow(assignee_id, **dict(zip(_ASSIGNEE, v[assignee_at + 1 :], strict=True)))
        )
        rows.append(row)
    return _cut(rows, filters)


# Queue counts stop counting here: "999+" says enough, and counting a million open
# tickets would cost seconds where a capped count walks at most this many index entries.
COUNT_CAP = 1000


def count_tickets(user: User, filters: TicketFilters, *, cap: int = COUNT_CAP) -> int:
    """How many tickets match ``filters``, counted up to ``cap`` (a return of ``cap`` means
    "at least that many")."""
    limited = filtered_tickets(user, filters).order_by().values("id")[:cap]
    return limited.count()


def ticket_for_display(user: User, reference: str) -> Ticket:
    """The ticket with everything its page shows, or NotFound as in ``get_visible_ticket``."""
    ticket = get_visible_ticket(user, reference)
    return Ticket.objects.select_related(
        "channel", "category", "priority", "team", "assignee", "customer", "created_by"
    ).get(pk=ticket.pk)


def ticket_forwardings(user: User, ticket: Ticket) -> list[Forwarding]:
    """The forwarding forms of ``ticket`` that ``user`` may read, oldest first."""
    return list(visible_forwardings(user).filter(ticket=ticket).order_by("id"))


def get_visible_attachment(user: User, attachment_id: int) -> Attachment:
    """An attachment of a ticket ``user`` may see (internal files for staff only), or
    NotFound exactly like a missing one."""
    attachment = Attachment.objects.select_related("ticket").filter(pk=attachment_id).first()
    visible = (
        attachment is not None
        and visible_tickets_contains(user, attachment.ticket_id)
        and (sees_internal(user) or not attachment.internal)
    )
    if attachment is None or not visible:
        raise NotFound(_("No attachment %(id)s.") % {"id": attachment_id})
    return attachment


def timeline(user: User, ticket: Ticket) -> list[TicketEvent]:
    events = ticket.events.select_related("author").prefetch_related("attachments")
    if not sees_internal(user):
        events = events.filter(internal=False, kind__in=CUSTOMER_VISIBLE_KINDS)
    return list(events.order_by("id"))


def ticket_attachments(user: User, ticket: Ticket) -> list[Attachment]:
    attachments = ticket.attachments.all()
    if not sees_internal(user):
        attachments = attachments.filter(internal=False)
    return list(attachments.order_by("id"))


def visible_tickets_contains(user: User, ticket_id: int) -> bool:
    return visible_tickets(user).filter(pk=ticket_id).exists()


@dataclass(frozen=True)
class FollowLinks:
    """The tickets linked to one by ``Ticket.follows``, as far as the reader may see them."""

    follows: Ticket | None
    followed_by: list[Ticket]

    def __bool__(self) -> bool:
        return self.follows is not None or bool(self.followed_by)


def follow_links(user: User, ticket: Ticket) -> FollowLinks:
    """The ticket ``ticket`` follows and the ones that follow it (a customer wrote again
    after it was closed), among those ``user`` may see: a customer sees only their own."""
    visible = visible_tickets(user).only("id", "reference", "subject", "status")
    follows = visible.filter(pk=ticket.follows_id).first() if ticket.follows_id else None
    # Served by the partial index ticket_follows_idx (only rows that follow another).
    followed_by = list(visible.filter(follows=ticket).order_by("id")[:20])
    return FollowLinks(follows=follows, followed_by=followed_by)


# --- a caller's open tickets (the desk's and the API's caller lookup) ---------------------

# What the API's lookup shows of each open ticket (tickets.callers.TicketBrief).
OPEN_TICKET_FIELDS = ("reference", "subject", "status", "tier", "received_at")


def with_open_tickets(customers: QuerySet[Customer]) -> QuerySet[Customer]:
    """Seed 001 step 5: a registered caller's open and pending tickets come with them."""
    open_tickets = Ticket.objects.filter(status__in=OPEN_STATUSES).order_by("-id")
    return customers.prefetch_related(
        Prefetch("tickets", queryset=open_tickets, to_attr="open_tickets")
    )


def attach_open_tickets(customers: list[Customer]) -> list[Customer]:
    """Seed 001 step 5 for the API: sets ``open_tickets`` on each customer to their open and
    pending tickets, newest first, as the values the lookup shows (``TicketBrief``), read in
    one query. ``with_open_tickets`` builds a full ticket model for each instead."""
    by_customer: dict[int, list[dict[str, object]]] = {customer.pk: [] for customer in customers}
    if by_customer:
        rows = (
            Ticket.objects.filter(customer_id__in=by_customer, status__in=OPEN_STATUSES)
            .order_by("-id")
            .values_list("customer_id", *OPEN_TICKET_FIELDS)
        )
        for customer_id, *values in rows:
            by_customer[customer_id].append(dict(zip(OPEN_TICKET_FIELDS, values, strict=True)))
    for customer in customers:
        customer.open_tickets = by_customer[customer.pk]  # type: ignore[attr-defined]
    return customers


# --- a ticket's history in the audit log ---------------------------------------------------

TICKET_HISTORY_LIMIT = 500


def ticket_history(user: User, reference: str) -> list[AuditEntry]:
    """Every recorded change to the ticket, its forwarding forms and attachments, newest
    first (the latest ``TICKET_HISTORY_LIMIT``). Staff who may read the ticket only."""
    require(may_read_ticket_history, user)
    ticket = get_visible_ticket(user, reference)
    forwarding_ids = [
        str(pk) for pk in Forwarding.objects.filter(ticket=ticket).values_list("pk", flat=True)
    ]
    attachment_ids = [
        str(pk) for pk in Attachment.objects.filter(ticket=ticket).values_list("pk", flat=True)
    ]
    entries = AuditEntry.objects.filter(
        Q(object_type="tickets.ticket", object_id=str(ticket.pk))
        | Q(object_type="tickets.forwarding", object_id__in=forwarding_ids)
        | Q(object_type="tickets.attachment", object_id__in=attachment_ids)
    )
    return list(entries.order_by("-id")[:TICKET_HISTORY_LIMIT])
