"""n8n's Airtable, Notion, Postgres, AWS S3 and GitHub nodes as WorkFuse's `app.airtable`,
`app.notion`, `app.postgres`, `app.s3` and `app.github`, for the operations both sides have; the
others are refused by name. Operations that emit one n8n item per record say where the records
lie in WorkFuse's output (their Spec's `items`)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any

from editor.n8n.apps_base import credential_note, listed, locator, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

# --- ops ---
# isort: split
from editor.n8n import postgres_tables

# --- end ops ---
# isort: split
from editor.n8n import postgres_tool  # aitools: a Postgres tool whose model writes the SQL

AIRTABLE_ID = re.compile(r"\b((?:app|tbl|viw)[A-Za-z0-9]{10,})\b")
GITHUB_URL = re.compile(r"github\.com/([^/\s]+)(?:/([^/\s#?]+))?")
NOTION_TYPES: dict[str, Callable[[Any], Any]] = {
    "rich_text": lambda v: {"rich_text": [{"text": {"content": v}}]},
    "number": lambda v: {"number": v},
    "select": lambda v: {"select": {"name": v}},
    "status": lambda v: {"status": {"name": v}},
    "checkbox": lambda v: {"checkbox": v},
    "url": lambda v: {"url": v},
    "email": lambda v: {"email": v},
    "phone_number": lambda v: {"phone_number": v},
}
NOTION_VALUES = {
    "rich_text": "textContent",
    "number": "numberValue",
    "select": "selectValue",
    "status": "statusValue",
    "checkbox": "checkboxValue",
    "url": "urlValue",
    "email": "emailValue",
    "phone_number": "phoneValue",
}


def _per_node(
    key: str, many: Callable[[N8nNode], str | None]
) -> Callable[[N8nNode, Converter], Spec]:
    """A Spec whose `items` depends on the node's operation (`many` gives the path or None)."""

    def spec(node: N8nNode, cx: Converter) -> Spec:
        return dataclasses.replace(SPECS[key], per_node=None, items=many(node))

    return spec


# --- Airtable ------------------------------------------------------------------------------


def _airtable_id(cx: Converter, node: N8nNode, value: Any, what: str) -> Any:
    found = text(cx, node, value)
    if isinstance(found, str) and "airtable.com" in found:
        ids = AIRTABLE_ID.findall(found)
        wanted = {"base": "app", "table": "tbl"}[what]
        found = next((i for i in ids if i.startswith(wanted)), found)
    if not found:
        raise Refusal(f"has no {what}; choose one in n8n and export again.")
    return found


