"""Salesforce's credential: a connected app (its consumer key and secret) and a refresh token a
user granted it (scopes `api` and `refresh_token`), and where the org logs in."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

LOGIN_URL = "https://login.salesforce.com"


class SalesforceOAuth2(ApiFields):
    kind = "salesforce"
    label = "Salesforce OAuth2 (refresh token)"

    client_secret: SecretStr = Field(
        min_length=1,
        description="The connected app's Consumer Secret (Setup → App Manager → your app → "
        "View → Manage Consumer Details).",
    )
    refresh_token: SecretStr = Field(
        min_length=1,
        description="A refresh token a user granted the app (scopes api and refresh_token); "
        "the node acts as that user.",
    )
    client_id: str = Field(
        min_length=1,
        description="The connected app's Consumer Key, beside its secret.",
        examples=[
            "3MVG9A2kN3Bn17hs8MIaQx1voVGy662rXlC37svtmLmt6wO_iik8Hnk3DlcYjKRvzVNGWLFlGRH1ryHwS217h"
        ],
    )
    base_url: str | None = Field(
        None,
        description="Where the org logs in: leave empty for https://login.salesforce.com; set "
        "https://test.salesforce.com for a sandbox, or your My Domain URL (or a test server). "
        "The calls then go to the instance Salesforce names with the access token.",
    )
