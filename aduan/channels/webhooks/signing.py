"""The shared-secret signature on webhook posts, both directions.

    X-Aduan-Timestamp: 1767225600
    X-Aduan-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>." + raw body)>

The timestamp is signed with the body, and a post older or newer than five minutes is
refused, so a captured request cannot be replayed later; a replay within the window carries
the same message id and is answered as a duplicate.
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-Aduan-Signature"
TIMESTAMP_HEADER = "X-Aduan-Timestamp"
TOLERANCE_SECONDS = 300


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def headers(secret: str, body: bytes, now: float | None = None) -> dict[str, str]:
    timestamp = int(now if now is not None else time.time())
    return {TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: sign(secret, timestamp, body)}


def verify(
    secret: str, timestamp: str | None, signature: str | None, body: bytes, now: float | None = None
) -> bool:
    if not secret or not timestamp or not signature or len(timestamp) > 12:
        return False
    try:
        when = int(timestamp)
    except ValueError:
        return False
    current = now if now is not None else time.time()
    if abs(current - when) > TOLERANCE_SECONDS:
        return False
    return hmac.compare_digest(sign(secret, when, body), signature.strip())
