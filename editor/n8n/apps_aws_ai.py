"""n8n's AWS Comprehend node (version 1: text / detectDominantLanguage, detectSentiment,
detectEntities) as WorkFuse's `app.aws_comprehend`, and its AWS Rekognition node (image /
analyze: detectFaces, detectLabels, detectModerationLabels, detectText, recognizeCelebrity) as
`app.aws_rekognition`. Credentials are not imported: both need an AWS access key credential
(kind s3, the one S3 uses, as n8n's one AWS credential)."""

from __future__ import annotations

from typing import Any

from editor.n8n.apps_base import binary_file, credential_note, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

COMPREHEND = {
    "detectSentiment": "detect_sentiment",
    "detectDominantLanguage": "detect_dominant_language",
    "detectEntities": "detect_entities",
}
AWS_NOTE = credential_note("AWS access key", "the S3 kind: key id, secret key and region")


def _comprehend(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "text", {"text": "detectDominantLanguage"})
    if resource != "text" or op not in COMPREHEND:
        raise unsupported(
            "AWS Comprehend", resource, op, "it detects sentiment, dominant language and entities"
        )
    p = node.params
    content = text(cx, node, p.get("text"))
    if content in ("", None):
        raise Refusal("has no Text to analyze; set it in n8n and export again.")
    config: dict[str, Any] = {"operation": COMPREHEND[op], "text": content}
    if op == "detectDominantLanguage":
        config["simple"] = bool(p.get("simple", True))
    else:
        config["language_code"] = str(p.get("languageCode") or "en")
    extra = sorted(
        k for k, v in dict(p.get("additionalFields") or {}).items() if v not in ("", None)
    )
    if extra:
        raise Refusal(
            f"sets {', '.join(extra)} (a custom endpoint), which WorkFuse's Comprehend node "
            "does not call; remove it in n8n or use an HTTP Request node."
        )
    return Converted("app.aws_comprehend", config, notes=[AWS_NOTE])


REKOGNITION = {
    "detectFaces": "detect_faces",
    "detectLabels": "detect_labels",
    "detectModerationLabels": "detect_moderation_labels",
    "detectText": "detect_text",
    "recognizeCelebrity": "recognize_celebrities",
}


def _rekognition(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "image", {"image": "analyze"})
    if (resource, op) != ("image", "analyze"):
        raise unsupported("AWS Rekognition", resource, op, "it analyzes images")
    p = node.params
    kind = str(p.get("type") or "detectFaces")
    if kind not in REKOGNITION:
        raise unsupported("AWS Rekognition", "image", kind, "it analyzes images")
    config: dict[str, Any] = {"operation": REKOGNITION[kind]}
    extra = dict(p.get("additionalFields") or {})
    if p.get("binaryData"):
        config["image"] = binary_file(cx, node, p.get("binaryPropertyName"))
    else:
        config["bucket"] = text(cx, node, p.get("bucket"))
        config["key"] = text(cx, node, p.get("name"))
        if config["bucket"] in ("", None) or config["key"] in ("", None):
            raise Refusal("reads its image from S3 but names no Bucket or Name; set them in n8n.")
        if extra.get("version"):
            config["version"] = text(cx, node, extra["version"])
    used = {"version"}
    if kind in ("detectLabels", "detectModerationLabels") and extra.get("minConfidence"):
        config["min_confidence"] = extra["minConfidence"]
    if kind == "detectLabels" and extra.get("maxLabels"):
        config["max_labels"] = extra["maxLabels"]
    used |= {"minConfidence", "maxLabels"}
    if kind == "detectFaces" and extra.get("attributes"):
        config["face_attributes"] = "ALL" if "all" in extra["attributes"] else "DEFAULT"
    used.add("attributes")
    others = sorted(k for k, v in extra.items() if k not in used and v not in ("", None, {}, []))
    if others:
        raise Refusal(
            f"sets {', '.join(others)}, which WorkFuse's Rekognition node does not send (regions "
            "of interest and word filters of detectText); remove them in n8n or use an HTTP "
            "Request node."
        )
    return Converted("app.aws_rekognition", config, notes=[AWS_NOTE])


SPECS: dict[str, Spec] = {
    f"{BASE}awsComprehend": Spec(_comprehend, ""),
    f"{BASE}awsRekognition": Spec(_rekognition, ""),
}
