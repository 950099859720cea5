"""Content-Transfer-Encodings undone by hand, so that a part's bytes are the sender's bytes.

The email package's decoders give up where they need not: base64 of a bad length comes back
still encoded, uuencode without its ``begin`` line not at all. These decode as far as the
data is valid and keep every valid byte before a fault.
"""

from __future__ import annotations

import binascii
import re

_BASE64_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
# Every byte that is not base64 (line breaks, spaces, junk) is dropped, as decoders do.
_NOT_BASE64 = bytes(sorted(set(range(256)) - set(_BASE64_ALPHABET)))
_UU_BEGIN = re.compile(rb"^begin\s+[0-7]{1,6}\s+(.*?)\s*$")


def base64(data: bytes, defects: list[str] | None = None) -> bytes:
    """Base64 decoded as far as it is valid. Junk characters are skipped; padding in the
    middle (two encoded blocks glued together) starts a new block; a block of a bad length
    loses only its last, incomplete character, never what comes before."""
    cleaned = data.translate(None, _NOT_BASE64)
    out = []
    faulty = False
    for block in cleaned.split(b"="):
        extra = len(block) % 4
        if extra == 1:
            # Six bits cannot make a byte: the one character is dropped.
            block, faulty = block[:-1], True
        elif extra:
            block += b"=" * (4 - extra)
        if block:
            out.append(binascii.a2b_base64(block))
    if faulty and defects is not None:
        defects.append("base64 of a bad length: decoded as far as valid")
    return b"".join(out)


def _uu_line(line: bytes) -> bytes | None:
    """One uuencoded line, or None if it is not one."""
    if not line or not 32 <= line[0] <= 96:
        return None
    length = (line[0] - 32) & 63
    expected = (length + 2) // 3 * 4
    # Trailing spaces may have been trimmed in transport; some encoders add a checksum.
    if not expected - 2 <= len(line) - 1 <= expected + 1:
        return None
    try:
        return binascii.a2b_uu(line)
    except binascii.Error:
        try:
            return binascii.a2b_uu(line[: 1 + expected])
        except binascii.Error:
            return None


def uudecode(data: bytes, defects: list[str] | None = None) -> tuple[bytes, str]:
    """uuencoded data and the file name of its ``begin`` line ("" if none). Without a
    ``begin`` line the data starts at the first line that is uuencode; it ends at ``end``, at
    an empty line or at the first line that is not uuencode, keeping what came before."""
    lines = data.splitlines()
    name = ""
    start = None
    for index, line in enumerate(lines):
        begin = _UU_BEGIN.match(line)
        if begin:
            name = begin.group(1).decode("utf-8", "replace")
            start = index + 1
            break
    if start is None:
        if defects is not None:
            defects.append("uuencode without a begin line")
        start = next(
            (i for i, line in enumerate(lines) if line.strip() and _uu_line(line) is not None),
            len(lines),
        )
    out = []
    for line in lines[start:]:
        if line.strip() in (b"end", b"`", b""):
            break
        decoded = _uu_line(line)
        if decoded is None:
            if defects is not None:
                defects.append("uuencode cut short: decoded as far as valid")
            break
        out.append(decoded)
    return b"".join(out), name
