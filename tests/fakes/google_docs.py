"""A fake Google Docs API (v1) beside the fake Drive (one Google, one token endpoint): a
document made through Drive's files.create is readable here. documents.get answers the body as
Docs does (a section break, then one paragraph per line with its text run, indexes from 1);
documents.batchUpdate applies insertText (at an index or the end of the body) and replaceAllText
in order, answering one reply each, with Docs' error shapes."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from tests.fakes import Answer, Received
from tests.fakes.google_drive import FakeDrive
from tests.fakes.google_sheets import google_error

DOCUMENT = "application/vnd.google-apps.document"


class FakeDocs(FakeDrive):
    def __init__(self, public_key: Any) -> None:
        super().__init__(public_key)
        self.batches: list[dict[str, Any]] = []

    def add_document(self, title: str, text: str = "", **meta: Any) -> str:
        """A Google Doc holding `text` (its body ends with a newline, as every Doc's does)."""
        doc_id = self.add(title, DOCUMENT, **meta)
        self.exports[doc_id] = {"text/plain": (text.rstrip("\n") + "\n").encode()}
        return doc_id

    def text(self, doc_id: str) -> str:
        return self.exports.get(doc_id, {}).get("text/plain", b"\n").decode() or "\n"

    def respond(self, request: Received) -> Answer:
        match = re.match(r"^/v1/documents/([^/:]+)(:batchUpdate)?$", request.path)
        if match is None:
            return super().respond(request)
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        if bearer not in self.tokens:
            return google_error(401, "UNAUTHENTICATED", "Request had invalid authentication.")
        doc_id = unquote(match.group(1))
        meta = self.files.get(doc_id)
        if meta is None or meta["mimeType"] != DOCUMENT:
            return google_error(404, "NOT_FOUND", "Requested entity was not found.")
        if match.group(2):
            return self._batch(doc_id, request.json)
        return Answer(200, self._document(doc_id, meta["name"]))

    def _document(self, doc_id: str, title: str) -> dict[str, Any]:
        content: list[dict[str, Any]] = [{"endIndex": 1, "sectionBreak": {"sectionStyle": {}}}]
        index = 1
        for line in self.text(doc_id).splitlines(keepends=True):
            end = index + len(line)
            run = {"startIndex": index, "endIndex": end, "textRun": {"content": line}}
            paragraph = {"elements": [run], "paragraphStyle": {"namedStyleType": "NORMAL_TEXT"}}
            content.append({"startIndex": index, "endIndex": end, "paragraph": paragraph})
            index = end
        return {
            "documentId": doc_id,
            "title": title,
            "body": {"content": content},
            "revisionId": f"rev{len(self.batches)}",
        }

    def _batch(self, doc_id: str, body: dict[str, Any]) -> Answer:
        self.batches.append(body)
        text = self.text(doc_id)
        replies: list[dict[str, Any]] = []
        for request in body.get("requests") or []:
            if "insertText" in request:
                insert = request["insertText"]
                if "location" in insert:
                    index = insert["location"].get("index", 0)
                    if not 1 <= index < len(text) + 1:
                        return google_error(
                            400,
                            "INVALID_ARGUMENT",
                            f"Invalid requests[0].insertText: Index {index} must be less than "
                            f"the end index of the referenced segment, {len(text) + 1}.",
                        )
                    at = index - 1
                else:
                    at = len(text) - 1  # before the body's final newline
                text = text[:at] + insert["text"] + text[at:]
                replies.append({})
            elif "replaceAllText" in request:
                change = request["replaceAllText"]
                find = change["containsText"]["text"]
                flags = 0 if change["containsText"].get("matchCase") else re.IGNORECASE
                text, count = re.subn(re.escape(find), change["replaceText"], text, flags=flags)
                replies.append({"replaceAllText": {"occurrencesChanged": count} if count else {}})
            else:
                return google_error(400, "INVALID_ARGUMENT", "Invalid requests[0]: unknown kind.")
        self.exports[doc_id] = {"text/plain": text.encode()}
        return Answer(
            200,
            {
                "documentId": doc_id,
                "replies": replies,
                "writeControl": {"requiredRevisionId": f"rev{len(self.batches)}"},
            },
        )
