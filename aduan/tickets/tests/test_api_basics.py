from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_an_agent_records_a_phone_complaint_and_reads_it_back(api, org):
    agent = api("agent")
    response = agent.post(
        "/tickets",
        {
            "subject": "Internet mati",
            "description": "Lab komputer tidak bisa internet.",
            "customer_id": org.alice.pk,
            "channel": "phone",
            "category": "network",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reference"].startswith("ADU-")
    assert body["status"] == "open"
    assert body["team"]["code"] == "helpdesk"
    assert body["is_technical"] is True
    assert "resolved" in body["allowed_transitions"]

    detail = agent.get(f"/tickets/{body['reference']}")
    assert detail.status_code == 200
    assert detail.json()["customer"]["name"] == "Alice Wijaya"


def test_without_a_token_the_api_answers_401(api, org):
    response = api().get("/tickets")
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]


def test_a_customer_cannot_set_the_priority_of_their_own_complaint(api, org):
    response = api("alice").post(
        "/tickets",
        {
            "subject": "Tagihan ganda",
            "description": "Saya ditagih dua kali.",
            "priority": "urgent",
        },
    )
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["priority"]
