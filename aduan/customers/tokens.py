"""The link that proves a portal sign-up owns the email address it gave."""

from __future__ import annotations

from django.contrib.auth.tokens import PasswordResetTokenGenerator

from aduan.accounts.models import User


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    """Like Django's password-reset tokens (signed, expiring after
    ``PASSWORD_RESET_TIMEOUT``), but spent once the login is active or the email changes."""

    key_salt = "aduan.customers.tokens.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user: User, timestamp: int) -> str:  # type: ignore[override,unused-ignore]
        return f"{user.pk}|{user.is_active}|{user.email}|{user.password}|{timestamp}"


email_verification_token = EmailVerificationTokenGenerator()
