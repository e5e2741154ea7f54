from __future__ import annotations

import json
from typing import Any, Literal

import jmespath
from jmespath.exceptions import JMESPathError
from pydantic import Field, field_validator, model_validator

from editor.nodes.base import NodeConfig, NodeError, NodeType, RunContext
from editor.templating import is_template


class Config(NodeConfig):
    language: Literal["jmespath", "template"] = Field(
        "jmespath",
        description="'jmespath': a JMESPath query over the input, e.g. 'orders[?total > `100`].id'. "
        "'template': a template whose result (JSON text or a single {{ expression }}) is the output.",
    )
    expression: Any = Field(..., description="The JMESPath query, or the template producing JSON.")
    input: Any = Field(
        None,
        description="The data to transform, usually a template such as '{{ nodes.fetch.body }}'. "
        "Empty: the output of the node before this one.",
    )

    @field_validator("expression")
    @classmethod
    def _not_empty(cls, value: Any) -> Any:
        if value is None or value == "":
            raise ValueError("an expression is required")
        return value

    @model_validator(mode="after")
    def _query_parses(self) -> Config:
        if (
            self.language == "jmespath"
            and isinstance(self.expression, str)
            and not is_template(self.expression)
        ):
            try:
                jmespath.compile(self.expression)
            except JMESPathError as exc:
                raise ValueError(f"not a valid JMESPath query: {exc}") from exc
        return self


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    data = ctx.input if config.input is None else config.input
    if config.language == "template":
        # The engine has rendered the template already. Text that looks like a JSON object or
        # list must be one; other text is the result as it is.
        result = config.expression
        if isinstance(result, str) and result.lstrip()[:1] in ("{", "["):
            try:
                result = json.loads(result)
            except json.JSONDecodeError as exc:
                raise NodeError(
                    f"The template's result is not JSON: {exc.msg} at position {exc.pos}"
                ) from exc
        return {"result": result}
    if not isinstance(config.expression, str):
        raise NodeError("A JMESPath expression must be text")
    try:
        return {"result": jmespath.search(config.expression, data)}
    except JMESPathError as exc:
        raise NodeError(f"JMESPath error in '{config.expression}': {exc}") from exc


NODE = NodeType(
    contained=True,
    type="utility.transform",
    label="Transform",
    category="utility",
    description="Reshapes data with a JMESPath query or a template.",
    Config=Config,
    run=run,
)
