"""Mail the portal sends: the link that confirms a sign-up's email address and the link that
sets a new password. Both go through the mail outbox like every mail Aduan sends
(aduan/channels/outbox.py): retried when the mail server is away, capped per recipient,
and listed with their delivery state (without their text, which only the owner may read)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.template import loader
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from aduan.accounts.models import User
from aduan.channels.email import outbound
from aduan.channels.email.models import OutboundKind, OutboundMessage
from aduan.customers.tokens import email_verification_token
from aduan.organisation import selectors as org


def verification_link(request: HttpRequest, user: User) -> str:
    path = reverse(
        "portal:verify",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": email_verification_token.make_token(user),
        },
    )
    return request.build_absolute_uri(path)


@transaction.atomic
def queue_account_mail(
    *, kind: str, address: str, name: str, subject: str, body: str
) -> OutboundMessage | None:
    """Queue a portal mail to ``address`` in the active language; None for an address no
    mail can go to."""
    recipient = outbound.recipient_for_address(address, name)
    if recipient is None:
        return None
    language = (get_language() or "id").split("-")[0]
    return outbound.queue(
        kind=kind,
        ticket=None,
        recipient=recipient,
        language=language,
        rendered=(subject, body),
    )


def send_verification(request: HttpRequest, user: User) -> None:
    """Called after the sign-up's transaction committed, so a failing mail server never
    undoes the sign-up (the outbox retries; the person can also sign up again)."""
    context = {
        "user": user,
        "link": verification_link(request, user),
        "organisation": org.organisation_name(),
    }
    queue_account_mail(
        kind=OutboundKind.SIGN_UP,
        address=user.email,
        name=user.get_full_name(),
        subject=_("Confirm your email address for %(organisation)s")
        % {"organisation": context["organisation"]},
        body=loader.render_to_string("portal/email/verify.txt", context),
    )


def send_password_reset(
    *, subject_template_name: str, email_template_name: str, context: dict[str, Any], to: str
) -> None:
    """Django's password reset form calls this (CustomerPasswordResetForm.send_mail) with the
    portal's templates and the link's context."""
    subject = loader.render_to_string(subject_template_name, context)
    user = context.get("user")
    queue_account_mail(
        kind=OutboundKind.PASSWORD_RESET,
        address=to,
        name=user.get_full_name() if isinstance(user, User) else "",
        subject=subject,
        body=loader.render_to_string(email_template_name, context),
    )
