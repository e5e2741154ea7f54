"""n8n's Code node (JavaScript or Python) and the legacy Function / Function Item nodes as
WorkFuse code actions run with n8n's names (action.code's `n8n` settings, docs/n8n-import.md
"Code nodes").

The code keeps its text and sees `$input`, `$json`, `items`, `$('Node')`, `$now`... (in Python
`_input`, `_json`, `_('Node')`, `_now`...) over the data the importer names; its output's
`result` is the list of the items' json it returns.
"""

from __future__ import annotations

import re
import sys
from dataclasses import replace
from typing import Any

from editor.n8n import per_item_files, read_order
from editor.n8n.code_returns import returns_one
from editor.n8n.converter import BASE, FETCHED, Converted, Converter, N8nNode, Refusal, Spec
from editor.n8n.expressions import code_context, nodes_read, scope_of
from editor.n8n.items import takes_all

CAVEATS = (
    "Runs with n8n's $input, $json, items, $('Node') and $now; the output's `result` is the "
    "list of the returned items' json, and binary data and $jmespath are not available."
)


PYTHON_CAVEATS = (
    "Runs in WorkFuse's Python (3.12, standard library only) with n8n's _input, _json, _items, "
    "_('Node') and _now; the output's `result` is the list of the returned items' json."
)


