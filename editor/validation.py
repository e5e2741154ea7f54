"""Whole-graph validation (DESIGN §3): the one entry point pages, the API, import and the engine call.

Structure first (shape, ids, triggers, edges, cycles), then each node against its type:
known type, config valid for the type's schema, edges leaving by real handles, bodies of loops
and repeats that nothing leaves, and templates that parse and read only the trigger, upstream
nodes, `item`/`index` inside a loop body and in a data node's per-item fields
(`NodeType.item_fields`), or `iteration` inside a repeat's body (and, with `last` and that
round's body steps, in the repeat's own `NodeType.round_fields`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from editor import templating
from editor.graph import Graph, GraphIssue, ancestors, find_cycle, parse, structural_issues
from editor.models import Workflow
from editor.nodes import NODE_TYPES, trigger_workflow


def validate_graph(graph: Any, *, owner: Any = None) -> list[GraphIssue]:
    """With `owner`, credentials must also be the owner's and of a kind the node accepts."""
    parsed, issues = parse(graph)
    if parsed is None:
        return issues
    issues = structural_issues(parsed)
    configs: dict[str, Any] = {}
    for node in parsed.nodes:
        node_type = NODE_TYPES.get(node.type)
        if node_type is None:
            issues.append(GraphIssue(node.id, "type", f"Unknown node type '{node.type}'."))
            continue
        try:
            configs[node.id] = node_type.Config.model_validate(node.config)
        except ValidationError as exc:
            issues.extend(config_issues(node.id, exc))
        if node_type.stops_run and node.on_error != "fail":
            issues.append(
                GraphIssue(
                    node.id,
                    "on_error",
                    f"A '{node_type.label}' node always fails the run, so on_error "
                    f"'{node.on_error}' cannot apply to it; remove on_error or set it to 'fail'.",
                )
            )
    issues.extend(_handle_issues(parsed, configs))
    if owner is not None:
        issues.extend(_credential_issues(parsed, configs, owner))
        issues.extend(_call_issues(parsed, configs, owner))
        issues.extend(_agent_tool_issues(parsed, configs, owner))
    pairs = [(e.source, e.target) for e in parsed.edges]
    ids = [n.id for n in parsed.nodes]
    if find_cycle(ids, [(s, t) for s, t in pairs if s in ids and t in ids]) is None:
        issues.extend(_body_issues(parsed))
        issues.extend(_template_issues(parsed, pairs))
    return issues


def config_issues(node_id: str, exc: ValidationError) -> list[GraphIssue]:
    """Pydantic errors as issues on `config.<field>`."""
    issues = []
    for err in exc.errors():
        loc = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err["loc"])
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = f"Unknown setting '{err['loc'][-1]}'."
        issues.append(GraphIssue(node_id, f"config{loc}", message))
    return issues


def _credential_issues(graph: Graph, configs: dict[str, Any], owner: Any) -> list[GraphIssue]:
    from credentials.models import Credential

    mine = dict(Credential.objects.filter(owner=owner).values_list("id", "kind"))
    issues = []
    for node in graph.nodes:
        credential = getattr(configs.get(node.id), "credential", None)
        if credential is None:
            continue
        kinds = NODE_TYPES[node.type].credential_kinds
        if credential not in mine:
            issues.append(
                GraphIssue(
                    node.id,
                    "config.credential",
                    f"Credential {credential} does not exist or is not yours; pick one of your "
                    "credentials.",
                )
            )
        elif kinds and mine[credential] not in kinds:
            issues.append(
                GraphIssue(
                    node.id,
                    "config.credential",
                    f"This node needs a credential of kind {', '.join(kinds)}; credential "
                    f"{credential} is a {mine[credential]}.",
                )
            )
    return issues


def _call_issues(graph: Graph, configs: dict[str, Any], owner: Any) -> list[GraphIssue]:
    """A node that calls a workflow (action.workflow) names one of the owner's that can be
    called, and passes the inputs it declares: none unknown, every required one, and values
    given as they are (not templates) of the input's type. Templates are checked at run time."""
    calls = {
        node.id: configs[node.id]
        for node in graph.nodes
        if node.id in configs and NODE_TYPES[node.type].calls_workflow
    }
    if not calls:
        return []
    wanted = {config.workflow for config in calls.values()}
    mine = {
        w.pk: w for w in Workflow.objects.filter(owner=owner, pk__in=wanted).only("name", "graph")
    }
    issues = []
    for node_id, config in calls.items():
        called = mine.get(config.workflow)
        if called is None:
            issues.append(
                GraphIssue(
                    node_id,
                    "config.workflow",
                    f"Workflow {config.workflow} does not exist or is not yours; pick one of your "
                    "workflows.",
                )
            )
            continue
        trigger = trigger_workflow.config_in(called.graph)
        if trigger is None:
            issues.append(
                GraphIssue(
                    node_id,
                    "config.workflow",
                    f"Workflow '{called.name}' cannot be called: it has no 'When called by a "
                    "workflow' trigger (trigger.workflow). Add one to it first.",
                )
            )
            continue
        issues.extend(_input_issues(node_id, called.name, trigger.inputs, config.inputs))
    return issues


