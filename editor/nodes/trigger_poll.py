"""trigger.poll: "when something new appears" in any JSON API (DESIGN §4).

The engine side (executions/polls.py) calls the URL every `interval_seconds` from a worker,
finds the list in the answer with `items_path`, and starts one run per item whose `id_field`
it has not seen before, with the item as this trigger's output; with `emit` changed or
new_or_changed, one run per item whose fields (or `watch_fields`) changed since the last answer
(executions/poll_changes.py: n8n's Google Sheets Trigger on updated rows). This module holds the
settings, reading the list and the ids out of an answer, and the presets.

A preset fills the request for a known service when the settings form is applied: "GitHub: new
issue" sets the URL of a repository's issues, the list, the id and bearer auth, and leaves the
credential (a GitHub access token) to pick. A service whose API a plain request cannot ask
(Google Sheets: a service account's token, rows without ids) lists the items itself: `source`
names it, and its integration's `Service.poll` reads them; "Google Sheets: new row" sets that
source with `row_number` as the id.
"""

from __future__ import annotations

import re
from typing import Any, Literal, Self
from urllib.parse import quote, urlsplit

import jmespath
from jmespath.exceptions import JMESPathError
from pydantic import Field, ValidationError, field_validator, model_validator

from editor.nodes.action_http import HEADER_NAME_PATTERN
from editor.nodes.action_http import NODE as HTTP_NODE
from editor.nodes.base import NodeConfig, NodeType, RunContext
from integrations import registry
from integrations.imap import node as imap_node  # feeds
from integrations.operations import field_errors

REPOSITORY = re.compile(r"^\s*[\w.-]+/[\w.-]+\s*$")
MIN_INTERVAL = 30  # seconds: a kinder floor than most APIs' rate limits ask for
MAX_ITEMS = 500  # items read from one answer; the rest wait for the next poll
GITHUB_API = "https://api.github.com"
# --- work: the sources (notion added) ---
Source = Literal[
    "url",
    "google_sheets",
    "gmail",
    "google_drive",
    "rss",
    "imap",
    "notion",
    "outlook",  # svcc
    "strava",  # strava
    "google_calendar",  # strava
]
# --- end work ---
# --- airtable2: the airtable source ---
PolledSource = Literal[Source, "airtable"]
AIRTABLE_FIELDS = {
    "airtable_base_id",
    "airtable_table",
    "airtable_trigger_field",
    "airtable_formula",
    "airtable_view",
    "airtable_fields",
}
# --- end airtable2 ---


