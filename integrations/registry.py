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
# --- svca: spotify, google_natural_language, google_perspective, aws_comprehend, aws_rekognition, uproc ---
# isort: split
from integrations import (
    aws_comprehend,
    aws_rekognition,
    google_natural_language,
    google_perspective,
    spotify,
    uproc,
)

# --- end svca ---
# --- svcc: monday, clickup, lemlist, wekan ---
# isort: split
from integrations import (
    aws_ses,
    aws_textract,
    aws_transcribe,
    clickup,
    lemlist,
    monday,
    profitwell,
    pushcut,
    vonage,
    wekan,
)

# --- end svcc ---
# --- svcd: bamboohr, pagerduty, nextcloud, taiga, wise, tapfiliate ---
# isort: split
from integrations import (
    automizy,
    bamboohr,
    microsoft_excel,
    nextcloud,
    pagerduty,
    questdb,
    quickchart,
    securityscorecard,
    taiga,
    tapfiliate,
    wise,
    zammad,
    zulip,
)

# --- end svcd ---
# --- svcb: woocommerce, salesforce, strapi, nasa, coingecko, raindrop, humantic_ai, mindee, dhl, mailcheck, bannerbear ---
# isort: split
from integrations import (
    bannerbear,
    coingecko,
    dhl,
    humantic_ai,
    mailcheck,
    mindee,
    nasa,
    raindrop,
    salesforce,
    strapi,
    woocommerce,
)

# --- end svcb ---
# --- svcg: facebook_graph, erpnext, egoi, storyblok, clockify, freshdesk, customerio ---
# isort: split
from integrations import (
    clockify,
    customerio,
    egoi,
    erpnext,
    facebook_graph,
    freshdesk,
    storyblok,
)

# --- end svcg ---
# --- svce: ghost, clearbit, hunter, mailgun, elasticsearch, nocodb, reddit ---
# isort: split
from integrations import clearbit, elasticsearch, ghost, hunter, mailgun, nocodb, reddit

# --- end svce ---
# --- svcf: google_contacts, google_books, gsuite_admin, google_bigquery, google_cloud_storage, google_firebase_database ---
# isort: split
from integrations import (
    google_bigquery,
    google_books,
    google_cloud_storage,
    google_contacts,
    google_firebase_database,
    gsuite_admin,
)

# --- end svcf ---
# --- svca: medium, asana, zoom ---
# isort: split
from integrations import asana, medium, zoom

# --- end svca ---
# --- ssh: ssh ---
# isort: split
from integrations import amqp, ssh

# --- end ssh ---
# --- svc1: venafi_cloud, sentry, webflow ---
# isort: split
from integrations import sentry, venafi_cloud, webflow

# --- end svc1 ---
# --- strava ---
# isort: split
from integrations import strava

# --- end strava ---
# --- spontit ---
# isort: split
from integrations import spontit

# --- end spontit ---
# --- mongodb ---
# isort: split
from integrations import mongodb

# --- end mongodb ---
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
    # --- svca ---
    spotify.SERVICE,
    google_natural_language.SERVICE,
    google_perspective.SERVICE,
    aws_comprehend.SERVICE,
    aws_rekognition.SERVICE,
    uproc.SERVICE,
    # --- end svca ---
    # --- svcc ---
    monday.SERVICE,
    clickup.SERVICE,
    lemlist.SERVICE,
    wekan.SERVICE,
    pushcut.SERVICE,
    vonage.SERVICE,
    profitwell.SERVICE,
    aws_ses.SERVICE,
    aws_transcribe.SERVICE,
    aws_textract.SERVICE,
    # --- end svcc ---
    # --- svcd ---
    bamboohr.SERVICE,
    pagerduty.SERVICE,
    nextcloud.SERVICE,
    taiga.SERVICE,
    wise.SERVICE,
    tapfiliate.SERVICE,
    questdb.SERVICE,
    automizy.SERVICE,
    securityscorecard.SERVICE,
    quickchart.SERVICE,
    zulip.SERVICE,
    zammad.SERVICE,
    microsoft_excel.SERVICE,
    # --- end svcd ---
    # --- svcb ---
    woocommerce.SERVICE,
    salesforce.SERVICE,
    strapi.SERVICE,
    nasa.SERVICE,
    coingecko.SERVICE,
    raindrop.SERVICE,
    humantic_ai.SERVICE,
    mindee.SERVICE,
    dhl.SERVICE,
    mailcheck.SERVICE,
    bannerbear.SERVICE,
    # --- end svcb ---
    # --- svcg ---
    facebook_graph.SERVICE,
    erpnext.SERVICE,
    egoi.SERVICE,
    storyblok.SERVICE,
    clockify.SERVICE,
    freshdesk.SERVICE,
    customerio.SERVICE,
    # --- end svcg ---
    # --- svce ---
    ghost.SERVICE,
    clearbit.SERVICE,
    hunter.SERVICE,
    mailgun.SERVICE,
    elasticsearch.SERVICE,
    nocodb.SERVICE,
    reddit.SERVICE,
    # --- end svce ---
    # --- svcf ---
    google_contacts.SERVICE,
    google_books.SERVICE,
    gsuite_admin.SERVICE,
    google_bigquery.SERVICE,
    google_cloud_storage.SERVICE,
    google_firebase_database.SERVICE,
    # --- end svcf ---
    # --- svca ---
    medium.SERVICE,
    asana.SERVICE,
    zoom.SERVICE,
    # --- end svca ---
    # --- ssh ---
    ssh.SERVICE,
    amqp.SERVICE,
    # --- end ssh ---
    # --- svc1 ---
    venafi_cloud.SERVICE,
    sentry.SERVICE,
    webflow.SERVICE,
    # --- end svc1 ---
    # --- strava ---
    strava.SERVICE,
    # --- end strava ---
    # --- spontit ---
    spontit.SERVICE,
    # --- end spontit ---
    # --- mongodb ---
    mongodb.SERVICE,
    # --- end mongodb ---
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
