"""Forms of the customer portal. Rules are the services'; these only read the input."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from aduan.accounts.permissions import is_customer
from aduan.core.web import MultipleFileField, set_choices
from aduan.customers.selectors import login_name_for
from aduan.organisation import selectors as org
from aduan.portal import emails

TEXT_MAX = 20_000


class PortalLoginForm(AuthenticationForm):
    """Log in with an email address, a phone number in any local spelling, or a user name."""

    username = forms.CharField(
        label=_("Email or phone number"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Wrong email, phone number or password. If you signed up with an email address, "
            "open the link we sent you first."
        ),
    }

    def clean(self) -> dict[str, Any]:
        identifier = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if identifier is not None and password:
            username = login_name_for(identifier)
            self.user_cache = authenticate(self.request, username=username, password=password)
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not is_customer(user):
            raise forms.ValidationError(
                _("This is the customer portal. Staff log in on the console."), code="staff"
            )


class SignUpForm(forms.Form):
    name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "name"}),
    )
    email = forms.CharField(
        label=_("Email"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("We send you a link to confirm it."),
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("An email address, a phone number, or both."),
    )
    organisation_name = forms.CharField(
        label=_("School, company or institution"), max_length=200, required=False
    )
    password1 = forms.CharField(
        label=_("Password"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_password2(self) -> str:
        first = self.cleaned_data.get("password1")
        second: str = self.cleaned_data.get("password2", "")
        if first and second and first != second:
            raise forms.ValidationError(_("The two passwords differ."), code="mismatch")
        return second


class PortalComplaintForm(forms.Form):
    subject = forms.CharField(
        label=_("Subject"), max_length=200, widget=forms.TextInput(attrs={"autofocus": True})
    )
    description = forms.CharField(
        label=_("What happened?"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("When it started, where, and what you already tried."),
    )
    category = forms.ChoiceField(label=_("Topic"), required=False)
    attachments = MultipleFileField(
        label=_("Attachments"), required=False, help_text=_("Photos, letters or documents.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(
            self,
            "category",
            [("", _("I don't know"))] + [(c.code, c.name) for c in org.active_categories()],
        )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )


class VersionForm(forms.Form):
    """The ticket version the customer saw; a change by staff in between is not overwritten."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31)


class PersistsForm(VersionForm):
    note = forms.CharField(
        label=_("What still does not work?"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class WithdrawForm(VersionForm):
    note = forms.CharField(
        label=_("Why (optional)"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PortalAttachForm(forms.Form):
    file = forms.FileField(label=_("File"))
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


class CustomerPasswordResetForm(PasswordResetForm):
    """Only customers reset their password here; staff ask an administrator. The answer is
    the same whether or not the address is known, so nobody learns who has an account."""

    def get_users(self, email: str) -> Iterator[Any]:
        return (user for user in super().get_users(email) if is_customer(user))

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        # Through the mail outbox (retried, capped), not straight to the mail server.
        emails.send_password_reset(
            subject_template_name=subject_template_name,
            email_template_name=email_template_name,
            context=context,
            to=to_email,
        )
