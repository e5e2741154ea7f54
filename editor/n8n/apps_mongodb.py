"""n8n's MongoDB node (versions 1 to 1.2) as WorkFuse's `app.mongodb`; its `mongoDbTool` variant
becomes a companion workflow through `app_tools`.

n8n writes its queries, pipelines, sorts and projections as JSON text with `{{ }}` pasted in;
WorkFuse keeps them as JSON with each expression a template standing for its value (a whole
string, or a bare value keeping its type), so a value never rewrites the query around it. Its
insert and update operations write the input item's fields named in Fields; each becomes a
field of the document read from `$json`."""

from __future__ import annotations

import json
import re
from typing import Any

from editor.n8n.apps_base import credential_note, required, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

MONGODB = "MongoDB"
SUPPORTED = "it finds, aggregates, inserts, updates, finds and updates or replaces, deletes"
OPERATIONS = {
    "find": "find",
    "aggregate": "aggregate",
    "insert": "insert",
    "update": "update",
    "findOneAndUpdate": "find_one_and_update",
    "findOneAndReplace": "find_one_and_replace",
    "delete": "delete",
}
BLOCK = re.compile(r"\{\{(.+?)\}\}", re.S)
MARK = "\u0001wf{}\u0001"  # stands for an expression while the JSON around it is read
BARE = "\u0002"  # before a mark: the expression stood where a JSON value goes
PARAMETERS = ("queryParameters", "sortParameters", "projectionParameters")
ONE_BY_ONE = (
    "n8n wrote all its input items in one call; WorkFuse writes each item's document on its "
    "own (in a loop over the items)."
)


def _mongodb(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    if str(p.get("resource") or "document") != "document":
        raise unsupported(MONGODB, str(p.get("resource")), str(p.get("operation") or ""), SUPPORTED)
    op = str(p.get("operation") or "find")
    if op not in OPERATIONS:
        raise unsupported(MONGODB, "", op, SUPPORTED)
    config: dict[str, Any] = {
        "operation": OPERATIONS[op],
        "collection": required(cx, node, "collection", "collection"),
    }
    notes = [credential_note(MONGODB, "a connection string")]
    options = p.get("options") or {}
    for name in PARAMETERS:
        if _given(p.get(name)) or _given(options.get(name)):
            raise Refusal(
                f"fills its JSON's $1, $2 from {name}, which WorkFuse does not; write the "
                "values (or expressions) into the JSON in n8n and export again."
            )
    if op in ("find", "delete"):
        config["query"] = _json(cx, node, p.get("query", "{}"), "query")
    if op == "find":
        for name in ("sort", "projection"):
            if _given(options.get(name)):
                config[name] = _json(cx, node, options[name], name)
        if options.get("limit"):
            config["limit"] = options["limit"]
        if options.get("skip"):
            config["skip"] = options["skip"]
    if op == "aggregate":
        config["pipeline"] = _json(cx, node, p.get("query", ""), "pipeline")
        if config["pipeline"] in ("", None, []):
            raise Refusal("has no pipeline; write one in n8n and export again.")
    if op in ("find", "aggregate"):
        notes.append("Its documents are the node's items (n8n emitted one item per document).")
        return Converted("app.mongodb", config, notes=notes, spec={"items": "documents"})
    if op == "delete":
        notes.append("n8n output {deletedCount}; WorkFuse outputs {deleted_count}.")
        return Converted("app.mongodb", config, notes=notes)
    config |= _written(node, cx, op)
    notes += [ONE_BY_ONE, "A field the item lacks fails the step; n8n wrote null."]
    if op == "insert":
        return Converted("app.mongodb", config, notes=notes, spec={"items": "documents"})
    if op != "update":
        notes.append(
            "n8n output the fields it wrote; WorkFuse outputs the document found, as it is "
            "after the change (null when none had the key and upsert is off)."
        )
    return Converted("app.mongodb", config, notes=notes, spec={"data": "document"})


def _given(value: Any) -> bool:
    text = str(value or "").strip().removeprefix("=").strip()
    return text not in ("", "[]", "{}")


def _written(node: N8nNode, cx: Converter, op: str) -> dict[str, Any]:
    """The document of an insert or update: the item's fields named in Fields (and the update
    key), read from `$json`."""
    p = node.params
    options = p.get("options") or {}
    fields = [f.strip() for f in str(p.get("fields") or "").split(",") if f.strip()]
    config: dict[str, Any] = {}
    if op != "insert":
        key = str(p.get("updateKey") or "id").strip()
        fields = [key, *(f for f in fields if f != key)]
        config |= {"update_key": key, "upsert": bool(p.get("upsert"))}
    if not fields:
        raise Refusal("names no fields to write; list them under Fields in n8n and export again.")
    dotted = bool(options.get("useDotNotation"))

    def read(field: str) -> Any:
        parts = field.split(".") if dotted else [field]
        return cx.value("={{ $json" + "".join(f"[{json.dumps(x)}]" for x in parts) + " }}", node)

    document = {field: read(field) for field in fields}
    config["documents" if op == "insert" else "document"] = document
    if dotted and op in ("insert", "findOneAndReplace"):
        config["dot_notation"] = True
    dates = [d.strip() for d in str(options.get("dateFields") or "").split(",") if d.strip()]
    if dates:
        config["date_fields"] = dates
    return config


def _json(cx: Converter, node: N8nNode, value: Any, name: str) -> Any:
    """n8n's JSON setting as WorkFuse JSON: fixed JSON parsed; one whole expression a template
    (its value is read as JSON when the node runs); JSON with expressions inside parsed, each
    expression a template for the value it stands for."""
    if isinstance(value, dict | list):
        return value
    text = str(value if value is not None else "").strip()
    expression = text.startswith("=")
    text = text.removeprefix("=").strip()
    if not text:
        return None
    if expression and BLOCK.fullmatch(text):
        return cx.value("=" + text, node)
    found: list[str] = []

    def mark(match: re.Match[str]) -> str:
        found.append(match.group(0))
        before = text[: match.start()]
        inside = (len(re.findall(r'(?<!\\)"', before)) % 2) == 1
        return MARK.format(len(found) - 1) if inside else f'"{BARE}{MARK.format(len(found) - 1)}"'

    marked = BLOCK.sub(mark, text) if expression else text
    try:
        parsed = json.loads(marked, strict=False)  # the marks hold control characters
    except ValueError:
        raise Refusal(
            f"has a {name} that is not JSON ({text[:60]}); WorkFuse reads it as JSON."
        ) from None
    if not found:
        return parsed
    return _restore(cx, node, parsed, found, name)


def _restore(cx: Converter, node: N8nNode, value: Any, found: list[str], name: str) -> Any:
    if isinstance(value, dict):
        for key in value:
            if "\u0001wf" in key:
                raise Refusal(
                    f"builds a field name of its {name} with an expression; WorkFuse keeps "
                    "expressions to values."
                )
        return {k: _restore(cx, node, v, found, name) for k, v in value.items()}
    if isinstance(value, list):
        return [_restore(cx, node, v, found, name) for v in value]
    if not isinstance(value, str) or "\u0001wf" not in value:
        return value
    text = re.sub("\u0001wf(\\d+)\u0001", lambda m: found[int(m.group(1))], value.lstrip(BARE))
    return cx.value("=" + text, node)


SPECS: dict[str, Spec] = {f"{BASE}mongoDb": Spec(_mongodb, "")}
