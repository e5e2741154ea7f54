"""n8n's AWS Transcribe node (version 1, transcription job create, get, delete) as WorkFuse's
`app.aws_transcribe`. Credentials are not imported: it needs an AWS access key credential
(kind s3, as n8n's one AWS credential)."""

from __future__ import annotations

import re
from typing import Any

from editor.n8n.apps_aws_ai import AWS_NOTE
from editor.n8n.apps_base import operation, required, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

OPERATIONS = {"create": "start_job", "get": "get_job", "delete": "delete_job"}
# `{{$node["AWS S3"].parameter["bucketName"]}}` inside a longer expression: another node's
# fixed setting (WorkFuse's templates read outputs, not settings).
SETTING = re.compile(
    r"""\{\{\s*\$node\[\s*(["'])(?P<node>.+?)\1\s*\]\.parameter\[\s*(["'])(?P<key>\w+)\3\s*\]\s*\}\}"""
)


def inlined_settings(cx: Converter, node: N8nNode, name: str) -> None:
    """The expression `name` with each read of another node's fixed text setting written in as
    that text (a setting that is itself an expression is left for the converter to refuse)."""
    value = node.params.get(name)
    if not isinstance(value, str) or not value.startswith("="):
        return

    def fixed(match: re.Match[str]) -> str:
        other = cx.nodes.get(match["node"])
        setting = other.params.get(match["key"]) if other else None
        if not isinstance(setting, str) or setting.startswith("=") or re.search(r"[{}]", setting):
            return match.group(0)
        return setting

    node.params[name] = SETTING.sub(fixed, value)


def _transcribe(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "transcriptionJob", {"transcriptionJob": "create"})
    if resource != "transcriptionJob" or op not in OPERATIONS:
        raise unsupported("AWS Transcribe", resource, op, "it starts, gets and deletes jobs")
    p = node.params
    config: dict[str, Any] = {
        "operation": OPERATIONS[op],
        "job_name": required(cx, node, "transcriptionJobName", "Job Name"),
    }
    if op == "create":
        inlined_settings(cx, node, "mediaFileUri")
        config["media_uri"] = required(cx, node, "mediaFileUri", "Media File URI")
        if p.get("detectLanguage"):
            config["identify_language"] = True
        else:
            config["language_code"] = str(p.get("languageCode") or "en-US")
        options = sorted(k for k, v in dict(p.get("options") or {}).items() if v not in ("", None))
        if options:
            raise Refusal(
                f"sets {', '.join(options)}; n8n's node (version 1) fails on any option (it "
                "writes them into Settings it never creates). Remove them in n8n."
            )
    elif op == "get":
        config["return_transcript"] = bool(p.get("returnTranscript", True))
        config["simple"] = bool(p.get("simple", True))
    return Converted("app.aws_transcribe", config, notes=[AWS_NOTE])


SPECS: dict[str, Spec] = {f"{BASE}awsTranscribe": Spec(_transcribe, "")}
