"""Service levels: business calendars, policies with first-response and resolution targets,
the escalation ladder, and the ledger of every timer step taken on a ticket.

Procedure 002 judges the whole process by response time against the organisation's
standard; these models hold that standard. The rules that use them are in ``clock.py`` (due
times, pause and resume) and ``services.py`` (the sweep: breaches and escalation).
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aduan.organisation.models import code_validator


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class BusinessCalendar(models.Model):
    """When the organisation works: opening hours per weekday, Indonesian public holidays
    (from the ``holidays`` package), optionally the government's collective leave days
    (*cuti bersama*), and the organisation's own closed days."""

    code = models.CharField(_("code"), max_length=50, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=120)
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        help_text=_("Empty: the organisation's time zone."),
    )
    national_holidays = models.BooleanField(_("closed on Indonesian public holidays"), default=True)
    collective_leave = models.BooleanField(
        _("closed on collective leave days (cuti bersama)"), default=True
    )
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="sla_one_default_calendar",
            )
        ]

    def __str__(self) -> str:
        return self.name


class WorkingPeriod(models.Model):
    """One stretch of working time on a weekday, e.g. Monday 08:00-12:00. A day may have
    several (a lunch break between them); a weekday without any is closed."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="periods")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("working period")
        verbose_name_plural = _("working periods")
        ordering = ["weekday", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="sla_period_order")
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}-{self.end:%H:%M}"


class ClosedDay(models.Model):
    """A day the organisation itself is closed: its anniversary, a regional holiday, an
    office move."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="closed_days"
    )
    date = models.DateField(_("date"))
    name = models.CharField(_("reason"), max_length=120)

    class Meta:
        verbose_name = _("closed day")
        verbose_name_plural = _("closed days")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="sla_closed_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class ClockKind(models.TextChoices):
    BUSINESS = "business", _("Business hours")
    CALENDAR = "calendar", _("Calendar hours (24/7)")


class SlaPolicy(models.Model):
    """Targets for tickets of a priority, category and channel. Empty criteria match any
    value; the policy matching the most criteria wins, then the lowest ``order``."""

    code = models.CharField(_("code"), max_length=50, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=120)
    priority = models.ForeignKey(
        "organisation.Priority",
        verbose_name=_("priority"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    category = models.ForeignKey(
        "organisation.Category",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    channel = models.ForeignKey(
        "organisation.Channel",
        verbose_name=_("channel"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    first_response_minutes = models.PositiveIntegerField(
        _("first response target (minutes)"),
        validators=[MinValueValidator(1), MaxValueValidator(525_600)],
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolution target (minutes)"),
        validators=[MinValueValidator(1), MaxValueValidator(525_600)],
    )
    clock = models.CharField(
        _("clock"), max_length=10, choices=ClockKind.choices, default=ClockKind.BUSINESS
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("business calendar"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="policies",
        help_text=_("Empty: the default calendar."),
    )
    pause_when_pending = models.BooleanField(
        _("pending pauses the clock"),
        default=True,
        help_text=_("While a ticket is pending (ditangguhkan) its targets do not run."),
    )
    warn_percent = models.PositiveSmallIntegerField(
        # xgettext:no-python-format
        _("near target at (% of the target used)"),
        default=75,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
    )
    order = models.PositiveIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service-level policy")
        verbose_name_plural = _("service-level policies")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class Trigger(models.TextChoices):
    FIRST_RESPONSE_NEAR = "first_response_near", _("First response target near")
    FIRST_RESPONSE_BREACHED = "first_response_breached", _("First response target missed")
    RESOLUTION_NEAR = "resolution_near", _("Resolution target near")
    RESOLUTION_BREACHED = "resolution_breached", _("Resolution target missed")
    PENDING = "pending", _("Pending too long")


class Action(models.TextChoices):
    NOTIFY_ASSIGNEE = "notify_assignee", _("Notify the assignee")
    NOTIFY_LEADER = "notify_leader", _("Notify the team leader")
    NOTIFY_MANAGEMENT = "notify_management", _("Notify the director / manager")
    ESCALATE = "escalate", _("Move to the next tier")


class EscalationStep(models.Model):
    """One rung of the escalation ladder: ``offset_minutes`` after the trigger (counted on
    the policy's clock), do ``action``. Rules without a policy form the default ladder, used
    by every policy that has no rules of its own and by tickets without a policy."""

    policy = models.ForeignKey(
        SlaPolicy,
        verbose_name=_("policy"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="steps",
        help_text=_("Empty: the default ladder."),
    )
    trigger = models.CharField(_("when"), max_length=32, choices=Trigger.choices)
    offset_minutes = models.PositiveIntegerField(
        _("minutes after"),
        default=0,
        validators=[MaxValueValidator(525_600)],
        help_text=_(
            "After the target is near or missed, or after the ticket became pending; "
            "counted on the policy's clock."
        ),
    )
    action = models.CharField(_("action"), max_length=24, choices=Action.choices)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation steps")
        ordering = ["trigger", "offset_minutes", "id"]

    def __str__(self) -> str:
        return f"{self.get_trigger_display()} +{self.offset_minutes}m: {self.get_action_display()}"


class SlaEvent(models.Model):
    """The ledger of timer steps taken on a ticket: breaches recorded and escalation steps
    done. The unique ``(ticket, key)`` is the idempotency key: however many workers sweep at
    once, and however often a job is retried, a step happens once."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("key"), max_length=80)
    trigger = models.CharField(_("when"), max_length=32)
    action = models.CharField(_("action"), max_length=24, blank=True)
    step = models.ForeignKey(
        EscalationStep, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_at = models.DateTimeField(_("due"))
    done_at = models.DateTimeField(_("done at"))
    outcome = models.CharField(_("outcome"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("service-level event")
        verbose_name_plural = _("service-level events")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "key"], name="sla_event_once"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.key}"
