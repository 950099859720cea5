"""The caller desk (seed 001 steps 1-11): look the caller up by phone, register them if they
are new, then record the complaint with its outcome, all from the keyboard."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from aduan.accounts.models import User
from aduan.console.access import actor, front_staff_required
from aduan.console.forms import ComplaintForm, LookupForm, RegisterCallerForm
from aduan.core.errors import ApplicationError, ValidationFailed
from aduan.core.web import apply_error, is_htmx
from aduan.customers import selectors as customer_selectors
from aduan.customers import services as customer_services
from aduan.customers.models import Customer
from aduan.customers.phones import InvalidPhoneNumber, normalise_phone
from aduan.tickets import selectors as ticket_selectors
from aduan.tickets import services as ticket_services
from aduan.tickets.models import Status, Ticket


def _lookup(query: str) -> tuple[list[Customer], str]:
    """Customers matching what the agent typed, and the phone number it was, if it was one."""
    text = query.strip()
    if not text:
        return [], ""
    phone = ""
    if "@" in text:
        customers = customer_selectors.search_customers(email=text)
    elif any(ch.isdigit() for ch in text) and not any(ch.isalpha() for ch in text):
        try:
            phone = normalise_phone(text)
        except InvalidPhoneNumber:
            phone = ""
        customers = customer_selectors.search_customers(phone=text)
    else:
        customers = customer_selectors.search_customers(text=text)
    found = list(ticket_selectors.with_open_tickets(customers)[: customer_selectors.LOOKUP_LIMIT])
    for customer in found:
        tickets = getattr(customer, "open_tickets", [])
        customer.has_pending = any(t.status == Status.PENDING for t in tickets)  # type: ignore[attr-defined]
    return found, phone


@front_staff_required
def desk(request: HttpRequest) -> HttpResponse:
    form = LookupForm(request.GET or None)
    customers: list[Customer] = []
    looked_up = False
    phone = ""
    status = 200
    if form.is_bound and form.is_valid() and form.cleaned_data["q"]:
        looked_up = True
        try:
            customers, phone = _lookup(form.cleaned_data["q"])
        except ValidationFailed as exc:
            apply_error(form, exc, {"q": "q", "email": "q", "phone": "q"})
            status = 400
    if looked_up:
        # The keyboard goes on to the result (new complaint, or the registration form).
        form.fields["q"].widget.attrs.pop("autofocus", None)
    register = None
    if looked_up and not customers:
        query = form.cleaned_data["q"].strip()
        initial: dict[str, Any] = {"phone": query} if phone else {}
        if "@" in query:
            initial = {"email": query}
        register = RegisterCallerForm(initial=initial)
    context = {
        "form": form,
        "customers": customers,
        "looked_up": looked_up,
        "register": register,
        "query": form.cleaned_data.get("q", "") if form.is_bound and form.is_valid() else "",
    }
    template = "console/desk/_result.html" if is_htmx(request) else "console/desk/desk.html"
    return render(request, template, context, status=status)


@front_staff_required
def register(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("console:desk")
    form = RegisterCallerForm(request.POST)
    status = 400
    existing: Customer | None = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            customer = customer_services.register_customer(
                actor=actor(request),
                data=customer_services.CustomerInput(
                    name=data["name"],
                    phone=data["phone"] or None,
                    email=data["email"] or None,
                    organisation_name=data["organisation_name"] or None,
                    customer_number=data["customer_number"] or None,
                    address=data["address"] or None,
                ),
            )
        except ApplicationError as exc:
            apply_error(form, exc)
            status = exc.status
            existing_id = exc.extra.get("existing_customer_id")
            if existing_id:
                existing = Customer.objects.filter(pk=existing_id).first()
        else:
            messages.success(
                request,
                _("%(name)s is registered. Now record the complaint.") % {"name": customer.name},
            )
            return redirect("console:complaint", customer_id=customer.pk)
    context = {
        "form": LookupForm(),
        "register": form,
        "looked_up": True,
        "customers": [],
        "existing": existing,
    }
    return render(request, "console/desk/desk.html", context, status=status)


def _customer(customer_id: int) -> Customer:
    customer = ticket_selectors.with_open_tickets(Customer.objects.filter(pk=customer_id)).first()
    if customer is None:
        raise Http404(_("No customer %(id)s.") % {"id": customer_id})
    return customer


@front_staff_required
def complaint(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Record the caller's complaint, its attachments and what came of the call, in one go:
    if any part is refused nothing is recorded and the form says why beside the field."""
    customer = _customer(customer_id)
    user = actor(request)
    form = ComplaintForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                ticket = _record(user, customer, data)
            except ApplicationError as exc:
                apply_error(form, exc, {"file": "attachments"})
                status = exc.status
            else:
                messages.success(
                    request,
                    _("Ticket %(reference)s is recorded (%(status)s).")
                    % {"reference": ticket.reference, "status": ticket.get_status_display()},
                )
                return redirect("console:ticket", reference=ticket.reference)
    back = reverse("console:desk") + "?" + urlencode({"q": customer.phone or customer.email})
    context = {"form": form, "customer": customer, "back": back}
    return render(request, "console/desk/complaint.html", context, status=status)


def _record(user: User, customer: Customer, data: dict[str, Any]) -> Ticket:
    recorded = ticket_services.record_complaint(
        actor=user,
        data=ticket_services.TicketInput(
            subject=data["subject"],
            description=data["description"],
            channel=data["channel"],
            customer_id=customer.pk,
            category=data.get("category") or None,
            priority=data.get("priority") or None,
            received_at=data.get("received_at"),
        ),
        files=[
            ticket_services.Upload(upload.name or "", upload)
            for upload in data.get("attachments") or []
        ],
        outcome=data["outcome"],
        note=data.get("note") or "",
    )
    return recorded.ticket
