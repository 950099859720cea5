"""``aduan seed``: bulk rows consistent with what the services would have written."""

from __future__ import annotations

import io
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from aduan.core.sequences import next_value
from aduan.customers.models import Customer
from aduan.tickets.models import EventKind, Forwarding, Status, Ticket, TicketEvent

# On PostgreSQL the seed ends with VACUUM ANALYZE, which no transaction may hold: there the
# test commits, and the rows from migrations are restored for the tests that follow. (On
# SQLite it must not: emptying the tables afterwards would delete audit entries, which the
# database refuses.)
_ON_POSTGRESQL = connection.vendor == "postgresql"
pytestmark = pytest.mark.django_db(transaction=_ON_POSTGRESQL, serialized_rollback=_ON_POSTGRESQL)


def test_seed_tops_up_to_the_totals_with_references_in_order_of_arrival() -> None:
    out = io.StringIO()
    # A batch smaller than the load: numbering carries on from one batch to the next.
    call_command("seed", tickets=400, customers=40, batch=150, stdout=out)

    assert Ticket.objects.count() == 400
    assert Customer.objects.count() == 40
    assert "Added" in out.getvalue()
    numbers: dict[int, list[int]] = defaultdict(list)
    for reference in Ticket.objects.order_by("received_at", "id").values_list(
        "reference", flat=True
    ):
        _prefix, written_year, number = reference.rsplit("-", 2)
        numbers[int(written_year)].append(int(number))
    for year, taken in numbers.items():
        assert taken == list(range(1, len(taken) + 1)), year
        # The counter behind the references is past the last number used.
        assert next_value(f"ticket_{year}") == len(taken) + 1
    now = timezone.now()
    for ticket in Ticket.objects.all():
        times = [ticket.received_at, ticket.first_response_at, ticket.resolved_at]
        known = [t for t in times if t is not None]
        assert known == sorted(known) and known[-1] <= now, ticket.reference
    assert TicketEvent.objects.filter(kind=EventKind.CREATED).count() == 400
    assert Forwarding.objects.count() == Ticket.objects.filter(status=Status.FORWARDED).count()

    # Totals, not additions: a second run with the same totals adds nothing.
    call_command("seed", tickets=400, customers=40, stdout=io.StringIO())
    assert Ticket.objects.count() == 400
    assert Customer.objects.count() == 40
