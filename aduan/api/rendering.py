"""Rendering the hot endpoints' answers without django-ninja's validation of every object.

django-ninja turns a view's result into JSON by validating it against the response schema:
each nested object goes through its ``DjangoGetter`` and a Python wrap validator, and each
field through ``__getattr__``. For a page of 25 tickets that is about 170 validator calls
and 900 attribute look-ups, more than the page costs to read from the database
(docs/performance.md). The values themselves are already of the declared types: they come
from the models and from the schema's own resolvers.

It serves the two hot reads only, where it pays (``bench/rendering.py``, CPU per answer):
the ticket list's page of 25 rows, 0.8 ms instead of 3.4 ms (a page costs 5.5-7.5 ms in
all), and the caller look-up, 0.2 ms instead of 0.9 ms. Creating a ticket renders the
normal way: there it would save 0.1 ms of 8-10 ms.

``render`` walks the same schema (field order, resolvers, nested schemas, the same
conversions as ``DjangoGetter``) and hands the result to the API's own JSON renderer, so
the bytes are the ones django-ninja would send. The schema stays the documented answer in
the OpenAPI document. With ``ADUAN_VERIFY_RENDERING`` on (the test suite) every answer is
also validated the django-ninja way and compared, and a difference is an error.
"""

from __future__ import annotations

import datetime
import json
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Manager, QuerySet
from django.db.models.fields.files import FieldFile
from django.http import HttpRequest, HttpResponse
from ninja import Schema
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder

_MISSING = object()
_RENDERER = JSONRenderer()
_CONTENT_TYPE = f"{_RENDERER.media_type}; charset={_RENDERER.charset}"
# Values of these exact classes are never converted by ``DjangoGetter`` (``_convert``).
_NATIVE = frozenset(
    {str, int, bool, float, type(None), datetime.datetime, datetime.date, dict, list}
)
# Times are written the way the API's JSON encoder writes them (django-ninja's leaves them
# to Django's), here rather than in a ``default()`` call per value while encoding.
_DJANGO_JSON = DjangoJSONEncoder()
# The JSON-native and date/time types a field may be declared with. Anything else (a
# Decimal, an enum, a URL, a union of two schemas) is refused when the schema is compiled:
# pydantic would convert it, and this walk would not.
_PLAIN = {str, int, bool, float, type(None), datetime.datetime, datetime.date, typing.Any}

Dump = Callable[[Any, Mapping[str, Any]], Any]


def _convert(value: Any) -> Any:
    """What ``ninja.schema.DjangoGetter`` does to every value it reads."""
    if isinstance(value, Manager):
        return list(value.all())
    if isinstance(value, QuerySet):
        return list(value)
    if callable(value):
        return value()
    if isinstance(value, FieldFile):
        return value.url if value else None
    return value


def _is_schema(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, Schema)


