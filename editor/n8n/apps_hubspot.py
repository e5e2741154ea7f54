"""n8n's HubSpot node (v1 and v2) as WorkFuse's `app.hubspot`: contacts upserted by email, got,
listed and searched; deals created, updated, got and searched; companies created. n8n's named
fields become HubSpot property names. Tickets, engagements, forms, lists, deletions and the
options WorkFuse does not send are refused by name.

n8n calls HubSpot's legacy endpoints for most of these (`/contacts/v1/...`, `/deals/v1/deal`,
`/companies/v2/companies`, whose v1 list endpoints HubSpot retired in 2026); WorkFuse calls CRM
v3, whose records read `id` and `properties.<name>` where the legacy ones read `vid`/`dealId`/
`companyId` and `properties.<name>.value`. The Spec's aliases translate those reads in the
expressions after a single-record node."""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n.apps_base import credential_note, locator, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = (
    "it upserts, gets, lists and searches contacts, creates, updates, gets and searches deals, "
    "creates, updates and searches (by domain) companies and creates email, task and call "
    "engagements; other "
    "resources and operations are not imported"
)
DEFAULTS = {
    "contact": "upsert",
    "deal": "create",
    "company": "create",
    "ticket": "create",
    "engagement": "create",
}
# n8n's contact fields (v1 and v2 additionalFields) and HubSpot's property names, as n8n sends
# them.
CONTACT_FIELDS = {
    "annualRevenue": "annualrevenue",
    "city": "city",
    "clickedFacebookAd": "hs_facebook_ad_clicked",
    "closeDate": "closedate",
    "companyName": "company",
    "companySize": "company_size",
    "description": "description",
    "contactOwner": "hubspot_owner_id",
    "country": "country",
    "dateOfBirth": "date_of_birth",
    "degree": "degree",
    "facebookClickId": "hs_facebook_click_id",
    "faxNumber": "fax",
    "fieldOfStudy": "field_of_study",
    "firstName": "firstname",
    "gender": "gender",
    "googleAdClickId": "hs_google_click_id",
    "graduationDate": "graduation_date",
    "industry": "industry",
    "jobFunction": "job_function",
    "jobTitle": "jobtitle",
    "lastName": "lastname",
    "leadStatus": "hs_lead_status",
    "processingContactData": "hs_legal_basis",
    "lifeCycleStage": "lifecyclestage",
    "maritalStatus": "marital_status",
    "membershipNote": "hs_content_membership_notes",
    "message": "message",
    "mobilePhoneNumber": "mobilephone",
    "numberOfEmployees": "numemployees",
    "originalSource": "hs_analytics_source",
    "phoneNumber": "phone",
    "postalCode": "zip",
    "prefferedLanguage": "hs_language",
    "relationshipStatus": "relationship_status",
    "salutation": "salutation",
    "school": "school",
    "seniority": "seniority",
    "startDate": "start_date",
    "stateRegion": "state",
    "status": "hs_content_membership_status",
    "streetAddress": "address",
    "twitterUsername": "twitterhandle",
    "websiteUrl": "website",
    "workEmail": "work_email",
}
DEAL_FIELDS = {
    "stage": "dealstage",
    "dealName": "dealname",
    "closeDate": "closedate",
    "amount": "amount",
    "dealType": "dealtype",
    "pipeline": "pipeline",
    "description": "description",
}
# n8n's company fields (v2's create and update) and HubSpot's.
COMPANY_FIELDS = {
    "aboutUs": "about_us",
    "annualRevenue": "annualrevenue",
    "city": "city",
    "closeDate": "closedate",
    "companyDomainName": "domain",
    "companyOwner": "hubspot_owner_id",
    "countryRegion": "country",
    "description": "description",
    "facebookFans": "facebookfans",
    "googlePlusPage": "googleplus_page",
    "industry": "industry",
    "isPublic": "is_public",
    "leadStatus": "hs_lead_status",
    "lifecycleStatus": "lifecyclestage",
    "linkedinBio": "linkedinbio",
    "linkedInCompanyPage": "linkedin_company_page",
    "numberOfEmployees": "numberofemployees",
    "originalSourceType": "hs_analytics_source",
    "phoneNumber": "phone",
    "postalCode": "zip",
    "stateRegion": "state",
    "streetAddress": "address",
    "streetAddress2": "address2",
    "targetAccount": "hs_target_account",
    "timezone": "timezone",
    "totalMoneyRaised": "total_money_raised",
    "twitterBio": "twitterbio",
    "twitterFollowers": "twitterfollowers",
    "twitterHandle": "twitterhandle",
    "type": "type",
    "websiteUrl": "website",
    "webTechnologies": "web_technologies",
    "yearFounded": "founded_year",
}
# Options that change nothing WorkFuse sends: how n8n displays properties (v3 has one value).
IGNORED = {"propertyMode", "resolveData"}
NOTE_MANY = "n8n read every {what}; WorkFuse reads at most 1000."
NOTE_UPSERT_READ = (
    "n8n read the upserted contact's chosen properties back; WorkFuse outputs what HubSpot's "
    "upsert answers (the properties written and HubSpot's defaults)."
)
NOTE_SHAPE = (
    "WorkFuse reads HubSpot's CRM v3 API, where n8n's node read the legacy one: the record's id "
    "is `id` (n8n: `{legacy}`) and a property is `properties.<name>` (n8n: "
    "`properties.<name>.value`); expressions naming them are translated, other legacy fields "
    "(identity-profiles, versions) do not exist."
)


