"""Apps import in one direction only (docs/architecture.md).

Every import in every app module counts, function-level ones included: the test reads the
source, not what happens to be loaded. Tests, benches and migrations are outside the rule.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Lower layers first; a module may import its own layer and the layers below it.
LAYERS = [
    "workfuse.lib",
    "integrations",
    "accounts",
    "credentials",
    "aiconfig",
    "editor",
    "executions",
]
# The project package (settings, urls, asgi, the API assembly, the Celery app, `serve`) wires
# the apps together: it sits above all of them and no app imports it (except `workfuse.lib`).
PROJECT = "workfuse"


def layer_of(module: str) -> str | None:
    for layer in LAYERS:
        if module == layer or module.startswith(layer + "."):
            return layer
    if module == PROJECT or module.startswith(PROJECT + "."):
        return PROJECT
    return None


def rank(layer: str) -> int:
    return len(LAYERS) if layer == PROJECT else LAYERS.index(layer)


def app_modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[0] in {"tests", "bench", ".venv"} or "migrations" in parts:
            continue
        module = ".".join(p for p in parts if p != "__init__")
        if layer_of(module) is not None:
            found.append((module, path))
    return found


def imported(path: Path, module: str) -> list[tuple[int, str]]:
    """Every module named by an import statement anywhere in the file (relative ones resolved)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            names.append((node.lineno, base))
    return names


def violations() -> list[str]:
    found = []
    for module, path in app_modules():
        own = layer_of(module)
        assert own is not None
        for line, name in imported(path, module):
            other = layer_of(name)
            if other is None or other == own:
                continue
            if rank(other) > rank(own):
                where = path.relative_to(ROOT)
                found.append(f"{where}:{line} ({own}) imports {name} ({other})")
    return found


def test_apps_import_only_lower_layers() -> None:
    assert violations() == []


def test_the_rule_sees_function_level_and_relative_imports(tmp_path: Path) -> None:
    source = tmp_path / "module.py"
    source.write_text("def f():\n    from executions.models import Step\nfrom . import sibling\n")
    assert sorted(imported(source, "credentials.store")) == [
        (2, "executions.models"),
        (3, "credentials"),
    ]


@pytest.mark.parametrize(
    ("importer", "imported_module", "allowed"),
    [
        ("executions.engine", "editor.models", True),
        ("editor.views", "executions.models", False),
        ("credentials.store", "editor.models", False),
        ("aiconfig.providers", "credentials.runtime", True),
        ("workfuse.lib.netguard", "credentials.models", False),
        ("credentials.store", "integrations.registry", True),
        ("integrations.slack.node", "editor.nodes.base", False),
        ("integrations.http", "workfuse.lib.netguard", True),
        ("editor.api", "workfuse.api", False),
        ("workfuse.urls", "executions.webhooks", True),
    ],
)
def test_layer_order(importer: str, imported_module: str, allowed: bool) -> None:
    own, other = layer_of(importer), layer_of(imported_module)
    assert own is not None and other is not None
    assert (rank(other) <= rank(own)) is allowed
