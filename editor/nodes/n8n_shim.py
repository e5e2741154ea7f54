"""n8n's names for Python code (n8n's Code node in Python, Pyodide flavour), executed inside
action.code's WebAssembly interpreter by python_prelude.py; never imported by the server.

The JavaScript twin is n8n_shim.js: the same data arrives (action_code._n8n_data, plus `now`:
the time in the n8n workflow's zone, as ISO text) and the result has the same shape, the list
of the returned items' json. The code sees `_input` (`.all()`, `.first()`, `.last()`, `.item`),
`_json`, `_items` and `items`, `_('Node')`, `_node['Node']`, `_prev_node`, `_now`, `_today`,
`_execution`, `_workflow`, `_runIndex`, `_itemIndex` (and `_item`, `item` per item). Items and
their json are JsProxy-like views over the data: `item.json.x`, `item['json']['x']`,
`item.json.x = 1` (kept in `_input.all()`), `.get()` and `.to_py()` (a plain copy). Files
(n8n's `binary`) are not available to Python code.
"""

from __future__ import annotations

import datetime

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import Any

ITEM_KEYS = frozenset({"json", "binary", "pairedItem", "error", "index"})
NOT_ITEMS = (
    "Code doesn't return items properly: return a list of dicts, one for each item you would "
    "like to output"
)


def wrap(value: Any) -> Any:
    if isinstance(value, dict):
        return JsObject(value)
    if isinstance(value, list):
        return JsArray(value)
    return value


def plain(value: Any) -> Any:
    """Python data without views, copied (Pyodide's to_py())."""
    if isinstance(value, (JsObject, JsArray)):
        value = value._data
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