class Config(NodeConfig):
    preset: Literal[
        "",
        "github_issues",
        "google_sheets_rows",
        "gmail_messages",
        "google_drive_files",
        "rss_entries",
        "imap_messages",
    ] = Field(
        "",
        description="Fill the request for a known service when you apply: github_issues "
        "(GitHub: new issue in the repository below), google_sheets_rows (Google Sheets: new "
        "row in the spreadsheet and range below), gmail_messages (Gmail: new message matching "
        "the Gmail filters below), google_drive_files (Google Drive: new or changed file in the "
        "folder below), rss_entries (RSS or Atom: new entry in the feed at url), imap_messages "
        "(IMAP: new message matching the IMAP search below). Then pick the credential.",
    )
    preset_repository: str = Field(
        "",
        description="For the github_issues preset: the repository as owner/name, e.g. acme/shop "
        "(GitHub Enterprise: https://host/api/v3/repos/owner/name is set in url afterwards).",
    )
    # --- sheetspoll: the google_sheets source ---
    source: PolledSource = Field(
        "url",
        description="Where the items come from: url (the JSON API below), google_sheets (the "
        "rows of the sheet below, read with a Google service account key credential; each row "
        "an object by the header row, with its row_number) or gmail (the newest messages "
        "matching the Gmail filters below, read with a Gmail OAuth2 credential; id: the "
        "message id) or google_drive (the files created or changed in the Drive folder below, "
        "read with a Google service account key credential; id: change_id) or rss (the entries "
        "of the RSS or Atom feed at url, no credential; id: entryId) or imap (the newest "
        "messages matching the IMAP search below, read with an IMAP server credential; id: "
        "uid) or notion (the newest pages of the Notion database below, read with a Notion "
        "integration token credential; id: id, or change_id for page_updated) or airtable "
        "(the newest records of the Airtable table below by its trigger field, read with an "
        "Airtable access token credential; id: change_id) or outlook (the newest messages of "
        "the mailbox or folder below, read with a Microsoft Outlook OAuth2 credential; id: id) or "
        "strava (the athlete's newest activities, read with a Strava OAuth2 credential; id: "
        "object_id, or change_id for activity_changed) or google_calendar (the events of the "
        "calendar below created, updated, cancelled, started or ended in the last day, read "
        "with a Google service account key credential; id: id, or change_id for "
        "event_updated).",
    )
    spreadsheet_id: str = Field(
        "",
        description="For google_sheets: the spreadsheet's id, the part of its URL between /d/ "
        "and /edit.",
    )
    sheet_range: str = Field(
        "",
        description="For google_sheets: the sheet (Sheet1) or its columns (Sheet1!A:F), in A1 "
        "notation.",
    )
    header_row: bool = Field(
        True,
        description="For google_sheets: the range's first row names the columns, and each row "
        "comes out as an object by them. Off: as {cells: [...]}.",
    )
    # --- end sheetspoll ---
    # --- mail: the gmail source (n8n's Gmail Trigger filters) ---
    gmail_query: str = Field(
        "",
        description="For gmail: a Gmail search, as in the search box (has:attachment "
        "subject:invoice). Empty: every message.",
    )
    gmail_label_ids: list[str] = Field(
        default_factory=list,
        description="For gmail: only messages with all of these label ids (INBOX, UNREAD, "
        "Label_…).",
    )
    gmail_read_status: Literal["both", "unread", "read"] = Field(
        "both", description="For gmail: unread or read messages only, or both."
    )
    gmail_sender: str = Field(
        "", description="For gmail: only from this sender (an address, or part of a name)."
    )
    gmail_include_spam_trash: bool = Field(
        False, description="For gmail: also messages in Spam and Trash."
    )
    gmail_include_drafts: bool = Field(False, description="For gmail: also drafts.")
    gmail_skip_sent: bool = Field(
        True, description="For gmail: leave out the messages the mailbox sent itself."
    )
    gmail_simple: bool = Field(
        True,
        description="For gmail: on, each message's headers (From, To, Subject), labels and "
        "snippet; off, the whole message parsed: from/to as addresses, subject, date, text, "
        "html, headers.",
    )
    gmail_download_attachments: bool = Field(
        False,
        description="For gmail, with simple off: the attachments as file values in attachments.",
    )
    # --- end mail ---
    # --- gfamily: the google_drive source (n8n's Google Drive Trigger) ---
    drive_event: Literal["file_created", "file_updated", "folder_created", "folder_updated"] = (
        Field(
            "file_created",
            description="For google_drive: what starts a run: a new file, a changed file (each "
            "change; a new file too), a new folder, a changed folder. Set id_field to "
            "change_id.",
        )
    )
    drive_folder_id: str = Field(
        "",
        description="For google_drive: the folder to watch (its id or URL; shared with the "
        "service account). Empty: everything the account sees.",
    )
    drive_file_type: str = Field(
        "",
        description="For google_drive, files: only this MIME type (application/pdf, "
        "application/vnd.google-apps.document …). Empty: every type.",
    )
    # --- end gfamily ---
    # --- feeds: the imap source (n8n's Email Trigger (IMAP)) ---
    imap_mailbox: str = Field("INBOX", description="For imap: the mailbox (folder) to watch.")
    imap_search: list[Any] = Field(
        default_factory=lambda: ["UNSEEN"],
        description="For imap: the IMAP search, as n8n's custom email rules: a JSON list such "
        'as ["UNSEEN"] or ["UNSEEN", ["FROM", "billing@example.com"]].',
    )
    imap_format: Literal["simple", "resolved", "raw"] = Field(
        "simple",
        description="For imap: simple (from, to, cc, subject, date, textPlain, textHtml, "
        "metadata with the other headers), resolved (the whole message parsed: from/to as "
        "addresses, text, html, headers, attachments) or raw (the message body as sent).",
    )
    imap_download_attachments: bool = Field(
        False,
        description="For imap, format simple: the attachments as file values in attachments "
        "(resolved always has them).",
    )
    imap_mark_read: bool = Field(
        True,
        description="For imap: mark each message that started a run as read (seen). Messages "
        "unread when the poll starts are left alone.",
    )
    # --- end feeds ---
    # --- work: the notion source (n8n's Notion Trigger) ---
    notion_database_id: str = Field(
        "",
        description="For notion: the database to watch (its id, or its URL), shared with the "
        "integration.",
    )
    notion_event: Literal["page_added", "page_updated"] = Field(
        "page_added",
        description="For notion: a page added to the database (id_field id), or a page "
        "changed (each edit; id_field change_id).",
    )
    notion_simple: bool = Field(
        True,
        description="For notion: each page as its id and its properties by name with plain "
        "values; off, the page as Notion answers it.",
    )
    # --- end work ---
    # --- airtable2: the airtable source (n8n's Airtable Trigger) ---
    airtable_base_id: str = Field("", description="For airtable: the base's id (app…).")
    airtable_table: str = Field("", description="For airtable: the table's name or id (tbl…).")
    airtable_trigger_field: str = Field(
        "",
        description="For airtable: a Created Time field (a run per new record) or a Last "
        "Modified Time field (a run per change); the newest records by it are read.",
    )
    airtable_formula: str = Field(
        "", description="For airtable: optional Airtable formula a record must make true."
    )
    airtable_view: str = Field(
        "", description="For airtable: optional view name or id: only its records."
    )
    airtable_fields: list[str] = Field(
        default_factory=list,
        description="For airtable: only these fields of each record. Empty: every field.",
    )
    # --- end airtable2 ---
    # --- svcc: the outlook source (n8n's Microsoft Outlook Trigger) ---
    outlook_folder_id: str = Field(
        "",
        description="For outlook: only this folder (its id, or inbox, archive, junkemail...). "
        "Empty: the whole mailbox.",
    )
    outlook_filter: str = Field(
        "",
        description="For outlook: only messages matching this OData filter, e.g. isRead eq "
        "false and hasAttachments eq true. Empty: every message.",
    )
    outlook_output: Literal["simple", "fields", "raw"] = Field(
        "simple",
        description="For outlook: simple (id, conversationId, subject, bodyPreview, from and to "
        "as addresses, categories, hasAttachments), fields (the properties in outlook_fields, "
        "and id) or raw (the message as Graph answers it).",
    )
    outlook_fields: list[str] = Field(
        default_factory=list,
        description="For outlook, output fields: the message properties (subject, body, from, "
        "toRecipients, ...).",
    )
    # --- end svcc ---
    # --- strava: the strava source (n8n's Strava Trigger) ---
    strava_event: Literal["activity_created", "activity_changed"] = Field(
        "activity_created",
        description="For strava: a new activity (id_field object_id), or a new or changed "
        "activity: its name, sport type or visibility (id_field change_id).",
    )
    calendar_id: str = Field(
        "",
        description="For google_calendar: the calendar's id (an email address for a person's "
        "calendar), shared with the service account.",
    )
    calendar_event: Literal[
        "event_created", "event_updated", "event_cancelled", "event_started", "event_ended"
    ] = Field(
        "event_created",
        description="For google_calendar: what starts a run: an event created, updated (each "
        "change; id_field change_id), cancelled, started or ended.",
    )
    calendar_match: str = Field(
        "",
        description="For google_calendar: only events matching these words (Calendar's free "
        "text search). Empty: every event.",
    )
    # --- end strava ---
    url: str = Field(
        "",
        description="The JSON API to ask, e.g. https://api.example.com/orders?status=new.",
    )
    method: Literal["GET", "POST"] = Field("GET", description="GET, or POST for search APIs.")
    headers: dict[str, str] = Field(
        default_factory=dict, description="Request headers as name: value pairs."
    )
    credential: int | None = Field(
        None, ge=1, description="Credential that authenticates the request (see auth)."
    )
    auth: Literal["bearer", "basic", "header", "query"] | None = Field(
        None,
        description="How the credential is sent, as in the HTTP Request node: bearer, basic, "
        "header (auth_header_name) or query (auth_query_param). Empty: by the credential's "
        "kind. Without a credential the request goes unauthenticated.",
    )
    auth_header_name: str = Field(
        "X-API-Key",
        pattern=HEADER_NAME_PATTERN,
        description="For auth=header: the header that carries the secret.",
    )
    auth_query_param: str = Field(
        "api_key", min_length=1, description="For auth=query: the query parameter."
    )
    items_path: str = Field(
        "",
        description="Where the list is in the answer, as JMESPath or a dotted path, e.g. "
        "data.items or results[?status=='new']. Empty: the answer is the list.",
    )
    id_field: str = Field(
        "id",
        min_length=1,
        description="The field (dotted path inside an item) that identifies an item, e.g. id "
        "or order.number. An item whose id was seen before starts no run.",
    )
    interval_seconds: int = Field(
        300,
        ge=MIN_INTERVAL,
        le=86400,
        description=f"How often to ask, in seconds ({MIN_INTERVAL} to 86400).",
    )
    # --- sheetsupdate: runs for changed items too ---
    emit: Literal["new", "changed", "new_or_changed"] = Field(
        "new",
        description="Which items start a run: new (an id not seen before), changed (an item "
        "of the last answer whose fields, or watch_fields, now differ; Google Sheets: an "
        "existing row edited) or new_or_changed (both, the item with change_type added or "
        "updated). The first check only remembers what exists.",
    )
    watch_fields: list[str] = Field(
        default_factory=list,
        description="For changed and new_or_changed: only a change in these fields (dotted "
        "paths; Google Sheets: column headers) starts a run. Empty: any field.",
    )
    # --- end sheetsupdate ---

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        value = value.strip()
        parts = urlsplit(value)
        if value and (parts.scheme.lower() not in ("http", "https") or not parts.hostname):
            raise ValueError("must be an http:// or https:// URL with a host")
        return value

    # --- feeds ---
    _imap_search = field_validator("imap_search", mode="before")(imap_node.criteria)
    # --- end feeds ---

    @field_validator("items_path")
    @classmethod
    def _path(cls, value: str) -> str:
        value = value.strip()
        if value:
            try:
                jmespath.compile(value)
            except JMESPathError as exc:
                raise ValueError(f"is not a JMESPath or dotted path: {exc}") from None
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        errors = {}
        if self.preset == "github_issues" and not REPOSITORY.match(self.preset_repository):
            errors["preset_repository"] = "Enter the repository as owner/name, e.g. acme/shop."
        sheets = self.source == "google_sheets" or self.preset == "google_sheets_rows"
        if sheets and not self.spreadsheet_id.strip():
            errors["spreadsheet_id"] = "Enter the spreadsheet's id (in its URL after /d/)."
        if sheets and not self.sheet_range.strip():
            errors["sheet_range"] = "Enter the sheet to watch, e.g. Sheet1."
        sourced = sheets or self.source == "gmail" or self.preset == "gmail_messages"
        drive = self.source == "google_drive" or self.preset == "google_drive_files"  # gfamily
        sourced = sourced or drive
        sourced = sourced or self.source == "imap"  # feeds
        # --- work ---
        notion = self.source == "notion"
        sourced = sourced or notion
        if notion and not self.notion_database_id.strip():
            errors["notion_database_id"] = "Enter the Notion database's id or URL."
        # --- end work ---
        # --- airtable2 ---
        if self.source == "airtable":
            sourced = True
            for name, what in (
                ("airtable_base_id", "the base's id (app…)"),
                ("airtable_table", "the table's name or id"),
                ("airtable_trigger_field", "a Created Time or Last Modified Time field"),
            ):
                if not str(getattr(self, name)).strip():
                    errors[name] = f"Enter {what}."
        # --- end airtable2 ---
        # --- svcc ---
        sourced = sourced or self.source == "outlook"
        if self.source == "outlook" and self.outlook_output == "fields" and not self.outlook_fields:
            errors["outlook_fields"] = "Name the message properties to read, or choose simple."
        # --- end svcc ---
        # --- strava ---
        sourced = sourced or self.source in ("strava", "google_calendar")
        if self.source == "google_calendar" and not self.calendar_id.strip():
            errors["calendar_id"] = "Enter the calendar's id (an email address for a person's)."
        # --- end strava ---
        # --- sheetsupdate ---
        if self.watch_fields and self.emit == "new":
            errors["watch_fields"] = "Watched fields need emit changed or new_or_changed."
        if any(not name.strip() for name in self.watch_fields):
            errors["watch_fields"] = "Name each watched field; remove the empty one."
        # --- end sheetsupdate ---
        if not sourced and not self.url:
            errors["url"] = "Enter the address of the JSON API to poll, or pick a preset."
        if errors:
            raise field_errors(self, errors)
        return self


