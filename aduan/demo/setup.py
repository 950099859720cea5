"""Create the demo organisation through the same code paths the product uses."""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from aduan.accounts.models import Role, User
from aduan.customers.models import Customer
from aduan.customers.services import CustomerInput, register_customer
from aduan.demo import data
from aduan.organisation import selectors as org
from aduan.organisation.models import Category, Channel, Organisation, Priority, Team
from aduan.sla import demo as sla_demo
from aduan.tickets import deadlines, services
from aduan.tickets.models import Forwarding, Status, Ticket

DIVISION_STAFF_PREFIX = "staff-"


def create_structure() -> None:
    """Organisation, teams, categories, priorities and channels (idempotent)."""
    Organisation.objects.get_or_create(
        id=1, defaults={"name": data.ORGANISATION, "reference_prefix": "ADU"}
    )
    teams = {}
    for code, name, kind in data.TEAMS:
        teams[code], _ = Team.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind}
        )
    for code, name, team, technical, _division in data.CATEGORIES:
        Category.objects.get_or_create(
            code=code,
            defaults={"name": name, "default_team": teams[team], "is_technical": technical},
        )
    for code, name, rank, response, resolution, default in data.PRIORITIES:
        Priority.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "rank": rank,
                "response_hours": response,
                "resolution_hours": resolution,
                "is_default": default,
            },
        )
    for code, name, kind in data.CHANNELS:
        Channel.objects.get_or_create(code=code, defaults={"name": name, "kind": kind})
    org.clear_cache()
    sla_demo.create_policies()


def create_people(password: str) -> dict[str, User]:
    users: dict[str, User] = {}
    for username, first, last, role, team_codes in data.PEOPLE:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username=username,
                password=password,
                first_name=first,
                last_name=last,
                role=role,
                email=f"{username}@aduan.example",
                is_staff=role == Role.ADMIN,
                is_superuser=role == Role.ADMIN,
            )
            user.teams.set(Team.objects.filter(code__in=team_codes))
        users[username] = user
    # One person in charge for every other division, so each can answer its forms.
    for code, name, kind in data.TEAMS:
        if kind != "division" or code == "div-network":
            continue
        username = f"{DIVISION_STAFF_PREFIX}{code}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username=username,
                password=password,
                first_name="Staf",
                last_name=name,
                role=Role.DIVISION,
            )
            user.teams.set(Team.objects.filter(code=code))
        users[username] = user
    customer_user = users["customer"]
    if not Customer.objects.filter(user=customer_user).exists():
        customer = register_customer(
            actor=None,
            data=CustomerInput(
                name="Budi Santoso",
                phone="0812-3456-7890",
                email="budi.santoso@contoh.co.id",
                organisation_name="SMA Negeri 1 Malang",
                is_verified=True,
            ),
        )
        customer.user = customer_user
        customer.save(update_fields=["user"])
    return users


def create_customers(count: int, rng: random.Random) -> list[Customer]:
    customers = list(Customer.objects.all())
    index = len(customers)
    while len(customers) < count:
        fake = data.fake_customer(rng, index)
        index += 1
        try:
            with transaction.atomic():
                customer = register_customer(
                    actor=None,
                    data=CustomerInput(
                        name=fake.name,
                        phone=fake.phone,
                        email=fake.email,
                        organisation_name=fake.organisation_name,
                        is_verified=rng.random() < 0.6,
                    ),
                )
        except Exception:  # noqa: S112 - a random duplicate phone: draw another one
            continue
        customers.append(customer)
    return customers


# Final status -> share of demo tickets.
STATUS_MIX: list[tuple[str, float]] = [
    (Status.NEW, 0.06),
    (Status.OPEN, 0.14),
    (Status.IN_PROGRESS, 0.12),
    (Status.FORWARDED, 0.14),
    (Status.PENDING, 0.10),
    (Status.RESOLVED, 0.14),
    (Status.CLOSED, 0.24),
    (Status.CANCELLED, 0.06),
]