def _resource(node: N8nNode) -> tuple[str, str]:
    """(resource, operation): version 1 defaults to deals, version 2 to contacts."""
    return operation(node, "deal" if node.version < 2 else "contact", DEFAULTS)


def _hubspot(node: N8nNode, cx: Converter) -> Converted:
    resource, op = _resource(node)
    notes = [credential_note("HubSpot", "a private app's access token")]
    if resource == "contact" and op == "upsert":
        config = _upsert(node, cx)
        if _returned(cx, node, dict(node.params.get("additionalFields") or {})):
            notes.append(NOTE_UPSERT_READ)
    elif resource == "contact" and op == "get":
        config = _get(node, cx, "contact", "contactId")
    elif resource == "contact" and op == "getAll":
        config = _list_contacts(node, cx, notes)
    elif resource in ("contact", "deal") and op == "search":
        config = _search(node, cx, resource, notes)
    elif resource == "deal" and op in ("create", "update"):
        config = _deal(node, cx, op)
    elif resource == "deal" and op == "get":
        config = _get(node, cx, "deal", "dealId")
    elif resource == "company" and op == "create":
        config = _company(node, cx)
    elif resource == "company" and op == "update":
        config = _company_update(node, cx)
    # --- ops ---
    elif resource == "company" and op == "searchByDomain":
        config = _search_by_domain(node, cx, notes)
    # --- end ops ---
    # --- svca ---
    elif resource == "engagement" and op == "create":
        config = _engagement(node, cx, notes)
        return Converted("app.hubspot", config, notes=notes)
    # --- end svca ---
    else:
        raise unsupported("HubSpot", resource, op, SUPPORTED)
    if config["operation"] not in ("search_contacts", "search_deals", "search_companies"):
        legacy = {"contact": "vid", "deal": "dealId", "company": "companyId"}[resource]
        notes.append(NOTE_SHAPE.format(legacy=legacy))
    return Converted("app.hubspot", config, notes=notes)


def _refuse_others(given: dict[str, Any], known: set[str], where: str) -> None:
    others = sorted(n for n, v in given.items() if n not in known | IGNORED and v)
    if others:
        raise Refusal(
            f"sets the {where} {', '.join(others)}, which WorkFuse's HubSpot node does not "
            "send; remove them in n8n or use an HTTP Request node."
        )


def _properties(
    node: N8nNode, cx: Converter, fields: dict[str, Any], names: dict[str, str]
) -> dict[str, Any]:
    """n8n's named fields and custom properties as HubSpot properties, set ones only."""
    properties = {
        names[n]: text(cx, node, v) for n, v in fields.items() if n in names and v not in ("", None)
    }
    custom = (fields.get("customPropertiesUi") or {}).get("customPropertiesValues") or []
    for entry in custom:
        properties[str(entry.get("property", "")).split("|")[0]] = text(
            cx, node, entry.get("value")
        )
    return properties


def _returned(cx: Converter, node: N8nNode, fields: dict[str, Any]) -> list[str]:
    """The properties to read back: v1's `properties`, v2's `propertiesCollection`."""
    wanted = fields.get("properties")
    if wanted is None:
        values = (fields.get("propertiesCollection") or {}).get("propertiesValues") or {}
        wanted = values.get("properties")
    if isinstance(wanted, str):
        wanted = [w.strip() for w in wanted.split(",") if w.strip()]
    return [str(text(cx, node, w)) for w in wanted or []]


