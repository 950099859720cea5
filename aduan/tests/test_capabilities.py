"""Every capability against every role, allowed and refused, from a table written out here.

The table is the procedures' answer, not the code's: when a capability changes who may do
something, this table changes with it, on purpose. A capability missing from the table fails
``test_every_capability_is_in_the_table``.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import translation

from aduan.accounts.models import Role, User
from aduan.care.models import SuperEmergency
from aduan.core.errors import PermissionDenied
from aduan.core.permissions import Capability, require
from aduan.tests.factories import Org
from aduan.tickets.models import Forwarding, Status, Ticket, Tier

MODULES = (
    "aduan.accounts.permissions",
    "aduan.tickets.permissions",
    "aduan.customers.permissions",
    "aduan.care.permissions",
    "aduan.sla.permissions",
    "aduan.organisation.permissions",
    "aduan.audit.permissions",
    "aduan.channels.email.permissions",
    "aduan.channels.webhooks.permissions",
)
# The people, in the order of the columns below. "support" is an agent of the support team;
# "inactive" an administrator whose login was switched off.
PEOPLE = (
    "admin",
    "agent",
    "leader",
    "support",
    "division",
    "coordinator",
    "verificator",
    "director",
    "alice",
    "inactive",
)
Args = Callable[[Org], tuple[Any, ...]]


def none(org: Org) -> tuple[Any, ...]:
    return ()


def ticket(status: str, tier: int = Tier.FRONT_LINE) -> Args:
    return lambda org: (Ticket(status=status, tier=tier),)


def move(source: str, target: str, tier: int = Tier.FRONT_LINE) -> Args:
    return lambda org: (Ticket(status=source, tier=tier), target)


def forwarding_to_network(org: Org) -> tuple[Any, ...]:
    return (Forwarding(team=org.network),)


def raised_by_leader(org: Org) -> tuple[Any, ...]:
    return (SuperEmergency(raised_by=org.user("leader")),)


S = Status
# Y: allowed, .: refused.
#                                                       admin agent leader support division
#                                                       | coordinator verificator director
#                                                       | | customer inactive
TABLE: list[tuple[str, Args, str]] = [
    # accounts: who a person is
    ("accounts.is_staff_member", none, "YYYYYYYY.."),
    ("accounts.is_front_staff", none, "YYYY.Y.Y.."),
    ("accounts.reads_all_tickets", none, "YYYY.YYY.."),
    ("accounts.is_division_staff", none, "....Y....."),
    ("accounts.is_team_leader", none, "..Y......."),
    ("accounts.is_coordinator", none, ".....Y...."),
    ("accounts.is_admin", none, "Y........."),
    ("accounts.is_supervisor", none, "Y.Y..Y.Y.."),
    ("accounts.is_management", none, "Y......Y.."),
    ("accounts.is_customer", none, "........Y."),
    ("accounts.may_manage_users", none, "Y........."),
    ("accounts.may_list_users", none, "YYYYYYYY.."),
    ("accounts.may_own_tickets", none, "YYYY.Y.Y.."),
    # tickets
    ("tickets.sees_internal", none, "YYYYYYYY.."),
    ("tickets.may_record_complaint", none, "YYYY.Y.YY."),
    ("tickets.may_classify", ticket(S.OPEN), "YYYY.Y.Y.."),
    ("tickets.may_answer_customer", ticket(S.OPEN), "YYYY.Y.Y.."),
    ("tickets.may_forward", ticket(S.OPEN), "YYYY.Y.Y.."),
    ("tickets.may_answer_forwarding", forwarding_to_network, "Y...Y....."),
    ("tickets.may_escalate", ticket(S.OPEN), "YYYY.Y.Y.."),
    ("tickets.may_reopen_closed", none, "Y.Y..Y.Y.."),
    ("tickets.may_move", move(S.NEW, S.OPEN), "YYYY.Y.Y.."),
    ("tickets.may_move", move(S.OPEN, S.IN_PROGRESS), "YYYY.Y.Y.."),
    ("tickets.may_move", move(S.OPEN, S.FORWARDED), "YYYY.Y.Y.."),
    ("tickets.may_move", move(S.FORWARDED, S.IN_PROGRESS), "YYYYYY.Y.."),
    ("tickets.may_move", move(S.OPEN, S.PENDING), "YYYY.Y.Y.."),
    ("tickets.may_move", move(S.OPEN, S.RESOLVED), "YYYY.Y.Y.."),
    ("tickets.may_move", move(S.OPEN, S.RESOLVED, Tier.MANAGEMENT), "Y......Y.."),
    ("tickets.may_move", move(S.IN_PROGRESS, S.CANCELLED, Tier.MANAGEMENT), "Y......Y.."),
    ("tickets.may_move", move(S.NEW, S.CANCELLED), "YYYY.Y.YY."),
    ("tickets.may_move", move(S.IN_PROGRESS, S.CANCELLED), "YYYY.Y.Y.."),
    ("tickets.may_move", move(S.RESOLVED, S.CLOSED), "YYYY.Y.YY."),
    ("tickets.may_move", move(S.RESOLVED, S.OPEN), "YYYY.Y.YY."),
    ("tickets.may_move", move(S.CLOSED, S.OPEN), "Y.Y..Y.Y.."),
    ("tickets.may_move", move(S.CLOSED, S.RESOLVED), ".........."),
    ("tickets.may_move", move(S.CANCELLED, S.OPEN), ".........."),
    # customers
    ("customers.may_manage_customers", none, "YYYY.Y.Y.."),
    ("customers.may_look_up_customers", none, "YYYY.Y.Y.."),
    # care (seed 004)
    ("care.is_support_desk", none, "Y..Y.Y...."),
    ("care.may_mark_hard", none, "YYYY.Y.Y.."),
    ("care.may_act_on_hard_complaint", none, "Y..Y.Y...."),
    ("care.may_see_hard_complaints", none, "YYYY.YYY.."),
    ("care.may_edit_phrases", none, "Y........."),
    ("care.may_raise_emergency", none, "Y.Y......."),
    ("care.may_handle_emergency", none, "Y..Y.Y...."),
    ("care.may_close_emergency", raised_by_leader, "Y.YY.Y...."),
    ("care.may_make_promise", none, "YYYY.Y.Y.."),
    ("care.may_guard_promises", none, "..Y......."),
    ("care.may_call_back", none, "Y.YY......"),
    ("care.may_see_callbacks", none, "Y.YY.Y...."),
    ("care.may_request_special_action", none, "YYYY.Y.Y.."),
    ("care.may_decide_special_action", none, "Y......Y.."),
    # service levels, organisation, audit
    ("sla.may_read_service_levels", none, "YYYYYYYY.."),
    ("sla.may_configure_service_levels", none, "Y........."),
    ("organisation.may_configure_organisation", none, "Y........."),
    ("tickets.may_read_ticket_history", none, "YYYY.YYY.."),
    ("audit.may_read_audit", none, "Y.....YY.."),
    # channels
    ("channels.email.may_configure_mail", none, "Y........."),
    ("channels.email.may_read_mail_of_ticket", none, "YYYYYYYY.."),
    ("channels.email.may_see_outgoing_mail", none, "YYYY.Y.Y.."),
    ("channels.email.may_resend_mail", none, "YYYY.Y.Y.."),
    ("channels.webhooks.may_configure_webhooks", none, "Y........."),
    ("channels.webhooks.may_see_channel_replies", none, "YYYY.Y.Y.."),
]
# Questions about a role value, not a person; tested below.
NOT_ABOUT_A_PERSON = {"accounts.is_staff_role", "accounts.is_admin_role"}


def _resolve(name: str) -> Callable[..., bool]:
    module, _dot, function = name.rpartition(".")
    found: Callable[..., bool] = getattr(
        importlib.import_module(f"aduan.{module}.permissions"), function
    )
    return found


def _people(org: Org) -> list[User]:
    inactive = User.objects.create(username="inactive", role=Role.ADMIN, is_active=False)
    return [inactive if name == "inactive" else org.user(name) for name in PEOPLE]


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        pytest.param(name, args, expected, id=f"{name}-{i}")
        for i, (name, args, expected) in enumerate(TABLE)
    ],
)
def test_capability_for_every_role(org: Org, name: str, args: Args, expected: str) -> None:
    assert len(expected) == len(PEOPLE)
    check = _resolve(name)
    arguments = args(org)
    people = _people(org)
    answers = {
        person: "Y" if check(user, *arguments) else "."
        for person, user in zip(PEOPLE, people, strict=True)
    }
    assert "".join(answers.values()) == expected, answers
    if not isinstance(check, Capability):
        return
    for user, answer in zip(people, expected, strict=True):
        if answer == "Y":
            require(check, user, *arguments)
            continue
        with pytest.raises(PermissionDenied) as refused:
            require(check, user, *arguments)
        assert refused.value.status == 403
        # Says what is refused, in the person's language.
        with translation.override("en"):
            english = check.message(user, *arguments)
        with translation.override("id"):
            indonesian = check.message(user, *arguments)
        assert english and indonesian and english != indonesian


def test_every_capability_is_in_the_table() -> None:
    in_table = {name for name, _args, _expected in TABLE}
    found = set()
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        short = module_name.removeprefix("aduan.").removesuffix(".permissions")
        for attribute, value in vars(module).items():
            defined_here = getattr(value, "__module__", None) == module_name
            if defined_here and (
                isinstance(value, Capability)
                or (
                    inspect.isfunction(value)
                    and attribute.startswith(("may_", "is_", "reads_", "sees_"))
                )
            ):
                found.add(f"{short}.{attribute}")
    assert found - NOT_ABOUT_A_PERSON == in_table


def test_role_values() -> None:
    from aduan.accounts import permissions

    assert [permissions.is_staff_role(role) for role in Role.values] == [
        role != Role.CUSTOMER for role in Role.values
    ]
    assert not permissions.is_staff_role("superuser")
    assert [permissions.is_admin_role(role) for role in Role.values] == [
        role == Role.ADMIN for role in Role.values
    ]
