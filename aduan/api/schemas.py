"""Shared API types: ids, errors and pages."""

from __future__ import annotations

from typing import Annotated

from ninja import Schema
from pydantic import Field

# Ids are bounded so a fuzzer's 2**70 is a clear 400 and never a database overflow.
Id = Annotated[int, Field(ge=1, le=2**53)]
# Codes of teams, channels, categories and priorities (organisation.models.code_validator).
# Anything else cannot name one, and a NUL byte would not even reach PostgreSQL.
Code = Annotated[str, Field(min_length=1, max_length=50, pattern=r"^[a-z0-9][a-z0-9_-]*$")]

# A ticket reference such as ADU-2026-000123; anything else cannot name a ticket.
Reference = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9-]+$")]


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    code: str
    errors: list[FieldError] | None = None
    current: str | None = None
    allowed: list[str] | None = None
    current_version: int | None = None
    existing_customer_id: int | None = None


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
