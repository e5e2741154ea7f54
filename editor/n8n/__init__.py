"""Import of n8n workflow exports (DESIGN §8): `convert`, `looks_like_n8n` and the node specs."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
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
# --- airtable2 ---
# isort: split
from editor.n8n import apps_airtable_trigger

# --- end airtable2 ---
# --- svca ---
# isort: split
from editor.n8n import apps_aws_ai, apps_google_language, apps_spotify, apps_uproc

# --- end svca ---
# --- svcc ---
# isort: split
from editor.n8n import (
    apps_aws_ses,
    apps_aws_textract,
    apps_aws_transcribe,
    apps_clickup,
    apps_lemlist,
    apps_monday,
    apps_profitwell,
    apps_pushcut,
    apps_vonage,
    apps_wekan,
)

# --- end svcc ---
# --- ai3 ---
# isort: split
from editor.n8n import sentiment

# --- end ai3 ---
# --- svcd ---
# isort: split
from editor.n8n import (
    apps_automizy,
    apps_bamboohr,
    apps_microsoft_excel,
    apps_nextcloud,
    apps_pagerduty,
    apps_questdb,
    apps_quickchart,
    apps_securityscorecard,
    apps_taiga,
    apps_tapfiliate,
    apps_wise,
    apps_zammad,
    apps_zulip,
)

# --- end svcd ---
# --- svcb ---
# isort: split
from editor.n8n import (
    apps_bannerbear,
    apps_coingecko,
    apps_dhl,
    apps_humantic_ai,
    apps_mailcheck,
    apps_mindee,
    apps_nasa,
    apps_raindrop,
    apps_salesforce,
    apps_strapi,
    apps_woocommerce,
)

# --- end svcb ---
# --- ai4 ---
# --- svcg ---
# --- svce ---
# --- svcf ---
# isort: split
from editor.n8n import (
    apps_google_bigquery,
    apps_google_books,
    apps_google_cloud_storage,
    apps_google_contacts,
    apps_google_firebase_database,
    apps_gsuite_admin,
)

# --- end svcf ---
# --- svca ---
# isort: split
from editor.n8n import apps_asana, apps_medium, apps_zoom

# --- end svca ---
# isort: split
from editor.n8n import (
    apps_clearbit,
    apps_elasticsearch,
    apps_ghost,
    apps_hunter,
    apps_mailgun,
    apps_nocodb,
    apps_reddit,
)

# --- end svce ---
# isort: split
from editor.n8n import (
    apps_clockify,
    apps_customerio,
    apps_egoi,
    apps_erpnext,
    apps_facebook_graph,
    apps_freshdesk,
    apps_storyblok,
)

# --- end svcg ---
# isort: split
from editor.n8n import mcp_trigger

# --- end ai4 ---
# --- ssh ---
# isort: split
from editor.n8n import apps_amqp, apps_ssh

# --- end ssh ---
# --- ops ---
# isort: split
from editor.n8n import execution_data, memory_manager, read_pdf

# --- end ops ---
# --- svc1 ---
# isort: split
from editor.n8n import apps_sentry, apps_venafi_cloud, apps_webflow

# --- end svc1 ---
# --- strava ---
# isort: split
from editor.n8n import apps_calendar_trigger, apps_strava

# --- end strava ---
# --- spontit ---
# isort: split
from editor.n8n import apps_spontit

# --- end spontit ---
# --- mongodb ---
# isort: split
from editor.n8n import apps_mongodb

# --- end mongodb ---
# --- selfnode ---
# isort: split
from editor.n8n import n8n_api

# --- end selfnode ---
# --- slack ---
# isort: split
from editor.n8n import slack_trigger

# --- end slack ---
# isort: split
from editor.n8n.converter import BASE, Converter, N8nNode, Spec
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
        # --- airtable2 ---
        apps_airtable_trigger,
        # --- end airtable2 ---
        # --- svca ---
        apps_spotify,
        apps_google_language,
        apps_aws_ai,
        apps_uproc,
        # --- end svca ---
        # --- svcc ---
        apps_monday,
        apps_clickup,
        apps_lemlist,
        apps_wekan,
        apps_pushcut,
        apps_vonage,
        apps_profitwell,
        apps_aws_ses,
        apps_aws_transcribe,
        apps_aws_textract,
        # --- end svcc ---
        # --- ai3 ---
        sentiment,
        # --- end ai3 ---
        # --- svcd ---
        apps_bamboohr,
        apps_pagerduty,
        apps_nextcloud,
        apps_taiga,
        apps_wise,
        apps_tapfiliate,
        apps_questdb,
        apps_automizy,
        apps_securityscorecard,
        apps_quickchart,
        apps_zulip,
        apps_zammad,
        apps_microsoft_excel,
        # --- end svcd ---
        # --- svcb ---
        apps_woocommerce,
        apps_salesforce,
        apps_strapi,
        apps_nasa,
        apps_coingecko,
        apps_raindrop,
        apps_humantic_ai,
        apps_mindee,
        apps_dhl,
        apps_mailcheck,
        apps_bannerbear,
        # --- end svcb ---
        # --- ai4 ---
        mcp_trigger,
        # --- end ai4 ---
        # --- svcg ---
        apps_facebook_graph,
        apps_erpnext,
        apps_egoi,
        apps_storyblok,
        apps_clockify,
        apps_freshdesk,
        apps_customerio,
        # --- end svcg ---
        # --- svce ---
        apps_ghost,
        apps_clearbit,
        apps_hunter,
        apps_mailgun,
        apps_elasticsearch,
        apps_nocodb,
        apps_reddit,
        # --- end svce ---
        # --- svcf ---
        apps_google_contacts,
        apps_google_books,
        apps_gsuite_admin,
        apps_google_bigquery,
        apps_google_cloud_storage,
        apps_google_firebase_database,
        # --- end svcf ---
        # --- svca ---
        apps_medium,
        apps_asana,
        apps_zoom,
        # --- end svca ---
        # --- ssh ---
        apps_ssh,
        apps_amqp,
        # --- end ssh ---
        # --- ops ---
        memory_manager,
        read_pdf,
        execution_data,
        # --- end ops ---
        # --- svc1 ---
        apps_venafi_cloud,
        apps_sentry,
        apps_webflow,
        # --- end svc1 ---
        # --- strava ---
        apps_strava,
        apps_calendar_trigger,
        # --- end strava ---
        # --- spontit ---
        apps_spontit,
        # --- end spontit ---
        # --- mongodb ---
        apps_mongodb,
        # --- end mongodb ---
        # --- selfnode ---
        n8n_api,
        # --- end selfnode ---
        # --- slack ---
        slack_trigger,
        # --- end slack ---
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


# --- quality ---
def convert_traced(
    data: dict[str, Any], calls: CallTargets | None = None
) -> tuple[dict[str, Any], dict[str, N8nNode]]:
    """As `convert`, with the n8n node behind each WorkFuse node (`Converter.origins`)."""
    converter, graph = _converted(data, calls)
    if converter.issues:
        raise N8nImportRefused(converter.issues, _report(converter, graph))
    return graph, converter.origins()


def named_issues(issues: list[GraphIssue], origins: Mapping[str, N8nNode]) -> list[GraphIssue]:
    """The problems WorkFuse finds in a converted workflow, each on a node named by the n8n
    node it came from (issue 21: every refusal names the n8n node and the construct)."""
    return [_named(issue, origins) for issue in issues]


def _named(issue: GraphIssue, origins: Mapping[str, N8nNode]) -> GraphIssue:
    node = origins.get(issue.node_id or "")
    if node is None or issue.message.startswith(f"n8n node '{node.name}'"):
        return issue
    setting = issue.field.removeprefix("config.")
    where = f"setting '{setting}'" if setting != issue.field else issue.field or "the node"
    text = issue.message.rstrip()
    text += "" if text.endswith((".", "?", "!")) else "."
    message = (
        f"n8n node '{node.name}' ({node.type}), as the WorkFuse node '{issue.node_id}' "
        f"({where}): {text} Change it in n8n and export again, or fix it in WorkFuse after "
        "import."
    )
    return GraphIssue(issue.node_id, issue.field, message)


# --- end quality ---
# --- n8nitems ---
@dataclass
class N8nImport:
    graph: dict[str, Any]
    report: Report
    meta: dict[str, Any]  # Workflow.n8n_import: the n8n node behind each node (n8n_view)
    # quality: the n8n node behind each WorkFuse node, to name it in problems (`named_issues`)
    origins: dict[str, N8nNode] = field(default_factory=dict)


def import_n8n(data: dict[str, Any], calls: CallTargets | None = None) -> N8nImport:
    """Convert an n8n export: the graph, the import report and the n8n metadata. Raises
    `N8nImportRefused` (an ImportRefused carrying the report) listing every problem."""
    converter, graph = _converted(data, calls)
    report = _report(converter, graph)
    if converter.issues:
        raise N8nImportRefused(converter.issues, report)
    return N8nImport(graph, report, converter.view_meta(), converter.origins())


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
