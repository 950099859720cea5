from typing import Any

from django.db.models.signals import post_delete, post_save

from aduan.organisation import selectors
from aduan.organisation.models import Category, Channel, Organisation, Priority, Team


def _clear(**kwargs: Any) -> None:
    selectors.clear_cache()


for model in (Category, Channel, Organisation, Priority, Team):
    post_save.connect(_clear, sender=model, dispatch_uid=f"clear-org-cache-{model.__name__}")
    post_delete.connect(_clear, sender=model, dispatch_uid=f"clear-org-del-{model.__name__}")
