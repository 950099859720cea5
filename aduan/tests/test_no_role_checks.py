"""Roles are compared in the apps' ``permissions.py`` modules only.

Everywhere else code asks a named capability (``may_classify(user, ticket)``...), so the rule
for who may do something lives in one place. This test reads the product's source and fails
on a role comparison anywhere else: ``x.role == ...``, ``... in FRONT_STAFF``, ``Role.ADMIN``
in a comparison or a query filter, an import of the role groups.
"""

from __future__ import annotations

import ast
from pathlib import Path

import aduan

ROOT = Path(aduan.__file__).parent
ROLE_GROUPS = {"FRONT_STAFF", "SUPERVISORS", "MANAGEMENT", "ALL_TICKET_READERS", "STAFF_ROLES"}
ROLE_VALUES = {
    "customer",
    "agent",
    "leader",
    "division",
    "coordinator",
    "verificator",
    "director",
    "admin",
}
QUERY_METHODS = {"filter", "exclude", "get", "get_or_create", "update_or_create", "Q"}
# Where roles are the subject: the role definitions, the capabilities, and data: the demo,
# and the workflow table, whose "who makes this move" column is role groups (the question
# about a person is tickets.permissions.may_move).
ALLOWED = ("accounts/roles.py", "accounts/models.py", "demo/", "tickets/workflow.py")


def _is_role_value(node: ast.AST) -> bool:
    """``Role.ADMIN``, a role group, a set or tuple of them, ``frozenset({...})``."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.value.id == "Role"
    if isinstance(node, ast.Name):
        return node.id in ROLE_GROUPS
    if isinstance(node, ast.Set | ast.Tuple | ast.List):
        return any(_is_role_value(item) for item in node.elts)
    if isinstance(node, ast.BinOp):
        return _is_role_value(node.left) or _is_role_value(node.right)
    if isinstance(node, ast.Call):
        return any(_is_role_value(arg) for arg in node.args)
    return False


def _is_role_of_someone(node: ast.AST) -> bool:
    """``user.role``, ``getattr(user, "role", ...)``."""
    if isinstance(node, ast.Attribute):
        return node.attr == "role"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return (
            node.func.id == "getattr"
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value == "role"
        )
    return False


def _is_role_string(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value in ROLE_VALUES


def role_checks(source: str) -> list[tuple[int, str]]:
    """Each role comparison in ``source``: (line, what)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module == "aduan.accounts.roles":
            found.append((node.lineno, "imports the role groups"))
        elif isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            named = any(isinstance(o, ast.Name) and o.id == "role" for o in operands)
            if any(_is_role_value(o) or _is_role_of_someone(o) for o in operands) or (
                named and any(_is_role_string(o) for o in operands)
            ):
                found.append((node.lineno, "compares a role"))
        elif isinstance(node, ast.Call):
            function = node.func
            name = function.attr if isinstance(function, ast.Attribute) else None
            if isinstance(function, ast.Name):
                name = function.id
            if name in QUERY_METHODS:
                for keyword in node.keywords:
                    if keyword.arg in ("role", "role__in") and (
                        _is_role_value(keyword.value) or _is_role_string(keyword.value)
                    ):
                        found.append((node.lineno, "filters on a role"))
    return found


def _product_modules() -> list[Path]:
    modules = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        parts = set(path.relative_to(ROOT).parts)
        if "tests" in parts or "migrations" in parts or path.name == "permissions.py":
            continue
        if relative.startswith(ALLOWED):
            continue
        modules.append(path)
    return modules


def test_no_role_comparison_outside_the_permissions_modules() -> None:
    modules = _product_modules()
    assert len(modules) > 100  # the walk found the product
    offences = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for path in modules
        for line, what in role_checks(path.read_text(encoding="utf-8"))
    ]
    assert offences == [], "Ask a capability in a permissions.py instead:\n" + "\n".join(offences)


def test_the_check_finds_each_kind_of_role_comparison() -> None:
    kinds = {
        "from aduan.accounts.roles import FRONT_STAFF": "imports the role groups",
        "if user.role in FRONT_STAFF: pass": "compares a role",
        "if actor.role != Role.ADMIN: pass": "compares a role",
        "ok = Role.DIVISION == user.role": "compares a role",
        "ok = user.role in (Role.AGENT, Role.LEADER)": "compares a role",
        'ok = getattr(user, "role", None) == "customer"': "compares a role",
        'ok = role == "admin"': "compares a role",
        "ok = role in STAFF_ROLES | {Role.DIVISION}": "compares a role",
        "rows = User.objects.filter(is_active=True, role__in=FRONT_STAFF)": "filters on a role",
        "rows = User.objects.exclude(role=Role.CUSTOMER)": "filters on a role",
    }
    for source, what in kinds.items():
        assert [found for _line, found in role_checks(source)] == [what], source
    # Not comparisons: making a customer login, the directory's look-up by role, a tier.
    for source in (
        "user = User(username=name, role=Role.CUSTOMER)",
        "users = directory.by_role(Role.LEADER)",
        "ok = ticket.tier >= Tier.MANAGEMENT",
        "rows = User.objects.filter(role=chosen)",
    ):
        assert role_checks(source) == [], source