def _github_issues(config: dict[str, Any]) -> dict[str, Any]:
    repository = str(config.get("preset_repository") or "")
    if not REPOSITORY.match(repository):
        return config  # validation says what is missing
    owner, _, name = repository.strip().partition("/")
    url = f"{GITHUB_API}/repos/{quote(owner, safe='')}/{quote(name, safe='')}/issues"
    filled = {k: v for k, v in config.items() if k not in ("preset", "preset_repository")}
    return {
        **filled,
        "url": f"{url}?state=open&sort=created&direction=desc&per_page=50",
        "method": "GET",
        "headers": {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"},
        "items_path": "[?!pull_request]",  # the issues API lists pull requests too
        "id_field": "id",
        "auth": "bearer",
    }


def _google_sheets_rows(config: dict[str, Any]) -> dict[str, Any]:
    """The google_sheets source, the row number as the id; the spreadsheet, range, header row
    and credential stay as given (validation says what is missing)."""
    cleared = ("preset", "preset_repository", "url", "headers", "auth", "items_path")
    filled = {k: v for k, v in config.items() if k not in cleared}
    return {**filled, "source": "google_sheets", "method": "GET", "id_field": "row_number"}


# --- mail: the gmail_messages preset ---
def _gmail_messages(config: dict[str, Any]) -> dict[str, Any]:
    """The gmail source, the message id as the id; the filters and credential stay as given."""
    cleared = ("preset", "preset_repository", "url", "headers", "auth", "items_path")
    filled = {k: v for k, v in config.items() if k not in cleared}
    return {**filled, "source": "gmail", "method": "GET", "id_field": "id"}


GMAIL_FIELDS = {
    "gmail_query",
    "gmail_label_ids",
    "gmail_read_status",
    "gmail_sender",
    "gmail_include_spam_trash",
    "gmail_include_drafts",
    "gmail_skip_sent",
    "gmail_simple",
    "gmail_download_attachments",
}
# --- end mail ---
# --- feeds ---
IMAP_FIELDS = {
    "imap_mailbox",
    "imap_search",
    "imap_format",
    "imap_download_attachments",
    "imap_mark_read",
}
# --- end feeds ---


# --- gfamily: the google_drive_files preset ---
def _google_drive_files(config: dict[str, Any]) -> dict[str, Any]:
    """The google_drive source, `change_id` as the id; event, folder and credential as given."""
    cleared = ("preset", "preset_repository", "url", "headers", "auth", "items_path")
    filled = {k: v for k, v in config.items() if k not in cleared}
    return {**filled, "source": "google_drive", "method": "GET", "id_field": "change_id"}


# --- end gfamily ---


# --- feeds: the rss_entries and imap_messages presets ---
def _rss_entries(config: dict[str, Any]) -> dict[str, Any]:
    """The rss source, `entryId` as the id; the feed's url stays as given, no credential."""
    cleared = ("preset", "preset_repository", "headers", "auth", "items_path", "credential")
    filled = {k: v for k, v in config.items() if k not in cleared}
    return {**filled, "source": "rss", "method": "GET", "id_field": "entryId"}


def _imap_messages(config: dict[str, Any]) -> dict[str, Any]:
    """The imap source, the message's `id` as the id; the search and credential as given."""
    cleared = ("preset", "preset_repository", "url", "headers", "auth", "items_path")
    filled = {k: v for k, v in config.items() if k not in cleared}
    return {**filled, "source": "imap", "method": "GET", "id_field": "id"}


# --- end feeds ---


PRESETS = {
    "github_issues": _github_issues,
    "google_sheets_rows": _google_sheets_rows,
    "gmail_messages": _gmail_messages,
    "google_drive_files": _google_drive_files,  # gfamily
    "rss_entries": _rss_entries,  # feeds
    "imap_messages": _imap_messages,  # feeds
}


def fill_form(config: dict[str, Any]) -> dict[str, Any]:
    """A settings form's config with its preset applied (the preset fields then dropped)."""
    preset = PRESETS.get(str(config.get("preset") or ""))
    return preset(config) if preset else config


def source_settings(config: Config) -> dict[str, Any]:
    """The settings a `source` other than url reads (its integration's `Service.poll`): the
    sheet's for google_sheets, the filters for gmail."""
    if config.source == "gmail":
        return config.model_dump(include=GMAIL_FIELDS)
    # --- gfamily ---
    if config.source == "google_drive":
        return config.model_dump(include={"drive_event", "drive_folder_id", "drive_file_type"})
    # --- end gfamily ---
    # --- feeds ---
    if config.source == "imap":
        return config.model_dump(include=IMAP_FIELDS)
    if config.source == "rss":
        return {}  # the feed's url is asked already
    # --- end feeds ---
    # --- work ---
    if config.source == "notion":
        return config.model_dump(include={"notion_database_id", "notion_event", "notion_simple"})
    # --- end work ---
    # --- airtable2 ---
    if config.source == "airtable":
        return config.model_dump(include=AIRTABLE_FIELDS)
    # --- end airtable2 ---
    # --- svcc ---
    if config.source == "outlook":
        return config.model_dump(
            include={"outlook_folder_id", "outlook_filter", "outlook_output", "outlook_fields"}
        )
    # --- end svcc ---
    # --- strava ---
    if config.source == "strava":
        return config.model_dump(include={"strava_event"})
    if config.source == "google_calendar":
        return config.model_dump(include={"calendar_id", "calendar_event", "calendar_match"})
    # --- end strava ---
    return config.model_dump(include={"spreadsheet_id", "sheet_range", "header_row"})


def asks(config: Config) -> str:
    """What the poll asks, in a few words for the workflow page."""
    if config.source == "google_sheets":
        return f"Google Sheets {config.spreadsheet_id}, {config.sheet_range}"
    if config.source == "gmail":
        return f"Gmail {config.gmail_query or 'every message'}"
    if config.source == "google_drive":  # gfamily
        return f"Google Drive {config.drive_event} in {config.drive_folder_id or 'any folder'}"
    if config.source == "imap":  # feeds
        return f"IMAP {config.imap_mailbox}"
    if config.source == "notion":  # work
        return f"Notion database {config.notion_database_id} ({config.notion_event})"
    if config.source == "airtable":  # airtable2
        return f"Airtable {config.airtable_base_id}/{config.airtable_table}"
    if config.source == "outlook":  # svcc
        return f"Outlook {config.outlook_folder_id or 'mailbox'} {config.outlook_filter}".strip()
    if config.source == "strava":  # strava
        return f"Strava activities ({config.strava_event})"
    if config.source == "google_calendar":  # strava
        return f"Google Calendar {config.calendar_id} ({config.calendar_event})"
    return config.url


def config_in(graph: Any) -> tuple[str, Config] | None:
    """The poll trigger's node id and valid settings when `graph` has one."""
    nodes = graph.get("nodes") if isinstance(graph, dict) else None
    for node in nodes if isinstance(nodes, list) else []:
        if isinstance(node, dict) and node.get("type") == "trigger.poll":
            try:
                config = Config.model_validate(node.get("config") or {})
            except ValidationError:
                return None
            return str(node.get("id", "")), config
    return None


def items_in(answer: Any, items_path: str) -> list[Any]:
    """The list at `items_path` in a parsed answer. Raises ValueError saying what was found."""
    found = jmespath.search(items_path, answer) if items_path else answer
    if not isinstance(found, list):
        where = f"at '{items_path}'" if items_path else "as the whole answer"
        raise ValueError(f"expected a list {where}, found {type(found).__name__}")
    return found[:MAX_ITEMS]


def field_value(item: Any, path: str) -> Any:
    """The value at a dotted path inside an item; None when it has none."""
    value: Any = item
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def item_id(item: Any, id_field: str) -> str | None:
    """The item's id as text (None when it has none): a dotted path inside the item."""
    value = field_value(item, id_field)
    if value is None or isinstance(value, dict | list):
        return None
    return str(value)


def _credential_kinds() -> tuple[str, ...]:
    """The HTTP node's kinds, and every integration kind holding one secret (a GitHub access
    token): that secret is sent the way `auth` says."""
    single = [k.kind for k in registry.KINDS.values() if len(k.secret_fields) == 1]
    # --- mail: the kinds of services that list their own items (Gmail's OAuth client) ---
    listing = [k.kind for s in registry.SERVICES if s.poll for k in s.kinds]
    single += [kind for kind in listing if kind not in single]
    # --- end mail ---
    return (*HTTP_NODE.credential_kinds, *single)


def run(config: Config, ctx: RunContext) -> Any:
    """The new item the run was started for."""
    return ctx.input


NODE = NodeType(
    type="trigger.poll",
    label="When something new appears",
    category="trigger",
    description="Asks a JSON API every few minutes and starts one run per new item (by its "
    "id), or per changed item (emit), with the item as this trigger's output. The first check "
    "only remembers what exists.",
    Config=Config,
    run=run,
    credential_kinds=_credential_kinds(),
    fill_form=fill_form,
)
