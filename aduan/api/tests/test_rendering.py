"""aduan.api.rendering gives the answers django-ninja would give, and says so when it cannot."""

from __future__ import annotations

import datetime
import decimal
import json
from typing import Any, Literal

import pytest
from django.test import RequestFactory
from ninja import Schema
from pydantic import Field

from aduan.api import rendering


class Inner(Schema):
    code: str
    name: str


class Outer(Schema):
    id: int
    label: str
    when: datetime.datetime
    maybe: datetime.datetime | None
    inner: Inner
    optional_inner: Inner | None
    inners: list[Inner]
    tags: list[str]
    data: dict[str, Any]
    kind: Literal["a", "b"]
    extra: str | None = Field(None)
    shout: str

    @staticmethod
    def resolve_shout(obj: Any) -> str:
        return str(obj.label).upper()


class Thing:
    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)


def _thing(**changes: Any) -> Thing:
    values: dict[str, Any] = {
        "id": 7,
        "label": "lab",
        "when": datetime.datetime(2026, 5, 1, 9, 0, 0, 123456, tzinfo=datetime.UTC),
        "maybe": None,
        "inner": Thing(code="a", name="A"),
        "optional_inner": None,
        "inners": [{"code": "b", "name": "B"}, Thing(code="c", name="C")],
        "tags": ("x", "y"),
        "data": {"n": 1},
        "kind": "a",
    }
    values.update(changes)
    return Thing(**values)


def _ninja(schema: Any, obj: Any) -> Any:
    from pydantic import TypeAdapter

    adapter: TypeAdapter[Any] = TypeAdapter(schema)
    from ninja.responses import NinjaJSONEncoder

    return json.loads(
        json.dumps(adapter.dump_python(adapter.validate_python(obj)), cls=NinjaJSONEncoder)
    )


def test_same_json_as_django_ninja(settings: Any) -> None:
    settings.ADUAN_VERIFY_RENDERING = True
    request = RequestFactory().get("/api/v1/x")
    things = [_thing(), _thing(maybe=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))]
    response = rendering.render(request, list[Outer], things)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = json.loads(response.content)
    assert body == _ninja(list[Outer], things)
    assert list(body[0]) == list(Outer.model_fields)  # the schema's field order
    assert body[0]["when"] == "2026-05-01T09:00:00.123Z"  # Django's JSON format for times
    assert body[0]["shout"] == "LAB"
    assert body[0]["extra"] is None


def test_status_and_single_object(settings: Any) -> None:
    settings.ADUAN_VERIFY_RENDERING = True
    response = rendering.render(RequestFactory().post("/"), Outer, _thing(), status=201)
    assert response.status_code == 201
    assert json.loads(response.content) == _ninja(Outer, _thing())


def test_verification_catches_a_value_pydantic_would_convert(settings: Any) -> None:
    # pydantic turns "7" into 7 for an int field; this walk does not convert values, and the
    # check in the test suite notices.
    settings.ADUAN_VERIFY_RENDERING = True
    with pytest.raises(AssertionError, match="rendering differs"):
        rendering.render(RequestFactory().get("/"), Outer, _thing(id="7"))


def test_missing_required_field_is_an_error(settings: Any) -> None:
    settings.ADUAN_VERIFY_RENDERING = False
    thing = _thing()
    del thing.__dict__["label"]
    with pytest.raises((ValueError, AttributeError)):
        rendering.render(RequestFactory().get("/"), Outer, thing)


def test_unsupported_types_are_refused_up_front() -> None:
    class Money(Schema):
        amount: decimal.Decimal

    with pytest.raises(TypeError, match="unsupported type"):
        rendering.dump(Money, {"amount": decimal.Decimal("1.5")}, request=RequestFactory().get("/"))


def test_the_ninja_version_it_mirrors_is_the_one_installed():
    # rendering copies django-ninja 1.7's serialisation; a new minor version may change
    # DjangoGetter, so an upgrade must come with a look at rendering.py (pyproject pins it).
    import ninja

    assert ninja.__version__.startswith("1.7."), ninja.__version__
