"""n8n's Typeform, Shopify, WhatsApp and Twilio triggers as a WorkFuse webhook trigger (docs/triggers.md,
signed webhooks) followed by an output step.

The services sign their calls, and `trigger.webhook` checks the signature: Typeform's
`Typeform-Signature: sha256=<base64>` and Shopify's `X-Shopify-Hmac-Sha256: <base64>` with the
custom HMAC preset, Meta's `X-Hub-Signature-256: sha256=<hex>` with the github preset, Meta's
subscription GET with `challenge: meta`, Twilio's `X-Twilio-Signature` with the twilio preset. The signature fields are filled in on import and
`auth` is left at none: the secret is the user's to choose (credentials are never imported),
and the trigger's settings refuse HMAC without one.

n8n's node does not output the request: Typeform's simplifies the answers into {question title:
answer}, Shopify's outputs the body, WhatsApp's one item per change of the delivery, Twilio's
one item per event (or the one message a number's webhook posts). That
reshaping is a `utility.transform` template right after the trigger (the "output step"), so it
stays visible and editable. `with_output_steps` writes it into the export before anything
converts: the step takes the trigger's n8n name (so `$json` and `$('Typeform Trigger')` read
what n8n's node output), the webhook trigger becomes "<name> (webhook)".
"""

from __future__ import annotations

import copy
import json
from typing import Any

from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

OUTPUT_STEP = "workfuse.n8nServiceTriggerOutput"  # the step's type in the rewritten export
TYPEFORM, SHOPIFY, WHATSAPP = (
    f"{BASE}{t}" for t in ("typeformTrigger", "shopifyTrigger", "whatsAppTrigger")
)
# --- svcc ---
TWILIO = f"{BASE}twilioTrigger"
TWILIO_EVENTS = {
    "com.twilio.messaging.inbound-message.received": "New SMS",
    "com.twilio.voice.insights.call-summary.complete": "New Call",
}
LEMLIST = f"{BASE}lemlistTrigger"
NETLIFY = f"{BASE}netlifyTrigger"
# n8n's events and Netlify's names for them (n8n snake-cases the option when it registers).
NETLIFY_EVENTS = {
    "deployBuilding": "deploy_building",
    "deployFailed": "deploy_failed",
    "deployCreated": "deploy_created",
    "submissionCreated": "submission_created",
}
# --- end svcc ---
SERVICES: tuple[str, ...] = (TYPEFORM, SHOPIFY, WHATSAPP, TWILIO, LEMLIST, NETLIFY)
# --- svcb ---
WOOCOMMERCE = f"{BASE}wooCommerceTrigger"
SERVICES = (*SERVICES, WOOCOMMERCE)
WOOCOMMERCE_EVENTS = tuple(
    f"{resource}.{event}"
    for resource in ("coupon", "customer", "order", "product")
    for event in ("created", "updated", "deleted")
)
# --- end svcb ---
# --- svca ---
LINEAR, CONVERTKIT = f"{BASE}linearTrigger", f"{BASE}convertKitTrigger"
SERVICES = (*SERVICES, LINEAR, CONVERTKIT)
LINEAR_RESOURCES = {
    "reaction": "Reaction",
    "cycle": "Cycle",
    "issue": "Issue",
    "comment": "Comment",
    "issueLabel": "IssueLabel",
    "project": "Project",
}
# n8n's event → ConvertKit's event name, and the setting that names what it is about.
CONVERTKIT_EVENTS = {
    "formSubscribe": ("subscriber.form_subscribe", "formId", "form_id"),
    "courseSubscribe": ("subscriber.course_subscribe", "courseId", "sequence_id"),
    "courseComplete": ("subscriber.course_complete", "courseId", "sequence_id"),
    "linkClick": ("subscriber.link_click", "link", "initiator_value"),
    "productPurchase": ("subscriber.product_purchase", "productId", "product_id"),
    "tagAdd": ("subscriber.tag_add", "tagId", "tag_id"),
    "tagRemove": ("subscriber.tag_remove", "tagId", "tag_id"),
    "subscriberActivate": ("subscriber.subscriber_activate", "", ""),
    "subscriberUnsubscribe": ("subscriber.subscriber_unsubscribe", "", ""),
    "purchaseCreate": ("purchase.purchase_create", "", ""),
}
# --- end svca ---
STATUSES = ("all", "deleted", "delivered", "failed", "read", "sent")
AUTH_NOTE = (
    "Then set auth to hmac and choose a webhook secret credential holding {key}: the "
    "signature fields are filled in, and until then anyone with the URL can start the workflow."
)


