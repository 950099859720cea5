"""The published OpenAPI document: operation ids are what clients are generated with."""

from __future__ import annotations

from collections import Counter

from django.test import Client


def _operations() -> list[tuple[str, str, str]]:
    document = Client().get("/api/v1/openapi.json").json()
    return [
        (path, method, operation["operationId"])
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]


def test_every_operation_id_is_unique() -> None:
    counts = Counter(operation_id for _path, _method, operation_id in _operations())
    assert [name for name, count in counts.items() if count > 1] == []


def test_an_api_split_into_modules_keeps_its_app_operation_ids() -> None:
    # aduan/care/api/ is a package of one module per procedure; its ids name the app's API.
    ids = {(path, method): operation_id for path, method, operation_id in _operations()}
    assert ids[("/api/v1/tickets/{reference}/hard-complaint/follow-ups", "post")] == (
        "aduan_care_api_follow_up"
    )
    assert ids[("/api/v1/special-actions/{action_id}/decision", "post")] == (
        "aduan_care_api_decide"
    )
    assert ids[("/api/v1/tickets", "post")] == "aduan_tickets_api_create_ticket"
