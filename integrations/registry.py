"""The integrations WorkFuse knows, listed explicitly: adding a service is adding its package
and one line in each block below. Credentials read their kinds from here, the editor its node
types."""

from __future__ import annotations

# --- integrations: slack, discord, telegram ---
# isort: split
from integrations import discord, slack, telegram

# --- end integrations ---
# --- datastores: google_sheets, postgres, s3, mysql, redis ---
# isort: split
from integrations import google_sheets, mysql, postgres, redis, s3

# --- end datastores ---
# --- devtools: github, airtable, notion ---
# isort: split
from integrations import airtable, github, notion

# --- end devtools ---
# isort: split
# --- messaging: email, sendgrid, twilio ---
from integrations import email, sendgrid, twilio

# --- end messaging ---
# --- google ---
# isort: split
from integrations import google_drive

# --- end google ---
# --- mail: gmail, outlook ---
# isort: split
from integrations import gmail, outlook

# --- end mail ---
# --- rest: jira, wordpress, supabase ---
# isort: split
from integrations import jira, supabase, wordpress

# --- end rest ---
# --- gfamily: google_calendar, google_analytics ---
# isort: split
from integrations import google_analytics, google_calendar

# --- end gfamily ---
# --- triggers: whatsapp ---
# isort: split
from integrations import whatsapp

# --- end triggers ---
# --- crm: hubspot, mailchimp, trello ---
# isort: split
from integrations import hubspot, mailchimp, trello

# --- end crm ---
# --- feeds: imap ---
# isort: split
from integrations import imap

# --- end feeds ---
# --- crm2: pipedrive, zendesk ---
# isort: split
from integrations import pipedrive, zendesk

# --- end crm2 ---
# --- misc: openweathermap ---
# isort: split
from integrations import openweathermap

# --- end misc ---
# --- social: twitter, linkedin, youtube ---
# isort: split
from integrations import linkedin, twitter, youtube

# --- end social ---
# --- files2: dropbox, google_docs, onedrive ---
# isort: split
from integrations import dropbox, google_docs, onedrive

# --- end files2 ---
# --- work: mattermost, baserow ---
# isort: split
from integrations import baserow, linear, mattermost, todoist

# --- end work ---
# isort: split
from integrations.service import CredentialKind, Service
from workfuse.lib.node_types import NodeType

SERVICES: tuple[Service, ...] = (
    # --- integrations ---
    slack.SERVICE,
    discord.SERVICE,
    telegram.SERVICE,
    # --- end integrations ---
    # --- datastores ---
    google_sheets.SERVICE,
    postgres.SERVICE,
    s3.SERVICE,
    mysql.SERVICE,
    redis.SERVICE,
    # --- end datastores ---
    # --- devtools ---
    github.SERVICE,
    airtable.SERVICE,
    notion.SERVICE,
    # --- end devtools ---
    # --- messaging ---
    email.SERVICE,
    sendgrid.SERVICE,
    twilio.SERVICE,
    # --- end messaging ---
    # --- google ---
    google_drive.SERVICE,
    # --- end google ---
    # --- mail ---
    gmail.SERVICE,
    outlook.SERVICE,
    # --- end mail ---
    # --- rest ---
    jira.SERVICE,
    wordpress.SERVICE,
    supabase.SERVICE,
    # --- end rest ---
    # --- gfamily ---
    google_calendar.SERVICE,
    google_analytics.SERVICE,
    # --- end gfamily ---
    # --- triggers ---
    whatsapp.SERVICE,
    # --- end triggers ---
    # --- crm ---
    hubspot.SERVICE,
    mailchimp.SERVICE,
    trello.SERVICE,
    # --- end crm ---
    # --- feeds ---
    imap.SERVICE,
    # --- end feeds ---
    # --- crm2 ---
    pipedrive.SERVICE,
    zendesk.SERVICE,
    # --- end crm2 ---
    # --- misc ---
    openweathermap.SERVICE,
    # --- end misc ---
    # --- social ---
    twitter.SERVICE,
    linkedin.SERVICE,
    youtube.SERVICE,
    # --- end social ---
    # --- files2 ---
    dropbox.SERVICE,
    google_docs.SERVICE,
    onedrive.SERVICE,
    # --- end files2 ---
    # --- work ---
    mattermost.SERVICE,
    baserow.SERVICE,
    linear.SERVICE,
    todoist.SERVICE,
    # --- end work ---
)

KINDS: dict[str, CredentialKind] = {kind.kind: kind for s in SERVICES for kind in s.kinds}


# --- sheetspoll: services by name (trigger.poll's sources) ---
def service(name: str) -> Service | None:
    """The integration named `name` (`google_sheets`), or None."""
    return next((s for s in SERVICES if s.name == name), None)


# --- end sheetspoll ---


def credential_kind(kind: str) -> CredentialKind | None:
    """The integration credential kind named `kind`; None for the base kinds."""
    return KINDS.get(kind)


def kind_choices() -> list[tuple[str, str]]:
    return [(kind.kind, kind.label) for kind in KINDS.values()]


def node_types() -> list[NodeType]:
    return [service.node for service in SERVICES]
