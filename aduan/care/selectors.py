"""Reads for the care module: queues and lists with what their rows show joined in."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from aduan.care.models import (
    Callback,
    HardComplaint,
    HardComplaintStatus,
    ProgressUpdate,
    Promise,
    SpecialAction,
    SuperEmergency,
)
from aduan.tickets.models import Ticket


def ticket_with_customer(ticket_id: int) -> Ticket:
    return Ticket.objects.select_related("customer").get(pk=ticket_id)


def hard_complaint_queue(
    *, status: str | None, before: int | None, limit: int
) -> list[HardComplaint]:
    """Hard complaints for the support desk, oldest first; by default those not done."""
    rows = HardComplaint.objects.select_related("ticket", "ticket__customer").filter(
        ticket__is_hard_complaint=True
    )
    # Default: everything not done yet.
    rows = rows.filter(status=status) if status else rows.exclude(status=HardComplaintStatus.DONE)
    if before is not None:
        rows = rows.filter(id__lt=before)
    return list(rows.order_by("id")[:limit])


def hard_complaint(complaint_id: int) -> HardComplaint:
    return HardComplaint.objects.select_related("ticket", "ticket__customer").get(pk=complaint_id)


def emergencies() -> QuerySet[SuperEmergency]:
    return SuperEmergency.objects.select_related(
        "ticket", "ticket__customer", "raised_by", "analysed_by"
    ).prefetch_related(
        "groups",
        Prefetch(
            "updates",
            queryset=ProgressUpdate.objects.select_related("group", "recorded_by").order_by("id"),
        ),
        "deliveries__group",
    )


def promises() -> QuerySet[Promise]:
    return Promise.objects.select_related("ticket", "ticket__customer", "guardian", "made_by")


def callbacks() -> QuerySet[Callback]:
    return Callback.objects.select_related("ticket", "ticket__customer", "recorded_by")


def callback_list(*, status: str | None, before: int | None, limit: int) -> list[Callback]:
    """The tier-2 outbound callback list, oldest first, optionally of one status."""
    rows = callbacks()
    if status:
        rows = rows.filter(status=status)
    if before is not None:
        rows = rows.filter(id__lt=before)
    return list(rows.order_by("id")[:limit])


def special_actions() -> QuerySet[SpecialAction]:
    return SpecialAction.objects.select_related(
        "ticket", "ticket__customer", "requested_by", "decided_by"
    )
