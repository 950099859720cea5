"""The workflow table holds every status move, the automatic ones included, and every move is
checked against it: the table listed row by row, the check refusing what it lacks, the roles
of the automatic rows agreeing with the capabilities of the services that make them."""

from __future__ import annotations

import itertools

import pytest

from aduan.accounts.models import Role, User
from aduan.accounts.roles import FRONT_STAFF, SUPERVISORS
from aduan.accounts.system import system_user
from aduan.tests.factories import make_ticket, ticket_in_status
from aduan.tickets import permissions, services, workflow
from aduan.tickets.models import Forwarding, Status, Ticket, TicketEvent
from aduan.tickets.services.status import actor_kind, apply_move
from aduan.tickets.workflow import ActorKind, IllegalMove, Trigger

FRONT = FRONT_STAFF
BOTH = FRONT_STAFF | {Role.DIVISION}
DIVISION_OR_ADMIN = frozenset({Role.DIVISION, Role.ADMIN})
CUSTOMER = frozenset({Role.CUSTOMER})
NOBODY: frozenset[str] = frozenset()

# Every row, read as "<actor> may move <from> to <to> on <trigger>, with one of <roles>".
# A change to the table changes this list in the same commit, for a reviewer to see.
TABLE = [
    ("new", "open", "person", "choice", FRONT),
    ("pending", "open", "person", "choice", FRONT),
    ("new", "in_progress", "person", "choice", FRONT),
    ("open", "in_progress", "person", "choice", FRONT),
    ("pending", "in_progress", "person", "choice", FRONT),
    ("forwarded", "in_progress", "person", "choice", BOTH),
    ("new", "forwarded", "person", "choice", FRONT),
    ("open", "forwarded", "person", "choice", FRONT),
    ("in_progress", "forwarded", "person", "choice", FRONT),
    ("pending", "forwarded", "person", "choice", FRONT),
    ("new", "pending", "person", "choice", FRONT),
    ("open", "pending", "person", "choice", FRONT),
    ("in_progress", "pending", "person", "choice", FRONT),
    ("forwarded", "pending", "person", "choice", FRONT),
    ("new", "resolved", "person", "choice", FRONT),
    ("open", "resolved", "person", "choice", FRONT),
    ("in_progress", "resolved", "person", "choice", FRONT),
    ("forwarded", "resolved", "person", "choice", FRONT),
    ("pending", "resolved", "person", "choice", FRONT),
    ("new", "cancelled", "person", "choice", FRONT),
    ("new", "cancelled", "customer", "choice", CUSTOMER),
    ("open", "cancelled", "person", "choice", FRONT),
    ("open", "cancelled", "customer", "choice", CUSTOMER),
    ("in_progress", "cancelled", "person", "choice", FRONT),
    ("forwarded", "cancelled", "person", "choice", FRONT),
    ("pending", "cancelled", "person", "choice", FRONT),
    ("resolved", "closed", "person", "choice", FRONT),
    ("resolved", "closed", "customer", "choice", CUSTOMER),
    ("resolved", "open", "person", "choice", FRONT),
    ("resolved", "open", "customer", "choice", CUSTOMER),
    ("closed", "open", "person", "choice", SUPERVISORS),
    ("new", "open", "person", "reply", FRONT),
    ("new", "open", "person", "escalation", FRONT),
    ("new", "open", "system", "escalation", NOBODY),
    ("forwarded", "in_progress", "person", "division_response", DIVISION_OR_ADMIN),
    ("resolved", "open", "customer", "customer_message", CUSTOMER),
    ("closed", "open", "customer", "customer_message", CUSTOMER),
]


def as_tuple(row: workflow.Row) -> tuple[str, str, str, str, frozenset[str]]:
    return (row.source, row.target, row.actor.value, row.trigger.value, row.roles)


def test_the_table_is_every_row_listed_here_each_with_its_reason() -> None:
    assert [as_tuple(row) for row in workflow.ROWS] == TABLE
    assert all(row.why.strip() for row in workflow.ROWS)
    keys = [(r.source, r.target, r.actor, r.trigger) for r in workflow.ROWS]
    assert len(keys) == len(set(keys))


def test_the_chosen_rows_are_the_moves_people_are_offered() -> None:
    chosen = {(r.source, r.target) for r in workflow.ROWS if r.trigger == Trigger.CHOICE}
    assert chosen == set(workflow.MOVES)
    for (source, target), move in workflow.MOVES.items():
        roles = frozenset().union(
            *(
                r.roles
                for r in workflow.ROWS
                if (r.source, r.target, r.trigger) == (source, target, Trigger.CHOICE)
            )
        )
        assert roles == move.roles


