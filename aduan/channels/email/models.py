"""Mail in and out: the raw messages as they arrived, the mail Aduan sends, its templates
and the IMAP mailboxes it polls.

The raw bytes of every inbound message are stored before anything else happens to them
(``InboundMessage.raw``), so a parser bug or a crash never costs a message: it stays listed
with its error and can be processed again after the fix.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    PIPE = "pipe", _("Pipe from the mail server")
    IMAP = "imap", _("IMAP mailbox")


class InboundStatus(models.TextChoices):
    RECEIVED = "received", _("Stored, not yet processed")
    PROCESSED = "processed", _("Processed")
    IGNORED = "ignored", _("Ignored: automatic mail")
    HELD = "held", _("Held: the sender sends too much")
    FAILED = "failed", _("Failed")
    REFUSED = "refused", _("Refused: too big")


# What an administrator may run through processing again.
RETRYABLE = (
    InboundStatus.RECEIVED,
    InboundStatus.FAILED,
    InboundStatus.HELD,
    InboundStatus.IGNORED,
)


class InboundMessage(models.Model):
    """One message as it arrived, bytes and all, and what became of it."""

    # The Message-ID header ("<...>"), or one made from the fingerprint when the message has
    # none. Not unique: different messages may carry the same one (tool notifications,
    # broken clients, forwarding).
    message_id = models.CharField(_("Message-ID"), max_length=255)
    # SHA-256 of the Message-ID and the content without transport headers (fingerprint.py),
    # unique: the same message, delivered twice or fetched again after a crash, is stored
    # once, and two deliveries at the same moment cannot both store it.
    fingerprint = models.CharField(_("content fingerprint"), max_length=64)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    mailbox = models.CharField(_("mailbox"), max_length=100, blank=True)
    envelope_from = models.CharField(_("envelope sender"), max_length=254, blank=True)
    envelope_to = models.CharField(_("envelope recipient"), max_length=254, blank=True)
    raw = models.BinaryField(_("raw message"))
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=12, choices=InboundStatus.choices, default=InboundStatus.RECEIVED
    )
    # Machine-readable: auto_submitted, precedence, bounce, auto_reply, loop, flood, too_big,
    # no_sender, error.
    reason = models.CharField(_("reason"), max_length=32, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveIntegerField(_("processing attempts"), default=0)
    duplicates = models.PositiveIntegerField(_("deliveries after the first"), default=0)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    # Its mailbox (or the pipe's --accept-auto-generated) lets in mail marked
    # "Auto-Submitted: auto-generated" as tickets, never answered: kept with the message, so
    # a later run (the sweep, an administrator's retry) decides the same way.
    accept_auto_generated = models.BooleanField(_("auto-generated mail accepted"), default=False)

    # Filled in by parsing, for lists and threading; the raw message stays the record.
    from_address = models.CharField(_("from"), max_length=254, blank=True)
    from_name = models.CharField(_("sender name"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=255, blank=True)
    text = models.TextField(_("full text"), blank=True)
    html = models.TextField(
        _("HTML"), blank=True, help_text=_("As sent; shown only after sanitising.")
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    event = models.ForeignKey(
        "tickets.TicketEvent",
        verbose_name=_("timeline entry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("inbound message")
        verbose_name_plural = _("inbound messages")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "id"], name="mail_inbound_status_idx"),
            # Flood control counts one sender's recent messages.
            models.Index(fields=["from_address", "received_at"], name="mail_inbound_sender_idx"),
            models.Index(fields=["ticket", "id"], name="mail_inbound_ticket_idx"),
            # Threading looks messages up by the Message-IDs a reply names.
            models.Index(fields=["message_id"], name="mail_inbound_msgid_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["fingerprint"], name="mail_inbound_fingerprint_unique")
        ]

    def __str__(self) -> str:
        return f"{self.message_id} ({self.status})"


class InboundAttachment(models.Model):
    """Every attachment and inline image of an inbound message, kept whatever its type.

    Accepted ones (type and size as for any upload, tickets/attachments.py) are also on the
    ticket as an ``Attachment``; the others stay here, withheld from the timeline with the
    reason, for an administrator to look at."""

    message = models.ForeignKey(
        InboundMessage, on_delete=models.CASCADE, related_name="attachments"
    )
    attachment = models.ForeignKey(
        "tickets.Attachment",
        verbose_name=_("ticket attachment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    file = models.FileField(_("file"), max_length=200)
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("declared type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    inline = models.BooleanField(_("inline"), default=False)
    content_id = models.CharField(_("Content-ID"), max_length=255, blank=True)
    accepted = models.BooleanField(_("on the ticket"), default=False)
    reason = models.CharField(_("why withheld"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("inbound attachment")
        verbose_name_plural = _("inbound attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename


class OutboundKind(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement of a new complaint")
    REPLY = "reply", _("Reply to the customer")
    SOLUTION_REPORT = "solution_report", _("Solution report")
    REFUSAL = "refusal", _("Refusal of a message that is too big")
    # Portal accounts: rendered by the portal (aduan/portal/emails.py), sent through the outbox.
    SIGN_UP = "sign_up", _("Link that confirms a sign-up")
    PASSWORD_RESET = "password_reset", _("Link that sets a new password")


# Mail about a portal account: its text holds a personal link, which nobody else may read.
ACCOUNT_KINDS = (OutboundKind.SIGN_UP, OutboundKind.PASSWORD_RESET)
# The kinds whose wording administrators edit (MailTemplate); portal mails have their own.
TEMPLATE_KINDS = [
    (value, label) for value, label in OutboundKind.choices if value not in ACCOUNT_KINDS
]


class OutboundStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SUPPRESSED = "suppressed", _("Not sent: too many to this recipient")
    BOUNCED = "bounced", _("Bounced")


class OutboundMessage(models.Model):
    """One mail Aduan sends, with its delivery state: the outbox a background job works off.

    Written in the transaction of the change it reports, sent after commit; a failed attempt
    is retried with back-off and, after the last one, stays visible as ``failed``."""

    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    event = models.ForeignKey(
        "tickets.TicketEvent",
        verbose_name=_("timeline entry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    inbound = models.ForeignKey(
        InboundMessage,
        verbose_name=_("in answer to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="answers",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OutboundKind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=OutboundStatus.choices, default=OutboundStatus.QUEUED
    )
    to_address = models.CharField(_("to"), max_length=254)
    to_name = models.CharField(_("recipient name"), max_length=200, blank=True)
    from_address = models.CharField(_("from"), max_length=254)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("text"))
    language = models.CharField(_("language"), max_length=8)
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=255, blank=True)
    references = models.TextField(_("References"), blank=True)
    auto_submitted = models.CharField(_("Auto-Submitted"), max_length=20)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")
        ordering = ["-id"]
        indexes = [
            # The cap per recipient and ticket counts recent rows.
            models.Index(
                fields=["to_address", "ticket", "created_at"], name="mail_outbound_cap_idx"
            ),
            models.Index(fields=["status", "next_attempt_at"], name="mail_outbound_due_idx"),
            models.Index(fields=["ticket", "id"], name="mail_outbound_ticket_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to_address} ({self.status})"


class Language(models.TextChoices):
    INDONESIAN = "id", _("Indonesian")
    ENGLISH = "en", _("English")


class MailTemplate(models.Model):
    """The organisation's wording of a mail, per kind and language. Without a row the
    built-in default (templates.DEFAULTS) is used."""

    kind = models.CharField(_("kind"), max_length=20, choices=TEMPLATE_KINDS)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("text"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("mail template")
        verbose_name_plural = _("mail templates")
        ordering = ["kind", "language"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "language"], name="mail_template_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.language})"


class Security(models.TextChoices):
    SSL = "ssl", _("TLS (IMAPS, usually port 993)")
    STARTTLS = "starttls", _("STARTTLS (usually port 143)")
    NONE = "none", _("None (local test servers only)")


class AfterStore(models.TextChoices):
    DELETE = "delete", _("Delete from the mailbox")
    MOVE = "move", _("Move to another folder")
    FLAG = "flag", _("Leave, marked with the $AduanStored keyword")


class Mailbox(models.Model):
    """An IMAP mailbox Aduan polls. A message leaves it (or is marked) only after it is
    stored in the database."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    host = models.CharField(_("host"), max_length=255)
    port = models.PositiveIntegerField(_("port"), default=993)
    security = models.CharField(
        _("security"), max_length=10, choices=Security.choices, default=Security.SSL
    )
    username = models.CharField(_("user name"), max_length=255)
    password = models.CharField(_("password"), max_length=255, blank=True)
    folder = models.CharField(_("folder"), max_length=255, default="INBOX")
    after_store = models.CharField(
        _("after storing"), max_length=8, choices=AfterStore.choices, default=AfterStore.DELETE
    )
    move_to = models.CharField(_("move to folder"), max_length=255, blank=True)
    address = models.EmailField(
        _("address"), blank=True, help_text=_("Answers to its mail come from this address.")
    )
    use_idle = models.BooleanField(_("use IMAP IDLE when offered"), default=True)
    accept_auto_generated = models.BooleanField(
        _("accept auto-generated mail"),
        default=False,
        help_text=_(
            "Mail marked 'Auto-Submitted: auto-generated' (monitoring, alerts) opens tickets "
            "instead of being ignored. Such mail is never acknowledged; auto-replies are "
            "still ignored."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