def _code(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    language = p.get("language") or "javaScript"
    mode = "each" if p.get("mode") == "runOnceForEachItem" else "all"
    if language in ("python", "pythonNative"):
        return _python(node, cx, p.get("pythonCode"), mode)
    if language != "javaScript":
        raise Refusal(
            f"runs {language} code; WorkFuse code nodes run JavaScript or Python. Rewrite it "
            "in one of those in n8n and export again."
        )
    fallback = "return $input.item;" if mode == "each" else "return $input.all();"
    return _converted(node, cx, p.get("jsCode"), mode, fallback)


def _function(node: N8nNode, cx: Converter) -> Converted:
    return _converted(node, cx, node.params.get("functionCode"), "all", "return items;")


def _function_item(node: N8nNode, cx: Converter) -> Converted:
    code = node.params.get("functionCode")
    return _converted(node, cx, code, "functionItem", "return item;")


def _converted(node: N8nNode, cx: Converter, code: Any, mode: str, fallback: str) -> Converted:
    notes = [CAVEATS]
    if not isinstance(code, str) or not code.strip():
        # n8n leaves its sample code out of exports; it only adds a demo field.
        code = fallback
        notes.append(NO_CODE)
    n8n = _n8n_settings(node, cx, code, mode)
    # --- fileops ---
    spec: dict[str, Any] = {}
    binary = _files_seen(node, cx, code) if mode != "functionItem" else {}
    if binary:
        n8n["binary"] = binary
        notes[0] = FILES_CAVEATS
        spec["binary_any"] = f"nodes.{node.id}.binary[0]"
        spec["binary_each"] = f"nodes.{node.id}.binary"  # files: each returned item's files
    # --- end fileops ---
    return Converted("action.code", {"code": code, "n8n": n8n}, notes=notes, spec=spec)


NO_CODE = "The n8n node had no code of its own; it passes its items on unchanged."


def _n8n_settings(
    node: N8nNode, cx: Converter, code: str, mode: str, named: list[str] | None = None
) -> dict[str, Any]:
    """action.code's `n8n`: the mode, the items the code gets and the nodes it reads."""
    scope = scope_of(cx, node)
    if mode == "all":  # runs once with every item n8n hands it (the item flow's list)
        items: str | None = cx.input_items(node)
    else:  # runs once per item: the item flow runs it in a loop where it gets one
        ref = scope.resolve(None)
        items = "{{ [" + ref[0] + "] }}" if ref is not None else None
    n8n = {"mode": mode, **code_context(code, scope, items, named)}
    for name in n8n.get("nodes", {}):  # one on an earlier branch: run after it, as n8n did
        read_order.ordered(cx, node.name, name)
    return n8n


def _python(node: N8nNode, cx: Converter, code: Any, mode: str) -> Converted:
    """A Code node in Python (n8n's Pyodide flavour, or its native runner's `_items`/`_item`)."""
    notes = [PYTHON_CAVEATS]
    if not isinstance(code, str) or not code.strip():
        code = "return _input.item" if mode == "each" else "return _input.all()"
        notes.append(NO_CODE)
    check_python(code)
    n8n = _n8n_settings(node, cx, code, mode, _python_nodes_read(code))
    return Converted("action.code", {"language": "python", "code": code, "n8n": n8n}, notes=notes)


# Standard modules the WebAssembly build of CPython lacks (no processes, sockets' TLS, C
# libraries it was built without, terminals or Windows), read off the runtime itself.
NOT_IN_SANDBOX = frozenset(
    [
        "ctypes",
        "curses",
        "ensurepip",
        "fcntl",
        "grp",
        "idlelib",
        "lib2to3",
        "lzma",
        "mmap",
        "msilib",
        "msvcrt",
        "multiprocessing",
        "nis",
        "nt",
        "ossaudiodev",
        "pty",
        "pwd",
        "readline",
        "resource",
        "spwd",
        "ssl",
        "syslog",
        "termios",
        "tkinter",
        "tty",
        "turtle",
        "venv",
        "webbrowser",
        "winreg",
        "winsound",
    ]
)
# Files on a disk: n8n's Pyodide kept them in its process's memory between runs; WorkFuse's
# Python has no disk at all.
_OPENS_FILE = re.compile(r"""\bopen\s*\(|sqlite3\s*\.\s*connect\s*\(\s*(?!['"]:memory:['"])""")


def check_python(code: str) -> None:
    """Refusal, saying why, for Python code WorkFuse's Python cannot run as n8n ran it."""
    if re.search(r"\bbinary\b", code):
        raise Refusal(
            "reads or makes files (n8n's binary data) in Python; WorkFuse gives files to "
            "JavaScript code only. Rewrite it in JavaScript in n8n and export again."
        )
    missing = [
        name
        for name in _imported(code)
        if name not in sys.stdlib_module_names or name in NOT_IN_SANDBOX
    ]
    if missing:
        raise Refusal(
            f"imports {', '.join(missing)}, which WorkFuse's Python does not have (it runs the "
            "standard library only, without processes, TLS or C libraries). Rewrite it without "
            "them in n8n and export again."
        )
    if _OPENS_FILE.search(code):
        raise Refusal(
            "opens files (open(), or an SQLite database file) in Python; n8n's Pyodide kept "
            "them in memory between runs, WorkFuse's Python has no disk. Keep the data in the "
            "workflow (or a database node) in n8n and export again."
        )


_IMPORT = re.compile(r"^[ \t]*import[ \t]+([\w. \t,]+)|^[ \t]*from[ \t]+(\w+)", re.MULTILINE)
_PY_NODE = re.compile(r"""(?<![\w.])(?:_\(|_node\[)\s*(['"])(.+?)\1""")


def _imported(code: str) -> list[str]:
    """The top-level modules Python code imports (`import a.b as c, d`, `from e import f`)."""
    found: list[str] = []
    for match in _IMPORT.finditer(code):
        names = [match[2]] if match[2] else match[1].split(",")
        found += [name.split()[0].split(".")[0] for name in names if name.strip()]
    return list(dict.fromkeys(found))


def _python_nodes_read(code: str) -> list[str]:
    """The n8n node names Python code reads: `_('X')`, `_node['X']`."""
    return list(dict.fromkeys(match[2] for match in _PY_NODE.finditer(code)))


# --- fileops ---
FILES_CAVEATS = (
    "Runs with n8n's $input, $json, items, $('Node') and $now; the output's `result` is the "
    "list of the returned items' json and `binary` their files (n8n's item.binary, with base64 "
    "`data`) by property; $jmespath is not available."
)
_PROPERTY = re.compile(r"""\bbinary\s*(?:\?\.\s*([A-Za-z_$][\w$]*)|\[\s*(['"])(.+?)\2\s*\])""")


def _files_seen(node: N8nNode, cx: Converter, code: str) -> dict[str, dict[str, str]]:
    """The files a Code node that reads, makes or hands on `binary` sees: its input item's
    and those of the nodes it names, by binary property, as templates (`{"": {}}` when none is
    made in WorkFuse: the code's own files are still kept; {} when the code names no
    `binary`)."""
    if not re.search(r"\bbinary\b", code):
        return {}
    named = {m.group(1) or m.group(3) for m in _PROPERTY.finditer(code)} | {"data"}
    seen: dict[str, dict[str, str]] = {}
    parents = cx.parents.get(node.name)
    sources = [("", parents[0][0])] if parents else []
    sources += [(name, name) for name in nodes_read(code, expression=False) if name in cx.nodes]
    for key, source in sources:
        props = named | {prop for prop, _ in cx.spec_of(source).binary}
        found = {}
        for prop in sorted(props):
            path = cx.file_made_by(source, prop)
            if path is not None and not key:  # files: the input item's own, in a loop over it
                maker = cx._made_by(source, prop, set())[0]
                path = per_item_files.paired_path(cx, node, maker, path) or path
            if path is not None and path != FETCHED:
                # n8n's item simply lacks a file its node did not make this time
                found[prop] = "{{ " + path + " | default(none) }}"
        if found:
            seen[key] = found
    return seen or {"": {}}


# --- end fileops ---


def _per_node(node: N8nNode, cx: Converter) -> Spec:
    """fileops: "Run Once for Each Item" returns one item for each it gets, so a node fed by
    one that emits a single item emits one too (its files then pair with it); otherwise (and
    for a loop opened at this node) a list, as before."""
    many = Spec(SPECS[node.type].convert, "result[0]", items="result")
    if node.type in (f"{BASE}code", f"{BASE}function") and takes_all(node) and returns_one(node):
        return replace(many, items=None)  # `return [{ json: ... }]`: one item
    if node.type != f"{BASE}code" or node.params.get("mode") != "runOnceForEachItem":
        return many
    parents = cx.parents.get(node.name)
    if not parents or parents[0][0] not in cx.nodes:
        return many
    parent = cx.nodes[parents[0][0]]
    if parent.type in SPECS:  # a Code node's own count is not looked into (no recursion)
        return many
    return replace(many, items=None) if cx.spec_of(parent.name).items is None else many


SPECS: dict[str, Spec] = {
    f"{BASE}{name}": Spec(convert, "result[0]", items="result", per_node=_per_node)
    for name, convert in (
        ("code", _code),
        ("function", _function),
        ("functionItem", _function_item),
    )
}
