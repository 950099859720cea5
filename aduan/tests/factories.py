"""Factories for every model, and one standard organisation for tests.

``build_organisation()`` makes what most tests need: a helpdesk, a support team, management,
two divisions, categories, priorities, channels, one login per role (password ``pw``) and two
customers with portal logins.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import factory
from factory.django import DjangoModelFactory

from aduan.accounts.models import Role, User
from aduan.customers.models import Customer
from aduan.organisation.models import (
    Category,
    Channel,
    ChannelKind,
    Organisation,
    Priority,
    Team,
    TeamKind,
)
from aduan.tickets import services
from aduan.tickets.models import Ticket


class TeamFactory(DjangoModelFactory[Team]):
    class Meta:
        model = Team
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"team-{n}")
    name = factory.LazyAttribute(lambda o: o.code.title())
    kind = TeamKind.HELPDESK


class CategoryFactory(DjangoModelFactory[Category]):
    class Meta:
        model = Category
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"category-{n}")
    name = factory.LazyAttribute(lambda o: o.code.title())
    is_technical = False


class PriorityFactory(DjangoModelFactory[Priority]):
    class Meta:
        model = Priority
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"priority-{n}")
    name = factory.LazyAttribute(lambda o: o.code.title())
    rank = 3
    response_hours = 4
    resolution_hours = 72


class ChannelFactory(DjangoModelFactory[Channel]):
    class Meta:
        model = Channel
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"channel-{n}")
    name = factory.LazyAttribute(lambda o: o.code.title())
    kind = ChannelKind.PHONE


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="id_ID")
    last_name = factory.Faker("last_name", locale="id_ID")
    role = Role.AGENT
    password = factory.django.Password("pw")

    @factory.post_generation
    def teams(self, create: bool, extracted: list[Team] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.teams.set(extracted)


class CustomerFactory(DjangoModelFactory[Customer]):
    class Meta:
        model = Customer

    name = factory.Faker("name", locale="id_ID")
    phone = factory.Sequence(lambda n: f"+62812{n:08d}")
    email = factory.Sequence(lambda n: f"customer{n}@contoh.co.id")
    organisation_name = "SMA Negeri 1 Malang"


@dataclass
class Org:
    helpdesk: Team
    support: Team
    management: Team
    network: Team
    finance: Team
    network_category: Category
    billing_category: Category
    normal: Priority
    urgent: Priority
    phone: Channel
    web: Channel
    email: Channel
    users: dict[str, User]
    alice: Customer
    bob: Customer

    def user(self, name: str) -> User:
        return self.users[name]


def build_organisation() -> Org:
    Organisation.objects.get_or_create(id=1, defaults={"name": "Test", "reference_prefix": "ADU"})
    helpdesk = TeamFactory(code="helpdesk", kind=TeamKind.HELPDESK)
    support = TeamFactory(code="support", kind=TeamKind.SUPPORT)
    management = TeamFactory(code="management", kind=TeamKind.MANAGEMENT)
    network = TeamFactory(code="div-network", kind=TeamKind.DIVISION)
    finance = TeamFactory(code="div-finance", kind=TeamKind.DIVISION)
    users = {
        "admin": UserFactory(username="admin", role=Role.ADMIN),
        "agent": UserFactory(username="agent", role=Role.AGENT, teams=[helpdesk]),
        "agent2": UserFactory(username="agent2", role=Role.AGENT, teams=[helpdesk]),
        "leader": UserFactory(username="leader", role=Role.LEADER, teams=[helpdesk]),
        "support": UserFactory(username="support", role=Role.AGENT, teams=[support]),
        "division": UserFactory(username="division", role=Role.DIVISION, teams=[network]),
        "finance": UserFactory(username="finance", role=Role.DIVISION, teams=[finance]),
        "coordinator": UserFactory(username="coordinator", role=Role.COORDINATOR),
        "verificator": UserFactory(username="verificator", role=Role.VERIFICATOR),
        "director": UserFactory(username="director", role=Role.DIRECTOR, teams=[management]),
        "alice": UserFactory(username="alice", role=Role.CUSTOMER),
        "bob": UserFactory(username="bob", role=Role.CUSTOMER),
    }
    alice = CustomerFactory(name="Alice Wijaya", phone="+6281234567890", user=users["alice"])
    bob = CustomerFactory(name="Bob Saputra", phone="+62217418780", user=users["bob"])
    return Org(
        helpdesk=helpdesk,
        support=support,
        management=management,
        network=network,
        finance=finance,
        network_category=CategoryFactory(code="network", default_team=helpdesk, is_technical=True),
        billing_category=CategoryFactory(code="billing", default_team=helpdesk),
        normal=PriorityFactory(code="normal", rank=3, is_default=True),
        urgent=PriorityFactory(code="urgent", rank=1, response_hours=1, resolution_hours=8),
        phone=ChannelFactory(code="phone", kind=ChannelKind.PHONE),
        web=ChannelFactory(code="web", kind=ChannelKind.WEB),
        email=ChannelFactory(code="email", kind=ChannelKind.EMAIL),
        users=users,
        alice=alice,
        bob=bob,
    )


def make_ticket(
    org: Org, *, actor: str = "agent", customer: Customer | None = None, **fields: Any
) -> Ticket:
    """A ticket recorded through the service, as an agent on the phone would."""
    values: dict[str, Any] = {
        "subject": "Internet mati",
        "description": "Koneksi internet di lab komputer mati sejak pagi.",
        "channel": "phone",
        "category": "network",
        "customer_id": (customer or org.alice).pk,
    }
    values.update(fields)
    return services.create_ticket(actor=org.user(actor), data=services.TicketInput(**values))


# --- tickets in a given state, and reading API errors (added for the lifecycle suite) ------


def file_on_portal(org: Org, customer: str = "alice", **fields: Any) -> Ticket:
    """A complaint a customer filed themselves on the portal (status ``new``)."""
    values: dict[str, Any] = {
        "subject": "Tidak bisa login e-learning",
        "description": "Sejak kemarin akun saya tidak bisa masuk ke e-learning.",
    }
    values.update(fields)
    return services.create_ticket(actor=org.user(customer), data=services.TicketInput(**values))


def ticket_in_status(
    org: Org, status: str, *, customer: Customer | None = None, actor: str = "agent"
) -> Ticket:
    """A ticket driven through the services into ``status``, the way staff would get it there."""
    if status == "new":
        owner = customer or org.alice
        assert owner.user is not None, "only customers with a portal login file 'new' tickets"
        return file_on_portal(org, owner.user.username)
    ticket = make_ticket(org, actor=actor, customer=customer)
    steps: dict[str, list[services.TransitionInput]] = {
        "open": [],
        "in_progress": [services.TransitionInput(to="in_progress")],
        "forwarded": [
            services.TransitionInput(to="forwarded", team="div-network", note="Cek jaringan.")
        ],
        "pending": [services.TransitionInput(to="pending", note="Menunggu suku cadang.")],
        "resolved": [
            services.TransitionInput(to="resolved", note="Router diganti.", channel="phone")
        ],
        "closed": [
            services.TransitionInput(to="resolved", note="Router diganti.", channel="phone"),
            services.TransitionInput(to="closed"),
        ],
        "cancelled": [services.TransitionInput(to="cancelled")],
    }
    for step in steps[status]:
        ticket = services.transition(actor=org.user(actor), reference=ticket.reference, data=step)
    ticket.refresh_from_db()
    assert ticket.status == status
    return ticket


def error_fields(response: Any) -> list[str]:
    """The ``field`` of every entry in an API error answer's ``errors`` list."""
    body = response.json()
    return [error["field"] for error in body.get("errors") or []]
