from __future__ import annotations

from django.db import models


class Counter(models.Model):
    """A named counter, used where the database has no sequences (see core.sequences)."""

    name = models.CharField(max_length=50, primary_key=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.value}"
