"""Small checks shared by services: every text a user sends passes through ``clean_text``."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.utils.translation import gettext as _

from aduan.core.errors import ValidationFailed

# Control characters other than tab, newline and carriage return never belong in a complaint,
# and PostgreSQL refuses NUL in text columns outright.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Errors:
    """Collects field errors so one answer names every bad field, not only the first."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    def add(self, field: str, message: str) -> None:
        self.items.append((field, message))

    def check(self, field: str, func: Callable[[], object]) -> object | None:
        try:
            return func()
        except ValidationFailed as exc:
            self.items.extend(exc.errors)
            return None

    def text(
        self,
        field: str,
        value: str | None,
        *,
        max_length: int,
        required: bool = True,
        single_line: bool = False,
    ) -> str:
        """``clean_text`` that records the error and returns "" instead of raising."""
        try:
            return clean_text(
                field, value, max_length=max_length, required=required, single_line=single_line
            )
        except ValidationFailed as exc:
            self.items.extend(exc.errors)
            return ""

    def raise_if_any(self) -> None:
        if self.items:
            raise ValidationFailed(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)


def clean_text(
    field: str,
    value: str | None,
    *,
    max_length: int,
    required: bool = True,
    single_line: bool = False,
) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationFailed([(field, _("This field is required and may not be empty."))])
    if len(text) > max_length:
        raise ValidationFailed(
            [
                (
                    field,
                    _("At most %(max)d characters are allowed (got %(got)d).")
                    % {"max": max_length, "got": len(text)},
                )
            ]
        )
    if _CONTROL.search(text):
        raise ValidationFailed([(field, _("Contains control characters that are not allowed."))])
    if single_line and ("\n" in text or "\r" in text):
        raise ValidationFailed([(field, _("Must be a single line."))])
    return text
