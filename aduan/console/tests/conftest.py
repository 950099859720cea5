from __future__ import annotations

from typing import Any

import pytest
from django.test import Client


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
