"""`aduan demo`: the organisation, one login per role, tickets in many statuses, and no mail
to the made-up customers."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.core.management import call_command

from aduan.accounts.models import User
from aduan.channels.email.models import OutboundMessage
from aduan.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_login_per_role_tickets_in_many_statuses_and_sends_no_mail():
    out = io.StringIO()
    call_command("demo", tickets=60, customers=15, password="coba-demo-1", stdout=out)

    for username in ("admin", "agent", "leader", "support", "division", "customer"):
        user = User.objects.get(username=username)
        assert user.check_password("coba-demo-1")
        assert username in out.getvalue()
    assert Ticket.objects.count() == 60
    assert Ticket.objects.values("status").distinct().count() >= 5
    assert OutboundMessage.objects.count() == 0
    assert mail.outbox == []

    # Run again: nothing is added twice.
    call_command("demo", tickets=60, customers=15, password="coba-demo-1", stdout=io.StringIO())
    assert Ticket.objects.count() == 60