def _upsert(node: N8nNode, cx: Converter) -> dict[str, Any]:
    fields = dict(node.params.get("additionalFields") or {})
    known = {*CONTACT_FIELDS, "customPropertiesUi", "properties", "propertiesCollection"}
    known.add("associatedCompanyId")  # ops
    _refuse_others(fields, known, "additional field(s)")
    email = text(cx, node, node.params.get("email"))
    if email in ("", None):
        raise Refusal("names no email; set the contact's Email in n8n.")
    config: dict[str, Any] = {"operation": "upsert_contact", "email": str(email)}
    properties = _properties(node, cx, fields, CONTACT_FIELDS)
    if properties:
        config["properties"] = properties
    # --- ops ---
    # n8n (v1, v2) associates the upserted contact with this company (definitionId 1, primary).
    if fields.get("associatedCompanyId") not in ("", None):
        config["associated_companies"] = _ids(cx, node, fields["associatedCompanyId"])
    # --- end ops ---
    return config


def _get(node: N8nNode, cx: Converter, resource: str, id_param: str) -> dict[str, Any]:
    fields = dict(node.params.get("additionalFields") or {})
    _refuse_others(fields, {"properties", "propertiesCollection"}, f"{resource} option(s)")
    value = text(cx, node, locator(node.params.get(id_param)) or "")
    if value in ("", None):
        raise Refusal(f"names no {resource} id; set the {resource.title()} ID in n8n.")
    config: dict[str, Any] = {"operation": f"get_{resource}", "object_id": str(value)}
    returned = _returned(cx, node, fields)
    if returned:
        config["return_properties"] = returned
    return config


def _max_results(node: N8nNode, what: str, notes: list[str]) -> int:
    if node.params.get("returnAll"):
        notes.append(NOTE_MANY.format(what=what))
        return 1000
    return min(max(int(node.params.get("limit") or 100), 1), 1000)


def _list_contacts(node: N8nNode, cx: Converter, notes: list[str]) -> dict[str, Any]:
    fields = dict(node.params.get("additionalFields") or {})
    _refuse_others(fields, {"properties", "propertiesCollection"}, "contact option(s)")
    config: dict[str, Any] = {
        "operation": "list_contacts",
        "max_results": _max_results(node, "contact", notes),
    }
    returned = _returned(cx, node, fields)
    if returned:
        config["return_properties"] = returned
    return config


def _search(node: N8nNode, cx: Converter, resource: str, notes: list[str]) -> dict[str, Any]:
    """n8n always sorts (default: createdate, newest first) and sends its additional fields
    (sortBy, direction, properties, query) in the body."""
    fields = dict(node.params.get("additionalFields") or {})
    _refuse_others(fields, {"sortBy", "direction", "properties", "query"}, "search option(s)")
    config: dict[str, Any] = {
        "operation": f"search_{resource}s",
        "sort_by": str(text(cx, node, fields.get("sortBy") or "createdate")),
        "sort_direction": str(fields.get("direction") or "DESCENDING"),
        "max_results": _max_results(node, resource, notes),
    }
    groups = (node.params.get("filterGroupsUi") or {}).get("filterGroupsValues") or []
    filter_groups = [
        {"filters": [_filter(cx, node, f) for f in values]}
        for group in groups
        if (values := (group.get("filtersUi") or {}).get("filterValues"))
    ]
    if filter_groups:
        config["filter_groups"] = filter_groups
    if fields.get("query"):
        config["query"] = text(cx, node, fields["query"])
    returned = _returned(cx, node, fields)
    if returned:
        config["return_properties"] = returned
    return config


def _filter(cx: Converter, node: N8nNode, rule: dict[str, Any]) -> dict[str, Any]:
    # v2 names a property "name|type" in its picker; HubSpot wants the name.
    name = str(rule.get("propertyName") or "").split("|")[0]
    converted = {"propertyName": name, "operator": str(rule.get("operator") or "EQ")}
    if "value" in rule:
        converted["value"] = text(cx, node, rule["value"])
    return converted


def _ids(cx: Converter, node: N8nNode, value: Any) -> Any:
    converted = text(cx, node, value)
    if isinstance(converted, list):
        return [str(v) for v in converted]
    return str(converted)


