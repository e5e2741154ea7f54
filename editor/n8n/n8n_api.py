"""n8n's n8n node (`n8n-nodes-base.n8n`, version 1: the n8n public API of the instance) as
WorkFuse's `app.workfuse`, acting on the owner's own WorkFuse workflows and executions.

Workflows: get many (`returnAll`/`limit`, the published-only and name filters), get, create
(`workflowObject`: a WorkFuse or n8n export, imported), publish (activate), unpublish
(deactivate) and delete; executions: get many (`returnAll`/`limit`, the workflow and status
filters) and get. A get-many emits one item per workflow or execution, so the nodes after it run
per item. The items are WorkFuse's: a workflow is its WorkFuse export (graph, not n8n's nodes
and connections) with its id, `is_active` and times; n8n's field names read the WorkFuse ones
(`active` is `is_active`, `updatedAt` is `updated_at`, `nodes` the graph's nodes).

A workflow named by a fixed n8n id is the WorkFuse workflow imported from that n8n workflow
(with this export or before it, `editor.n8n.calls`), or this workflow for its own id; one found
nowhere is refused. Credentials and the security audit stay refused: WorkFuse never creates a
credential from workflow data (a secret is typed once on the Credentials page), and its
security events are in the admin, not a report a workflow reads.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n.apps_base import operation
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec
from editor.n8n.sub_workflows import WORKFLOW_URL
from editor.nodes.app_workfuse import MAX_RESULTS

SUPPORTED = (
    "it lists, gets, creates, publishes, unpublishes and deletes your WorkFuse workflows, and "
    "lists and gets their executions"
)
DEFAULTS = {
    "workflow": "getAll",
    "execution": "getAll",
    "credential": "create",
    "audit": "generate",
}
OPERATIONS = {
    ("workflow", "getAll"): "list_workflows",
    ("workflow", "get"): "get_workflow",
    ("workflow", "create"): "create_workflow",
    ("workflow", "activate"): "activate_workflow",
    ("workflow", "deactivate"): "deactivate_workflow",
    ("workflow", "delete"): "delete_workflow",
    ("execution", "getAll"): "list_executions",
    ("execution", "get"): "get_execution",
}
# n8n's get-many page size when it does not return all (its `limit` default).
LIMIT = 100
# n8n's execution statuses with a WorkFuse one.
STATUSES = {"success": "succeeded", "error": "failed"}
NOTE = (
    "n8n called its own API with an n8n API key; here the node acts, without a credential, as "
    "this workflow's owner on your WorkFuse workflows: their items are WorkFuse exports (a "
    "graph, not n8n's nodes and connections), which import back into WorkFuse."
)
EXECUTION_NOTE = (
    "A run's status is WorkFuse's: succeeded or failed where n8n says success or error (also "
    "pending, running, paused, cancelled); its id is a UUID."
)
WORKFLOW_ALIASES = (
    ("active", "is_active"),
    ("createdAt", "created_at"),
    ("updatedAt", "updated_at"),
    ("versionId", "version"),
    ("nodes", "graph.nodes"),
)
EXECUTION_ALIASES = (
    ("workflowId", "workflow"),
    ("startedAt", "started_at"),
    ("stoppedAt", "finished_at"),
    ("mode", "trigger"),
)


def _n8n(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "workflow", DEFAULTS)
    if resource == "credential":
        raise Refusal(
            f"does 'credential / {op}': WorkFuse never creates, deletes or describes credentials "
            "from workflow data. Create the credential once on the Credentials page (its secret "
            "is typed there and never shown again) and pick it in the nodes that use it."
        )
    if resource == "audit":
        raise Refusal(
            "generates n8n's security audit, a report on the n8n instance; WorkFuse has none "
            "for a workflow to read (its security events are in the admin). Remove the node in "
            "n8n and export again."
        )
    chosen = OPERATIONS.get((resource, op))
    if chosen is None:
        raise Refusal(
            f"does '{resource} / {op}', which WorkFuse's own node (app.workfuse) does not "
            f"({SUPPORTED}). Remove or replace it in n8n and export again."
        )
    config: dict[str, Any] = {"operation": chosen}
    notes = [NOTE]
    if chosen == "list_workflows":
        config |= _workflow_filters(node, cx, notes)
    elif chosen == "list_executions":
        config |= _execution_filters(node, cx, notes)
    elif chosen == "create_workflow":
        config["document"] = _required(node, cx, "workflowObject", "workflow JSON")
    elif chosen == "get_execution":
        config["execution"] = _execution_id(node, cx)
    else:
        config["workflow"] = _workflow(node, cx, node.params.get("workflowId"))
        if chosen == "activate_workflow":
            _check_publish(node, notes)
    if resource == "execution":
        _check_details(node)
        notes.append(EXECUTION_NOTE)
    return Converted("app.workfuse", config, notes=notes)


def _max_results(node: N8nNode, all_default: bool, what: str, notes: list[str]) -> int:
    """n8n's `returnAll` (default `all_default`) and `limit` as a bounded count."""
    p = node.params
    if p.get("returnAll", all_default):
        notes.append(f"n8n read every {what}; WorkFuse reads at most {MAX_RESULTS}.")
        return MAX_RESULTS
    limit = p.get("limit", LIMIT)
    if isinstance(limit, bool) or not isinstance(limit, int | float):
        raise Refusal(f"sets its limit with an expression ({limit}); give a number in n8n.")
    return min(max(int(limit), 1), MAX_RESULTS)


