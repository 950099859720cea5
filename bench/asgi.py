"""ASGI entry point used only by ``bench/run.py --server uvicorn`` to compare servers."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.config.settings")
application = get_asgi_application()
