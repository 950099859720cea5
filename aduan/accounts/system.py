"""The account automatic work acts as: the service-level sweep escalating a ticket, an
overdue promise moving up a tier. Its name appears in the timeline and the audit log, so
people see that no colleague did it. It cannot log in (no usable password)."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password

from aduan.accounts.models import Role, User

SYSTEM_USERNAME = "system"


def system_user() -> User:
    # get_or_create survives two workers creating it at the same moment.
    user, _created = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={
            "first_name": "Aduan",
            "last_name": "(sistem)",
            # Reads every ticket and may escalate, as a coordinator does; nothing more.
            "role": Role.COORDINATOR,
            "is_active": True,
            "password": make_password(None),
        },
    )
    return user