ROLE_FOR = {ActorKind.PERSON: Role.ADMIN, ActorKind.CUSTOMER: None, ActorKind.SYSTEM: None}


def test_check_allows_the_rows_of_the_table_and_nothing_else() -> None:
    allowed = 0
    for source, target, actor, trigger in itertools.product(
        Status.values, Status.values, ActorKind, Trigger
    ):
        row = workflow.find(source, target, actor, trigger)
        if row is None:
            with pytest.raises(IllegalMove, match=f"{source} -> {target} by {actor}"):
                workflow.check(source, target, actor, ROLE_FOR[actor], trigger=trigger)
        else:
            role = min(row.roles, default=None)
            assert workflow.check(source, target, actor, role, trigger=trigger) == row
            allowed += 1
    assert allowed == len(TABLE)


@pytest.mark.parametrize("row", workflow.ROWS, ids=lambda r: "-".join(as_tuple(r)[:4]))
def test_a_person_needs_a_role_of_the_row(row: workflow.Row) -> None:
    for role in Role.values:
        fits = row.actor == ActorKind.SYSTEM or role in row.roles
        if fits:
            assert workflow.check(row.source, row.target, row.actor, role, trigger=row.trigger)
        else:
            with pytest.raises(IllegalMove):
                workflow.check(row.source, row.target, row.actor, role, trigger=row.trigger)


def test_a_customer_without_login_writing_by_mail_fits_the_customer_rows_only() -> None:
    assert workflow.check("resolved", "open", ActorKind.CUSTOMER, trigger=Trigger.CUSTOMER_MESSAGE)
    with pytest.raises(IllegalMove):
        workflow.check("resolved", "open", ActorKind.PERSON, trigger=Trigger.CUSTOMER_MESSAGE)


def person(role: str) -> User:
    return User(username=f"someone-{role}", role=role, is_active=True)


def roles_of(trigger: Trigger) -> frozenset[str]:
    (row,) = [r for r in workflow.ROWS if r.trigger == trigger and r.actor == ActorKind.PERSON]
    return row.roles


def test_the_automatic_rows_roles_are_who_the_services_let_act() -> None:
    ticket = Ticket(status=Status.NEW)
    forwarding = Forwarding(team_id=7)
    for role in Role.values:
        user = person(role)
        assert permissions.may_answer_customer(user, ticket) == (role in roles_of(Trigger.REPLY))
        assert permissions.may_escalate(user, ticket) == (role in roles_of(Trigger.ESCALATION))
        may_answer = permissions.may_answer_forwarding(user, forwarding, my_team_ids={7})
        assert may_answer == (role in roles_of(Trigger.DIVISION_RESPONSE))


def test_the_system_account_is_the_system_to_the_table(db: None) -> None:
    assert actor_kind(system_user()) == ActorKind.SYSTEM
    assert actor_kind(None) == ActorKind.SYSTEM
    assert actor_kind(person(Role.COORDINATOR)) == ActorKind.PERSON
    assert actor_kind(person(Role.CUSTOMER)) == ActorKind.CUSTOMER


# --- moves through the services -----------------------------------------------------------


def state(ticket: Ticket) -> tuple[str, int, int]:
    stored = Ticket.objects.get(pk=ticket.pk)
    return (stored.status, stored.version, TicketEvent.objects.filter(ticket=ticket).count())


@pytest.mark.django_db
def test_an_automatic_move_the_table_lacks_is_a_bug_and_changes_nothing(org) -> None:
    ticket = ticket_in_status(org, "in_progress")
    before = state(ticket)
    with pytest.raises(IllegalMove, match="in_progress -> open by person"):
        apply_move(
            ticket, org.user("division"), Status.OPEN, trigger=Trigger.DIVISION_RESPONSE, note=""
        )
    assert state(ticket) == before


@pytest.mark.django_db
def test_the_system_account_makes_no_choices(org) -> None:
    ticket = make_ticket(org)
    before = state(ticket)
    with pytest.raises(IllegalMove, match="by system"):
        services.transition(
            actor=system_user(),
            reference=ticket.reference,
            data=services.TransitionInput(to="in_progress"),
        )
    assert state(ticket) == before


@pytest.mark.django_db
def test_the_system_escalating_a_new_ticket_opens_it_by_its_own_row(org) -> None:
    ticket = ticket_in_status(org, "new")
    escalated = services.escalate(actor=system_user(), reference=ticket.reference, note="SLA")
    assert escalated.status == Status.OPEN
    assert workflow.find("new", "open", ActorKind.SYSTEM, Trigger.ESCALATION) is not None
