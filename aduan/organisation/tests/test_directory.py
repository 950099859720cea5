"""Who leads a team and who manages: one rule for care and the service-level sweep."""

from __future__ import annotations

from typing import Any

from aduan.accounts.models import Role, User
from aduan.organisation.selectors import Directory
from aduan.tests.factories import UserFactory


def _names(users: list[User]) -> list[str]:
    return [user.username for user in users]


def test_a_team_is_led_by_its_own_team_leaders(org: Any) -> None:
    UserFactory(username="support-lead", role=Role.LEADER, teams=[org.support])
    UserFactory(username="retired", role=Role.LEADER, teams=[org.support], is_active=False)
    directory = Directory()
    assert _names(directory.leaders(org.support.pk)) == ["support-lead"]
    assert _names(directory.leaders(org.helpdesk.pk)) == ["leader"]


def test_a_team_without_a_leader_of_its_own_goes_to_every_team_leader(org: Any) -> None:
    UserFactory(username="support-lead", role=Role.LEADER, teams=[org.support])
    directory = Directory()
    assert _names(directory.leaders(org.network.pk)) == ["leader", "support-lead"]
    assert _names(directory.leaders(None)) == ["leader", "support-lead"]


def test_with_no_team_leader_at_all_the_coordinators_are_told(org: Any) -> None:
    User.objects.filter(role=Role.LEADER).update(is_active=False)
    assert _names(Directory().leaders(org.helpdesk.pk)) == ["coordinator"]


def test_management_is_the_directors_else_the_administrators(org: Any) -> None:
    assert _names(Directory().management()) == ["director"]
    User.objects.filter(role=Role.DIRECTOR).update(is_active=False)
    assert _names(Directory().management()) == ["admin"]
