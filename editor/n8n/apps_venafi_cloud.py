"""n8n's Venafi TLS Protect Cloud node (version 1) as WorkFuse's `app.venafi_cloud`: certificate
requests created, got and listed; certificates got, listed, renewed and deleted."""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n.apps_base import credential_note, operation, required, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = (
    "it creates, gets and lists certificate requests, and gets, lists, renews and deletes "
    "certificates"
)
LIMIT, MAX_RESULTS = 50, 5000
OPS = {
    ("certificateRequest", "create"): "create_request",
    ("certificateRequest", "get"): "get_request",
    ("certificateRequest", "getMany"): "list_requests",
    ("certificate", "get"): "get_certificate",
    ("certificate", "getMany"): "list_certificates",
    ("certificate", "renew"): "renew_certificate",
    ("certificate", "delete"): "delete_certificate",
}
DEFAULTS = {"certificateRequest": "create", "certificate": "delete"}
CSR_TEXT = {
    "organization": "organization",
    "locality": "locality",
    "state": "state",
    "country": "country",
}
KEY = {"keyType": "key_type", "keyCurve": "key_curve", "keyLength": "key_length"}


def _listed(cx: Converter, node: N8nNode, value: Any) -> list[Any]:
    values = value if isinstance(value, list) else [value]
    return [text(cx, node, v) for v in values if v not in ("", None)]


def _csr_fields(cx: Converter, node: N8nNode, fields: dict[str, Any]) -> dict[str, Any]:
    """additionalFields of a CSR Venafi generates, as config fields."""
    config: dict[str, Any] = {}
    for name, field in CSR_TEXT.items():
        if fields.get(name):
            config[field] = text(cx, node, fields[name])
    if fields.get("organizationalUnits"):
        config["organizational_units"] = _listed(cx, node, fields["organizationalUnits"])
    for name, field in KEY.items():
        value = fields.get(name)
        if isinstance(value, str) and value.startswith("="):
            raise Refusal(
                f"sets the CSR's {name} by an expression; WorkFuse's Venafi node takes a fixed "
                "key type, curve and length. Choose it in n8n and export again."
            )
        if value:
            config[field] = value
    sans = (fields.get("SubjectAltNamesUi") or {}).get("SubjectAltNamesValues") or []
    dns = [
        s.get("name")
        for s in sans
        if isinstance(s, dict) and s.get("Typename", "dnsNames") == "dnsNames"
    ]
    if dns:
        config["dns_names"] = _listed(cx, node, dns)
    other = sorted(
        set(fields) - set(CSR_TEXT) - set(KEY) - {"organizationalUnits", "SubjectAltNamesUi"}
    )
    if other:
        raise Refusal(
            f"sets {', '.join(other)} for the CSR; WorkFuse's Venafi node does not send "
            "them. Remove them in n8n and export again."
        )
    return config


def _validity(cx: Converter, node: N8nNode) -> dict[str, Any]:
    options = dict(node.params.get("options") or {})
    other = sorted(set(options) - {"validityPeriod"})
    if other:
        raise Refusal(
            f"sets the option(s) {', '.join(other)}, which WorkFuse's Venafi node does not send."
        )
    period = options.get("validityPeriod")
    return {"validity_period": text(cx, node, period)} if period else {}


def _venafi(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "certificateRequest", DEFAULTS)
    if (resource, op) not in OPS:
        raise unsupported("Venafi TLS Protect Cloud", resource, op, SUPPORTED)
    p = node.params
    name = OPS[(resource, op)]
    config: dict[str, Any] = {"operation": name}
    notes = [credential_note("Venafi TLS Protect Cloud", "an API key and region")]
    if name in ("create_request", "renew_certificate"):
        config["application_id"] = required(cx, node, "applicationId", "Application")
        config["issuing_template_id"] = required(
            cx, node, "certificateIssuingTemplateId", "Certificate Issuing Template"
        )
        config |= _validity(cx, node)
    if name == "create_request" and p.get("generateCsr"):
        config["generate_csr"] = True
        # n8n's default Common Name is "n8n.io": left out of an export that keeps it.
        config["common_name"] = text(cx, node, p.get("commonName", "n8n.io"))
        config |= _csr_fields(cx, node, dict(p.get("additionalFields") or {}))
    elif name == "create_request":
        config["csr"] = required(
            cx, node, "certificateSigningRequest", "Certificate Signing Request"
        )
    if name == "renew_certificate":
        config["certificate_id"] = required(
            cx, node, "existingCertificateId", "Existing Certificate ID"
        )
        config["csr"] = required(
            cx, node, "certificateSigningRequest", "Certificate Signing Request"
        )
    if name == "get_request":
        config["request_id"] = required(cx, node, "certificateRequestId", "Certificate Request ID")
    if name in ("get_certificate", "delete_certificate"):
        config["certificate_id"] = required(cx, node, "certificateId", "Certificate ID")
    if name in ("list_requests", "list_certificates"):
        if p.get("returnAll"):
            config["max_results"] = MAX_RESULTS
            notes.append(f"n8n read every page; WorkFuse reads at most {MAX_RESULTS}.")
        else:
            limit = p.get("limit")
            config["max_results"] = limit if isinstance(limit, int) and limit >= 1 else LIMIT
    if name == "list_certificates":
        filters = dict(p.get("filters") or {})
        if set(filters) - {"subject"}:
            raise Refusal(
                f"filters by {', '.join(sorted(set(filters) - {'subject'}))}; WorkFuse's Venafi node filters by subject only."
            )
        if filters.get("subject"):
            config["subject"] = text(cx, node, filters["subject"])
    return Converted("app.venafi_cloud", config, notes=notes)


def _spec(node: N8nNode, cx: Converter) -> Spec:
    resource, op = operation(node, "certificateRequest", DEFAULTS)
    many = {
        ("certificateRequest", "getMany"): "certificate_requests",
        ("certificate", "getMany"): "certificates",
        ("certificate", "delete"): "certificates",
    }.get((resource, op))
    return dataclasses.replace(SPECS[f"{BASE}venafiTlsProtectCloud"], per_node=None, items=many)


SPECS: dict[str, Spec] = {f"{BASE}venafiTlsProtectCloud": Spec(_venafi, "", per_node=_spec)}
