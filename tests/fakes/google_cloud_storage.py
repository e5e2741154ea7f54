"""A fake Cloud Storage JSON API (v1) beside the fake Google token endpoint (service-account JWTs,
from the Sheets fake): objects.list (prefix, delimiter with `prefixes`, maxResults/pageToken),
objects.get (the object's metadata) and objects.delete (204) over in-memory buckets, with
Google's error shapes."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from tests.fakes import Answer, Received
from tests.fakes.gmail import google_error
from tests.fakes.google_sheets import FakeGoogle

BUCKET = "n8n-qdrant-demo"


def stored(bucket: str, name: str, size: int) -> dict[str, Any]:
    path = f"{bucket}/o/{name.replace('/', '%2F')}"
    return {
        "kind": "storage#object",
        "id": f"{bucket}/{name}/1700000000000000",
        "selfLink": f"https://www.googleapis.com/storage/v1/b/{path}",
        "mediaLink": f"https://storage.googleapis.com/download/storage/v1/b/{path}?alt=media",
        "name": name,
        "bucket": bucket,
        "size": str(size),
        "contentType": "image/jpeg",
    }


class FakeStorage(FakeGoogle):
    def __init__(self, public_key: Any) -> None:
        super().__init__(public_key)
        self.buckets: dict[str, dict[str, dict[str, Any]]] = {BUCKET: {}}

    def add(self, name: str, size: int = 1024, bucket: str = BUCKET) -> dict[str, Any]:
        self.buckets[bucket][name] = stored(bucket, name, size)
        return self.buckets[bucket][name]

    def respond(self, request: Received) -> Answer:
        match = re.match(r"^/storage/v1/b/([^/]+)/o(?:/(.+))?$", request.path)
        if match is None:
            return super().respond(request)
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        if bearer not in self.tokens:
            return google_error(401, "UNAUTHENTICATED", "Invalid Credentials", "authError")
        objects = self.buckets.get(unquote(match[1]))
        if objects is None:
            return google_error(
                404, "NOT_FOUND", "The specified bucket does not exist.", "notFound"
            )
        if match[2] is None:
            return self._list(objects, {k: v[-1] for k, v in request.query.items()})
        name = unquote(match[2])
        if name not in objects:
            return google_error(404, "NOT_FOUND", f"No such object: {match[1]}/{name}", "notFound")
        if request.method == "DELETE":
            del objects[name]
            return Answer(204)
        return Answer(200, objects[name])

    def _list(self, objects: dict[str, dict[str, Any]], q: dict[str, str]) -> Answer:
        prefix, delimiter = q.get("prefix", ""), q.get("delimiter", "")
        items, prefixes = [], []
        for name in sorted(objects):
            if not name.startswith(prefix):
                continue
            rest = name[len(prefix) :]
            if delimiter and delimiter in rest:
                folder = prefix + rest.split(delimiter)[0] + delimiter
                if folder not in prefixes:
                    prefixes.append(folder)
                continue
            items.append(objects[name])
        start, size = int(q.get("pageToken", 0)), int(q.get("maxResults", 1000))
        answer: dict[str, Any] = {"kind": "storage#objects"}
        if items[start : start + size]:
            answer["items"] = items[start : start + size]
        if prefixes:
            answer["prefixes"] = prefixes
        if start + size < len(items):
            answer["nextPageToken"] = str(start + size)
        return Answer(200, answer)
