"""The one signature on every webhook Aduan posts (channel replies, external groups) and on
the posts gateways send to Aduan (docs/webhooks.md)::

    X-Aduan-Timestamp: 1767225600
    X-Aduan-Signature: t=1767225600,v1=<hex HMAC-SHA256(secret, "1767225600." + raw body)>

The timestamp is signed with the body, and a signature more than five minutes from now is
refused, so a captured request cannot be replayed later; within the window a replay carries
the same delivery id (``Idempotency-Key``) and the receiver drops it as a repeat.

Gateways written against the first version of the inbound webhook sign the same message but
spell it ``X-Aduan-Signature: sha256=<hex>`` with the timestamp only in
``X-Aduan-Timestamp``; ``verify`` still accepts that spelling for them.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

SIGNATURE_HEADER = "X-Aduan-Signature"
TIMESTAMP_HEADER = "X-Aduan-Timestamp"
TOLERANCE_SECONDS = 300
_LEGACY_PREFIX = "sha256="


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def digest(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``"<timestamp>." + body``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return mac.hexdigest()


def sign(secret: str, body: bytes, now: float | None = None) -> dict[str, str]:
    """The two headers that sign ``body`` now (or at ``now``, a Unix time)."""
    timestamp = int(now if now is not None else time.time())
    return {
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: f"t={timestamp},v1={digest(secret, timestamp, body)}",
    }


def _parse(header: str, timestamp: str | None) -> tuple[str, list[str]]:
    """The signed timestamp and the candidate signatures in ``header``."""
    header = header.strip()
    if header.startswith(_LEGACY_PREFIX):
        return (timestamp or "").strip(), [header.removeprefix(_LEGACY_PREFIX)]
    when = ""
    candidates = []
    for part in header.split(","):
        key, _sep, value = part.strip().partition("=")
        if key == "t":
            when = value
        elif key == "v1":
            candidates.append(value)
    return when, candidates


def verify(
    secret: str,
    body: bytes,
    header: str | None,
    tolerance: int = TOLERANCE_SECONDS,
    *,
    timestamp: str | None = None,
    now: float | None = None,
) -> bool:
    """Whether ``header`` (``X-Aduan-Signature``) signs ``body`` with ``secret`` and was made
    within ``tolerance`` seconds of now. ``timestamp`` (``X-Aduan-Timestamp``) is read only
    for the ``sha256=`` spelling, whose signature header carries none."""
    if not secret or not header or len(header) > 600:
        return False
    when, candidates = _parse(header, timestamp)
    if not when.isdigit() or len(when) > 12:
        return False
    signed_at = int(when)
    current = now if now is not None else time.time()
    if abs(current - signed_at) > tolerance:
        return False
    expected = digest(secret, signed_at, body)
    # compare_digest takes ASCII only; a header is whatever the sender wrote.
    return any(
        candidate.isascii() and hmac.compare_digest(expected, candidate) for candidate in candidates
    )
