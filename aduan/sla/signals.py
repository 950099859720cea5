"""Forget the cached service-level configuration when any of it is saved in this process
(other processes see the change within ``aduan.core.cache.TTL_SECONDS``)."""

from typing import Any

from django.db.models.signals import post_delete, post_save

from aduan.sla import rules
from aduan.sla.models import (
    BusinessCalendar,
    ClosedDay,
    EscalationStep,
    SlaPolicy,
    WorkingPeriod,
)


def _clear(**kwargs: Any) -> None:
    rules.clear_cache()


for model in (BusinessCalendar, ClosedDay, EscalationStep, SlaPolicy, WorkingPeriod):
    post_save.connect(_clear, sender=model, dispatch_uid=f"clear-sla-cache-{model.__name__}")
    post_delete.connect(_clear, sender=model, dispatch_uid=f"clear-sla-del-{model.__name__}")
