"""What people do with mail in Aduan: administrators re-run messages that failed, edit the
templates and configure mailboxes; front-line staff send a failed mail again. Each function
asks its capability (channels.email.permissions), changes the rows and writes the audit
entry, or raises."""

from __future__ import annotations

from dataclasses import dataclass, fields

from django.db import transaction
from django.utils.translation import gettext as _

from aduan.accounts.models import User
from aduan.audit.services import record, snapshot
from aduan.channels import cache
from aduan.channels.email import inbound, outbound, templates
from aduan.channels.email.models import (
    RETRYABLE,
    AfterStore,
    InboundMessage,
    Language,
    Mailbox,
    MailTemplate,
    OutboundKind,
    OutboundMessage,
    OutboundStatus,
    Security,
)
from aduan.channels.email.permissions import may_configure_mail, may_resend_mail
from aduan.core.errors import Conflict, NotFound
from aduan.core.permissions import require
from aduan.core.validation import Errors
from aduan.tickets.permissions import visible_tickets


def require_admin(actor: User) -> None:
    require(may_configure_mail, actor)


def retry_inbound(*, actor: User, message_id: int, force: bool = False) -> InboundMessage:
    """Run a stored message through processing again, after a fix. ``force`` also takes
    one that was held (a flooding sender) or ignored as automatic mail."""
    require_admin(actor)
    message = InboundMessage.objects.defer("raw").filter(pk=message_id).first()
    if message is None:
        raise NotFound(_("No inbound message %(id)s.") % {"id": message_id})
    if message.status not in RETRYABLE:
        raise Conflict(
            _(
                "Inbound message %(id)s is %(status)s; only stored, failed, held or ignored "
                "messages run again."
            )
            % {"id": message_id, "status": message.status},
            field="status",
            extra={"current": message.status},
        )
    record(
        actor=actor,
        action="mail.inbound_retry",
        instance=message,
        before={"status": message.status},
        after={"force": force},
    )
    return inbound.process(message.pk, force=force)


RESENDABLE = (OutboundStatus.FAILED, OutboundStatus.BOUNCED, OutboundStatus.SUPPRESSED)


@transaction.atomic
def resend_outbound(*, actor: User, outbound_id: int) -> OutboundMessage:
    """Queue a mail that failed, bounced or was held back by the cap once more."""
    require(may_resend_mail, actor)
    message = OutboundMessage.objects.select_for_update().filter(pk=outbound_id).first()
    if message is None or (
        message.ticket_id is not None
        and not visible_tickets(actor).filter(pk=message.ticket_id).exists()
    ):
        raise NotFound(_("No outbound message %(id)s.") % {"id": outbound_id})
    if message.status not in RESENDABLE:
        raise Conflict(
            _("Mail %(id)s is %(status)s; only failed, bounced or held back mail is sent again.")
            % {"id": outbound_id, "status": message.status},
            field="status",
            extra={"current": message.status},
        )
    before = message.status
    message.status = OutboundStatus.QUEUED
    message.next_attempt_at = None
    message.attempts = 0
    message.save(update_fields=["status", "next_attempt_at", "attempts"])
    record(
        actor=actor,
        action="mail.outbound_resend",
        instance=message,
        before={"status": before},
        after={"status": message.status},
    )
    outbound.hand_over(message.pk)
    return message


# --- templates --------------------------------------------------------------------------------


def _template_key(kind: str, language: str) -> None:
    errors = Errors()
    if kind not in OutboundKind.values:
        errors.add(
            "kind", _("Must be one of: %(choices)s.") % {"choices": ", ".join(OutboundKind.values)}
        )
    if language not in Language.values:
        errors.add("language", _("Must be 'id' or 'en'."))
    errors.raise_if_any()


@transaction.atomic
def save_template(
    *, actor: User, kind: str, language: str, subject: str, body: str
) -> MailTemplate:
    """The organisation's own wording of one mail in one language."""
    require_admin(actor)
    _template_key(kind, language)
    errors = Errors()
    subject = errors.text("subject", subject, max_length=templates.SUBJECT_MAX, single_line=True)
    body = errors.text("body", body, max_length=templates.BODY_MAX)
    errors.raise_if_any()
    templates.check(subject, body)
    row = MailTemplate.objects.select_for_update().filter(kind=kind, language=language).first()
    before = snapshot(row, ["subject", "body"]) if row else {}
    if row is None:
        row = MailTemplate(kind=kind, language=language)
    row.subject, row.body, row.updated_by = subject, body, actor
    row.save()
    cache.clear()
    record(
        actor=actor,
        action="mail.template_saved",
        instance=row,
        before=before,
        after=snapshot(row, ["subject", "body"]),
    )
    return row


