"""Reads of the service-level configuration and results."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from aduan.sla.models import BusinessCalendar, EscalationStep, SlaEvent, SlaPolicy
from aduan.tickets.models import OPEN_STATUSES, Status, Ticket

MAX_REPORT_DAYS = 92


def policies() -> QuerySet[SlaPolicy]:
    return SlaPolicy.objects.select_related("priority", "category", "channel", "calendar").order_by(
        "order", "id"
    )


def steps() -> QuerySet[EscalationStep]:
    return EscalationStep.objects.select_related("policy").order_by(
        "policy_id", "trigger", "offset_minutes", "id"
    )


def calendars() -> QuerySet[BusinessCalendar]:
    return BusinessCalendar.objects.prefetch_related("periods", "closed_days").order_by("name")


def ledger(ticket: Ticket) -> list[SlaEvent]:
    return list(SlaEvent.objects.filter(ticket=ticket).order_by("id"))


def report(
    since: datetime.datetime, until: datetime.datetime, now: datetime.datetime
) -> dict[str, Any]:
    """Response and resolution against the targets (seed 002's performance indicators), per
    priority, for tickets received in ``[since, until)``."""
    rows = (
        Ticket.objects.filter(received_at__gte=since, received_at__lt=until)
        .exclude(status=Status.CANCELLED)
        .values("priority__code")
        .annotate(
            received=Count("id"),
            answered=Count("id", filter=Q(first_response_at__isnull=False)),
            first_response_met=Count(
                "id",
                filter=Q(first_response_at__isnull=False, first_response_breached_at__isnull=True),
            ),
            first_response_missed=Count("id", filter=Q(first_response_breached_at__isnull=False)),
            resolved=Count("id", filter=Q(resolved_at__isnull=False)),
            resolution_met=Count(
                "id", filter=Q(resolved_at__isnull=False, resolution_breached_at__isnull=True)
            ),
            resolution_missed=Count("id", filter=Q(resolution_breached_at__isnull=False)),
            open_overdue=Count(
                "id", filter=Q(status__in=OPEN_STATUSES, due_at__lt=now, sla_paused_at__isnull=True)
            ),
            open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        )
        .order_by(F("priority__rank").asc(), "priority__code")
    )
    by_priority = [
        {
            **{k: v for k, v in row.items() if k != "priority__code"},
            "priority": row["priority__code"],
        }
        for row in rows
    ]
    totals: dict[str, Any] = {}
    for row in by_priority:
        for key, value in row.items():
            if key != "priority":
                totals[key] = totals.get(key, 0) + value
    return {
        "since": since,
        "until": until,
        "totals": totals,
        "by_priority": by_priority,
    }