class JsObject:
    """An object as Pyodide's JsProxy shows it: keys read as attributes or by subscript (a key
    before a method of the same name), assignable both ways, on the data itself."""

    __slots__ = ("_data",)

    def __init__(self, data: dict[str, Any]) -> None:
        object.__setattr__(self, "_data", data)

    def __getattribute__(self, name: str) -> Any:
        data = object.__getattribute__(self, "_data")
        if name in data and name != "_data" and not name.startswith("__"):
            return wrap(data[name])
        return object.__getattribute__(self, name)

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(f"the object has no key {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        self._data[name] = plain(value)

    def __delattr__(self, name: str) -> None:
        del self._data[name]

    def __getitem__(self, key: str) -> Any:
        return wrap(self._data[key])

    def __setitem__(self, key: str, value: Any) -> None:
        self._data[key] = plain(value)

    def __delitem__(self, key: str) -> None:
        del self._data[key]

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __eq__(self, other: object) -> bool:
        return bool(self._data == plain(other))

    def __repr__(self) -> str:
        return repr(self._data)

    def get(self, key: str, default: Any = None) -> Any:
        return wrap(self._data[key]) if key in self._data else default

    def keys(self) -> Any:
        return self._data.keys()

    def values(self) -> list[Any]:
        return [wrap(value) for value in self._data.values()]

    def items(self) -> list[tuple[str, Any]]:
        return [(key, wrap(value)) for key, value in self._data.items()]

    def to_py(self) -> dict[str, Any]:
        copied: dict[str, Any] = plain(self)
        return copied


class JsArray:
    """A list as Pyodide's JsProxy shows it: its elements wrapped, assignable, `.to_py()`."""

    __slots__ = ("_data",)

    def __init__(self, data: list[Any]) -> None:
        self._data = data

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return JsArray(self._data[index])
        return wrap(self._data[index])

    def __setitem__(self, index: int, value: Any) -> None:
        self._data[index] = plain(value)

    def __iter__(self) -> Iterator[Any]:
        return (wrap(value) for value in self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __eq__(self, other: object) -> bool:
        return bool(self._data == plain(other))

    def __repr__(self) -> str:
        return repr(self._data)

    @property
    def length(self) -> int:
        return len(self._data)

    def append(self, value: Any) -> None:
        self._data.append(plain(value))

    def to_py(self) -> list[Any]:
        copied: list[Any] = plain(self)
        return copied


class Cursor:
    """The item the code runs for: its index in n8n's run, and the item."""

    def __init__(self, index: int, current: dict[str, Any]) -> None:
        self.index = index
        self.current = current


def install(
    data: dict[str, Any], names: dict[str, Any]
) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
    """Put n8n's names into `names` (the code's globals); returns what wraps the code's function
    into the run n8n would make of it (once, or once per item) and its list of items' json."""
    mode = data.get("mode") or "all"
    if mode not in ("all", "each"):
        raise ValueError(f"n8n's {mode} mode runs JavaScript only")
    aliases = data.get("aliases") or {}
    refs = {
        name: aliased(json, aliases.get(name)) for name, json in (data.get("refs") or {}).items()
    }
    lists = {
        name: [aliased(json, aliases.get(name)) for json in jsons]
        if isinstance(jsons, list)
        else []
        for name, jsons in (data.get("lists") or {}).items()
    }
    first = data.get("json")
    first = aliased({} if first is None else first, aliases.get(""))
    jsons = (
        [aliased(json, aliases.get("")) for json in data["items"]]
        if isinstance(data.get("items"), list)
        else [first]
    )
    inputs = [
        {"json": json if isinstance(json, dict) else {"value": json}, "pairedItem": {"item": i}}
        for i, json in enumerate(jsons)
    ]
    given = data.get("itemIndex")
    start: int = given if isinstance(given, int) else 0
    state = Cursor(start, inputs[min(start, len(inputs) - 1)] if inputs else {"json": first})

    def known(name: object) -> str:
        if not isinstance(name, str):
            raise TypeError("_() takes the name of an n8n node, e.g. _('HTTP Request')")
        if name not in refs and name not in lists:
            raise KeyError(
                f"n8n node '{name}' is not available here: only nodes before this one, named in "
                "the code, can be read"
            )
        return name

    def node_items(name: str) -> list[dict[str, Any]]:
        jsons = lists[name] if name in lists else [refs[name]]
        return [{"json": json, "pairedItem": {"item": i}} for i, json in enumerate(jsons)]

    def node_item(name: str, index: int | None = None) -> JsObject:
        if name in refs and index is None:
            return JsObject({"json": refs[name]})
        items = node_items(name)
        at = state.index if index is None else index
        return JsObject(items[at] if 0 <= at < len(items) else items[0])

    class Node:
        """_('Name'): an earlier node's items."""

        def __init__(self, name: object) -> None:
            self.name = known(name)
            self.isExecuted = True
            self.runIndex = 0

        def all(self) -> JsArray:
            return JsArray(node_items(self.name))

        def first(self) -> JsObject:
            return JsObject(node_items(self.name)[0])

        def last(self) -> JsObject:
            return JsObject(node_items(self.name)[-1])

        @property
        def item(self) -> JsObject:
            return node_item(self.name)

        @property
        def json(self) -> Any:
            return node_item(self.name).json

        def itemMatching(self, index: int) -> JsObject:
            return node_item(self.name, index)

        pairedItem = itemMatching

    class Nodes:
        """_node['Name'] (and _node.Name): an earlier node's item."""

        def __getitem__(self, name: str) -> JsObject:
            item = node_item(known(name))
            return JsObject({"json": item._data["json"], "data": item._data["json"], "runIndex": 0})

        def __getattr__(self, name: str) -> JsObject:
            return self[name]

    class Input:
        """_input: this node's input items."""

        def all(self) -> JsArray:
            return JsArray(inputs)

        def first(self) -> JsObject | None:
            return JsObject(inputs[0]) if inputs else None

        def last(self) -> JsObject | None:
            return JsObject(inputs[-1]) if inputs else None

        @property
        def item(self) -> JsObject:
            return JsObject(state.current)

    now = now_in_zone(data.get("now"), data.get("tz"))
    execution = data.get("execution") or {}
    names.update(
        {
            "_": Node,
            "_node": Nodes(),
            "_input": Input(),
            "_items": JsArray(inputs),
            "items": JsArray(inputs),
            "_now": now,
            "_today": now.replace(hour=0, minute=0, second=0, microsecond=0),
            "_execution": JsObject(
                {
                    "id": execution.get("id"),
                    "mode": "production",
                    "resumeUrl": execution.get("resumeUrl"),
                }
            ),
            "_workflow": JsObject({"active": True, **(data.get("workflow") or {})}),
            "_prev_node": JsObject(
                {"name": data.get("prev") or "", "outputIndex": 0, "runIndex": 0}
            ),
            "_runIndex": 0,
            "_itemIndex": start,
            "_json": JsObject(state.current["json"]),
        }
    )

    def each(function: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> list[Any]:
            out = []
            for index, item in enumerate(inputs):
                state.index, state.current = start + index, item
                current = JsObject(item)
                names.update(
                    {
                        "_itemIndex": start + index,
                        "_json": current.json,
                        "_item": current,
                        "item": current,
                    }
                )
                out.append(item_json(one_item(plain(function()), index), index))
            return out

        return run

    def once(function: Callable[[], Any]) -> Callable[[], Any]:
        return lambda: all_items(plain(function()))

    return each if mode == "each" else once


def now_in_zone(now: Any, zone: Any) -> datetime.datetime:
    """The run's time in the workflow's zone (computed by the server: WebAssembly has no time
    zone database), with the zone's name."""
    if not isinstance(now, str):
        return datetime.datetime.now(datetime.UTC)
    moment = datetime.datetime.fromisoformat(now)
    offset = moment.utcoffset() or datetime.timedelta(0)
    name = zone if isinstance(zone, str) and zone else "UTC"
    return moment.replace(tzinfo=datetime.timezone(offset, name))


def aliased(value: Any, pairs: Any) -> Any:
    """`value` with n8n's names for the fields WorkFuse names otherwise (n8n_shim.js's)."""
    if not pairs or not isinstance(value, dict):
        return value
    out = value
    for n8n_path, our_path in pairs:
        found = read_path(value, our_path.split("."))
        if found is None:
            continue
        if out is value:
            out = dict(value)
        write_path(out, n8n_path.split("."), found)
    return out


def read_path(value: Any, parts: list[str]) -> Any:
    for part in parts:
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def write_path(target: dict[str, Any], parts: list[str], value: Any) -> None:
    head, *rest = parts
    if not rest:
        target[head] = value
        return
    child = dict(target[head]) if isinstance(target.get(head), dict) else {}
    target[head] = child
    write_path(child, rest, value)


def all_items(result: Any) -> list[Any]:
    """n8n's normalizeItems over a 'Run Once for All Items' result: the items' json."""
    if not isinstance(result, (list, dict)):
        raise ValueError(NOT_ITEMS)
    if isinstance(result, list):
        if any(not isinstance(item, dict) for item in result):
            raise ValueError(NOT_ITEMS)
        if any(ITEM_KEYS.intersection(item) for item in result):
            for index, item in enumerate(result):
                check_item_keys(item, index)
    return [item_json(item, index) for index, item in enumerate(normalize(result))]


def one_item(result: Any, index: int) -> dict[str, Any]:
    """A 'Run Once for Each Item' result as one item."""
    if isinstance(result, list):
        raise ValueError(
            f"Code doesn't return a single object (item {index}); to output several items, "
            "use the 'Run Once for All Items' mode"
        )
    if not isinstance(result, dict):
        raise ValueError(
            f"Code doesn't return an object (item {index}): return a dict representing the "
            f"output item ('{result}' was returned instead)"
        )
    (item,) = normalize([result])
    check_item_keys(item, index)
    return item


def normalize(result: list[Any] | dict[str, Any]) -> list[dict[str, Any]]:
    """n8n-core's normalizeItems: plain dicts become items' json."""
    items = (
        result if isinstance(result, list) else [result if result.get("json") else {"json": result}]
    )
    wrapped = ["json" in item for item in items if isinstance(item, dict)]
    if all(wrapped) and len(wrapped) == len(items):
        return items
    if any(wrapped):
        raise ValueError("Inconsistent item format")
    return [{"json": item} for item in items]


def check_item_keys(item: dict[str, Any], index: int) -> None:
    unknown = [key for key in item if key not in ITEM_KEYS]
    if unknown:
        raise ValueError(
            f"Unknown top-level item key: {unknown[0]} (item {index}); put the item's fields "
            "under 'json', e.g. {'json': {...}}"
        )


def item_json(item: dict[str, Any], index: int) -> dict[str, Any]:
    json = item.get("json")
    if not isinstance(json, dict):
        raise ValueError(f"A 'json' property isn't an object (item {index})")
    return json
