"""Administration of the daily settings: teams, categories, priorities, users and roles.
(Rare settings stay in Django's admin site.)"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aduan.accounts import selectors as people
from aduan.accounts import services as accounts
from aduan.accounts.models import User
from aduan.console.access import actor, admin_required
from aduan.console.forms import (
    CategoryForm,
    PriorityForm,
    TeamForm,
    UserForm,
    UserSearchForm,
    user_initial,
)
from aduan.core.errors import ApplicationError, NotFound
from aduan.core.web import apply_error
from aduan.organisation import services as organisation
from aduan.organisation.models import Category, Priority, Team


@admin_required
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "console/admin/index.html",
        {
            "counts": {
                "teams": Team.objects.count(),
                "categories": Category.objects.count(),
                "priorities": Priority.objects.count(),
                "users": people.list_users().count(),
            }
        },
    )


@dataclass(frozen=True)
class Section:
    """One kind of setting: how to list it, fill its form and save it through its service."""

    key: str
    title: str | Promise
    model: type[models.Model]
    form: type[forms.Form]
    columns: list[tuple[str, str | Promise]]
    initial: Callable[[Any], dict[str, Any]]
    save: Callable[[User, int | None, dict[str, Any]], Any]


def _save_team(user: User, pk: int | None, data: dict[str, Any]) -> Team:
    return organisation.save_team(actor=user, team_id=pk, data=organisation.TeamInput(**data))


def _save_category(user: User, pk: int | None, data: dict[str, Any]) -> Category:
    return organisation.save_category(
        actor=user,
        category_id=pk,
        data=organisation.CategoryInput(
            code=data["code"],
            name=data["name"],
            parent_code=data["parent"] or "",
            default_team_code=data["default_team"] or "",
            is_technical=data["is_technical"],
            is_active=data["is_active"],
        ),
    )


def _save_priority(user: User, pk: int | None, data: dict[str, Any]) -> Priority:
    return organisation.save_priority(
        actor=user, priority_id=pk, data=organisation.PriorityInput(**data)
    )


SECTIONS = {
    "teams": Section(
        "teams",
        gettext_lazy("Teams"),
        Team,
        TeamForm,
        [
            ("code", gettext_lazy("Code")),
            ("name", gettext_lazy("Name")),
            ("kind", gettext_lazy("Kind")),
        ],
        lambda t: {
            "code": t.code,
            "name": t.name,
            "kind": t.kind,
            "email": t.email,
            "is_active": t.is_active,
        },
        _save_team,
    ),
    "categories": Section(
        "categories",
        gettext_lazy("Categories"),
        Category,
        CategoryForm,
        [("code", gettext_lazy("Code")), ("name", gettext_lazy("Name"))],
        lambda c: {
            "code": c.code,
            "name": c.name,
            "parent": c.parent.code if c.parent else "",
            "default_team": c.default_team.code if c.default_team else "",
            "is_technical": c.is_technical,
            "is_active": c.is_active,
        },
        _save_category,
    ),
    "priorities": Section(
        "priorities",
        gettext_lazy("Priorities"),
        Priority,
        PriorityForm,
        [("code", gettext_lazy("Code")), ("name", gettext_lazy("Name"))],
        lambda p: {
            "code": p.code,
            "name": p.name,
            "rank": p.rank,
            "response_hours": p.response_hours,
            "resolution_hours": p.resolution_hours,
            "is_default": p.is_default,
        },
        _save_priority,
    ),
}


def _section(key: str) -> Section:
    if key not in SECTIONS:
        raise Http404(_("No such page."))
    return SECTIONS[key]


@admin_required
def settings_list(request: HttpRequest, section: str) -> HttpResponse:
    spec = _section(section)
    rows = list(spec.model._default_manager.all())
    return render(request, "console/admin/list.html", {"spec": spec, "rows": rows})


@admin_required
def settings_edit(request: HttpRequest, section: str, pk: int | None = None) -> HttpResponse:
    spec = _section(section)
    instance = None
    if pk is not None:
        instance = spec.model._default_manager.filter(pk=pk).first()
        if instance is None:
            raise Http404(_("No such record."))
    initial = spec.initial(instance) if instance is not None else None
    form = spec.form(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                saved = spec.save(actor(request), pk, form.cleaned_data)
            except NotFound as exc:
                raise Http404(exc.message) from exc
            except ApplicationError as exc:
                apply_error(form, exc, {"default_team": "default_team", "parent": "parent"})
                status = exc.status
            else:
                messages.success(request, _("%(name)s is saved.") % {"name": saved})
                return redirect("console:admin_list", section=section)
    context = {"spec": spec, "form": form, "instance": instance}
    return render(request, "console/admin/edit.html", context, status=status)


@admin_required
def users(request: HttpRequest) -> HttpResponse:
    search = UserSearchForm(request.GET or None)
    text = role = ""
    if search.is_valid():
        text = search.cleaned_data["text"]
        role = search.cleaned_data["role"]
    rows = list(people.list_users(role=role or None, text=text or None)[:200])
    return render(request, "console/admin/users.html", {"search": search, "rows": rows})


@admin_required
def user_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    instance = None
    if pk is not None:
        instance = people.list_users().filter(pk=pk).first()
        if instance is None:
            raise Http404(_("No such user."))
    form = UserForm(request.POST or None, initial=user_initial(instance) if instance else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = accounts.save_user(
                    actor=actor(request),
                    user_id=pk,
                    data=accounts.UserInput(
                        username=data["username"],
                        role=data["role"],
                        first_name=data["first_name"],
                        last_name=data["last_name"],
                        email=data["email"],
                        team_codes=tuple(data["teams"]),
                        language=data["language"],
                        is_active=data["is_active"],
                        password=data["password"],
                    ),
                )
            except NotFound as exc:
                raise Http404(exc.message) from exc
            except ApplicationError as exc:
                apply_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("%(name)s is saved.") % {"name": saved.username})
                return redirect("console:admin_users")
    context = {"form": form, "instance": instance}
    return render(request, "console/admin/user_edit.html", context, status=status)
