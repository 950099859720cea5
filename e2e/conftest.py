"""Browser tests: Chromium (Debian's /usr/bin/chromium, headless) driven by Playwright against
pytest-django's live server.

They skip, saying why, only when Chromium is missing on a developer's machine; in CI (``CI``
set) a missing browser is an error. ``ADUAN_SCREENSHOTS=1`` also writes the README's
screenshots to docs/screenshots/.
"""

from __future__ import annotations

import importlib
import os
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from e2e.helpers import DESKTOP, PASSWORD

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a
# thread with a running loop unless told that this is deliberate (it is: the test waits).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing; .ci/run installs Debian's chromium package")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def _audit_triggers_restored(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Puts back the audit log's append-only triggers after the browser tests (see below)."""
    yield
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    migration = importlib.import_module("aduan.audit.migrations.0002_append_only")
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        for statement in migration.SQLITE:
            cursor.execute(statement.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS"))


@pytest.fixture(autouse=True)
def _flushable_audit_log(_audit_triggers_restored: None, transactional_db: None) -> None:
    """A live server needs committed data, so each browser test ends by emptying every table.
    SQLite's trigger refuses to delete audit entries (PostgreSQL empties it with TRUNCATE,
    which row triggers do not see); it is dropped for these tests and restored after them."""
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS audit_no_delete")


@pytest.fixture
def demo(transactional_db: None) -> dict[str, Any]:
    """The demo organisation's structure and people (password ``demo``), as ``aduan demo``
    makes them, without its thousands of tickets."""
    from aduan.demo import setup

    setup.create_structure()
    users = setup.create_people(PASSWORD)
    return users


@pytest.fixture
def demo_tickets(demo: dict[str, Any]) -> dict[str, Any]:
    """A few dozen demo customers and tickets in every status, for pages that look lived in."""
    from aduan.demo import setup

    rng = random.Random(2026)
    customers = setup.create_customers(25, rng)
    setup.create_tickets(40, demo, customers, rng)
    return demo


@pytest.fixture
def new_page(browser: Any, live_server: Any) -> Iterator[Callable[..., Any]]:
    """``new_page(language="en", viewport=DESKTOP)``: a page in a fresh browser context (its
    own cookies), reading the given language, with ``page.url_for(path)`` for the server."""
    contexts = []

    def make(language: str = "en", viewport: dict[str, int] | None = None) -> Any:
        context = browser.new_context(
            viewport=viewport or DESKTOP,
            locale="id-ID" if language == "id" else "en-US",
            extra_http_headers={"Accept-Language": language},
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.base = live_server.url
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on(
            "console",
            lambda msg: (
                errors.append(msg.text)
                if msg.type == "error" and "favicon" not in msg.text
                else None
            ),
        )
        page.js_errors = errors
        return page

    yield make
    for context in contexts:
        context.close()
