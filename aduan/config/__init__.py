"""Aduan's Django project: settings, URLs, the WSGI and Celery applications.

The Celery app is created on first use, not with the settings: a process that sends no task
(``aduan ingest-email`` with ``ADUAN_DELIVERY=worker``, ``aduan migrate``) does not pay for
importing Celery. Task modules import ``aduan.config.celery`` so that ``@shared_task`` tasks
bind to it (docs/performance.md, "Mail intake").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from celery import Celery

    celery_app: Celery

__all__ = ("celery_app",)


def __getattr__(name: str) -> Any:
    if name == "celery_app":
        from aduan.config.celery import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
