"""What the product imports at run time must be in requirements/base.lock, which is all that
`dev.py start` and a production install get; the test tools' lock (dev.lock) has more."""

from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

import aduan

PACKAGE = Path(aduan.__file__).resolve().parent
BASE_LOCK = PACKAGE.parent / "requirements" / "base.lock"


def _runtime_sources() -> list[Path]:
    return [
        path
        for path in PACKAGE.rglob("*.py")
        if "tests" not in path.relative_to(PACKAGE).parts and path.name != "conftest.py"
    ]


def _type_checking_only(tree: ast.AST) -> set[ast.AST]:
    """Nodes under ``if TYPE_CHECKING:``: imported by the type checker, never at run time."""
    skipped: set[ast.AST] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                skipped.update(ast.walk(child))
    return skipped


def _top_level_imports(path: Path) -> set[str]:
    names: set[str] = set()
    tree = ast.parse(path.read_text(), str(path))
    skipped = _type_checking_only(tree)
    for node in ast.walk(tree):
        if node in skipped:
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_third_party_module_the_product_imports_is_in_the_base_lock():
    locked = {
        _normalise(line.split("==")[0])
        for line in BASE_LOCK.read_text().splitlines()
        if "==" in line and not line.startswith((" ", "#"))
    }
    providers = packages_distributions()
    missing = set()
    for path in _runtime_sources():
        for module in _top_level_imports(path):
            if module in sys.stdlib_module_names or module == "aduan":
                continue
            distributions = {_normalise(d) for d in providers.get(module, [])}
            assert distributions, f"{path}: nothing installed provides {module!r}"
            if not distributions & locked:
                missing.add(f"{path.relative_to(PACKAGE)}: {module} ({', '.join(distributions)})")
    assert not missing, "imported at run time but only in dev.lock:\n" + "\n".join(sorted(missing))
