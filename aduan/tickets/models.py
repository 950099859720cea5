"""Tickets, their timeline, forwarding forms and attachments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    FORWARDED = "forwarded", _("Forwarded to division")
    PENDING = "pending", _("Pending (ditangguhkan)")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


# Statuses in which someone still has work to do; queues, timers and the partial index use it.
OPEN_STATUSES: tuple[str, ...] = (
    Status.NEW,
    Status.OPEN,
    Status.IN_PROGRESS,
    Status.FORWARDED,
    Status.PENDING,
)
FINAL_STATUSES: tuple[str, ...] = (Status.CLOSED, Status.CANCELLED)


class Tier(models.IntegerChoices):
    FRONT_LINE = 1, _("Tier 1: front line")
    SUPPORT = 2, _("Tier 2: support team")
    MANAGEMENT = 3, _("Tier 3: management")


class SolutionChannel(models.TextChoices):
    """How a solution report reached the customer (seed 000 1.3.2)."""

    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")
    LETTER = "letter", _("Letter")
    VERBAL = "verbal", _("Verbal, in person")
    PORTAL = "portal", _("Customer portal")
    CHAT = "chat", _("Chat / SMS / social media")


# How an answer most likely reaches the customer, from the kind of channel the complaint came
# by (organisation.ChannelKind): the reply form's default, the desk's solution report, and the
# channel of a customer's own message. Other kinds (a survey): by phone.
ANSWER_CHANNEL_OF_KIND: dict[str, str] = {
    "phone": SolutionChannel.PHONE,
    "walk_in": SolutionChannel.VERBAL,
    "letter": SolutionChannel.LETTER,
    "fax": SolutionChannel.LETTER,
    "email": SolutionChannel.EMAIL,
    "web": SolutionChannel.PORTAL,
    "chat": SolutionChannel.CHAT,
    "sms": SolutionChannel.CHAT,
    "social": SolutionChannel.CHAT,
}


def answer_channel(kind: str) -> str:
    """The ``SolutionChannel`` that answers a complaint from a channel of ``kind``."""
    return str(ANSWER_CHANNEL_OF_KIND.get(kind, SolutionChannel.PHONE))


class Ticket(models.Model):
    reference = models.CharField(_("reference"), max_length=32, unique=True)
    channel = models.ForeignKey(
        "organisation.Channel",
        verbose_name=_("channel"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    category = models.ForeignKey(
        "organisation.Category",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_technical = models.BooleanField(_("technical"), default=False)
    priority = models.ForeignKey(
        "organisation.Priority",
        verbose_name=_("priority"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"))
    # No index of their own: ticket_customer_status_idx and ticket_team_status_id_idx
    # start with these columns. Every index is one more write per new ticket.
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="tickets",
        db_index=False,
    )
    team = models.ForeignKey(
        "organisation.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
        db_index=False,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
    )
    tier = models.PositiveSmallIntegerField(
        _("tier"), choices=Tier.choices, default=Tier.FRONT_LINE
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW
    )

    received_at = models.DateTimeField(_("received at"))
    first_response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    due_at = models.DateTimeField(_("resolution due"))
    first_response_at = models.DateTimeField(_("first answered at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reopen_count = models.PositiveIntegerField(_("times reopened"), default=0)

    # Service levels (aduan.sla). The due times above come from the policy chosen at intake;
    # the fields below keep the clock's state. Columns that bulk loaders leave out have
    # database defaults.
    sla_policy = models.ForeignKey(
        "sla.SlaPolicy",
        verbose_name=_("service-level policy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # When the current resolution clock started: empty means received_at; a reopened
    # ticket starts a new one.
    sla_started_at = models.DateTimeField(_("resolution clock started"), null=True, blank=True)
    # Counted time (on the policy's clock) spent paused while pending, added to the targets.
    sla_paused_seconds = models.PositiveIntegerField(
        _("paused time (seconds)"), default=0, db_default=0
    )
    sla_paused_at = models.DateTimeField(_("clock paused since"), null=True, blank=True)
    # Bumped when the targets are set again (reopened, reprioritised): the escalation ladder
    # starts over.
    sla_cycle = models.PositiveIntegerField(_("service-level cycle"), default=0, db_default=0)
    # The next moment the sweep must look at this ticket (a target near or missed, or a
    # ladder step due); empty when no timer runs. The sweep reads only rows due by now.
    sla_next_check_at = models.DateTimeField(null=True, blank=True)
    first_response_warn_at = models.DateTimeField(
        _("first response target near at"), null=True, blank=True
    )
    resolution_warn_at = models.DateTimeField(_("resolution target near at"), null=True, blank=True)
    first_response_breached_at = models.DateTimeField(
        _("first response target missed at"), null=True, blank=True
    )
    resolution_breached_at = models.DateTimeField(
        _("resolution target missed at"), null=True, blank=True
    )
    pending_since = models.DateTimeField(_("pending since"), null=True, blank=True)
    # Seed 004: hard complaints and super emergencies get their own queues.
    is_hard_complaint = models.BooleanField(_("hard complaint"), default=False, db_default=False)
    is_super_emergency = models.BooleanField(_("super emergency"), default=False, db_default=False)
    # The closed or cancelled ticket the customer wrote to again, when this one was opened
    # for it (tickets.services.intake.receive_customer_message). Indexed only where set, so
    # plain creation writes no extra index entry.
    follows = models.ForeignKey(
        "self",
        verbose_name=_("follows"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="followed_by",
        db_index=False,
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Incremented by every change; a client that sends the version it saw cannot overwrite a
    # change made by someone else in between (optimistic locking).
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            # A team's queue of open tickets by due time stays an index range scan at 1M rows.
            models.Index(
                fields=["team", "due_at", "id"],
                condition=Q(status__in=OPEN_STATUSES),
                name="ticket_open_team_due_idx",
            ),
            models.Index(
                fields=["assignee", "due_at", "id"],
                condition=Q(status__in=OPEN_STATUSES),
                name="ticket_open_assignee_due_idx",
            ),
            models.Index(fields=["customer", "status"], name="ticket_customer_status_idx"),
            models.Index(fields=["status", "id"], name="ticket_status_id_idx"),
            models.Index(fields=["team", "status", "id"], name="ticket_team_status_id_idx"),
            models.Index(fields=["received_at"], name="ticket_received_idx"),
            # The service-level sweep: "which tickets need a look now" is a range scan over
            # the few rows with a timer running, whatever the table's size.
            models.Index(
                fields=["sla_next_check_at"],
                condition=Q(sla_next_check_at__isnull=False),
                name="ticket_sla_next_check_idx",
            ),
            models.Index(
                fields=["id"],
                condition=Q(is_hard_complaint=True),
                name="ticket_hard_complaint_idx",
            ),
            models.Index(
                fields=["id"],
                condition=Q(is_super_emergency=True),
                name="ticket_super_emergency_idx",
            ),
            models.Index(
                fields=["follows"],
                condition=Q(follows__isnull=False),
                name="ticket_follows_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class EventKind(models.TextChoices):
    CREATED = "created", _("Ticket created")
    CUSTOMER_MESSAGE = "customer_message", _("Message from the customer")
    REPLY = "reply", _("Reply to the customer")
    NOTE = "note", _("Internal note")
    FORWARDED = "forwarded", _("Forwarded to a division")
    DIVISION_RESPONSE = "division_response", _("Response from the division")
    SOLUTION_REPORT = "solution_report", _("Solution report to the customer")
    STATUS_CHANGE = "status_change", _("Status changed")
    ESCALATION = "escalation", _("Escalated")
    ASSIGNMENT = "assignment", _("Assignment or classification changed")
    ATTACHMENT = "attachment", _("Attachment added")
    SLA_BREACH = "sla_breach", _("Service-level target missed")
    SLA_ALERT = "sla_alert", _("Service-level alert")
    HARD_COMPLAINT = "hard_complaint", _("Hard complaint")
    # The support desk's action on a hard complaint (aduan.care); not a follow-up ticket.
    HARD_COMPLAINT_ACTION = "hard_complaint_action", _("Hard-complaint action by the support desk")
    SUPER_EMERGENCY = "super_emergency", _("Super emergency")
    PROGRESS = "progress", _("Progress update")
    PROMISE = "promise", _("Promise to the customer")
    CALLBACK = "callback", _("Callback to the customer")
    SPECIAL_ACTION = "special_action", _("Special action by the director")


# Kinds the customer sees in their own timeline; the rest is internal to the organisation.
CUSTOMER_VISIBLE_KINDS = frozenset(
    {
        EventKind.CREATED,
        EventKind.CUSTOMER_MESSAGE,
        EventKind.REPLY,
        EventKind.SOLUTION_REPORT,
        EventKind.STATUS_CHANGE,
        EventKind.ATTACHMENT,
    }
)


class TicketEvent(models.Model):
    """One entry of a ticket's timeline. Written only by ticket services, never edited."""

    # No index of its own: event_ticket_idx (ticket, id) starts with it.
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    kind = models.CharField(_("kind"), max_length=24, choices=EventKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    internal = models.BooleanField(_("internal"), default=False)
    body = models.TextField(_("text"), blank=True)
    channel = models.CharField(_("channel"), max_length=20, blank=True)
    forwarding = models.ForeignKey(
        "Forwarding", null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "id"], name="event_ticket_idx")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind}"


class ForwardingStatus(models.TextChoices):
    SENT = "sent", _("Sent to division")
    RESPONDED = "responded", _("Answered by division")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Forwarding(models.Model):
    """The forwarding form (seed 000 1.2.2-1.3.1): the ticket sent to a division with
    instructions, and the division's findings and solution coming back."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="forwardings")
    team = models.ForeignKey(
        "organisation.Team", verbose_name=_("division"), on_delete=models.PROTECT, related_name="+"
    )
    instructions = models.TextField(_("instructions"))
    status = models.CharField(
        _("status"), max_length=16, choices=ForwardingStatus.choices, default=ForwardingStatus.SENT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    findings = models.TextField(_("findings"), blank=True)
    solution = models.TextField(_("solution"), blank=True)
    user_steps = models.TextField(_("steps for the user"), blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("forwarding form")
        verbose_name_plural = _("forwarding forms")
        ordering = ["-id"]
        indexes = [models.Index(fields=["team", "status", "id"], name="forwarding_team_idx")]

    def __str__(self) -> str:
        return f"{self.ticket_id} -> {self.team_id}"


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name is the checksum: the customer's file name never reaches the file system.
    return f"attachments/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(
        TicketEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    internal = models.BooleanField(_("internal"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename
