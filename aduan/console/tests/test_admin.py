"""Administrators keep teams, categories, priorities, users and roles in the console."""

from __future__ import annotations

import pytest

from aduan.accounts.models import Role, User
from aduan.audit.models import AuditEntry
from aduan.organisation.models import Category, Priority, Team

pytestmark = pytest.mark.django_db


def test_an_administrator_adds_a_division(browser, org):
    response = browser("admin").post(
        "/console/admin/teams/new/",
        {"code": "div-lab", "name": "Divisi Laboratorium", "kind": "division", "is_active": "on"},
    )
    assert response.status_code == 302
    team = Team.objects.get(code="div-lab")
    assert team.kind == "division"
    assert AuditEntry.objects.filter(action="team.created", object_id=str(team.pk)).exists()


def test_a_bad_code_is_refused_beside_the_field(browser, org):
    response = browser("admin").post(
        "/console/admin/teams/new/", {"code": "Bad Code!", "name": "X", "kind": "helpdesk"}
    )
    assert response.status_code == 400
    assert b'id="id_code-error"' in response.content
    duplicate = browser("admin").post(
        "/console/admin/teams/new/", {"code": "helpdesk", "name": "X", "kind": "helpdesk"}
    )
    assert duplicate.status_code == 400
    assert b'id="id_code-error"' in duplicate.content


def test_editing_a_category(browser, org):
    category = org.billing_category
    response = browser("admin").post(
        f"/console/admin/categories/{category.pk}/",
        {
            "code": "billing",
            "name": "Tagihan",
            "default_team": "support",
            "is_technical": "on",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    category = Category.objects.get(pk=category.pk)
    assert category.name == "Tagihan"
    assert category.default_team == org.support
    assert category.is_technical


def test_one_priority_is_the_default(browser, org):
    browser("admin").post(
        f"/console/admin/priorities/{org.urgent.pk}/",
        {
            "code": "urgent",
            "name": "Mendesak",
            "rank": 1,
            "response_hours": 1,
            "resolution_hours": 8,
            "is_default": "on",
        },
    )
    assert list(Priority.objects.filter(is_default=True)) == [Priority.objects.get(code="urgent")]


def test_targets_must_make_sense(browser, org):
    response = browser("admin").post(
        "/console/admin/priorities/new/",
        {"code": "odd", "name": "Aneh", "rank": 2, "response_hours": 50, "resolution_hours": 8},
    )
    assert response.status_code == 400
    assert b'id="id_response_hours-error"' in response.content


def test_an_administrator_creates_a_user_with_role_and_teams(browser, org):
    response = browser("admin").post(
        "/console/admin/users/new/",
        {
            "username": "rina",
            "first_name": "Rina",
            "role": "leader",
            "teams": ["helpdesk"],
            "language": "en",
            "is_active": "on",
            "password": "Rahasia-Panjang-2026",
        },
    )
    assert response.status_code == 302, response.content
    user = User.objects.get(username="rina")
    assert user.role == Role.LEADER
    assert [t.code for t in user.teams.all()] == ["helpdesk"]
    assert user.check_password("Rahasia-Panjang-2026")
    entry = AuditEntry.objects.get(action="user.created", object_id=str(user.pk))
    assert "Rahasia" not in str(entry.changes)


def test_changing_a_role_and_deactivating(browser, org):
    agent = org.user("agent2")
    browser("admin").post(
        f"/console/admin/users/{agent.pk}/",
        {"username": "agent2", "role": "coordinator", "teams": [], "language": ""},
    )
    agent.refresh_from_db()
    assert agent.role == Role.COORDINATOR
    assert agent.is_active is False
    assert agent.check_password("pw")


def test_an_administrator_cannot_lock_themselves_out(browser, org):
    admin = org.user("admin")
    response = browser("admin").post(
        f"/console/admin/users/{admin.pk}/",
        {"username": "admin", "role": "agent", "is_active": "on"},
    )
    assert response.status_code == 400
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN


def test_customers_are_not_managed_here(browser, org):
    alice = org.user("alice")
    assert browser("admin").get(f"/console/admin/users/{alice.pk}/").status_code == 404


def test_only_administrators_may_change_settings(browser, org):
    response = browser("leader").post(
        "/console/admin/teams/new/", {"code": "x", "name": "X", "kind": "helpdesk"}
    )
    assert response.status_code == 403
    assert not Team.objects.filter(code="x").exists()
