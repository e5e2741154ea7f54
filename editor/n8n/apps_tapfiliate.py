"""n8n's Tapfiliate node (version 1) as WorkFuse's `app.tapfiliate`: affiliates created, got and
deleted, affiliate metadata added, affiliates added to a program. n8n's Address and Company Name
become Tapfiliate's `address` (with `country: {code}`) and `company: {name}`, as n8n sends
them."""

from __future__ import annotations

from typing import Any

from editor.n8n.apps_base import credential_note, operation, required, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = (
    "it creates, gets and deletes affiliates, adds affiliate metadata and adds affiliates to "
    "a program"
)
DEFAULTS = {"affiliate": "create", "affiliateMetadata": "add", "programAffiliate": "add"}
AFFILIATE_FIELDS = {"addressUi", "companyName", "parentId"}
PROGRAM_FIELDS = {"approved", "coupon"}


def _given(value: Any) -> bool:
    return value not in ("", None, {}, [])


def _unknown(given: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(k for k, v in given.items() if k not in allowed and _given(v))
    if unknown:
        raise Refusal(
            f"sets the field(s) {', '.join(unknown)}, which WorkFuse's Tapfiliate node lacks; "
            "remove them in n8n and export again."
        )


def _affiliate_fields(node: N8nNode, cx: Converter, given: dict[str, Any]) -> dict[str, Any]:
    _unknown(given, AFFILIATE_FIELDS)
    fields: dict[str, Any] = {}
    address = dict((given.get("addressUi") or {}).get("addressValues") or {})
    if address:
        fields["address"] = {k: text(cx, node, v) for k, v in address.items() if _given(v)}
        if "country" in fields["address"]:
            fields["address"]["country"] = {"code": fields["address"]["country"]}
    if _given(given.get("companyName")):
        fields["company"] = {"name": text(cx, node, given["companyName"])}
    if _given(given.get("parentId")):
        fields["parentId"] = text(cx, node, given["parentId"])
    return fields


def _tapfiliate(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "affiliate", DEFAULTS)
    p = node.params
    config: dict[str, Any]
    if (resource, op) == ("affiliate", "create"):
        config = {"operation": "create_affiliate"}
        for name in ("email", "firstname", "lastname"):
            config[name] = required(cx, node, name, name)
        fields = _affiliate_fields(node, cx, dict(p.get("additionalFields") or {}))
        if fields:
            config["fields"] = fields
    elif (resource, op) in (("affiliate", "get"), ("affiliate", "delete")):
        config = {
            "operation": f"{op}_affiliate",
            "affiliate_id": required(cx, node, "affiliateId", "affiliate (Affiliate ID)"),
        }
    elif (resource, op) == ("affiliateMetadata", "add"):
        pairs = (p.get("metadataUi") or {}).get("metadataValues") or []
        metadata = {
            str(m.get("key")): text(cx, node, m.get("value", "")) for m in pairs if m.get("key")
        }
        if not metadata:
            raise Refusal(
                "adds no metadata (n8n fails on it too); add a key in n8n and export again."
            )
        config = {
            "operation": "set_metadata",
            "affiliate_id": required(cx, node, "affiliateId", "affiliate (Affiliate ID)"),
            "metadata": metadata,
        }
    elif (resource, op) == ("programAffiliate", "add"):
        config = {
            "operation": "add_to_program",
            "program_id": required(cx, node, "programId", "program (Program ID)"),
            "affiliate_id": required(cx, node, "affiliateId", "affiliate (Affiliate ID)"),
        }
        extra = dict(p.get("additionalFields") or {})
        _unknown(extra, PROGRAM_FIELDS)
        kept = {
            k: text(cx, node, v)
            for k, v in extra.items()
            if k in PROGRAM_FIELDS and v not in ("", None)
        }
        if kept:
            config["fields"] = kept
    else:
        raise unsupported("Tapfiliate", resource, op, SUPPORTED)
    notes = [credential_note("Tapfiliate", "an API key")]
    return Converted("app.tapfiliate", config, notes=notes)


SPECS: dict[str, Spec] = {f"{BASE}tapfiliate": Spec(_tapfiliate, "")}
