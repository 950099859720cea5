"""Mail the portal sends: the link that confirms a sign-up's email address."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from aduan.accounts.models import User
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


def send_verification(request: HttpRequest, user: User) -> None:
    """Called after the sign-up's transaction committed, so a failing mail server never
    undoes the sign-up (the person can sign up again for a new link)."""
    context = {
        "user": user,
        "link": verification_link(request, user),
        "organisation": org.organisation_name(),
    }
    send_mail(
        subject=_("Confirm your email address for %(organisation)s")
        % {"organisation": context["organisation"]},
        message=render_to_string("portal/email/verify.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )
