"""Customer care after the ordinary lifecycle (seed 004 and seed 002 steps 16-17):
hard complaints and the support desk's follow-up, super emergencies forwarded to external
groups, promises a team leader guards, callbacks ("caring") by tier-2 outbound agents, and
the director's special action when a customer stays unsatisfied.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aduan.channels.webhooks.signing import new_secret
from aduan.organisation.models import code_validator


class CareSettings(models.Model):
    """The organisation's rules for this module; one row (id 1), edited by administrators."""

    repeat_threshold = models.PositiveSmallIntegerField(
        _("reports of one problem that make a hard complaint"),
        default=3,
        validators=[MinValueValidator(2), MaxValueValidator(50)],
        help_text=_("Seed 004: the same customer reporting the same problem 3 or more times."),
    )
    repeat_window_days = models.PositiveSmallIntegerField(
        _("counted over the last (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
    )
    promise_cap = models.PositiveSmallIntegerField(
        _("promise tickets one team leader may guard"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )
    callback_super_emergency = models.BooleanField(
        _("call back resolved super emergencies"), default=True
    )
    callback_hard_complaint = models.BooleanField(
        _("call back resolved hard complaints"), default=True
    )
    callback_promise = models.BooleanField(_("call back resolved promise tickets"), default=True)
    callback_categories = models.ManyToManyField(
        "organisation.Category",
        verbose_name=_("call back resolved tickets of these categories"),
        blank=True,
        related_name="+",
    )
    callback_priorities = models.ManyToManyField(
        "organisation.Priority",
        verbose_name=_("call back resolved tickets of these priorities"),
        blank=True,
        related_name="+",
    )
    callback_max_attempts = models.PositiveSmallIntegerField(
        _("call attempts before giving up"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    unsatisfied_at_most = models.PositiveSmallIntegerField(
        _("satisfaction counted as unsatisfied (at most)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )

    class Meta:
        verbose_name = _("care settings")
        verbose_name_plural = _("care settings")

    def __str__(self) -> str:
        return str(_("Care settings"))


# --- hard complaints (seed 004 5.1) -------------------------------------------------------


class Criterion(models.TextChoices):
    REPEAT = "repeat", _("Reported again and again (lapor ulang)")
    THREATENS_CANCEL = "threatens_cancel", _("Threatens to cancel the service")
    THREATENS_PRESS = "threatens_press", _("Threatens to go to the press or social media")
    RUDE = "rude", _("Speaks rudely")
    REFUSES_AGENT = "refuses_agent", _("Refuses the agent or asks for a supervisor")
    WONT_HANG_UP = "wont_hang_up", _("Will not hang up")


# What an agent ticks or the phrase list suggests; "repeat" is counted, never ticked.
TICKED_CRITERIA: tuple[str, ...] = tuple(c for c in Criterion.values if c != Criterion.REPEAT)


class HardComplaintStatus(models.TextChoices):
    # "following_up" is the API's value from before the name "hard-complaint action".
    OPEN = "open", _("Waiting for the support desk")
    ACTING = "following_up", _("Support desk acting on it")
    DONE = "done", _("Hard-complaint action done")


class HardComplaint(models.Model):
    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="hard_complaint"
    )
    criteria = models.JSONField(_("criteria"), default=list, blank=True)
    repeat_count = models.PositiveIntegerField(_("reports of the problem"), default=0)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=HardComplaintStatus.choices,
        default=HardComplaintStatus.OPEN,
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_at = models.DateTimeField(_("marked at"))
    # The support desk's last hard-complaint action.
    last_action_at = models.DateTimeField(_("last hard-complaint action"), null=True, blank=True)
    last_action_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("hard complaint")
        verbose_name_plural = _("hard complaints")
        indexes = [models.Index(fields=["status", "id"], name="hard_complaint_queue_idx")]

    def __str__(self) -> str:
        return str(self.ticket_id)


class PhraseLanguage(models.TextChoices):
    INDONESIAN = "id", _("Indonesian")
    ENGLISH = "en", _("English")


class HardComplaintPhrase(models.Model):
    """A phrase that suggests a hard-complaint criterion when it appears in the complaint.
    Matching ignores case, accents and punctuation and works on whole words in order; a
    word ending in ``*`` matches every word that starts with it (``ancam*`` finds "ancam"
    and "ancaman", not "mengancam": list that one too)."""

    criterion = models.CharField(
        _("criterion"),
        max_length=24,
        choices=[(c, label) for c, label in Criterion.choices if c != Criterion.REPEAT],
    )
    phrase = models.CharField(_("phrase"), max_length=120)
    language = models.CharField(
        _("language"), max_length=2, choices=PhraseLanguage.choices, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("hard-complaint phrase")
        verbose_name_plural = _("hard-complaint phrases")
        ordering = ["criterion", "phrase"]
        constraints = [
            models.UniqueConstraint(fields=["criterion", "phrase"], name="care_phrase_unique")
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.phrase}"


# --- super emergencies (seed 004 5.2) -----------------------------------------------------


class ExternalGroup(models.Model):
    """A group outside Aduan that helps with super emergencies, such as a regional unit's
    chat group (seed 004: "grup WA TIAL REG", "C4"). Aduan posts the ticket to its webhook,
    where a chat bridge relays it."""

    code = models.CharField(_("code"), max_length=50, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=120)
    webhook_url = models.URLField(_("webhook URL"), max_length=500)
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        default=new_secret,
        help_text=_(
            "Signs each post with a timestamp (X-Aduan-Signature, docs/webhooks.md); "
            "the receiver checks it with this secret."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("external group")
        verbose_name_plural = _("external groups")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EmergencyStatus(models.TextChoices):
    RAISED = "raised", _("Raised by the team leader")
    ANALYSED = "analysed", _("Analysed by the support desk")
    FORWARDED = "forwarded", _("Forwarded to external groups")
    CLOSED = "closed", _("Closed")


class SuperEmergency(models.Model):
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="super_emergencies"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=EmergencyStatus.choices, default=EmergencyStatus.RAISED
    )
    reason = models.TextField(_("reason"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_at = models.DateTimeField(_("raised at"))
    analysis = models.TextField(_("analysis"), blank=True)
    analysed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    analysed_at = models.DateTimeField(_("analysed at"), null=True, blank=True)
    groups = models.ManyToManyField(ExternalGroup, verbose_name=_("forwarded to"), blank=True)
    forwarded_at = models.DateTimeField(_("forwarded at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("super emergency")
        verbose_name_plural = _("super emergencies")
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "id"], name="emergency_status_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"],
                condition=~Q(status="closed"),
                name="care_one_open_emergency",
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.status}"


class ProgressUpdate(models.Model):
    """Progress of the repair as an external group reports it; relayed to the team leader."""

    emergency = models.ForeignKey(SuperEmergency, on_delete=models.CASCADE, related_name="updates")
    group = models.ForeignKey(
        ExternalGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("progress"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.emergency_id} {self.created_at}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    """An outbound post to an external group's webhook: an outbox row written in the same
    transaction as the change, sent after commit, retried with back-off. ``key`` goes out as
    the ``Idempotency-Key`` header, so a receiver can drop a post it already has when a
    retry repeats one that arrived but whose answer was lost."""

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    group = models.ForeignKey(ExternalGroup, on_delete=models.PROTECT, related_name="deliveries")
    emergency = models.ForeignKey(
        SuperEmergency, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(_("event"), max_length=40)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    locked_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["pending", "sending"]),
                name="delivery_due_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.group_id} {self.event} {self.status}"


# --- promises (seed 004 5.3) -------------------------------------------------------------


class PromiseKind(models.TextChoices):
    SUPER_EMERGENCY = "super_emergency", _("Super emergency")
    BUZZER = "buzzer", _("Buzzer")
    BUZZER_VISIT = "buzzer_visit", _("Buzzer visit")
    OTHER = "other", _("Other")


class PromiseStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    KEPT = "kept", _("Kept")
    CANCELLED = "cancelled", _("Cancelled")


class Promise(models.Model):
    """A promise to the customer with a due time, guarded by a team leader."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="promises")
    kind = models.CharField(
        _("kind"), max_length=16, choices=PromiseKind.choices, default=PromiseKind.OTHER
    )
    description = models.TextField(_("what was promised"))
    due_at = models.DateTimeField(_("due"))
    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("guarded by"),
        on_delete=models.PROTECT,
        related_name="guarded_promises",
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("made at"))
    status = models.CharField(
        _("status"), max_length=12, choices=PromiseStatus.choices, default=PromiseStatus.ACTIVE
    )
    overdue_at = models.DateTimeField(_("escalated as overdue at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.TextField(_("outcome"), blank=True)

    class Meta:
        verbose_name = _("promise")
        verbose_name_plural = _("promises")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["guardian", "status"], name="promise_guardian_idx"),
            # The overdue sweep reads only active promises not yet escalated.
            models.Index(
                fields=["due_at"],
                condition=Q(status="active", overdue_at__isnull=True),
                name="promise_due_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"],
                condition=Q(status="active"),
                name="care_one_active_promise",
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.due_at}"


# --- callbacks (seed 004 5.2.8, 5.3.9-10) ------------------------------------------------


class CallbackStatus(models.TextChoices):
    PENDING = "pending", _("To call")
    DONE = "done", _("Customer reached")
    UNREACHABLE = "unreachable", _("Not reached; gave up")


class Callback(models.Model):
    """A resolved ticket on the tier-2 outbound callback list, and what the customer said."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="callbacks")
    # The ticket's reopen count when it was resolved: one callback per resolution.
    round = models.PositiveIntegerField(_("round"), default=0)
    reasons = models.JSONField(_("why on the list"), default=list)
    status = models.CharField(
        _("status"), max_length=12, choices=CallbackStatus.choices, default=CallbackStatus.PENDING
    )
    created_at = models.DateTimeField(_("listed at"))
    attempts = models.PositiveSmallIntegerField(_("call attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    reached = models.BooleanField(_("customer reached"), null=True, blank=True)
    solved = models.BooleanField(_("problem solved"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction (1-5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    remarks = models.TextField(_("remarks"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "id"], name="callback_queue_idx")]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "round"], name="care_callback_once"),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="care_satisfaction_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} #{self.round}"


# --- special action by the director (seed 002 steps 16-17) --------------------------------


class SpecialActionStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for the director")
    DECIDED = "decided", _("Decided")


class SpecialAction(models.Model):
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="special_actions"
    )
    reason = models.TextField(_("why"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    # Raised by Aduan itself from a callback (the customer stayed unsatisfied).
    automatic = models.BooleanField(_("raised automatically"), default=False)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=SpecialActionStatus.choices,
        default=SpecialActionStatus.REQUESTED,
    )
    decision = models.TextField(_("special action decided"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("special action")
        verbose_name_plural = _("special actions")
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "id"], name="special_action_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"],
                condition=Q(status="requested"),
                name="care_one_open_special_action",
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.status}"
