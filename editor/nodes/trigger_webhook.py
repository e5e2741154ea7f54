from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import Field, field_validator, model_validator

from editor import templating
from editor.nodes.base import NodeConfig, NodeError, NodeType, RunContext
from editor.nodes.rules import Rule, RuleSet, evaluate, places

Method = Literal["GET", "POST", "PUT", "PATCH", "DELETE"]


class Config(NodeConfig):
    methods: list[Method] = Field(
        default_factory=lambda: ["POST"],  # type: ignore[arg-type]
        min_length=1,
        description="HTTP methods the webhook URL accepts.",
    )
    auth: Literal["none", "header", "hmac"] = Field(
        "none",
        description="How callers prove who they are: nothing, a secret header value, or an HMAC signature "
        "of the body.",
    )
    hmac_preset: Literal["github", "stripe", "slack", "standard", "twilio", "netlify", "custom"] = (
        Field(
            "github",
            description="Signature scheme for auth=hmac: GitHub (X-Hub-Signature-256), Stripe (Stripe-Signature), "
            "Slack (X-Slack-Signature), Standard Webhooks (webhook-signature), Twilio "
            "(X-Twilio-Signature; the secret is the account's Auth Token), Netlify (X-Webhook-Signature, "
            "a JWT; the secret is the webhook's JWS secret token) or custom.",
        )
    )
    header_name: str = Field(
        "",
        max_length=100,
        description="For auth=header: the header holding the secret. For a custom HMAC: the signature header.",
    )
    hmac_algorithm: Literal["sha256", "sha1", "sha512"] = Field(
        "sha256", description="Hash for a custom HMAC signature."
    )
    signature_prefix: str = Field(
        "",
        max_length=40,
        description="For a custom HMAC: text before the signature, e.g. 'sha256='.",
    )
    signature_encoding: Literal["hex", "base64"] = Field(
        "hex", description="For a custom HMAC: how it is encoded."
    )
    credential: int | None = Field(
        None, description="The webhook secret credential used by header or HMAC auth."
    )
    response: Literal["immediate", "last_node", "respond_node", "form"] = Field(
        "immediate",
        description="immediate: answer 202 with the execution id at once; last_node: wait for the run "
        "and answer with the last node's output; respond_node: the first 'Respond to webhook' node "
        "the run reaches answers (204 if none does), and the run goes on; form: the call is a "
        "form's first page, and the browser is sent (303) to follow the run to its next form "
        "page ('Wait' in form mode) or ending page ('Form ending page').",
    )

    # --- triggers ---
    challenge: Literal["none", "meta", "woocommerce", "slack"] = Field(
        "none",
        description="meta: answer Meta's subscription check (WhatsApp Cloud API, Messenger, "
        "Instagram): a GET with hub.mode=subscribe, hub.verify_token and hub.challenge is "
        "answered 200 with the challenge, and starts no run, when the verify token is the last "
        "part of this webhook's URL (after /hooks/). woocommerce: answer WooCommerce's ping "
        "(a POST of webhook_id=<id> sent when a webhook is saved) with 200, starting no run. "
        "slack: answer the Slack Events API's URL check (a POST of JSON with type "
        'url_verification) with 200 {"challenge": <its challenge>}, starting no run; with '
        "auth set, the check must carry a valid signature like any call. "
        "Other calls are handled as usual.",
    )
    # --- end triggers ---
    # --- slack ---
    start_when: RuleSet | None = Field(
        None,
        description="Start a run only when these rules hold (the same rules as an If node), "
        "read on the call as the run would receive it: '{{ trigger.body.event.type }}'. A call "
        'they do not hold for is answered 200 {"started": false} and starts nothing. A '
        "field the call lacks reads as null (exists tells whether it is there). Empty: every "
        "call starts a run.",
    )
    # --- end slack ---
    # --- files ---
    raw_body: bool = Field(
        False,
        description="Keep the request's body, byte for byte, as the file trigger.files['data'] "
        "(named 'body', typed by the request's Content-Type), e.g. to check its signature with a "
        "Crypto step. A multipart/form-data call's files are kept by field name instead.",
    )
    body_file: str = Field(
        "",
        max_length=100,
        description="When set, keep the whole body, whatever its type (a multipart body too, "
        "unparsed), as the file trigger.files[<this name>] and leave body empty ({}): n8n's "
        "Webhook with Binary Data. The file is named by the Content-Disposition header's "
        "filename, else 'body', and typed by the Content-Type, else application/octet-stream; "
        "an empty body keeps no file.",
    )
    # --- end files ---

    # --- slack ---
    @field_validator("start_when", mode="before")
    @classmethod
    def _no_rules_no_filter(cls, value: Any) -> Any:
        """A group left without rules (the settings form's empty list) filters nothing."""
        if isinstance(value, dict) and not value.get("rules"):
            return None
        return value

    @field_validator("start_when")
    @classmethod
    def _reads_the_call_only(cls, value: RuleSet | None) -> RuleSet | None:
        """The rules are read before any run exists, in the thread answering the call:
        `trigger` is all there is, and n8n() (JavaScript in the code sandbox, for up to
        seconds) is not run there. (A template that does not parse is named by the graph's
        template check.)"""
        allowed = {"trigger", *templating.ENV.globals} - {"n8n"}
        for field, text in templating.template_strings(value.model_dump() if value else None):
            try:
                paths = templating.referenced_paths(templating.parse(text))
            except templating.TemplateError:
                continue
            others = sorted({str(p[0]) for p in paths if p[0] not in allowed})
            if others:
                raise ValueError(
                    f"{field} reads {', '.join(others)}; these rules are read on the call "
                    "before any run starts, so they can read only trigger (the call)"
                )
        return value

    # --- end slack ---
    @model_validator(mode="after")
    def _auth_needs_secret(self) -> Self:
        if self.auth != "none" and self.credential is None:
            raise ValueError(f"auth '{self.auth}' needs a webhook secret credential")
        if self.auth == "header" and not self.header_name:
            raise ValueError("auth 'header' needs header_name, the header that carries the secret")
        if self.auth == "hmac" and self.hmac_preset == "custom" and not self.header_name:
            raise ValueError(
                "a custom HMAC needs header_name, the header that carries the signature"
            )
        return self


