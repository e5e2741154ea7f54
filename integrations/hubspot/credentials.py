"""HubSpot's credential: a private app's access token (Settings → Integrations → Private Apps),
sent as a bearer token. The app's scopes decide what the node may do (crm.objects.contacts,
.deals and .companies, read and write)."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields


class PrivateAppToken(ApiFields):
    kind = "hubspot"
    label = "HubSpot private app token"

    access_token: SecretStr = Field(
        min_length=1,
        description="The private app's access token (pat-…), from Settings → Integrations → "
        "Private Apps → the app → Auth.",
    )
