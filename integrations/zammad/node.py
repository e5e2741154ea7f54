"""app.zammad: a Zammad helpdesk's tickets listed page by page and read, as n8n's Zammad node
does (its ticket resource's getAll and get)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for
from integrations.zammad import rest_api
from integrations.zammad.credentials import AccessToken
from workfuse.lib.node_run import RunContext
from workfuse.lib.node_types import NodeType

MAX_RESULTS = 5000


class Config(OperationConfig):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    credential: int | None = Field(
        None, ge=1, description="Your Zammad access token credential. Needed to run."
    )
    operation: Literal["list_tickets", "get_ticket"] = Field(
        "list_tickets",
        description="list_tickets: the tickets the token's user sees. get_ticket: one ticket.",
    )
    ticket_id: str = Field(
        "", description="The ticket's id.", json_schema_extra=used_by("get_ticket", required=True)
    )
    max_results: int = Field(
        50,
        ge=1,
        le=MAX_RESULTS,
        description=f"list_tickets: keep at most this many (1 to {MAX_RESULTS}).",
        json_schema_extra=used_by("list_tickets"),
    )


def run(config: Config, ctx: RunContext) -> Any:
    """list_tickets: {tickets, count}; get_ticket: the ticket (state_id, priority_id, …)."""
    secret, _ = credential_for(ctx, config.operation, AccessToken)
    if config.operation == "list_tickets":
        found = rest_api.every(secret, "/tickets", config.max_results, what="list_tickets")
        return {"tickets": found, "count": len(found)}
    return rest_api.call(secret, "GET", f"/tickets/{config.ticket_id.strip()}", what="get_ticket")


NODE = NodeType(
    type="app.zammad",
    label="Zammad",
    category="app",
    description="Lists and reads the tickets of a Zammad helpdesk.",
    Config=Config,
    run=run,
    credential_kinds=(AccessToken.kind,),
    icon="🎫",
    examples=(
        (
            "List every Zammad ticket with credential 2",
            {"credential": 2, "operation": "list_tickets", "max_results": MAX_RESULTS},
        ),
        ("Read Zammad ticket 42", {"operation": "get_ticket", "ticket_id": "42"}),
    ),
)
