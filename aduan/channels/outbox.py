"""The outbox: how everything Aduan sends goes out, whatever it is.

Mail (``email.outbound``), replies posted to a channel's gateway (``webhooks.delivery``) and
posts to external groups (``care.services.webhooks``) are each an outbox row written in the
transaction that caused them, then handed to a worker after commit (``delivery.after_commit``)
or left to the periodic sweep. Each kind describes its table in an ``Outbox`` and turns a row
into what its ``Transport`` carries (``SMTP``: a mail, ``HTTP``: a signed webhook post); this
module is the one loop that sends them:

- **claim**: a compare-and-set update makes a due row ``sending`` with a lease and counts the
  attempt, so two workers never send one row at the same time; a worker that dies mid-send
  loses the claim when the lease runs out and the row is due again;
- **send** through the transport;
- **retry** a temporary failure after ``ADUAN_DELIVERY_BACKOFF`` (1, 5, 15 minutes, then
  hourly by default);
- **fail** at a permanent failure or the ``ADUAN_DELIVERY_ATTEMPTS``th one: the row is left
  ``failed`` with the error, where administrators list it and send it again.

Repeats are possible (a post that arrived but whose answer was lost): every webhook carries
its delivery id in ``Idempotency-Key`` so the receiver can drop them, and every mail its
Message-ID.
"""

from __future__ import annotations

import datetime
import json
import logging
import smtplib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from aduan.channels import delivery
from aduan.channels.webhooks import signing

if TYPE_CHECKING:
    from django.core.mail import EmailMessage

logger = logging.getLogger(__name__)

Row = TypeVar("Row", bound=models.Model)
Payload = TypeVar("Payload")
Carried = TypeVar("Carried", contravariant=True)
# The status a deliver() reports for a row that does not exist.
MISSING = "missing"


