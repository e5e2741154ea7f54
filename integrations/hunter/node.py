"""app.hunter: the email addresses of a domain, a person's email found from their name, and an
email verified."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from integrations.hunter import rest_api
from integrations.hunter.credentials import ApiKey
from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import RunContext, Secret
from workfuse.lib.node_types import NodeType

Operation = Literal["domain_search", "find_email", "verify_email"]
PAGE = 100  # Hunter's largest page
MAX_EMAILS = 1000


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your Hunter API key credential. Needed to run."
    )
    operation: Operation = Field(
        "domain_search",
        description="domain_search: the email addresses Hunter knows at a domain. find_email: "
        "a person's most likely email from their name and domain. verify_email: whether an "
        "email is deliverable.",
    )
    domain: str = Field(
        "",
        description="The company's domain, e.g. stripe.com.",
        json_schema_extra=used_by("domain_search", "find_email", required=True),
    )
    first_name: str = Field(
        "",
        description="find_email: the person's first name.",
        json_schema_extra=used_by("find_email", required=True),
    )
    last_name: str = Field(
        "",
        description="find_email: the person's last name.",
        json_schema_extra=used_by("find_email", required=True),
    )
    email: str = Field(
        "",
        description="verify_email: the email to verify.",
        json_schema_extra=used_by("verify_email", required=True),
    )
    only_emails: bool = Field(
        True,
        description="domain_search: output only the emails ({emails, count}); off: Hunter's "
        "whole answer about the domain (organization, pattern, emails…).",
        json_schema_extra=used_by("domain_search"),
    )
    type: Literal["", "personal", "generic"] = Field(
        "",
        description="domain_search: only personal or only generic (info@…) addresses.",
        json_schema_extra=used_by("domain_search"),
    )
    seniority: list[str] = Field(
        default_factory=list,
        description="domain_search: only these seniorities (junior, senior, executive).",
        json_schema_extra=used_by("domain_search"),
    )
    department: list[str] = Field(
        default_factory=list,
        description="domain_search: only these departments (executive, it, finance, "
        "management, sales, legal, support, hr, marketing, communication…).",
        json_schema_extra=used_by("domain_search"),
    )
    max_results: int = Field(
        100,
        ge=1,
        le=MAX_EMAILS,
        description="domain_search: keep at most this many emails.",
        json_schema_extra=used_by("domain_search"),
    )


def _domain_search(secret: Secret, config: Config) -> Any:
    params: dict[str, Any] = {"domain": config.domain.strip()}
    if config.type:
        params["type"] = config.type
    if config.seniority:
        params["seniority"] = ",".join(config.seniority)
    if config.department:
        params["department"] = ",".join(config.department)
    data: dict[str, Any] = {}
    emails: list[Any] = []
    while len(emails) < config.max_results:
        page = {**params, "limit": min(PAGE, config.max_results), "offset": len(emails)}
        answer = rest_api.call(secret, "/domain-search", what="domain_search", params=page)
        data = answer.get("data") or {}
        found = data.get("emails") or []
        emails.extend(found)
        total = (answer.get("meta") or {}).get("results") or 0
        if not found or len(emails) >= total:
            break
    emails = emails[: config.max_results]
    if config.only_emails:
        return {"emails": emails, "count": len(emails)}
    return {**data, "emails": emails}


def run(config: Config, ctx: RunContext) -> Any:
    """As n8n outputs it: {emails, count} (or Hunter's whole answer with only_emails off) for
    domain_search; Hunter's `data` for find_email and verify_email."""
    secret, _ = credential_for(ctx, config.operation, ApiKey)
    op = config.operation
    if op == "domain_search":
        return _domain_search(secret, config)
    if op == "find_email":
        params = {
            "domain": config.domain.strip(),
            "first_name": config.first_name,
            "last_name": config.last_name,
        }
        return rest_api.call(secret, "/email-finder", what=op, params=params).get("data")
    params = {"email": config.email.strip()}
    return rest_api.call(secret, "/email-verifier", what=op, params=params).get("data")


NODE = NodeType(
    type="app.hunter",
    label="Hunter",
    category="app",
    description="Finds the email addresses of a domain or a person with Hunter, and verifies "
    "emails.",
    Config=Config,
    run=run,
    credential_kinds=(ApiKey.kind,),
    icon="⌖",
    examples=(
        (
            "List the email addresses Hunter knows at stripe.com, credential 6",
            {"credential": 6, "operation": "domain_search", "domain": "stripe.com"},
        ),
        (
            "Find the email of Patrick Collison at stripe.com with Hunter",
            {
                "operation": "find_email",
                "domain": "stripe.com",
                "first_name": "Patrick",
                "last_name": "Collison",
            },
        ),
        (
            "Verify the email patrick@stripe.com with Hunter",
            {"operation": "verify_email", "email": "patrick@stripe.com"},
        ),
    ),
)
