"""Supabase (DESIGN §11): a project's URL and service role key, and the node app.supabase."""

from __future__ import annotations

from integrations.service import CredentialKind, Service
from integrations.supabase import node, rest_api
from integrations.supabase.credentials import ServiceKey

SERVICE = Service(
    name="supabase",
    label="Supabase",
    kinds=(CredentialKind(ServiceKey, test=rest_api.check_key),),
    node=node.NODE,
)
