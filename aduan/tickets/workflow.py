"""The ticket status machine: which moves exist and who may make each one.

This table is the only place the rules live. The transition service checks every move
against it, the API answers 409 with the allowed moves when a move is not in it, and the web
UI shows only the buttons it allows. Who may make a move is asked of
``tickets.permissions.may_move``, which reads the roles column of this table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aduan.accounts.models import Role
from aduan.accounts.roles import FRONT_STAFF, SUPERVISORS
from aduan.tickets.models import Status

S = Status
CUSTOMER = frozenset({Role.CUSTOMER})
DIVISION = frozenset({Role.DIVISION})


@dataclass(frozen=True)
class Move:
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
