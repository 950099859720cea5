"""No code changes a ticket's status except ``tickets/services/status.py``, which checks every
move against the workflow table. The product's source is scanned for the ways a status can
be written (an assignment, ``setattr``, ``update(status=...)``, ``update_fields`` or
``bulk_update`` with "status", raw SQL); only migrations, tests and the demo data generators
may write it directly. A ticket's first status, given when it is created, is not a move."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from aduan.tickets import writes as ticket_writes

ROOT = Path(__file__).resolve().parents[3]
PRODUCT = ROOT / "aduan"
THE_PLACE = "aduan/tickets/services/status.py"
ALLOWED = {
    THE_PLACE: "applies the moves checked against the workflow table",
    "aduan/demo/bulk.py": "writes years of demo history in bulk, statuses included",
    "aduan/demo/setup.py": "demo mail arrives as 'new' (the one row it sets back)",
}
RAW_UPDATE = re.compile(r"\bupdate\b.*\bset\b.*\bstatus\b", re.IGNORECASE | re.DOTALL)


def _ticketish(node: ast.AST) -> bool:
    """Whether an expression names a ticket: ``ticket``, ``self.ticket``, ``Ticket.objects``."""
    for sub in ast.walk(node):
        name = sub.id if isinstance(sub, ast.Name) else getattr(sub, "attr", None)
        if isinstance(name, str) and "ticket" in name.lower():
            return True
    return False


def _has_status_literal(node: ast.AST) -> bool:
    return isinstance(node, ast.List | ast.Tuple | ast.Set) and any(
        isinstance(e, ast.Constant) and e.value == "status" for e in node.elts
    )


class StatusWrites(ast.NodeVisitor):
    """Finds the lines of one module that write a ticket's status."""

    def __init__(self) -> None:
        self.found: list[int] = []
        # The names the ticket Status enum goes by here, and the tickets.models module.
        self.enum_names: set[str] = set()
        self.models_names: set[str] = set()

    def _is_enum(self, node: ast.AST) -> bool:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and sub.id in self.enum_names:
                return True
            if (
                isinstance(sub, ast.Attribute)
                and sub.attr == "Status"
                and isinstance(sub.value, ast.Name)
                and sub.value.id in self.models_names
            ):
                return True
        return False

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for alias in node.names:
            if node.module == "aduan.tickets.models" and alias.name == "Status":
                self.enum_names.add(alias.asname or alias.name)
            if node.module == "aduan.tickets" and alias.name == "models":
                self.models_names.add(alias.asname or alias.name)

    def _targets(self, node: ast.Assign | ast.AnnAssign | ast.AugAssign) -> list[ast.expr]:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        flat: list[ast.expr] = []
        for target in targets:
            flat += target.elts if isinstance(target, ast.Tuple | ast.List) else [target]
        return flat

    def _assignment(self, node: ast.Assign | ast.AnnAssign | ast.AugAssign) -> None:
        value = node.value
        for target in self._targets(node):
            if (
                isinstance(target, ast.Name)
                and isinstance(value, ast.Name)
                and self._is_enum(value)
            ):
                self.enum_names.add(target.id)  # ``S = Status``: another name for it
            writes_status = isinstance(target, ast.Attribute) and target.attr == "status"
            if writes_status and (
                _ticketish(target) or (value is not None and self._is_enum(value))
            ):
                self.found.append(node.lineno)
        self.generic_visit(node)

    visit_Assign = _assignment
    visit_AnnAssign = _assignment
    visit_AugAssign = _assignment

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        on_ticket = isinstance(func, ast.Attribute) and _ticketish(func.value)
        args = node.args
        if (
            name == "setattr"
            and len(args) >= 2
            and isinstance(args[1], ast.Constant)
            and args[1].value == "status"
            and (_ticketish(args[0]) or any(self._is_enum(a) for a in args[2:]))
        ):
            self.found.append(node.lineno)
        for keyword in node.keywords:
            sets_status = name == "update" and keyword.arg == "status"
            if sets_status and (on_ticket or self._is_enum(keyword.value)):
                self.found.append(node.lineno)
            saves_status = keyword.arg == "update_fields" and _has_status_literal(keyword.value)
            if saves_status and on_ticket:
                self.found.append(node.lineno)
        if name in ("bulk_update", "save_ticket") and any(_has_status_literal(a) for a in args):
            self.found.append(node.lineno)
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and RAW_UPDATE.search(node.value):
            self.found.append(node.lineno)


