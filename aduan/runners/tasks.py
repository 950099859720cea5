"""Celery tasks of the runners. The name stays ``aduan.channels.sweep``: beat schedules and
queued messages written before the runners had their own package still find it."""

from __future__ import annotations

from celery import shared_task

# Binds the tasks to Aduan's Celery app, created on first use (aduan/config/__init__.py).
import aduan.config.celery  # noqa: F401
from aduan.runners import channels


@shared_task(name="aduan.channels.sweep", acks_late=True, ignore_result=True)
def sweep_channels() -> dict[str, int]:
    """Periodic (beat): poll the mailboxes, process interrupted messages, send what is due."""
    return channels.run_once()
