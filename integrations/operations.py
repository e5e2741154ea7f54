"""The settings of an `app.<service>` node: one flat Config whose `operation` chooses the action
and whose other fields each belong to some operations.

A field says which operations use it, and which of those need it, with
`Field(..., json_schema_extra=used_by("post_message", "update_message", required=True))`. The
JSON Schema carries both (`operations`, `required_for`): the settings form shows only the chosen
operation's fields (editor/node_form.py) and Magic Input reads which fields go together.
`OperationConfig` refuses a config that leaves a needed field empty, on that field.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, Self

from pydantic import BaseModel, Field, ValidationError, model_validator
from pydantic.fields import FieldInfo
from pydantic_core import InitErrorDetails, PydanticCustomError

from workfuse.lib.node_run import NodeError
from workfuse.lib.node_types import NodeConfig


def used_by(*operations: str, required: bool | Iterable[str] = False) -> dict[str, Any]:
    """`json_schema_extra` for a field the given operations use; `required`: all of them need
    it (True) or these ones do."""
    needed = list(operations) if required is True else list(required or ())
    extra: dict[str, Any] = {"operations": list(operations)}
    if needed:
        extra["required_for"] = needed
    return extra


def extra_of(info: FieldInfo) -> dict[str, Any]:
    extra = info.json_schema_extra
    return extra if isinstance(extra, dict) else {}


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | list | dict) and not value)


def field_errors(model: BaseModel, messages: dict[str, str]) -> ValidationError:
    """For a model validator: errors placed on fields (the settings form shows each on its
    field), where a ValueError would sit on the whole config."""
    return ValidationError.from_exception_data(
        type(model).__name__,
        [
            InitErrorDetails(
                type=PydanticCustomError("field_needed", "{message}", {"message": message}),
                loc=(name,),
                input=None,
            )
            for name, message in messages.items()
        ],
    )


class OperationConfig(NodeConfig):
    """Base of an app node's Config. Subclasses narrow `operation` to a Literal of theirs and
    describe `credential` (optional here so a workflow can be saved before its credential
    exists; the node refuses to run without one)."""

    credential: int | None = Field(None, ge=1)
    operation: str

    @model_validator(mode="after")
    def _needed_fields(self) -> Self:
        check_needed_fields(self, self.operation)
        return self


def check_needed_fields(config: BaseModel, operation: str) -> None:
    """Refuse, on each field, a config leaving empty a field `operation` needs (`used_by`'s
    `required`). For a node with operations but no credential (app.workfuse), whose Config
    cannot be an OperationConfig, from its own model validator."""
    missing = [
        name
        for name, info in type(config).model_fields.items()
        if operation in extra_of(info).get("required_for", ()) and is_empty(getattr(config, name))
    ]
    if missing:
        message = f"Needed for the {operation} operation."
        raise field_errors(config, {name: message for name in missing})


def json_list(value: Any, what: str) -> Any:
    """A field holding a JSON list of objects (Slack blocks, Discord embeds): a list, JSON text
    of one, or a template that renders to one (checked again once rendered). Empty: None."""
    settled, value = _json_text(value, f"a JSON list of {what}")
    if not settled and not (isinstance(value, list) and all(isinstance(i, dict) for i in value)):
        raise ValueError(f"must be a JSON list of {what} (objects)")
    return value


def json_object(value: Any, what: str) -> Any:
    """A field holding a JSON object (SendGrid's dynamic template data): an object, JSON text
    of one, or a template that renders to one (checked again once rendered). Empty: None."""
    settled, value = _json_text(value, f"a JSON object of {what}")
    if not settled and not isinstance(value, dict):
        raise ValueError(f"must be a JSON object of {what}")
    return value


def rendered_object(value: Any, name: str) -> dict[str, Any]:
    """A `json_object` field once its templates are rendered: {} when empty; anything but an
    object fails the step, naming the field."""
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise NodeError(f"{name} must render to a JSON object.")
    return value


def _json_text(value: Any, expected: str) -> tuple[bool, Any]:
    """(True, the value) when there is nothing to check yet (empty: None; a template: kept as
    it is), else (False, the value with JSON text parsed; ValueError when it is not JSON)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return True, None
    if isinstance(value, str):
        if "{{" in value or "{%" in value:
            return True, value
        try:
            return False, json.loads(value)
        except ValueError:
            raise ValueError(f"must be {expected}") from None
    return False, value
