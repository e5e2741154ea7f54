"""app.sendgrid: send an email through SendGrid, written out or from a dynamic template."""

from __future__ import annotations

from typing import Any, Literal, Self
from urllib.parse import quote

from pydantic import Field, field_validator, model_validator

from integrations.addresses import address, address_list, parts
from integrations.operations import OperationConfig, field_errors, json_object, used_by
from integrations.sendgrid import mail_api
from integrations.sendgrid.credentials import ApiKey
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType

MAX_RECIPIENTS = 1000  # SendGrid's limit for one personalization's to, cc and bcc together
# --- svcb ---
CONTACTS = ("upsert_contact", "get_contact", "delete_contact")
# --- end svcb ---


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your SendGrid API key credential. Needed to run."
    )
    operation: Literal["send", "upsert_contact", "get_contact", "delete_contact"] = Field(
        "send",
        description="send: send one email to the recipients, written here (subject and "
        "text/html) or from a dynamic template (template_id and its data). upsert_contact: "
        "add a Marketing contact by email, or update it. get_contact: one contact by id or "
        "email. delete_contact: one contact by id.",
    )
    from_email: str = Field(
        "",
        description="The sender's address, a verified sender or on an authenticated domain in "
        "SendGrid, e.g. orders@example.com.",
        json_schema_extra=used_by("send", required=True),
        examples=["orders@example.com"],
    )
    from_name: str = Field(
        "",
        description="Optional: the sender's name shown to recipients, e.g. Acme Orders.",
        json_schema_extra=used_by("send"),
    )
    to: list[str] = Field(
        default_factory=list,
        description="Recipients: a list of addresses, or addresses separated by commas "
        "('Ada <ada@example.com>, bob@example.com'); may use templates, e.g. "
        "'{{ trigger.body.email }}'. They all see each other.",
        json_schema_extra=used_by("send", required=True),
        examples=[["ada@example.com"]],
    )
    subject: str = Field(
        "",
        description="The subject; may use templates. Needed unless the template sets one.",
        json_schema_extra=used_by("send"),
    )
    text: str = Field(
        "",
        description="The plain-text body; may use templates. Give text, html or a template_id.",
        json_schema_extra=used_by("send"),
    )
    html: str = Field(
        "",
        description="The HTML body; may use templates. Give text, html or a template_id.",
        json_schema_extra=used_by("send"),
    )
    template_id: str = Field(
        "",
        description="Optional: a dynamic template's id (d-…) from SendGrid's Email API → "
        "Dynamic Templates; it replaces text and html.",
        json_schema_extra=used_by("send"),
    )
    dynamic_template_data: Any = Field(
        None,
        description='With template_id: the template\'s data as a JSON object, e.g. {"name": '
        '"{{ trigger.body.name }}", "order": "{{ trigger.body.id }}"}.',
        json_schema_extra=used_by("send"),
    )

    # --- svcb: Marketing contacts ---
    email: str = Field(
        "",
        description="upsert_contact: the contact's email (it finds the contact to update). "
        "get_contact: find the contact by this email (or give contact_id).",
        json_schema_extra=used_by(*CONTACTS[:2], required=["upsert_contact"]),
    )
    first_name: str = Field(
        "", description="The contact's first name.", json_schema_extra=used_by("upsert_contact")
    )
    last_name: str = Field(
        "", description="The contact's last name.", json_schema_extra=used_by("upsert_contact")
    )
    list_ids: list[str] = Field(
        default_factory=list,
        description="upsert_contact: the ids of the Marketing lists to add the contact to.",
        json_schema_extra=used_by("upsert_contact"),
    )
    contact_id: str = Field(
        "",
        description="get_contact (or give email) / delete_contact: the contact's id.",
        json_schema_extra=used_by("get_contact", "delete_contact", required=["delete_contact"]),
    )
    # --- end svcb ---

    @field_validator("from_email", mode="before")
    @classmethod
    def _sender(cls, value: Any) -> Any:
        return address(value)

    @field_validator("to", mode="before")
    @classmethod
    def _recipients(cls, value: Any) -> Any:
        recipients = address_list(value)
        if len(recipients) > MAX_RECIPIENTS:
            raise ValueError(f"may hold at most {MAX_RECIPIENTS} addresses")
        return recipients

    @field_validator("dynamic_template_data", mode="before")
    @classmethod
    def _data(cls, value: Any) -> Any:
        return json_object(value, "template data")

    @model_validator(mode="after")
    def _content(self) -> Self:
        # --- svcb ---
        if self.operation == "get_contact" and not (self.email or self.contact_id):
            raise field_errors(self, {"contact_id": "Give the contact's id or its email."})
        if self.operation != "send":
            return self
        # --- end svcb ---
        if self.template_id:
            return self
        problems = {}
        if not self.subject:
            problems["subject"] = "Needed unless a template_id gives the email."
        if not self.text and not self.html:
            problems["text"] = "Give text, html or a template_id."
        if self.dynamic_template_data:
            problems["dynamic_template_data"] = "Only used with a template_id."
        if problems:
            raise field_errors(self, problems)
        return self


