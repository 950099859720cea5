"""Role groups used by permission checks across apps."""

from __future__ import annotations

from aduan.accounts.models import Role

# Staff who run the front line: take complaints, classify, forward, answer, escalate.
FRONT_STAFF = frozenset({Role.AGENT, Role.LEADER, Role.COORDINATOR, Role.DIRECTOR, Role.ADMIN})
# Everyone inside the organisation who may read every ticket.
ALL_TICKET_READERS = FRONT_STAFF | {Role.VERIFICATOR}
# Management: decisions at tier 3 (seed 001 step 6, seed 003) are theirs.
MANAGEMENT = frozenset({Role.DIRECTOR, Role.ADMIN})
# Supervisors: reopen closed tickets, raise special actions.
SUPERVISORS = frozenset({Role.LEADER, Role.COORDINATOR, Role.DIRECTOR, Role.ADMIN})
STAFF_ROLES = ALL_TICKET_READERS | {Role.DIVISION}
