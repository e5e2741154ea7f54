"""Export and import of workflows as JSON files (credential ids only, never values)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from editor import n8n
from editor.graph import GraphIssue, ImportRefused, starter_graph
from editor.models import Workflow, WorkflowVersion

# --- n8nflow ---
# isort: split
from editor.n8n import sets
from editor.validation import validate_graph
from editor.workflow_settings import set_error_workflow

# --- end n8nflow ---
# --- n8nitems ---
# isort: split
from editor.n8n.calls import Callee, CallTargets
from editor.n8n.report import Report, graph_report

# --- end n8nitems ---
# --- agentio ---
# isort: split
from editor.n8n import app_tools

# --- end agentio ---
# --- agenttools ---
# isort: split
from editor.n8n import embedded_tools

# --- end agenttools ---
# --- triggersplit ---
# isort: split
from editor.n8n import trigger_split

# --- end triggersplit ---
# --- ai4 ---
# isort: split
from editor.n8n import mcp_servers

# --- end ai4 ---

FORMAT = "workfuse"
FORMAT_VERSION = 1


@dataclass
class Imported:
    name: str
    description: str
    graph: dict[str, Any]
    # --- n8nitems ---
    report: Report | None = None  # for n8n exports: what became of each n8n node
    n8n: dict[str, Any] = field(default_factory=dict)  # kept as Workflow.n8n_import
    # --- end n8nitems ---
    # quality: for n8n exports, the n8n node behind each WorkFuse node (`n8n.named_issues`)
    origins: dict[str, Any] = field(default_factory=dict)


def export_workflow(workflow: Workflow) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "name": workflow.name,
        "description": workflow.description,
        "version": workflow.version,
        "graph": workflow.graph,
    }


def read_import(data: Any) -> Imported:
    """Accept a WorkFuse export, an n8n export or a bare graph; refuse anything else, saying why."""
    if not isinstance(data, dict):
        # --- n8nflow ---
        if isinstance(data, list) and data and all(n8n.looks_like_n8n(d) for d in data):
            raise ImportRefused(
                [
                    GraphIssue(
                        None,
                        "file",
                        "A list of n8n workflows is imported with POST /api/workflows/import, "
                        "which saves them together; here import one workflow at a time.",
                    )
                ]
            )
        # --- end n8nflow ---
        raise ImportRefused([GraphIssue(None, "file", "The file must hold a JSON object.")])
    if data.get("format") == FORMAT:
        if data.get("format_version") != FORMAT_VERSION:
            raise ImportRefused(
                [
                    GraphIssue(
                        None,
                        "format_version",
                        f"Unsupported format_version {data.get('format_version')!r}; "
                        f"this WorkFuse reads version {FORMAT_VERSION}.",
                    )
                ]
            )
        name = data.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ImportRefused([GraphIssue(None, "name", "The export has no workflow name.")])
        graph = data.get("graph")
        if not isinstance(graph, dict):
            raise ImportRefused([GraphIssue(None, "graph", "The export has no graph object.")])
        description = data.get("description") or ""
        return Imported(name=name.strip()[:200], description=str(description), graph=graph)
    if n8n.looks_like_n8n(data):
        name = str(data.get("name") or "").strip() or "Imported n8n workflow"
        # --- n8nflow ---
        description = "Imported from n8n" + sets.error_workflow_note(data)
        # --- end n8nflow ---
        # --- n8nitems ---
        result = n8n.import_n8n(data)
        return Imported(
            name[:200],
            description,
            result.graph,
            report=result.report,
            n8n=result.meta,
            origins=result.origins,
        )
        # --- end n8nitems ---
    if "nodes" in data and "edges" in data:
        return Imported(
            name=str(data.get("name") or "Imported workflow")[:200], description="", graph=data
        )
    raise ImportRefused(
        [
            GraphIssue(
                None,
                "format",
                'Not a WorkFuse export: expected "format": "workfuse" with a name and a graph.',
            )
        ]
    )


# --- n8nflow: a set of n8n exports imported together ---


def is_n8n_import(data: Any) -> bool:
    """An n8n export, or a list of them: imported by `import_n8n`."""
    return isinstance(data, list) or (isinstance(data, dict) and n8n.looks_like_n8n(data))


@transaction.atomic
def import_n8n(owner: Any, documents: list[Any]) -> list[Workflow]:
    """Import n8n exports together, as new workflows of `owner` (in the order given): an
    Execute Workflow node calling another of the set (or its own workflow) calls the new
    workflow, and `settings.errorWorkflow` naming one of the set becomes the error workflow.
    All or nothing: ImportRefused lists every problem, each named by its workflow."""
    group = sets.members(documents)
    # --- agentio ---
    # App nodes used as agent tools run in companion workflows, saved after the exports given.
    given = len(group)
    # --- triggersplit ---
    # An export with several triggers of one kind: a workflow per extra trigger, likewise.
    group, splits = trigger_split.with_companions(group)
    # --- end triggersplit ---
    # --- ai4 ---
    # An export with an MCP Server Trigger: a workflow per tool it serves, likewise.
    group, served = mcp_servers.with_companions(group, n8n.SPECS)
    # --- end ai4 ---
    group = app_tools.with_companions(group, n8n.SPECS)
    # --- end agentio ---
    # --- agenttools ---
    # Workflows carried inside a Call n8n Workflow tool's settings, likewise.
    group = embedded_tools.with_companions(group)
    # --- end agenttools ---
    # The ids come first, so that calls can name them; the rows roll back if anything fails.
    rows = [Workflow.objects.create(owner=owner, name=m.name, graph=starter_graph()) for m in group]
    origins: list[dict[str, Any]] = []  # quality: the n8n node behind each WorkFuse node
    graphs = sets.convert_set(group, [w.pk for w in rows], origins, _imported_before(owner))
    links = sets.error_workflows(group)
    for member, workflow, graph, (target, _) in zip(group, rows, graphs, links, strict=True):
        workflow.graph = graph
        workflow.description = "Imported from n8n"
        if target is None:
            workflow.description += sets.error_workflow_note(member.data)
        workflow.save(update_fields=["graph", "description", "updated_at"])
        WorkflowVersion.objects.create(
            workflow=workflow, number=1, graph=graph, created_by=owner, note="Imported from n8n"
        )
    issues = [
        issue
        for member, workflow, traced in zip(group, rows, origins, strict=True)
        for issue in sets.placed(
            member,
            n8n.named_issues(validate_graph(workflow.graph, owner=owner), traced),
            len(group),
        )
    ]
    if issues:
        raise ImportRefused(issues)
    for workflow, (target, _) in zip(rows, links, strict=True):
        if target is not None:
            if not rows[target].has_error_trigger:
                raise ImportRefused(
                    [
                        GraphIssue(
                            None,
                            "settings.errorWorkflow",
                            f"'{workflow.name}' reports its failures to '{rows[target].name}', "
                            "which has no Error Trigger; add one to it in n8n and export again.",
                        )
                    ]
                )
            set_error_workflow(workflow, rows[target])
    # --- agentio ---
    # `describe_imported` reports each export as it was converted: its app tools call their
    # companions. The companions are not among the exports given.
    companions = {
        m.n8n_id: Callee(w.pk, m.name) for m, w in zip(group[given:], rows[given:], strict=True)
    }
    for member, workflow in zip(group[:given], rows[:given], strict=True):
        workflow.n8n_converted = (member.data, companions)  # type: ignore[attr-defined]
    # --- triggersplit ---
    for split in splits:
        made = trigger_split.saved(split, rows)
        rows[split.main].n8n_split = made  # type: ignore[attr-defined]
    # --- end triggersplit ---
    # --- ai4 ---
    for server in served:
        made = mcp_servers.saved(server, rows)
        rows[server.main].n8n_split = made  # type: ignore[attr-defined]
    # --- end ai4 ---
    return rows[:given]
    # --- end agentio ---


def _imported_before(owner: Any) -> Callable[[str], Callee | None]:
    """Finds `owner`'s workflow imported earlier from the n8n export with a given n8n id (the
    newest, if imported twice)."""
    found: dict[str, Callee | None] = {}

    def find(n8n_id: str) -> Callee | None:
        if n8n_id not in found:
            row = (
                Workflow.objects.filter(owner=owner, n8n_import__source__id=n8n_id)
                .order_by("-pk")
                .values_list("pk", "name", "graph", "n8n_import")
                .first()
            )
            found[n8n_id] = sets.saved_callee(*row) if row is not None else None
        return found[n8n_id]

    return find


# --- end n8nflow ---


# --- n8nitems ---
@dataclass
class Preview:
    """An import read and checked, not saved: the workflow to create (None when refused), the
    problems, and the report the user reads before saving."""

    imported: Imported | None
    issues: list[GraphIssue]
    report: Report

    @property
    def importable(self) -> bool:
        return self.imported is not None and not self.issues


class _Previewed(Exception):
    """Rolls a preview's saving import back, carrying what it found."""

    def __init__(self, imported: Imported):
        self.imported = imported