def _person(entry: str) -> dict[str, str]:
    name, email = parts(entry)
    return {"email": email, "name": name} if name else {"email": email}


def message(config: Config) -> dict[str, Any]:
    """The v3 mail/send body."""
    personalization: dict[str, Any] = {"to": [_person(e) for e in config.to]}
    sender = {"email": config.from_email}
    if config.from_name:
        sender["name"] = config.from_name
    body: dict[str, Any] = {"personalizations": [personalization], "from": sender}
    if config.subject:
        body["subject"] = config.subject
    if config.template_id:
        body["template_id"] = config.template_id
        if config.dynamic_template_data:
            personalization["dynamic_template_data"] = config.dynamic_template_data
        return body
    # SendGrid wants text/plain before text/html.
    content = [("text/plain", config.text), ("text/html", config.html)]
    body["content"] = [{"type": kind, "value": value} for kind, value in content if value]
    return body


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """{accepted, message_id, to}: SendGrid accepted the email for delivery (HTTP 202).
    Contacts: {job_id} for upsert_contact and delete_contact (SendGrid applies them in the
    background), the contact for get_contact."""
    secret, _ = credential_for(ctx, config.operation, ApiKey)
    # --- svcb ---
    if config.operation in CONTACTS:
        return _contact(secret, config)
    # --- end svcb ---
    message_id = mail_api.send_mail(secret, message(config))
    return {"accepted": True, "message_id": message_id, "to": [parts(e)[1] for e in config.to]}


# --- svcb ---
def _contact(secret: Secret, config: Config) -> dict[str, Any]:
    op = config.operation
    if op == "upsert_contact":
        contact = {"email": config.email.strip()}
        names = {"first_name": config.first_name, "last_name": config.last_name}
        contact |= {k: v for k, v in names.items() if v}
        payload: dict[str, Any] = {"contacts": [contact]}
        if config.list_ids:
            payload["list_ids"] = config.list_ids
        reply = mail_api.call(secret, "PUT", "/v3/marketing/contacts", what=op, payload=payload)
        return _job(reply.body)
    if op == "delete_contact":
        path = f"/v3/marketing/contacts?ids={quote(config.contact_id.strip(), safe='')}"
        return _job(mail_api.call(secret, "DELETE", path, what=op).body)
    if config.contact_id.strip():
        path = f"/v3/marketing/contacts/{quote(config.contact_id.strip(), safe='')}"
        found = mail_api.call(secret, "GET", path, what=op).body
        return found if isinstance(found, dict) else {}
    email = config.email.strip()
    payload = {"emails": [email]}
    path = "/v3/marketing/contacts/search/emails"
    answer = mail_api.call(secret, "POST", path, what=op, payload=payload).body
    result = (answer.get("result") or {}) if isinstance(answer, dict) else {}
    entry = next(iter(result.values()), None) if isinstance(result, dict) else None
    known = entry.get("contact") if isinstance(entry, dict) else None
    if not isinstance(known, dict):
        raise NodeError(f"SendGrid has no contact with the email {email}.")
    return known


def _job(body: Any) -> dict[str, Any]:
    return {"job_id": body.get("job_id") if isinstance(body, dict) else None}


# --- end svcb ---


NODE = NodeType(
    type="app.sendgrid",
    label="SendGrid",
    category="app",
    description="Sends an email through SendGrid, written out or from a dynamic template; "
    "outputs the message id SendGrid gave.",
    Config=Config,
    run=run,
    credential_kinds=(ApiKey.kind,),
    icon="✉",
    examples=(
        (
            "Email the customer from the webhook body 'Thanks for order <id>' from "
            "orders@acme.test, with SendGrid credential 6",
            {
                "credential": 6,
                "operation": "send",
                "from_email": "orders@acme.test",
                "to": ["{{ trigger.body.email }}"],
                "subject": "Thanks for order {{ trigger.body.id }}",
                "text": "We received your order {{ trigger.body.id }}.",
            },
        ),
        (
            "Send the welcome dynamic template d-1234567890abcdef to the new user, with their "
            "first name as name",
            {
                "operation": "send",
                "from_email": "hello@acme.test",
                "to": ["{{ trigger.body.email }}"],
                "template_id": "d-1234567890abcdef",
                "dynamic_template_data": {"name": "{{ trigger.body.first_name }}"},
            },
        ),
        # --- svcb ---
        (
            "Add ada@example.com, Ada Lovelace, to the SendGrid Marketing contacts",
            {
                "operation": "upsert_contact",
                "email": "ada@example.com",
                "first_name": "Ada",
                "last_name": "Lovelace",
            },
        ),
        (
            "Find the SendGrid contact with the email ada@example.com",
            {"operation": "get_contact", "email": "ada@example.com"},
        ),
        (
            "Delete SendGrid contact 5b2b5e3c-6ee1-4c8f-8e1b-1e2c1a2b3c4d",
            {"operation": "delete_contact", "contact_id": "5b2b5e3c-6ee1-4c8f-8e1b-1e2c1a2b3c4d"},
        ),
        # --- end svcb ---
    ),
)
