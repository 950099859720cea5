from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

# A real SMTP server (aiosmtpd) for the portal's mail: the sign-up and password links.
from aduan.channels.email.tests.conftest import smtp  # noqa: F401


@pytest.fixture
def browser(org: Any) -> Any:
    """``browser("agent")`` is a Django test client logged in as that user of the test
    organisation, reading English."""

    def make(username: str | None = None, language: str = "en") -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        if username is not None:
            client.force_login(org.user(username))
        return client

    return make
