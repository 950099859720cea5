"""The audit log (ISO 9001 records): every change leaves an entry with who, what, before and
after, and the database itself refuses to rewrite or delete an entry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction

from aduan.audit.models import AuditEntry
from aduan.tests.factories import Org, make_ticket, ticket_in_status
from aduan.tickets.models import Forwarding, Ticket

pytestmark = pytest.mark.django_db


def _create_ticket(api, org: Org, ticket: Ticket) -> Any:
    return api("agent").post(
        "/tickets",
        {
            "subject": "Printer rusak",
            "description": "Printer ruang guru tidak bisa mencetak.",
            "customer_id": org.bob.pk,
            "channel": "phone",
        },
    )


def _classify(api, org: Org, ticket: Ticket) -> Any:
    return api("leader").patch(f"/tickets/{ticket.reference}", {"priority": "urgent"})


def _hold(api, org: Org, ticket: Ticket) -> Any:
    return api("agent").post(
        f"/tickets/{ticket.reference}/transition", {"to": "pending", "note": "Tunggu teknisi."}
    )


def _escalate(api, org: Org, ticket: Ticket) -> Any:
    return api("agent2").post(f"/tickets/{ticket.reference}/escalate", {"note": "Ke support."})


def _forward(api, org: Org, ticket: Ticket) -> Any:
    return api("agent").post(
        f"/tickets/{ticket.reference}/forward", {"team": "div-network", "instructions": "Cek."}
    )


def _respond(api, org: Org, ticket: Ticket) -> Any:
    form = Forwarding.objects.create(
        ticket=ticket, team=org.network, instructions="Cek.", created_by=org.user("agent")
    )
    return api("division").post(
        f"/forwardings/{form.pk}/response", {"findings": "Aman.", "solution": "Tidak ada."}
    )


def _reply(api, org: Org, ticket: Ticket) -> Any:
    return api("agent").post(
        f"/tickets/{ticket.reference}/messages", {"body": "Kami cek, Bu.", "channel": "email"}
    )


def _note(api, org: Org, ticket: Ticket) -> Any:
    return api("verificator").post(
        f"/tickets/{ticket.reference}/messages", {"body": "Catatan audit.", "internal": True}
    )


def _customer_message(api, org: Org, ticket: Ticket) -> Any:
    return api("alice").post(f"/tickets/{ticket.reference}/messages", {"body": "Sudah lama."})


def _attach(api, org: Org, ticket: Ticket) -> Any:
    return api("alice").post(
        f"/tickets/{ticket.reference}/attachments",
        files={"file": SimpleUploadedFile("foto.jpg", b"\xff\xd8\xff foto")},
    )


def _register(api, org: Org, ticket: Ticket) -> Any:
    return api("agent").post("/customers", {"name": "Bu Ani", "phone": "0811-2233-4455"})


def _correct_customer(api, org: Org, ticket: Ticket) -> Any:
    return api("coordinator").patch(f"/customers/{org.bob.pk}", {"name": "Bob S."})


# (what is done, who does it, the action recorded, a field and its [before, after])
CHANGES: list[tuple[Callable[..., Any], str, str, str, Callable[[Org, Ticket], list]]] = [
    (_create_ticket, "agent", "ticket.created", "status", lambda o, t: [None, "open"]),
    (
        _classify,
        "leader",
        "ticket.updated",
        "priority",
        lambda o, t: [o.normal.pk, o.urgent.pk],
    ),
    (_hold, "agent", "ticket.status", "status", lambda o, t: ["open", "pending"]),
    (_escalate, "agent2", "ticket.escalated", "tier", lambda o, t: [1, 2]),
    (_forward, "agent", "forwarding.created", "team", lambda o, t: [None, o.network.pk]),
    (_forward, "agent", "ticket.status", "status", lambda o, t: ["open", "forwarded"]),
    (_respond, "division", "forwarding.responded", "status", lambda o, t: [None, "responded"]),
    (_reply, "agent", "ticket.message", "kind", lambda o, t: [None, "reply"]),
    (_note, "verificator", "ticket.message", "kind", lambda o, t: [None, "note"]),
    (_customer_message, "alice", "ticket.message", "kind", lambda o, t: [None, "customer_message"]),
    (_attach, "alice", "attachment.added", "filename", lambda o, t: [None, "foto.jpg"]),
    (_register, "agent", "customer.created", "phone", lambda o, t: [None, "+6281122334455"]),
    (
        _correct_customer,
        "coordinator",
        "customer.updated",
        "name",
        lambda o, t: ["Bob Saputra", "Bob S."],
    ),
]


@pytest.mark.parametrize(
    ("change", "actor", "action", "field", "values"),
    [pytest.param(*row, id=f"{row[0].__name__.strip('_')} {row[2]}") for row in CHANGES],
)
def test_every_change_is_audited_with_actor_action_before_and_after(
    api, org, change, actor, action, field, values
):
    ticket = make_ticket(org)
    last_id = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0

    response = change(api, org, ticket)
    assert response.status_code in (200, 201), response.content

    entries = AuditEntry.objects.filter(id__gt=last_id, action=action)
    assert entries.exists(), list(AuditEntry.objects.filter(id__gt=last_id).values("action"))
    entry = entries.get()
    assert entry.actor_id == org.user(actor).pk
    assert entry.actor_label == actor
    assert entry.at is not None
    assert entry.changes[field] == values(org, ticket)


def test_withdrawing_forms_when_the_ticket_is_resolved_is_audited(api, org):
    ticket = ticket_in_status(org, "forwarded")
    form = Forwarding.objects.get(ticket=ticket)
    api("agent").post(
        f"/tickets/{ticket.reference}/transition",
        {"to": "resolved", "note": "Beres sendiri.", "channel": "phone"},
    )
    entry = AuditEntry.objects.get(action="forwarding.withdrawn", object_id=str(form.pk))
    assert entry.actor == org.user("agent")
    assert entry.changes == {"status": ["sent", "withdrawn"]}


def test_a_ticket_entry_names_the_object_it_changed(api, org):
    ticket = make_ticket(org)
    entry = AuditEntry.objects.get(action="ticket.created", object_id=str(ticket.pk))
    assert entry.object_type == "tickets.ticket"
    assert ticket.reference in entry.object_repr


def test_a_change_that_changes_nothing_leaves_no_entry(api, org):
    ticket = make_ticket(org)
    before = AuditEntry.objects.count()
    response = api("agent").patch(f"/tickets/{ticket.reference}", {"priority": "normal"})
    assert response.status_code == 200
    assert AuditEntry.objects.count() == before


# --- append-only, enforced by the database --------------------------------------------------


@pytest.fixture
def entry(org) -> AuditEntry:
    ticket = make_ticket(org)
    return AuditEntry.objects.get(action="ticket.created", object_id=str(ticket.pk))


def _refused(sql: str, params: list[Any]) -> None:
    # A savepoint, so that PostgreSQL's aborted statement does not poison the test.
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


def test_the_database_refuses_to_update_an_audit_entry(entry):
    _refused("UPDATE audit_auditentry SET action = %s WHERE id = %s", ["forged", entry.pk])
    _refused("UPDATE audit_auditentry SET actor_label = %s", ["someone else"])
    entry.refresh_from_db()
    assert entry.action == "ticket.created"
    assert entry.actor_label == "agent"


def test_the_database_refuses_to_delete_an_audit_entry(entry):
    _refused("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])
    _refused("DELETE FROM audit_auditentry", [])
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_orm_cannot_rewrite_history_either(entry):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(RuntimeError):
        entry.save()
    entry.refresh_from_db()
    assert entry.action == "ticket.created"


def test_new_entries_can_still_be_added(entry):
    before = AuditEntry.objects.count()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditentry "
            "(at, actor_label, action, object_type, object_id, object_repr, changes) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [entry.at, "system", "test.appended", "x.y", "1", "", "{}"],
        )
    assert AuditEntry.objects.count() == before + 1
