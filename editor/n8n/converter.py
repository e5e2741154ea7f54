"""Import of n8n workflow exports (DESIGN §8): n8n nodes become WorkFuse nodes, n8n
connections become edges, n8n expressions become templates.

One small converter per n8n node type, listed in `SPECS`; a type that is not listed is
refused by name. A converter raises `Refusal` when a node's settings have no faithful WorkFuse
form, and writes what it could not carry over (credentials, approximations) into the node's
`notes`. Expressions that cannot be translated are left as they are, so validation reports
them on the field that holds them.

n8n passes lists of items from node to node and WorkFuse passes one output per node, so
`$json` becomes the output of the node feeding this one (its `body` for HTTP, `result` for
transforms and code, `item` inside a loop); nodes that hand their input on unchanged in n8n
(IF, Switch, Wait, Merge, No-op) are looked through.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from editor.graph import GraphIssue, ImportRefused
from editor.n8n.expressions import Reference, literal, single, translate
from editor.n8n.names import MAX_HANDLE, MAX_ID, slug, unique
from editor.templating import is_template

BASE = "n8n-nodes-base."
LANGCHAIN = "@n8n/n8n-nodes-langchain."
TRIGGER_TYPES = {
    f"{BASE}manualTrigger",
    f"{BASE}start",
    f"{BASE}webhook",
    f"{BASE}scheduleTrigger",
    f"{BASE}cron",
}
DROPPED_TYPES = {f"{BASE}stickyNote"}
# Chat models are n8n sub-nodes: they configure the agent or chain they are attached to.
CHAT_MODELS = {
    f"{LANGCHAIN}lmChatOpenAi": ("openai", "model"),
    f"{LANGCHAIN}lmChatAnthropic": ("anthropic", "model"),
    f"{LANGCHAIN}lmChatGoogleGemini": ("gemini", "modelName"),
}
SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
WEB_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
HTTP_METHODS = (*WEB_METHODS, "HEAD", "OPTIONS")


class Refusal(Exception):
    """This node cannot be imported; the message says why and what to do."""


@dataclass
class N8nNode:
    index: int
    name: str
    type: str
    version: float
    params: dict[str, Any]
    raw: dict[str, Any]
    id: str = ""


@dataclass
class Converted:
    type: str
    config: dict[str, Any]
    # For each n8n output index, the WorkFuse handles it becomes (two when a switch's
    # fallback shares a case's output).
    outputs: list[list[str]] = field(default_factory=lambda: [["main"]])
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Spec:
    convert: Callable[[N8nNode, Converter], Converted]
    # What `$json` means after this node: "trigger", a path under `nodes.<id>` ("" for the
    # whole output, "body", "result"), or None for nodes that pass their input on.
    data: str | None
    aliases: tuple[tuple[str, str], ...] = ()


def looks_like_n8n(data: Any) -> bool:
    """An n8n export: nodes with n8n type names, and connections keyed by node name."""
    if not isinstance(data, dict):
        return False
    nodes, connections = data.get("nodes"), data.get("connections")
    if not isinstance(nodes, list) or not isinstance(connections, dict):
        return False
    return any(
        isinstance(n, dict) and isinstance(n.get("type"), str) and _is_n8n_type(n["type"])
        for n in nodes
    )


def _is_n8n_type(name: str) -> bool:
    return name.startswith((BASE, "@n8n/")) or "n8n-nodes-" in name


def convert(data: dict[str, Any]) -> dict[str, Any]:
    """The WorkFuse graph for an n8n export; raises ImportRefused listing every problem."""
    converter = Converter(data)
    graph = converter.run()
    if converter.issues:
        raise ImportRefused(converter.issues)
    return graph


# --- the walk over the whole workflow ---------------------------------------------------------


class Converter:
    def __init__(self, data: dict[str, Any]):
        self.data = data
        self.issues: list[GraphIssue] = []
        self.nodes: dict[str, N8nNode] = {}
        self.models: dict[str, N8nNode] = {}  # agent/chain name -> its chat model sub-node
        self.parents: dict[str, list[tuple[str, int]]] = defaultdict(list)
        self.links: list[tuple[str, int, str]] = []
        self.converted: dict[str, Converted] = {}

    def run(self) -> dict[str, Any]:
        self._read_nodes()
        self._read_connections()
        self._check_triggers()
        wf_nodes = [n for n in map(self._node, self.nodes.values()) if n]
        edges = self._edges()
        if not any(n["type"].startswith("trigger.") for n in wf_nodes) and not self.issues:
            wf_nodes, edges = self._add_manual_trigger(wf_nodes, edges)
        return {"nodes": wf_nodes, "edges": edges}

    def refuse(self, node: N8nNode | None, message: str) -> None:
        where = f"nodes[{node.index}]" if node else "nodes"
        self.issues.append(GraphIssue(None, where, message))

    def _read_nodes(self) -> None:
        taken: set[str] = set()
        for index, raw in enumerate(self.data.get("nodes") or []):
            if not isinstance(raw, dict) or raw.get("type") in DROPPED_TYPES:
                continue
            name = str(raw.get("name") or f"Node {index + 1}")
            params = raw.get("parameters")
            params = params if isinstance(params, dict) else {}
            node = N8nNode(index, name, str(raw.get("type") or ""), _version(raw), params, raw)
            if node.type in CHAT_MODELS:
                self.nodes.setdefault(name, node)
                continue
            if node.type not in SPECS:
                self.refuse(
                    node,
                    f"n8n node '{name}' ({node.type or 'no type'}) has no WorkFuse equivalent "
                    "yet; remove or replace it in n8n (an HTTP Request node can often stand "
                    "in), then export again.",
                )
                continue
            if name in self.nodes:
                self.refuse(node, f"Two n8n nodes are named '{name}'; rename one and export again.")
                continue
            node.id = unique(slug(name), taken, MAX_ID)
            taken.add(node.id)
            self.nodes[name] = node

    def _read_connections(self) -> None:
        connections = self.data.get("connections") or {}
        for source, kinds in connections.items():
            if source not in self.nodes or not isinstance(kinds, dict):
                continue
            for kind, outputs in kinds.items():
                for index, targets in enumerate(_list(outputs)):
                    for target in _list(targets):
                        name = target.get("node") if isinstance(target, dict) else None
                        if name not in self.nodes:
                            continue
                        if kind == "ai_languageModel" and self.nodes[source].type in CHAT_MODELS:
                            self.models[name] = self.nodes[source]
                        elif kind == "main":
                            self.links.append((source, index, name))
        self.links = [link for link in self.links if not self._loops_back(link)]
        inputs = {(s, i, t): target_input(connections, s, i, t) for s, i, t in self.links}
        for source, index, target in sorted(self.links, key=lambda link: inputs[link]):
            self.parents[target].append((source, index))
        for name, node in list(self.nodes.items()):
            if node.type in CHAT_MODELS:
                del self.nodes[name]

    def _loops_back(self, link: tuple[str, int, str]) -> bool:
        """n8n closes a loop with an edge from the body back into Split in Batches; WorkFuse
        runs the body once per item by itself, so that edge is dropped."""
        source, _, target = link
        if self.nodes[target].type != f"{BASE}splitInBatches":
            return False
        children: dict[str, list[str]] = defaultdict(list)
        for s, _, t in self.links:
            children[s].append(t)
        seen, todo = set(), [target]
        while todo:
            current = todo.pop()
            if current == source:
                return True
            if current not in seen:
                seen.add(current)
                todo.extend(children[current])
        return False

    def _check_triggers(self) -> None:
        triggers = [n for n in self.nodes.values() if n.type in TRIGGER_TYPES]
        if len(triggers) > 1:
            names = ", ".join(f"'{n.name}'" for n in triggers)
            self.refuse(
                triggers[1],
                f"The n8n workflow has {len(triggers)} triggers ({names}); a WorkFuse workflow "
                "has one. Split it into one workflow per trigger in n8n and import each.",
            )

    def _node(self, node: N8nNode) -> dict[str, Any] | None:
        try:
            result = SPECS[node.type].convert(node, self)
            retry = _retry(node.raw)
        except Refusal as exc:
            self.refuse(node, f"n8n node '{node.name}' ({node.type}): {exc}")
            return None
        except (AttributeError, TypeError, ValueError, KeyError, IndexError) as exc:
            # The export is user-supplied JSON: a parameter of an unexpected shape is a
            # refusal to show, not a server error.
            self.refuse(
                node,
                f"n8n node '{node.name}' ({node.type}): its settings could not be read ({exc}). "
                "Open and save it in n8n, then export again.",
            )
            return None
        self.converted[node.name] = result
        raw = node.raw
        position = _list(raw.get("position"))
        notes = [str(raw["notes"])] if raw.get("notes") else []
        notes += result.notes
        out: dict[str, Any] = {
            "id": node.id,
            "type": result.type,
            "label": node.name,
            "position": {"x": _coordinate(position, 0), "y": _coordinate(position, 1)},
            "config": result.config,
        }
        if retry:
            out["retry"] = retry
        on_error = raw.get("onError")
        if on_error == "continueErrorOutput":
            out["on_error"] = "route"
            result.outputs = [*result.outputs, ["error"]]
        elif on_error == "continueRegularOutput" or raw.get("continueOnFail"):
            out["on_error"] = "continue"
        if raw.get("disabled"):
            out["disabled"] = True
            notes.append(
                "Disabled in n8n, where a disabled node passes its input on; WorkFuse skips it "
                "and the nodes after it."
            )
        if notes:
            out["notes"] = "\n".join(notes)
        return out

    def _edges(self) -> list[dict[str, Any]]:
        edges: list[dict[str, Any]] = []
        seen: set[tuple[str, str, str]] = set()
        for source, index, target in self.links:
            result = self.converted.get(source)
            if result is None or target not in self.converted or index >= len(result.outputs):
                continue
            for handle in result.outputs[index]:
                key = (self.nodes[source].id, handle, self.nodes[target].id)
                if key in seen:
                    continue
                seen.add(key)
                edge = {"source": key[0], "target": key[2]}
                if handle != "main":
                    edge["source_handle"] = handle
                edges.append(edge)
        return edges

    def _add_manual_trigger(
        self, nodes: list[dict[str, Any]], edges: list[dict[str, Any]]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        start_id = unique("start", {n["id"] for n in nodes}, MAX_ID)
        targets = {e["target"] for e in edges}
        roots = [n for n in nodes if n["id"] not in targets]
        x = min((n["position"]["x"] for n in nodes), default=0) - 240
        y = roots[0]["position"]["y"] if roots else 0
        trigger = {
            "id": start_id,
            "type": "trigger.manual",
            "label": "Manual trigger",
            "notes": "Added on import: the n8n workflow had no trigger WorkFuse could use.",
            "position": {"x": x, "y": y},
            "config": {},
        }
        return [trigger, *nodes], [
            *({"source": start_id, "target": r["id"]} for r in roots),
            *edges,
        ]

    # --- what `$json` and `$('Name')` mean -----------------------------------------------

    def input_ref(self, node: N8nNode) -> Reference | None:
        """The template path `$json` stands for in `node`, with field renames, or None."""
        parents = self.parents.get(node.name)
        if not parents:
            return None
        source, index = parents[0]
        return self.output_ref(source, index, set())

    def output_ref(self, name: str, index: int | None, seen: set[str]) -> Reference | None:
        node = self.nodes.get(name)
        if node is None or name in seen:
            return None
        seen.add(name)
        if node.type == f"{BASE}splitInBatches":
            if index is None or loop_output(node, index) == "each":
                return "item", {}
            return f"nodes.{node.id}.results", {}
        spec = SPECS[node.type]
        if spec.data is None:
            parents = self.parents.get(name)
            return self.output_ref(parents[0][0], parents[0][1], seen) if parents else None
        if spec.data == "trigger":
            return "trigger", dict(spec.aliases)
        path = f"nodes.{node.id}" + (f".{spec.data}" if spec.data else "")
        return path, dict(spec.aliases)

    def value(self, value: Any, node: N8nNode) -> Any:
        """An n8n parameter value as a WorkFuse config value (templates for expressions)."""
        if isinstance(value, str):
            if value.startswith("="):
                return self.expression(value[1:], node)
            return literal(value)
        if isinstance(value, list):
            return [self.value(v, node) for v in value]
        if isinstance(value, dict):
            return {k: self.value(v, node) for k, v in value.items()}
        return value

    def expression(self, text: str, node: N8nNode) -> str:
        """An n8n expression (without its `=`) in `node` as a template."""

        def resolve(name: str | None) -> Reference | None:
            return self.output_ref(name, None, set()) if name else self.input_ref(node)

        return translate(text, resolve)


def _retry(raw: dict[str, Any]) -> dict[str, Any] | None:
    """n8n's "Retry On Fail" waits the same time between tries; WorkFuse's multiplier 1 does too."""
    if not raw.get("retryOnFail"):
        return None
    return {
        "max_attempts": max(1, int(raw.get("maxTries") or 3)),
        "initial_delay_ms": max(0, int(raw.get("waitBetweenTries") or 1000)),
        "multiplier": 1,
        "max_delay_ms": 60000,
    }


def loop_output(node: N8nNode, index: int) -> str:
    """Split in Batches v3 ("Loop Over Items") has done first; older versions loop first."""
    order = ("done", "each") if node.version >= 3 else ("each", "done")
    return order[index] if index < 2 else "done"


def target_input(connections: dict[str, Any], source: str, index: int, target: str) -> int:
    for t in _list(connections[source]["main"][index]):
        if isinstance(t, dict) and t.get("node") == target and isinstance(t.get("index"), int):
            return int(t["index"])
    return 0


# --- triggers ----------------------------------------------------------------------------------


def _manual(node: N8nNode, cx: Converter) -> Converted:
    return Converted("trigger.manual", {})


def _webhook(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    wanted = p.get("httpMethod") or "GET"
    methods = [str(m).upper() for m in (wanted if isinstance(wanted, list) else [wanted])]
    supported = [m for m in methods if m in WEB_METHODS]
    notes = []
    if not supported:
        raise Refusal(
            f"listens for {', '.join(methods)}; WorkFuse webhooks accept {', '.join(WEB_METHODS)}."
        )
    if len(supported) < len(methods):
        notes.append(
            f"n8n also accepted {', '.join(sorted(set(methods) - set(supported)))}; WorkFuse does not."
        )
    mode = p.get("responseMode") or "onReceived"
    if mode == "responseNode":
        notes.append("n8n answered from a 'Respond to Webhook' node; this webhook answers at once.")
    if p.get("path"):
        notes.append(
            f"n8n path '{p['path']}': WorkFuse gives each workflow its own webhook URL; "
            "update the callers."
        )
    if (p.get("authentication") or "none") != "none":
        notes.append(
            f"n8n checked callers with {p['authentication']}; credentials are not carried over. "
            "Set auth (header or hmac) with a webhook secret credential."
        )
    config = {"methods": supported, "response": "last_node" if mode == "lastNode" else "immediate"}
    outputs = [["main"] for _ in methods]
    if len(methods) > 1:
        notes.append(
            "n8n had one output per method; here every request, whatever its method, runs all "
            "the nodes after the webhook."
        )
    return Converted("trigger.webhook", config, outputs=outputs, notes=notes)


def _schedule(node: N8nNode, cx: Converter) -> Converted:
    rules = (node.params.get("rule") or {}).get("interval") or [{}]
    notes = []
    if len(rules) > 1:
        notes.append(f"n8n had {len(rules)} schedule rules; only the first was imported.")
    cron = interval_cron(rules[0])
    return Converted("trigger.schedule", {"cron": cron, **_timezone(cx, notes)}, notes=notes)


def interval_cron(rule: dict[str, Any]) -> str:
    """A Schedule Trigger rule (`rule.interval[i]`) as a 5-field cron expression."""
    kind = rule.get("field") or "days"
    minute = rule.get("triggerAtMinute", 0)
    hour = rule.get("triggerAtHour", 0)
    if kind == "cronExpression":
        return five_fields(str(rule.get("expression") or ""))
    if kind == "minutes":
        return f"*/{rule.get('minutesInterval', 5)} * * * *"
    if kind == "hours":
        return f"{minute} */{rule.get('hoursInterval', 1)} * * *"
    if kind == "days":
        every = rule.get("daysInterval", 1)
        return f"{minute} {hour} {'*' if every == 1 else f'*/{every}'} * *"
    if kind == "weeks":
        if rule.get("weeksInterval", 1) != 1:
            raise Refusal(
                "runs every few weeks, which a cron expression cannot say; use a weekly rule "
                "or a cron expression in n8n and export again."
            )
        days = rule.get("triggerAtDay", [0])
        weekdays = ",".join(str(d) for d in days) if days else "*"
        return f"{minute} {hour} * * {weekdays}"
    if kind == "months":
        every = rule.get("monthsInterval", 1)
        months = "*" if every == 1 else f"*/{every}"
        return f"{minute} {hour} {rule.get('triggerAtDayOfMonth', 1)} {months} *"
    if kind == "seconds":
        raise Refusal(
            "runs every few seconds; WorkFuse schedules run at most once a minute. Use a "
            "minutes rule in n8n and export again."
        )
    raise Refusal(f"uses the schedule interval '{kind}', which WorkFuse does not know.")


def five_fields(expression: str) -> str:
    """n8n cron may carry a leading seconds field; WorkFuse cron has five fields."""
    fields = expression.split()
    if len(fields) == 6:
        if not fields[0].isdigit():
            raise Refusal(
                f"the cron expression '{expression}' fires within the minute (seconds field "
                f"'{fields[0]}'); WorkFuse schedules run at most once a minute."
            )
        fields = fields[1:]
    return " ".join(fields)


def _cron(node: N8nNode, cx: Converter) -> Converted:
    items = (node.params.get("triggerTimes") or {}).get("item") or []
    if not items:
        raise Refusal("has no trigger times, so it never fires; add one in n8n and export again.")
    notes = (
        [f"n8n had {len(items)} trigger times; only the first was imported."]
        if len(items) > 1
        else []
    )
    item = items[0]
    mode = item.get("mode") or "everyDay"
    minute, hour = item.get("minute", 0), item.get("hour", 14)
    crons = {
        "everyMinute": "* * * * *",
        "everyHour": f"{minute} * * * *",
        "everyDay": f"{minute} {hour} * * *",
        "everyWeek": f"{minute} {hour} * * {item.get('weekday', '1')}",
        "everyMonth": f"{minute} {hour} {item.get('dayOfMonth', 1)} * *",
    }
    if mode == "everyX":
        value = item.get("value", 2)
        cron = f"*/{value} * * * *" if item.get("unit") == "minutes" else f"0 */{value} * * *"
    elif mode == "custom":
        cron = five_fields(str(item.get("cronExpression") or "* * * * * *"))
    elif mode in crons:
        cron = crons[mode]
    else:
        raise Refusal(f"uses the mode '{mode}', which WorkFuse does not know.")
    return Converted("trigger.schedule", {"cron": cron, **_timezone(cx, notes)}, notes=notes)


def _timezone(cx: Converter, notes: list[str]) -> dict[str, str]:
    settings = cx.data.get("settings")
    zone = settings.get("timezone") if isinstance(settings, dict) else None
    if isinstance(zone, str) and zone not in ("", "DEFAULT"):
        try:
            ZoneInfo(zone)
            return {"timezone": zone}
        except (ZoneInfoNotFoundError, ValueError):
            pass
    notes.append("n8n used its instance's time zone; this schedule runs in UTC. Check 'timezone'.")
    return {"timezone": "UTC"}


# --- actions -----------------------------------------------------------------------------------


def _http(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    if node.version < 3:
        raise Refusal(
            f"is HTTP Request version {node.version:g}; WorkFuse reads version 3 and later. "
            "Replace it with a new HTTP Request node in n8n and export again."
        )
    method = str(p.get("method") or "GET").upper()
    if method not in HTTP_METHODS:
        raise Refusal(f"uses the method {method}; WorkFuse sends {', '.join(HTTP_METHODS)}.")
    notes: list[str] = []
    config: dict[str, Any] = {"method": method, "url": cx.value(p.get("url") or "", node)}
    headers = _pairs(node, cx, "Headers", "headerParameters", "jsonHeaders")
    query = _pairs(node, cx, "Query", "queryParameters", "jsonQuery")
    if p.get("sendBody"):
        config.update(_http_body(node, cx, headers, notes))
    if headers:
        config["headers"] = headers
    if query:
        config["query"] = query
    config.update(_http_options(p.get("options") or {}, notes))
    auth = p.get("authentication") or "none"
    if auth != "none":
        kind = p.get("genericAuthType") or p.get("nodeCredentialType") or auth
        notes.append(
            f"n8n signed this request with a {kind} credential; credentials are not carried "
            "over. Create a WorkFuse credential and choose it with auth."
        )
    return Converted("action.http", config, notes=notes)


def _pairs(node: N8nNode, cx: Converter, what: str, key: str, json_key: str) -> dict[str, Any]:
    """n8n's name/value lists (headers, query) as a WorkFuse mapping."""
    p = node.params
    if not p.get(f"send{what}"):
        return {}
    if (p.get(f"specify{what}") or "keypair") == "json":
        text = p.get(json_key) or "{}"
        parsed = _json_text(text)
        if not isinstance(parsed, dict):
            raise Refusal(
                f"sets its {what.lower()} from a JSON expression; WorkFuse needs them as "
                "name/value pairs. Switch to 'Using Fields Below' in n8n and export again."
            )
        return {str(k): cx.value(v, node) for k, v in parsed.items()}
    rows = (p.get(key) or {}).get("parameters") or []
    return {
        str(r.get("name") or ""): cx.value(r.get("value", ""), node) for r in rows if r.get("name")
    }


