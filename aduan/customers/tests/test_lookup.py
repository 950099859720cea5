"""Caller lookup (seed 001 steps 2-5): any local spelling of a number finds the same caller,
and a known caller comes with the tickets still being worked on."""

from __future__ import annotations

import pytest

from aduan.tests.factories import CustomerFactory, make_ticket, ticket_in_status

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "typed",
    ["0812-3456-7890", "+62 812 3456 7890", "6281234567890", "081234567890", "+6281234567890"],
)
def test_every_local_spelling_of_a_mobile_number_finds_the_same_caller(api, org, typed):
    response = api("agent").get("/customers", {"phone": typed})
    assert response.status_code == 200, response.content
    assert [c["id"] for c in response.json()] == [org.alice.pk]


@pytest.mark.parametrize("typed", ["(021) 7418780", "021-7418780", "0217418780", "+62 21 7418780"])
def test_every_local_spelling_of_a_landline_number_finds_the_same_caller(api, org, typed):
    response = api("agent").get("/customers", {"phone": typed})
    assert response.status_code == 200, response.content
    assert [c["id"] for c in response.json()] == [org.bob.pk]


def test_a_number_nobody_registered_finds_nobody(api, org):
    response = api("agent").get("/customers", {"phone": "0899-0000-1111"})
    assert response.status_code == 200
    assert response.json() == []


@pytest.mark.parametrize("typed", ["not a number", "12", "0812" * 20])
def test_something_that_is_not_a_phone_number_finds_nobody_rather_than_failing(api, org, typed):
    response = api("agent").get("/customers", {"phone": typed[:40]})
    assert response.status_code == 200
    assert response.json() == []


def test_a_known_caller_comes_with_the_tickets_still_being_worked_on_and_no_others(api, org):
    open_one = ticket_in_status(org, "open")
    pending = ticket_in_status(org, "pending")
    forwarded = ticket_in_status(org, "forwarded")
    closed = ticket_in_status(org, "closed")
    cancelled = ticket_in_status(org, "cancelled")
    someone_elses = make_ticket(org, customer=org.bob)

    [alice] = api("agent").get("/customers", {"phone": "081234567890"}).json()
    listed = {t["reference"]: t["status"] for t in alice["open_tickets"]}
    assert listed == {
        open_one.reference: "open",
        pending.reference: "pending",
        forwarded.reference: "forwarded",
    }
    assert closed.reference not in listed
    assert cancelled.reference not in listed
    assert someone_elses.reference not in listed


def test_the_customer_detail_also_lists_open_tickets(api, org):
    ticket = make_ticket(org, customer=org.bob)
    response = api("agent").get(f"/customers/{org.bob.pk}")
    assert response.status_code == 200
    assert [t["reference"] for t in response.json()["open_tickets"]] == [ticket.reference]
    assert response.json()["phone_display"] == "(021) 7418780"


def test_callers_are_also_found_by_email_and_by_part_of_their_name(api, org):
    agent = api("agent")
    by_email = agent.get("/customers", {"email": org.alice.email.upper()})
    assert [c["id"] for c in by_email.json()] == [org.alice.pk]
    by_name = agent.get("/customers", {"q": "saputra"})
    assert [c["id"] for c in by_name.json()] == [org.bob.pk]


def test_a_lookup_costs_the_same_number_of_queries_however_many_customers_match(
    api, org, django_assert_max_num_queries
):
    agent = api("agent")
    for _ in range(15):
        customer = CustomerFactory(organisation_name="SMK Telkom")
        make_ticket(org, customer=customer)
    with django_assert_max_num_queries(4):
        response = agent.get("/customers", {"q": "SMK Telkom"})
    assert len(response.json()) == 15
    assert all(len(c["open_tickets"]) == 1 for c in response.json())


@pytest.mark.parametrize("role", ["alice", "division", "verificator"])
def test_only_front_line_staff_may_look_up_customers(api, org, role):
    client = api(role)
    assert client.get("/customers", {"phone": "081234567890"}).status_code == 403
    assert client.get(f"/customers/{org.alice.pk}").status_code == 403


def test_a_customer_reads_their_own_record_and_nobody_elses(api, org):
    mine = api("alice").get("/customers/me")
    assert mine.status_code == 200
    assert mine.json()["id"] == org.alice.pk
    assert api("agent").get("/customers/me").status_code == 404


def test_a_callers_open_tickets_come_newest_first_with_what_the_lookup_shows(api, org):
    older = make_ticket(org, subject="Pertama")
    newer = ticket_in_status(org, "pending")
    [alice] = api("agent").get("/customers", {"phone": "081234567890"}).json()
    assert [t["reference"] for t in alice["open_tickets"]] == [newer.reference, older.reference]
    assert alice["open_tickets"][1] == {
        "reference": older.reference,
        "subject": "Pertama",
        "status": "open",
        "tier": 1,
        "received_at": alice["open_tickets"][1]["received_at"],
    }
    assert alice["open_tickets"][1]["received_at"].startswith(str(older.received_at.year))
