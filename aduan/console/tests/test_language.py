"""Indonesian by default, English on request, the choice kept per person; dates in the
organisation's time zone."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from aduan.accounts.models import User
from aduan.tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def test_pages_are_indonesian_by_default(org):
    client = Client()
    client.force_login(org.user("agent"))
    response = client.get("/console/queues/")
    assert b'<html lang="id"' in response.content
    assert response["Content-Language"] == "id"


def test_switching_language_is_kept_on_the_person(org):
    client = Client()
    client.force_login(org.user("agent"))
    response = client.post("/language/", {"language": "en", "next": "/console/queues/"})
    assert response.status_code == 302
    assert response["Location"] == "/console/queues/"
    assert User.objects.get(username="agent").language == "en"
    assert b'<html lang="en"' in client.get("/console/queues/").content
    # On another device, without the cookie, the person's choice still holds.
    other = Client()
    other.force_login(org.user("agent"))
    assert b'<html lang="en"' in other.get("/console/queues/").content


def test_an_unknown_language_changes_nothing(org):
    client = Client()
    client.force_login(org.user("agent"))
    client.post("/language/", {"language": "fr", "next": "/console/queues/"})
    assert User.objects.get(username="agent").language == ""


def test_anonymous_visitors_switch_with_the_cookie(org):
    client = Client()
    client.post("/language/", {"language": "en", "next": "/portal/login/"})
    assert b'<html lang="en"' in client.get("/portal/login/").content


def test_times_are_shown_in_the_organisations_time_zone(org):
    from django.utils import timezone

    received = (timezone.now() - datetime.timedelta(days=2)).astimezone(datetime.UTC)
    received = received.replace(hour=2, minute=30, second=0, microsecond=0)
    ticket = make_ticket(org, received_at=received)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(org.user("agent"))
    page = client.get(f"/console/tickets/{ticket.reference}/").content.decode()
    local = received + datetime.timedelta(hours=7)
    assert f'<time datetime="{local:%Y-%m-%dT09:30}+07:00">' in page
    assert f"{local.day} {local:%b} {local.year} 09:30 WIB</time>" in page