def _input_issues(
    node_id: str, name: str, declared: list[trigger_workflow.WorkflowInput], given: dict[str, Any]
) -> list[GraphIssue]:
    issues = [
        GraphIssue(node_id, f"config.inputs.{key}", message.replace("this workflow", f"'{name}'"))
        for key, message in trigger_workflow.unknown_inputs(declared, given)
    ]
    for spec in declared:
        value = given.get(spec.name)
        if value is None and spec.required:
            issues.append(
                GraphIssue(
                    node_id, "config.inputs", f"'{name}' needs the input '{spec.name}' (required)."
                )
            )
        elif value is not None and not templating.is_template(value):
            try:
                trigger_workflow.check_value(spec, value)
            except ValueError as exc:
                issues.append(GraphIssue(node_id, f"config.inputs.{spec.name}", f"{exc}."))
    return issues


def _handle_issues(graph: Graph, configs: dict[str, Any]) -> list[GraphIssue]:
    nodes = {n.id: n for n in graph.nodes}
    issues = []
    for i, edge in enumerate(graph.edges):
        source = nodes.get(edge.source)
        if source is None or source.id not in configs:
            continue
        handles = NODE_TYPES[source.type].output_handles(configs[source.id])
        if source.on_error == "route":
            handles = [*handles, "error"]
        if edge.source_handle not in handles:
            issues.append(
                GraphIssue(
                    source.id,
                    f"edges[{i}].source_handle",
                    f"'{edge.source_handle}' is not an output of '{source.id}'; its outputs are: "
                    f"{', '.join(handles) or 'none'}.",
                )
            )
        if edge.target_handle not in (None, "main"):
            issues.append(
                GraphIssue(
                    edge.target,
                    f"edges[{i}].target_handle",
                    f"'{edge.target_handle}' is not an input; nodes have one input, 'main'.",
                )
            )
    return issues


def loop_bodies(graph: Graph) -> dict[str, set[str]]:
    """For each node, the loops and repeats whose body it is in: the node types with a
    `body_handle` (a loop's `each`, a repeat's `body`), called containers below.

    A body is what the body handle leads to, as long as every input of a node comes from that
    handle, from the body, or from outside the container altogether. A node that also waits for
    something after the container is not in the body (`_body_issues` refuses it)."""
    children, parents = _links(graph)
    inside: dict[str, set[str]] = defaultdict(set)
    for container in graph.nodes:
        handle = _body_handle(container.type)
        if handle is not None:
            for node in _body(container.id, handle, graph, children, parents):
                inside[node].add(container.id)
    return inside


def _body_handle(node_type: str) -> str | None:
    found = NODE_TYPES.get(node_type)
    return found.body_handle if found is not None else None


def _links(
    graph: Graph,
) -> tuple[dict[str, list[str]], dict[str, list[tuple[str, str]]]]:
    children: dict[str, list[str]] = defaultdict(list)
    parents: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for edge in graph.edges:
        children[edge.source].append(edge.target)
        parents[edge.target].append((edge.source, edge.source_handle))
    return children, parents


def _body(
    container: str,
    handle: str,
    graph: Graph,
    children: dict[str, list[str]],
    parents: dict[str, list[tuple[str, str]]],
) -> set[str]:
    after = _reachable([container], children) - {container}
    candidates = _reachable(
        [e.target for e in graph.edges if e.source == container and e.source_handle == handle],
        children,
    ) - {container}
    body: set[str] = set()
    grew = True
    while grew:
        grew = False
        for node in candidates - body:
            if all(
                (p == container and h == handle) or p in body or (p != container and p not in after)
                for p, h in parents[node]
            ):
                body.add(node)
                grew = True
    return body


def _reachable(starts: list[str], children: dict[str, list[str]]) -> set[str]:
    seen: set[str] = set()
    todo = list(starts)
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(children[current])
    return seen


