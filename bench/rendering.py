"""What aduan.api.rendering saves: CPU time to turn one answer of the hot endpoints into JSON,
rendered by ``rendering.render`` and the django-ninja way (the response schema validates the
objects, then dumps them, then the same JSON renderer). Run by hand, not in CI.

    .venv/bin/python bench/rendering.py              # 2,000 renders of each, SQLite in a temp dir

Only the rendering is timed: the rows are read from the database once, before the loops, so
the figures do not depend on the database or on what else runs on the machine. The answers
are the ticket list's page of 25 rows (GET /api/v1/tickets), one created ticket (POST
/api/v1/tickets) and a caller look-up's list (GET /api/v1/customers?phone=). See
docs/performance.md for what a whole request costs, to put the saving in proportion.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "aduan.config.settings"
    os.environ.setdefault("DEBUG", "true")
    os.environ["ADUAN_DATA_DIR"] = tempfile.mkdtemp(prefix="aduan-rendering-")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def per_call(function: Callable[[], Any], runs: int) -> float:
    """Median CPU milliseconds of one call, over five rounds of ``runs`` calls."""
    rounds = []
    for _ in range(5):
        start = time.process_time()
        for _ in range(runs):
            function()
        rounds.append((time.process_time() - start) / runs * 1000)
    return statistics.median(rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=2000)
    args = parser.parse_args()
    setup()

    from django.test import RequestFactory
    from ninja.renderers import JSONRenderer
    from pydantic import TypeAdapter

    from aduan.api import rendering
    from aduan.customers.selectors import search_customers
    from aduan.tests.factories import build_organisation, make_ticket
    from aduan.tickets import selectors
    from aduan.tickets.api import TicketOut, TicketPage
    from aduan.tickets.callers import CustomerLookupOut

    org = build_organisation()
    for n in range(30):
        make_ticket(org, subject=f"Jaringan lambat {n}", customer=org.alice)
    agent = org.user("agent")
    rows, cursor = selectors.list_ticket_rows(agent, selectors.TicketFilters(limit=25))
    page = {"items": rows, "next_cursor": cursor}
    ticket = make_ticket(org, subject="Tagihan ganda")
    callers = selectors.attach_open_tickets(list(search_customers(phone=org.alice.phone)[:10]))
    request = RequestFactory().get("/api/v1/tickets")
    request.user = agent
    request.auth = agent  # type: ignore[attr-defined]
    renderer = JSONRenderer()

    def ninja(schema: Any, obj: Any, status: int = 200) -> bytes:
        context = {"request": request, "response_status": status}
        adapter: TypeAdapter[Any] = TypeAdapter(schema)
        data = adapter.dump_python(adapter.validate_python(obj, context=context), context=context)
        return renderer.render(request, data, response_status=status)

    cases: list[tuple[str, Any, Any, int]] = [
        ("ticket list, 25 rows", TicketPage, page, 200),
        ("created ticket", TicketOut, ticket, 201),
        (f"caller look-up, {len(callers)} row(s)", list[CustomerLookupOut], callers, 200),
    ]
    print(f"{'answer':<28} {'rendering ms':>13} {'ninja ms':>9} {'saved':>7}")
    for name, schema, obj, status in cases:
        ours = per_call(
            lambda s=schema, o=obj, c=status: rendering.render(request, s, o, status=c), args.runs
        )
        theirs = per_call(lambda s=schema, o=obj, c=status: ninja(s, o, c), args.runs)
        print(f"{name:<28} {ours:>13.3f} {theirs:>9.3f} {theirs - ours:>7.3f}")


if __name__ == "__main__":
    main()
