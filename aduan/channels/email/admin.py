"""Django admin for mail: the inbound list with failed messages to re-run (their error, the
raw message to download), outgoing mail to send again, templates and mailboxes."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from aduan.channels.email import selectors, services
from aduan.channels.email.downloads import inbound_attachment_response
from aduan.channels.email.models import (
    RETRYABLE,
    InboundAttachment,
    InboundMessage,
    Mailbox,
    MailTemplate,
    OutboundMessage,
)
from aduan.channels.email.text import safe_html
from aduan.core.errors import ApplicationError


class InboundAttachmentInline(admin.TabularInline[InboundAttachment, InboundMessage]):
    model = InboundAttachment
    extra = 0
    can_delete = False
    # Listed for every message, ignored and failed ones too; each file can be downloaded.
    fields = (
        "filename",
        "content_type",
        "size",
        "inline",
        "accepted",
        "reason",
        "attachment",
        "download",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("file"))
    def download(self, obj: InboundAttachment) -> str:
        url = reverse("admin:mail_inboundmessage_attachment", args=[obj.message_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("download"))


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin[InboundMessage]):
    list_display = [
        "id",
        "received_at",
        "status",
        "reason",
        "from_address",
        "subject",
        "ticket",
        "short_error",
    ]
    list_filter = ["status", "reason", "source", "mailbox"]
    search_fields = ["message_id", "from_address", "subject"]
    actions = ["run_again", "run_again_forced"]
    inlines = [InboundAttachmentInline]
    exclude = ["raw", "html"]
    readonly_fields = [
        "message_id",
        "fingerprint",
        "source",
        "mailbox",
        "envelope_from",
        "envelope_to",
        "size",
        "sha256",
        "received_at",
        "status",
        "reason",
        "error",
        "attempts",
        "duplicates",
        "accept_auto_generated",
        "processed_at",
        "from_address",
        "from_name",
        "subject",
        "in_reply_to",
        "text",
        "sanitised_html",
        "raw_download",
        "ticket",
        "event",
        "customer",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[InboundMessage]:
        return super().get_queryset(request).defer("raw").select_related("ticket")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("error"))
    def short_error(self, obj: InboundMessage) -> str:
        return obj.error[:120]

    @admin.display(description=_("HTML (sanitised)"))
    def sanitised_html(self, obj: InboundMessage) -> str:
        return format_html("<div>{}</div>", safe_html(obj.html)) if obj.html else "-"

    @admin.display(description=_("raw message"))
    def raw_download(self, obj: InboundMessage) -> str:
        url = reverse("admin:mail_inboundmessage_raw", args=[obj.pk])
        return format_html('<a href="{}">{} ({} bytes)</a>', url, _("download .eml"), obj.size)

    def get_urls(self) -> list[Any]:
        return [
            path(
                "<int:message_id>/raw/",
                self.admin_site.admin_view(self.raw_view),
                name="mail_inboundmessage_raw",
            ),
            path(
                "<int:message_id>/attachments/<int:attachment_id>/",
                self.admin_site.admin_view(self.attachment_view),
                name="mail_inboundmessage_attachment",
            ),
            *super().get_urls(),
        ]

    def attachment_view(
        self, request: HttpRequest, message_id: int, attachment_id: int
    ) -> HttpResponseBase:
        try:
            item = selectors.inbound_attachment(request.user, message_id, attachment_id)  # type: ignore[arg-type]
        except ApplicationError as exc:
            return HttpResponse(exc.message, status=exc.status)
        return inbound_attachment_response(item)

    def raw_view(self, request: HttpRequest, message_id: int) -> HttpResponse:
        try:
            message = selectors.inbound_message(request.user, message_id, with_raw=True)  # type: ignore[arg-type]
        except ApplicationError as exc:
            return HttpResponse(exc.message, status=exc.status)
        response = HttpResponse(bytes(message.raw), content_type="message/rfc822")
        response["Content-Disposition"] = f'attachment; filename="message-{message.pk}.eml"'
        response["X-Content-Type-Options"] = "nosniff"
        return response

    def _run(self, request: HttpRequest, queryset: QuerySet[InboundMessage], force: bool) -> None:
        done = failed = 0
        for message in queryset.filter(status__in=RETRYABLE).only("pk"):
            try:
                result = services.retry_inbound(
                    actor=request.user,  # type: ignore[arg-type]
                    message_id=message.pk,
                    force=force,
                )
            except ApplicationError as exc:
                self.message_user(request, exc.message, messages.ERROR)
                return
            if result.status == "failed":
                failed += 1
            else:
                done += 1
        self.message_user(
            request,
            _("Processed %(done)d, still failing %(failed)d.") % {"done": done, "failed": failed},
            messages.SUCCESS if not failed else messages.WARNING,
        )

    @admin.action(description=_("Process again"))
    def run_again(self, request: HttpRequest, queryset: QuerySet[InboundMessage]) -> None:
        self._run(request, queryset, force=False)

    @admin.action(description=_("Process again, even if held or automatic"))
    def run_again_forced(self, request: HttpRequest, queryset: QuerySet[InboundMessage]) -> None:
        self._run(request, queryset, force=True)


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin[OutboundMessage]):
    list_display = ["id", "created_at", "kind", "status", "to_address", "subject", "attempts"]
    list_filter = ["status", "kind"]
    search_fields = ["to_address", "subject", "message_id", "ticket__reference"]
    actions = ["send_again"]
    readonly_fields = [f.name for f in OutboundMessage._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Send again"))
    def send_again(self, request: HttpRequest, queryset: QuerySet[OutboundMessage]) -> None:
        for message in queryset.only("pk"):
            try:
                services.resend_outbound(actor=request.user, outbound_id=message.pk)  # type: ignore[arg-type]
            except ApplicationError as exc:
                self.message_user(request, exc.message, messages.ERROR)


@admin.register(MailTemplate)
class MailTemplateAdmin(admin.ModelAdmin[MailTemplate]):
    list_display = ["kind", "language", "subject", "updated_at", "updated_by"]
    list_filter = ["kind", "language"]
    readonly_fields = ["updated_at", "updated_by"]

    def save_model(self, request: HttpRequest, obj: MailTemplate, form: Any, change: bool) -> None:
        # Through the service: checked to compile and render, and audited.
        services.save_template(
            actor=request.user,  # type: ignore[arg-type]
            kind=obj.kind,
            language=obj.language,
            subject=obj.subject,
            body=obj.body,
        )


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin[Mailbox]):
    list_display = [
        "name",
        "host",
        "username",
        "folder",
        "accept_auto_generated",
        "is_active",
        "last_polled_at",
    ]
    list_filter = ["is_active", "security", "accept_auto_generated"]
    readonly_fields = ["last_polled_at", "last_error"]
