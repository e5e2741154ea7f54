"""app.linkedin: a post shared on LinkedIn as a member or an organization (a page), text alone,
with an article link or with an image (a file from an earlier step, uploaded first)."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import ConfigDict, Field

from integrations.linkedin import posts_api
from integrations.linkedin.credentials import LinkedInToken
from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for
from workfuse.lib import files
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

# LinkedIn reads commentary as "little text": these characters are markup unless escaped (an
# unescaped "(" cuts the post short). The same set n8n escapes; "#" stays a hashtag.
LITTLE_TEXT = re.compile(r"[()*\[\]{}<>@|~_]")
URN = re.compile(r"^urn:li:(person|organization):[^:]+$")


def commentary(text: str) -> str:
    return LITTLE_TEXT.sub(lambda found: "\\" + found[0], text)


class Config(OperationConfig):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    credential: int | None = Field(
        None, ge=1, description="Your LinkedIn access token credential. Needed to run."
    )
    operation: Literal["create_post"] = Field(
        "create_post", description="create_post: share a post in the feed."
    )
    post_as: Literal["person", "organization"] = Field(
        "person",
        description="person: the member whose token it is (or another member id you may post "
        "for). organization: a page the member administers.",
        json_schema_extra=used_by("create_post"),
    )
    author_id: str = Field(
        "",
        description="The member's person id (the `sub` that Test connection shows) or the "
        "page's organization id (the number in its admin URL); a full urn:li:… works too.",
        json_schema_extra=used_by("create_post", required=True),
    )
    text: str = Field(
        "",
        description="The post's text; LinkedIn's markup characters are escaped, so it shows "
        "as written.",
        json_schema_extra=used_by("create_post", required=True),
    )
    visibility: Literal["PUBLIC", "CONNECTIONS"] = Field(
        "PUBLIC",
        description="Who sees a member's post: PUBLIC or CONNECTIONS (a page's is public).",
        json_schema_extra=used_by("create_post"),
    )
    article_url: str = Field(
        "",
        description="A link to share with the post as an article card.",
        json_schema_extra=used_by("create_post"),
    )
    article_title: str = Field(
        "", description="The article card's title.", json_schema_extra=used_by("create_post")
    )
    article_description: str = Field(
        "",
        description="The article card's description.",
        json_schema_extra=used_by("create_post"),
    )
    image: Any = Field(
        None,
        description="An image to post with the text: a file from an earlier step, e.g. "
        "'{{ nodes.download.file }}' (JPG, PNG or GIF; uploaded to LinkedIn first). Not with "
        "an article link.",
        json_schema_extra=used_by("create_post"),
    )
    image_title: str = Field(
        "", description="The image's title.", json_schema_extra=used_by("create_post")
    )
    image_alt_text: str = Field(
        "",
        description="The image's alternative text, read out to those who cannot see it.",
        json_schema_extra=used_by("create_post"),
    )


def _author(config: Config) -> str:
    value = config.author_id.strip()
    if value.startswith("urn:"):
        if not URN.match(value):
            raise NodeError(
                f"The author ID field holds “{value}”, which is not a urn:li:person:… or "
                "urn:li:organization:… URN."
            )
        return value
    return f"urn:li:{config.post_as}:{value}"


def post_body(config: Config, author: str, image_urn: str = "") -> dict[str, Any]:
    """The Posts API's body for the config (rendered); `image_urn`: the image uploaded."""
    public = author.startswith("urn:li:organization:") or config.visibility == "PUBLIC"
    body: dict[str, Any] = {
        "author": author,
        "commentary": commentary(config.text),
        "visibility": "PUBLIC" if public else "CONNECTIONS",
        "distribution": {
            "feedDistribution": "MAIN_FEED",
            "targetEntities": [],
            "thirdPartyDistributionChannels": [],
        },
        "lifecycleState": "PUBLISHED",
        "isReshareDisabledByAuthor": False,
    }
    if config.article_url.strip():
        article = {"source": config.article_url.strip()}
        if config.article_title:
            article["title"] = config.article_title
        if config.article_description:
            article["description"] = config.article_description
        body["content"] = {"article": article}
    elif config.article_title or config.article_description:
        raise NodeError("The article URL field is empty: an article card needs the link.")
    if image_urn:
        media = {"id": image_urn}
        if config.image_title:
            media["title"] = config.image_title
        if config.image_alt_text:
            media["altText"] = config.image_alt_text
        body["content"] = {"media": media}
    return body


def run(config: Config, ctx: RunContext) -> Any:
    """{urn}: the new post's URN (urn:li:share:… or urn:li:ugcPost:…), as n8n outputs it."""
    secret, _ = credential_for(ctx, config.operation, LinkedInToken)
    if not config.text.strip():
        raise NodeError("The text field rendered empty: LinkedIn refuses a post without text.")
    author = _author(config)
    image_urn = ""
    if config.image not in (None, ""):
        if config.article_url.strip():
            raise NodeError(
                "The image field and the article URL field are both set: a post "
                "carries one or the other."
            )
        try:
            image = files.read(config.image, "The image field")
        except files.FileError as error:
            raise NodeError(str(error)) from None
        image_urn = posts_api.upload_image(secret, author, image)
    return posts_api.create_post(secret, post_body(config, author, image_urn))


NODE = NodeType(
    type="app.linkedin",
    label="LinkedIn",
    category="app",
    description="Shares a post on LinkedIn as a member or a page, with an optional article "
    "link; outputs the post's URN.",
    Config=Config,
    run=run,
    credential_kinds=(LinkedInToken.kind,),
    icon="in",
    examples=(
        (
            "Post the AI's draft to my LinkedIn (person id afi4Hy9wlI) with credential 5, "
            "linking the blog post",
            {
                "credential": 5,
                "operation": "create_post",
                "post_as": "person",
                "author_id": "afi4Hy9wlI",
                "text": "{{ nodes.draft.response }}",
                "article_url": "{{ trigger.body.url }}",
            },
        ),
    ),
)