def _body_issues(graph: Graph) -> list[GraphIssue]:
    """A node inside a body runs once per item (or round); one outside runs once. An edge from
    the first to the second has no meaning: results leave a loop through its `done` output, a
    repeat through `done` or `exhausted`. A repeat needs a body: it is what it repeats."""
    inside = loop_bodies(graph)
    types = {n.id: n.type for n in graph.nodes}
    issues = []
    for i, edge in enumerate(graph.edges):
        leaving = inside.get(edge.source, set()) - inside.get(edge.target, set())
        if leaving:
            container = sorted(leaving)[0]
            issues.append(
                GraphIssue(
                    edge.source,
                    f"edges[{i}]",
                    f"'{edge.source}' runs once per {_runs(types[container], container)} and "
                    f"cannot connect to '{edge.target}' outside it; connect the "
                    f"{_exits(types[container])} instead.",
                )
            )
        elif edge.source_handle == _body_handle(
            types.get(edge.source, "")
        ) and edge.source not in inside.get(edge.target, set()):
            issues.append(
                GraphIssue(
                    edge.target,
                    f"edges[{i}]",
                    f"'{edge.target}' is connected to the '{edge.source_handle}' output of "
                    f"'{edge.source}' but also waits for a step that runs only after "
                    f"'{edge.source}' has finished; a step in its body can wait only for steps "
                    "in that body or before it.",
                )
            )
    for node_id, containers in inside.items():
        for container in sorted(containers):
            if not inside.get(container, set()) <= containers:
                outer = sorted(inside[container] - containers)[0]
                issues.append(
                    GraphIssue(
                        node_id,
                        "edges",
                        f"'{node_id}' is in the body of '{container}', which runs inside "
                        f"'{outer}', but it also waits for a step that runs only after "
                        f"'{outer}' has finished.",
                    )
                )
    for node in graph.nodes:
        handle = _body_handle(node.type)
        if node.type == "logic.repeat" and not any(
            e.source == node.id and e.source_handle == handle for e in graph.edges
        ):
            issues.append(
                GraphIssue(
                    node.id,
                    "edges",
                    f"Nothing is connected to the 'body' output of '{node.id}': connect the "
                    "steps it should run in each round.",
                )
            )
    return issues


def _runs(container_type: str, container: str) -> str:
    """What one run of a container's body is, for messages."""
    if container_type == "logic.repeat":
        return f"round of repeat '{container}'"
    return f"item of loop '{container}'"


def _exits(container_type: str) -> str:
    if container_type == "logic.repeat":
        return "repeat's 'done' or 'exhausted' output"
    return "loop's 'done' output"


def _template_issues(graph: Graph, pairs: list[tuple[str, str]]) -> list[GraphIssue]:
    inside = loop_bodies(graph)
    types = {n.id: n.type for n in graph.nodes}
    base = set(templating.CONTEXT_ROOTS) | set(templating.ENV.globals)
    issues = []
    for node in graph.nodes:
        node_type = NODE_TYPES.get(node.type)
        if node_type is None:
            continue
        upstream = ancestors(node.id, pairs)
        containers = inside.get(node.id, set())
        roots = base | _scope_roots(containers, types)
        place = _Place(node.id, upstream, containers, types)
        checks = [
            (node_type.template_config(node.config), roots, place),
            (node_type.item_config(node.config), roots | set(templating.LOOP_ROOTS), place),
        ]
        if node_type.round_fields:
            # After a round: that round's steps directly in the body (not those of a loop or
            # repeat nested in it, which ran many times) can be read too.
            members = {m for m, c in inside.items() if c == containers | {node.id}}
            after_round = _Place(node.id, upstream | members, containers, types)
            roots_after = roots | set(templating.ROUND_ROOTS)
            checks.append((node_type.round_config(node.config), roots_after, after_round))
        for fields, allowed, where in checks:
            for field, text in templating.template_strings(fields):
                issues += _text_issues(f"config.{field}", text, allowed, where)
    return issues


def _scope_roots(containers: set[str], types: dict[str, str]) -> set[str]:
    """Variables a node's templates read from the loops and repeats around it."""
    roots: set[str] = set()
    for container in containers:
        if types[container] == "logic.repeat":
            roots |= set(templating.REPEAT_ROOTS)
        else:
            roots |= set(templating.LOOP_ROOTS)
    return roots


@dataclass(frozen=True)
class _Place:
    """Where a template is: its node, the nodes it may read, and the bodies it runs in."""

    node_id: str
    readable: set[str]
    containers: set[str]
    types: dict[str, str]

    @property
    def has_wait(self) -> bool:
        """The workflow has a utility.wait, so `execution.resume_url` can resume something."""
        return "utility.wait" in self.types.values()


