"""n8n's WhatsApp Business Cloud node as WorkFuse's `app.whatsapp` (integrations/whatsapp):
messages sent as text, as media by link or id, or as an approved template. The output is the
Cloud API's answer, as n8n's was."""

from __future__ import annotations

from typing import Any

from editor.n8n.apps_base import credential_note, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

CREDENTIAL = credential_note("WhatsApp Cloud API", "access token and business account ID")
MEDIA = ("image", "video", "audio", "document")


def _whatsapp(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    # n8n's defaults: resource message, operation sendTemplate, message type text.
    resource, op = operation(node, "message", {"message": "sendTemplate", "media": "mediaUpload"})
    if (resource, op) == ("media", "mediaUrlGet"):
        media = {"operation": "get_media_url", "media": text(cx, node, p.get("mediaGetId", ""))}
        return Converted("app.whatsapp", media, notes=[CREDENTIAL])
    if resource != "message" or op not in ("send", "sendTemplate"):
        raise unsupported(
            "WhatsApp", resource, op, "it sends messages (send, sendTemplate) and gets media URLs"
        )
    config: dict[str, Any] = {
        "phone_number_id": text(cx, node, p.get("phoneNumberId", "")),
        "to": text(cx, node, p.get("recipientPhoneNumber", "")),
    }
    if op == "sendTemplate":
        config |= _template(node, cx)
    else:
        config |= _send(node, cx)
    return Converted("app.whatsapp", config, notes=[CREDENTIAL])


def _send(node: N8nNode, cx: Converter) -> dict[str, Any]:
    p = node.params
    kind = str(p.get("messageType") or "text")
    extra = p.get("additionalFields") or {}
    if kind == "text":
        config = {"operation": "send_text", "text": text(cx, node, p.get("textBody", ""))}
        return config | {"preview_url": bool(extra.get("previewUrl"))}
    if kind not in MEDIA:
        raise Refusal(
            f"sends a '{kind}' message; WorkFuse's WhatsApp node sends text, media "
            f"({', '.join(MEDIA)}) and templates. Use an HTTP Request node for it."
        )
    source = str(p.get("mediaPath") or "useMediaLink")
    if source not in ("useMediaLink", "useMediaId"):
        raise Refusal(
            "uploads the media from the item's binary data; WorkFuse's WhatsApp node sends "
            "media by link or by the id of media already on WhatsApp."
        )
    media = p.get("mediaLink") if source == "useMediaLink" else p.get("mediaId")
    filename = extra.get("mediaFilename") or p.get("mediaFilename") or ""
    config = {
        "operation": "send_media",
        "media_type": kind,
        "media": text(cx, node, media or ""),
        "caption": text(cx, node, extra.get("mediaCaption") or ""),
    }
    return config | {"filename": text(cx, node, filename)} if kind == "document" else config


def _template(node: N8nNode, cx: Converter) -> dict[str, Any]:
    template = node.params.get("template")
    if not isinstance(template, str) or "|" not in template or template.startswith("="):
        raise Refusal(
            "names no template as 'name|language' (or names it with an expression); choose the "
            "template in n8n and export again."
        )
    name, _, language = template.partition("|")
    config: dict[str, Any] = {
        "operation": "send_template",
        "template_name": name,
        "template_language": language,
    }
    components = (node.params.get("components") or {}).get("component") or []
    if components:
        config["components"] = [_component(c, node, cx) for c in components]
    return config


def _component(component: dict[str, Any], node: N8nNode, cx: Converter) -> dict[str, Any]:
    """One template component as n8n's componentsRequest writes it for the Cloud API."""
    kind = str(component.get("type") or "body")
    made: dict[str, Any] = {"type": kind}
    if kind == "button":
        made["sub_type"] = str(component.get("sub_type") or "quick_reply")
        made["index"] = str(component.get("index") or 0)
        parameter = (component.get("buttonParameters") or {}).get("parameter") or {}
        made["parameters"] = [_parameter({"type": "payload", **parameter}, node, cx)]
        return made
    field = "headerParameters" if kind == "header" else "bodyParameters"
    parameters = (component.get(field) or {}).get("parameter") or []
    made["parameters"] = [_parameter({"type": "text", **p}, node, cx) for p in parameters]
    return made


def _parameter(parameter: dict[str, Any], node: N8nNode, cx: Converter) -> dict[str, Any]:
    kind = parameter["type"]
    value = cx.value(parameter, node)
    if kind in ("text", "payload"):
        return {"type": kind, kind: value.get(kind, "")}
    if kind == "image":
        return {"type": "image", "image": {"link": value.get("imageLink", "")}}
    if kind == "date_time":
        return {"type": "date_time", "date_time": {"fallback_value": value.get("date_time", "")}}
    if kind == "currency":
        amount = parameter.get("amount_1000")
        if not isinstance(amount, int | float):
            raise Refusal("gives a currency parameter's amount with an expression; set a number.")
        currency = {
            "code": value.get("code", ""),
            "fallback_value": value.get("fallback_value", ""),
        }
        # n8n's field is the amount; the API's amount_1000 is it times 1000.
        return {"type": "currency", "currency": currency | {"amount_1000": amount * 1000}}
    raise Refusal(f"has a template parameter of type '{kind}', which WorkFuse does not know.")


SPECS: dict[str, Spec] = {f"{BASE}whatsApp": Spec(_whatsapp, "")}
