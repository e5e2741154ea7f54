"""A fake Cloud Natural Language API (v1) beside the fake Google token endpoint (service-account
JWT grant): `documents:analyzeSentiment` (a word list scores each sentence, -1 to 1),
`documents:analyzeEntities` (capitalised words are entities), `documents:classifyText` (fewer
than 20 words refused as Google does), texts from `gs://` objects it holds, offsets counted in
the encoding asked, and Google's `{"error": {"code", "message", "status"}}` errors."""

from __future__ import annotations

import re
from typing import Any

from tests.fakes import Answer, Received
from tests.fakes.google_sheets import FakeGoogle, google_error

POSITIVE = {"great", "love", "good", "excellent", "happy", "fantastic"}
NEGATIVE = {"bad", "awful", "hate", "terrible", "sad", "boring"}
SENTENCE = re.compile(r"[^.!?]+[.!?]?")


def sentiment(text: str) -> dict[str, float]:
    words = re.findall(r"[a-z']+", text.lower())
    pos = sum(w in POSITIVE for w in words)
    neg = sum(w in NEGATIVE for w in words)
    score = 0.0 if pos + neg == 0 else round((pos - neg) / (pos + neg) * 0.9, 1)
    return {"magnitude": round(0.9 * (pos + neg), 1), "score": score}


class FakeLanguage(FakeGoogle):
    def __init__(self, public_key: Any) -> None:
        super().__init__(public_key)
        self.objects: dict[str, str] = {}  # gs:// URI -> text
        self.project_enabled = True

    def respond(self, request: Received) -> Answer:
        match = re.match(r"^/v1/documents:(\w+)$", request.path)
        if match is None:
            return super().respond(request)
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        if bearer not in self.tokens:
            return google_error(401, "UNAUTHENTICATED", "Request had invalid authentication.")
        if not self.project_enabled:
            return google_error(
                403,
                "PERMISSION_DENIED",
                "Cloud Natural Language API has not been used in project 42 before or it is "
                "disabled.",
            )
        document = request.json.get("document") or {}
        text = document.get("content")
        if text is None:
            text = self.objects.get(document.get("gcsContentUri", ""))
            if text is None:
                return google_error(404, "NOT_FOUND", "The object does not exist.")
        if not text.strip():
            return google_error(400, "INVALID_ARGUMENT", "The document is empty.")
        if document.get("type", "PLAIN_TEXT") == "HTML":
            text = re.sub(r"<[^>]+>", " ", text)
        language = document.get("language") or "en"
        method = match.group(1)
        if method == "analyzeSentiment":
            return Answer(200, self._sentiment(text, language, request.json.get("encodingType")))
        if method == "analyzeEntities":
            names = sorted(set(re.findall(r"\b[A-Z][a-z]+\b", text)))
            entities = [
                {"name": n, "type": "OTHER", "salience": 0.5, "mentions": []} for n in names
            ]
            return Answer(200, {"entities": entities, "language": language})
        if method == "classifyText":
            if len(text.split()) < 20:
                return google_error(
                    400,
                    "INVALID_ARGUMENT",
                    "Invalid text content: too few tokens (words) to process.",
                )
            return Answer(
                200, {"categories": [{"name": "/Arts & Entertainment", "confidence": 0.8}]}
            )
        return google_error(404, "NOT_FOUND", "Method not found.")

    def _sentiment(self, text: str, language: str, encoding: str | None) -> dict[str, Any]:
        sentences = []
        for found in SENTENCE.finditer(text):
            piece = found.group(0).strip()
            if not piece:
                continue
            start = text.index(piece, found.start())
            prefix = text[:start]
            offset = {
                "UTF8": len(prefix.encode()),
                "UTF16": len(prefix.encode("utf-16-le")) // 2,
                "UTF32": len(prefix),
            }.get(encoding or "NONE", -1)
            sentences.append(
                {"text": {"content": piece, "beginOffset": offset}, "sentiment": sentiment(piece)}
            )
        return {"documentSentiment": sentiment(text), "language": language, "sentences": sentences}
