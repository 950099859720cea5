"""The ticket status machine: every move a ticket's status can make, who makes it and why.

This table is the only place the rules live, for every move: the ones a person chooses
(the transition service, the console's and the portal's buttons, the API) and the ones that
follow from something else (a reply, an escalation, a division's answer, the customer writing
again). ``tickets.services.status`` is the only code that changes a status, and it checks
every move here first (``check``). A person's move the table lacks is a 409 with the moves
allowed to them; an automatic move it lacks is a programming error (``IllegalMove``), caught
by the tests. Who may choose a move is asked of ``tickets.permissions.may_move``, which reads
the roles column of the chosen moves below.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from aduan.accounts.models import Role
from aduan.accounts.roles import FRONT_STAFF, SUPERVISORS
from aduan.tickets.models import Status

S = Status
CUSTOMER = frozenset({Role.CUSTOMER})
DIVISION = frozenset({Role.DIVISION})


# --- the moves a person chooses ----------------------------------------------------------


@dataclass(frozen=True)
class Move:
    """A move someone picks: staff by role, or the customer (``Role.CUSTOMER`` in ``roles``)."""

    source: str
    target: str
    roles: frozenset[str]
    needs_note: bool = False
    # At tier 3 the decision belongs to management (seed 001 step 6, seed 003).
    management_at_tier_3: bool = False


_MOVES: list[Move] = []


def _add(sources: Sequence[str], target: str, roles: frozenset[str], **options: bool) -> None:
    for source in sources:
        _add_move(Move(source, target, roles, **options))


def _add_move(move: Move) -> None:
    # A second rule for the same move widens who may make it.
    for index, existing in enumerate(_MOVES):
        if (existing.source, existing.target) == (move.source, move.target):
            _MOVES[index] = Move(
                move.source,
                move.target,
                existing.roles | move.roles,
                needs_note=existing.needs_note or move.needs_note,
                management_at_tier_3=existing.management_at_tier_3 or move.management_at_tier_3,
            )
            return
    _MOVES.append(move)


_ACTIVE: list[str] = [S.NEW, S.OPEN, S.IN_PROGRESS, S.FORWARDED, S.PENDING]

_add([S.NEW, S.PENDING], S.OPEN, FRONT_STAFF)
_add([S.NEW, S.OPEN, S.PENDING], S.IN_PROGRESS, FRONT_STAFF)
# A division that answered, or hands the ticket back, returns it to the front line.
_add([S.FORWARDED], S.IN_PROGRESS, FRONT_STAFF | DIVISION)
_add([S.NEW, S.OPEN, S.IN_PROGRESS, S.PENDING], S.FORWARDED, FRONT_STAFF, needs_note=True)
# Seed 001 step 10: the agent cannot solve it now, the ticket is put on hold with a reason.
_add([S.NEW, S.OPEN, S.IN_PROGRESS, S.FORWARDED], S.PENDING, FRONT_STAFF, needs_note=True)
# Seed 001 step 11 and seed 000 1.3: resolved with a solution report.
_add(_ACTIVE, S.RESOLVED, FRONT_STAFF, needs_note=True, management_at_tier_3=True)
# Seed 001 step 8: the caller does not go on with the report. Customers may withdraw theirs.
_add(_ACTIVE, S.CANCELLED, FRONT_STAFF, management_at_tier_3=True)
_add([S.NEW, S.OPEN], S.CANCELLED, CUSTOMER)
# The customer confirms the solution worked, or staff close after confirming by phone.
_add([S.RESOLVED], S.CLOSED, FRONT_STAFF | CUSTOMER)
# Seed 000 1.3.4: "the problem persists" reopens it.
_add([S.RESOLVED], S.OPEN, FRONT_STAFF | CUSTOMER, needs_note=True)
_add([S.CLOSED], S.OPEN, SUPERVISORS, needs_note=True)

MOVES: dict[tuple[str, str], Move] = {(m.source, m.target): m for m in _MOVES}
REOPEN_SOURCES = frozenset({S.RESOLVED, S.CLOSED})


def move_for(source: str, target: str) -> Move | None:
    return MOVES.get((source, target))


_FROM: dict[str, list[Move]] = {}
for _move in _MOVES:
    _FROM.setdefault(_move.source, []).append(_move)


def moves_from(source: str) -> list[Move]:
    """The moves out of ``source``, in table order. Who may make them:
    ``tickets.permissions.may_move`` and ``allowed_moves``."""
    return _FROM.get(source, [])


def all_targets(source: str) -> list[str]:
    return [m.target for m in _MOVES if m.source == source]


# --- every move, the automatic ones included --------------------------------------------


class ActorKind(StrEnum):
    """Who makes a move: a signed-in staff member (by role), the customer (signed in on the
    portal, or writing by mail or another channel), or the system account's automatic work."""

    PERSON = "person"
    CUSTOMER = "customer"
    SYSTEM = "system"


