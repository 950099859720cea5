from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from aduan.accounts.models import User
from aduan.accounts.permissions import may_list_users, staff_logins
from aduan.accounts.services import issue_token, revoke_token
from aduan.api.auth import actor
from aduan.api.schemas import ERRORS, Code
from aduan.core.permissions import require

router = Router(tags=["auth"])
RoleName = Literal[
    "customer", "agent", "leader", "division", "coordinator", "verificator", "director", "admin"
]


class TokenIn(Schema):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=256)


class UserOut(Schema):
    id: int
    username: str
    name: str
    role: str
    role_label: str
    teams: list[str]

    @staticmethod
    def from_user(user: User) -> UserOut:
        return UserOut(
            id=user.pk,
            username=user.username,
            name=str(user),
            role=user.role,
            role_label=str(user.get_role_display()),
            teams=[team.code for team in user.teams.all()],
        )


class TokenOut(Schema):
    token: str
    user: UserOut


@router.post("/auth/token", auth=None, response={201: TokenOut, **ERRORS})
def create_token(request: HttpRequest, payload: TokenIn) -> Status[TokenOut]:
    """Exchange a user name and password for a bearer token."""
    key = issue_token(username=payload.username, password=payload.password, request=request)
    from aduan.accounts.services import user_for_token

    user = user_for_token(key)
    assert user is not None
    return Status(201, TokenOut(token=key, user=UserOut.from_user(user)))


@router.delete("/auth/token", response={204: None, **ERRORS})
def delete_token(request: HttpRequest) -> Status[None]:
    """Log out: the token sent with this request stops working."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        revoke_token(header[7:].strip())
    return Status(204, None)


class UserQuery(Schema):
    team: Code | None = Field(None, description="Team code.")
    role: RoleName | None = None


@router.get("/users", response={200: list[UserOut], **ERRORS}, tags=["people"])
def users(request: HttpRequest, filters: Query[UserQuery]) -> list[UserOut]:
    """Staff directory, for choosing an assignee. Staff only."""
    user = actor(request)
    require(may_list_users, user)
    people = User.objects.filter(staff_logins(), is_active=True)
    if filters.team:
        people = people.filter(teams__code=filters.team)
    if filters.role:
        people = people.filter(role=filters.role)
    people = people.prefetch_related("teams").order_by("username")[:500]
    return [UserOut.from_user(person) for person in people]


@router.get("/me", response={200: UserOut, **ERRORS}, tags=["people"])
def me(request: HttpRequest) -> UserOut:
    user = actor(request)
    return UserOut.from_user(user)