def create_tickets(
    count: int,
    users: dict[str, User],
    customers: list[Customer],
    rng: random.Random,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Tickets walked through the real services to every status, with their timelines."""
    statuses = [s for s, _ in STATUS_MIX]
    weights = [w for _, w in STATUS_MIX]
    division_of = {code: division for code, _n, _t, _tech, division in data.CATEGORIES}
    staff = [users["agent"], users["leader"], users["coordinator"]]
    customer_user = users["customer"]
    portal_customer = Customer.objects.get(user=customer_user)
    channels = [code for code, _n, kind in data.CHANNELS if kind not in ("web", "email")]
    now = timezone.now()
    made = 0
    while made < count:
        with transaction.atomic():
            for _ in range(min(200, count - made)):
                _one_ticket(
                    rng,
                    statuses,
                    weights,
                    division_of,
                    staff,
                    users,
                    customers,
                    portal_customer,
                    channels,
                    now,
                )
                made += 1
        if progress:
            progress(made)
    # Demo tickets whose timers ran out in the invented past keep none: they show as breached,
    # but the sweep does not escalate the whole history the moment the demo starts.
    Ticket.objects.filter(sla_next_check_at__lt=timezone.now()).update(sla_next_check_at=None)
    return made


def _one_ticket(
    rng: random.Random,
    statuses: list[str],
    weights: list[float],
    division_of: dict[str, str],
    staff: list[User],
    users: dict[str, User],
    customers: list[Customer],
    portal_customer: Customer,
    channels: list[str],
    now: datetime.datetime,
) -> None:
    target = rng.choices(statuses, weights)[0]
    category, subject, description = data.fake_complaint(rng)
    priority = rng.choice(["critical", "high", "normal", "normal", "normal", "low"])
    received = now - datetime.timedelta(minutes=rng.randint(5, 60 * 24 * 45))
    agent = rng.choice(staff)
    if target == Status.NEW or (target == Status.CANCELLED and rng.random() < 0.3):
        customer_user = users["customer"]
        if rng.random() < 0.2:
            actor, customer_id, channel = customer_user, None, "web"
        else:
            actor, customer_id, channel = agent, rng.choice(customers).pk, "email"
        ticket = services.create_ticket(
            actor=actor,
            data=services.TicketInput(
                subject=subject,
                description=description,
                customer_id=customer_id,
                channel=channel,
                category=category,
                priority=None if actor.role == Role.CUSTOMER else priority,
            ),
        )
        if actor.role != Role.CUSTOMER:
            # Mail arrives as "new" in the real product; the demo writes it that way.
            Ticket.objects.filter(pk=ticket.pk).update(status=Status.NEW)
        _backdate(ticket, received)
        if target == Status.CANCELLED:
            services.transition(
                actor=actor if actor.role == Role.CUSTOMER else agent,
                reference=ticket.reference,
                data=services.TransitionInput(
                    to=Status.CANCELLED, note="Pelapor membatalkan laporan."
                ),
            )
        return
    customer = portal_customer if rng.random() < 0.02 else rng.choice(customers)
    ticket = services.create_ticket(
        actor=agent,
        data=services.TicketInput(
            subject=subject,
            description=description,
            customer_id=customer.pk,
            channel=rng.choice(channels),
            category=category,
            priority=priority,
            assignee_id=agent.pk if rng.random() < 0.7 else None,
        ),
    )
    _backdate(ticket, received)
    ref = ticket.reference
    if rng.random() < 0.4:
        services.add_message(actor=agent, reference=ref, body=rng.choice(data.REPLIES))
    if rng.random() < 0.3:
        services.add_message(actor=agent, reference=ref, body=rng.choice(data.NOTES), internal=True)
    if target == Status.OPEN:
        _maybe_escalate(rng, agent, ref)
        return
    if target == Status.CANCELLED:
        services.transition(
            actor=agent,
            reference=ref,
            data=services.TransitionInput(
                to=Status.CANCELLED, note="Pelapor tidak jadi melaporkan permasalahannya."
            ),
        )
        return
    if target == Status.PENDING:
        _maybe_escalate(rng, agent, ref)
        services.transition(
            actor=agent,
            reference=ref,
            data=services.TransitionInput(to=Status.PENDING, note=rng.choice(data.PENDING_REASONS)),
        )
        return
    division = division_of[category]
    forwarded = target == Status.FORWARDED or rng.random() < 0.6
    if forwarded:
        services.transition(
            actor=agent,
            reference=ref,
            data=services.TransitionInput(
                to=Status.FORWARDED, team=division, note="Mohon diperiksa dan diberikan solusinya."
            ),
        )
        if target == Status.FORWARDED:
            return
        responder = users.get(f"{DIVISION_STAFF_PREFIX}{division}") or users["division"]
        forwarding = Forwarding.objects.filter(ticket__reference=ref).latest("id")
        services.respond_to_forwarding(
            actor=responder,
            forwarding_id=forwarding.pk,
            data=services.DivisionResponse(
                findings=rng.choice(data.FINDINGS),
                solution=rng.choice(data.SOLUTIONS),
                user_steps=rng.choice(data.STEPS) if rng.random() < 0.5 else "",
            ),
        )
    else:
        services.transition(
            actor=agent, reference=ref, data=services.TransitionInput(to=Status.IN_PROGRESS)
        )
    if target == Status.IN_PROGRESS:
        _maybe_escalate(rng, agent, ref)
        return
    services.transition(
        actor=agent,
        reference=ref,
        data=services.TransitionInput(
            to=Status.RESOLVED,
            note=rng.choice(data.SOLUTIONS),
            channel=rng.choice(["phone", "email", "letter", "verbal"]),
        ),
    )
    if target == Status.RESOLVED:
        return
    if rng.random() < 0.1:
        # The problem persists (seed 000 1.3.4), then is solved again.
        services.transition(
            actor=agent,
            reference=ref,
            data=services.TransitionInput(
                to=Status.OPEN, note="Pelanggan melaporkan masalah masih terjadi."
            ),
        )
        services.transition(
            actor=agent,
            reference=ref,
            data=services.TransitionInput(
                to=Status.RESOLVED, note=rng.choice(data.SOLUTIONS), channel="phone"
            ),
        )
    services.transition(actor=agent, reference=ref, data=services.TransitionInput(to=Status.CLOSED))


def _maybe_escalate(rng: random.Random, agent: User, reference: str) -> None:
    roll = rng.random()
    if roll < 0.15:
        services.escalate(
            actor=agent, reference=reference, note="Tidak dapat diselesaikan di lini depan."
        )
        if roll < 0.04:
            services.escalate(
                actor=agent, reference=reference, note="Belum terselesaikan oleh tim pendukung."
            )


def _backdate(ticket: Ticket, received: datetime.datetime) -> None:
    # Due times as the service-level policy counts them from the backdated arrival.
    ticket.received_at = received
    ticket.save(update_fields=["received_at", *deadlines.start(ticket)])
