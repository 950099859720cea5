"""Logging in to the console: staff only, rate-limited by django-axes, CSRF-protected."""

from __future__ import annotations

import pytest
from django.test import Client

from aduan.accounts.models import User

pytestmark = pytest.mark.django_db


def login(client: Client, username: str, password: str):
    return client.post("/console/login/", {"username": username, "password": password})


def test_staff_log_in_and_land_on_their_start_page(org):
    client = Client()
    response = login(client, "agent", "pw")
    assert response.status_code == 302
    assert response["Location"] == "/console/"
    assert client.get("/console/queues/").status_code == 200


def test_a_customer_cannot_log_in_to_the_console(org):
    response = login(Client(HTTP_ACCEPT_LANGUAGE="en"), "alice", "pw")
    assert response.status_code == 200
    assert b"Customers log in on the customer portal" in response.content
    assert "_auth_user_id" not in response.client.session


def test_a_wrong_password_is_an_error_beside_the_form(org):
    response = login(Client(HTTP_ACCEPT_LANGUAGE="en"), "agent", "nope")
    assert response.status_code == 200
    assert b'role="alert"' in response.content


def test_after_five_wrong_passwords_the_name_is_locked_even_for_the_right_one(org, settings):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "agent", "wrong").status_code == 200
    locked = login(client, "agent", "wrong")
    assert locked.status_code == 429
    assert b"Too many failed log-in attempts" in locked.content
    again = login(client, "agent", "pw")
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another person at the same address is not locked out.
    assert login(Client(), "leader", "pw").status_code == 302


def test_the_lockout_covers_the_portal_login_too(org, settings):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/portal/login/", {"username": "alice", "password": "wrong"})
    response = client.post("/portal/login/", {"username": "alice", "password": "pw"})
    assert response.status_code == 429


def test_the_api_token_endpoint_still_works_with_the_axes_backend(api, org):
    response = api().post("/auth/token", {"username": "agent", "password": "pw"})
    assert response.status_code == 201, response.content


def test_the_login_form_refuses_a_post_without_its_csrf_token(org):
    client = Client(enforce_csrf_checks=True)
    response = login(client, "agent", "pw")
    assert response.status_code == 403


def test_logging_out_takes_a_post_and_ends_the_session(browser):
    client = browser("agent")
    assert client.get("/console/logout/").status_code == 405
    assert client.post("/console/logout/").status_code == 302
    assert client.get("/console/queues/").status_code == 302


def test_a_person_changes_their_password(browser):
    client = browser("agent")
    response = client.post(
        "/console/password/",
        {
            "old_password": "pw",
            "new_password1": "Lebih-panjang-2026",
            "new_password2": "Lebih-panjang-2026",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="agent").check_password("Lebih-panjang-2026")
    # The session survives the change.
    assert client.get("/console/queues/").status_code == 200


def test_a_weak_new_password_is_refused_beside_the_field(browser):
    response = browser("agent").post(
        "/console/password/",
        {"old_password": "pw", "new_password1": "123", "new_password2": "123"},
    )
    assert response.status_code == 400
    assert b'id="id_new_password2-error"' in response.content
    assert User.objects.get(username="agent").check_password("pw")


def test_the_api_token_endpoint_is_rate_limited_too(api, org, settings):
    client = api(language="en")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post("/auth/token", {"username": "agent", "password": "x"}).status_code == 401
    locked = client.post("/auth/token", {"username": "agent", "password": "x"})
    assert locked.status_code == 429
    assert locked.json()["code"] == "locked_out"
    assert client.post("/auth/token", {"username": "agent", "password": "pw"}).status_code == 429
    # The web login of that name from this address is locked as well.
    assert (
        Client().post("/console/login/", {"username": "agent", "password": "pw"}).status_code == 429
    )