def status_writes(source: str) -> list[int]:
    visitor = StatusWrites()
    visitor.visit(ast.parse(source))
    return sorted(set(visitor.found))


def product_modules() -> list[Path]:
    modules = []
    for path in sorted(PRODUCT.rglob("*.py")):
        parts = path.relative_to(PRODUCT).parts
        if "migrations" in parts or "tests" in parts:
            continue
        if path.name.startswith("test_") or path.name == "conftest.py":
            continue
        modules.append(path)
    return modules


def test_only_the_status_module_writes_a_tickets_status() -> None:
    offenders = []
    checked = 0
    for path in product_modules():
        relative = path.relative_to(ROOT).as_posix()
        if relative in ALLOWED:
            continue
        source = path.read_text(encoding="utf-8")
        checked += 1
        lines = source.splitlines()
        offenders += [f"{relative}:{n}: {lines[n - 1].strip()}" for n in status_writes(source)]
    assert checked > 100
    assert offenders == [], (
        "Change a ticket's status through tickets.services.status.apply_move (checked "
        "against tickets/workflow.py), not directly:\n" + "\n".join(offenders)
    )


def test_the_allowed_places_exist_and_the_scan_sees_the_one_place() -> None:
    for relative in ALLOWED:
        assert (ROOT / relative).is_file(), relative
    assert status_writes((ROOT / THE_PLACE).read_text(encoding="utf-8"))


def test_the_service_level_sweeps_raw_write_back_leaves_the_status_alone() -> None:
    # The sweep saves its own columns of many tickets with one raw UPDATE (tickets/writes.py).
    assert "status" not in ticket_writes.TIMER_FIELDS


# --- the scan itself -------------------------------------------------------------------------

CAUGHT = [
    "ticket.status = 'closed'",
    "self.ticket.status = new_status",
    "from aduan.tickets.models import Status\nt.status = Status.CLOSED",
    "from aduan.tickets.models import Status as S\nt.status = S.OPEN",
    "from aduan.tickets.models import Status\nS = Status\nt.status = S.OPEN",
    "from aduan.tickets import models as m\nrow.status = m.Status.OPEN",
    "ticket.status, ticket.version = 'open', 2",
    "setattr(ticket, 'status', value)",
    "Ticket.objects.filter(pk=1).update(status='new')",
    "from aduan.tickets.models import Status\nrows.update(status=Status.RESOLVED)",
    "ticket.save(update_fields=['status', 'version'])",
    "Ticket.objects.bulk_update(tickets, ['status'])",
    "save_ticket(ticket, ['status'])",
    "cursor.execute('UPDATE tickets_ticket SET status = %s WHERE id = %s', params)",
]
NOT_CAUGHT = [
    "forwarding.status = ForwardingStatus.WITHDRAWN",
    "callback.status = CallbackStatus.DONE",
    "promise.status = status",
    "Ticket.objects.filter(status=Status.NEW).count()",
    "if ticket.status == Status.OPEN: pass",
    "Ticket(status=Status.NEW, reference='x')",
    "OutboundMessage.objects.filter(pk=1).update(status=OutboundStatus.SENT)",
    "snapshot(ticket, ['status', 'tier'])",
]


def test_the_scan_catches_every_way_of_writing_a_status() -> None:
    for source in CAUGHT:
        assert status_writes(source), source


def test_the_scan_leaves_other_models_statuses_and_reads_alone() -> None:
    for source in NOT_CAUGHT:
        assert status_writes(source) == [], source