def _deal(node: N8nNode, cx: Converter, op: str) -> dict[str, Any]:
    p = node.params
    fields = dict(p.get("additionalFields" if op == "create" else "updateFields") or {})
    associations = {"associatedVids", "associatedCompany"} if op == "create" else set()
    _refuse_others(fields, {*DEAL_FIELDS, "customPropertiesUi", *associations}, "deal field(s)")
    if op == "create":
        fields["stage"] = p.get("stage")
        config: dict[str, Any] = {"operation": "create_deal"}
    else:
        deal_id = text(cx, node, locator(p.get("dealId")) or "")
        if deal_id in ("", None):
            raise Refusal("names no deal id; set the Deal ID in n8n.")
        config = {"operation": "update_deal", "object_id": str(deal_id)}
    properties = _properties(node, cx, fields, DEAL_FIELDS)
    if op == "create" and "dealstage" not in properties:
        raise Refusal("names no deal stage; set the deal's Stage in n8n.")
    if properties:
        config["properties"] = properties
    if fields.get("associatedVids"):
        config["associated_contacts"] = _ids(cx, node, fields["associatedVids"])
    if fields.get("associatedCompany"):
        config["associated_companies"] = _ids(cx, node, fields["associatedCompany"])
    return config


def _company(node: N8nNode, cx: Converter) -> dict[str, Any]:
    fields = dict(node.params.get("additionalFields") or {})
    _refuse_others(fields, {*COMPANY_FIELDS, "customPropertiesUi"}, "company field(s)")
    name = text(cx, node, node.params.get("name"))
    if name in ("", None):
        raise Refusal("names no company name; set the company's Name in n8n.")
    properties = {"name": name, **_properties(node, cx, fields, COMPANY_FIELDS)}
    return {"operation": "create_company", "properties": properties}


def _company_update(node: N8nNode, cx: Converter) -> dict[str, Any]:
    fields = dict(node.params.get("updateFields") or {})
    _refuse_others(fields, {*COMPANY_FIELDS, "name", "customPropertiesUi"}, "company field(s)")
    company_id = text(cx, node, locator(node.params.get("companyId")) or "")
    if company_id in ("", None):
        raise Refusal("names no company id; set the Company ID in n8n.")
    properties = _properties(node, cx, fields, {**COMPANY_FIELDS, "name": "name"})
    config: dict[str, Any] = {"operation": "update_company", "object_id": str(company_id)}
    if properties:
        config["properties"] = properties
    return config


# --- ops ---
NOTE_DOMAIN = (
    "n8n called HubSpot's legacy search by domain (/companies/v2/domains/<domain>/companies); "
    "WorkFuse searches CRM v3 companies whose domain property equals it, and outputs them as "
    "CRM v3 records (the legacy `companyId` and `properties.<name>.value` reads are translated)."
)


def _search_by_domain(node: N8nNode, cx: Converter, notes: list[str]) -> dict[str, Any]:
    """n8n's company searchByDomain (HubspotV2): the domain with a leading scheme removed (its
    first `https://`, else its first `http://`), `limit` or every page, `options.properties`."""
    options = dict(node.params.get("options") or {})
    _refuse_others(options, {"properties"}, "search option(s)")
    domain = text(cx, node, node.params.get("domain"))
    if domain in ("", None):
        raise Refusal("names no domain; set the company's Domain in n8n.")
    without_scheme = (
        "{% set d %}" + str(domain) + "{% endset %}"
        "{{ d.replace('https://', '', 1) if 'https://' in d else d.replace('http://', '', 1) }}"
    )
    rule = {"propertyName": "domain", "operator": "EQ", "value": without_scheme}
    config: dict[str, Any] = {
        "operation": "search_companies",
        "filter_groups": [{"filters": [rule]}],
        "max_results": _max_results(node, "company", notes),
    }
    returned = _returned(cx, node, options)
    if returned:
        config["return_properties"] = returned
    notes.append(NOTE_DOMAIN)
    return config


# --- end ops ---
# --- svca ---
# n8n's engagement metadata fields, per type, as its GenericFunctions send them.
ENGAGEMENT_FIELDS = {
    "email": {"fromEmail", "firstName", "lastName", "cc", "bcc", "subject", "html", "text"},
    "task": {"body", "subject", "status", "forObjectType"},
    "call": {"toNumber", "fromNumber", "status", "durationMilliseconds", "recordingUrl", "body"},
}
ASSOCIATIONS = ("companyIds", "contactIds", "dealIds", "ownerIds", "ticketIds")


