"""app.pagerduty: incidents created, updated (acknowledged, resolved, reassigned...), read and
listed, and notes added to an incident."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from integrations.operations import OperationConfig, used_by
from integrations.pagerduty import rest_api
from integrations.pagerduty.credentials import ApiToken
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType

Operation = Literal[
    "create_incident", "update_incident", "get_incident", "list_incidents", "add_note"
]
WRITES = ("create_incident", "update_incident")
BY_INCIDENT = ("update_incident", "get_incident", "add_note")
PAGE = 100  # PagerDuty's largest page
MAX_RESULTS = 5000


class Config(OperationConfig):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    credential: int | None = Field(
        None, ge=1, description="Your PagerDuty API key credential. Needed to run."
    )
    operation: Operation = Field(
        "create_incident",
        description="create_incident: open an incident on a service. update_incident: change "
        "its title, status (acknowledged, resolved), urgency, priority, escalation. "
        "get_incident: one incident. list_incidents: incidents by status, urgency, service. "
        "add_note: a note on an incident.",
    )
    from_email: str = Field(
        "",
        description="The email of the PagerDuty user acting (the From header); needed for "
        "writes with an account API key.",
        json_schema_extra=used_by(*WRITES, "add_note"),
    )
    incident_id: str = Field(
        "",
        description="The incident's id (PT4KHLK).",
        json_schema_extra=used_by(*BY_INCIDENT, required=True),
    )
    title: str = Field(
        "",
        description="The incident's title.",
        json_schema_extra=used_by(*WRITES, required=["create_incident"]),
    )
    service_id: str = Field(
        "",
        description="create_incident: the service it is on (PWIXJZS).",
        json_schema_extra=used_by("create_incident", required=True),
    )
    details: str = Field(
        "", description="The incident's body: what happened.", json_schema_extra=used_by(*WRITES)
    )
    urgency: Literal["", "high", "low"] = Field(
        "",
        description="high or low (empty: the service's default).",
        json_schema_extra=used_by(*WRITES),
    )
    priority_id: str = Field("", description="A priority's id.", json_schema_extra=used_by(*WRITES))
    escalation_policy_id: str = Field(
        "", description="An escalation policy's id.", json_schema_extra=used_by(*WRITES)
    )
    incident_key: str = Field(
        "",
        description="create_incident: a de-duplication key; PagerDuty refuses a second open "
        "incident with the same key on the service.",
        json_schema_extra=used_by("create_incident"),
    )
    status: Literal["", "acknowledged", "resolved"] = Field(
        "",
        description="update_incident: acknowledged or resolved.",
        json_schema_extra=used_by("update_incident"),
    )
    resolution: str = Field(
        "",
        description="update_incident: the resolution note, with status resolved.",
        json_schema_extra=used_by("update_incident"),
    )
    escalation_level: str = Field(
        "",
        description="update_incident: escalate to this level of the policy (a number).",
        json_schema_extra=used_by("update_incident"),
    )
    content: str = Field(
        "",
        description="add_note: the note's text.",
        json_schema_extra=used_by("add_note", required=True),
    )
    statuses: list[Literal["triggered", "acknowledged", "resolved"]] = Field(
        default_factory=list,
        description="list_incidents: only these statuses (empty: all).",
        examples=[["triggered", "acknowledged"]],
        json_schema_extra=used_by("list_incidents"),
    )
    service_ids: list[str] = Field(
        default_factory=list,
        description="list_incidents: only these services' incidents.",
        json_schema_extra=used_by("list_incidents"),
    )
    urgencies: list[Literal["high", "low"]] = Field(
        default_factory=list,
        description="list_incidents: only these urgencies.",
        examples=[["high"]],
        json_schema_extra=used_by("list_incidents"),
    )
    since: str = Field(
        "",
        description="list_incidents: created at or after (ISO 8601).",
        json_schema_extra=used_by("list_incidents"),
    )
    until: str = Field(
        "",
        description="list_incidents: created before (ISO 8601).",
        json_schema_extra=used_by("list_incidents"),
    )
    max_results: int = Field(
        MAX_RESULTS,
        ge=1,
        le=MAX_RESULTS,
        description="list_incidents: keep at most this many.",
        json_schema_extra=used_by("list_incidents"),
    )


def _reference(value: str, kind: str) -> dict[str, str] | None:
    return {"id": value.strip(), "type": f"{kind}_reference"} if value.strip() else None


def _incident(config: Config) -> dict[str, Any]:
    body: dict[str, Any] = {"type": "incident"}
    if config.operation == "create_incident":
        body["service"] = _reference(config.service_id, "service")
    values: dict[str, Any] = {
        "title": config.title,
        "urgency": config.urgency,
        "priority": _reference(config.priority_id, "priority"),
        "escalation_policy": _reference(config.escalation_policy_id, "escalation_policy"),
        "body": {"type": "incident_body", "details": config.details} if config.details else None,
    }
    if config.operation == "create_incident":
        values["incident_key"] = config.incident_key
    else:
        values |= {"status": config.status, "resolution": config.resolution}
        if config.escalation_level.strip():
            try:
                values["escalation_level"] = int(config.escalation_level)
            except ValueError:
                raise NodeError(
                    f"escalation_level must be a whole number, not “{config.escalation_level}”."
                ) from None
    return body | {k: v for k, v in values.items() if v}


def _list(secret: Secret, config: Config) -> list[Any]:
    query: dict[str, Any] = {
        "statuses[]": config.statuses,
        "service_ids[]": [s.strip() for s in config.service_ids if s.strip()],
        "urgencies[]": config.urgencies,
        "since": config.since.strip(),
        "until": config.until.strip(),
    }
    query = {k: v for k, v in query.items() if v}
    found: list[Any] = []
    while len(found) < config.max_results:
        params = {
            **query,
            "limit": min(PAGE, config.max_results - len(found)),
            "offset": len(found),
        }
        page = rest_api.call(secret, "GET", "/incidents", what="list_incidents", params=params)
        incidents = page.get("incidents") if isinstance(page, dict) else None
        if not isinstance(incidents, list):
            raise NodeError(
                "PagerDuty answered list_incidents without incidents; check the base URL."
            )
        found.extend(incidents)
        if not page.get("more") or not incidents:
            break
    return found[: config.max_results]


def _inside(answer: Any, name: str, what: str) -> Any:
    if not isinstance(answer, dict) or not isinstance(answer.get(name), dict):
        raise NodeError(f"PagerDuty answered {what} without the {name}; check the base URL.")
    return answer[name]


def run(config: Config, ctx: RunContext) -> Any:
    """As n8n outputs it: the incident (create, update, get), the note (add_note), and
    {incidents, count} for list_incidents."""
    secret, _ = credential_for(ctx, config.operation, ApiToken)
    op, sender = config.operation, config.from_email
    path = f"/incidents/{config.incident_id.strip()}"
    if op == "list_incidents":
        incidents = _list(secret, config)
        return {"incidents": incidents, "count": len(incidents)}
    if op == "get_incident":
        return _inside(rest_api.call(secret, "GET", path, what=op), "incident", op)
    if op == "add_note":
        note = {"note": {"content": config.content}}
        answer = rest_api.call(secret, "POST", f"{path}/notes", what=op, sender=sender, json=note)
        return _inside(answer, "note", op)
    body = {"incident": _incident(config)}
    if op == "create_incident":
        answer = rest_api.call(secret, "POST", "/incidents", what=op, sender=sender, json=body)
    else:
        answer = rest_api.call(secret, "PUT", path, what=op, sender=sender, json=body)
    return _inside(answer, "incident", op)


NODE = NodeType(
    type="app.pagerduty",
    label="PagerDuty",
    category="app",
    description="Opens, updates (acknowledges, resolves, escalates), reads and lists PagerDuty "
    "incidents and adds notes to them; outputs the incident as PagerDuty answers it.",
    Config=Config,
    run=run,
    credential_kinds=(ApiToken.kind,),
    icon="⚠",
    examples=(
        (
            "Open a high-urgency PagerDuty incident 'Checkout is down' on service PWIXJZS as "
            "oncall@acme.test, with credential 6",
            {
                "credential": 6,
                "operation": "create_incident",
                "title": "Checkout is down",
                "service_id": "PWIXJZS",
                "urgency": "high",
                "from_email": "oncall@acme.test",
            },
        ),
        (
            "Resolve incident PT4KHLK",
            {"operation": "update_incident", "incident_id": "PT4KHLK", "status": "resolved"},
        ),
        ("Read incident PT4KHLK", {"operation": "get_incident", "incident_id": "PT4KHLK"}),
        (
            "List the triggered and acknowledged incidents",
            {"operation": "list_incidents", "statuses": ["triggered", "acknowledged"]},
        ),
        (
            "Add the note 'Rolled back' to incident PT4KHLK",
            {"operation": "add_note", "incident_id": "PT4KHLK", "content": "Rolled back"},
        ),
    ),
)
