"""Template helpers shared by the console and the portal."""

from __future__ import annotations

import datetime
from typing import Any

import nh3
from django import forms, template
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import linebreaksbr, urlize
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from aduan.customers.phones import display_phone

register = template.Library()

DATETIME = "j M Y H:i T"
SHORT = "j M H:i"
SHORT_WITH_YEAR = "j M Y"


@register.filter
def customer_text(value: object) -> SafeString:
    """Text someone typed (a complaint, a reply, a note), shown as written: escaped, line
    breaks kept, web addresses made links. nh3 then removes anything but those links and
    line breaks, a second guard in case escaping is ever lost on the way."""
    escaped = linebreaksbr(urlize(str(value or ""), autoescape=True), autoescape=False)
    cleaned = nh3.clean(
        str(escaped),
        tags={"a", "br"},
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitised by nh3 just above


@register.simple_tag
def when(value: datetime.datetime | None, short: bool = False) -> str:
    """A ``<time>`` element in the organisation's time zone and the reader's language;
    ``short`` leaves out the year (when it is this year) and the zone, for lists."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    iso = local.isoformat(timespec="minutes")
    if short:
        same_year = local.year == timezone.localtime().year
        text = date_filter(local, SHORT if same_year else SHORT_WITH_YEAR)
        full = date_filter(local, DATETIME)
        return format_html('<time datetime="{}" title="{}">{}</time>', iso, full, text)
    return format_html('<time datetime="{}">{}</time>', iso, date_filter(local, DATETIME))


@register.simple_tag
def due(value: datetime.datetime | None, is_open: bool = True, short: bool = False) -> str:
    """The due time, flagged when it has passed and the ticket is still open."""
    if value is None:
        return ""
    rendered = when(value, short=short)
    if is_open and value < timezone.now():
        return format_html(
            '<span class="overdue">{} <strong>{}</strong></span>', rendered, _("overdue")
        )
    return rendered


@register.filter
def phone(value: str) -> str:
    return display_phone(value) if value else ""


@register.inclusion_tag("aduan/field.html")
def field(bound: forms.BoundField, **options: Any) -> dict[str, Any]:
    """One form field: its label, the input, help text and its own errors right beside it."""
    widget = bound.field.widget
    attrs: dict[str, Any] = {}
    described = []
    if bound.help_text:
        described.append(f"{bound.auto_id}-help")
    if bound.errors:
        attrs["aria-invalid"] = "true"
        described.append(f"{bound.auto_id}-error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    for key, value in options.items():
        attrs[key.replace("_", "-")] = value
    return {
        "bound": bound,
        "widget_html": bound.as_widget(attrs=attrs),
        "is_checkbox": isinstance(widget, forms.CheckboxInput),
        "is_hidden": bound.is_hidden,
    }