@transaction.atomic
def reset_template(*, actor: User, kind: str, language: str) -> None:
    """Back to the built-in wording."""
    require_admin(actor)
    _template_key(kind, language)
    row = MailTemplate.objects.filter(kind=kind, language=language).first()
    if row is None:
        raise NotFound(
            _("The %(kind)s template in '%(language)s' is already the default.")
            % {"kind": kind, "language": language}
        )
    record(
        actor=actor,
        action="mail.template_reset",
        instance=row,
        before=snapshot(row, ["subject", "body"]),
    )
    row.delete()
    cache.clear()


# --- mailboxes ----------------------------------------------------------------------------------

_UNSET: object = object()


@dataclass(frozen=True)
class MailboxInput:
    name: object = _UNSET
    host: object = _UNSET
    port: object = _UNSET
    security: object = _UNSET
    username: object = _UNSET
    password: object = _UNSET
    folder: object = _UNSET
    after_store: object = _UNSET
    move_to: object = _UNSET
    address: object = _UNSET
    use_idle: object = _UNSET
    accept_auto_generated: object = _UNSET
    is_active: object = _UNSET


MAILBOX_AUDITED = [
    "name",
    "host",
    "port",
    "security",
    "username",
    "folder",
    "after_store",
    "move_to",
    "address",
    "use_idle",
    "accept_auto_generated",
    "is_active",
]


@transaction.atomic
def save_mailbox(*, actor: User, data: MailboxInput, mailbox_id: int | None = None) -> Mailbox:
    """Add an IMAP mailbox to poll, or change one (``mailbox_id``). The password is
    write-only: never shown again, kept when not given."""
    require_admin(actor)
    if mailbox_id is None:
        mailbox = Mailbox()
        before: dict[str, object] = {}
    else:
        found = Mailbox.objects.select_for_update().filter(pk=mailbox_id).first()
        if found is None:
            raise NotFound(_("No mailbox %(id)s.") % {"id": mailbox_id})
        mailbox = found
        before = snapshot(mailbox, MAILBOX_AUDITED)
    given = {
        f.name: getattr(data, f.name) for f in fields(data) if getattr(data, f.name) is not _UNSET
    }
    errors = Errors()
    for field, limit in (
        ("name", 100),
        ("host", 255),
        ("username", 255),
        ("folder", 255),
        ("move_to", 255),
    ):
        if field in given:
            required = field in ("name", "host", "username", "folder")
            setattr(
                mailbox,
                field,
                errors.text(
                    field,
                    str(given[field] or ""),
                    max_length=limit,
                    required=required,
                    single_line=True,
                ),
            )
        elif mailbox_id is None and field in ("name", "host", "username"):
            errors.add(field, _("This field is required."))
    if "password" in given:
        mailbox.password = errors.text(
            "password",
            str(given["password"] or ""),
            max_length=255,
            required=False,
            single_line=True,
        )
    if "port" in given:
        port = given["port"]
        if not isinstance(port, int) or not 1 <= port <= 65535:
            errors.add("port", _("Must be between 1 and 65535."))
        else:
            mailbox.port = port
    for field, choices in (("security", Security.values), ("after_store", AfterStore.values)):
        if field in given:
            if given[field] not in choices:
                errors.add(
                    field, _("Must be one of: %(choices)s.") % {"choices": ", ".join(choices)}
                )
            else:
                setattr(mailbox, field, given[field])
    if "address" in given:
        from aduan.customers.services import clean_email

        mailbox.address = clean_email(errors, str(given["address"] or ""), field="address")
    for field in ("use_idle", "accept_auto_generated", "is_active"):
        if field in given:
            setattr(mailbox, field, bool(given[field]))
    if mailbox.after_store == AfterStore.MOVE and not mailbox.move_to:
        errors.add("move_to", _("Name the folder stored mail is moved to."))
    errors.raise_if_any()
    if Mailbox.objects.exclude(pk=mailbox.pk).filter(name=mailbox.name).exists():
        raise Conflict(
            _("A mailbox named '%(name)s' exists already.") % {"name": mailbox.name}, field="name"
        )
    mailbox.save()
    cache.clear()
    record(
        actor=actor,
        action="mail.mailbox_saved",
        instance=mailbox,
        before=before,
        after=snapshot(mailbox, MAILBOX_AUDITED),
    )
    return mailbox


@transaction.atomic
def delete_mailbox(*, actor: User, mailbox_id: int) -> None:
    require_admin(actor)
    mailbox = Mailbox.objects.filter(pk=mailbox_id).first()
    if mailbox is None:
        raise NotFound(_("No mailbox %(id)s.") % {"id": mailbox_id})
    record(
        actor=actor,
        action="mail.mailbox_deleted",
        instance=mailbox,
        before=snapshot(mailbox, MAILBOX_AUDITED),
    )
    mailbox.delete()
    cache.clear()
