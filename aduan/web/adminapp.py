"""Django's admin, with the apps' admin modules loaded when the site is first used.

Django's own AdminConfig imports every app's ``admin.py`` at start-up, and with them the mail
and webhook services, Django's admin forms and the type-stub patch they need: about a tenth
of a second that a process which never shows the admin (``aduan ingest-email``, a worker)
should not pay. Here the modules are imported when the admin's URLs are built or its
configuration is checked (``aduan check``, the server's first request), which is before
anything can read the registry (docs/performance.md, "Mail intake").
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from django.apps import AppConfig
from django.contrib.admin import sites
from django.contrib.admin.apps import SimpleAdminConfig
from django.core.checks import CheckMessage
from django.urls import URLPattern, URLResolver

_lock = threading.Lock()
_discovered = False


def discover() -> None:
    """Register the apps' ModelAdmins, once per process."""
    global _discovered
    with _lock:
        if _discovered:
            return
        # admin.ModelAdmin[Model] in the admin modules needs __class_getitem__ first.
        import django_stubs_ext
        from django.contrib.admin import autodiscover

        django_stubs_ext.monkeypatch()
        autodiscover()
        _discovered = True


class AdminSite(sites.AdminSite):
    def get_urls(self) -> list[URLResolver | URLPattern]:
        discover()
        return super().get_urls()

    def check(self, app_configs: Sequence[AppConfig] | None) -> list[CheckMessage]:
        discover()
        return super().check(app_configs)


class AdminConfig(SimpleAdminConfig):
    default_site = "aduan.web.adminapp.AdminSite"