class Failure(Exception):
    """A send that did not work. ``permanent``: trying again cannot help (a refused address,
    a 4xx answer); ``response_status``: the HTTP status, when there was an answer."""

    def __init__(
        self, message: str, *, permanent: bool = False, response_status: int | None = None
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.response_status = response_status


def max_attempts() -> int:
    attempts: int = settings.ADUAN_DELIVERY_ATTEMPTS
    return attempts


def retry_delay(attempts: int) -> int:
    """Seconds to wait before attempt ``attempts + 1``, after ``attempts`` failed ones."""
    steps: list[int] = settings.ADUAN_DELIVERY_BACKOFF
    return steps[min(max(attempts, 1), len(steps)) - 1]


# --- transports -----------------------------------------------------------------------------


class Transport(Protocol[Carried]):
    def lease(self) -> datetime.timedelta:
        """How long a claim lasts: longer than one send can take, so a live sender never
        loses it."""
        ...

    def send(self, carried: Carried) -> int | None:
        """Send; the HTTP status when there is one. Raises ``Failure``."""
        ...


def _smtp_permanent(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    from django.core.mail import BadHeaderError

    return isinstance(exc, BadHeaderError | ValueError | UnicodeError)


class Smtp:
    """Mail, through Django's mail backend (the ``EMAIL_*`` settings)."""

    def lease(self) -> datetime.timedelta:
        return datetime.timedelta(minutes=15)

    def send(self, carried: EmailMessage) -> int | None:
        from django.core.mail import get_connection

        try:
            with get_connection(timeout=settings.EMAIL_TIMEOUT) as connection:
                connection.send_messages([carried])
        except Exception as exc:
            raise Failure(f"{type(exc).__name__}: {exc}", permanent=_smtp_permanent(exc)) from exc
        return None


@dataclass(frozen=True)
class WebhookPost:
    """One signed JSON post; ``key`` goes out as ``Idempotency-Key``."""

    url: str
    secret: str
    payload: Mapping[str, Any]
    event: str
    key: str

    def body(self) -> bytes:
        return json.dumps(self.payload, ensure_ascii=False).encode()

    def headers(self, body: bytes) -> dict[str, str]:
        # Signed at each attempt: the timestamp must be fresh for the receiver to accept it.
        return {
            "Content-Type": "application/json",
            "User-Agent": "Aduan-Webhook/1",
            "Idempotency-Key": self.key,
            "X-Aduan-Event": self.event,
            **signing.sign(self.secret, body),
        }


class Http:
    """Webhooks: a POST that must be answered 2xx within ``ADUAN_WEBHOOK_TIMEOUT`` seconds;
    redirects are not followed. A 4xx answer is final, except 408 and 429."""

    def lease(self) -> datetime.timedelta:
        return datetime.timedelta(seconds=settings.ADUAN_WEBHOOK_TIMEOUT * 3 + 30)

    def send(self, carried: WebhookPost) -> int | None:
        # Imported here: the mail pipe loads this module but never posts (docs/performance.md).
        import httpx

        body = carried.body()
        try:
            response = httpx.post(
                carried.url,
                content=body,
                headers=carried.headers(body),
                timeout=settings.ADUAN_WEBHOOK_TIMEOUT,
                follow_redirects=False,
            )
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise Failure(f"{type(exc).__name__}: {exc}", permanent=True) from exc
        except httpx.HTTPError as exc:
            raise Failure(f"{type(exc).__name__}: {exc}") from exc
        status = response.status_code
        if status >= 300:
            answer = " ".join(response.text[:300].split())
            raise Failure(
                f"HTTP {status}: {answer}" if answer else f"HTTP {status}",
                permanent=400 <= status < 500 and status not in (408, 429),
                response_status=status,
            )
        return status


SMTP = Smtp()
HTTP = Http()


# --- the loop ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class States:
    """The values of a table's ``status`` column."""

    queued: str = "queued"
    sending: str = "sending"
    sent: str = "sent"
    failed: str = "failed"


@dataclass(frozen=True)
class Outbox(Generic[Row, Payload]):
    """One kind of outbox row. The table has ``status``, ``attempts``, ``next_attempt_at``
    and ``last_error``; the other columns are named here."""

    name: str
    model: type[Row]
    # Builds what the transport carries; raises Failure when the row cannot be sent.
    prepare: Callable[[Row], Payload]
    transport: Transport[Payload]
    # The Celery task that sends one row (a function, so Celery loads only when used).
    task: Callable[[], Any]
    states: States = field(default_factory=States)
    # Holds when the claim runs out while the row is being sent.
    lease_field: str = "next_attempt_at"
    sent_at_field: str = "sent_at"
    response_field: str = ""
    select_related: tuple[str, ...] = ()
    # Told about a row that failed for good, after it is marked.
    on_failed: Callable[[Row, str], None] | None = None

    @property
    def manager(self) -> models.Manager[Row]:
        manager: models.Manager[Row] = self.model._default_manager
        return manager

    def due(self, now: datetime.datetime) -> Q:
        waiting = Q(status=self.states.queued) & (
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
        )
        abandoned = Q(status=self.states.sending, **{f"{self.lease_field}__lt": now})
        return waiting | abandoned


@dataclass(frozen=True)
class Outcome:
    status: str
    # Whether this call sent (or tried to send) the row.
    claimed: bool = True
    # Seconds until the next attempt, when one is due.
    retry_in: int | None = None


def hand_over(outbox: Outbox[Any, Any], pk: int) -> None:
    """Send row ``pk`` once the transaction that wrote it commits (``ADUAN_DELIVERY``)."""
    delivery.after_commit(
        lambda: outbox.task().apply(args=(pk,)),
        lambda: outbox.task().apply_async(args=(pk,)),
    )


def claim(outbox: Outbox[Any, Any], pk: int, now: datetime.datetime) -> bool:
    claimed = (
        outbox.manager.filter(outbox.due(now), pk=pk).update(
            status=outbox.states.sending,
            attempts=F("attempts") + 1,
            **{outbox.lease_field: now + outbox.transport.lease()},
        )
        == 1
    )
    return claimed


def due_ids(
    outbox: Outbox[Any, Any], now: datetime.datetime | None = None, limit: int = 500
) -> list[int]:
    """Rows to send now: queued ones whose time came, and claims whose lease ran out."""
    return list(
        outbox.manager.filter(outbox.due(now or timezone.now()))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def deliver(outbox: Outbox[Row, Any], pk: int, *, now: datetime.datetime | None = None) -> Outcome:
    """Send row ``pk`` if it is due and nobody else is sending it."""
    if not claim(outbox, pk, now or timezone.now()):
        status = outbox.manager.filter(pk=pk).values_list("status", flat=True).first()
        return Outcome(str(status or MISSING), claimed=False)
    row = outbox.manager.select_related(*outbox.select_related).get(pk=pk)
    try:
        response = outbox.transport.send(outbox.prepare(row))
    except Exception as exc:
        failure = exc if isinstance(exc, Failure) else Failure(f"{type(exc).__name__}: {exc}")
        return _failed(outbox, row, failure)
    changes: dict[str, Any] = {
        "status": outbox.states.sent,
        outbox.sent_at_field: timezone.now(),
        "last_error": "",
        outbox.lease_field: None,
    }
    if outbox.response_field:
        changes[outbox.response_field] = response
    outbox.manager.filter(pk=pk).update(**changes)
    return Outcome(outbox.states.sent)


def _failed(outbox: Outbox[Row, Any], row: Row, failure: Failure) -> Outcome:
    column = outbox.model._meta.get_field("last_error")
    limit = (column.max_length if isinstance(column, models.Field) else None) or 2000
    error = str(failure)[:limit]
    attempts: int = getattr(row, "attempts")  # noqa: B009 (every outbox table has it)
    logger.warning("Sending %s %s failed (attempt %s): %s", outbox.name, row.pk, attempts, error)
    changes: dict[str, Any] = {"last_error": error, outbox.lease_field: None}
    if outbox.response_field:
        changes[outbox.response_field] = failure.response_status
    if not failure.permanent and attempts < max_attempts():
        wait = retry_delay(attempts)
        changes["status"] = outbox.states.queued
        changes["next_attempt_at"] = timezone.now() + datetime.timedelta(seconds=wait)
        outbox.manager.filter(pk=row.pk).update(**changes)
        return Outcome(outbox.states.queued, retry_in=wait)
    changes["status"] = outbox.states.failed
    outbox.manager.filter(pk=row.pk).update(**changes)
    logger.error("Gave up sending %s %s: %s", outbox.name, row.pk, error)
    if outbox.on_failed is not None:
        outbox.on_failed(row, error)
    return Outcome(outbox.states.failed)
