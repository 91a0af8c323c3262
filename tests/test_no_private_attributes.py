"""No code of the project reaches into SQLAlchemy's, Flask's, Jinja's or WTForms' private
attributes: a minor release of any of them may rename one and break the app.

The project's files are read as syntax trees; every `x._name` (and getattr(x, "_name"))
must name something the project itself defines (a function, a class, a module-level
name, an attribute it assigns on `self`), or one of the few names the standard library
documents with a leading underscore (a named tuple's `_fields`, `_replace`, ...).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED = {".venv", "instance", "node_modules", ".git"}
# Public despite the underscore: collections.namedtuple's documented methods and fields.
PUBLIC_UNDERSCORED = frozenset({"_fields", "_replace", "_make", "_asdict", "_field_defaults"})


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def project_files() -> list[Path]:
    return [path for path in sorted(ROOT.rglob("*.py"))
            if not SKIPPED & set(path.relative_to(ROOT).parts)]


def defined_names(tree: ast.AST) -> set[str]:
    """The private names a file defines: functions, classes, names it assigns, attributes
    it assigns on `self`, and the strings of a class's __slots__."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.alias):
            names.add(node.asname or node.name.split(".")[-1])
        elif (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)
              and isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
            names.add(node.attr)
        elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__slots__" for t in node.targets):
            names.update(c.value for c in ast.walk(node.value)
                         if isinstance(c, ast.Constant) and isinstance(c.value, str))
    return {name for name in names if _private(name)}


def private_uses(tree: ast.AST) -> list[tuple[int, str]]:
    """Every `x._name` and getattr/hasattr/setattr(x, "_name") in a file."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            found.append((node.lineno, node.attr))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id in ("getattr", "hasattr", "setattr") and len(node.args) > 1
              and isinstance(node.args[1], ast.Constant)
              and isinstance(node.args[1].value, str) and _private(node.args[1].value)):
            found.append((node.lineno, node.args[1].value))
    return found


def foreign_private_uses(sources: dict[str, str]) -> list[str]:
    """`path:line: ._name` for each private name used that the sources do not define."""
    trees = {path: ast.parse(text, path) for path, text in sources.items()}
    own = set().union(*(defined_names(tree) for tree in trees.values())) | PUBLIC_UNDERSCORED
    return [f"{path}:{line}: ._{name[1:]}" for path, tree in trees.items()
            for line, name in private_uses(tree) if name not in own]


def test_no_file_reaches_into_a_librarys_private_attributes():
    sources = {str(path.relative_to(ROOT)): path.read_text(encoding="utf-8")
               for path in project_files()}
    assert foreign_private_uses(sources) == []


def test_the_scan_finds_private_attributes_of_a_library():
    """The scan itself: private attributes the project does not define are found, read
    directly or through getattr; a helper of the project's own is not."""
    driver = (
        "def straight(link, plan, column):\n"
        "    if link._quiet or plan.statement._hidden_options:\n"
        "        return None\n"
        "    return plan._inner_binds, plan._inner_columns, \\\n"
        "        getattr(column.type, '_inner_processor')\n"
        "def _own_helper():\n"
        "    return Row(1)._replace(a=2)\n"
        "class Row:\n"
        "    def __init__(self, value):\n"
        "        self._value = value\n"
        "    def twice(self):\n"
        "        return self._value * 2, _own_helper()\n"
    )
    other = "import driver\nvalue = driver._own_helper()\n"
    assert foreign_private_uses({"driver.py": driver, "other.py": other}) == [
        "driver.py:2: ._quiet", "driver.py:2: ._hidden_options",
        "driver.py:4: ._inner_binds", "driver.py:4: ._inner_columns",
        "driver.py:5: ._inner_processor"]