def _text_issues(where: str, text: str, roots: set[str], place: _Place) -> list[GraphIssue]:
    try:
        tree = templating.parse(text)
    except templating.TemplateError as exc:
        return [GraphIssue(place.node_id, where, exc.message)]
    problems = (
        _reference_problem(path, roots, place) for path in templating.referenced_paths(tree)
    )
    return [GraphIssue(place.node_id, where, problem) for problem in problems if problem]


def _reference_problem(path: tuple[Any, ...], roots: set[str], place: _Place) -> str | None:
    root, node_id = path[0], place.node_id
    # --- wait: what execution and workflow hold ---
    known = templating.CONTEXT_KEYS.get(root) if root in roots else None
    if known is not None and len(path) > 1:
        if path[1] not in known:
            return f"'{root}' has no '{path[1]}'; it holds {', '.join(known)}."
        if path[1] == "resume_url" and not place.has_wait:
            return (
                "'execution.resume_url' resumes a 'Wait for call or approval' (utility.wait) "
                "step, and this workflow has none; add one after this node."
            )
    # --- end wait ---
    if root not in roots:
        if root in templating.LOOP_ROOTS:
            return (
                f"'{root}' exists only inside a loop body (after a Loop node's 'each' output) "
                "and in the per-item settings of data nodes (a filter's rules, a sort's keys)."
            )
        if root == "iteration":
            return (
                "'iteration' exists only inside a repeat's body (after a Repeat node's 'body' "
                "output) and in the repeat's own 'until' and 'delay_seconds'."
            )
        if root == "carried":
            return (
                "'carried' exists only inside a repeat's body (after a Repeat node's 'body' "
                "output): what the round was given."
            )
        if root in templating.ROUND_ROOTS:
            return (
                f"'{root}' exists only in a repeat's 'until' and 'delay_seconds': the output of "
                "the last step of the round just finished."
            )
        return (
            f"Unknown variable '{root}'. Templates can read trigger, nodes.<id>, execution, "
            "workflow, item/index inside a loop or a data node's per-item settings, and "
            "iteration and carried inside a repeat."
        )
    if root == "nodes" and len(path) > 1:
        other = path[1]
        if other == node_id:
            return f"'{node_id}' cannot read its own output."
        if other in place.containers:
            instead = "iteration" if place.types[other] == "logic.repeat" else "item and index"
            return (
                f"'{node_id}' runs inside the body of '{other}', which has no output until its "
                f"body is done; read {instead} instead."
            )
        if other not in place.readable:
            available = ", ".join(sorted(place.readable)) or "none"
            return (
                f"'nodes.{other}' is not upstream of '{node_id}': only nodes that run before it can be "
                f"read (upstream: {available})."
            )
    return None


def _agent_tool_issues(graph: Graph, configs: dict[str, Any], owner: Any) -> list[GraphIssue]:
    """An agent's tools name the owner's credentials (of a kind the tool accepts) and the
    owner's workflows that can be called."""
    from credentials.models import Credential
    from editor.nodes.action_agent import HTTP_TOOL_KINDS, MCP_TOOL_KINDS, HttpTool, WorkflowTool
    from editor.nodes.action_agent import Config as AgentConfig

    agents = {
        node.id: config
        for node in graph.nodes
        if isinstance(config := configs.get(node.id), AgentConfig) and config.tools
    }
    if not agents:
        return []
    credentials = dict(Credential.objects.filter(owner=owner).values_list("id", "kind"))
    workflows = {w.pk: w for w in Workflow.objects.filter(owner=owner).only("name", "graph")}
    issues = []
    for node_id, config in agents.items():
        for i, tool in enumerate(config.tools):
            where = f"config.tools[{i}]"
            if isinstance(tool, WorkflowTool):
                called = workflows.get(tool.workflow)
                if called is None or trigger_workflow.config_in(called.graph) is None:
                    issues.append(
                        GraphIssue(
                            node_id,
                            f"{where}.workflow",
                            f"Tool '{tool.name}': workflow {tool.workflow} is not one of your "
                            "workflows that start with 'When called by a workflow'.",
                        )
                    )
                continue
            credential = getattr(tool, "credential", None)
            if credential is None:
                continue
            kinds = HTTP_TOOL_KINDS if isinstance(tool, HttpTool) else MCP_TOOL_KINDS
            if credentials.get(credential) not in kinds:
                issues.append(
                    GraphIssue(
                        node_id,
                        f"{where}.credential",
                        f"Tool '{tool.name}': credential {credential} is not one of your "
                        f"credentials of kind {', '.join(kinds)}.",
                    )
                )
    return issues