def run(config: Config, ctx: RunContext) -> Any:
    """The output is the request as received: {method, headers, query, body}."""
    return ctx.input


# --- slack ---
def meets_start_when(config: Config, trigger: dict[str, Any]) -> bool:
    """Whether a call, as the run would receive it (`trigger`), meets `start_when`. Raises
    NodeError naming the rule when a template fails other than by reading a missing field,
    or when the rules take more than their CPU budget."""
    if config.start_when is None:
        return True
    where_is = dict(places(config.start_when.rules, "start_when.rules"))
    context = {"trigger": trigger}

    def operands(rule: Rule) -> tuple[Any, Any]:
        where = where_is[id(rule)]
        left = _read(rule.left, context, f"{where}.left")
        return left, _read(rule.right, context, f"{where}.right")

    try:
        with templating.budget():
            return evaluate(config.start_when, operands)
    except templating.TemplateError as exc:
        raise NodeError(exc.message) from exc


def _read(value: Any, context: dict[str, Any], where: str) -> Any:
    try:
        return templating.render_value(value, context, where)
    except templating.TemplateError as exc:
        if exc.variable is not None:  # a field this call lacks: null, as `exists` expects
            return None
        raise


# --- end slack ---


NODE = NodeType(
    type="trigger.webhook",
    label="Webhook",
    category="trigger",
    description="Starts the workflow when an HTTP request arrives at the workflow's webhook URL.",
    Config=Config,
    run=run,
    credential_kinds=("webhook_secret",),
)