def with_output_steps(data: dict[str, Any]) -> dict[str, Any]:
    """The export with an output step after each service trigger (a copy; the export is left
    as it was): the step takes the trigger's name and its links, the trigger links to it."""
    nodes = data.get("nodes")
    if not isinstance(nodes, list) or not any(
        isinstance(n, dict) and n.get("type") in SERVICES for n in nodes
    ):
        return data
    copied = copy.deepcopy(data)
    names = {str(n.get("name")) for n in nodes if isinstance(n, dict)}
    connections = copied.setdefault("connections", {})
    added = []
    for node in copied["nodes"]:
        if not isinstance(node, dict) or node.get("type") not in SERVICES:
            continue
        name = str(node.get("name") or node["type"].removeprefix(BASE))
        renamed = _unique(f"{name} (webhook)", names)
        names.add(renamed)
        x, y = [*list(node.get("position") or []), 0, 0][:2]
        added.append(
            {
                "name": name,
                "type": OUTPUT_STEP,
                "typeVersion": 1,
                "position": [x + 120, y + 120],
                "parameters": {
                    "of": node["type"],
                    "version": node.get("typeVersion") or 1,
                    "settings": node.get("parameters") or {},
                },
            }
        )
        node["name"] = renamed
        connections[renamed] = {"main": [[{"node": name, "type": "main", "index": 0}]]}
    copied["nodes"] = [*copied["nodes"], *added]
    return copied


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name} {n}", n + 1
    return candidate


# --- the triggers ----------------------------------------------------------------------------


def _typeform(node: N8nNode, cx: Converter) -> Converted:
    form = node.params.get("formId") or "(the form)"
    config = _hmac_fields("Typeform-Signature", "sha256=")
    notes = [
        f"Typeform calls this workflow's webhook URL once you add it to form {form} (Connect → "
        "Webhooks, with a secret; n8n registered its own through the API).",
        AUTH_NOTE.format(key="the same secret"),
    ]
    return Converted("trigger.webhook", config, notes=notes)


