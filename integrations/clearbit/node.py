"""app.clearbit: a person enriched from an email, a company from its domain, company names
autocompleted."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from integrations.clearbit import enrichment_api
from integrations.clearbit.credentials import ApiKey
from integrations.operations import OperationConfig, json_object, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

Operation = Literal["enrich_person", "enrich_company", "suggest_companies"]


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your Clearbit API key credential. Needed to run."
    )
    operation: Operation = Field(
        "enrich_company",
        description="enrich_person: the person behind an email. enrich_company: the company "
        "behind a domain. suggest_companies: companies whose name starts with some text.",
    )
    email: str = Field(
        "",
        description="enrich_person: the email to look up.",
        json_schema_extra=used_by("enrich_person", required=True),
    )
    domain: str = Field(
        "",
        description="enrich_company: the company's domain, e.g. stripe.com.",
        json_schema_extra=used_by("enrich_company", required=True),
    )
    name: str = Field(
        "",
        description="suggest_companies: the start of the company's name.",
        json_schema_extra=used_by("suggest_companies", required=True),
    )
    hints: Any = Field(
        None,
        description="Lookup hints as Clearbit names them, as a JSON object. enrich_person: "
        "given_name, family_name, ip_address, location, company, company_domain, linkedin, "
        "twitter, facebook. enrich_company: company_name, linkedin, twitter, facebook.",
        json_schema_extra=used_by("enrich_person", "enrich_company"),
    )

    @field_validator("hints", mode="before")
    @classmethod
    def _object(cls, value: Any) -> Any:
        return json_object(value, "Clearbit lookup hints")


def _params(config: Config, key: str, value: str) -> dict[str, Any]:
    hints = config.hints if config.hints not in (None, "") else {}
    if not isinstance(hints, dict):
        raise NodeError("hints must render to a JSON object of Clearbit lookup hints.")
    return {**{k: v for k, v in hints.items() if v not in ("", None)}, key: value}


def _record(reply: Any) -> Any:
    if reply.status == 202:
        # Clearbit is still looking the record up; asking again later finds it.
        return {"pending": True}
    return reply.body


def run(config: Config, ctx: RunContext) -> Any:
    """As n8n outputs it: Clearbit's person or company record ({pending: true} while Clearbit
    is still looking it up), {companies, count} for suggest_companies."""
    secret, _ = credential_for(ctx, config.operation, ApiKey)
    op = config.operation
    if op == "enrich_person":
        params = _params(config, "email", config.email.strip())
        return _record(
            enrichment_api.call(secret, "person", "/v2/people/find", what=op, params=params)
        )
    if op == "enrich_company":
        params = _params(config, "domain", config.domain.strip())
        path = "/v2/companies/find"
        return _record(enrichment_api.call(secret, "company", path, what=op, params=params))
    path = "/v1/companies/suggest"
    reply = enrichment_api.call(
        secret, "autocomplete", path, what=op, params={"query": config.name}
    )
    companies = reply.body if isinstance(reply.body, list) else []
    return {"companies": companies, "count": len(companies)}


NODE = NodeType(
    type="app.clearbit",
    label="Clearbit",
    category="app",
    description="Enriches a person from an email and a company from a domain with Clearbit, and "
    "autocompletes company names.",
    Config=Config,
    run=run,
    credential_kinds=(ApiKey.kind,),
    icon="◎",
    examples=(
        (
            "Enrich the person behind alex@stripe.com with Clearbit, credential 3",
            {"credential": 3, "operation": "enrich_person", "email": "alex@stripe.com"},
        ),
        (
            "Look up the company stripe.com on Clearbit",
            {"operation": "enrich_company", "domain": "stripe.com"},
        ),
        (
            "Suggest Clearbit companies named like Segm",
            {"operation": "suggest_companies", "name": "Segm"},
        ),
    ),
)