def _http_body(
    node: N8nNode, cx: Converter, headers: dict[str, Any], notes: list[str]
) -> dict[str, Any]:
    p = node.params
    content_type = p.get("contentType") or "json"
    specify = p.get("specifyBody") or "keypair"
    rows = (p.get("bodyParameters") or {}).get("parameters") or []
    if content_type == "binaryData" or any(
        r.get("parameterType") == "formBinaryData" for r in rows
    ):
        raise Refusal(
            "sends a file (binary data); WorkFuse HTTP requests send JSON, form or text bodies."
        )
    if content_type == "raw" or specify == "string":
        if content_type == "raw" and p.get("rawContentType"):
            _set_header(headers, "Content-Type", p["rawContentType"])
        elif content_type == "form-urlencoded":
            _set_header(headers, "Content-Type", "application/x-www-form-urlencoded")
        return {"body_type": "raw", "body": cx.value(p.get("body") or "", node)}
    if content_type == "json" and specify == "json":
        return _json_body(node, cx, headers)
    body = {str(r.get("name")): cx.value(r.get("value", ""), node) for r in rows if r.get("name")}
    if content_type == "multipart-form-data":
        notes.append("n8n sent this form as multipart/form-data; WorkFuse sends it URL-encoded.")
    if content_type in ("form-urlencoded", "multipart-form-data"):
        return {"body_type": "form", "body": body}
    return {"body_type": "json", "body": body}


