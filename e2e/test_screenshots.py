"""The main pages at a desktop width and at 360 px (a small phone): nothing wider than the
screen, no script errors, and a screenshot of each (docs/screenshots/ with
``ADUAN_SCREENSHOTS=1``, else a temporary folder)."""

from __future__ import annotations

import pytest

from aduan.accounts.models import User
from aduan.tickets.models import Forwarding, ForwardingStatus, Status, Ticket
from e2e.helpers import DESKTOP, PHONE, go, lang, login, no_horizontal_scroll, screenshot_dir

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = {"desktop": DESKTOP, "phone": PHONE}


def test_main_pages_fit_the_screen_and_are_captured(demo_tickets, new_page, tmp_path):
    folder = screenshot_dir(tmp_path)
    answered = (
        Ticket.objects.filter(forwardings__status=ForwardingStatus.RESPONDED)
        .exclude(status__in=[Status.CLOSED, Status.CANCELLED])
        .order_by("-id")
        .first()
    ) or Ticket.objects.filter(forwardings__isnull=False).order_by("-id").first()
    assert answered is not None
    if not Forwarding.objects.filter(status=ForwardingStatus.SENT, team__code="div-network"):
        from aduan.tickets import services

        for ticket in Ticket.objects.filter(status__in=[Status.OPEN, Status.IN_PROGRESS])[:2]:
            services.forward(
                actor=demo_tickets["agent"],
                reference=ticket.reference,
                team="div-network",
                instructions="Mohon periksa perangkat jaringan di lokasi pelanggan.",
            )
    own = Ticket.objects.filter(customer__user__username="customer").order_by("-id").first()
    assert own is not None
    pages = [
        ("agent", "caller-desk", "/console/desk/?q=0812-3456-7890"),
        ("agent", "queue", "/console/queues/?queue=unassigned"),
        ("agent", "ticket", f"/console/tickets/{answered.reference}/"),
        ("division", "division-inbox", "/console/inbox/"),
        ("customer", "portal-ticket", f"/portal/tickets/{own.reference}/"),
    ]
    sessions: dict[str, object] = {}
    for size, viewport in SIZES.items():
        for username, name, path in pages:
            if username not in sessions:
                page = new_page("en", viewport)
                login(page, username, portal=username == "customer")
                sessions[username] = page
            page = sessions[username]
            page.set_viewport_size(viewport)
            go(page, path)
            assert no_horizontal_scroll(page), f"{name} is wider than {viewport['width']} px"
            page.screenshot(path=str(folder / f"{name}-{size}.png"))
    # Indonesian words are longer: the same pages, read in Indonesian, must fit as well.
    User.objects.filter(username__in=list(sessions)).update(language="id")
    for viewport in SIZES.values():
        for username, name, path in pages:
            page = sessions[username]
            page.set_viewport_size(viewport)
            go(page, path)
            assert lang(page) == "id"
            assert no_horizontal_scroll(page), f"{name} (id) is wider than {viewport['width']} px"
    for username, page in sessions.items():
        assert page.js_errors == [], (username, page.js_errors)
