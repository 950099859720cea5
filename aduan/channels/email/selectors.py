"""Reading mail: the administrators' list of inbound messages (failed ones first of all), a
message with its full text, the outbound mail and its delivery state, the templates."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from aduan.accounts.models import User
from aduan.channels.email import templates
from aduan.channels.email.models import (
    TEMPLATE_KINDS,
    InboundAttachment,
    InboundMessage,
    Language,
    MailTemplate,
    OutboundMessage,
)
from aduan.channels.email.permissions import (
    may_configure_mail,
    may_read_mail_of_ticket,
    may_see_outgoing_mail,
)
from aduan.core.errors import NotFound
from aduan.core.permissions import require
from aduan.tickets.permissions import visible_tickets

# The list never loads the bytes, the full text or the HTML.
_LIST_DEFER = ("raw", "text", "html")


def _page(rows: list, limit: int) -> tuple[list, str | None]:  # type: ignore[type-arg]
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (str(rows[-1].pk) if more and rows else None)


def _before(cursor: str | None) -> int | None:
    if not cursor:
        return None
    if not cursor.isdigit() or len(cursor) > 16:
        from aduan.core.errors import ValidationFailed

        raise ValidationFailed([("cursor", _("Not a cursor from this list."))])
    return int(cursor)


def inbound_messages(
    actor: User, *, status: str | None = None, cursor: str | None = None, limit: int = 50
) -> tuple[list[InboundMessage], str | None]:
    """Newest first; administrators only (the messages of every customer are here)."""
    require(may_configure_mail, actor)
    rows: QuerySet[InboundMessage] = InboundMessage.objects.defer(*_LIST_DEFER).select_related(
        "ticket"
    )
    if status:
        rows = rows.filter(status=status)
    before = _before(cursor)
    if before is not None:
        rows = rows.filter(pk__lt=before)
    return _page(list(rows.order_by("-id")[: limit + 1]), limit)


def inbound_message(actor: User, message_id: int, *, with_raw: bool = False) -> InboundMessage:
    """One message with its full text: administrators, or staff who may read its ticket."""
    rows = InboundMessage.objects.select_related("ticket").prefetch_related("attachments")
    if not with_raw:
        rows = rows.defer("raw")
    message = rows.filter(pk=message_id).first()
    allowed = message is not None and (
        may_configure_mail(actor)
        or (
            not with_raw
            and may_read_mail_of_ticket(actor)
            and message.ticket_id is not None
            and visible_tickets(actor).filter(pk=message.ticket_id).exists()
        )
    )
    if message is None or not allowed:
        raise NotFound(_("No inbound message %(id)s.") % {"id": message_id})
    return message


def inbound_attachment(actor: User, message_id: int, attachment_id: int) -> InboundAttachment:
    """One file of an inbound message, withheld ones and those of ignored or failed messages
    included: administrators only (a withheld file may be a program or a web page)."""
    item = None
    if may_configure_mail(actor):
        item = InboundAttachment.objects.filter(pk=attachment_id, message_id=message_id).first()
    if item is None:
        raise NotFound(
            _("No attachment %(id)s on inbound message %(message)s.")
            % {"id": attachment_id, "message": message_id}
        )
    return item


def outbound_messages(
    actor: User,
    *,
    status: str | None = None,
    ticket: str | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> tuple[list[OutboundMessage], str | None]:
    require(may_see_outgoing_mail, actor)
    rows = OutboundMessage.objects.select_related("ticket").filter(
        ticket__in=visible_tickets(actor)
    ) | OutboundMessage.objects.select_related("ticket").filter(ticket__isnull=True)
    if status:
        rows = rows.filter(status=status)
    if ticket:
        rows = rows.filter(ticket__reference=ticket)
    before = _before(cursor)
    if before is not None:
        rows = rows.filter(pk__lt=before)
    return _page(list(rows.order_by("-id")[: limit + 1]), limit)


def outbound_message(actor: User, outbound_id: int) -> OutboundMessage:
    require(may_see_outgoing_mail, actor)
    message = OutboundMessage.objects.select_related("ticket").filter(pk=outbound_id).first()
    if message is None or (
        message.ticket_id is not None
        and not visible_tickets(actor).filter(pk=message.ticket_id).exists()
    ):
        raise NotFound(_("No outbound message %(id)s.") % {"id": outbound_id})
    return message


@dataclass(frozen=True)
class EffectiveTemplate:
    kind: str
    language: str
    subject: str
    body: str
    is_default: bool


def effective_templates(actor: User) -> list[EffectiveTemplate]:
    """Every kind in every language: the organisation's wording or the built-in one."""
    require(may_configure_mail, actor)
    own = {(row.kind, row.language): row for row in MailTemplate.objects.all()}
    result = []
    for kind, _label in TEMPLATE_KINDS:
        for language in Language.values:
            row = own.get((kind, language))
            subject, body = (row.subject, row.body) if row else templates.default(kind, language)
            result.append(EffectiveTemplate(kind, language, subject, body, row is None))
    return result