def _json_body(node: N8nNode, cx: Converter, headers: dict[str, Any]) -> dict[str, Any]:
    text = node.params.get("jsonBody") or ""
    if not (isinstance(text, str) and text.startswith("=")):
        parsed = _json_text(text)
        if parsed is None and str(text).strip() not in ("", "null"):
            raise Refusal("has a JSON body that is not valid JSON; fix it in n8n and export again.")
        return {"body_type": "json", "body": parsed}
    template = cx.value(text, node)
    if single(template) is not None:
        return {"body_type": "json", "body": template}
    # Mixed text renders to a string; n8n parses it as JSON, so send it as JSON text.
    _set_header(headers, "Content-Type", "application/json")
    return {"body_type": "raw", "body": template}


def _set_header(headers: dict[str, Any], name: str, value: str) -> None:
    if not any(k.lower() == name.lower() for k in headers):
        headers[name] = value


def _http_options(options: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    config: dict[str, Any] = {}
    if isinstance(options.get("timeout"), int | float):
        timeout = int(options["timeout"])
        config["timeout_ms"] = min(max(timeout, 100), 600000)
        if config["timeout_ms"] != timeout:
            notes.append(f"n8n's timeout of {timeout} ms is outside 100-600000 ms; it was clamped.")
    redirect = ((options.get("redirect") or {}).get("redirect")) or {}
    if redirect.get("followRedirects") is False:
        config["follow_redirects"] = False
    response = ((options.get("response") or {}).get("response")) or {}
    if response.get("neverError"):
        config["fail_on_status"] = False
    if response.get("responseFormat") == "file":
        notes.append("n8n saved the response as a file; WorkFuse gives binary bodies as base64.")
    return config


def _code(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    if (p.get("language") or "javaScript") != "javaScript":
        raise Refusal(
            f"runs {p.get('language')} code; WorkFuse code nodes run JavaScript. Rewrite it in "
            "JavaScript in n8n and export again."
        )
    notes = [
        "Imported from n8n: n8n's $input, items, $json and $('Node') do not exist here. The "
        "code receives `input` (the output of the node before), `trigger` and `nodes`, and "
        "returns a value rather than a list of items."
    ]
    if p.get("mode") == "runOnceForEachItem":
        notes.append("n8n ran this once per item; WorkFuse runs it once per run.")
    return Converted("action.code", {"code": str(p.get("jsCode") or "return input;")}, notes=notes)


def _ai(node: N8nNode, cx: Converter) -> Converted:
    kind = node.type.removeprefix(LANGCHAIN)
    p = node.params
    options = p.get("options") or {}
    config: dict[str, Any] = {}
    if kind == "openAi":
        if (p.get("resource") or "text") != "text":
            raise Refusal(
                f"works on {p.get('resource')}; WorkFuse AI nodes write text. Only the "
                "'Message a model' operation can be imported."
            )
        messages = (p.get("messages") or p.get("responses") or {}).get("values") or []
        system = [m.get("content", "") for m in messages if m.get("role") == "system"]
        prompt = [m.get("content", "") for m in messages if m.get("role") != "system"]
        config["model"] = _resource(p.get("modelId") or p.get("model"))
        if p.get("jsonOutput"):
            config["json_output"] = True
    elif kind == "agent":
        system = [options.get("systemMessage", "")]
        prompt = [_prompt(p)]
    else:
        messages = (p.get("messages") or {}).get("messageValues") or []
        system = [
            m.get("message", "")
            for m in messages
            if (m.get("type") or "SystemMessagePromptTemplate") == "SystemMessagePromptTemplate"
        ]
        prompt = [_prompt(p)]
    config.update(_chat_model(node, cx, options))
    notes = [
        "The n8n AI credential is not carried over; the server's key for the provider is used "
        "unless you choose a credential."
    ]
    if config.get("provider", "openai") != "openai" and not config.get("model"):
        raise Refusal(
            "uses a chat model whose model name is not in the export; choose the model in "
            "n8n and export again."
        )
    text = "\n\n".join(str(cx.value(x, node)) for x in prompt if x)
    if not text:
        raise Refusal("has no prompt; write one in n8n and export again.")
    config["prompt"] = text
    system_text = "\n\n".join(str(cx.value(x, node)) for x in system if x)
    if system_text:
        config["system_prompt"] = system_text
    config = {k: v for k, v in config.items() if v not in (None, "")}
    return Converted("action.ai", config, notes=notes)


def _prompt(p: dict[str, Any]) -> str:
    """Agents and chains read the chat input unless told otherwise ("define")."""
    if p.get("promptType") == "define" or ("promptType" not in p and p.get("text")):
        return str(p.get("text") or "")
    if "promptType" not in p and p.get("prompt"):
        return str(p["prompt"])
    return "={{ $json.chatInput }}"


def _chat_model(node: N8nNode, cx: Converter, options: dict[str, Any]) -> dict[str, Any]:
    model = cx.models.get(node.name)
    config: dict[str, Any] = {}
    if model is not None:
        provider, key = CHAT_MODELS[model.type]
        config["provider"] = provider
        config["model"] = _resource(model.params.get(key)).removeprefix("models/") or None
        options = {**options, **(model.params.get("options") or {})}
    temperature = options.get("temperature")
    if isinstance(temperature, int | float) and 0 <= temperature <= 2:
        config["temperature"] = temperature
    tokens = (
        options.get("maxTokens")
        or options.get("maxTokensToSample")
        or options.get("maxOutputTokens")
    )
    if isinstance(tokens, int) and tokens > 0:
        config["max_tokens"] = tokens
    return config


def _resource(value: Any) -> str:
    """n8n resource locators ({"__rl": true, "value": ...}) or plain strings."""
    if isinstance(value, dict):
        value = value.get("value")
    return str(value or "").removeprefix("=")


# --- logic -------------------------------------------------------------------------------------


def _if(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    conditions = p.get("conditions") or {}
    if node.version >= 2:
        rules, combinator = filter_rules(node, cx, conditions)
    else:
        rules = [
            comparison(
                node,
                cx,
                kind,
                c.get("operation") or V1_DEFAULT_OP[kind],
                c.get("value1", V1_DEFAULT_VALUE[kind]),
                c.get("value2", V1_DEFAULT_VALUE[kind]),
            )
            for kind in ("boolean", "dateTime", "number", "string")
            for c in conditions.get(kind) or []
        ]
        combinator = "or" if p.get("combineOperation") == "any" else "and"
    if not rules:
        raise Refusal("has no conditions; add one in n8n and export again.")
    config = {"combinator": combinator, "rules": rules}
    return Converted("logic.condition", config, outputs=[["true"], ["false"]])


V1_DEFAULT_OP = {"boolean": "equal", "dateTime": "after", "number": "smaller", "string": "equal"}
V1_DEFAULT_VALUE: dict[str, Any] = {"boolean": False, "dateTime": "", "number": 0, "string": ""}


def filter_rules(
    node: N8nNode, cx: Converter, conditions: dict[str, Any]
) -> tuple[list[dict[str, Any]], str]:
    """n8n's filter parameter (IF v2, Switch v3) as WorkFuse rules and combinator."""
    ignore_case = (conditions.get("options") or {}).get("caseSensitive") is False
    rules = []
    for c in conditions.get("conditions") or []:
        operator = c.get("operator") or {}
        rules.append(
            comparison(
                node,
                cx,
                operator.get("type") or "string",
                operator.get("operation") or "equals",
                c.get("leftValue", ""),
                c.get("rightValue", ""),
                ignore_case=ignore_case,
            )
        )
    combinator = "or" if conditions.get("combinator") == "or" else "and"
    return rules, combinator


OPERATORS = {
    "equals": "eq",
    "equal": "eq",
    "notEquals": "ne",
    "notEqual": "ne",
    "gt": "gt",
    "larger": "gt",
    "after": "gt",
    "gte": "gte",
    "largerEqual": "gte",
    "afterOrEquals": "gte",
    "lt": "lt",
    "smaller": "lt",
    "before": "lt",
    "lte": "lte",
    "smallerEqual": "lte",
    "beforeOrEquals": "lte",
    "contains": "contains",
    "notContains": "not_contains",
    "startsWith": "starts_with",
    "endsWith": "ends_with",
    "regex": "matches",
    "exists": "exists",
    "empty": "is_empty",
    "isEmpty": "is_empty",
}
LENGTH_OPERATORS = {
    "lengthEquals": "eq",
    "lengthNotEquals": "ne",
    "lengthGt": "gt",
    "lengthGte": "gte",
    "lengthLt": "lt",
    "lengthLte": "lte",
}
NEGATED = {"notStartsWith", "notEndsWith", "notRegex"}
CASE_FOLDED = {
    "equals",
    "notEquals",
    "contains",
    "notContains",
    "startsWith",
    "endsWith",
    "notStartsWith",
    "notEndsWith",
}


def comparison(
    node: N8nNode,
    cx: Converter,
    kind: str,
    operation: str,
    left_raw: Any,
    right_raw: Any,
    ignore_case: bool = False,
) -> dict[str, Any]:
    """One n8n condition as a WorkFuse rule {left, operator, right}."""
    left, right = cx.value(left_raw, node), cx.value(right_raw, node)
    if ignore_case and kind == "string" and operation in CASE_FOLDED:
        left, right = _lower(left), _lower(right)
    if operation in ("regex", "notRegex"):
        right = _regex(right, ignore_case)
    if operation in OPERATORS:
        op = OPERATORS[operation]
        if op in ("exists", "is_empty"):
            return {"left": left, "operator": op}
        return {"left": left, "operator": op, "right": right}
    if operation == "notExists":
        return {"left": left, "operator": "eq", "right": None}
    if operation in ("true", "false"):
        return {"left": left, "operator": "eq", "right": operation == "true"}
    if operation in ("notEmpty", "isNotEmpty"):
        return _not_empty(left)
    if operation in LENGTH_OPERATORS:
        expression = single(left)
        if expression is None:
            raise Refusal(f"compares the length of a value that is not an expression ({left!r}).")
        return {
            "left": "{{ (" + expression + ") | length }}",
            "operator": LENGTH_OPERATORS[operation],
            "right": right,
        }
    if operation in NEGATED:
        return _negated(node, operation, left, right)
    raise Refusal(
        f"uses the comparison '{operation}' ({kind}), which WorkFuse conditions do not have. "
        "Change it in n8n and export again."
    )


def _not_empty(left: Any) -> dict[str, Any]:
    """WorkFuse has `is_empty` but no negation of it; test the same emptiness in the template."""
    expression = single(left)
    if expression is not None:
        return {
            "left": "{{ (" + expression + ") in [none, '', [], {}] }}",
            "operator": "eq",
            "right": False,
        }
    if is_template(left):
        return {"left": left, "operator": "ne", "right": ""}
    return {"left": left in (None, "", [], {}), "operator": "eq", "right": False}


def _negated(node: N8nNode, operation: str, left: Any, right: Any) -> dict[str, Any]:
    """'does not start with' and friends, as a regular expression that fails on a match."""
    if is_template(right) or not isinstance(right, str | int | float):
        raise Refusal(
            f"uses '{operation}' against an expression; WorkFuse has no negated form of that "
            "comparison. Use the positive comparison and swap the outputs in n8n, then export again."
        )
    flags, body = _split_flags(str(right))
    if operation == "notStartsWith":
        pattern = r"\A(?!" + re.escape(body) + ")"
    elif operation == "notEndsWith":
        pattern = r"\A(?![\s\S]*" + re.escape(body) + r"\Z)"
    else:
        pattern = r"\A(?![\s\S]*?(?:" + body + "))"
    return {"left": left, "operator": "matches", "right": flags + pattern}


def _regex(value: Any, ignore_case: bool) -> Any:
    """n8n accepts `/pattern/flags`; Python wants inline flags."""
    if not isinstance(value, str) or is_template(value):
        return value
    match = re.fullmatch(r"/(.*)/([a-z]*)", value, re.S)
    pattern, flags = (match.group(1), match.group(2)) if match else (value, "")
    inline = "".join(sorted({f for f in flags + ("i" if ignore_case else "") if f in "ims"}))
    return (f"(?{inline})" if inline else "") + pattern


def _split_flags(pattern: str) -> tuple[str, str]:
    match = re.match(r"\(\?[a-zA-Z]+\)", pattern)
    return (match.group(0), pattern[match.end() :]) if match else ("", pattern)


def _lower(value: Any) -> Any:
    if isinstance(value, str) and not is_template(value):
        return value.lower()
    expression = single(value)
    if expression is not None:
        return "{{ (" + expression + ") | lower }}"
    if is_template(value):
        return "{% filter lower %}" + value + "{% endfilter %}"
    return value


def _switch(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    if node.version < 3:
        raise Refusal(
            f"is Switch version {node.version:g}; WorkFuse reads version 3 and later. Replace "
            "it with a new Switch node in n8n and export again."
        )
    if p.get("mode") == "expression":
        raise Refusal(
            "routes by an expression; WorkFuse switches route by rules. Switch it to Rules "
            "mode in n8n and export again."
        )
    values = (p.get("rules") or {}).get("values") or []
    if not values:
        raise Refusal("has no routing rules; add one in n8n and export again.")
    options = p.get("options") or {}
    taken: set[str] = set()
    cases, outputs = [], []
    for i, value in enumerate(values):
        key = value.get("outputKey") if value.get("renameOutput", True) else None
        handle = unique(
            slug(str(key), MAX_HANDLE, "case") if key else f"case_{i}", taken, MAX_HANDLE
        )
        taken.add(handle)
        rules, combinator = filter_rules(node, cx, value.get("conditions") or {})
        if not rules:
            raise Refusal(
                f"has routing rule {i + 1} without conditions; add one in n8n and export again."
            )
        cases.append({"handle": handle, "combinator": combinator, "rules": rules})
        outputs.append([handle])
    renamed = options.get("renameFallbackOutput")
    default = unique(
        slug(str(renamed), MAX_HANDLE, "case") if renamed else "default", taken, MAX_HANDLE
    )
    fallback = options.get("fallbackOutput", "none")
    if isinstance(fallback, str) and fallback.isdigit():
        fallback = int(fallback)
    if fallback in ("extra", "last"):
        outputs.append([default])
    elif isinstance(fallback, int) and 0 <= fallback < len(outputs):
        outputs[fallback].append(default)
    notes = []
    if options.get("allMatchingOutputs"):
        notes.append(
            "n8n sent items to every matching output; WorkFuse takes the first matching case."
        )
    config = {"cases": cases, "default_handle": default}
    return Converted("logic.switch", config, outputs=outputs, notes=notes)


def _loop(node: N8nNode, cx: Converter) -> Converted:
    ref = cx.input_ref(node)
    path = ref[0] if ref else None
    if path == "trigger" and _feeds_from_webhook(node, cx):
        path = "trigger.body"
    items: Any = "{{ " + path + " }}" if path else []
    notes = [
        "n8n hands a list of items from node to node; WorkFuse passes one output. Check that "
        f"'items' ({items!r}) is the list to loop over."
    ]
    batch = node.params.get("batchSize", 1 if node.version >= 3 else 10)
    if batch != 1:
        notes.append(f"n8n ran batches of {batch}; WorkFuse runs the body once per item.")
    outputs = [[loop_output(node, 0)], [loop_output(node, 1)]]
    return Converted("logic.loop", {"items": items, "concurrency": 1}, outputs=outputs, notes=notes)


def _feeds_from_webhook(node: N8nNode, cx: Converter) -> bool:
    parents = cx.parents.get(node.name) or []
    return bool(parents) and cx.nodes[parents[0][0]].type == f"{BASE}webhook"


# --- utilities ---------------------------------------------------------------------------------


def _set(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    options = p.get("options") or {}
    dotted = options.get("dotNotation", True) is not False
    notes: list[str] = []
    if node.version >= 3 and p.get("mode") == "raw":
        text = p.get("jsonOutput") or "{}"
        body = cx.value(text, node) if isinstance(text, str) else json.dumps(text)
    else:
        fields = _set_fields(node)
        tree: dict[str, Any] = {}
        for name, kind, value in fields:
            path = name.split(".") if dotted else [name]
            _place(tree, path, _json_piece(cx, node, value, kind))
        body = _json_object(tree)
    if _keeps_input(node):
        ref = cx.input_ref(node)
        if ref is None:
            notes.append("n8n also kept the input's fields; there is no input to keep here.")
        elif single(body) is not None:
            body = "{{ dict(" + ref[0] + ", **(" + str(single(body)) + ")) }}"
        else:
            body = (
                "{% set fields %}" + body + "{% endset %}"
                "{{ dict(" + ref[0] + ", **(fields | fromjson)) | tojson }}"
            )
            if dotted and any("." in name for name, _, _ in _set_fields(node)):
                notes.append(
                    "Dotted names replace the input's whole top-level field, not just the nested key."
                )
    return Converted("utility.transform", {"language": "template", "expression": body}, notes=notes)


def _set_fields(node: N8nNode) -> list[tuple[str, str, Any]]:
    """(name, type, raw value) for each field the Set node writes, across its versions."""
    p = node.params
    if node.version >= 3.3 or "assignments" in p:
        rows = (p.get("assignments") or {}).get("assignments") or []
        return [
            (str(r.get("name") or ""), r.get("type") or "string", r.get("value", "")) for r in rows
        ]
    if node.version >= 3:
        rows = (p.get("fields") or {}).get("values") or []
        out = []
        for r in rows:
            kind = (r.get("type") or "stringValue").removesuffix("Value")
            out.append((str(r.get("name") or ""), kind, r.get(f"{kind}Value", "")))
        return out
    values = p.get("values") or {}
    return [
        (str(r.get("name") or ""), kind, r.get("value", DEFAULTS_V2[kind]))
        for kind in ("boolean", "number", "string")
        for r in values.get(kind) or []
    ]


DEFAULTS_V2 = {"boolean": False, "number": 0, "string": ""}


def _keeps_input(node: N8nNode) -> bool:
    p = node.params
    if node.version < 3:
        return not p.get("keepOnlySet", False)
    if node.version >= 3.3:
        return bool(p.get("includeOtherFields", False))
    return (p.get("include") or "all") != "none"


def _place(tree: dict[str, Any], path: list[str], piece: str) -> None:
    for part in path[:-1]:
        child = tree.get(part)
        if not isinstance(child, dict):
            child = tree[part] = {}
        tree = child
    tree[path[-1]] = piece


def _json_piece(cx: Converter, node: N8nNode, raw: Any, kind: str) -> str:
    """Template text that renders to the JSON for one field's value."""
    if isinstance(raw, str) and raw.startswith("="):
        value = cx.expression(raw[1:], node)
        expression = single(value)
        if expression is not None:
            return "{{ (" + expression + ") | tojson }}"
        if is_template(value):
            return "{% filter tojson %}" + value + "{% endfilter %}"
        raw = value
    return literal(json.dumps(_typed(raw, kind), ensure_ascii=False), in_template=True)


def _typed(value: Any, kind: str) -> Any:
    if kind == "number" and isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return value
        return int(number) if number.is_integer() else number
    if kind == "boolean" and isinstance(value, str):
        return value.strip().lower() == "true"
    if kind in ("array", "object") and isinstance(value, str):
        parsed = _json_text(value)
        return parsed if parsed is not None else value
    return value


def _json_object(tree: dict[str, Any]) -> str:
    members = []
    for key, value in tree.items():
        text = value if isinstance(value, str) else _json_object(value)
        members.append(literal(json.dumps(key, ensure_ascii=False), in_template=True) + ": " + text)
    return "{" + ", ".join(members) + "}"


def _wait(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    resume = p.get("resume") or "timeInterval"
    if resume == "specificTime":
        when = cx.value(p.get("dateTime") or "", node)
        if not when:
            raise Refusal("waits until a date that is not set; set it in n8n and export again.")
        note = "n8n read this time in the workflow's time zone; add an offset (e.g. +01:00) if it has none."
        return Converted("utility.delay", {"until": when}, notes=[note])
    if resume != "timeInterval":
        raise Refusal(f"waits for a {resume} call to resume; WorkFuse delays wait for time only.")
    amount = p.get("amount", 1 if node.version < 1.1 else 5)
    unit = p.get("unit") or ("hours" if node.version < 1.1 else "seconds")
    if unit not in SECONDS:
        raise Refusal(f"waits in '{unit}'; WorkFuse knows seconds, minutes, hours and days.")
    factor = SECONDS[unit]
    value = cx.value(amount, node)
    expression = single(value)
    if expression is not None:
        seconds: Any = "{{ (" + expression + ") * " + str(factor) + " }}" if factor != 1 else value
    elif isinstance(value, int | float) or (isinstance(value, str) and _is_number(value)):
        seconds = float(value) * factor
        seconds = int(seconds) if seconds.is_integer() else seconds
    else:
        raise Refusal(f"waits for '{amount}' {unit}, which is not a number.")
    return Converted("utility.delay", {"seconds": seconds})


def _merge(node: N8nNode, cx: Converter) -> Converted:
    mode = node.params.get("mode") or "append"
    notes = []
    if mode not in ("append", "wait", "passThrough"):
        notes.append(
            f"n8n merged in '{mode}' mode; WorkFuse's merge outputs each input's output by "
            "node id ({inputs: {...}}). Adjust the nodes after it."
        )
    return Converted("utility.merge", {"mode": "all"}, notes=notes)


def _noop(node: N8nNode, cx: Converter) -> Converted:
    return Converted("utility.transform", {"language": "jmespath", "expression": "@"})


# --- small helpers -----------------------------------------------------------------------------


def _version(raw: dict[str, Any]) -> float:
    try:
        return float(raw.get("typeVersion") or 1)
    except (TypeError, ValueError):
        return 1.0


def _coordinate(values: list[Any], index: int) -> float:
    value = values[index] if index < len(values) else 0
    return value if isinstance(value, int | float) and not isinstance(value, bool) else 0


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _json_text(text: Any) -> Any:
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return None


SPECS: dict[str, Spec] = {
    f"{BASE}manualTrigger": Spec(_manual, "trigger"),
    f"{BASE}start": Spec(_manual, "trigger"),
    f"{BASE}webhook": Spec(_webhook, "trigger"),
    f"{BASE}scheduleTrigger": Spec(_schedule, "trigger", (("timestamp", "scheduled_at"),)),
    f"{BASE}cron": Spec(_cron, "trigger"),
    f"{BASE}httpRequest": Spec(_http, "body"),
    f"{BASE}code": Spec(_code, "result"),
    f"{BASE}set": Spec(_set, "result"),
    f"{BASE}if": Spec(_if, None),
    f"{BASE}switch": Spec(_switch, None),
    f"{BASE}splitInBatches": Spec(_loop, None),
    f"{BASE}wait": Spec(_wait, None),
    f"{BASE}merge": Spec(_merge, None),
    f"{BASE}noOp": Spec(_noop, None),
    f"{LANGCHAIN}openAi": Spec(_ai, "", (("message.content", "response"),)),
    f"{LANGCHAIN}agent": Spec(_ai, "", (("output", "response"),)),
    f"{LANGCHAIN}chainLlm": Spec(_ai, "", (("text", "response"),)),
}
