"""n8n's Hunter node (version 1) as WorkFuse's `app.hunter`: a domain search (n8n's default;
only the emails by default, each one an n8n item), an email finder and an email verifier."""

from __future__ import annotations

from typing import Any

from editor.n8n.apps_base import credential_note, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = "it searches domains, finds and verifies emails"
LIMIT = 100
MAX_EMAILS = 1000
FILTERS = {"type", "seniority", "department"}


def _required(node: N8nNode, cx: Converter, name: str) -> Any:
    value = text(cx, node, node.params.get(name))
    if value in ("", None):
        raise Refusal(f"names no {name}; set it in n8n and export again.")
    return value if isinstance(value, str) else str(value)


def _domain_search(node: N8nNode, cx: Converter, notes: list[str]) -> dict[str, Any]:
    p = node.params
    config: dict[str, Any] = {"operation": "domain_search", "domain": _required(node, cx, "domain")}
    filters = dict(p.get("filters") or {})
    unknown = sorted(k for k, v in filters.items() if k not in FILTERS and v not in ("", None, []))
    if unknown:
        raise Refusal(
            f"filters by {', '.join(unknown)}, which WorkFuse's Hunter node does not; remove "
            "it in n8n and export again."
        )
    if filters.get("type"):
        config["type"] = text(cx, node, filters["type"])
    for name in ("seniority", "department"):
        chosen = filters.get(name)
        if chosen:
            config[name] = [str(v) for v in (chosen if isinstance(chosen, list) else [chosen])]
    if p.get("onlyEmails", True) is False:
        config["only_emails"] = False
    if p.get("returnAll"):
        config["max_results"] = MAX_EMAILS
        notes.append(f"n8n read every email; WorkFuse reads at most {MAX_EMAILS}.")
    else:
        config["max_results"] = min(max(int(p.get("limit") or LIMIT), 1), MAX_EMAILS)
    return config


def _hunter(node: N8nNode, cx: Converter) -> Converted:
    op = str(node.params.get("operation") or "domainSearch")
    notes = [credential_note("Hunter", "an API key")]
    spec: dict[str, Any] = {}
    if op == "domainSearch":
        config = _domain_search(node, cx, notes)
        if config.get("only_emails", True):
            spec["items"] = "emails"
    elif op == "emailFinder":
        config = {
            "operation": "find_email",
            "domain": _required(node, cx, "domain"),
            "first_name": _required(node, cx, "firstname"),
            "last_name": _required(node, cx, "lastname"),
        }
    elif op == "emailVerifier":
        config = {"operation": "verify_email", "email": _required(node, cx, "email")}
    else:
        raise unsupported("Hunter", "", op, SUPPORTED)
    return Converted("app.hunter", config, notes=notes, spec=spec)


SPECS: dict[str, Spec] = {f"{BASE}hunter": Spec(_hunter, "")}
