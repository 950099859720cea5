"""The customer portal: sign up, confirm the email address, log in, file a complaint with
attachments, follow one's own tickets (never anyone else's, never internal entries), reply,
and confirm the solution or say the problem persists.

Each view parses a form and calls the same services as the REST API.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aduan.accounts.models import User
from aduan.accounts.permissions import is_customer
from aduan.core.errors import ApplicationError, NotFound, PermissionDenied, ValidationFailed
from aduan.core.web import apply_error, is_stale_version
from aduan.customers import services as customer_services
from aduan.customers.models import Customer
from aduan.organisation import selectors as org
from aduan.portal.emails import send_verification
from aduan.portal.forms import (
    CustomerPasswordResetForm,
    PersistsForm,
    PortalAttachForm,
    PortalComplaintForm,
    PortalLoginForm,
    ReplyForm,
    SignUpForm,
    VersionForm,
    WithdrawForm,
)
from aduan.tickets import permissions, selectors, services
from aduan.tickets.attachments import add_attachment, download_response
from aduan.tickets.models import FINAL_STATUSES, Status, Ticket

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def customer_required(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("portal:login"))
        if not is_customer(user):
            # Staff have the console.
            return redirect("console:home")
        return view(request, *args, **kwargs)

    return cast(View, wrapped)


def _me(request: HttpRequest) -> User:
    return cast(User, request.user)


# --- signing up and in -----------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    template_name = "portal/login.html"
    authentication_form = PortalLoginForm
    redirect_authenticated_user = True
    next_page = "portal:home"


class LogoutView(auth_views.LogoutView):
    next_page = "portal:login"


# Forgotten password: Django's views (signed, single-use, expiring links) with the portal's
# templates; only customers' accounts are reset here.
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "portal/password_reset.html"
    form_class = CustomerPasswordResetForm
    email_template_name = "portal/email/password_reset.txt"
    subject_template_name = "portal/email/password_reset_subject.txt"
    success_url = reverse_lazy("portal:password_reset_done")

    def form_valid(self, form: CustomerPasswordResetForm) -> HttpResponse:
        self.extra_email_context = {"organisation": org.organisation_name()}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "portal/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "portal/password_reset_confirm.html"
    success_url = reverse_lazy("portal:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "portal/password_reset_complete.html"


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = customer_services.sign_up(
                    data=customer_services.SignUpInput(
                        name=data["name"],
                        password=data["password1"],
                        email=data["email"],
                        phone=data["phone"],
                        organisation_name=data["organisation_name"],
                        language=get_language() or "",
                    )
                )
            except ApplicationError as exc:
                apply_error(form, exc, {"password": "password1"})
                status = exc.status
            else:
                if not user.is_active:
                    send_verification(request, user)
                    request.session["portal_signup_email"] = user.email
                    return redirect("portal:verify_sent")
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, _("Welcome! You can file your complaint now."))
                return redirect("portal:new")
    return render(request, "portal/signup.html", {"form": form}, status=status)


def verify_sent(request: HttpRequest) -> HttpResponse:
    email = request.session.get("portal_signup_email", "")
    return render(request, "portal/verify_sent.html", {"email": email})


def verify(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    try:
        user = customer_services.verify_email(uidb64=uidb64, token=token)
    except ValidationFailed as exc:
        return render(request, "portal/verify_failed.html", {"message": exc.message}, status=400)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, _("Your email address is confirmed. Welcome!"))
    return redirect("portal:home")


# --- tickets -------------------------------------------------------------------------------


@customer_required
def home(request: HttpRequest) -> HttpResponse:
    cursor = request.GET.get("cursor") or None
    try:
        rows, next_cursor = selectors.list_tickets(
            _me(request), selectors.TicketFilters(cursor=cursor, limit=25)
        )
    except ValidationFailed:
        rows, next_cursor = selectors.list_tickets(_me(request), selectors.TicketFilters(limit=25))
    return render(
        request,
        "portal/home.html",
        {"rows": rows, "next_cursor": next_cursor, "paged": bool(cursor)},
    )


@customer_required
def new(request: HttpRequest) -> HttpResponse:
    """File a complaint on the web channel, with attachments: all of it or nothing."""
    user = _me(request)
    form = PortalComplaintForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                ticket = services.record_complaint(
                    actor=user,
                    data=services.TicketInput(
                        subject=data["subject"],
                        description=data["description"],
                        category=data.get("category") or None,
                    ),
                    files=[
                        services.Upload(upload.name or "", upload)
                        for upload in data.get("attachments") or []
                    ],
                ).ticket
            except ApplicationError as exc:
                apply_error(form, exc, {"file": "attachments"})
                status = exc.status
            else:
                messages.success(
                    request,
                    _("Your complaint is filed as %(reference)s. We will answer here.")
                    % {"reference": ticket.reference},
                )
                return redirect("portal:ticket", reference=ticket.reference)
    return render(request, "portal/new.html", {"form": form}, status=status)


def _load(user: User, reference: str) -> Ticket:
    try:
        return selectors.ticket_for_display(user, reference)
    except NotFound as exc:
        # Someone else's ticket answers exactly like one that does not exist.
        raise Http404(exc.message) from exc


def _page(
    request: HttpRequest,
    ticket: Ticket,
    *,
    bound: tuple[str, forms.Form] | None = None,
    conflict: str = "",
    status: int = 200,
) -> HttpResponse:
    user = _me(request)
    targets = permissions.allowed_moves(user, ticket)
    version = {"version": ticket.version}
    page_forms: dict[str, forms.Form] = {}
    # The customer may always write: on a closed or cancelled ticket the message reopens it
    # or opens a new one that follows it (tickets.services.intake).
    page_forms["reply"] = ReplyForm(prefix="reply")
    if ticket.status not in FINAL_STATUSES:
        page_forms["attach"] = PortalAttachForm(prefix="attach")
    if Status.CLOSED in targets:
        page_forms["confirm"] = VersionForm(prefix="confirm", initial=version)
    if Status.OPEN in targets and ticket.status == Status.RESOLVED:
        page_forms["persists"] = PersistsForm(prefix="persists", initial=version)
    if Status.CANCELLED in targets:
        page_forms["withdraw"] = WithdrawForm(prefix="withdraw", initial=version)
    if bound is not None:
        page_forms[bound[0]] = bound[1]
    context = {
        "ticket": ticket,
        "writing_again": services.what_a_message_does(ticket, reopen_resolved=False),
        "timeline": selectors.timeline(user, ticket),
        "attachments": selectors.ticket_attachments(user, ticket),
        "forms": page_forms,
        "open_form": bound[0] if bound else "",
        "conflict": conflict,
    }
    return render(request, "portal/ticket.html", context, status=status)


@customer_required
def ticket(request: HttpRequest, reference: str) -> HttpResponse:
    return _page(request, _load(_me(request), reference))


# A handler answers what to tell the customer, and the ticket to show them next.
Handler = Callable[[User, Ticket, dict[str, Any]], tuple[str, str]]


def _reply(user: User, ticket: Ticket, data: dict[str, Any]) -> tuple[str, str]:
    customer = Customer.objects.filter(user=user).first()
    if customer is None:
        raise PermissionDenied(_("Your login is not linked to a customer record."))
    received = services.receive_customer_message(
        ticket=ticket,
        customer=customer,
        actor=user,
        body=data["body"],
        channel="web",
        # The portal asks "did it work?" with its own buttons.
        reopen_resolved=False,
    )
    if received.created:
        message = _(
            "Your message is filed as a new complaint, %(reference)s, following %(previous)s."
        ) % {"reference": received.ticket.reference, "previous": ticket.reference}
        return message, received.ticket.reference
    if received.outcome == services.Outcome.REOPENED:
        return _("Your message is sent and the complaint is open again."), ticket.reference
    return _("Your message is sent."), ticket.reference


def _attach(user: User, ticket: Ticket, data: dict[str, Any]) -> tuple[str, str]:
    upload = data["file"]
    add_attachment(
        actor=user,
        reference=ticket.reference,
        file=upload,
        name=upload.name or "",
        note=data.get("note") or "",
    )
    return _("Your file is attached."), ticket.reference


def _move(target: str, done: str) -> Handler:
    def move(user: User, ticket: Ticket, data: dict[str, Any]) -> tuple[str, str]:
        services.transition(
            actor=user,
            reference=ticket.reference,
            data=services.TransitionInput(
                to=target, note=data.get("note") or "", version=data["version"]
            ),
        )
        return done, ticket.reference

    return move


def _actions() -> dict[str, tuple[type[forms.Form], Handler]]:
    return {
        "reply": (ReplyForm, _reply),
        "attach": (PortalAttachForm, _attach),
        "confirm": (
            VersionForm,
            _move(Status.CLOSED, _("Thank you! The ticket is closed.")),
        ),
        "persists": (
            PersistsForm,
            _move(Status.OPEN, _("The ticket is open again; the helpdesk will look at it.")),
        ),
        "withdraw": (
            WithdrawForm,
            _move(Status.CANCELLED, _("Your complaint is withdrawn.")),
        ),
    }


@require_POST
@customer_required
def action(request: HttpRequest, reference: str, name: str) -> HttpResponse:
    user = _me(request)
    ticket = _load(user, reference)
    actions = _actions()
    if name not in actions:
        raise Http404(_("No such action."))
    form_class, handler = actions[name]
    form = form_class(request.POST, request.FILES, prefix=name)
    if not form.is_valid():
        return _page(request, ticket, bound=(name, form), status=400)
    try:
        message, shown = handler(user, ticket, form.cleaned_data)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except ApplicationError as exc:
        fresh = _load(user, reference)
        conflict = ""
        if is_stale_version(exc):
            conflict = _("The helpdesk changed this ticket while you were reading it.")
        else:
            apply_error(form, exc, {"to": "note"})
        return _page(request, fresh, bound=(name, form), conflict=conflict, status=exc.status)
    messages.success(request, message)
    return redirect(reverse("portal:ticket", kwargs={"reference": shown}) + "#timeline")


@customer_required
def download(request: HttpRequest, attachment_id: int) -> FileResponse:
    try:
        attachment = selectors.get_visible_attachment(_me(request), attachment_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return download_response(attachment)
