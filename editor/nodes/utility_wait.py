"""`utility.wait`: waits — for days if need be — for a call to its resume URL, a person's
answer on its approval form, or a further page of a form being filled in, or until its timeout.

The engine runs it without holding a worker (executions/engine/waiting.py): the step waits
with a `wake_at` only for its timeout, and whoever calls its URL records what it needs and
wakes it. This module holds what is the node's own: its settings, and reading an answer posted
to its approval form (`read_answer`), which the form page and the engine both use.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any, Literal, Self

from pydantic import Field, field_validator, model_validator

from editor.nodes.base import NodeConfig, NodeType
from workfuse.lib import files

FieldType = Literal["string", "text", "number", "boolean", "file"]
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
MAX_TEXT = 10_000  # characters of one answered field
TRUE = {"true", "on", "yes", "1"}
FALSE = {"false", "off", "no", "0", ""}


class FormField(NodeConfig):
    name: str = Field(
        ...,
        description="The field's name: its key in the output's 'fields', e.g. 'comment'.",
    )
    type: FieldType = Field(
        "string",
        description="string: one line of text; text: several lines; number; boolean: a "
        "checkbox; file: an uploaded file (a file value: filename, content_type, size, content).",
    )
    required: bool = Field(False, description="The form cannot be sent without it.")

    @field_validator("name")
    @classmethod
    def _a_name(cls, value: str) -> str:
        if not NAME.match(value):
            raise ValueError(
                f"'{value}' is not a field name: use letters, digits and _ (not first a digit)"
            )
        return value


class Config(NodeConfig):
    mode: Literal["webhook", "approval", "form"] = Field(
        "webhook",
        description="webhook: any call to the resume URL continues the run with that call; "
        "approval: the URL opens a form where a person approves or rejects; form: the next page "
        "of a form (its fields and a Submit button), shown to whoever filled in the page before "
        "(a webhook trigger with response 'form', or an earlier form page).",
    )
    timeout_seconds: float | None = Field(
        None,
        gt=0,
        description="Give up after this many seconds and leave by the 'timeout' output. Empty: "
        "wait as long as it takes.",
    )
    title: str = Field(
        "",
        description="Approval and form: the form's heading, e.g. "
        "'Refund order {{ trigger.body.id }}?'",
    )
    description: str = Field(
        "",
        description="Approval and form: what the person is asked, shown under the title.",
    )
    fields: list[FormField] = Field(
        default_factory=list,
        description="Approval and form: the fields the person fills in (on an approval form, "
        "besides approve or reject).",
    )

    @field_validator("timeout_seconds")
    @classmethod
    def _finite(cls, value: float | None) -> float | None:
        if value is not None and not math.isfinite(value):
            raise ValueError("must be a number of seconds")
        return value

    @model_validator(mode="after")
    def _form_fits_mode(self) -> Self:
        if self.fields and self.mode == "webhook":
            raise ValueError(
                "fields are a form's; set mode to 'approval' or 'form', or remove them"
            )
        names = [f.name for f in self.fields]
        for i, name in enumerate(names):
            if name in names[:i]:
                raise ValueError(f"fields: '{name}' appears twice; each field needs its own name")
        return self


def read_answer(config: Config, posted: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The field values of an approval form (or form page), converted to their types, and what
    is wrong with them by field name (empty when the answer can be recorded). `posted` maps
    field names to what was sent: text (and file values) from the form page, or JSON values
    from an API caller."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in config.fields:
        raw = posted.get(field.name)
        try:
            value = _convert(raw, field.type)
        except ValueError as exc:
            errors[field.name] = str(exc)
            continue
        if field.required and value in (None, "", False):
            errors[field.name] = (
                "Tick this box to go on." if field.type == "boolean" else "This field is required."
            )
            continue
        values[field.name] = value
    return values, errors


def _convert(raw: Any, kind: str) -> Any:
    if kind == "file":
        if raw is None or raw == "":
            return None
        try:
            return files.read(raw, "The file").value()
        except files.FileError as exc:
            raise ValueError(str(exc)) from None
    if kind == "boolean":
        if isinstance(raw, bool) or raw is None:
            return bool(raw)
        if str(raw).strip().lower() in TRUE:
            return True
        if str(raw).strip().lower() in FALSE:
            return False
        raise ValueError(f"'{raw}' is not yes or no.")
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if kind == "number":
        if isinstance(raw, bool):
            raise ValueError("Enter a number.")
        try:
            number = float(raw)
        except (TypeError, ValueError):
            raise ValueError(f"'{raw}' is not a number.") from None
        if not math.isfinite(number):
            raise ValueError(f"'{raw}' is not a number.")
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    if not isinstance(raw, str):
        raise ValueError("Enter text.")
    if len(raw) > MAX_TEXT:
        raise ValueError(f"Keep it under {MAX_TEXT:,} characters.")
    return raw if kind == "text" else raw.strip()


NODE = NodeType(
    type="utility.wait",
    label="Wait for call or approval",
    category="utility",
    description="Waits — for days if need be — until its resume URL is called, a person "
    "approves or rejects on its form, or fills in the next page of a form, without holding a "
    "worker; 'timeout' if nobody answers in time. Send the link with "
    "{{ execution.resume_url }} from a node before it.",
    Config=Config,
    handles=("main", "timeout"),
)
