from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from aduan.api.schemas import ERRORS
from aduan.organisation.models import Category, Channel, Priority, Team

router = Router(tags=["organisation"])


class TeamOut(Schema):
    code: str
    name: str
    kind: str
    tier: int | None


class CategoryOut(Schema):
    code: str
    name: str
    parent: str | None
    default_team: str | None
    is_technical: bool

    @staticmethod
    def resolve_parent(obj: Category) -> str | None:
        return obj.parent.code if obj.parent else None

    @staticmethod
    def resolve_default_team(obj: Category) -> str | None:
        return obj.default_team.code if obj.default_team else None


class PriorityOut(Schema):
    code: str
    name: str
    rank: int
    response_hours: int
    resolution_hours: int
    is_default: bool


class ChannelOut(Schema):
    code: str
    name: str
    kind: str


@router.get("/teams", response={200: list[TeamOut], **ERRORS})
def teams(request: HttpRequest) -> list[Team]:
    return list(Team.objects.filter(is_active=True).order_by("name"))


@router.get("/categories", response={200: list[CategoryOut], **ERRORS})
def categories(request: HttpRequest) -> list[Category]:
    return list(
        Category.objects.filter(is_active=True)
        .select_related("parent", "default_team")
        .order_by("name")
    )


@router.get("/priorities", response={200: list[PriorityOut], **ERRORS})
def priorities(request: HttpRequest) -> list[Priority]:
    return list(Priority.objects.order_by("rank"))


@router.get("/channels", response={200: list[ChannelOut], **ERRORS})
def channels(request: HttpRequest) -> list[Channel]:
    return list(Channel.objects.filter(is_active=True).order_by("name"))