def _airtable(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    notes = [credential_note("Airtable", "a personal access token")]
    if node.version < 2:
        op = p.get("operation") or "read"
        if op not in ("list", "append", "read", "update", "delete"):  # airtable2
            # --- ops ---
            if op in ("search", "create", "upsert", "get", "deleteRecord"):  # version 2's
                raise Refusal(
                    f"does '{op}' in version 1 of n8n's Airtable node, which has no such "
                    "operation (n8n fails the node: its operations are append, delete, list, "
                    "read and update). Recreate the node as the current Airtable node in n8n "
                    "and export again."
                )
            # --- end ops ---
            raise unsupported("Airtable", "", op, AIRTABLE_V1_OPS)
        base, table = p.get("application"), p.get("table")
        extra = p.get("additionalOptions") or {}
        if op == "append":
            config: dict[str, Any] = {
                "operation": "create_records",
                "records": _airtable_v1_records(node, cx),
                **_airtable_v1_fields(node, cx, "addAllFields"),  # airtable2
            }
            if (p.get("options") or {}).get("typecast"):
                config["typecast"] = True
            all_records = False
        elif op != "list":  # airtable2
            config = _airtable_v1_by_id(node, cx, op)
            all_records = False
        else:
            config = {"operation": "list_records"}
            if extra.get("filterByFormula"):
                config["filter_by_formula"] = text(cx, node, extra["filterByFormula"])
            if extra.get("view"):
                config["view"] = text(cx, node, extra["view"])
            config.update(_airtable_list_shape(node, cx, extra, extra.get("sort")))  # airtable2
            all_records = p.get("returnAll", True)
    else:
        resource, op = operation(node, "record", {"record": "get", "base": "getMany"})
        if resource == "base":
            return _airtable_base(node, cx, op, notes)
        ops = ("create", "search", "update", "upsert", "get", "deleteRecord")  # airtable2
        if resource != "record" or op not in ops:
            raise unsupported("Airtable", resource, op, AIRTABLE_OPS)
        base, table = p.get("base"), p.get("table")
        options = p.get("options") or {}
        if op == "search":
            config = {"operation": "list_records"}
            if p.get("filterByFormula"):
                config["filter_by_formula"] = text(cx, node, p["filterByFormula"])
            if locator(options.get("view")):
                config["view"] = text(cx, node, options["view"])
            config["flatten"] = True  # n8n puts the fields beside the id
            config.update(_airtable_list_shape(node, cx, options, p.get("sort")))  # airtable2
            all_records = p.get("returnAll", True)
        elif op == "deleteRecord":  # airtable2
            config = {"operation": "delete_records", "record_ids": [_airtable_record_id(node, cx)]}
            all_records = False
        elif op != "get" and _airtable_automatic(node):  # airtable2
            config = _airtable_automap(node, cx, op, options)
            all_records = False
        elif op == "get":
            config = {"operation": "get_record", "record_id": text(cx, node, p.get("id", ""))}
            if not config["record_id"]:
                raise Refusal("gets a record without an id; give the record id in n8n.")
            config["flatten"] = True
            all_records = False
        else:
            fields = _airtable_fields(node, cx, notes)
            matching = [str(m) for m in (p.get("columns") or {}).get("matchingColumns") or []]
            if op == "create":
                config = {"operation": "create_records", "records": [fields]}
            elif op == "upsert":
                config = _airtable_upsert(fields, matching)
                if options.get("updateAllMatches"):
                    config["all_matches"] = True
            elif "id" in (matching or ["id"]):
                # n8n matches on the id alone whenever the id is among the matching columns.
                if "id" not in fields:
                    raise Refusal("updates records by id but maps no id; map the id in n8n.")
                record_id = fields.pop("id")
                config = {
                    "operation": "update_records",
                    "records": [{"id": record_id, "fields": fields}],
                }
            else:
                config = {
                    "operation": "update_records",
                    "match_fields": matching,
                    "records": [fields],
                }
                if options.get("updateAllMatches"):
                    config["all_matches"] = True
            if options.get("typecast"):
                config["typecast"] = True
            all_records = False
    config["base_id"] = _airtable_id(cx, node, base, "base")
    config["table"] = _airtable_id(cx, node, table, "table")
    if config["operation"] == "list_records":
        limit = p.get("limit", 100)
        config["max_records"] = 1000 if all_records else min(max(int(limit), 1), 1000)
        if all_records:
            notes.append("n8n read every record; WorkFuse reads at most 1000.")
        if node.version < 2:
            notes.append(AIRTABLE_SHAPE)
    return Converted("app.airtable", config, notes=notes)


# --- apps ---
AIRTABLE_OPS = (
    "it creates, gets, searches, updates, upserts and deletes records, lists bases and reads a "
    "base's schema"
)
AIRTABLE_SHAPE = "Records come as Airtable gives them ({id, createdTime, fields})."


def _airtable_upsert(fields: dict[str, Any], matching: list[str]) -> dict[str, Any]:
    """n8n's upsert: on other columns than the id, Airtable's performUpsert on them; on the id
    (whenever it is among the matching columns), the record with that id updated, or created
    when Airtable refuses the id."""
    if "id" in matching or not matching:
        record_id = fields.pop("id", "")
        return {
            "operation": "upsert_records",
            "fields_to_merge_on": ["id"],
            "records": [{"id": record_id, "fields": fields}],
        }
    if len(matching) > 3:
        raise Refusal(f"upserts matching on {len(matching)} columns; Airtable merges on at most 3.")
    missing = [name for name in matching if name not in fields]
    if missing:
        raise Refusal(f"upserts matching on {', '.join(missing)} but maps no value for it.")
    return {"operation": "upsert_records", "fields_to_merge_on": matching, "records": [fields]}


def _airtable_base(node: N8nNode, cx: Converter, op: str, notes: list[str]) -> Converted:
    if op == "getSchema":
        config = {
            "operation": "get_base_schema",
            "base_id": _airtable_id(cx, node, node.params.get("base"), "base"),
        }
        return Converted("app.airtable", config, notes=notes)
    if op != "getMany":
        raise unsupported("Airtable", "base", op, AIRTABLE_OPS)
    options = node.params.get("options") or {}
    if options.get("permissionLevel"):
        raise Refusal(
            "lists only the bases with some permission levels; WorkFuse lists every base the "
            "token reaches (a Filter node after it can keep some)."
        )
    if not node.params.get("returnAll", False):
        notes.append(
            f"n8n returned the first {node.params.get('limit', 100)} bases; WorkFuse lists all."
        )
    return Converted("app.airtable", {"operation": "list_bases"}, notes=notes)


def _airtable_v1_records(node: N8nNode, cx: Converter) -> Any:
    """Version 1's append: the input item, whose fields `_airtable_v1_fields` picks."""
    return "[{{ " + _airtable_item(node, cx, "appends") + " | tojson }}]"


# --- end apps ---


def _airtable_fields(node: N8nNode, cx: Converter, notes: list[str]) -> dict[str, Any]:
    columns = node.params.get("columns") or {}
    if (columns.get("mappingMode") or "defineBelow") != "defineBelow":
        raise Refusal(
            "maps the input's fields to columns automatically; WorkFuse needs the columns "
            "named. Map them one by one in n8n and export again."
        )
    fields = {str(k): text(cx, node, v) for k, v in (columns.get("value") or {}).items()}
    if not fields:
        raise Refusal("sets no fields; map them in n8n and export again.")
    return fields


def _airtable_many(node: N8nNode) -> str | None:
    p = node.params
    op = p.get("operation") or ("read" if node.version < 2 else "get")
    if p.get("resource") == "base":
        return "tables" if op == "getSchema" else "bases"
    if op == "update" and node.version >= 2:  # airtable2: version 1 updates by id
        matching = (p.get("columns") or {}).get("matchingColumns") or ["id"]
        return None if "id" in matching else "records"
    return "records" if op in ("search", "list", "upsert", "append") else None


# --- airtable2 ---
def _airtable_spec(node: N8nNode, cx: Converter) -> Spec:
    """Airtable's Spec for this node: where its items lie, and for the operations that emit
    one record per input item (create, update by id, delete) that record (`records[0]`)."""
    many = _airtable_many(node)
    p = node.params
    one = p.get("resource") != "base" and p.get("operation") in (
        "create",
        "update",
        "delete",
        "deleteRecord",
    )
    data = "records[0]" if many is None and one else ""
    return dataclasses.replace(SPECS[f"{BASE}airtable"], per_node=None, items=many, data=data)


# --- end airtable2 ---


# --- airtable2 ---
AIRTABLE_V1_OPS = "version 1 imports its append, delete, list, read and update operations"


def _airtable_item(node: N8nNode, cx: Converter, does: str) -> str:
    """The Jinja expression of the node's input item (n8n's `$json`)."""
    whole = cx.expression("{{ $json }}", node)
    inner = re.fullmatch(r"\{\{ (.+) \}\}", whole)
    if inner is None:
        raise Refusal(f"{does} the input item's fields, which WorkFuse cannot read here.")
    return inner.group(1)


def _airtable_v1_fields(node: N8nNode, cx: Converter, every: str) -> dict[str, Any]:
    """Version 1's append and update send the input item's fields: all but its id (the
    default; update also leaves out options.ignoreFields), or the fields named, whose names
    may be expressions (n8n sends the item's field of the name the expression gives)."""
    p = node.params
    if p.get(every, True):
        ignored = listed(cx, node, (p.get("options") or {}).get("ignoreFields") or "")
        return {"ignore_fields": ["id", *[i for i in ignored if i != "id"]]}
    names = [cx.value(n, node) for n in p.get("fields") or []]
    if not names:  # n8n then sends a record without fields
        return {"records": [{"id": "", "fields": {}}] if every == "updateAllFields" else [{}]}
    return {"keep_fields": [str(n) for n in names]}


def _airtable_record_id(node: N8nNode, cx: Converter) -> Any:
    record_id = text(cx, node, node.params.get("id", ""))
    if record_id in ("", None):
        raise Refusal("names no record id; give the record's id in n8n and export again.")
    return record_id


def _airtable_v1_by_id(node: N8nNode, cx: Converter, op: str) -> dict[str, Any]:
    """Version 1's read, update and delete: one record, by the id its `id` setting gives."""
    record_id = _airtable_record_id(node, cx)
    if op == "read":
        return {"operation": "get_record", "record_id": record_id}
    if op == "delete":
        return {"operation": "delete_records", "record_ids": [record_id]}
    item = _airtable_item(node, cx, "updates")
    config: dict[str, Any] = {
        "operation": "update_records",
        "records": [{"id": record_id, "fields": "{{ " + item + " }}"}],
        **_airtable_v1_fields(node, cx, "updateAllFields"),
    }
    if not config["records"][0]["id"]:  # no fields named: the record's fields stay as they are
        config["records"] = [{"id": record_id, "fields": {}}]
    if (node.params.get("options") or {}).get("typecast"):
        config["typecast"] = True
    return config


def _airtable_list_shape(node: N8nNode, cx: Converter, options: Any, sort: Any) -> dict[str, Any]:
    """A list's output fields (v1 additionalOptions.fields, v2 options.fields) and its sort
    (v1 additionalOptions.sort, v2 sort: {property: [{field, direction}]})."""
    if node.params.get("downloadAttachments") or (
        isinstance(options, dict) and options.get("downloadFields")
    ):
        raise Refusal(
            "downloads the records' attachments as n8n binary data; WorkFuse gives the "
            "attachments' URLs (an HTTP Request node can download them). Turn the download off "
            "in n8n and export again."
        )
    config: dict[str, Any] = {}
    fields = options.get("fields") if isinstance(options, dict) else None
    if fields:
        names = fields if isinstance(fields, list) else listed(cx, node, fields)
        config["fields"] = [str(cx.value(n, node)) for n in names]
    rules = sort.get("property") if isinstance(sort, dict) else None
    if isinstance(rules, list) and rules:
        config["sort"] = [
            {
                "field": str(cx.value(r.get("field", ""), node)),
                "direction": r.get("direction", "asc"),
            }
            for r in rules
            if isinstance(r, dict)
        ]
    return config


def _airtable_automatic(node: N8nNode) -> bool:
    columns = node.params.get("columns") or {}
    return isinstance(columns, dict) and columns.get("mappingMode") == "autoMapInputData"


def _airtable_automap(
    node: N8nNode, cx: Converter, op: str, options: dict[str, Any]
) -> dict[str, Any]:
    """n8n's "map automatically": the input item's fields are the columns, less
    options.ignoreFields; matching on the id (update, upsert), the item's id names the record
    and is not sent as a field."""
    records = "[{{ " + _airtable_item(node, cx, "maps") + " | tojson }}]"
    matching = [str(m) for m in (node.params.get("columns") or {}).get("matchingColumns") or []]
    config: dict[str, Any] = {"records": records}
    ignored = listed(cx, node, options.get("ignoreFields") or "")
    if ignored:
        config["ignore_fields"] = ignored
    if op == "create":
        config["operation"] = "create_records"
    elif op == "update" and (matching[:1] or ["id"]) == ["id"]:
        config["operation"] = "update_records"
    elif op == "update":
        config.update(operation="update_records", match_fields=matching[:1])
    elif "id" in matching or not matching:
        config.update(operation="upsert_records", fields_to_merge_on=["id"])
    else:
        if len(matching) > 3:
            raise Refusal(
                f"upserts matching on {len(matching)} columns; Airtable merges on at most 3."
            )
        config.update(operation="upsert_records", fields_to_merge_on=matching)
    on_fields = config.get("match_fields") or config.get("fields_to_merge_on") or ["id"]
    if options.get("updateAllMatches") and on_fields != ["id"]:
        config["all_matches"] = True
    if options.get("typecast"):
        config["typecast"] = True
    return config


# --- end airtable2 ---


# --- Notion --------------------------------------------------------------------------------


def _notion(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    resource, op = operation(
        node,
        "page",
        {"databasePage": "create", "page": "create", "database": "get", "block": "append"},
    )
    if (resource, op) not in NOTION_OPS:
        raise unsupported("Notion", resource, op, NOTION_SUPPORTED)
    notes = [credential_note("Notion", "an integration token; share the database with it")]
    if resource != "databasePage" or op not in ("create", "getAll"):
        return _notion_more(node, cx, resource, op, notes)
    database = text(cx, node, p.get("databaseId"))
    if not database:
        raise Refusal("has no database; choose one in n8n and export again.")
    if op == "getAll":
        kind = p.get("filterType") or "none"
        config: dict[str, Any] = {"operation": "query_database", "database_id": database}
        if kind == "manual":
            config["filter"] = _notion_filter(node, cx, notes)
        if kind == "json" and p.get("filterJson"):
            config["filter"] = text(cx, node, p["filterJson"])
        config["page_size"] = (
            100 if p.get("returnAll") else min(max(int(p.get("limit", 50)), 1), 100)
        )
        if p.get("returnAll"):
            notes.append(
                "n8n read every page; WorkFuse reads the first 100 (next_cursor for more)."
            )
        if p.get("simple", True):
            config["simplify"] = True
        return Converted("app.notion", config, notes=notes)
    config = {"operation": "create_page", "parent_type": "database", "parent_id": database}
    if p.get("title"):
        config["title"] = text(cx, node, p["title"])
    properties = _notion_properties(node, cx, config)
    if properties:
        config["properties"] = properties
    # --- struct2 ---
    if (p.get("blockUi") or {}).get("blockValues"):
        config["children"] = _notion_blocks(node, cx, p["blockUi"]["blockValues"])
    # --- end struct2 ---
    if p.get("simple", True):
        config["simplify"] = True
    return Converted("app.notion", config, notes=notes)


# --- struct2 ---
NOTION_BLOCK_TYPES = (
    "paragraph",
    "heading_1",
    "heading_2",
    "heading_3",
    "toggle",
    "to_do",
    "bulleted_list_item",
    "numbered_list_item",
    "image",
)


def _notion_blocks(node: N8nNode, cx: Converter, rows: Any) -> list[dict[str, Any]]:
    """n8n's blocks given field by field as Notion block objects, as its formatBlocks makes
    them: a type (paragraph by default), its text as one text run (the `rich_text` of Notion's
    API version WorkFuse speaks), a to-do's checked, an image's external URL."""
    blocks = []
    for row in rows if isinstance(rows, list) else []:
        if not isinstance(row, dict):
            continue
        kind = str(row.get("type") or "paragraph")
        if kind not in NOTION_BLOCK_TYPES:
            raise Refusal(f"adds a '{kind}' block, which n8n's Notion node does not list.")
        inner: dict[str, Any] = {}
        if kind == "to_do" and "checked" in row:
            inner["checked"] = cx.value(row["checked"], node)
        if kind == "image":
            inner = {"type": "external", "external": {"url": text(cx, node, row.get("url", ""))}}
        elif row.get("richText"):
            raise Refusal(
                "adds a block of rich text given run by run (Rich Text on); WorkFuse takes the "
                "block's text as one run. Turn Rich Text off in n8n (or write the blocks as "
                "JSON) and export again."
            )
        else:
            content = text(cx, node, row.get("textContent", ""))
            inner["rich_text"] = [{"type": "text", "text": {"content": content}}]
        blocks.append({"object": "block", "type": kind, kind: inner})
    return blocks


# --- end struct2 ---


def _notion_properties(
    node: N8nNode, cx: Converter, config: dict[str, Any] | None
) -> dict[str, Any]:
    """n8n's property rows as Notion's property values; a title row goes to `config`'s title
    when given (create_page's shortcut), else into the properties."""
    properties: dict[str, Any] = {}
    for row in (node.params.get("propertiesUi") or {}).get("propertyValues") or []:
        name, _, kind = str(row.get("key") or "").rpartition("|")
        if kind == "title":
            title = text(cx, node, row.get("title", ""))
            if config is not None:
                config["title"] = title
                config["title_property"] = name
            else:
                properties[name] = {"title": [{"text": {"content": title}}]}
            continue
        if kind == "multi_select":
            values = row.get("multiSelectValue") or []
            names = values if isinstance(values, list) else listed(cx, node, values)
            properties[name] = {"multi_select": [{"name": text(cx, node, v)} for v in names]}
            continue
        if kind == "date":
            properties[name] = {"date": {"start": text(cx, node, row.get("date", ""))}}
            continue
        if kind not in NOTION_TYPES or row.get("richText"):
            raise Refusal(
                f"sets the {kind or 'unknown'} property '{name}' in a way WorkFuse cannot "
                "write; WorkFuse writes title, text, number, select, multi-select, status, "
                "date, checkbox, URL, email and phone properties."
            )
        properties[name] = NOTION_TYPES[kind](text(cx, node, row.get(NOTION_VALUES[kind], "")))
    return properties


# --- apps ---
NOTION_OPS = {
    ("databasePage", "create"),
    ("databasePage", "getAll"),
    ("databasePage", "get"),
    ("databasePage", "update"),
    ("page", "create"),
    ("page", "get"),
    ("database", "get"),
    ("block", "getAll"),
    # --- struct2 ---
    ("database", "getAll"),
    ("page", "archive"),
    # --- end struct2 ---
}
NOTION_SUPPORTED = (
    "it creates, gets, updates and archives pages, queries, reads and lists databases and "
    "lists blocks"
)
# n8n's filter conditions: the value's parameter per property type (n8n reads
# `<camelCase type>Value`, the last edited time from `lastEditedTime`, a date from `date`).
NOTION_FILTER_VALUES = {
    "title": "titleValue",
    "rich_text": "richTextValue",
    "number": "numberValue",
    "checkbox": "checkboxValue",
    "select": "selectValue",
    "multi_select": "multiSelectValue",
    "status": "statusValue",
    "url": "urlValue",
    "email": "emailValue",
    "phone_number": "phoneNumberValue",
    "people": "peopleValue",
    "relation": "relationValue",
    "created_by": "createdByValue",
    "last_edited_by": "lastEditedByValue",
    "created_time": "createdTimeValue",
    "last_edited_time": "lastEditedTime",
    "date": "date",
}
NOTION_EMPTY = {"is_empty", "is_not_empty"}
NOTION_RELATIVE = {"past_week", "past_month", "past_year", "next_week", "next_month", "next_year"}


def _notion_filter(node: N8nNode, cx: Converter, notes: list[str]) -> dict[str, Any]:
    """n8n's filter builder as Notion's filter: each condition {property, <type>: {<condition>:
    value}}, all of them inside `or` (n8n's "any filter", its default) or `and`."""
    p = node.params
    conditions = []
    for row in (p.get("filters") or {}).get("conditions") or []:
        name, _, kind = str(row.get("key") or "").rpartition("|")
        condition = str(row.get("condition") or "equals")
        if kind not in NOTION_FILTER_VALUES or kind == "formula":
            raise Refusal(
                f"filters on the {kind or 'unknown'} property '{name}', which WorkFuse does not "
                "translate; choose 'JSON' filters in n8n and export again."
            )
        if condition in NOTION_EMPTY:
            value: Any = True
        elif condition in NOTION_RELATIVE:
            value = {}
        else:
            value = text(cx, node, row.get(NOTION_FILTER_VALUES[kind], ""))
            if kind == "date" and value:
                notes.append(
                    f"n8n read the date of the '{name}' filter in the workflow's time zone and "
                    "sent it in UTC; WorkFuse sends it as written (give it with its offset)."
                )
        conditions.append({"property": name, kind: {condition: value}})
    if not conditions:
        raise Refusal("filters with the condition builder but sets no condition.")
    return {("or" if (p.get("matchType") or "anyFilter") == "anyFilter" else "and"): conditions}


def _notion_more(
    node: N8nNode, cx: Converter, resource: str, op: str, notes: list[str]
) -> Converted:
    """Notion's operations beyond creating and querying database pages."""
    p = node.params
    simple = p.get("simple", True)
    # --- struct2 ---
    if (resource, op) == ("database", "getAll"):
        # n8n searches the databases shared with the integration (POST /search).
        config: dict[str, Any] = {"operation": "list_databases"}
        if p.get("returnAll"):
            config["page_size"] = 100
            notes.append(
                "n8n read every database; WorkFuse reads the first 100 (next_cursor for more)."
            )
        else:
            config["page_size"] = min(max(int(p.get("limit", 50)), 1), 100)
        if simple:
            config["simplify"] = True
        return Converted("app.notion", config, notes=notes)
    if (resource, op) == ("page", "archive"):
        config = {
            "operation": "update_page",
            "page_id": text(cx, node, p.get("pageId")),
            "archived": True,
        }
        if not config["page_id"]:
            raise Refusal("has no page to archive; choose one in n8n and export again.")
        if simple:
            config["simplify"] = True
        return Converted("app.notion", config, notes=notes)
    # --- end struct2 ---
    if (resource, op) == ("database", "get"):
        config = {
            "operation": "get_database",
            "database_id": text(cx, node, p.get("databaseId")),
        }
        if simple:
            config["simplify"] = True
    elif resource == "block":
        config = {"operation": "list_blocks", "block_id": text(cx, node, p.get("blockId"))}
        if p.get("fetchNestedBlocks"):
            config["nested"] = True
        if not p.get("returnAll"):
            config["limit"] = min(max(int(p.get("limit", 50)), 1), 1000)
        if node.version > 2 and p.get("simplifyOutput", True):
            config["simplify"] = True
    elif op == "get":
        config = {"operation": "get_page", "page_id": text(cx, node, p.get("pageId"))}
        if resource == "databasePage" and simple:
            config["simplify"] = True
    elif op == "update":
        config = {"operation": "update_page", "page_id": text(cx, node, p.get("pageId"))}
        properties = _notion_properties(node, cx, None)
        if properties:
            config["properties"] = properties
        if (p.get("blockUi") or {}).get("blockValues"):
            raise Refusal("adds content blocks field by field; WorkFuse takes them as JSON.")
        if not properties:
            raise Refusal("updates no property; set one in n8n and export again.")
        if simple:
            config["simplify"] = True
    else:  # a page under a page
        config = {
            "operation": "create_page",
            "parent_type": "page",
            "parent_id": text(cx, node, p.get("pageId")),
            "title": text(cx, node, p.get("title", "")),
        }
        # --- struct2 ---
        if (p.get("blockUi") or {}).get("blockValues"):
            config["children"] = _notion_blocks(node, cx, p["blockUi"]["blockValues"])
        # --- end struct2 ---
        if simple:
            config["simplify"] = True
    target = next(
        config[k] for k in ("database_id", "block_id", "page_id", "parent_id") if k in config
    )
    if not target:
        raise Refusal(f"has no {resource} to {op}; choose one in n8n and export again.")
    return Converted("app.notion", config, notes=notes)


# --- end apps ---


def _notion_many(node: N8nNode) -> str | None:
    return "results" if node.params.get("operation") == "getAll" else None  # pages, blocks


# --- Postgres ------------------------------------------------------------------------------


def _postgres(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    op = p.get("operation") or "insert"
    # --- ops ---
    if op in postgres_tables.OPERATIONS:
        return postgres_tables.convert(node, cx, op)
    # --- end ops ---
    if op != "executeQuery":
        raise unsupported("PostgreSQL", "", op, "it runs the SQL query you write")
    if node.raw.get(postgres_tool.MODEL_SQL):  # a companion running the SQL its model writes
        return postgres_tool.given(node, cx)
    notes = [credential_note("PostgreSQL", "a connection")]
    sql = str(p.get("query") or "")
    # n8n fills every {{ }} of the query, expression or not (its getResolvables).
    if "{{" in sql:
        raise Refusal(
            "builds its SQL with expressions; WorkFuse keeps values out of the SQL text. Use "
            "query parameters ($1, $2 with 'Query Parameters') in n8n and export again."
        )
    sql = sql.removeprefix("=")
    if node.version < 2:
        if (p.get("additionalFields") or {}).get("queryParams"):
            raise Refusal("takes query parameters from item fields; use version 2 in n8n.")
        replacements: list[str] = []
    else:
        replacements = _replacements((p.get("options") or {}).get("queryReplacement") or "")
    # n8n's $1, $2 become named parameters; a literal % must be doubled for psycopg.
    config: dict[str, Any] = {"operation": "query", "sql": ""}
    parameters: dict[str, Any] = {}

    def named(match: re.Match[str]) -> str:
        index = int(match.group(1))
        if index < 1 or index > len(replacements):
            raise Refusal(f"uses ${index} but gives {len(replacements)} query parameters.")
        parameters[f"p{index}"] = text(cx, node, replacements[index - 1])
        return f"%(p{index})s"

    config["sql"] = re.sub(r"\$(\d+)", named, sql.replace("%", "%%"))
    if not config["sql"].strip():
        raise Refusal("has no query; write one in n8n and export again.")
    if parameters:
        config["parameters"] = parameters
    notes.append("n8n emitted one item per row (or {success: true}); WorkFuse lists them in rows.")
    return Converted("app.postgres", config, notes=notes)


def _replacements(value: Any) -> list[str]:
    """n8n's "Query Parameters": values separated by commas outside `{{ }}`."""
    if isinstance(value, list):
        return [str(v) for v in value]
    raw = str(value)
    expression = raw.startswith("=")
    body = raw.removeprefix("=")
    if expression and re.fullmatch(r"\s*\{\{\s*\[.*\]\s*\}\}\s*", body, re.S):
        raise Refusal(
            "gives its query parameters as one array expression; list them separated by "
            "commas in n8n and export again."
        )
    parts, depth, current = [], 0, ""
    index = 0
    while index < len(body):
        if body.startswith("{{", index):
            depth, current, index = depth + 1, current + "{{", index + 2
            continue
        if body.startswith("}}", index):
            depth, current, index = max(depth - 1, 0), current + "}}", index + 2
            continue
        if body[index] == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += body[index]
        index += 1
    parts.append(current)
    prefix = "=" if expression else ""
    return [prefix + part.strip() for part in parts if part.strip()]


# --- S3 ------------------------------------------------------------------------------------


def _s3(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    resource, op = operation(node, "file", {"file": "download"})
    if resource != "file" or op not in ("upload", "download", "getAll"):
        raise unsupported("S3", resource, op, "it uploads, downloads and lists files")
    notes = [credential_note("S3", "an access key")]
    config: dict[str, Any] = {"bucket": text(cx, node, p.get("bucketName", ""))}
    if op == "upload":
        folder = str((p.get("additionalFields") or {}).get("parentFolderKey") or "")
        # --- files2 ---
        if p.get("binaryData", True):
            # n8n (AwsS3 `execute`, file:upload) sends the item's file with its MIME type, under
            # the File Name, else the file's own name.
            made = cx.file_ref(node, p.get("binaryPropertyName") or "data")
            path = made.removeprefix("{{ ").removesuffix(" }}")
            named = p.get("fileName")
            name = text(cx, node, named) if named else "{{ " + path + ".filename }}"
            if isinstance(named, str) and "binary" in named:
                name = _binary_name(cx, node, named, path)
            config.update(
                operation="put_object",
                key=(folder.rstrip("/") + "/" if folder else "") + str(name),
                content="{{ " + path + ".content }}",
                encoding="base64",
                content_type="{{ " + path + ".content_type }}",
            )
            return Converted("app.s3", config, notes=notes)
        # --- end files2 ---
        name = text(cx, node, p.get("fileName", ""))
        config.update(
            operation="put_object",
            key=(folder.rstrip("/") + "/" if folder else "") + str(name),
            content=text(cx, node, p.get("fileContent", "")),
        )
    elif op == "download":
        config.update(operation="get_object", key=text(cx, node, p.get("fileKey", "")))
        notes.append(
            "n8n put the file in binary data; WorkFuse gives its content as text (or base64) in "
            "content."
        )
    else:
        config.update(operation="list_objects")
        prefix = (p.get("options") or {}).get("folderKey")
        if prefix:
            config["prefix"] = text(cx, node, prefix)
        config["max_keys"] = (
            1000 if p.get("returnAll") else min(max(int(p.get("limit", 100)), 1), 1000)
        )
        if p.get("returnAll"):
            notes.append("n8n listed every file; WorkFuse lists at most 1000 per run.")
    return Converted("app.s3", config, notes=notes)


# --- files2 ---
# A File Name that is the name of an item's file: `$binary.<p>.fileName`, `$json.binary...`,
# `$input.item.binary...`, `$node["X"].binary...`, `$('X').item.binary...` (or `.first()`).
BINARY_NAME = re.compile(
    r"^=\s*\{\{\s*(?:\$binary|\$json\.binary|\$input\.item\.binary"
    r"|\$node\[\s*[\"']([^\"']+)[\"']\s*\]\.binary"
    r"|\$\(\s*[\"']([^\"']+)[\"']\s*\)\.(?:item|first\(\))\.binary)"
    r"\s*(?:\.(\w+)|\[\s*[\"'](\w+)[\"']\s*\])\s*\.fileName\s*\}\}\s*$"
)


def _binary_name(cx: Converter, node: N8nNode, named: str, path: str) -> str:
    """The S3 key n8n made of a File Name reading a file's name, when that file is the one
    uploaded: the uploaded file's name. Refusal for other reads of binary data."""
    match = BINARY_NAME.match(named)
    if match:
        source = match.group(1) or match.group(2)
        prop = match.group(3) or match.group(4)
        if source is None:
            read = cx.file_ref(node, prop).removeprefix("{{ ").removesuffix(" }}")
        else:
            read = cx.file_made_by(source, prop) or ""
        if read == path:
            return "{{ " + path + ".filename }}"
    raise Refusal(
        f"names the file from n8n binary data in an expression ({named}); the importer follows "
        "the uploaded file's own name only. Leave File Name empty in n8n (n8n then uses the "
        "file's name), or write the name out, then export again."
    )


# --- end files2 ---
def _s3_many(node: N8nNode) -> str | None:
    return "objects" if node.params.get("operation") == "getAll" else None


# --- GitHub --------------------------------------------------------------------------------


def _github_names(cx: Converter, node: N8nNode) -> tuple[Any, Any]:
    owner, repo = node.params.get("owner"), node.params.get("repository")
    owner_text, repo_text = text(cx, node, owner), text(cx, node, repo)
    for value in (owner_text, repo_text):
        match = GITHUB_URL.search(value) if isinstance(value, str) else None
        if match:
            if value is owner_text:
                owner_text = match.group(1)
            else:
                owner_text, repo_text = match.group(1), match.group(2) or repo_text
    if not owner_text or not repo_text:
        raise Refusal("has no owner or repository; choose them in n8n and export again.")
    return owner_text, repo_text


def _github(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    resource, op = operation(
        node, "issue", {"issue": "create", "file": "create", "repository": "getIssues"}
    )
    if (resource, op) not in (
        ("issue", "create"),
        ("issue", "createComment"),
        ("file", "get"),
        *(("file", write) for write in GITHUB_FILE_WRITES),
        ("repository", "getIssues"),
        *(("repository", read) for read in GITHUB_REPOSITORY_READS),  # ops
    ):
        raise unsupported(
            "GitHub",
            resource,
            op,
            "it creates issues and comments, lists issues, reads, creates, edits and deletes "
            "files and reads a repository's details, license and community profile",
        )
    owner, repo = _github_names(cx, node)
    config: dict[str, Any] = {"owner": owner, "repo": repo}
    notes = [credential_note("GitHub", "an access token")]
    # --- ops ---
    if resource == "repository" and op in GITHUB_REPOSITORY_READS:
        # n8n (Github `execute`): one GET of /repos/{owner}/{repo}[/license|/community/profile],
        # GitHub's answer as the item.
        config["operation"] = GITHUB_REPOSITORY_READS[op]
        return Converted("app.github", config, notes=notes)
    # --- end ops ---
    if resource == "file" and op in GITHUB_FILE_WRITES:
        return _github_file_write(node, cx, config, notes, GITHUB_FILE_WRITES[op])
    if (resource, op) == ("issue", "create"):
        labels = [r.get("label") for r in _rows(p.get("labels"), "label")]
        assignees = [r.get("assignee") for r in _rows(p.get("assignees"), "assignee")]
        config.update(operation="create_issue", title=text(cx, node, p.get("title", "")))
        if p.get("body"):
            config["body"] = text(cx, node, p["body"])
        if any(labels):
            config["labels"] = [text(cx, node, label) for label in labels if label]
        if any(assignees):
            config["assignees"] = [text(cx, node, a) for a in assignees if a]
    elif op == "createComment":
        config.update(
            operation="comment",
            issue_number=text(cx, node, p.get("issueNumber", 0)),
            body=text(cx, node, p.get("body", "")),
        )
    elif op == "get":
        config.update(operation="get_file", path=text(cx, node, p.get("filePath", "")))
        reference = (p.get("additionalParameters") or {}).get("reference")
        if reference:
            config["ref"] = text(cx, node, reference)
        # --- files2 ---
        if p.get("asBinaryProperty", True):
            # n8n (Github `execute`, file:get) keeps the input item's json and files and adds
            # the file, named by its path, in the binary property.
            prop = str(p.get("binaryPropertyName") or "data")
            if prop.startswith("="):
                raise Refusal(
                    f"names the binary property of the file with an expression ({prop}); "
                    "WorkFuse follows a file by a fixed property name. Set a name in n8n and "
                    "export again."
                )
            config["as_file"] = True
            made = ((prop, f"nodes.{node.id}.file"),)
            return Converted("app.github", config, notes=notes, spec={"data": None, "binary": made})
        # --- end files2 ---
    else:
        filters = p.get("getRepositoryIssuesFilters") or {}
        config.update(operation="list_issues", state=filters.get("state") or "open")
        if filters.get("labels"):
            config["labels"] = listed(cx, node, filters["labels"])
        if filters.get("since"):
            config["since"] = text(cx, node, filters["since"])
        config["per_page"] = (
            100 if p.get("returnAll") else min(max(int(p.get("limit", 50)), 1), 100)
        )
        dropped = sorted(set(filters) - {"state", "labels", "since"})
        if p.get("returnAll"):
            notes.append("n8n read every issue; WorkFuse reads the newest 100.")
        if dropped:
            notes.append(f"n8n's issue filters {', '.join(dropped)} are not carried over.")
    return Converted("app.github", config, notes=notes)


GITHUB_FILE_WRITES = {"create": "create_file", "edit": "edit_file", "delete": "delete_file"}


def _github_file_write(
    node: N8nNode, cx: Converter, config: dict[str, Any], notes: list[str], kind: str
) -> Converted:
    """n8n (Github `execute`, file create/edit/delete): a PUT or DELETE of the contents API
    committing `commitMessage`, edits and deletes first reading the file's sha on the branch;
    the item is GitHub's answer ({content, commit}), as WorkFuse's output."""
    p = node.params
    config.update(
        operation=kind,
        path=text(cx, node, str(p.get("filePath") or "").rstrip("/")),
        message=text(cx, node, p.get("commitMessage", "")),
    )
    extra = p.get("additionalParameters") or {}
    branch = (extra.get("branch") or {}).get("branch") if isinstance(extra, dict) else None
    if branch:
        config["branch"] = text(cx, node, branch)
    author = extra.get("author") if isinstance(extra, dict) else None
    if isinstance(author, dict) and author:
        config["author"] = {
            k: text(cx, node, v) for k, v in author.items() if k in ("name", "email")
        }
    if isinstance(extra, dict) and extra.get("committer"):
        notes.append("n8n set a committer; GitHub commits as the token's user here.")
    if kind == "delete_file":
        return Converted("app.github", config, notes=notes)
    if p.get("binaryData"):
        config["file"] = cx.file_ref(node, p.get("binaryPropertyName"))
    else:
        config["content"] = text(cx, node, p.get("fileContent", ""))
        notes.append(
            "The content is sent as UTF-8 text; n8n sent text that was already valid base64 as "
            "it was (as file content)."
        )
    return Converted("app.github", config, notes=notes)


# --- ops ---
GITHUB_REPOSITORY_READS = {
    "get": "get_repository",
    "getLicense": "get_license",
    "getProfile": "get_community_profile",
}
# --- end ops ---


def _rows(value: Any, key: str) -> list[dict[str, Any]]:
    """n8n's label/assignee collections: {"label": "bug"} or a list of them."""
    if isinstance(value, dict):
        value = [value]
    return [v for v in value or [] if isinstance(v, dict) and v.get(key)]


def _github_many(node: N8nNode) -> str | None:
    _, op = operation(node, "issue", {"repository": "getIssues"})
    return "issues" if op == "getIssues" else None


SPECS: dict[str, Spec] = {
    f"{BASE}airtable": Spec(_airtable, "", per_node=_airtable_spec),  # airtable2
    f"{BASE}notion": Spec(_notion, "", per_node=_per_node(f"{BASE}notion", _notion_many)),
    f"{BASE}postgres": Spec(_postgres, "", items="rows"),
    f"{BASE}awsS3": Spec(_s3, "", per_node=_per_node(f"{BASE}awsS3", _s3_many)),
    f"{BASE}s3": Spec(_s3, "", per_node=_per_node(f"{BASE}s3", _s3_many)),
    f"{BASE}github": Spec(_github, "", per_node=_per_node(f"{BASE}github", _github_many)),
}
