"""Forms of the agent console. They only read what was typed; every rule is checked by the
service the view calls, whose errors are put back beside the fields (aduan.core.web)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from aduan.accounts import selectors as people
from aduan.accounts.models import User
from aduan.accounts.permissions import is_staff_member, staff_roles
from aduan.core.web import MultipleFileField, set_choices
from aduan.organisation import selectors as org
from aduan.organisation.models import TeamKind
from aduan.tickets.models import SolutionChannel, Tier

TEXT_MAX = 20_000
BLANK: list[tuple[str, object]] = [("", "—")]


def _rows(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class StaffLoginForm(AuthenticationForm):
    """Django's login form (checked by django-axes), for staff only."""

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not is_staff_member(user):
            raise forms.ValidationError(
                _("This is the staff console. Customers log in on the customer portal."),
                code="not_staff",
            )


class VersionedForm(forms.Form):
    """Carries the ticket version the page showed, so the service can refuse a stale change."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31)


# --- caller desk ----------------------------------------------------------------------------


class LookupForm(forms.Form):
    q = forms.CharField(
        label=_("Caller's phone number, email or name"),
        max_length=100,
        required=False,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "inputmode": "tel",
                "accesskey": "p",
                "data-shortcut": "search",
                "placeholder": "0812-3456-7890",
            }
        ),
    )


class RegisterCallerForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=200, widget=forms.TextInput(attrs={"autofocus": True})
    )
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.CharField(
        label=_("Email"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    organisation_name = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    customer_number = forms.CharField(label=_("Customer number"), max_length=60, required=False)
    address = forms.CharField(label=_("Address"), max_length=2000, required=False, widget=_rows(2))


OUTCOMES = [
    ("open", _("Keep it open")),
    ("resolved", _("Solved during the call: resolve with a solution report")),
    ("pending", _("Cannot be solved now: pending, with the reason")),
]


class ComplaintForm(forms.Form):
    """An agent records a complaint for a caller (seed 001 step 9), with its outcome."""

    subject = forms.CharField(
        label=_("Subject"), max_length=200, widget=forms.TextInput(attrs={"autofocus": True})
    )
    description = forms.CharField(label=_("Description"), max_length=TEXT_MAX, widget=_rows(4))
    channel = forms.ChoiceField(label=_("Channel"))
    category = forms.ChoiceField(label=_("Category"), required=False)
    priority = forms.ChoiceField(label=_("Priority"), required=False)
    received_at = forms.DateTimeField(
        label=_("Received at"),
        required=False,
        help_text=_("Only for letters and faxes that arrived earlier; empty means now."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    attachments = MultipleFileField(label=_("Attachments"), required=False)
    outcome = forms.ChoiceField(
        label=_("Outcome of the call"), choices=OUTCOMES, initial="open", widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Solution report or reason for pending"),
        max_length=TEXT_MAX,
        required=False,
        widget=_rows(2),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agent_kinds = ("phone", "walk_in", "letter", "fax")
        channels = org.active_channels()
        ordered = [c for c in channels if c.kind in agent_kinds] + [
            c for c in channels if c.kind not in agent_kinds
        ]
        set_choices(self, "channel", [(c.code, c.name) for c in ordered])
        phone = next((c.code for c in ordered if c.kind == "phone"), None)
        if phone:
            self.fields["channel"].initial = phone
        set_choices(self, "category", BLANK + [(c.code, c.name) for c in org.active_categories()])
        set_choices(self, "priority", BLANK + [(p.code, p.name) for p in org.all_priorities()])


# --- ticket actions -------------------------------------------------------------------------


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message"), max_length=TEXT_MAX, widget=_rows(4))
    channel = forms.ChoiceField(
        label=_("Sent by"),
        choices=SolutionChannel.choices,
        required=False,
        help_text=_("How this reply reaches the customer."),
    )


class NoteForm(forms.Form):
    body = forms.CharField(label=_("Internal note"), max_length=TEXT_MAX, widget=_rows(3))


def _team_choices(*, divisions: bool) -> list[tuple[str, str]]:
    return [(t.code, t.name) for t in org.active_teams(divisions=divisions)]


class ClassifyForm(VersionedForm):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), required=False)
    priority = forms.ChoiceField(label=_("Priority"))
    is_technical = forms.BooleanField(label=_("Technical"), required=False)
    team = forms.ChoiceField(label=_("Team"), required=False)
    assignee = forms.TypedChoiceField(
        label=_("Assignee"), coerce=int, empty_value=None, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "category", BLANK + [(c.code, c.name) for c in org.active_categories()])
        set_choices(self, "priority", [(p.code, p.name) for p in org.all_priorities()])
        set_choices(self, "team", [*BLANK, *_team_choices(divisions=False)])
        set_choices(
            self, "assignee", BLANK + [(str(u.pk), str(u)) for u in people.assignable_users()]
        )


class TakeForm(VersionedForm):
    pass


class MoveForm(VersionedForm):
    """A status move; which fields matter depends on the target (see the ticket view)."""

    note = forms.CharField(label=_("Note"), max_length=TEXT_MAX, required=False, widget=_rows(3))
    channel = forms.ChoiceField(
        label=_("How the solution reached the customer"),
        choices=SolutionChannel.choices,
        required=False,
    )


class ForwardForm(VersionedForm):
    team = forms.ChoiceField(label=_("Division"))
    instructions = forms.CharField(
        label=_("Instructions for the division"), max_length=TEXT_MAX, widget=_rows(3)
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "team", _team_choices(divisions=True))


class EscalateForm(VersionedForm):
    note = forms.CharField(label=_("Reason"), max_length=TEXT_MAX, widget=_rows(2))
    team = forms.ChoiceField(label=_("Team of the next tier"), required=False)

    def __init__(self, *args: Any, next_tier: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        teams = [t for t in org.active_teams(divisions=False) if t.tier == next_tier]
        set_choices(
            self,
            "team",
            [("", _("The first team of that tier"))] + [(t.code, t.name) for t in teams],
        )


class AttachForm(forms.Form):
    file = forms.FileField(label=_("File"))
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)
    internal = forms.BooleanField(label=_("Internal (not shown to the customer)"), required=False)


class ResponseForm(forms.Form):
    findings = forms.CharField(label=_("Findings"), max_length=TEXT_MAX, widget=_rows(4))
    solution = forms.CharField(
        label=_("Solution"), max_length=TEXT_MAX, required=False, widget=_rows(3)
    )
    user_steps = forms.CharField(
        label=_("Steps for the user"), max_length=TEXT_MAX, required=False, widget=_rows(3)
    )


# --- queues ---------------------------------------------------------------------------------

ORDERING_CHOICES = [("due_at", _("Due time (open tickets)")), ("-id", _("Newest first"))]


class QueueFilterForm(forms.Form):
    text = forms.CharField(
        label=_("Search"),
        max_length=200,
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "accesskey": "s", "data-shortcut": "search"}
        ),
    )
    ordering = forms.ChoiceField(label=_("Sort by"), choices=ORDERING_CHOICES, required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    team = forms.ChoiceField(label=_("Team"), required=False)
    cursor = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    customer = forms.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from aduan.tickets.models import Status

        set_choices(self, "status", [("", _("Any status")), *Status.choices])
        set_choices(self, "team", [("", _("Any team")), *_team_choices(divisions=False)])


# --- administration -------------------------------------------------------------------------


class TeamForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=50)
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=TeamKind.choices)
    email = forms.CharField(label=_("Email"), max_length=254, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class CategoryForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=50)
    name = forms.CharField(label=_("Name"), max_length=120)
    parent = forms.ChoiceField(label=_("Parent category"), required=False)
    default_team = forms.ChoiceField(label=_("Default team"), required=False)
    is_technical = forms.BooleanField(label=_("Technical"), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from aduan.organisation.models import Category

        set_choices(
            self, "parent", BLANK + [(c.code, c.name) for c in Category.objects.order_by("name")]
        )
        set_choices(self, "default_team", [*BLANK, *_team_choices(divisions=False)])


class PriorityForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=50)
    name = forms.CharField(label=_("Name"), max_length=60)
    rank = forms.IntegerField(label=_("Rank (1 is the most urgent)"), min_value=0, max_value=99)
    response_hours = forms.IntegerField(
        label=_("First response target (hours)"), min_value=1, max_value=10_000
    )
    resolution_hours = forms.IntegerField(
        label=_("Resolution target (hours)"), min_value=1, max_value=10_000
    )
    is_default = forms.BooleanField(label=_("Default"), required=False)


class UserForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.CharField(label=_("Email"), max_length=254, required=False)
    role = forms.ChoiceField(label=_("Role"))
    teams = forms.MultipleChoiceField(
        label=_("Teams"), required=False, widget=forms.CheckboxSelectMultiple
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Organisation default")), ("id", "Bahasa Indonesia"), ("en", "English")],
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    password = forms.CharField(
        label=_("Password"),
        required=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Required for a new user; leave empty to keep the current one."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "role", staff_roles())
        set_choices(
            self,
            "teams",
            [(t.code, f"{t.name} ({t.get_kind_display()})") for t in org.active_teams()],
        )


class UserSearchForm(forms.Form):
    text = forms.CharField(label=_("Search"), max_length=100, required=False)
    role = forms.ChoiceField(label=_("Role"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(
            self,
            "role",
            [("", _("Any role")), *staff_roles()],
        )


def user_initial(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": user.role,
        "teams": [t.code for t in user.teams.all()],
        "language": user.language,
        "is_active": user.is_active,
    }


TIER_CHOICES = Tier.choices


# --- customer care ---------------------------------------------------------------------------

YES_NO: list[tuple[str, object]] = [("yes", _("Yes")), ("no", _("No"))]


def _yes(value: str) -> bool:
    return value == "yes"


class CallbackOutcomeForm(forms.Form):
    """What the customer said on the callback; the callbacks service checks the rest (solved
    only when reached, and so on)."""

    reached = forms.TypedChoiceField(
        label=_("Customer reached"), choices=YES_NO, coerce=_yes, widget=forms.RadioSelect
    )
    solved = forms.TypedChoiceField(
        label=_("Problem solved"),
        choices=BLANK + YES_NO,
        coerce=_yes,
        empty_value=None,
        required=False,
    )
    satisfaction = forms.TypedChoiceField(
        label=_("Satisfaction (1 to 5)"),
        choices=BLANK + [(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    remarks = forms.CharField(
        label=_("Remarks"), max_length=TEXT_MAX, required=False, widget=_rows(2)
    )