def preview_import(data: Any, owner: Any) -> Preview:
    """Read `data` as `read_import` does and validate the graph for `owner`, with the report.
    An n8n export is previewed through the saving import (`import_n8n`, rolled back), so the
    preview says what saving it makes: its app tools' and extra triggers' companions too."""
    if isinstance(data, dict) and n8n.looks_like_n8n(data):
        try:
            with transaction.atomic():
                [workflow] = import_n8n(owner, [data])
                report = describe_imported(workflow, data)
                raise _Previewed(
                    Imported(workflow.name, workflow.description, workflow.graph, report)
                )
        except _Previewed as done:
            if done.imported.report is not None:
                return Preview(done.imported, [], done.imported.report)
        except ImportRefused as exc:
            if trigger_split.splits(data):  # refused alone for its triggers: the copies' reasons
                return Preview(None, list(exc.issues), Report("n8n", problems=list(exc.issues)))
            # --- ai4 ---
            if mcp_servers.serves(data):  # likewise for an MCP Server Trigger's tools
                return Preview(None, list(exc.issues), Report("n8n", problems=list(exc.issues)))
            # --- end ai4 ---
    try:
        imported = read_import(data)
    except ImportRefused as exc:
        report = getattr(exc, "report", None)
        if not isinstance(report, Report):
            report = Report("workfuse", problems=list(exc.issues))
        return Preview(None, exc.issues, report)
    issues = n8n.named_issues(validate_graph(imported.graph, owner=owner), imported.origins)
    report = imported.report or graph_report(imported.graph)
    if issues:
        report.with_issues(issues)
    return Preview(imported, issues, report)


