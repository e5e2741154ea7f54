"""Trello's credential: a Power-Up's API key and a token a user granted it
(trello.com/power-ups/admin → the Power-Up → API key, then "Token"). Both are sent in an
`Authorization: OAuth …` header, never in the URL."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields


class ApiKeyToken(ApiFields):
    kind = "trello"
    label = "Trello API key and token"

    api_key: SecretStr = Field(
        min_length=1,
        description="The Power-Up's API key (trello.com/power-ups/admin → your Power-Up → API "
        "key).",
    )
    api_token: SecretStr = Field(
        min_length=1,
        description="A token the user granted the key (the Token link beside the API key); the "
        "node acts as that user.",
    )
