"""Registering a new caller (seed 001 step 4) and correcting their record."""

from __future__ import annotations

import pytest

from aduan.audit.models import AuditEntry
from aduan.customers.models import Customer
from aduan.tests.factories import error_fields

pytestmark = pytest.mark.django_db


def test_a_registered_caller_is_stored_with_a_canonical_number_and_audited(api, org):
    response = api("agent").post(
        "/customers",
        {
            "name": "Ibu Sri Rahayu",
            "phone": "0813 2222 3333",
            "email": "  Sri.Rahayu@Sekolah.SCH.id ",
            "organisation_name": "SMP Negeri 2 Solo",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["phone"] == "+6281322223333"
    assert body["phone_display"] == "0813-2222-3333"
    assert body["email"] == "sri.rahayu@sekolah.sch.id"
    customer = Customer.objects.get(pk=body["id"])
    assert customer.created_by == org.user("agent")
    entry = AuditEntry.objects.get(object_type="customers.customer", object_id=str(customer.pk))
    assert entry.action == "customer.created"
    assert entry.actor == org.user("agent")
    assert entry.changes["phone"] == [None, "+6281322223333"]


def test_a_caller_with_only_an_email_address_can_be_registered(api, org):
    response = api("agent").post("/customers", {"name": "Pak Budi", "email": "budi@contoh.id"})
    assert response.status_code == 201, response.content
    assert response.json()["phone"] == ""


def test_a_caller_needs_a_phone_number_or_an_email_address(api, org):
    before = Customer.objects.count()
    response = api("agent").post("/customers", {"name": "Tanpa Kontak"})
    assert response.status_code == 400
    assert error_fields(response) == ["phone"]
    assert Customer.objects.count() == before


@pytest.mark.parametrize("spelling", ["0812-3456-7890", "+62 812 3456 7890", "6281234567890"])
def test_a_number_already_registered_in_any_spelling_is_refused_with_the_existing_customer(
    api, org, spelling
):
    before = Customer.objects.count()
    response = api("agent").post("/customers", {"name": "Alice Lagi", "phone": spelling})
    assert response.status_code == 409, response.content
    assert error_fields(response) == ["phone"]
    assert response.json()["existing_customer_id"] == org.alice.pk
    assert Customer.objects.count() == before


def test_an_email_already_registered_is_refused_whatever_its_case(api, org):
    response = api("agent").post("/customers", {"name": "Bob Lagi", "email": org.bob.email.upper()})
    assert response.status_code == 409
    assert error_fields(response) == ["email"]
    assert response.json()["existing_customer_id"] == org.bob.pk


def test_staff_correct_a_customers_number_and_the_change_is_audited(api, org):
    response = api("agent").patch(
        f"/customers/{org.bob.pk}", {"phone": "0812-9999-0000", "is_verified": True}
    )
    assert response.status_code == 200, response.content
    org.bob.refresh_from_db()
    assert org.bob.phone == "+6281299990000"
    assert org.bob.is_verified is True
    assert org.bob.verified_at is not None
    entry = AuditEntry.objects.filter(action="customer.updated", object_id=str(org.bob.pk)).get()
    assert entry.changes["phone"] == ["+62217418780", "+6281299990000"]
    assert entry.changes["is_verified"] == [False, True]


def test_moving_a_number_onto_a_customer_who_already_has_it_elsewhere_is_refused(api, org):
    response = api("agent").patch(f"/customers/{org.bob.pk}", {"phone": "081234567890"})
    assert response.status_code == 409
    assert error_fields(response) == ["phone"]
    org.bob.refresh_from_db()
    assert org.bob.phone == "+62217418780"


@pytest.mark.parametrize("role", ["alice", "division", "verificator"])
def test_only_front_line_staff_register_or_change_customers(api, org, role):
    client = api(role)
    before = Customer.objects.count()
    assert client.post("/customers", {"name": "X", "phone": "0856-1234-5678"}).status_code == 403
    assert client.patch(f"/customers/{org.alice.pk}", {"name": "Y"}).status_code == 403
    assert Customer.objects.count() == before
    org.alice.refresh_from_db()
    assert org.alice.name == "Alice Wijaya"