def save_import(owner: Any, imported: Imported, data: Any = None) -> Workflow:
    """Create the workflow an import describes, keeping its n8n metadata. An n8n export
    (`data`) is saved by the saving import, with the companions it makes."""
    if isinstance(data, dict) and n8n.looks_like_n8n(data):
        [workflow] = import_n8n(owner, [data])
        describe_imported(workflow, data)
        return workflow
    workflow = Workflow.create(owner, imported.name, imported.description, imported.graph)
    if imported.n8n:
        workflow.n8n_import = imported.n8n
        workflow.save(update_fields=["n8n_import"])
    return workflow


def describe_imported(workflow: Workflow, data: dict[str, Any]) -> Report | None:
    """Keep the n8n metadata of a workflow the set import made (`import_n8n`) from the export
    `data`, and return its report (None when the export does not convert on its own, as an
    export calling others of its set)."""
    own = Callee(workflow.pk, workflow.name)
    # --- agentio ---
    data, companions = getattr(workflow, "n8n_converted", (data, {}))
    targets = CallTargets(
        own=own, by_id=companions, probing=True, earlier=_imported_before(workflow.owner_id)
    )
    described = n8n.describe(data, targets)
    # --- end agentio ---
    meta = described.meta if described is not None else {}
    if data.get("id"):  # later imports calling this n8n workflow call this one
        meta["source"] = {"id": str(data["id"])[:200], "name": str(data.get("name") or "")[:200]}
    if meta:
        workflow.n8n_import = meta
        workflow.save(update_fields=["n8n_import"])
    if described is None:
        return None
    # --- triggersplit ---
    made = getattr(workflow, "n8n_split", [])
    if made:
        return trigger_split.report(described.report, made, companions)
    # --- end triggersplit ---
    return described.report


# --- end n8nitems ---


# --- selfnode: app.workfuse's create_workflow ---
def import_one(owner: Any, data: Any) -> Workflow:
    """One export (WorkFuse's, an n8n workflow's, or a bare graph) saved as a new workflow of
    `owner`, as `POST /api/workflows/import` saves it: an n8n export through the saving import,
    anything else read and validated for `owner` first. Raises ImportRefused naming each
    problem (app.workfuse's create_workflow: a workflow creating workflows)."""
    if isinstance(data, dict) and n8n.looks_like_n8n(data):
        [workflow] = import_n8n(owner, [data])
        describe_imported(workflow, data)
        return workflow
    imported = read_import(data)
    issues = validate_graph(imported.graph, owner=owner)
    if issues:
        raise ImportRefused(issues)
    return save_import(owner, imported)


# --- end selfnode ---
