"""Fixtures for the mail tests: mail settings, a real SMTP server (aiosmtpd) and a real IMAP
server (Debian's Dovecot, started once per test session)."""

from __future__ import annotations

from typing import Any

import pytest

from aduan.channels.email.tests.servers import Dovecot, SmtpSink, start_dovecot


@pytest.fixture(autouse=True)
def _mail_settings(settings: Any) -> None:
    settings.DEFAULT_FROM_EMAIL = "Aduan <aduan@localhost>"
    settings.ADUAN_MAIL_DOMAIN = "aduan.test"
    settings.ADUAN_DELIVERY = ""
    settings.ADUAN_IMAP_MAILBOXES = []


@pytest.fixture
def smtp(settings: Any) -> Any:
    """A real SMTP server on a free port; Aduan's mail goes to it."""
    sink = SmtpSink()
    sink.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    yield sink
    sink.stop()


@pytest.fixture(scope="session")
def dovecot_server() -> Any:
    server = start_dovecot()
    yield server
    server.stop()


@pytest.fixture
def dovecot(dovecot_server: Dovecot) -> Dovecot:
    """Dovecot with every test mailbox emptied."""
    dovecot_server.empty_all()
    return dovecot_server


@pytest.fixture(scope="session")
def live_db(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """A migrated database with the demo organisation's structure, for other processes."""
    from aduan.channels.email.tests.live import create_live_database

    with django_db_blocker.unblock():
        live = create_live_database()
    yield live
    live.drop()


@pytest.fixture(autouse=True)
def _fresh_channel_cache() -> Any:
    from aduan.channels import cache

    cache.clear()
    yield
    cache.clear()
