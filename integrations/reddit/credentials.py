"""Reddit's credential: a Reddit app's client id and secret (reddit.com/prefs/apps; a "script"
app), and, to post or delete, the user name and password of a developer of that app. Without
them the app reads as itself (application-only OAuth: searching and reading posts)."""

from __future__ import annotations

from typing import Self

from pydantic import Field, SecretStr, field_validator, model_validator

from integrations.service import ApiFields

DEFAULT_BASE_URL = "https://oauth.reddit.com"
DEFAULT_TOKEN_URL = "https://www.reddit.com/api/v1/access_token"  # noqa: S105 (an address)


class RedditApp(ApiFields):
    kind = "reddit"
    label = "Reddit app"

    client_secret: SecretStr = Field(min_length=1, description="The app's secret.")
    password: SecretStr | None = Field(
        None, description="To post or delete: the password of the user (a developer of the app)."
    )
    client_id: str = Field(
        min_length=1,
        description="The app's client id (under its name on reddit.com/prefs/apps).",
        examples=["p-jcoLKBynTLew"],
    )
    username: str = Field("", description="To post or delete: the Reddit user name.")
    base_url: str | None = Field(
        None, description=f"Leave empty for Reddit ({DEFAULT_BASE_URL}). Set it for a test server."
    )
    token_url: str | None = Field(
        None,
        description=f"Leave empty for Reddit ({DEFAULT_TOKEN_URL}). Set it for a test server.",
    )

    @field_validator("token_url")
    @classmethod
    def _token_url(cls, value: str | None) -> str | None:
        return cls._base_url(value)  # the same rules as base_url

    @model_validator(mode="after")
    def _user_whole(self) -> Self:
        if bool(self.username) != (self.password is not None):
            raise ValueError("give the user name and the password together, or neither")
        return self
