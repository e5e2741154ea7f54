"""logic.form_end: the page a person filling in a form sees once they are done.

A form is filled in page by page while its run goes on (executions/form_pages.py): after the
first page (a webhook trigger with `response: form`) and each further page (a `utility.wait` in
`form` mode), the person's browser follows the run until it waits on the next page, reaches
this node, or ends. This node only records its rendered settings as its output; the form's
follow page reads them and shows the title and message, or redirects to `redirect_url`.
"""

from __future__ import annotations

from typing import Any, Self

from pydantic import Field, model_validator

from editor.nodes.base import NodeConfig, NodeError, NodeType, RunContext
from editor.templating import is_template

SCHEMES = ("http://", "https://")


class Config(NodeConfig):
    title: str = Field(
        "Form submitted",
        max_length=500,
        description="The ending page's heading, e.g. 'Thanks, {{ trigger.body.Name }}'.",
    )
    message: str = Field(
        "",
        max_length=20_000,
        description="The text under the heading (shown as text: HTML tags are not interpreted).",
    )
    redirect_url: str = Field(
        "",
        max_length=2000,
        description="Instead of a page, send the person to this http(s) URL. Empty: show the "
        "title and message.",
    )

    @model_validator(mode="after")
    def _web_address(self) -> Self:
        url = self.redirect_url.strip()
        if url and not is_template(url) and not url.lower().startswith(SCHEMES):
            raise ValueError(f"redirect_url '{url}' is not an http:// or https:// address")
        return self


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """The ending page as filled in; a redirect that is not a web address fails the step."""
    url = config.redirect_url.strip()
    if url and not url.lower().startswith(SCHEMES):
        raise NodeError(f"redirect_url '{url[:200]}' is not an http:// or https:// address")
    return {"title": config.title, "message": config.message, "redirect_url": url}


NODE = NodeType(
    type="logic.form_end",
    label="Form ending page",
    category="logic",
    description="Ends a form being filled in (webhook response 'form', wait pages in 'form' "
    "mode): the person sees this title and message, or is sent to a URL; the run goes on.",
    Config=Config,
    run=run,
    examples=(
        (
            "Thank the person who filled in the form by name.",
            {
                "title": "Thanks, {{ trigger.body.Name }}",
                "message": "We will call you back within a day.",
            },
        ),
        (
            "Send them to the welcome page once the form is done.",
            {"redirect_url": "https://example.com/welcome"},
        ),
    ),
)