def _email_metadata(given: dict[str, Any]) -> dict[str, Any]:
    """n8n's getEmailMetadata: from {email, firstName, lastName}, cc and bcc as [{email}] (each
    entry split at commas), then subject, html and text when set."""
    sender = {k: given[n] for n, k in SENDER.items() if given.get(n)}
    metadata: dict[str, Any] = {"from": sender}
    for copy in ("cc", "bcc"):
        entries = given.get(copy) or []
        addresses = [a for e in entries for a in _split(e)]
        metadata[copy] = [{"email": a} for a in addresses]
    metadata |= {k: given[k] for k in ("subject", "html", "text") if given.get(k)}
    return metadata


def _split(entry: Any) -> list[Any]:
    """An entry split at commas as n8n splits it; an expression stays whole."""
    return [entry] if str(entry).startswith("=") else str(entry).split(",")


SENDER = {"fromEmail": "email", "firstName": "firstName", "lastName": "lastName"}


def _engagement(node: N8nNode, cx: Converter, notes: list[str]) -> dict[str, Any]:
    p = node.params
    kind = str(p.get("type") or "")
    if kind not in ENGAGEMENT_FIELDS:
        raise Refusal(
            f"creates a {kind or 'typeless'} engagement; WorkFuse imports email, task and call "
            "engagements (a meeting's times are converted by n8n in ways not imported)."
        )
    given = dict(p.get("metadata") or {})
    if not any(v not in ("", None, []) for v in given.values()):
        raise Refusal(
            "sets no metadata; n8n fails an engagement without any: set at least one metadata "
            "field in n8n."
        )
    dropped = sorted(n for n, v in given.items() if n not in ENGAGEMENT_FIELDS[kind] and v)
    if dropped:
        notes.append(
            f"n8n's node does not send the metadata {', '.join(dropped)} of the {kind} "
            "engagement, so neither does WorkFuse."
        )
    kept = {n: v for n, v in given.items() if n in ENGAGEMENT_FIELDS[kind]}
    metadata = _email_metadata(kept) if kind == "email" else {k: v for k, v in kept.items() if v}
    fields = dict(p.get("additionalFields") or {})
    _refuse_others(fields, {"associations"}, "engagement field(s)")
    linked = dict(fields.get("associations") or {})
    _refuse_others(linked, set(ASSOCIATIONS), "association(s)")
    config: dict[str, Any] = {
        "operation": "create_engagement",
        "engagement_type": kind.upper(),
        "metadata": text(cx, node, metadata),
    }
    associations = {k: text(cx, node, linked[k]) for k in ASSOCIATIONS if linked.get(k)}
    if associations:
        config["associations"] = associations
    notes.append(
        "WorkFuse outputs what HubSpot's Engagements API answers ({engagement, associations, "
        "metadata}), as n8n did."
    )
    return config


# --- end svca ---


def _legacy_aliases(node: N8nNode, resource: str) -> tuple[tuple[str, str], ...]:
    """What n8n's legacy records name differently: the id, and `properties.<p>.value` for the
    properties this node's settings can name (every mapped field, its custom properties and the
    properties it reads back)."""
    ids = {"contact": ("vid", "canonical-vid"), "deal": ("dealId",), "company": ("companyId",)}
    names = {*CONTACT_FIELDS.values(), *DEAL_FIELDS.values(), *COMPANY_FIELDS.values()}
    names |= {"email", "name", "createdate", "lastmodifieddate", "hs_object_id"}
    for group in ("additionalFields", "updateFields"):
        fields = node.params.get(group) or {}
        custom = (fields.get("customPropertiesUi") or {}).get("customPropertiesValues") or []
        names |= {str(c.get("property", "")).split("|")[0] for c in custom}
        wanted = fields.get("properties")
        names |= set(wanted) if isinstance(wanted, list) else set()
    aliases = [(legacy, "id") for legacy in ids[resource]]
    aliases += [(f"properties.{n}.value", f"properties.{n}") for n in sorted(names) if n]
    return tuple(aliases)


def _spec(node: N8nNode, cx: Converter) -> Spec:
    base = dataclasses.replace(SPECS[f"{BASE}hubspot"], per_node=None)
    resource, op = _resource(node)
    if op in ("getAll", "search"):
        return dataclasses.replace(base, items="results")
    # --- ops ---
    if op == "searchByDomain":  # legacy company records, one item each
        return dataclasses.replace(
            base, items="results", item_aliases=_legacy_aliases(node, resource)
        )
    # --- end ops ---
    if resource in ("contact", "deal", "company"):
        return dataclasses.replace(base, aliases=_legacy_aliases(node, resource))
    return base


SPECS: dict[str, Spec] = {f"{BASE}hubspot": Spec(_hubspot, "", per_node=_spec)}
