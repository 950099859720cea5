"""Signing up on the portal with an email address (confirmed by a link) or a phone number."""

from __future__ import annotations

import re

import pytest
from django.test import Client, TestCase

from aduan.accounts.models import Role, User
from aduan.channels.email.models import OutboundMessage
from aduan.customers.models import Customer
from aduan.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Keluhan-Aman-2026"


def sign_up(client: Client, **fields):
    data = {
        "name": "Dewi Anggraini",
        "email": "",
        "phone": "",
        "organisation_name": "",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(fields)
    # The mail goes out of the outbox once the sign-up commits.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post("/portal/signup/", data)


def link_in(received) -> str:
    body = received.message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"http://testserver(/portal/verify/[^\s]+/)", body)
    assert match, body
    return match[1]


def test_an_email_sign_up_waits_for_the_link_then_logs_in(org, smtp):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = sign_up(client, email="Dewi@Contoh.co.id")
    assert response.status_code == 302
    assert response["Location"] == "/portal/signup/check-your-email/"
    user = User.objects.get(username="dewi@contoh.co.id")
    assert user.role == Role.CUSTOMER
    assert user.is_active is False
    [received] = smtp.wait_for(1)
    assert received.rcpt_tos == ["dewi@contoh.co.id"]
    assert OutboundMessage.objects.get().kind == "sign_up"
    # Not before the link is opened.
    login = client.post("/portal/login/", {"username": "dewi@contoh.co.id", "password": PASSWORD})
    assert login.status_code == 200
    verified = client.get(link_in(received))
    assert verified.status_code == 302
    assert verified["Location"] == "/portal/"
    user.refresh_from_db()
    assert user.is_active
    assert Customer.objects.get(user=user).email == "dewi@contoh.co.id"
    assert client.get("/portal/").status_code == 200
    # The link is spent.
    again = Client().get(link_in(received))
    assert again.status_code == 400


def test_the_link_joins_the_customer_the_helpdesk_already_knew(org, smtp):
    known = CustomerFactory(
        name="Dewi (dari telepon)", email="dewi@contoh.co.id", phone="+6281311112222"
    )
    client = Client()
    sign_up(client, email="dewi@contoh.co.id")
    assert Customer.objects.filter(email="dewi@contoh.co.id").count() == 1
    client.get(link_in(smtp.wait_for(1)[0]))
    known.refresh_from_db()
    assert known.user == User.objects.get(username="dewi@contoh.co.id")


def test_a_phone_sign_up_is_active_at_once(org):
    client = Client()
    response = sign_up(client, phone="0813-1111-2222")
    assert response.status_code == 302
    assert response["Location"] == "/portal/new/"
    user = User.objects.get(username="+6281311112222")
    assert user.is_active
    assert Customer.objects.get(user=user).phone == "+6281311112222"
    assert not OutboundMessage.objects.exists()


def test_a_number_the_helpdesk_registered_cannot_be_claimed_by_phone_alone(org):
    response = sign_up(Client(HTTP_ACCEPT_LANGUAGE="en"), phone="0812 3456 7890")  # Alice's
    assert response.status_code == 400
    assert b'id="id_phone-error"' in response.content
    assert not User.objects.filter(username="+6281234567890").exists()


def test_an_email_with_a_login_already_is_refused(org):
    org.alice.email = "alice@contoh.co.id"
    org.alice.save()
    response = sign_up(Client(), email="alice@contoh.co.id")
    assert response.status_code == 400
    assert b'id="id_email-error"' in response.content


def test_signing_up_again_before_confirming_sends_a_new_link(org, smtp):
    sign_up(Client(), email="dewi@contoh.co.id")
    response = sign_up(
        Client(), email="dewi@contoh.co.id", password1="Lain-Lagi-2026", password2="Lain-Lagi-2026"
    )
    assert response.status_code == 302
    first, second = smtp.wait_for(2)
    assert User.objects.filter(username="dewi@contoh.co.id").count() == 1
    # Only the newest link works: the password changed, so the first token is spent.
    assert Client().get(link_in(first)).status_code == 400
    assert Client().get(link_in(second)).status_code == 302


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"email": "", "phone": ""}, "email"),
        ({"email": "bukan-email"}, "email"),
        ({"phone": "12"}, "phone"),
        ({"email": "d@contoh.id", "password1": "123", "password2": "123"}, "password1"),
        ({"email": "d@contoh.id", "password2": "berbeda-sekali-99"}, "password2"),
        ({"email": "d@contoh.id", "name": ""}, "name"),
    ],
)
def test_mistakes_are_shown_beside_their_field(org, fields, field):
    response = sign_up(Client(), **fields)
    assert response.status_code == 400
    assert f'id="id_{field}-error"'.encode() in response.content
    assert (
        not User.objects.filter(role=Role.CUSTOMER).exclude(username__in=["alice", "bob"]).exists()
    )


def test_a_forged_link_is_refused(org):
    assert Client().get("/portal/verify/MQ/not-a-token/").status_code == 400
    assert Client().get("/portal/verify/%25%25/x/").status_code == 400
    assert Client().get("/portal/verify/OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5/x/").status_code == 400
