"""A fake Perspective Comment Analyzer (`/v1alpha1/comments:analyze`): the API key in
`X-Goog-Api-Key` (or `?key=`), each requested attribute scored from a word list with its span
scores, `scoreThreshold` leaving low scores out, languages it lacks refused per attribute, and
Google's `{"error": {"code", "message", "status"}}` errors (a bad key is 400, as Google
answers it)."""

from __future__ import annotations

import re
from typing import Any

from tests.fakes import Answer, FakeService, Received
from tests.fakes.google_sheets import google_error

API_KEY = "AIzaSyD-perspective-key-0123456789"
WORDS = {
    "TOXICITY": {"idiot", "stupid", "damn", "kill"},
    "PROFANITY": {"damn", "hell"},
    "THREAT": {"kill", "hurt"},
    "INSULT": {"idiot", "stupid"},
    "IDENTITY_ATTACK": set(),
}
LANGUAGES = {"en", "es", "fr", "de"}


def score(attribute: str, text: str) -> float:
    words = re.findall(r"[a-z]+", text.lower())
    hits = sum(w in WORDS.get(attribute, set()) for w in words)
    return round(min(0.05 + 0.45 * hits, 0.99), 2)


class FakePerspective(FakeService):
    def respond(self, request: Received) -> Answer:
        key = request.headers.get("x-goog-api-key") or (request.query.get("key") or [""])[0]
        if key != API_KEY:
            return google_error(
                400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key."
            )
        if request.path != "/v1alpha1/comments:analyze" or request.method != "POST":
            return google_error(404, "NOT_FOUND", "Method not found.")
        body = request.json
        text = (body.get("comment") or {}).get("text") or ""
        if not text:
            return google_error(400, "INVALID_ARGUMENT", "Comment must be non-empty.")
        languages = body.get("languages") or ["en"]
        wanted = body.get("requestedAttributes") or {}
        if not wanted:
            return google_error(400, "INVALID_ARGUMENT", "No requested attributes.")
        for language in languages:
            if language not in LANGUAGES:
                name = next(iter(wanted))
                return google_error(
                    400,
                    "INVALID_ARGUMENT",
                    f"Attribute {name} does not support request languages: {language}",
                )
        scores: dict[str, Any] = {}
        for name, asked in wanted.items():
            value = score(name, text)
            if value < float((asked or {}).get("scoreThreshold") or 0):
                continue
            summary = {"value": value, "type": "PROBABILITY"}
            span = {"begin": 0, "end": len(text), "score": summary}
            scores[name] = {"spanScores": [span], "summaryScore": summary}
        return Answer(
            200,
            {"attributeScores": scores, "languages": languages, "detectedLanguages": ["en"]},
        )
