"""Glue between the HTML views and the services: service errors become form errors.

A service raises an ``ApplicationError`` naming the field at fault (the same one the REST API
answers with); a view shows its message beside that field, or above the form when the field is
not on it, and answers with the error's HTTP status.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django import forms
from django.http import HttpRequest

from aduan.core.errors import ApplicationError, ValidationFailed


def error_items(exc: ApplicationError) -> list[tuple[str | None, str]]:
    if isinstance(exc, ValidationFailed):
        return [(field, message) for field, message in exc.errors]
    return [(exc.field, exc.message)]


def apply_error(
    form: forms.Form, exc: ApplicationError, fields: Mapping[str, str] | None = None
) -> None:
    """Put the service's messages on ``form``: beside the field they name (renamed through
    ``fields`` where the form calls it differently), otherwise as a form-wide error."""
    for field, message in error_items(exc):
        name = (fields or {}).get(field or "", field)
        form.add_error(name if name in form.fields else None, message)


def is_htmx(request: HttpRequest) -> bool:
    """The request came from htmx (django-htmx's middleware sets ``request.htmx``)."""
    return bool(getattr(request, "htmx", False))


def is_stale_version(exc: ApplicationError) -> bool:
    """The service refused because someone else changed the ticket first."""
    return exc.status == 409 and exc.field == "version"


def set_choices(form: forms.Form, name: str, choices: Sequence[tuple[str, object]]) -> None:
    """Fill a choice field's options at run time (from the configuration tables)."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = list(choices)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented recipe); checked by the services."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self, data: object, initial: object = None) -> list[object]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []
