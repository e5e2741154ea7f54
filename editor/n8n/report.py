"""The import report: what became of each n8n node, and the credentials to choose.

Every import answers one (`POST /api/workflows/import`, its dry run, the dashboard's import
dialog before saving): each n8n node mapped exactly, mapped with caveats (each a sentence), or
refused (its n8n name, type and why); a "choose a credential" slot for each credential an n8n
node used (credentials are never imported); the nodes the import added (loops over items); and
the counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from editor.graph import GraphIssue, ImportRefused
from editor.n8n.attachments import configured  # vectors

if TYPE_CHECKING:
    from editor.n8n.converter import Converter

Status = Literal["exact", "caveats", "refused"]

# n8n credential types -> the WorkFuse credential kind that stands in for them (DESIGN §9, §11).
CREDENTIAL_KINDS = {
    "httpHeaderAuth": "header",
    "httpBasicAuth": "basic",
    "httpBearerAuth": "bearer",
    "httpQueryAuth": "api_key",
    "httpCustomAuth": "header",
    "openAiApi": "ai_provider",
    "anthropicApi": "ai_provider",
    "googlePalmApi": "ai_provider",
    "mistralCloudApi": "ai_provider",
    "groqApi": "ai_provider",
    "ollamaApi": "ai_provider",
    "openRouterApi": "ai_provider",
    "deepSeekApi": "ai_provider",
    "slackApi": "slack",
    "slackOAuth2Api": "slack",
    "discordBotApi": "discord",
    "discordWebhookApi": "discord",
    "telegramApi": "telegram",
    "twilioApi": "twilio",
    "githubApi": "github",
    "githubOAuth2Api": "github",
    "sendGridApi": "sendgrid",
    "airtableApi": "airtable",
    "airtableTokenApi": "airtable",
    "airtableOAuth2Api": "airtable",
    "notionApi": "notion",
    "notionOAuth2Api": "notion",
    "postgres": "postgres",
    # --- datastores ---
    "mySql": "mysql",
    "redis": "redis",
    # --- end datastores ---
    "aws": "s3",
    "smtp": "email",
    "gmailOAuth2": "email",
    "googleSheetsOAuth2Api": "google_sheets",
    "googleApi": "google_sheets",
    # --- triggers: the webhook's secret for signed service triggers, WhatsApp's token ---
    "typeformApi": "webhook_secret",
    "typeformOAuth2Api": "webhook_secret",
    "shopifyApi": "webhook_secret",
    "shopifyTokenApi": "webhook_secret",
    "shopifyOAuth2Api": "webhook_secret",
    "whatsAppTriggerApi": "webhook_secret",
    "whatsAppApi": "whatsapp",
    # --- end triggers ---
    # --- svca ---
    "spotifyOAuth2Api": "spotify",
    "googleCloudNaturalLanguageOAuth2Api": "google_sheets",
    "googlePerspectiveOAuth2Api": "google_perspective",
    "uprocApi": "uproc",
    # --- end svca ---
    # --- svcc ---
    "microsoftOutlookOAuth2Api": "outlook",
    "mondayComApi": "monday",
    "mondayComOAuth2Api": "monday",
    "clickUpApi": "clickup",
    "clickUpOAuth2Api": "clickup",
    "lemlistApi": "lemlist",
    "wekanApi": "wekan",
    "pushcutApi": "pushcut",
    "vonageApi": "vonage",
    "profitWellApi": "profitwell",
    # --- end svcc ---
    # --- strava ---
    "stravaOAuth2Api": "strava",
    # --- end strava ---
    # --- spontit ---
    "spontitApi": "spontit",
    # --- end spontit ---
}
# --- svcc: a credential a trigger used for the service's API, where WorkFuse's webhook checks
# the signature with the secret it holds (Twilio's Auth Token) ---
TRIGGER_CREDENTIAL_KINDS = {
    ("n8n-nodes-base.twilioTrigger", "twilioApi"): "webhook_secret",
    ("n8n-nodes-base.netlifyTrigger", "netlifyApi"): "webhook_secret",
    ("n8n-nodes-base.slackTrigger", "slackApi"): "webhook_secret",  # slack: its Signing Secret
}
# --- end svcc ---


@dataclass
class NodeOutcome:
    name: str  # the n8n node's name
    type: str  # its n8n type
    status: Status
    node_id: str | None = None  # the WorkFuse node it became
    notes: list[str] = field(default_factory=list)  # caveats: what differs from n8n
    reasons: list[str] = field(default_factory=list)  # why it was refused
    # Where each reason points, for the API's 400 details: the field ("nodes[3]" in the n8n
    # file, "config.url" on the WorkFuse node).
    fields: list[str] = field(default_factory=list)
    # --- triggersplit ---
    # When the import made several workflows of the export (trigger_split.py): the one holding
    # this copy of the node, {id, name}.
    workflow: dict[str, Any] | None = None
    # --- end triggersplit ---

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        del data["fields"]
        if data["workflow"] is None:  # triggersplit
            del data["workflow"]
        return data


@dataclass
class CredentialSlot:
    node: str  # n8n node name
    node_id: str | None
    kind: str  # WorkFuse credential kind to choose
    n8n_type: str
    message: str


@dataclass
class Report:
    source: Literal["n8n", "workfuse"]
    nodes: list[NodeOutcome] = field(default_factory=list)
    credentials: list[CredentialSlot] = field(default_factory=list)
    added: list[dict[str, str]] = field(default_factory=list)  # {id, label, why}
    problems: list[GraphIssue] = field(default_factory=list)  # not tied to one n8n node
    # --- triggersplit ---
    # The workflows the export became when it had several triggers of one kind, main first:
    # {id, name, triggers (n8n names)}; empty otherwise.
    workflows: list[dict[str, Any]] = field(default_factory=list)
    # --- end triggersplit ---

    def counts(self) -> dict[str, int]:
        statuses = [n.status for n in self.nodes]
        return {
            "nodes": len(self.nodes),
            "exact": statuses.count("exact"),
            "caveats": statuses.count("caveats"),
            "refused": statuses.count("refused"),
            "credentials": len(self.credentials),
            "added": len(self.added),
        }

    @property
    def refused(self) -> list[NodeOutcome]:
        return [n for n in self.nodes if n.status == "refused"]

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "counts": self.counts(),
            "nodes": [n.as_dict() for n in self.nodes],
            "credentials": [asdict(c) for c in self.credentials],
            "added": list(self.added),
            "problems": [p.as_dict() for p in self.problems],
            "workflows": list(self.workflows),  # triggersplit
        }

    def details(self) -> list[dict[str, Any]]:
        """The 400 details of a refused import: each refused node by its n8n name and type
        (with the reason), then the problems that belong to no single node."""
        rows: list[dict[str, Any]] = []
        for node in self.refused:
            for reason, where in zip(node.reasons, node.fields, strict=False):
                rows.append(
                    {
                        "node_id": node.node_id if where != "nodes" else None,
                        "field": where,
                        "message": reason,
                        "n8n_node": node.name,
                        "n8n_type": node.type,
                    }
                )
        return rows + [p.as_dict() for p in self.problems]

    def with_issues(self, issues: Iterable[GraphIssue]) -> Report:
        """The report once the graph's validation found `issues`: the nodes they fall on are
        refused with the messages; others stay problems of the whole workflow."""
        by_id = {n.node_id: n for n in self.nodes if n.node_id}
        for issue in issues:
            node = by_id.get(issue.node_id or "")
            if node is None:
                self.problems.append(issue)
                continue
            node.status = "refused"
            where = f" ({issue.field})" if issue.field else ""
            who = f"n8n node '{node.name}'" if self.source == "n8n" else f"Node '{node.node_id}'"
            node.reasons.append(f"{who}{where}: {issue.message}")
            node.fields.append(issue.field)
        return self


class N8nImportRefused(ImportRefused):
    """An n8n export that cannot be imported, with the report that says node by node why."""

    def __init__(self, issues: list[GraphIssue], report: Report):
        super().__init__(issues)
        self.report = report


def n8n_report(cx: Converter, added: list[dict[str, str]]) -> Report:
    """The report of converting one n8n export (refusals, caveats, credential slots)."""
    report = Report("n8n", added=added)
    attached = {model.name: agent for agent, model in cx.models.items()}
    named = set(cx.refusals)
    for index, raw in enumerate(cx.data.get("nodes") or []):
        if not isinstance(raw, dict) or raw.get("type") == "n8n-nodes-base.stickyNote":
            continue
        if raw.get("workfuseAdded"):  # added by the import (last_node.py): listed as added
            continue
        name = str(raw.get("name") or f"Node {index + 1}")
        kind = str(raw.get("type") or "")
        node_id = cx.node_ids.get(name) or cx.node_ids.get(attached.get(name, ""))
        outcome = NodeOutcome(name, kind, "exact", node_id)
        if name in cx.refusals:
            outcome.status, outcome.reasons = "refused", list(cx.refusals[name])
            outcome.fields = [f"nodes[{index}]"] * len(outcome.reasons)
        elif name in attached:
            outcome.notes = [f"Configures '{attached[name]}' (its model), as in n8n."]
        # --- vectors ---
        elif node_id is None and (root := configured(cx.data, name)) in cx.node_ids:
            outcome.node_id = cx.node_ids[str(root)]
            outcome.notes = [f"Configures '{root}', as in n8n."]
        # --- end vectors ---
        elif node_id is None:
            outcome.status = "refused"
            outcome.reasons = [f"n8n node '{name}' ({kind}) was not converted."]
            outcome.fields = [f"nodes[{index}]"]
        elif cx.caveats.get(name):
            outcome.status, outcome.notes = "caveats", list(cx.caveats[name])
        report.nodes.append(outcome)
        report.credentials += _slots(raw, name, node_id)
        if node_id is not None:
            report.credentials += _pdf_password_slot(raw, name, node_id)  # pdfpass
    report.problems = [i for i in cx.issues if not any(i.message in cx.refusals[n] for n in named)]
    return report


def _slots(raw: dict[str, Any], name: str, node_id: str | None) -> list[CredentialSlot]:
    credentials = raw.get("credentials")
    if not isinstance(credentials, dict):
        return []
    slots = []
    for n8n_type, value in credentials.items():
        kind = CREDENTIAL_KINDS.get(str(n8n_type), str(n8n_type))
        kind = TRIGGER_CREDENTIAL_KINDS.get((str(raw.get("type")), str(n8n_type)), kind)  # svcc
        label = value.get("name") if isinstance(value, dict) else None
        used = f" '{label}'" if isinstance(label, str) and label else ""
        where = f"'{node_id}'" if node_id else f"n8n node '{name}'"
        slots.append(
            CredentialSlot(
                name,
                node_id,
                kind,
                str(n8n_type),
                f"Choose a {kind} credential for {where}: n8n used its {n8n_type} "
                f"credential{used}, which is not imported.",
            )
        )
    return slots


# --- pdfpass ---
def _pdf_password_slot(raw: dict[str, Any], name: str, node_id: str) -> list[CredentialSlot]:
    """A PDF opened with a password in n8n (Extract from File's option, Read PDF's Encrypted)
    gets a slot for a PDF password credential: the password itself is never imported."""
    params = raw.get("parameters")
    params = params if isinstance(params, dict) else {}
    options = params.get("options")
    options = options if isinstance(options, dict) else {}
    kind = raw.get("type")
    if kind == "n8n-nodes-base.extractFromFile" and options.get("password"):
        where = "its Password option"
    elif kind == "n8n-nodes-base.readPDF" and params.get("encrypted") and params.get("password"):
        where = "its Password"
    else:
        return []
    return [
        CredentialSlot(
            name,
            node_id,
            "pdf_password",
            "password",
            f"Choose a pdf_password credential for '{node_id}': n8n opened the PDF with "
            f"{where}, which is not imported; create the credential with that password.",
        )
    ]


# --- end pdfpass ---


def graph_report(graph: Any) -> Report:
    """The report of a WorkFuse export or bare graph: every node is taken as it is."""
    report = Report("workfuse")
    nodes = graph.get("nodes") if isinstance(graph, dict) else None
    for node in nodes if isinstance(nodes, list) else []:
        if isinstance(node, dict):
            node_id = str(node.get("id") or "")
            report.nodes.append(
                NodeOutcome(
                    str(node.get("label") or node_id), str(node.get("type")), "exact", node_id
                )
            )
    return report