def _value_dump(annotation: Any, where: str) -> Dump | None:
    """How to dump a value declared as ``annotation``; None when it is used as it is."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if _is_schema(annotation):
        return _compile(annotation)
    if origin in (typing.Union, types.UnionType):
        dumps = [_value_dump(arg, where) for arg in args if arg is not type(None)]
        if len(dumps) > 1 and any(dump is not None for dump in dumps):
            raise TypeError(f"{where}: a union of schemas is not supported")
        inner = dumps[0] if dumps else None
        if inner is None:
            return None
        return lambda value, context: None if value is None else inner(value, context)
    if origin is list:
        item = _value_dump(args[0], where) if args else None
        if item is None:
            return lambda value, context: list(value)
        return lambda value, context: [item(entry, context) for entry in value]
    if origin is dict:
        if args and any(_value_dump(arg, where) is not None for arg in args):
            raise TypeError(f"{where}: a dict of schemas is not supported")
        return lambda value, context: dict(value)
    if origin is typing.Literal:
        if not all(isinstance(arg, str | int | bool) for arg in args):
            raise TypeError(f"{where}: unsupported literal {annotation!r}")
        return None
    if origin is typing.Annotated:
        return _value_dump(args[0], where)
    if annotation in (datetime.datetime, datetime.date):
        return _time
    if annotation in _PLAIN:
        return None
    raise TypeError(f"{where}: unsupported type {annotation!r}")


def _time(value: Any, context: Mapping[str, Any]) -> Any:
    if isinstance(value, datetime.date):  # and datetime.datetime
        return _DJANGO_JSON.default(value)
    return value


_compiled: dict[type[Schema], Dump] = {}


def _compile(schema: type[Schema]) -> Dump:
    found = _compiled.get(schema)
    if found is not None:
        return found
    fields: list[tuple[str, Any, Any, Dump | None]] = []
    resolvers = schema._ninja_resolvers

    def dump(obj: Any, context: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        is_dict = isinstance(obj, dict)
        for name, resolver, default, value_dump in fields:
            if resolver is not None:
                if resolver._takes_context:
                    value = resolver._func(obj, context=context)
                else:
                    value = resolver._func(obj)
            elif is_dict:
                value = obj.get(name, _MISSING)
            else:
                value = getattr(obj, name, _MISSING)
            if value is _MISSING:
                if default is _MISSING:
                    raise ValueError(f"{schema.__name__}.{name} is missing")
                value = default
            elif value.__class__ not in _NATIVE:
                value = _convert(value)
            out[name] = value if value_dump is None else value_dump(value, context)
        return out

    # Registered before the fields are compiled, so that a schema may contain itself.
    _compiled[schema] = dump
    for name, info in schema.model_fields.items():
        where = f"{schema.__name__}.{name}"
        if info.alias is not None and info.alias != name:
            raise TypeError(f"{where}: aliases are not supported")
        if info.default_factory is not None:
            raise TypeError(f"{where}: default factories are not supported")
        resolver = resolvers.get(name)
        if resolver is not None and not resolver._static:
            raise TypeError(f"{where}: only static resolvers are supported")
        default = _MISSING if info.is_required() else info.default
        fields.append((name, resolver, default, _value_dump(info.annotation, where)))
    return dump


def dump(schema: type[Schema], obj: Any, *, request: HttpRequest, status: int = 200) -> Any:
    """``obj`` as django-ninja's ``schema.model_validate(obj).model_dump()`` would give it,
    with dates and times already written as text the way the API's JSON encoder writes them."""
    return _compile(schema)(obj, {"request": request, "response_status": status})


def dump_list(
    schema: type[Schema], objects: Any, *, request: HttpRequest, status: int = 200
) -> list[Any]:
    one = _compile(schema)
    context = {"request": request, "response_status": status}
    return [one(obj, context) for obj in objects]


def render(request: HttpRequest, schema: Any, obj: Any, *, status: int = 200) -> HttpResponse:
    """The response django-ninja would send for a view declared with ``response={status:
    schema}`` returning ``obj``. ``schema`` is a Schema class or ``list[Schema]``."""
    if typing.get_origin(schema) is list:
        data = dump_list(typing.get_args(schema)[0], obj, request=request, status=status)
    else:
        data = dump(schema, obj, request=request, status=status)
    if getattr(settings, "ADUAN_VERIFY_RENDERING", False):
        _verify(request, schema, obj, data, status)
    # The API's renderer is django-ninja's default JSON one (aduan.web.api does not change
    # it): the same bytes and content type as ``NinjaAPI.create_response``.
    content = _RENDERER.render(request, data, response_status=status)
    return HttpResponse(content, status=status, content_type=_CONTENT_TYPE)


def _verify(request: HttpRequest, schema: Any, obj: Any, data: Any, status: int) -> None:
    from pydantic import TypeAdapter

    context = {"request": request, "response_status": status}
    adapter: TypeAdapter[Any] = TypeAdapter(schema)
    expected = adapter.dump_python(adapter.validate_python(obj, context=context), context=context)
    ours = json.loads(json.dumps(data, cls=NinjaJSONEncoder))
    theirs = json.loads(json.dumps(expected, cls=NinjaJSONEncoder))
    if ours != theirs:
        raise AssertionError(f"rendering differs from django-ninja's: {ours!r} != {theirs!r}")
