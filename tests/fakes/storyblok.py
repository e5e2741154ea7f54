"""A fake Storyblok Management API v1: the token as the whole `Authorization` header, spaces
(GET `/v1/spaces/`), stories (GET `/v1/spaces/<s>/stories` with `starts_with`, `page`,
`per_page`; GET and DELETE `/v1/spaces/<s>/stories/<id>`; GET `…/<id>/publish` and
`…/<id>/unpublish`), answers wrapped as `{"story"}` / `{"stories"}`, and Storyblok's errors
(a JSON list of messages, or `{"error"}`)."""

from __future__ import annotations

import re
from typing import Any

from tests.fakes import Answer, FakeService, Received

TOKEN = "sb-pat-0123456789abcdef-fake"
SPACE = "96940"
STORY = re.compile(
    r"^/v1/spaces/(?P<space>\d+)/stories(?:/(?P<id>\d+)(?:/(?P<action>publish|unpublish))?)?$"
)


class FakeStoryblok(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.stories: dict[str, dict[str, Any]] = {}

    def add(self, full_slug: str, published: bool = False) -> dict[str, Any]:
        story_id = str(100 + len(self.stories))
        story = {"id": int(story_id), "full_slug": full_slug, "published": published}
        self.stories[story_id] = story
        return story

    def respond(self, request: Received) -> Answer:
        if request.headers.get("authorization") != TOKEN:
            return Answer(401, {"error": "Unauthorized"})
        if request.path == "/v1/spaces/":
            return Answer(200, {"spaces": [{"id": int(SPACE), "name": "Site"}]})
        match = STORY.match(request.path)
        if match is None or match["space"] != SPACE:
            return Answer(404, ["This record could not be found"])
        if match["id"] is None:
            query = {k: v[-1] for k, v in request.query.items()}
            prefix = query.get("starts_with", "")
            found = [s for s in self.stories.values() if s["full_slug"].startswith(prefix)]
            page, size = int(query.get("page", 1)), int(query.get("per_page", 25))
            return Answer(200, {"stories": found[(page - 1) * size : page * size]})
        story = self.stories.get(match["id"])
        if story is None:
            return Answer(404, ["This record could not be found"])
        if request.method == "DELETE":
            del self.stories[match["id"]]
        elif match["action"]:
            story["published"] = match["action"] == "publish"
        return Answer(200, {"story": story})