def _workflow_filters(node: N8nNode, cx: Converter, notes: list[str]) -> dict[str, Any]:
    filters = node.params.get("filters") or {}
    config: dict[str, Any] = {"max_results": _max_results(node, True, "workflow", notes)}
    if str(filters.get("tags") or "").strip():
        raise Refusal(
            "lists the workflows with some tags; WorkFuse workflows have no tags. Filter them "
            "by name instead, or remove the filter in n8n, then export again."
        )
    if str(filters.get("projectId") or "").strip():
        raise Refusal(
            "lists the workflows of one project; WorkFuse has no projects (the node lists "
            "your own workflows). Remove the filter in n8n and export again."
        )
    if "activeWorkflows" in filters:
        config["active"] = "active" if filters["activeWorkflows"] else "inactive"
    if filters.get("name"):
        config["name_contains"] = cx.value(filters["name"], node)
    return config


def _execution_filters(node: N8nNode, cx: Converter, notes: list[str]) -> dict[str, Any]:
    filters = node.params.get("filters") or {}
    config: dict[str, Any] = {"max_results": _max_results(node, False, "execution", notes)}
    if _locator_value(filters.get("workflowId")):
        config["workflow"] = _workflow(node, cx, filters["workflowId"])
    status = filters.get("status")
    if status:
        if status not in STATUSES:
            raise Refusal(
                f"lists the executions with status '{status}', which WorkFuse's runs do not "
                "have (a run waiting is still running; list those and read their steps). "
                "Choose success or error in n8n and export again."
            )
        config["status"] = STATUSES[status]
    return config


def _check_details(node: N8nNode) -> None:
    """n8n's "Include Execution Details" (an option named `activeWorkflows`): each run's node
    data, which the node does not give."""
    if (node.params.get("options") or {}).get("activeWorkflows"):
        raise Refusal(
            "includes each execution's node data (Include Execution Details); WorkFuse's node "
            "gives a run's status, times and error. Read a run's steps with GET "
            "/api/executions/{id} (an HTTP Request node), or turn the option off in n8n and "
            "export again."
        )


def _check_publish(node: N8nNode, notes: list[str]) -> None:
    fields = node.params.get("additionalFields") or {}
    if fields.get("versionId"):
        raise Refusal(
            "publishes one version of the workflow (Version ID); WorkFuse activates the "
            "workflow's current version. Remove the version in n8n and export again."
        )
    if fields.get("name") or fields.get("description"):
        notes.append("n8n named the published version; WorkFuse versions are not named.")


def _locator_value(value: Any) -> Any:
    return value.get("value") if isinstance(value, dict) else value


def _workflow(node: N8nNode, cx: Converter, locator: Any) -> Any:
    """The WorkFuse workflow an n8n workflow locator names: an expression as a template, a
    fixed n8n id (or URL) as the workflow imported from it."""
    raw = _locator_value(locator)
    cached = str(locator.get("cachedResultName") or "") if isinstance(locator, dict) else ""
    if isinstance(locator, dict) and locator.get("mode") == "url" and isinstance(raw, str):
        match = WORKFLOW_URL.search(raw)
        raw = match.group(1) if match and not raw.startswith("=") else raw
    text = "" if raw is None else str(raw).strip()
    if not text:
        raise Refusal("names no workflow; pick one in n8n and export again.")
    if text.startswith("="):
        return cx.value(text, node)
    if text == str(cx.data.get("id") or ""):
        return "{{ workflow.id }}"
    found = cx.calls.find(text, cached)
    if found is None:
        named = f"'{cached}' (n8n id {text})" if cached else f"n8n id {text}"
        raise Refusal(
            f"names the n8n workflow {named}, which is not among the workflows imported with it "
            "nor imported before. Import that workflow first (or together with this one: POST "
            "/api/workflows/import with a JSON array of both exports), or name it with an "
            "expression."
        )
    return str(found.id)


def _execution_id(node: N8nNode, cx: Converter) -> Any:
    """An expression giving the run's id; a fixed one names a run of the n8n instance."""
    value = _required(node, cx, "executionId", "execution")
    given = str(node.params.get("executionId")).strip()
    if not given.startswith("="):
        raise Refusal(
            f"names the n8n execution {given}, which WorkFuse does not have (its runs have "
            "ids of their own); give the id with an expression, e.g. from a list of "
            "executions, and export again."
        )
    return value


def _required(node: N8nNode, cx: Converter, name: str, label: str) -> Any:
    value = node.params.get(name)
    if value in (None, ""):
        raise Refusal(f"names no {label}; set it in n8n and export again.")
    return cx.value(value, node)


def _spec(node: N8nNode, cx: Converter) -> Spec:
    base = dataclasses.replace(SPECS[f"{BASE}n8n"], per_node=None)
    resource, op = operation(node, "workflow", DEFAULTS)
    aliases = EXECUTION_ALIASES if resource == "execution" else WORKFLOW_ALIASES
    if op == "getAll":
        return dataclasses.replace(base, items="items", item_aliases=aliases)
    return dataclasses.replace(base, aliases=aliases)


SPECS: dict[str, Spec] = {f"{BASE}n8n": Spec(_n8n, "", per_node=_spec)}
