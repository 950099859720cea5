"""Who may open which console page: the menu and the pages follow the role."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_an_anonymous_visitor_is_sent_to_the_console_login(browser):
    response = browser().get("/console/queues/")
    assert response.status_code == 302
    assert response["Location"].startswith("/console/login/?next=/console/queues/")


def test_a_customer_who_opens_the_console_lands_on_the_portal(browser):
    response = browser("alice").get("/console/queues/")
    assert response.status_code == 302
    assert response["Location"] == "/portal/"


@pytest.mark.parametrize(
    ("username", "path", "status"),
    [
        ("agent", "/console/desk/", 200),
        ("agent", "/console/queues/", 200),
        ("agent", "/console/inbox/", 200),
        ("agent", "/console/admin/", 403),
        ("agent", "/console/admin/users/", 403),
        ("division", "/console/desk/", 403),
        ("division", "/console/inbox/", 200),
        ("verificator", "/console/queues/", 200),
        ("verificator", "/console/desk/", 403),
        ("admin", "/console/admin/", 200),
        ("admin", "/console/admin/teams/", 200),
        ("admin", "/console/admin/users/", 200),
    ],
)
def test_pages_follow_the_role(browser, username, path, status):
    assert browser(username).get(path).status_code == status


def test_the_home_page_sends_each_role_to_its_start(browser):
    assert browser("division").get("/console/")["Location"] == "/console/inbox/"
    assert browser("agent").get("/console/")["Location"] == "/console/queues/"
    assert browser("agent").get("/")["Location"] == "/console/"
    assert browser("alice").get("/")["Location"] == "/portal/"


def test_the_menu_shows_only_what_the_role_may_use(browser):
    agent = browser("agent").get("/console/queues/").content.decode()
    assert 'href="/console/desk/"' in agent
    assert 'href="/console/admin/"' not in agent
    division = browser("division").get("/console/inbox/").content.decode()
    assert 'href="/console/desk/"' not in division
    assert 'href="/console/queues/"' not in division
    admin = browser("admin").get("/console/queues/").content.decode()
    assert 'href="/console/admin/"' in admin


def test_console_pages_carry_a_strict_content_security_policy(browser):
    response = browser("agent").get("/console/queues/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["X-Frame-Options"] == "DENY"


def test_a_poll_after_the_session_ended_sends_the_whole_page_to_the_login(browser):
    response = browser().get("/console/queues/rows/", {"queue": "mine"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/console/login/"