class Trigger(StrEnum):
    """Why the status moves."""

    # Someone picks the move: the transition service (console, portal, API, care's callback
    # outcome) and forwarding to a division.
    CHOICE = "choice"
    # The front line's first answer to a complaint that arrived by itself.
    REPLY = "reply"
    # A tier up, by staff or by the system (the service-level sweep, an overdue promise).
    ESCALATION = "escalation"
    # The last division still working on a forwarded ticket answered.
    DIVISION_RESPONSE = "division_response"
    # The customer wrote again by mail or another channel: "the problem persists".
    CUSTOMER_MESSAGE = "customer_message"


@dataclass(frozen=True)
class Row:
    """One line of the table: ``actor`` may move ``source`` to ``target`` on ``trigger``;
    for a person, only with a role in ``roles``."""

    source: str
    target: str
    actor: ActorKind
    trigger: Trigger
    roles: frozenset[str]
    why: str


class IllegalMove(RuntimeError):
    """Code tried a move the table does not have: a bug, never the user's doing."""


def _chosen_rows() -> list[Row]:
    rows: list[Row] = []
    for move in _MOVES:
        staff = move.roles - CUSTOMER
        if staff:
            rows.append(
                Row(
                    move.source,
                    move.target,
                    ActorKind.PERSON,
                    Trigger.CHOICE,
                    staff,
                    "chosen by staff: services.transitions, services.forwarding",
                )
            )
        if Role.CUSTOMER in move.roles:
            rows.append(
                Row(
                    move.source,
                    move.target,
                    ActorKind.CUSTOMER,
                    Trigger.CHOICE,
                    CUSTOMER,
                    "chosen by the customer on the portal or through the API",
                )
            )
    return rows


# Each follows from a service that is not the transition service; the roles of a person's
# row are those of the capability that service requires (the tests compare them).
_AUTOMATIC: list[Row] = [
    Row(
        S.NEW,
        S.OPEN,
        ActorKind.PERSON,
        Trigger.REPLY,
        FRONT_STAFF,
        "services.messages: the front line's first reply to the customer opens it",
    ),
    Row(
        S.NEW,
        S.OPEN,
        ActorKind.PERSON,
        Trigger.ESCALATION,
        FRONT_STAFF,
        "services.escalation: a new ticket escalated a tier up is open",
    ),
    Row(
        S.NEW,
        S.OPEN,
        ActorKind.SYSTEM,
        Trigger.ESCALATION,
        frozenset(),
        "sla sweep and care's overdue promises escalate as the system account",
    ),
    Row(
        S.FORWARDED,
        S.IN_PROGRESS,
        ActorKind.PERSON,
        Trigger.DIVISION_RESPONSE,
        DIVISION | {Role.ADMIN},
        "services.forwarding: the last division's answer returns it to the front line",
    ),
    Row(
        S.RESOLVED,
        S.OPEN,
        ActorKind.CUSTOMER,
        Trigger.CUSTOMER_MESSAGE,
        CUSTOMER,
        "services.intake: the customer writes to a resolved ticket (seed 000 1.3.4)",
    ),
    Row(
        S.CLOSED,
        S.OPEN,
        ActorKind.CUSTOMER,
        Trigger.CUSTOMER_MESSAGE,
        CUSTOMER,
        "services.intake: to a closed one, where the organisation reopens on a reply",
    ),
]

ROWS: tuple[Row, ...] = (*_chosen_rows(), *_AUTOMATIC)
_INDEX: dict[tuple[str, str, ActorKind, Trigger], Row] = {
    (row.source, row.target, row.actor, row.trigger): row for row in ROWS
}


def _role_fits(row: Row, role: str | None) -> bool:
    if row.actor == ActorKind.SYSTEM:
        return True
    if row.actor == ActorKind.CUSTOMER and role is None:
        # Mail and the other channels: nobody is signed in, the words are the customer's.
        return True
    return role in row.roles


def find(source: str, target: str, actor: ActorKind, trigger: Trigger) -> Row | None:
    return _INDEX.get((source, target, actor, trigger))


def check(
    source: str,
    target: str,
    actor: ActorKind,
    role: str | None = None,
    *,
    trigger: Trigger = Trigger.CHOICE,
) -> Row:
    """The row that allows this move, or ``IllegalMove``. A person's role must be in the
    row's roles; a customer has the customer role or no login; the system account's role
    does not count. People's own choices are checked before this, with the errors they are
    shown (``tickets.services.status.check_move``), so this raises only for a bug."""
    row = find(source, target, actor, trigger)
    if row is not None and _role_fits(row, role):
        return row
    raise IllegalMove(
        f"tickets.workflow has no move {source} -> {target} by {actor} "
        f"(role {role or '-'}) on {trigger}"
    )
