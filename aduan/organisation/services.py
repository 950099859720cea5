"""Changes to the organisation's structure: teams, categories and priorities.

Administrators keep these in the console (the daily settings); the rules on each field (code
format, ranges) live on the model and are checked here with ``full_clean``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from aduan.accounts.models import User
from aduan.audit.services import record, snapshot
from aduan.core.errors import NotFound, ValidationFailed
from aduan.core.permissions import require
from aduan.organisation import selectors
from aduan.organisation.models import Category, Priority, Team, TeamKind
from aduan.organisation.permissions import may_configure_organisation

M = TypeVar("M", bound=models.Model)
TEAM_FIELDS = ("code", "name", "kind", "email", "is_active")
CATEGORY_FIELDS = ("code", "name", "parent", "default_team", "is_technical", "is_active")
PRIORITY_FIELDS = ("code", "name", "rank", "response_hours", "resolution_hours", "is_default")


def _require_admin(actor: User) -> None:
    require(may_configure_organisation, actor)


def _load(model: type[M], pk: int | None) -> M:
    if pk is None:
        return model()
    instance = model._default_manager.select_for_update().filter(pk=pk).first()
    if instance is None:
        raise NotFound(_("No %(what)s %(id)s.") % {"what": model._meta.verbose_name, "id": pk})
    return instance


def _validate(instance: models.Model, extra: list[tuple[str, str]] | None = None) -> None:
    errors = list(extra or [])
    try:
        instance.full_clean()
    except DjangoValidationError as exc:
        for field, messages in exc.message_dict.items():
            for message in messages:
                errors.append(("code" if field == "__all__" else field, str(message)))
    if errors:
        raise ValidationFailed(errors)


def _text(value: str) -> str:
    return (value or "").strip()


def _save(actor: User, instance: M, fields: tuple[str, ...], before: dict[str, object]) -> M:
    creating = instance.pk is None
    instance.save()
    selectors.clear_cache()
    record(
        actor=actor,
        action=f"{instance._meta.model_name}.{'created' if creating else 'updated'}",
        instance=instance,
        before=before,
        after=snapshot(instance, fields),
    )
    return instance


@dataclass(frozen=True)
class TeamInput:
    code: str
    name: str
    kind: str
    email: str = ""
    is_active: bool = True


@transaction.atomic
def save_team(*, actor: User, team_id: int | None, data: TeamInput) -> Team:
    _require_admin(actor)
    team = _load(Team, team_id)
    before = snapshot(team, TEAM_FIELDS) if team.pk else {}
    team.code = _text(data.code).lower()
    team.name = _text(data.name)
    team.kind = data.kind
    team.email = _text(data.email).lower()
    team.is_active = data.is_active
    _validate(team)
    return _save(actor, team, TEAM_FIELDS, before)


@dataclass(frozen=True)
class CategoryInput:
    code: str
    name: str
    parent_code: str = ""
    default_team_code: str = ""
    is_technical: bool = False
    is_active: bool = True


@transaction.atomic
def save_category(*, actor: User, category_id: int | None, data: CategoryInput) -> Category:
    _require_admin(actor)
    category = _load(Category, category_id)
    before = snapshot(category, CATEGORY_FIELDS) if category.pk else {}
    errors: list[tuple[str, str]] = []
    category.code = _text(data.code).lower()
    category.name = _text(data.name)
    category.is_technical = data.is_technical
    category.is_active = data.is_active
    category.parent = None
    if data.parent_code:
        parent = Category.objects.filter(code=data.parent_code).first()
        if parent is None:
            errors.append(
                ("parent", _("Unknown category '%(code)s'.") % {"code": data.parent_code})
            )
        elif category.pk is not None and _descends_from(parent, category):
            errors.append(("parent", _("A category cannot sit under itself.")))
        else:
            category.parent = parent
    category.default_team = None
    if data.default_team_code:
        team = Team.objects.filter(code=data.default_team_code, is_active=True).first()
        if team is None or team.kind == TeamKind.DIVISION:
            errors.append(
                (
                    "default_team",
                    _("Choose an active front-line, support or management team."),
                )
            )
        else:
            category.default_team = team
    _validate(category, errors)
    return _save(actor, category, CATEGORY_FIELDS, before)


def _descends_from(candidate: Category, ancestor: Category) -> bool:
    seen: set[int] = set()
    node: Category | None = candidate
    while node is not None and node.pk not in seen:
        if node.pk == ancestor.pk:
            return True
        seen.add(node.pk)
        node = node.parent
    return False


@dataclass(frozen=True)
class PriorityInput:
    code: str
    name: str
    rank: int
    response_hours: int
    resolution_hours: int
    is_default: bool = False


@transaction.atomic
def save_priority(*, actor: User, priority_id: int | None, data: PriorityInput) -> Priority:
    """A priority and its default targets. One priority is the default: marking this one
    takes the mark from the others."""
    _require_admin(actor)
    priority = _load(Priority, priority_id)
    before = snapshot(priority, PRIORITY_FIELDS) if priority.pk else {}
    priority.code = _text(data.code).lower()
    priority.name = _text(data.name)
    priority.rank = data.rank
    priority.response_hours = data.response_hours
    priority.resolution_hours = data.resolution_hours
    priority.is_default = data.is_default
    errors: list[tuple[str, str]] = []
    if data.response_hours > data.resolution_hours:
        errors.append(
            ("response_hours", _("The first response cannot be due after the resolution."))
        )
    _validate(priority, errors)
    if priority.is_default:
        for other in Priority.objects.filter(is_default=True).exclude(pk=priority.pk):
            other.is_default = False
            other.save(update_fields=["is_default"])
            record(
                actor=actor,
                action="priority.updated",
                instance=other,
                before={"is_default": True},
                after={"is_default": False},
            )
    return _save(actor, priority, PRIORITY_FIELDS, before)
