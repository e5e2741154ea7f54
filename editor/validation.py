"""Whole-graph validation (DESIGN §3): the one entry point pages, the API, import and the engine call.

Structure first (shape, ids, triggers, edges, cycles), then each node against its type:
known type, config valid for the type's schema, edges leaving by real handles, and templates
that parse and read only the trigger, upstream nodes, or `item`/`index` inside a loop body and
in a data node's per-item fields (`NodeType.item_fields`).
"""

from __future__ import annotations

from collections import defaultdict
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
    pairs = [(e.source, e.target) for e in parsed.edges]
    ids = [n.id for n in parsed.nodes]
    if find_cycle(ids, [(s, t) for s, t in pairs if s in ids and t in ids]) is None:
        issues.extend(_loop_exit_issues(parsed))
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
    """For each node, the loops whose body it is in.

    A loop's body is what its `each` output leads to, as long as every input of a node comes
    from the loop's `each`, from the body, or from outside the loop altogether. A node that
    also waits for something after the loop is not in the body (`_loop_exit_issues` refuses it)."""
    children: dict[str, list[str]] = defaultdict(list)
    parents: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for edge in graph.edges:
        children[edge.source].append(edge.target)
        parents[edge.target].append((edge.source, edge.source_handle))
    inside: dict[str, set[str]] = defaultdict(set)
    for loop in (n for n in graph.nodes if n.type == "logic.loop"):
        after_loop = _reachable([loop.id], children) - {loop.id}
        body: set[str] = set()
        candidates = _reachable(
            [e.target for e in graph.edges if e.source == loop.id and e.source_handle == "each"],
            children,
        ) - {loop.id}
        grew = True
        while grew:
            grew = False
            for node in candidates - body:
                if all(
                    (p == loop.id and h == "each")
                    or p in body
                    or (p != loop.id and p not in after_loop)
                    for p, h in parents[node]
                ):
                    body.add(node)
                    grew = True
        for node in body:
            inside[node].add(loop.id)
    return inside


def _reachable(starts: list[str], children: dict[str, list[str]]) -> set[str]:
    seen: set[str] = set()
    todo = list(starts)
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(children[current])
    return seen


def _loop_exit_issues(graph: Graph) -> list[GraphIssue]:
    """A node inside a loop body runs once per item; one outside runs once. An edge from the
    first to the second has no meaning: results leave a loop through its `done` output."""
    inside = loop_bodies(graph)
    issues = []
    for i, edge in enumerate(graph.edges):
        leaving = inside.get(edge.source, set()) - inside.get(edge.target, set())
        if edge.source_handle == "done":
            leaving = set()
        if leaving:
            loop = sorted(leaving)[0]
            issues.append(
                GraphIssue(
                    edge.source,
                    f"edges[{i}]",
                    f"'{edge.source}' runs once per item of loop '{loop}' and cannot connect to "
                    f"'{edge.target}' outside it; connect the loop's 'done' output instead.",
                )
            )
    return issues


def _template_issues(graph: Graph, pairs: list[tuple[str, str]]) -> list[GraphIssue]:
    inside_loops = loop_bodies(graph)
    has_wait = any(n.type == "utility.wait" for n in graph.nodes)
    issues = []
    for node in graph.nodes:
        node_type = NODE_TYPES.get(node.type)
        if node_type is None:
            continue
        upstream = ancestors(node.id, pairs)
        roots = set(templating.CONTEXT_ROOTS) | set(templating.ENV.globals)
        if inside_loops.get(node.id):
            roots |= set(templating.LOOP_ROOTS)
        per_item = roots | set(templating.LOOP_ROOTS)
        for fields, allowed in (
            (node_type.template_config(node.config), roots),
            (node_type.item_config(node.config), per_item),
        ):
            for field, text in templating.template_strings(fields):
                issues += _text_issues(
                    node.id, f"config.{field}", text, allowed, upstream, has_wait=has_wait
                )
    return issues


def _text_issues(
    node_id: str,
    where: str,
    text: str,
    roots: set[str],
    upstream: set[str],
    *,
    has_wait: bool = False,
) -> list[GraphIssue]:
    try:
        tree = templating.parse(text)
    except templating.TemplateError as exc:
        return [GraphIssue(node_id, where, exc.message)]
    problems = (
        _reference_problem(path, roots, upstream, node_id, has_wait=has_wait)
        for path in templating.referenced_paths(tree)
    )
    return [GraphIssue(node_id, where, problem) for problem in problems if problem]


def _reference_problem(
    path: tuple[Any, ...],
    roots: set[str],
    upstream: set[str],
    node_id: str,
    *,
    has_wait: bool = False,
) -> str | None:
    root = path[0]
    # --- wait: what execution and workflow hold ---
    known = templating.CONTEXT_KEYS.get(root) if root in roots else None
    if known is not None and len(path) > 1:
        if path[1] not in known:
            return f"'{root}' has no '{path[1]}'; it holds {', '.join(known)}."
        if path[1] == "resume_url" and not has_wait:
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
        return (
            f"Unknown variable '{root}'. Templates can read trigger, nodes.<id>, execution, "
            "workflow, and item/index inside a loop or a data node's per-item settings."
        )
    if root == "nodes" and len(path) > 1:
        other = path[1]
        if other == node_id:
            return f"'{node_id}' cannot read its own output."
        if other not in upstream:
            available = ", ".join(sorted(upstream)) or "none"
            return (
                f"'nodes.{other}' is not upstream of '{node_id}': only nodes that run before it can be "
                f"read (upstream: {available})."
            )
    return None
