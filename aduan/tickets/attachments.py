"""Attachments: size and type limits, a checksum, and storage through Django's storage API.

The type is decided from the file name's extension against an allow-list, never from what the
client claims; the stored file is named by its checksum; downloads are always served as
``attachment`` with ``nosniff``, so an uploaded page can never run in the site's origin.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse
from django.utils.translation import gettext as _

from aduan.accounts.models import User
from aduan.audit.services import record
from aduan.core.errors import Conflict, ValidationFailed
from aduan.core.validation import clean_text
from aduan.tickets.models import Attachment, EventKind, Status, Ticket, TicketEvent
from aduan.tickets.permissions import get_visible_ticket, may_answer_customer

ALLOWED_TYPES: dict[str, str] = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".txt": "text/plain",
    ".csv": "text/csv",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ppt": "application/vnd.ms-powerpoint",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".zip": "application/zip",
    ".eml": "message/rfc822",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".ogg": "audio/ogg",
    ".wav": "audio/wav",
    ".mp4": "video/mp4",
}
_CHUNK = 64 * 1024


def safe_filename(name: str) -> str:
    base = os.path.basename((name or "").replace("\\", "/"))
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"/\\|?*')
    return base.strip(" .")[:200]


def check_file(name: str, size: int) -> tuple[str, str]:
    """The clean file name and its content type, or a ValidationFailed naming ``file``."""
    filename = safe_filename(name)
    if not filename:
        raise ValidationFailed([("file", _("The file has no usable name."))])
    extension = os.path.splitext(filename)[1].lower()
    content_type = ALLOWED_TYPES.get(extension)
    if content_type is None:
        raise ValidationFailed(
            [
                (
                    "file",
                    _("Files of type '%(ext)s' are not accepted. Allowed: %(allowed)s.")
                    % {"ext": extension or "?", "allowed": " ".join(sorted(ALLOWED_TYPES))},
                )
            ]
        )
    if size <= 0:
        raise ValidationFailed([("file", _("The file is empty."))])
    limit = settings.ADUAN_MAX_ATTACHMENT_BYTES
    if size > limit:
        raise ValidationFailed(
            [
                (
                    "file",
                    _("The file is %(size)d bytes; at most %(limit)d are allowed.")
                    % {"size": size, "limit": limit},
                )
            ]
        )
    return filename, content_type


def _sha256(file: File[bytes]) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks(_CHUNK):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def store_file(file: File[bytes]) -> tuple[str, str]:
    """Save the content under its checksum (once, however often it is uploaded)."""
    checksum = _sha256(file)
    path = f"attachments/{checksum[:2]}/{checksum}"
    if not default_storage.exists(path):
        path = default_storage.save(path, file)
    return path, checksum


@transaction.atomic
def add_attachment(
    *,
    actor: User,
    reference: str,
    file: File[bytes],
    name: str,
    internal: bool = False,
    note: str = "",
) -> Attachment:
    ticket = get_visible_ticket(actor, reference, for_update=True)
    filename, content_type = check_file(name, file.size or 0)
    text = clean_text("note", note, max_length=2000, required=False)
    if actor.is_customer and internal:
        raise ValidationFailed([("internal", _("Customers cannot add internal files."))])
    if not actor.is_customer and not may_answer_customer(actor, ticket):
        # Division staff and verificators share files with the front line only.
        internal = True
    if ticket.status in (Status.CLOSED, Status.CANCELLED):
        raise Conflict(
            _("Ticket %(reference)s is %(status)s.")
            % {"reference": ticket.reference, "status": ticket.get_status_display()},
            extra={"current": ticket.status},
        )
    return attach_checked(
        ticket=ticket,
        actor=actor,
        file=file,
        filename=filename,
        content_type=content_type,
        internal=internal,
        note=text,
    )


def attach_checked(
    *,
    ticket: Ticket,
    actor: User,
    file: File[bytes],
    filename: str,
    content_type: str,
    internal: bool = False,
    note: str = "",
) -> Attachment:
    """Store ``file`` and put it on ``ticket``'s timeline as its own entry. The caller has
    checked it (``check_file``), the person's right to add it, and holds the ticket's lock."""
    path, checksum = store_file(file)
    event = TicketEvent.objects.create(
        ticket=ticket,
        kind=EventKind.ATTACHMENT,
        author=actor,
        body=note,
        internal=internal,
        data={"filename": filename, "size": file.size},
    )
    attachment = Attachment.objects.create(
        ticket=ticket,
        event=event,
        filename=filename,
        content_type=content_type,
        size=file.size or 0,
        sha256=checksum,
        internal=internal,
        uploaded_by=actor,
    )
    # The row points at the already stored content; FileField.save would store it again.
    Attachment.objects.filter(pk=attachment.pk).update(file=path)
    attachment.file.name = path
    record(
        actor=actor,
        action="attachment.added",
        instance=attachment,
        after={
            "ticket": ticket.reference,
            "filename": filename,
            "sha256": checksum,
            "size": attachment.size,
            "internal": internal,
        },
    )
    return attachment


def download_response(attachment: Attachment) -> FileResponse:
    """The file as a download, never rendered: ``attachment`` disposition, ``nosniff`` and a
    sandboxing CSP, so an uploaded HTML or SVG page never runs in the site's origin. The API
    and the web UI both answer with this."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def add_received_attachment(
    *,
    event: TicketEvent,
    path: str,
    checksum: str,
    filename: str,
    content_type: str,
    size: int,
) -> Attachment:
    """A file that came with a customer's message by mail or another channel, already
    checked (``check_file``) and stored (``store_file``), on that message's timeline entry."""
    attachment = Attachment.objects.create(
        ticket_id=event.ticket_id,
        event=event,
        file=path,
        filename=filename,
        content_type=content_type,
        size=size,
        sha256=checksum,
        internal=False,
    )
    record(
        actor=None,
        action="attachment.added",
        instance=attachment,
        after={"event": event.pk, "filename": filename, "sha256": checksum, "size": size},
    )
    return attachment
