"""Every webhook Aduan posts (channel replies, external groups) carries the same timestamped
signature, and the receiver's check that docs/webhooks.md shows (run here from the page
itself) accepts a genuine post and refuses a replayed or changed one."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from aduan.channels import outbox
from aduan.channels.tests.conftest import SECRET, Kind
from aduan.channels.tests.receiver import Post, Receiver
from aduan.channels.webhooks import signing

pytestmark = pytest.mark.django_db
DOC = Path(__file__).resolve().parents[3] / "docs" / "webhooks.md"
SIGNATURE = re.compile(r"t=(?P<t>[0-9]+),v1=(?P<v1>[0-9a-f]{64})")


def documented_check() -> Callable[[str, bytes, str], bool]:
    """``verify_aduan_webhook`` exactly as docs/webhooks.md prints it."""
    page = DOC.read_text()
    block = page.split("<!-- receiver-example:start -->")[1].split("<!-- receiver-example:end")[0]
    code = block.split("```python\n", 1)[1].rsplit("```", 1)[0]
    namespace: dict[str, Any] = {}
    exec(compile(code, str(DOC), "exec"), namespace)  # noqa: S102 (our own documentation)
    check: Callable[[str, bytes, str], bool] = namespace["verify_aduan_webhook"]
    return check


def posted(kind: Kind, receiver: Receiver) -> Post:
    """What Aduan really posts for one row of ``kind``."""
    assert outbox.deliver(kind.box, kind.make()).status == kind.box.states.sent
    return receiver.posts[-1]


@pytest.mark.parametrize("name", ["reply", "group"])
def test_every_webhook_carries_the_same_timestamped_signature(
    kinds: dict[str, Kind], receiver: Receiver, name: str
) -> None:
    post = posted(kinds[name], receiver)
    match = SIGNATURE.fullmatch(post.headers["X-Aduan-Signature"])
    assert match, post.headers["X-Aduan-Signature"]
    assert post.headers["X-Aduan-Timestamp"] == match["t"]
    assert abs(int(match["t"]) - timezone.now().timestamp()) < 60
    signed = f"{match['t']}.".encode() + post.body
    assert match["v1"] == hmac.new(SECRET.encode(), signed, hashlib.sha256).hexdigest()
    assert post.headers["Idempotency-Key"] and post.headers["X-Aduan-Event"]
    assert post.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize("name", ["reply", "group"])
def test_the_documented_check_accepts_a_genuine_post_and_refuses_a_replay_or_a_change(
    kinds: dict[str, Kind], receiver: Receiver, name: str
) -> None:
    check = documented_check()
    post = posted(kinds[name], receiver)
    header = post.headers["X-Aduan-Signature"]
    assert check(SECRET, post.body, header)
    assert signing.verify(SECRET, post.body, header)
    # Changed on the way, or signed with another secret: refused.
    tampered = post.body.replace(b"}", b', "extra": 1}', 1)
    assert not check(SECRET, tampered, header)
    assert not signing.verify(SECRET, tampered, header)
    assert not check("another-secret-0123456789", post.body, header)
    # Within the tolerance it still passes (a replay then repeats the Idempotency-Key).
    now = timezone.now()
    with time_machine.travel(now + datetime.timedelta(seconds=290)):
        assert check(SECRET, post.body, header)
    # Replayed later: refused by the documented check and by Aduan's own.
    with time_machine.travel(now + datetime.timedelta(seconds=signing.TOLERANCE_SECONDS + 10)):
        assert not check(SECRET, post.body, header)
        assert not signing.verify(SECRET, post.body, header)


def test_a_retry_is_signed_afresh_with_the_same_idempotency_key(
    kinds: dict[str, Kind], receiver: Receiver
) -> None:
    kind = kinds["group"]
    receiver.statuses = [503]
    pk = kind.make()
    assert outbox.deliver(kind.box, pk).retry_in
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2)):
        assert outbox.deliver(kind.box, pk).status == kind.box.states.sent
    first, second = receiver.posts
    assert first.headers["Idempotency-Key"] == second.headers["Idempotency-Key"]
    assert int(second.headers["X-Aduan-Timestamp"]) >= int(first.headers["X-Aduan-Timestamp"]) + 60
    assert documented_check()(SECRET, second.body, second.headers["X-Aduan-Signature"])


@pytest.mark.parametrize(
    "header",
    ["", "t=", "v1=abc", "t=abc,v1=00", "t=1,v1=" + "0" * 64, "sha256=" + "0" * 64, "t=1=2"],
)
def test_malformed_signatures_are_refused_by_both_checks(header: str) -> None:
    assert not documented_check()(SECRET, b"{}", header)
    assert not signing.verify(SECRET, b"{}", header)


def test_gateways_may_still_sign_the_first_way_and_aduan_checks_it_with_the_same_function() -> None:
    body = b'{"message_id": "wa-1"}'
    now = int(timezone.now().timestamp())
    legacy = "sha256=" + signing.digest(SECRET, now, body)
    assert signing.verify(SECRET, body, legacy, timestamp=str(now))
    assert not signing.verify(SECRET, body, legacy, timestamp=str(now - 3600))
    assert not signing.verify(SECRET, body, legacy)  # no timestamp: nothing to check
