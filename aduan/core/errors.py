"""Errors raised by service functions and turned into HTTP answers by the API and views.

Services never return error codes: they raise one of these, with a translated message that
names the field and the reason, so the HTML views and the REST API say the same thing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.functional import Promise


class ApplicationError(Exception):
    """Base class. ``status`` is the HTTP status the API answers with."""

    status: int = 400
    code: str = "invalid"

    def __init__(
        self,
        message: str | Promise,
        *,
        field: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.field = field
        self.extra: dict[str, Any] = dict(extra or {})

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"detail": self.message, "code": self.code}
        if self.field:
            body["errors"] = [{"field": self.field, "message": self.message}]
        body.update(self.extra)
        return body


class ValidationFailed(ApplicationError):
    status = 400
    code = "invalid"

    def __init__(self, errors: Sequence[tuple[str, str | Promise]]) -> None:
        first_field, first_message = errors[0]
        super().__init__(first_message, field=first_field)
        self.errors = [(field, str(message)) for field, message in errors]

    def as_dict(self) -> dict[str, Any]:
        return {
            "detail": "; ".join(f"{field}: {message}" for field, message in self.errors),
            "code": self.code,
            "errors": [{"field": field, "message": message} for field, message in self.errors],
        }


class PermissionDenied(ApplicationError):
    status = 403
    code = "forbidden"


class NotFound(ApplicationError):
    status = 404
    code = "not_found"


class Conflict(ApplicationError):
    status = 409
    code = "conflict"
