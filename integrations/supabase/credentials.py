"""Supabase's credential: the project's URL and a key (the service role key bypasses row level
security, as n8n's credential does; an anon key works where policies allow)."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields


class ServiceKey(ApiFields):
    kind = "supabase"
    label = "Supabase service key"

    service_key: SecretStr = Field(
        min_length=1,
        description="The project's service_role key (Project Settings → API). It bypasses row "
        "level security: keep it to trusted workflows.",
    )
    # Required here: every project has its own address.
    base_url: str = Field(
        min_length=1, description="The project's URL, e.g. https://abcdefgh.supabase.co."
    )
