from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import Field, model_validator

from editor.nodes.base import NodeConfig, NodeType, RunContext

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
    challenge: Literal["none", "meta", "woocommerce"] = Field(
        "none",
        description="meta: answer Meta's subscription check (WhatsApp Cloud API, Messenger, "
        "Instagram): a GET with hub.mode=subscribe, hub.verify_token and hub.challenge is "
        "answered 200 with the challenge, and starts no run, when the verify token is the last "
        "part of this webhook's URL (after /hooks/). woocommerce: answer WooCommerce's ping "
        "(a POST of webhook_id=<id> sent when a webhook is saved) with 200, starting no run. "
        "Other calls are handled as usual.",
    )
    # --- end triggers ---
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


NODE = NodeType(
    type="trigger.webhook",
    label="Webhook",
    category="trigger",
    description="Starts the workflow when an HTTP request arrives at the workflow's webhook URL.",
    Config=Config,
    run=run,
    credential_kinds=("webhook_secret",),
)
