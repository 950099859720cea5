"""Template filters for care's pages: hard-complaint criteria and callback reasons."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy

from aduan.care.models import Criterion

register = template.Library()

CALLBACK_REASONS = {
    "super_emergency": gettext_lazy("super emergency"),
    "hard_complaint": gettext_lazy("hard complaint"),
    "promise": gettext_lazy("promise"),
    "category": gettext_lazy("category chosen for callbacks"),
    "priority": gettext_lazy("priority chosen for callbacks"),
}


@register.filter
def criterion_label(value: str) -> str:
    """A hard-complaint criterion's label (``care.models.Criterion``)."""
    try:
        return str(Criterion(value).label)
    except ValueError:
        return value


@register.filter
def callback_reason(value: str) -> str:
    """Why a ticket is on the callback list (``care.services.callbacks.reasons_for``)."""
    return str(CALLBACK_REASONS.get(value, value))
