"""The organisation's own structure: teams, categories, priorities and intake channels.

One Aduan installation serves one organisation (see docs/decisions.md); its name, reference
prefix and time zone live in the single ``Organisation`` row.
"""

from __future__ import annotations

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

code_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9_-]{0,49}$",
    _("Use lowercase letters, digits, '-' and '_' only, starting with a letter or digit."),
)


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    reference_prefix = models.CharField(
        _("reference prefix"),
        max_length=10,
        default="ADU",
        validators=[RegexValidator(r"^[A-Z][A-Z0-9]{1,9}$", _("Use 2-10 capital letters."))],
    )
    timezone = models.CharField(_("time zone"), max_length=64, default="Asia/Jakarta")
    default_language = models.CharField(_("default language"), max_length=8, default="id")

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisation")

    def __str__(self) -> str:
        return self.name


class TeamKind(models.TextChoices):
    HELPDESK = "helpdesk", _("Front-line helpdesk")
    SUPPORT = "support", _("Support team")
    DIVISION = "division", _("Division")
    MANAGEMENT = "management", _("Management")


class Team(models.Model):
    """A group of people who own or handle tickets.

    Helpdesk teams work tier 1, support teams tier 2 and management tier 3 (seed 001 step 6);
    divisions receive forwarding forms (seed 000 1.2).
    """

    code = models.CharField(_("code"), max_length=50, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=TeamKind.choices)
    email = models.EmailField(_("email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def tier(self) -> int | None:
        return TIER_OF_KIND.get(self.kind)


TIER_OF_KIND: dict[str, int] = {
    TeamKind.HELPDESK: 1,
    TeamKind.SUPPORT: 2,
    TeamKind.MANAGEMENT: 3,
}
KIND_OF_TIER: dict[int, str] = {tier: kind for kind, tier in TIER_OF_KIND.items()}


class Category(models.Model):
    """What a complaint is about. Technical ones go to the technical side (seed 002)."""

    code = models.CharField(_("code"), max_length=50, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=120)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    default_team = models.ForeignKey(
        Team,
        verbose_name=_("default team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_technical = models.BooleanField(_("technical"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Priority(models.Model):
    """How urgent a complaint is, with the default targets used until SLA policies apply."""

    code = models.CharField(_("code"), max_length=50, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=60)
    rank = models.PositiveSmallIntegerField(
        _("rank"), default=2, help_text=_("1 is the most urgent.")
    )
    response_hours = models.PositiveIntegerField(
        _("first response target (hours)"), default=4, validators=[MinValueValidator(1)]
    )
    resolution_hours = models.PositiveIntegerField(
        _("resolution target (hours)"), default=72, validators=[MinValueValidator(1)]
    )
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        verbose_name = _("priority")
        verbose_name_plural = _("priorities")
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.name


class ChannelKind(models.TextChoices):
    WALK_IN = "walk_in", _("Walk-in")
    PHONE = "phone", _("Phone")
    LETTER = "letter", _("Letter")
    FAX = "fax", _("Fax")
    EMAIL = "email", _("Email")
    WEB = "web", _("Web form / portal")
    CHAT = "chat", _("Chat")
    SMS = "sms", _("SMS")
    SOCIAL = "social", _("Social media")
    SURVEY = "survey", _("Survey")


# Channels where an agent types the complaint in for the customer (seed 001, 000 1.1).
AGENT_ENTERED_KINDS = {ChannelKind.WALK_IN, ChannelKind.PHONE, ChannelKind.LETTER, ChannelKind.FAX}


class Channel(models.Model):
    """A way complaints arrive. Several channels may share a kind (two Twitter accounts)."""

    code = models.CharField(_("code"), max_length=50, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=ChannelKind.choices)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
