"""How tickets and their timeline read in the console and the portal."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from aduan.organisation import selectors as org
from aduan.tickets import deadlines
from aduan.tickets.deadlines import SlaState
from aduan.tickets.models import EventKind, Status, Ticket, TicketEvent, Tier

register = template.Library()


def status_text(value: str) -> str:
    try:
        return str(Status(value).label)
    except ValueError:
        return value


@register.simple_tag
def status_badge(value: str) -> str:
    return format_html(
        '<span class="badge status-{}" data-status="{}">{}</span>', value, value, status_text(value)
    )


SLA_LABELS = {
    SlaState.OK: pgettext_lazy("service level", "on time"),
    SlaState.NEAR: pgettext_lazy("service level", "near"),
    SlaState.BREACHED: pgettext_lazy("service level", "breached"),
    SlaState.PAUSED: pgettext_lazy("service level", "paused"),
    SlaState.MET: pgettext_lazy("service level", "met"),
    SlaState.MISSED: pgettext_lazy("service level", "missed"),
}


@register.filter
def sla_state(ticket: Ticket) -> str:
    """The ticket's service-level state: the same ``deadlines.state`` as the API's
    ``sla_state``."""
    return deadlines.state(ticket)


@register.simple_tag
def sla_badge(state: str) -> SafeString | str:
    """A service-level state as a badge with text, so colour is never the only signal;
    nothing for "none"."""
    label = SLA_LABELS.get(state)
    if label is None:
        return ""
    return format_html(
        '<span class="badge sla sla-{}" data-sla="{}">{}</span>', state, state, label
    )


@register.filter
def tier_label(value: int) -> str:
    try:
        return str(Tier(value).label)
    except ValueError:
        return str(value)


def _team_name(code: object) -> str:
    team = org.team_by_code(str(code)) if code else None
    return team.name if team else str(code or "")


FIELD_NAMES = {
    "status": gettext_lazy("status"),
    "tier": gettext_lazy("tier"),
    "team": gettext_lazy("team"),
    "assignee": gettext_lazy("assignee"),
    "category": gettext_lazy("category"),
    "priority": gettext_lazy("priority"),
    "is_technical": gettext_lazy("technical"),
    "subject": gettext_lazy("subject"),
    "due_at": gettext_lazy("resolution due"),
    "first_response_due_at": gettext_lazy("first response due"),
}


@register.filter
def event_summary(event: TicketEvent) -> str:
    """One line saying what happened, beside the entry's kind and author."""
    data = event.data or {}
    kind = event.kind
    if kind == EventKind.STATUS_CHANGE:
        return _("From %(source)s to %(target)s.") % {
            "source": status_text(str(data.get("source", ""))),
            "target": status_text(str(data.get("target", ""))),
        }
    if kind == EventKind.CREATED:
        return _("Recorded as %(status)s.") % {"status": status_text(str(data.get("status", "")))}
    if kind in (EventKind.FORWARDED, EventKind.DIVISION_RESPONSE):
        return _("Division: %(team)s.") % {"team": _team_name(data.get("team"))}
    if kind == EventKind.ESCALATION:
        summary = _("From tier %(source)s to tier %(target)s.") % {
            "source": data.get("source_tier", "?"),
            "target": data.get("target_tier", "?"),
        }
        if data.get("team"):
            summary += " " + _("Team: %(team)s.") % {"team": _team_name(data.get("team"))}
        return summary
    if kind == EventKind.ASSIGNMENT:
        changed = data.get("changes") or {}
        names = [str(FIELD_NAMES.get(name, name)) for name in changed]
        return _("Changed: %(fields)s.") % {"fields": ", ".join(names)} if names else ""
    if kind == EventKind.ATTACHMENT:
        return str(data.get("filename", ""))
    return ""


@register.filter
def channel_label(value: str) -> str:
    """How a reply went (a solution channel), or the intake channel a ticket came by."""
    from aduan.tickets.models import SolutionChannel

    try:
        return str(SolutionChannel(value).label)
    except ValueError:
        channel = org.channel_by_code(value) if value else None
        return channel.name if channel else value


@register.filter
def is_from_customer(event: TicketEvent) -> bool:
    return event.kind == EventKind.CUSTOMER_MESSAGE


@register.inclusion_tag("tickets/_links.html", takes_context=True)
def follow_links(context: template.Context, ticket: Ticket, url_name: str) -> dict[str, object]:
    """The "follows ADU-..." and "followed by ADU-..." line of a ticket's page, linked with
    ``url_name`` (``console:ticket``, ``portal:ticket``), for what the reader may see."""
    from aduan.tickets.selectors import follow_links as links_of

    user = context["request"].user
    return {"links": links_of(user, ticket), "url_name": url_name}
