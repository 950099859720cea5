"""Customers log in with their email, their phone number in any spelling, or a user name."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "identifier", ["alice", "0812-3456-7890", "+62 812 3456 7890", "ALICE@CONTOH.CO.ID"]
)
def test_a_customer_logs_in_with_any_of_their_names(org, identifier):
    org.alice.email = "alice@contoh.co.id"
    org.alice.save()
    client = Client()
    response = client.post("/portal/login/", {"username": identifier, "password": "pw"})
    assert response.status_code == 302, response.content
    assert response["Location"] == "/portal/"
    assert client.get("/portal/").status_code == 200


def test_staff_are_sent_to_the_console(org):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/portal/login/", {"username": "agent", "password": "pw"})
    assert response.status_code == 200
    assert b"Staff log in on the console" in response.content
    logged_in = Client()
    logged_in.force_login(org.user("agent"))
    assert logged_in.get("/portal/")["Location"] == "/console/"


def test_a_wrong_password_says_so(org):
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        "/portal/login/", {"username": "alice", "password": "salah"}
    )
    assert response.status_code == 200
    assert b"Wrong email, phone number or password" in response.content


def test_portal_pages_need_a_login(org):
    response = Client().get("/portal/new/")
    assert response.status_code == 302
    assert response["Location"] == "/portal/login/?next=/portal/new/"
