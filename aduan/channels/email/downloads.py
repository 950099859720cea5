"""Files of inbound messages as downloads, for the admin and the API alike."""

from __future__ import annotations

from django.http import FileResponse

from aduan.channels.email.models import InboundAttachment


def inbound_attachment_response(item: InboundAttachment) -> FileResponse:
    """The stored file as a download, never rendered: what a withheld file may be (a page,
    a program) must not run in the site's origin, so the type sent is always
    application/octet-stream, with ``nosniff`` and a sandboxing CSP."""
    response = FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=item.filename or "attachment",
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
