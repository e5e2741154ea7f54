"""workfuse/lib/: the bottom layer imports no app, not even inside a function."""

from __future__ import annotations

import ast
from pathlib import Path

LIB = Path(__file__).resolve().parents[1] / "workfuse" / "lib"
APPS = {"accounts", "aiconfig", "credentials", "editor", "executions", "integrations"}


def _imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_no_lib_module_imports_an_app() -> None:
    modules = sorted(LIB.glob("*.py"))
    assert {m.name for m in modules} >= {"netguard.py", "redaction.py", "retry_after.py"}
    offending = {m.name: _imported_roots(m) & APPS for m in modules}
    assert {name: apps for name, apps in offending.items() if apps} == {}
