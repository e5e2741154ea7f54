"""Import of n8n workflow exports (DESIGN §8): `convert`, `looks_like_n8n` and the node specs."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from editor.graph import GraphIssue, ImportRefused
from editor.n8n import (
    ai,
    code_node,
    edit_fields,
    http_request,
    if_node,
    loop_over_items,
    manual_trigger,
    merge,
    no_op,
    schedule_trigger,
    switch,
    wait,
    webhook,
)

# --- errorflows ---
# isort: split
from editor.n8n import error_nodes

# --- end errorflows ---
# --- n8ndata ---
# isort: split
from editor.n8n import (
    aggregate,
    crypto,
    date_time,
    filter_node,
    item_lists,
    limit,
    markup,
    remove_duplicates,
    rename_keys,
    sort,
    split_out,
)

# --- end n8ndata ---
# --- n8nai ---
# isort: split
from editor.n8n import ai_refused, apps_data, apps_email, apps_google, apps_messaging

# --- end n8nai ---
# --- n8nflow ---
# isort: split
from editor.n8n import chat_trigger, forms, last_node, respond, sub_workflows
from editor.n8n.calls import CallTargets

# --- end n8nflow ---
# --- google ---
# isort: split
from editor.n8n import apps_drive

# --- end google ---
# --- media ---
# isort: split
from editor.n8n import edit_image, markdown, summarization

# --- end media ---
# --- vectors ---
# isort: split
from editor.n8n import vector_stores

# --- end vectors ---
# --- mail ---
# isort: split
from editor.n8n import apps_gmail, apps_outlook

# --- end mail ---
# --- files ---
# isort: split
from editor.n8n import file_nodes

# --- end files ---
# --- aimedia ---
# isort: split
from editor.n8n import ai_media

# --- end aimedia ---
# --- rest ---
# isort: split
from editor.n8n import apps_jira, apps_supabase, apps_wordpress

# --- end rest ---
# --- gfamily ---
# isort: split
from editor.n8n import apps_analytics, apps_calendar, apps_drive_trigger

# --- end gfamily ---
# --- triggers ---
# isort: split
from editor.n8n import apps_whatsapp, service_triggers

# --- end triggers ---
# --- httpfiles ---
# isort: split
from editor.n8n import graphql, legacy_binary

# --- end httpfiles ---
# --- datastores ---
# isort: split
from editor.n8n import apps_datastores

# --- end datastores ---
# --- rag ---
# isort: split
from editor.n8n import retrieval_qa

# --- end rag ---
# --- crm ---
# isort: split
from editor.n8n import apps_hubspot, apps_mailchimp, apps_trello

# --- end crm ---
# --- feeds ---
# isort: split
from editor.n8n import apps_imap, rss

# --- end feeds ---
# --- crm2 ---
# isort: split
from editor.n8n import apps_pipedrive, apps_zendesk

# --- end crm2 ---
# --- misc ---
# isort: split
from editor.n8n import apps_openweathermap, compare_datasets, hacker_news, training_data

# --- end misc ---
# --- social ---
# isort: split
from editor.n8n import apps_linkedin, apps_twitter, apps_youtube

# --- end social ---
# --- files2 ---
# isort: split
from editor.n8n import apps_dropbox, apps_google_docs, apps_onedrive

# --- end files2 ---
# --- work ---
# isort: split
from editor.n8n import (
    apps_baserow,
    apps_linear,
    apps_mattermost,
    apps_notion_trigger,
    apps_todoist,
)

# --- end work ---
# isort: split
from editor.n8n.converter import BASE, Converter, Spec
from editor.n8n.report import N8nImportRefused, Report, n8n_report
from editor.n8n.shape import shape_issues

log = logging.getLogger(__name__)

# Each module converts one family of n8n node types and declares them in its `SPECS`; adding
# a family = adding such a module and listing it here. A type no module declares is refused by
# name. A converter raises `Refusal` when a node's settings have no faithful WorkFuse form, and
# writes what it could not carry over (credentials, approximations) into the node's `notes`.
# Expressions that cannot be translated are left as they are, so validation reports them on
# the field that holds them.
SPECS: dict[str, Spec] = {
    n8n_type: spec
    for family in (
        manual_trigger,
        webhook,
        schedule_trigger,
        http_request,
        code_node,
        edit_fields,
        if_node,
        switch,
        loop_over_items,
        wait,
        merge,
        no_op,
        ai,
        # --- errorflows ---
        error_nodes,
        # --- end errorflows ---
        # --- n8ndata ---
        split_out,
        aggregate,
        filter_node,
        limit,
        sort,
        remove_duplicates,
        item_lists,
        date_time,
        crypto,
        markup,
        rename_keys,
        # --- end n8ndata ---
        # --- n8nai ---
        ai_refused,
        apps_messaging,
        apps_email,
        apps_google,
        apps_data,
        # --- end n8nai ---
        # --- n8nflow ---
        sub_workflows,
        respond,
        forms,
        chat_trigger,
        # --- end n8nflow ---
        # --- google ---
        apps_drive,
        # --- end google ---
        # --- media ---
        markdown,
        summarization,
        edit_image,
        # --- end media ---
        # --- vectors ---
        vector_stores,
        # --- end vectors ---
        # --- mail ---
        apps_gmail,
        apps_outlook,
        # --- end mail ---
        # --- files ---
        file_nodes,
        # --- end files ---
        # --- aimedia ---
        ai_media,
        # --- end aimedia ---
        # --- rest ---
        apps_jira,
        apps_wordpress,
        apps_supabase,
        # --- end rest ---
        # --- gfamily ---
        apps_calendar,
        apps_drive_trigger,
        apps_analytics,
        # --- end gfamily ---
        # --- triggers ---
        service_triggers,
        apps_whatsapp,
        # --- end triggers ---
        # --- httpfiles ---
        graphql,
        legacy_binary,
        # --- end httpfiles ---
        # --- datastores ---
        apps_datastores,
        # --- end datastores ---
        # --- rag ---
        retrieval_qa,
        # --- end rag ---
        # --- crm ---
        apps_hubspot,
        apps_mailchimp,
        apps_trello,
        # --- end crm ---
        # --- feeds ---
        rss,
        apps_imap,
        # --- end feeds ---
        # --- crm2 ---
        apps_pipedrive,
        apps_zendesk,
        # --- end crm2 ---
        # --- misc ---
        training_data,
        hacker_news,
        apps_openweathermap,
        compare_datasets,
        # --- end misc ---
        # --- social ---
        apps_twitter,
        apps_linkedin,
        apps_youtube,
        # --- end social ---
        # --- files2 ---
        apps_dropbox,
        apps_google_docs,
        apps_onedrive,
        # --- end files2 ---
        # --- work ---
        apps_mattermost,
        apps_baserow,
        apps_notion_trigger,
        apps_linear,
        apps_todoist,
        # --- end work ---
    )
    for n8n_type, spec in family.SPECS.items()
}
# n8n sub-nodes configure the node they are attached to instead of running themselves.
SUB_NODES = ai.ALL_SUB_NODES  # n8nai: models, memory, output parsers and tools


def looks_like_n8n(data: object) -> bool:
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


def convert(data: dict[str, Any], calls: CallTargets | None = None) -> dict[str, Any]:
    """The WorkFuse graph for an n8n export; raises ImportRefused listing every problem.
    `calls`: the workflows it may call (when imported with them, `editor.n8n.sets`)."""
    return import_n8n(data, calls).graph


# --- n8nitems ---
@dataclass
class N8nImport:
    graph: dict[str, Any]
    report: Report
    meta: dict[str, Any]  # Workflow.n8n_import: the n8n node behind each node (n8n_view)


def import_n8n(data: dict[str, Any], calls: CallTargets | None = None) -> N8nImport:
    """Convert an n8n export: the graph, the import report and the n8n metadata. Raises
    `N8nImportRefused` (an ImportRefused carrying the report) listing every problem."""
    converter, graph = _converted(data, calls)
    report = _report(converter, graph)
    if converter.issues:
        raise N8nImportRefused(converter.issues, report)
    return N8nImport(graph, report, converter.view_meta())


def describe(data: dict[str, Any], calls: CallTargets | None = None) -> N8nImport | None:
    """The report and metadata of an export imported another way (a set, `editor.transfer`),
    or None when it does not convert."""
    try:
        converter, graph = _converted(data, calls)
    except ImportRefused:
        return None
    return N8nImport(graph, _report(converter, graph), converter.view_meta())


def _converted(data: dict[str, Any], calls: CallTargets | None) -> tuple[Converter, dict[str, Any]]:
    issues = shape_issues(data)
    if issues:
        raise N8nImportRefused(issues, Report("n8n", problems=list(issues)))
    # --- n8nflow ---
    data = wait.with_resume_urls(data)
    data = last_node.answered_by_respond_nodes(data)
    # --- end n8nflow ---
    # --- triggers ---
    data = service_triggers.with_output_steps(data)
    # --- end triggers ---
    converter = Converter(data, SPECS, SUB_NODES)
    # --- n8nflow ---
    converter.calls = calls or converter.calls
    # --- end n8nflow ---
    try:
        return converter, converter.run()
    except (TypeError, ValueError, KeyError, AttributeError, IndexError) as exc:
        # A parameter of a type n8n never writes: refuse the file, do not fail the request.
        log.warning("n8n import: unexpected value in the export", exc_info=True)
        issue = GraphIssue(
            None,
            "nodes",
            f"This n8n export holds a value of an unexpected type ({exc}); export the "
            "workflow from n8n again.",
        )
        raise N8nImportRefused([issue], Report("n8n", problems=[issue])) from exc


def _report(converter: Converter, graph: dict[str, Any]) -> Report:
    made = {
        node_id
        for name, node_id in converter.node_ids.items()
        if not (converter.nodes.get(name) and converter.nodes[name].raw.get(last_node.ADDED))
    }
    added = [
        {"id": n["id"], "label": n.get("label", ""), "why": n.get("notes", "")}
        for n in graph["nodes"]
        if n["id"] not in made
    ]
    return n8n_report(converter, added)


# --- end n8nitems ---


# --- triggersplit ---
def trigger_kinds(data: dict[str, Any]) -> list[tuple[str, str]]:
    """The n8n name of each trigger of the export, in its order, with the WorkFuse trigger type
    it becomes ([] when the export does not convert at all)."""
    try:
        converter, _ = _converted(data, None)
    except ImportRefused:
        return []
    return [(node.name, kind) for node, kind in converter.trigger_kinds()]


# --- end triggersplit ---
