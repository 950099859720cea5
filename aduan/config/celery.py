"""The Celery application: background work (service-level sweeps, escalations,
notifications, webhooks) on Redis or RabbitMQ.

Workers: ``aduan worker`` (or ``celery -A aduan.config worker``); the periodic sweeps need one
``aduan beat`` (or ``aduan worker --beat`` on one machine). Without ``CELERY_BROKER_URL``
Aduan runs embedded: tasks run in the process that queues them and ``aduan serve`` runs the
periodic sweeps itself (docs/sla.md).
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.config.settings")

app = Celery("aduan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
