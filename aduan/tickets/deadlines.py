"""Due times of a ticket: the seam between the ticket services and the service-level clock.

The ticket services call these at intake, on reclassification, on every status change and
on the first answer to the customer, and the API and the templates ask ``state`` how a
ticket stands. The clock itself (policies, business calendars, pausing while pending) is
``aduan.sla.clock``: the service-level app registers it here when Django starts
(``SlaConfig.ready``), so the tickets app never imports the app that times its tickets.
See docs/sla.md and docs/architecture.md.
"""

from __future__ import annotations

import datetime
from typing import Protocol

from aduan.tickets.models import Ticket, TicketEvent


class SlaState:
    """How a ticket stands against its targets, for colouring queues."""

    OK = "ok"
    NEAR = "near"
    BREACHED = "breached"
    PAUSED = "paused"
    MET = "met"
    MISSED = "missed"
    NONE = "none"


class Clock(Protocol):
    """What the ticket services need of a service-level clock. Each call changes the ticket
    in memory and returns the fields it changed, for the caller's single ``save``."""

    def start(self, ticket: Ticket) -> list[str]: ...

    def retarget(self, ticket: Ticket) -> list[str]: ...

    def on_status_change(
        self, ticket: Ticket, source: str, target: str, now: datetime.datetime
    ) -> tuple[list[str], list[TicketEvent]]: ...

    def on_first_response(
        self, ticket: Ticket, now: datetime.datetime
    ) -> tuple[list[str], list[TicketEvent]]: ...

    def state(self, ticket: Ticket, now: datetime.datetime | None = None) -> str: ...


_clock: Clock | None = None


def register(clock: Clock) -> None:
    """Install the clock the ticket services use (once, when Django starts)."""
    global _clock
    _clock = clock


def _registered() -> Clock:
    if _clock is None:
        raise RuntimeError("No service-level clock registered: is aduan.sla an installed app?")
    return _clock


def start(ticket: Ticket) -> list[str]:
    """A new ticket: choose its policy and set its due times."""
    return _registered().start(ticket)


def retarget(ticket: Ticket) -> list[str]:
    """Priority or category changed: the policy and due times may change."""
    return _registered().retarget(ticket)


def on_status_change(
    ticket: Ticket, source: str, target: str, now: datetime.datetime
) -> tuple[list[str], list[TicketEvent]]:
    return _registered().on_status_change(ticket, source, target, now)


def on_first_response(
    ticket: Ticket, now: datetime.datetime
) -> tuple[list[str], list[TicketEvent]]:
    return _registered().on_first_response(ticket, now)


def state(ticket: Ticket, now: datetime.datetime | None = None) -> str:
    """ok / near / breached / paused while open; met / missed once resolved (``SlaState``)."""
    return _registered().state(ticket, now)
