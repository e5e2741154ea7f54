"""app.hubspot: contacts upserted by email, read, listed and searched; deals created, updated,
read and searched; companies created, updated and searched, all through HubSpot's CRM v3 API."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator

from integrations.hubspot import crm_api
from integrations.hubspot.credentials import PrivateAppToken
from integrations.operations import OperationConfig, json_list, json_object, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType

Operation = Literal[
    "upsert_contact",
    "get_contact",
    "list_contacts",
    "search_contacts",
    "create_deal",
    "update_deal",
    "get_deal",
    "search_deals",
    "create_company",
    "update_company",
    # --- svca ---
    "create_engagement",
    # --- end svca ---
    # --- ops ---
    "search_companies",
    # --- end ops ---
]
WRITES = ("upsert_contact", "create_deal", "update_deal", "create_company", "update_company")
BY_ID = ("get_contact", "get_deal", "update_deal", "update_company")
SEARCHES = ("search_contacts", "search_deals", "search_companies")
LISTS = ("list_contacts", *SEARCHES)
READS = ("get_contact", "get_deal", *LISTS)
PAGE = 100  # the most a list page holds (searches allow 200; one size keeps paging simple)
MAX_LIST = 1000
# HubSpot's association type ids (HUBSPOT_DEFINED) from a deal to a contact and to a company.
DEAL_TO_CONTACT = 3
DEAL_TO_COMPANY = 5
# --- ops ---
CONTACT_TO_PRIMARY_COMPANY = 1  # the contact's primary company, as n8n's definitionId 1
# --- end ops ---
# Date-time properties n8n sends as Unix milliseconds (it converts its date pickers' values).
DATE_PROPERTIES = frozenset({"closedate", "hs_latest_source_timestamp"})
Ids = list[str] | str  # ids, or a template / comma-separated text


class Config(OperationConfig):
    # Ids read from an earlier step may arrive as numbers.
    model_config = ConfigDict(coerce_numbers_to_str=True)

    credential: int | None = Field(
        None, ge=1, description="Your HubSpot private app token credential. Needed to run."
    )
    operation: Operation = Field(
        "upsert_contact",
        description="upsert_contact: create the contact with this email or update it. "
        "get_contact / get_deal: read one by id. list_contacts: read contacts page after page. "
        "search_contacts / search_deals / search_companies: HubSpot's CRM search (filters, "
        "text query, sort). "
        "create_deal, update_deal, create_company, update_company: write the properties "
        "given.",
    )
    email: str = Field(
        "",
        description="The contact's email: it finds the contact to update, or is the new one's.",
        json_schema_extra=used_by("upsert_contact", required=True),
    )
    object_id: str = Field(
        "",
        description="The contact's, deal's or company's id (HubSpot's record id).",
        json_schema_extra=used_by(*BY_ID, required=True),
    )
    properties: Any = Field(
        None,
        description='The properties to write, by HubSpot internal name, e.g. {"firstname": '
        '"Ada", "lifecyclestage": "lead"} or for a deal {"dealname": "Order 42", "dealstage": '
        '"closedwon", "amount": "120"}. May be a template.',
        json_schema_extra=used_by(*WRITES, required=["create_deal", "create_company"]),
    )
    associated_contacts: Ids = Field(
        default_factory=list,
        description="create_deal: the contact ids to associate the deal with.",
        json_schema_extra=used_by("create_deal"),
    )
    associated_companies: Ids = Field(
        default_factory=list,
        description="create_deal: the company ids to associate the deal with. upsert_contact: "
        "the company to make the contact's primary company.",
        json_schema_extra=used_by("create_deal", "upsert_contact"),
    )
    return_properties: Ids = Field(
        default_factory=list,
        description="The properties to read back (internal names); empty: HubSpot's defaults.",
        json_schema_extra=used_by(*READS),
    )
    filter_groups: Any = Field(
        None,
        description='Searches: HubSpot\'s filterGroups as a JSON list, e.g. [{"filters": '
        '[{"propertyName": "createdate", "operator": "GTE", "value": "1700000000000"}]}]; '
        "groups are ORed, filters in a group ANDed.",
        json_schema_extra=used_by(*SEARCHES),
    )
    query: str = Field(
        "",
        description="Searches: text to look for in the records' default searchable properties.",
        json_schema_extra=used_by(*SEARCHES),
    )
    sort_by: str = Field(
        "", description="Searches: the property to sort by.", json_schema_extra=used_by(*SEARCHES)
    )
    sort_direction: Literal["", "ASCENDING", "DESCENDING"] = Field(
        "",
        description="Searches: the sort direction (with sort_by; default DESCENDING).",
        json_schema_extra=used_by(*SEARCHES),
    )
    # --- svca ---
    engagement_type: Literal["EMAIL", "TASK", "CALL", "MEETING", "NOTE"] = Field(
        "EMAIL",
        description="create_engagement: what the engagement records (an email, task, call, "
        "meeting or note on the timeline).",
        json_schema_extra=used_by("create_engagement"),
    )
    metadata: Any = Field(
        None,
        description="create_engagement: the engagement's metadata as HubSpot's Engagements "
        'API takes it, e.g. for an email {"from": {"email": "me@acme.test"}, "subject": "Hi", '
        '"html": "<p>Hello</p>"}; for a task {"subject": "Call back", "status": "NOT_STARTED"}.',
        json_schema_extra=used_by("create_engagement", required=True),
    )
    associations: Any = Field(
        None,
        description='create_engagement: the records it belongs to, e.g. {"contactIds": ["151"], '
        '"companyIds": [], "dealIds": [], "ownerIds": [], "ticketIds": []}.',
        json_schema_extra=used_by("create_engagement"),
    )
    # --- end svca ---
    max_results: int = Field(
        100,
        ge=1,
        le=MAX_LIST,
        description="Lists and searches: read at most this many (1 to 1000), page after page.",
        json_schema_extra=used_by(*LISTS),
    )

    @field_validator("properties", mode="before")
    @classmethod
    def _properties(cls, value: Any) -> Any:
        return json_object(value, "HubSpot properties")

    @field_validator("metadata", "associations", mode="before")
    @classmethod
    def _engagement_objects(cls, value: Any) -> Any:
        return json_object(value, "engagement fields")

    @field_validator("filter_groups", mode="before")
    @classmethod
    def _filter_groups(cls, value: Any) -> Any:
        return json_list(value, "filter groups")


def _ids(value: Ids) -> list[str]:
    items = value.split(",") if isinstance(value, str) else value
    return [str(item).strip() for item in items if str(item).strip()]


def _millis(name: str, value: Any) -> Any:
    """A date property given as ISO 8601 text becomes Unix milliseconds, as n8n sends it."""
    if name not in DATE_PROPERTIES or not isinstance(value, str) or value.strip().isdigit():
        return value
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return value
    if moment.tzinfo is None:  # n8n reads it in the server's zone; ours is UTC
        moment = moment.replace(tzinfo=UTC)
    return str(int(moment.timestamp() * 1000))


def _properties(config: Config) -> dict[str, Any]:
    given = config.properties or {}
    if not isinstance(given, dict):
        raise NodeError("The properties field must render to a JSON object.")
    return {name: _millis(name, value) for name, value in given.items() if value is not None}


def _read_query(config: Config) -> dict[str, Any]:
    wanted = _ids(config.return_properties)
    return {"properties": ",".join(wanted)} if wanted else {}


def _upsert(secret: Secret, config: Config) -> Any:
    """POST batch/upsert with the email as the id property: one call, no race between a lookup
    and a create."""
    entry = {"id": config.email.strip(), "idProperty": "email", "properties": _properties(config)}
    answer = crm_api.call(
        secret,
        "POST",
        "/crm/v3/objects/contacts/batch/upsert",
        what=config.operation,
        json={"inputs": [entry]},
    )
    results = answer.get("results") or []
    if not results:
        errors = answer.get("errors") or [{}]
        raise NodeError(
            f"HubSpot did not upsert the contact: {errors[0].get('message', 'no reason given')}."
        )
    contact = dict(results[0])
    contact["isNew"] = bool(contact.get("new"))  # n8n's name for it
    # --- ops ---
    for company in _ids(config.associated_companies):
        crm_api.call(
            secret,
            "PUT",
            f"/crm/v4/objects/contacts/{contact['id']}/associations/companies/{company}",
            what=config.operation,
            json=[
                {
                    "associationCategory": "HUBSPOT_DEFINED",
                    "associationTypeId": CONTACT_TO_PRIMARY_COMPANY,
                }
            ],
        )
    # --- end ops ---
    return contact


def _create_deal(secret: Secret, config: Config) -> Any:
    associations = [
        {
            "to": {"id": target},
            "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": kind}],
        }
        for ids, kind in (
            (config.associated_contacts, DEAL_TO_CONTACT),
            (config.associated_companies, DEAL_TO_COMPANY),
        )
        for target in _ids(ids)
    ]
    body: dict[str, Any] = {"properties": _properties(config)}
    if associations:
        body["associations"] = associations
    return crm_api.call(secret, "POST", "/crm/v3/objects/deals", what=config.operation, json=body)


def _objects(config: Config) -> str:
    """The CRM object type an operation works on (`contacts`, `deals`, `companies`)."""
    noun = config.operation.split("_", 1)[1]
    nouns = {"company": "companies", "companies": "companies", "deal": "deals", "deals": "deals"}
    return nouns.get(noun, "contacts")


def _list(secret: Secret, config: Config) -> dict[str, Any]:
    """Pages of `limit` by the `after` cursor until HubSpot has no next page or max_results."""
    path = f"/crm/v3/objects/{_objects(config)}"
    search = config.operation in SEARCHES
    found: list[Any] = []
    after = ""
    while len(found) < config.max_results:
        limit = min(PAGE, config.max_results - len(found))
        if search:
            body = {**_search_body(config), "limit": limit, **({"after": after} if after else {})}
            page = crm_api.call(secret, "POST", f"{path}/search", what=config.operation, json=body)
        else:
            params = {**_read_query(config), "limit": limit, **({"after": after} if after else {})}
            page = crm_api.call(secret, "GET", path, what=config.operation, params=params)
        found.extend(page.get("results") or [])
        after = str(((page.get("paging") or {}).get("next") or {}).get("after") or "")
        if not after or not page.get("results"):
            break
    found = found[: config.max_results]
    return {"results": found, "count": len(found)}


def _search_body(config: Config) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if config.filter_groups:
        body["filterGroups"] = config.filter_groups
    if config.query:
        body["query"] = config.query
    if config.sort_by:
        direction = config.sort_direction or "DESCENDING"
        body["sorts"] = [{"propertyName": config.sort_by, "direction": direction}]
    wanted = _ids(config.return_properties)
    if wanted:
        body["properties"] = wanted
    return body


# --- svca ---
def _create_engagement(secret: Secret, config: Config) -> Any:
    """POST /engagements/v1/engagements, as n8n's node does: the type, metadata and
    associations (each association a list of ids; text is split at commas)."""
    metadata = config.metadata or {}
    if not isinstance(metadata, dict) or not metadata:
        raise NodeError("At least one metadata field needs to be set for the engagement.")
    given = config.associations or {}
    if not isinstance(given, dict):
        raise NodeError("The associations field must render to a JSON object.")
    # A template naming one id keeps its type: a number is one id.
    associations = {
        k: _ids(v if isinstance(v, str | list) else str(v))
        for k, v in given.items()
        if v not in (None, "", [])
    }
    body = {
        "engagement": {"type": config.engagement_type},
        "metadata": metadata,
        "associations": associations,
    }
    return crm_api.call(
        secret, "POST", "/engagements/v1/engagements", what=config.operation, json=body
    )


# --- end svca ---


def run(config: Config, ctx: RunContext) -> Any:
    """What HubSpot answers: the record written or read (an upserted contact also says
    `isNew`); lists and searches {results, count}."""
    secret, _ = credential_for(ctx, config.operation, PrivateAppToken)
    op = config.operation
    if op == "upsert_contact":
        return _upsert(secret, config)
    if op == "create_deal":
        return _create_deal(secret, config)
    if op in LISTS:
        return _list(secret, config)
    if op == "create_engagement":
        return _create_engagement(secret, config)
    path = f"/crm/v3/objects/{_objects(config)}"
    if op == "create_company":
        body = {"properties": _properties(config)}
        return crm_api.call(secret, "POST", path, what=op, json=body)
    path = f"{path}/{config.object_id.strip()}"
    if op in ("update_deal", "update_company"):
        body = {"properties": _properties(config)}
        return crm_api.call(secret, "PATCH", path, what=op, json=body)
    return crm_api.call(secret, "GET", path, what=op, params=_read_query(config))


NODE = NodeType(
    type="app.hubspot",
    label="HubSpot",
    category="app",
    description="Upserts, reads, lists and searches HubSpot contacts; creates, updates, reads "
    "and searches deals; creates, updates and searches companies; records engagements (emails, tasks, calls, "
    "meetings, notes). Outputs what HubSpot answers.",
    Config=Config,
    run=run,
    credential_kinds=(PrivateAppToken.kind,),
    icon="♁",
    examples=(
        (
            "Create or update the contact from the form, with credential 5",
            {
                "credential": 5,
                "operation": "upsert_contact",
                "email": "{{ trigger.body.email }}",
                "properties": {
                    "firstname": "{{ trigger.body.first_name }}",
                    "lastname": "{{ trigger.body.last_name }}",
                },
            },
        ),
        (
            "Read contact 151's email",
            {"operation": "get_contact", "object_id": "151", "return_properties": ["email"]},
        ),
        ("List 500 contacts", {"operation": "list_contacts", "max_results": 500}),
        (
            "Find the contacts created since yesterday",
            {
                "operation": "search_contacts",
                "filter_groups": [
                    {
                        "filters": [
                            {
                                "propertyName": "createdate",
                                "operator": "GTE",
                                "value": "{{ trigger.since_ms }}",
                            }
                        ]
                    }
                ],
                "sort_by": "createdate",
            },
        ),
        (
            "Create the closed-won deal Order 1001 of 120, linked to contact 51",
            {
                "operation": "create_deal",
                "properties": {"dealname": "Order 1001", "dealstage": "closedwon", "amount": "120"},
                "associated_contacts": ["51"],
            },
        ),
        (
            "Move deal 8001 to the contract-sent stage",
            {
                "operation": "update_deal",
                "object_id": "8001",
                "properties": {"dealstage": "contractsent"},
            },
        ),
        ("Read deal 8001", {"operation": "get_deal", "object_id": "8001"}),
        ("Find the deals named like the order", {"operation": "search_deals", "query": "#1001"}),
        (
            "Create the company Acme with domain acme.com",
            {
                "operation": "create_company",
                "properties": {"name": "Acme", "domain": "acme.com"},
            },
        ),
        (
            "Find the company whose domain is the enriched person's",
            {
                "operation": "search_companies",
                "filter_groups": [
                    {
                        "filters": [
                            {
                                "propertyName": "domain",
                                "operator": "EQ",
                                "value": "{{ nodes.enrich.domain }}",
                            }
                        ]
                    }
                ],
                "max_results": 1,
            },
        ),
        (
            "Set company 9001's industry to software",
            {
                "operation": "update_company",
                "object_id": "9001",
                "properties": {"industry": "COMPUTER_SOFTWARE"},
            },
        ),
        (
            "Log the email sent to contact 151 on its HubSpot timeline",
            {
                "operation": "create_engagement",
                "engagement_type": "EMAIL",
                "metadata": {
                    "from": {"email": "me@acme.test"},
                    "subject": "Following up",
                    "html": "<p>Hello again</p>",
                },
                "associations": {"contactIds": ["151"]},
            },
        ),
    ),
)
