"""A customer who forgot the password gets a single-use link by email; staff and unknown
addresses get the same answer and no mail."""

from __future__ import annotations

import re

import pytest
from django.test import Client, TestCase

from aduan.channels.email.models import OutboundMessage

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Sandi-Baru-2026!"


def ask(client: Client, email: str):
    # The mail goes out of the outbox once the request's work commits.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post("/portal/password-reset/", {"email": email})


def link_in(received) -> str:
    body = received.message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"http://testserver(/portal/password-reset/[^\s]+/[^\s]+/)", body)
    assert match, body
    return match[1]


def test_a_customer_sets_a_new_password_through_the_link_once(org, smtp):
    alice = org.user("alice")
    alice.email = "alice@contoh.co.id"
    alice.save(update_fields=["email"])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert 'href="/portal/password-reset/"' in client.get("/portal/login/").content.decode()

    response = ask(client, "Alice@Contoh.co.id")
    assert response.status_code == 302 and response["Location"] == "/portal/password-reset/sent/"
    [received] = smtp.wait_for(1)
    assert received.rcpt_tos == ["alice@contoh.co.id"]
    assert OutboundMessage.objects.get().kind == "password_reset"
    link = link_in(received)

    form = client.get(link, follow=True)
    assert b"new_password1" in form.content
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302 and done["Location"] == "/portal/password-reset/done/"
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)

    # The link works once.
    again = Client(HTTP_ACCEPT_LANGUAGE="en").get(link, follow=True)
    assert b"new_password1" not in again.content
    assert b"does not work any more" in again.content


def test_a_weak_or_mismatched_new_password_is_refused_beside_the_field(org, smtp):
    alice = org.user("alice")
    alice.email = "alice@contoh.co.id"
    alice.save(update_fields=["email"])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    ask(client, "alice@contoh.co.id")
    form = client.get(link_in(smtp.wait_for(1)[0]), follow=True)
    response = client.post(
        form.redirect_chain[-1][0], {"new_password1": "123", "new_password2": "124"}
    )
    assert response.status_code == 200
    assert b'aria-invalid="true"' in response.content
    alice.refresh_from_db()
    assert alice.check_password("pw")


@pytest.mark.parametrize("username", ["agent", "admin", None])
def test_staff_and_unknown_addresses_get_the_same_answer_and_no_mail(org, username):
    email = "nobody@contoh.co.id"
    if username is not None:
        user = org.user(username)
        user.email = email = f"{username}@aduan.test"
        user.save(update_fields=["email"])
    response = ask(Client(HTTP_ACCEPT_LANGUAGE="en"), email)
    assert response.status_code == 302 and response["Location"] == "/portal/password-reset/sent/"
    assert not OutboundMessage.objects.exists()


def test_the_pages_speak_indonesian_by_default(org):
    page = Client().get("/portal/password-reset/").content.decode()
    assert "Lupa kata sandi" in page
