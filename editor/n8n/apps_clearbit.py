"""n8n's Clearbit node (version 1) as WorkFuse's `app.clearbit`: a company enriched from its
domain (n8n's default), a person from an email, company names autocompleted. n8n's additional
fields are Clearbit's lookup hints under Clearbit's own names."""

from __future__ import annotations

from typing import Any

from editor.n8n.apps_base import credential_note, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = "it enriches companies and people and autocompletes company names"
DEFAULTS = {"company": "enrich", "person": "enrich"}
COMPANY_HINTS = {
    "companyName": "company_name",
    "facebook": "facebook",
    "linkedin": "linkedin",
    "twitter": "twitter",
}
PERSON_HINTS = {
    "givenName": "given_name",
    "familyName": "family_name",
    "ipAddress": "ip_address",
    "location": "location",
    "company": "company",
    "companyDomain": "company_domain",
    "linkedIn": "linkedin",
    "twitter": "twitter",
    "facebook": "facebook",
}


def _required(node: N8nNode, cx: Converter, name: str) -> Any:
    value = text(cx, node, node.params.get(name))
    if value in ("", None):
        raise Refusal(f"names no {name}; set it in n8n and export again.")
    return value if isinstance(value, str) else str(value)


def _hints(node: N8nNode, cx: Converter, names: dict[str, str]) -> dict[str, Any]:
    given = dict(node.params.get("additionalFields") or {})
    unknown = sorted(k for k, v in given.items() if k not in names and v not in ("", None))
    if unknown:
        raise Refusal(
            f"sets {', '.join(unknown)} in Additional Fields, which WorkFuse's Clearbit node "
            "does not send; remove them in n8n and export again."
        )
    return {names[k]: text(cx, node, v) for k, v in given.items() if v not in ("", None)}


def _clearbit(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "company", DEFAULTS)
    config: dict[str, Any]
    spec: dict[str, Any] = {}
    if (resource, op) == ("company", "enrich"):
        config = {"operation": "enrich_company", "domain": _required(node, cx, "domain")}
        hints = _hints(node, cx, COMPANY_HINTS)
    elif (resource, op) == ("person", "enrich"):
        config = {"operation": "enrich_person", "email": _required(node, cx, "email")}
        hints = _hints(node, cx, PERSON_HINTS)
    elif (resource, op) == ("company", "autocomplete"):
        config = {"operation": "suggest_companies", "name": _required(node, cx, "name")}
        hints, spec = {}, {"items": "companies"}
    else:
        raise unsupported("Clearbit", resource, op, SUPPORTED)
    if hints:
        config["hints"] = hints
    notes = [credential_note("Clearbit", "an API key")]
    return Converted("app.clearbit", config, notes=notes, spec=spec)


SPECS: dict[str, Spec] = {f"{BASE}clearbit": Spec(_clearbit, "")}
