"""n8n's Google Cloud Natural Language node (version 1: document / analyzeSentiment) as
WorkFuse's `app.google_natural_language`, and n8n's Google Perspective node as
`app.google_perspective`. The text is given in the node or read from a gs:// object; the output
is Google's answer, as n8n's."""

from __future__ import annotations

from typing import Any

from editor.n8n.apps_base import credential_note, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

NL_OPTIONS = {
    "documentType": "document_type",
    "encodingType": "encoding_type",
    "language": "language",
}


def _natural_language(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "document", {"document": "analyzeSentiment"})
    if (resource, op) != ("document", "analyzeSentiment"):
        raise unsupported("Google Cloud Natural Language", resource, op, "it analyzes sentiment")
    p = node.params
    config: dict[str, Any] = {"operation": "analyze_sentiment"}
    if (p.get("source") or "content") == "content":
        config["content"] = text(cx, node, p.get("content"))
    else:
        config["gcs_uri"] = text(cx, node, p.get("gcsContentUri"))
    if config.get("content", config.get("gcs_uri")) in ("", None):
        raise Refusal("has no text to analyze (Content is empty); set it in n8n and export again.")
    options = dict(p.get("options") or {})
    unknown = sorted(k for k in options if k not in NL_OPTIONS)
    if unknown:
        raise Refusal(f"sets the option(s) {', '.join(unknown)}, which WorkFuse's node lacks.")
    config |= {NL_OPTIONS[k]: text(cx, node, v) for k, v in options.items() if v not in ("", None)}
    note = credential_note(
        "Google service-account key", "its project with the Cloud Natural Language API enabled"
    )
    notes = [
        note,
        "n8n signed in with a user's Google OAuth2 account; WorkFuse uses a service account's key.",
    ]
    return Converted("app.google_natural_language", config, notes=notes)


def _perspective(node: N8nNode, cx: Converter) -> Converted:
    op = str(node.params.get("operation") or "analyzeComment")
    if op != "analyzeComment":
        raise unsupported("Google Perspective", "", op, "it analyzes comments")
    p = node.params
    rows = list(dict(p.get("requestedAttributesUi") or {}).get("requestedAttributesValues") or [])
    if not rows:
        raise Refusal(
            "asks for no attribute (Attributes to Analyze is empty; n8n fails on it too); add "
            "one in n8n and export again."
        )
    names = [str(row.get("attributeName") or "flirtation") for row in rows]  # n8n's default
    thresholds = {float(row["scoreThreshold"]) for row in rows if row.get("scoreThreshold")}
    if len(thresholds) > 1:
        raise Refusal(
            "sets a different Score Threshold per attribute; WorkFuse's node takes one for all. "
            "Give them one threshold in n8n (or split the node) and export again."
        )
    config: dict[str, Any] = {
        "operation": "analyze_comment",
        "text": text(cx, node, p.get("text")),
        "attributes": names,
    }
    if thresholds:
        config["score_threshold"] = thresholds.pop()
    language = dict(p.get("options") or {}).get("languages")
    if language not in ("", None):
        config["languages"] = [text(cx, node, language)]
    notes = [
        credential_note("Google Perspective", "an API key"),
        "n8n signed in with a Google OAuth2 account; WorkFuse uses an API key.",
    ]
    return Converted("app.google_perspective", config, notes=notes)


SPECS: dict[str, Spec] = {
    f"{BASE}googleCloudNaturalLanguage": Spec(_natural_language, ""),
    f"{BASE}googlePerspective": Spec(_perspective, ""),
}
