"""n8n's Jira Software node as WorkFuse's `app.jira` (Jira Cloud): issues created, updated
(their "Status" is a transition, applied first as n8n does), got and searched with JQL;
comments added (as one paragraph of Atlassian Document Format, as n8n sends them) and listed;
a file attached to an issue (the item's binary property). Reading or removing attachments,
Jira Server and the other operations are refused by name."""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n.apps_base import credential_note, listed, locator, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = (
    "it creates, updates, gets and searches issues, adds and lists comments, adds "
    "attachments; other attachment operations, changelogs, notifications, deletions and users "
    "are not imported"
)
DEFAULTS = {"issue": "create", "issueComment": "add", "issueAttachment": "add", "user": "get"}
# n8n's issue fields (additionalFields on create, updateFields on update) and WorkFuse's.
ISSUE_FIELDS = {
    "summary": "summary",
    "issueType": "issue_type",
    "description": "description",
    "priority": "priority",
    "assignee": "assignee",
    "reporter": "reporter",
    "parentIssueKey": "parent_key",
}
NOTE_MANY = "n8n read every {what}; WorkFuse reads at most 1000."


def _jira(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    resource, op = operation(node, "issue", DEFAULTS)
    if str(p.get("jiraVersion") or "cloud") != "cloud":
        raise Refusal(
            f"talks to Jira {p['jiraVersion']} (self-hosted); WorkFuse's Jira node speaks to "
            "Jira Cloud only. Call your server with an HTTP Request node."
        )
    if resource == "issueAttachment" and op != "add":
        raise Refusal(
            f"does 'issueAttachment / {op}'; WorkFuse's Jira node adds attachments but does not "
            "read, list or remove them. Use an HTTP Request node on /rest/api/3/attachment/<id>."
        )
    notes = [credential_note("Jira", "the site's URL, an account email and its API token")]
    if resource == "issue" and op in ("create", "update"):
        config = _issue_write(node, cx, op, notes)
    elif resource == "issue" and op == "get":
        config = _issue_get(node, cx)
    elif resource == "issue" and op == "getAll":
        config = _issue_search(node, cx, notes)
    elif resource == "issueComment" and op == "add":
        config = _comment_add(node, cx)
    elif resource == "issueComment" and op == "getAll":
        config = _comment_list(node, cx, notes)
    elif resource == "issueAttachment":  # fileops: add
        config = _attachment_add(node, cx)
        notes.append(ATTACHMENT_NOTE)
    else:
        raise unsupported("Jira", resource, op, SUPPORTED)
    return Converted("app.jira", config, notes=notes)


def _key(node: N8nNode, cx: Converter) -> Any:
    key = text(cx, node, node.params.get("issueKey"))
    if not key:
        raise Refusal("names no issue key; set the Issue Key in n8n and export again.")
    return key


def _refuse_others(given: dict[str, Any], known: set[str], where: str) -> None:
    others = sorted(name for name, value in given.items() if name not in known and value)
    if others:
        raise Refusal(
            f"sets the {where} {', '.join(others)}, which WorkFuse's Jira node does not send; "
            "remove them in n8n or call the API with an HTTP Request node."
        )


def _issue_write(node: N8nNode, cx: Converter, op: str, notes: list[str]) -> dict[str, Any]:
    p = node.params
    extra = dict(p.get("additionalFields" if op == "create" else "updateFields") or {})
    known = {*ISSUE_FIELDS, "labels", "serverLabels", "customFieldsUi", "componentIds"}
    known |= {"statusId"} if op == "update" else {"updateHistory"}
    _refuse_others(extra, known, "option")
    config: dict[str, Any] = {"operation": f"{op}_issue"}
    if op == "create":
        config["project"] = text(cx, node, p.get("project"))
        config["issue_type"] = text(cx, node, p.get("issueType"))
        config["summary"] = text(cx, node, p.get("summary"))
        if not (config["project"] and config["issue_type"] and config["summary"]):
            raise Refusal("creates an issue without its project, type or summary; set them.")
        if extra.pop("updateHistory", False):
            notes.append("n8n's Update History option (recent projects) is not sent.")
    else:
        config["issue_key"] = _key(node, cx)
        if locator(extra.get("statusId")):
            config["transition_id"] = text(cx, node, extra.pop("statusId"))
    for n8n_name, name in ISSUE_FIELDS.items():
        if locator(extra.get(n8n_name)):
            config[name] = text(cx, node, extra[n8n_name])
    labels = extra.get("labels") or extra.get("serverLabels")
    if labels:
        config["labels"] = (
            [text(cx, node, v) for v in labels]
            if isinstance(labels, list)
            else listed(cx, node, labels)
        )
    if extra.get("componentIds"):
        ids = extra["componentIds"]
        config["components"] = (
            [text(cx, node, v) for v in ids] if isinstance(ids, list) else listed(cx, node, ids)
        )
    custom = (extra.get("customFieldsUi") or {}).get("customFieldsValues") or []
    if custom:
        config["extra_fields"] = {
            str(row.get("fieldId")): text(cx, node, row.get("fieldValue")) for row in custom
        }
    return config


def _issue_get(node: N8nNode, cx: Converter) -> dict[str, Any]:
    extra = node.params.get("additionalFields") or {}
    _refuse_others(extra, {"fields", "expand", "updateHistory"}, "option")
    if node.params.get("simplifyOutput"):
        raise Refusal(
            "simplifies its output (field names instead of ids), which WorkFuse's Jira node "
            "does not; turn Simplify off in n8n and export again."
        )
    config: dict[str, Any] = {"operation": "get_issue", "issue_key": _key(node, cx)}
    if extra.get("fields"):
        config["return_fields"] = listed(cx, node, extra["fields"])
    if extra.get("expand"):
        config["expand"] = text(cx, node, extra["expand"])
    return config


def _issue_search(node: N8nNode, cx: Converter, notes: list[str]) -> dict[str, Any]:
    p = node.params
    options = p.get("options") or {}
    _refuse_others(options, {"jql", "fields", "expand"}, "option")
    if not options.get("jql"):
        raise Refusal(
            "searches issues without a JQL query; Jira Cloud's search needs one that bounds "
            "it (e.g. project = SUP). Add it in n8n and export again."
        )
    config: dict[str, Any] = {"operation": "search_issues", "jql": text(cx, node, options["jql"])}
    if options.get("fields"):
        config["return_fields"] = listed(cx, node, options["fields"])
    if options.get("expand"):
        config["expand"] = text(cx, node, options["expand"])
    config["max_results"] = _limit(p, notes, "issue")
    return config


def _comment_add(node: N8nNode, cx: Converter) -> dict[str, Any]:
    p = node.params
    if p.get("jsonParameters"):
        raise Refusal(
            "sends its comment as Atlassian Document Format JSON; WorkFuse's Jira node sends "
            "text. Turn JSON Parameters off in n8n and export again."
        )
    _refuse_others(p.get("options") or {}, set(), "option")
    return {
        "operation": "add_comment",
        "issue_key": _key(node, cx),
        "comment": text(cx, node, p.get("comment")),
    }


# --- fileops ---
ATTACHMENT_NOTE = (
    "n8n output one item per attachment Jira made (usually one); WorkFuse outputs "
    "{attachments, count}, and the nodes after it read the first attachment."
)


def _attachment_add(node: N8nNode, cx: Converter) -> dict[str, Any]:
    p = node.params
    _refuse_others(p.get("options") or {}, set(), "option")
    return {
        "operation": "add_attachment",
        "issue_key": _key(node, cx),
        "file": cx.file_ref(node, p.get("binaryPropertyName") or "data"),
    }


# --- end fileops ---
def _comment_list(node: N8nNode, cx: Converter, notes: list[str]) -> dict[str, Any]:
    p = node.params
    _refuse_others(p.get("options") or {}, set(), "option")
    return {
        "operation": "list_comments",
        "issue_key": _key(node, cx),
        "max_results": _limit(p, notes, "comment"),
    }


def _limit(p: dict[str, Any], notes: list[str], what: str) -> int:
    if p.get("returnAll"):
        notes.append(NOTE_MANY.format(what=what))
        return 1000
    return min(max(int(p.get("limit") or 50), 1), 1000)


def _many(node: N8nNode) -> str | None:
    resource, op = operation(node, "issue", DEFAULTS)
    if op != "getAll":
        return None
    return {"issue": "issues", "issueComment": "comments"}.get(resource)


def _spec(node: N8nNode, cx: Converter) -> Spec:
    spec = dataclasses.replace(SPECS[f"{BASE}jira"], per_node=None, items=_many(node))
    if operation(node, "issue", DEFAULTS)[0] == "issueAttachment":  # fileops
        return dataclasses.replace(spec, data="attachments[0]")
    return spec


SPECS: dict[str, Spec] = {f"{BASE}jira": Spec(_jira, "", per_node=_spec)}