def _shopify(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    topic = p.get("topic") or ""
    if not isinstance(topic, str) or not topic or topic.startswith("="):
        raise Refusal("names no topic (or names it with an expression); choose one in n8n.")
    key = {
        "accessToken": "the app's API secret key",
        "oAuth2": "the app's client secret",
    }.get(str(p.get("authentication") or "apiKey"), "the app's shared secret")
    notes = [
        f"Shopify calls this workflow's webhook URL once you subscribe it to the topic {topic} "
        "(Settings → Notifications → Webhooks, or the Admin API; n8n subscribed through the "
        "API).",
        f"n8n dropped deliveries of other topics; WorkFuse runs for every delivery to this URL "
        f"(its X-Shopify-Topic header is the trigger's headers['X-Shopify-Topic']), so subscribe "
        f"only {topic} to it.",
        AUTH_NOTE.format(key=key),
    ]
    return Converted("trigger.webhook", _hmac_fields("X-Shopify-Hmac-Sha256", ""), notes=notes)


def _whatsapp(node: N8nNode, cx: Converter) -> Converted:
    updates = node.params.get("updates") or []
    fields = ", ".join(map(str, updates)) if isinstance(updates, list) else str(updates)
    config = {"methods": ["POST"], "response": "immediate", "challenge": "meta"}
    config |= {"auth": "none", "hmac_preset": "github"}
    notes = [
        "In your Meta app (WhatsApp → Configuration), set the Callback URL to this workflow's "
        "webhook URL and the Verify token to the URL's last part (after /hooks/); WorkFuse "
        f"answers Meta's check. Subscribe the fields {fields or 'you need'} (n8n subscribed "
        "through the API).",
        AUTH_NOTE.format(key="the Meta app's App secret"),
    ]
    return Converted("trigger.webhook", config, notes=notes)


# --- svcc ---
def _twilio(node: N8nNode, cx: Converter) -> Converted:
    updates = _twilio_updates(node.params)
    config = {"methods": ["POST"], "response": "immediate", "auth": "none"}
    config |= {"hmac_preset": "twilio"}
    sms = "com.twilio.messaging.inbound-message.received" in updates
    notes = [
        "Twilio calls this workflow's webhook URL once you point it there (n8n registered an "
        "Event Streams sink itself): "
        + (
            "for SMS, set your number's Messaging webhook 'A message comes in' (HTTP POST) to "
            "the URL, or "
            if sms
            else ""
        )
        + f"add an Event Streams webhook sink with the URL subscribed to {', '.join(updates)}.",
        "Then set auth to hmac and choose a webhook secret credential holding the account's "
        "Auth Token: Twilio's X-Twilio-Signature is checked against the URL Twilio calls, which "
        "must be the URL this server sees (behind a proxy, keep the Host header and set "
        "BEHIND_TLS_PROXY). Until then anyone with the URL can start the workflow.",
    ]
    return Converted("trigger.webhook", config, notes=notes)


def _twilio_updates(params: dict[str, Any]) -> list[str]:
    updates = params.get("updates") or []
    if not isinstance(updates, list) or not updates or any(u not in TWILIO_EVENTS for u in updates):
        raise Refusal(
            f"listens to the updates {updates!r}; WorkFuse knows "
            f"{', '.join(f'{v} ({k})' for k, v in TWILIO_EVENTS.items())}. Choose them in n8n "
            "and export again."
        )
    return [str(u) for u in updates]


def _twilio_events(updates: list[str]) -> str:
    """n8n's items: the delivery's events of the chosen types (an Event Streams sink posts a
    JSON list), or the one message a number's webhook posts (a form, no event type)."""
    keep = f"e.type is not defined or e.type in {json.dumps(updates)}"
    return _joined(
        "events",
        "{%- set body = trigger.body if trigger.body is sequence and trigger.body is not "
        "string and trigger.body is not mapping else [trigger.body] -%}"
        "{%- for e in body if e is mapping and (" + keep + ") -%}"
        "{{ e | tojson }},{%- endfor -%}",
        "[]",
    )


def _lemlist(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    event = p.get("event") or "*"
    if not isinstance(event, str) or event.startswith("="):
        raise Refusal("names its event with an expression; choose one in n8n.")
    options = p.get("options") or {}
    campaign = options.get("campaignId") or ""
    where = f" of campaign {campaign}" if campaign else ""
    first = (
        " with isFirst true (only the first such activity of a lead)"
        if options.get("isFirst")
        else ""
    )
    notes = [
        "lemlist calls this workflow's webhook URL once you add it (lemlist's API: POST "
        f"/api/hooks with targetUrl this URL, type {event}{where}{first}; n8n added it through "
        "the API itself).",
        "lemlist does not sign its calls: the URL is the only secret, so keep it private. The "
        "lemlist credential n8n used is not needed here.",
    ]
    config = {"methods": ["POST"], "response": "immediate", "auth": "none"}
    return Converted("trigger.webhook", config, notes=notes)


def _netlify(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    event = p.get("event")
    if event not in NETLIFY_EVENTS:
        raise Refusal(
            f"listens to the event {event!r}; WorkFuse knows {', '.join(NETLIFY_EVENTS)}: "
            "choose one of them in n8n and export again."
        )
    site = p.get("siteId") or ""
    if not isinstance(site, str) or not site or site.startswith("="):
        raise Refusal("names no fixed Site ID; choose the site in n8n and export again.")
    form = p.get("formId") or "*"
    which = f", form {form}" if event == "submissionCreated" and form != "*" else ""
    notes = [
        f"Netlify calls this workflow's webhook URL once you add an outgoing webhook to site "
        f"{site} (Netlify's API: POST /api/v1/hooks with type url, event "
        f"{NETLIFY_EVENTS[event]}{which} and this URL; n8n added it through the API itself).",
        "Give the webhook a JWS secret token in Netlify. "
        + AUTH_NOTE.format(key="that token")
        + " n8n's node (version 1) checked no signature.",
    ]
    config = {
        "methods": ["POST"],
        "response": "immediate",
        "auth": "none",
        "hmac_preset": "netlify",
    }
    return Converted("trigger.webhook", config, notes=notes)


# --- end svcc ---
# --- svcb ---
def _woocommerce(node: N8nNode, cx: Converter) -> Converted:
    event = node.params.get("event") or ""
    if event not in WOOCOMMERCE_EVENTS:
        raise Refusal(
            f"listens to the event {event!r}; WorkFuse knows {', '.join(WOOCOMMERCE_EVENTS)}: "
            "choose one of them in n8n and export again."
        )
    config = _hmac_fields("X-WC-Webhook-Signature", "") | {"challenge": "woocommerce"}
    notes = [
        f"WooCommerce calls this workflow's webhook URL once you add a webhook (WooCommerce → "
        f"Settings → Advanced → Webhooks) with the topic {event}, this URL as the Delivery URL, "
        "API version v3 and a Secret (n8n created its own through the REST API). WorkFuse "
        "answers the ping WooCommerce sends when the webhook is saved.",
        f"n8n dropped calls that did not come from a WooCommerce webhook; WorkFuse runs for "
        f"every call to this URL (X-WC-Webhook-Topic is the trigger's "
        f"headers['X-WC-Webhook-Topic']), so point only the {event} webhook at it and sign "
        "the calls.",
        AUTH_NOTE.format(key="the webhook's Secret"),
    ]
    return Converted("trigger.webhook", config, notes=notes)


# --- end svcb ---
# --- svca ---
def _linear(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    resources = p.get("resources") or []
    if not isinstance(resources, list) or not resources:
        raise Refusal("listens to no resources; choose them in n8n and export again.")
    unknown = [r for r in resources if r not in LINEAR_RESOURCES]
    if unknown:
        raise Refusal(
            f"listens to {unknown!r}; WorkFuse knows {', '.join(LINEAR_RESOURCES)}: choose "
            "among them in n8n and export again."
        )
    team = p.get("teamId") or ""
    if not isinstance(team, str) or not team or team.startswith("="):
        raise Refusal("names no team (or names it with an expression); choose one in n8n.")
    types = ", ".join(LINEAR_RESOURCES[r] for r in resources)
    config = _hmac_fields("Linear-Signature", "") | {"signature_encoding": "hex"}
    notes = [
        "Linear calls this workflow's webhook URL once you add a webhook (Settings → API → "
        f"Webhooks, or the webhookCreate mutation) with this URL, team {team} and the data "
        f"change events {types} (n8n created its own through the API).",
        AUTH_NOTE.format(key="the webhook's signing secret (Linear-Signature is checked)"),
    ]
    return Converted("trigger.webhook", config, notes=notes)


def _convertkit(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    event = p.get("event") or ""
    if event not in CONVERTKIT_EVENTS:
        raise Refusal(
            f"listens to the event {event!r}; WorkFuse knows {', '.join(CONVERTKIT_EVENTS)}: "
            "choose one of them in n8n and export again."
        )
    name, setting, field = CONVERTKIT_EVENTS[event]
    about = ""
    if setting:
        value = p.get(setting)
        if value in ("", None) or (isinstance(value, str) and value.startswith("=")):
            raise Refusal(f"names no {setting} for {event} (or names it with an expression).")
        about = f", {field}: {json.dumps(value)}"
    notes = [
        "ConvertKit calls this workflow's webhook URL once you add the hook (ConvertKit's API: "
        f'POST /v3/automations/hooks with target_url this URL and event {{"name": "{name}"'
        f"{about}}}; n8n added it through the API itself).",
        "ConvertKit does not sign its calls: the URL is the only secret, so keep it private. "
        "The ConvertKit credential n8n used is not needed here.",
    ]
    config = {"methods": ["POST"], "response": "immediate", "auth": "none"}
    return Converted("trigger.webhook", config, notes=notes)


# --- end svca ---


def _hmac_fields(header: str, prefix: str) -> dict[str, Any]:
    return {
        "methods": ["POST"],
        "response": "immediate",
        "auth": "none",
        "hmac_preset": "custom",
        "header_name": header,
        "hmac_algorithm": "sha256",
        "signature_prefix": prefix,
        "signature_encoding": "base64",
    }


# --- the output step -------------------------------------------------------------------------

# Templates below write `FORM` for the form response; `_form` puts its path in.
FORM_PATH = "trigger.body.form_response"
# n8n's answer value: the answer's field named by its type; of a choice, its label(s).
_VALUE = (
    "{%- set v = a[a.type] if a[a.type] is defined else none -%}"
    "{%- if v is mapping and v.label is defined %}{% set v = v.label %}"
    "{%- elif v is mapping and v.labels is defined %}{% set v = v.labels %}{% endif -%}"
)
# n8n keys an answer by its field's title (the last field of that id), with Typeform's
# {{field:...}} recall placeholders written [field:...]; a field it cannot find is "undefined".
_KEY = (
    '{%- set t = FORM.definition.fields | selectattr("id", "equalto", a.field.id) '
    '| map(attribute="title") | list -%}'
    '{%- set k = (t[-1] | replace("{" ~ "{", "[") | replace("}" ~ "}", "]")) '
    'if t else "undefined" -%}'
)
# JSON is written pair by pair, each followed by a comma: `_joined` drops the last one.
SIMPLE_ANSWERS = (
    "{%- for a in FORM.answers -%}"
    + _VALUE
    + _KEY
    + "{{ k | tojson }}: {{ v | tojson }},{%- endfor -%}"
)
ANSWERS_BY_FIELD = (
    "{%- for a in FORM.answers -%}{{ a.field.id | tojson }}: {{ a | tojson }},{%- endfor -%}"
)


def _joined(name: str, pairs: str, brackets: str = "{}") -> str:
    """A template writing `pairs` (each followed by a comma) as a JSON object (or list),
    captured in the template variable `name`."""
    return (
        f"{{% set {name} %}}{pairs}{{% endset %}}{brackets[0]} {{{{ {name}[:-1] }}}} {brackets[1]}"
    )


# The body as it came, with form_response.answers simplified.
WHOLE_BODY = _joined(
    "body",
    "{%- for key in trigger.body -%}{{ key | tojson }}: "
    '{%- if key == "form_response" %} '
    + _joined(
        "form",
        "{%- for k2 in FORM -%}{{ k2 | tojson }}: "
        '{%- if k2 == "answers" %} '
        + _joined("answers", SIMPLE_ANSWERS)
        + "{% else %} {{ FORM[k2] | tojson }}{% endif -%},{%- endfor -%}",
    )
    + "{%- else %} {{ trigger.body[key] | tojson }}{% endif -%},{%- endfor -%}",
)


def _form(template: str) -> str:
    return template.replace("FORM", FORM_PATH)


def _typeform_output(settings: dict[str, Any], version: float) -> tuple[str, str]:
    """(template, what it gives) of n8n's simplifyAnswers and onlyAnswers (both default true)."""
    simplify = settings.get("simplifyAnswers", True) is not False
    only = settings.get("onlyAnswers", True) is not False
    if simplify and only:
        return _form(
            _joined("answers", SIMPLE_ANSWERS)
        ), "{question title: answer}, as Simplify Answers gives them"
    if simplify:
        return _form(WHOLE_BODY), "the body, with form_response.answers simplified"
    if only and version >= 1.1:
        return _form(_joined("answers", ANSWERS_BY_FIELD)), "the answers keyed by field id"
    if only:
        return _form("{{ FORM.answers }}"), "the list of answers"
    return "{{ trigger.body }}", "the body as Typeform sent it"


def _whatsapp_events(allowed: list[str] | None) -> str:
    """n8n's items: each change of each entry, {...change.value, field}, keeping the status
    updates n8n's messageStatusUpdates option lets through (None: every one)."""
    keep = ""
    if allowed is not None and not allowed:
        keep = " if c.value.statuses is not defined or c.value.statuses is none"
    elif allowed is not None and "all" not in allowed:
        keep = (
            " if c.value.statuses is not defined or not c.value.statuses or "
            f"(c.value.statuses | selectattr('status', 'in', {json.dumps(allowed)}) | list)"
        )
    return _joined(
        "events",
        "{%- if trigger.body.object is defined and "
        'trigger.body.object == "whatsapp_business_account" -%}'
        '{%- for c in trigger.body.entry | map(attribute="changes") | sum(start=[])'
        + keep
        + " -%}{{ dict(c.value, field=c.field) | tojson }},{%- endfor -%}{%- endif -%}",
        "[]",
    )


def _output_step(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    of, settings = p.get("of"), p.get("settings") or {}
    trigger = f"'{node.name} (webhook)'"
    if of == TYPEFORM:
        template, shape = _typeform_output(settings, float(p.get("version") or 1))
        note = (
            f"What n8n's Typeform Trigger output: {shape}, made from the call {trigger} received."
        )
    elif of == SHOPIFY:
        template = "{{ trigger.body }}"
        note = f"What n8n's Shopify Trigger output: the body of the call {trigger} received."
    elif of == WHATSAPP:
        template = _whatsapp_events(_allowed_statuses(settings))
        note = (
            f"What n8n's WhatsApp Trigger output: one item per change in the delivery {trigger} "
            "received ({...value, field}); the nodes after it run once per item. A delivery "
            "with none (another object, or status updates left out) runs nothing after it, "
            "where n8n started no run."
        )
    # --- svcc ---
    elif of == TWILIO:
        template = _twilio_events(_twilio_updates(settings))
        note = (
            f"What n8n's Twilio Trigger output: one item per event in the delivery {trigger} "
            "received, or the message a number's webhook posts (From, To, Body...); the nodes "
            "after it run once per item."
        )
    elif of == LEMLIST:
        template = "{{ trigger.body }}"
        note = f"What n8n's lemlist Trigger output: the body of the call {trigger} received."
    elif (
        of == NETLIFY
        and settings.get("event") == "submissionCreated"
        and settings.get("simple", True)
    ):
        template = "{{ trigger.body.data }}"
        note = (
            f"What n8n's Netlify Trigger output (simplified): the form's fields, the data of "
            f"the submission {trigger} received."
        )
    elif of == NETLIFY:
        template = "{{ trigger.body }}"
        note = f"What n8n's Netlify Trigger output: the body of the call {trigger} received."
    # --- end svcc ---
    # --- svcb ---
    elif of == WOOCOMMERCE:
        template = "{{ trigger.body }}"
        note = f"What n8n's WooCommerce Trigger output: the body of the call {trigger} received."
    # --- end svcb ---
    # --- svca ---
    elif of in (LINEAR, CONVERTKIT):
        template = "{{ trigger.body }}"
        label = "Linear" if of == LINEAR else "ConvertKit"
        note = f"What n8n's {label} Trigger output: the body of the call {trigger} received."
    # --- end svca ---
    else:
        raise Refusal(f"is not an output step WorkFuse made ({of}).")
    config = {"language": "template", "expression": template}
    return Converted("utility.transform", config, notes=[note])


def _allowed_statuses(settings: dict[str, Any]) -> list[str] | None:
    options = settings.get("options") or {}
    if "messageStatusUpdates" not in options:
        return None
    chosen = options["messageStatusUpdates"]
    if not isinstance(chosen, list) or any(s not in STATUSES for s in chosen):
        raise Refusal(
            f"keeps the message status updates {chosen!r}; WorkFuse knows {', '.join(STATUSES)}."
        )
    return [str(s) for s in chosen]


def _output_spec(node: N8nNode, cx: Converter) -> Spec:
    many = node.params.get("of") in (WHATSAPP, TWILIO)
    return Spec(_output_step, "result", items="result" if many else None)


SPECS: dict[str, Spec] = {
    TYPEFORM: Spec(_typeform, "trigger"),
    SHOPIFY: Spec(_shopify, "trigger"),
    WHATSAPP: Spec(_whatsapp, "trigger"),
    # --- svcc ---
    TWILIO: Spec(_twilio, "trigger"),
    LEMLIST: Spec(_lemlist, "trigger"),
    NETLIFY: Spec(_netlify, "trigger"),
    # --- end svcc ---
    OUTPUT_STEP: Spec(_output_step, "result", per_node=_output_spec),
    # --- svcb ---
    WOOCOMMERCE: Spec(_woocommerce, "trigger"),
    # --- end svcb ---
    # --- svca ---
    LINEAR: Spec(_linear, "trigger"),
    CONVERTKIT: Spec(_convertkit, "trigger"),
    # --- end svca ---
}
