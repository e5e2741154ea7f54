"""app.google_drive: search, read, download, upload and organise Drive files as a service account.

Outputs keep Drive's own JSON (`id`, `name`, `mimeType`, `webViewLink`, ...), as n8n's Google
Drive node passes it on; a download outputs a file value (workfuse/lib/files.py) under `file`.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, field_validator

from integrations.google_drive import drive_api
from integrations.google_sheets.credentials import ServiceAccountKey
from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for
from workfuse.lib import files
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType

MAX_RESULTS = 1000
PAGE_SIZE = 1000  # Drive's largest page
FULL_PAGE_SIZE = 100  # with every field a file is a few kilobytes: a page stays under 2 MB
GOOGLE_APPS = "application/vnd.google-apps."
ID_IN_URL = re.compile(r"(?:/d/|/folders/|[?&]id=)([A-Za-z0-9_-]+)")
WITH_FILE = ("get", "download", "update", "copy", "move", "delete", "share")
# Google's own files have no bytes of their own: a download exports them (n8n's defaults).
EXPORTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "document": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (
            "application/pdf",
            "text/plain",
            "text/html",
            "application/rtf",
            "application/vnd.oasis.opendocument.text",
            "application/epub+zip",
            "text/markdown",
        ),
    ),
    "spreadsheet": (
        "application/x-vnd.oasis.opendocument.spreadsheet",
        (
            "text/csv",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/vnd.oasis.opendocument.spreadsheet",
            "application/pdf",
            "text/tab-separated-values",
        ),
    ),
    "presentation": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ("application/pdf", "text/plain", "application/vnd.oasis.opendocument.presentation"),
    ),
    "drawing": ("image/jpeg", ("image/png", "image/svg+xml", "application/pdf")),
}
EXTENSIONS = {
    "application/pdf": "pdf",
    "text/plain": "txt",
    "text/html": "html",
    "text/csv": "csv",
    "text/markdown": "md",
    "text/tab-separated-values": "tsv",
    "application/rtf": "rtf",
    "application/epub+zip": "epub",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/svg+xml": "svg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/x-vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}


def _export_field(kind: str, label: str) -> Any:
    default, others = EXPORTS[kind]
    return Field(
        default,
        description=f"download: the format a Google {label} is exported to (a MIME type: "
        f"{', '.join((default, *others))}).",
        json_schema_extra=used_by("download"),
    )


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your Google service account key credential. Needed to run."
    )
    operation: Literal[
        "search",
        "get",
        "download",
        "upload",
        "create_from_text",
        "update",
        "copy",
        "move",
        "delete",
        "share",
        "create_folder",
    ] = Field(
        "search",
        description="search: list files and folders. get: a file's metadata. download: a "
        "file's content as a file (Google Docs, Sheets and Slides exported). upload: store a "
        "file. create_from_text: store text as a file (or a Google Doc). update: replace a "
        "file's content and/or rename it. copy, move, delete (to the trash or for good), share "
        "(add a permission), create_folder.",
    )
    file_id: str = Field(
        "",
        description="The file's (or folder's) id, or its Drive URL.",
        json_schema_extra=used_by(*WITH_FILE, required=True),
    )
    search_method: Literal["name", "query"] = Field(
        "name",
        description="search: name (names containing query) or query (query is a Drive search "
        "expression, e.g. mimeType = 'application/pdf' and modifiedTime > '2026-01-01').",
        json_schema_extra=used_by("search"),
    )
    query: str = Field(
        "",
        description="search: the text names contain, or a Drive query. Empty: everything.",
        json_schema_extra=used_by("search"),
    )
    what: Literal["all", "files", "folders"] = Field(
        "all", description="search: files, folders or both.", json_schema_extra=used_by("search")
    )
    file_types: list[str] = Field(
        default_factory=list,
        description="search: only these MIME types (any of them), e.g. application/pdf, "
        "application/vnd.google-apps.document.",
        json_schema_extra=used_by("search"),
    )
    include_trashed: bool = Field(
        False,
        description="search: also list files in the trash.",
        json_schema_extra=used_by("search"),
    )
    drive_id: str = Field(
        "",
        description="search: a shared drive's id to search in. Empty: every drive the account "
        "can see.",
        json_schema_extra=used_by("search"),
    )
    folder_id: str = Field(
        "",
        description="search: only what this folder holds. upload, create_from_text, copy, "
        "create_folder: the folder to put it in (empty: the account's My Drive). move: the "
        "folder to move it to. An id or a folder URL.",
        json_schema_extra=used_by(
            "search",
            "upload",
            "create_from_text",
            "copy",
            "create_folder",
            "move",
            required=("move",),
        ),
    )
    limit: int = Field(
        50,
        ge=1,
        le=MAX_RESULTS,
        description=f"search: at most this many results (up to {MAX_RESULTS}).",
        json_schema_extra=used_by("search"),
    )
    fields: str = Field(
        "",
        description="search, get, update: which file fields to return, comma-separated "
        "(id, name, mimeType, webViewLink, parents, size, modifiedTime ...; * for all). "
        "Empty: id and name for search, all for get, Drive's usual ones otherwise.",
        json_schema_extra=used_by("search", "get", "update"),
    )
    name: str = Field(
        "",
        description="upload: the file's name (empty: the file's own). create_from_text, "
        "create_folder: its name. update: a new name (empty: unchanged). copy: the copy's "
        "name (empty: Drive's “Copy of …”).",
        json_schema_extra=used_by(
            "upload",
            "create_from_text",
            "update",
            "copy",
            "create_folder",
            required=("create_from_text", "create_folder"),
        ),
    )
    file: Any = Field(
        None,
        description="upload: the file to store; update: its new content (empty: unchanged). "
        "A file value, usually a template: {{ nodes.download.file }}.",
        json_schema_extra=used_by("upload", "update", required=("upload",)),
    )
    content: str = Field(
        "",
        description="create_from_text: the text to store.",
        json_schema_extra=used_by("create_from_text"),
    )
    convert_to_google_doc: bool = Field(
        False,
        description="create_from_text: make a Google Doc of the text instead of a .txt file.",
        json_schema_extra=used_by("create_from_text"),
    )
    docs_format: str = _export_field("document", "Doc")
    sheets_format: str = _export_field("spreadsheet", "Sheet")
    slides_format: str = _export_field("presentation", "Slides deck")
    drawings_format: str = _export_field("drawing", "Drawing")
    file_name: str = Field(
        "",
        description="download: the downloaded file's name (empty: its name on Drive).",
        json_schema_extra=used_by("download"),
    )
    permanently: bool = Field(
        False,
        description="delete: delete for good. Off: move to the trash.",
        json_schema_extra=used_by("delete"),
    )
    role: Literal["reader", "commenter", "writer", "fileOrganizer", "organizer", "owner"] = Field(
        "reader", description="share: what the grantee may do.", json_schema_extra=used_by("share")
    )
    grantee: Literal["user", "group", "domain", "anyone"] = Field(
        "user",
        description="share: who gets access: a user or group (email_address), a domain (domain) "
        "or anyone with the link.",
        json_schema_extra=used_by("share"),
    )
    email_address: str = Field(
        "", description="share: the user's or group's email.", json_schema_extra=used_by("share")
    )
    domain: str = Field(
        "", description="share: the domain (example.com).", json_schema_extra=used_by("share")
    )
    allow_file_discovery: bool = Field(
        False,
        description="share (domain, anyone): the file can be found by searching.",
        json_schema_extra=used_by("share"),
    )
    send_notification: bool = Field(
        True,
        description="share (user, group): email the grantee.",
        json_schema_extra=used_by("share"),
    )
    email_message: str = Field(
        "", description="share: a message in that email.", json_schema_extra=used_by("share")
    )

    @field_validator("docs_format", "sheets_format", "slides_format", "drawings_format")
    @classmethod
    def _format(cls, value: str, info: Any) -> str:
        kind = {
            "docs_format": "document",
            "sheets_format": "spreadsheet",
            "slides_format": "presentation",
            "drawings_format": "drawing",
        }[info.field_name]
        default, others = EXPORTS[kind]
        if value not in (default, *others):
            raise ValueError(f"must be one of {', '.join((default, *others))}")
        return value


def id_of(value: str) -> str:
    """An id, or the id in a Drive URL (…/d/<id>/…, …/folders/<id>, …?id=<id>)."""
    value = value.strip()
    found = ID_IN_URL.search(value) if "/" in value else None
    return found.group(1) if found else value


def _quoted(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def search_query(config: Config) -> str:
    """The Drive `q` for a search, built as n8n's fileFolder search builds it."""
    parts: list[str] = []
    if config.search_method == "name":
        parts.append(f"name contains {_quoted(config.query)}")
    elif config.query.strip():
        parts.append(config.query.strip())
    if config.folder_id.strip():
        parts.append(f"{_quoted(id_of(config.folder_id))} in parents")
    if config.what == "folders":
        parts.append(f"mimeType = '{drive_api.FOLDER}'")
    else:
        if config.what == "files":
            parts.append(f"mimeType != '{drive_api.FOLDER}'")
        types = [t.strip() for t in config.file_types if t.strip() and t.strip() != "*"]
        if types:
            parts.append("(" + " or ".join(f"mimeType = {_quoted(t)}" for t in types) + ")")
    if not config.include_trashed:
        parts.append("trashed = false")
    return " and ".join(parts)


def _fields(config: Config, default: str) -> str:
    chosen = ", ".join(f.strip() for f in config.fields.split(",") if f.strip())
    return chosen or default


def search(secret: Secret, config: Config) -> dict[str, Any]:
    params: dict[str, Any] = {
        "q": search_query(config),
        "fields": f"nextPageToken, files({_fields(config, 'id, name')})",
        "includeItemsFromAllDrives": "true",
        "corpora": "allDrives",
    }
    if config.drive_id.strip():
        params.update(driveId=id_of(config.drive_id), corpora="drive")
    found: list[dict[str, Any]] = []
    token = ""
    while True:
        size = FULL_PAGE_SIZE if "*" in params["fields"] else PAGE_SIZE
        page = {"pageSize": min(size, config.limit - len(found))}
        answer = drive_api.call(
            secret,
            "GET",
            "/drive/v3/files",
            "files.list",
            params={**params, **page, **({"pageToken": token} if token else {})},
        )
        found += [f for f in answer.get("files") or [] if isinstance(f, dict)]
        token = str(answer.get("nextPageToken") or "")
        if not token or len(found) >= config.limit:
            break
    return {
        "files": found[: config.limit],
        "count": min(len(found), config.limit),
        "truncated": bool(token),
    }


def _get(secret: Secret, file_id: str, fields: str) -> dict[str, Any]:
    return drive_api.call(
        secret, "GET", drive_api.file_path(file_id), "files.get", params={"fields": fields}
    )


def download(secret: Secret, config: Config) -> dict[str, Any]:
    file_id = id_of(config.file_id)
    meta = _get(secret, file_id, "id, name, mimeType")
    mime = str(meta.get("mimeType") or "")
    name = config.file_name.strip() or str(meta.get("name") or file_id)
    if mime.startswith(GOOGLE_APPS):
        kind = mime.removeprefix(GOOGLE_APPS)
        target = {
            "document": config.docs_format,
            "spreadsheet": config.sheets_format,
            "presentation": config.slides_format,
        }.get(kind, config.drawings_format)
        data, served = drive_api.content(
            secret, drive_api.file_path(file_id, "/export"), "files.export", mimeType=target
        )
        extension = EXTENSIONS.get(target)
        if not config.file_name.strip() and extension and not name.endswith(f".{extension}"):
            name = f"{name}.{extension}"
        served = served or target
    else:
        data, served = drive_api.content(
            secret, drive_api.file_path(file_id), "files.get (alt=media)", alt="media"
        )
        served = served or mime
    try:
        made = files.make(data, name, served or None, f"The Drive file {name}")
    except files.FileError as error:
        raise NodeError(str(error)) from None
    return {"file": made.value(), "id": file_id, "name": meta.get("name"), "mimeType": mime}


def _parents(config: Config) -> list[str]:
    return [id_of(config.folder_id)] if config.folder_id.strip() else []


def _file(config: Config) -> files.File:
    try:
        return files.read(config.file, "file")
    except files.FileError as error:
        raise NodeError(str(error)) from None


def upload(secret: Secret, config: Config) -> dict[str, Any]:
    made = _file(config)
    metadata: dict[str, Any] = {"name": config.name.strip() or made.filename}
    if parents := _parents(config):
        metadata["parents"] = parents
    return drive_api.upload(
        secret,
        "POST",
        "/drive/v3/files",
        "files.create (upload)",
        metadata,
        made.data,
        made.content_type,
        fields=_fields(config, "id, name, mimeType, webViewLink"),
    )


def create_from_text(secret: Secret, config: Config) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": config.name}
    if config.convert_to_google_doc:
        metadata["mimeType"] = f"{GOOGLE_APPS}document"
    if parents := _parents(config):
        metadata["parents"] = parents
    return drive_api.upload(
        secret,
        "POST",
        "/drive/v3/files",
        "files.create (from text)",
        metadata,
        config.content.encode(),
        "text/plain; charset=UTF-8",
        fields=_fields(config, "id, name, mimeType, webViewLink"),
    )


def update(secret: Secret, config: Config) -> dict[str, Any]:
    file_id = id_of(config.file_id)
    metadata = {"name": config.name.strip()} if config.name.strip() else {}
    fields = _fields(config, "id, name, mimeType, webViewLink")
    if config.file not in (None, ""):
        made = _file(config)
        return drive_api.upload(
            secret,
            "PATCH",
            drive_api.file_path(file_id),
            "files.update (content)",
            metadata,
            made.data,
            made.content_type,
            fields=fields,
        )
    if not metadata:
        raise NodeError("update needs a new name or new content (file): both are empty.")
    return drive_api.call(
        secret,
        "PATCH",
        drive_api.file_path(file_id),
        "files.update",
        json=metadata,
        params={"fields": fields},
    )


def copy(secret: Secret, config: Config) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if config.name.strip():
        body["name"] = config.name.strip()
    if parents := _parents(config):
        body["parents"] = parents
    return drive_api.call(
        secret,
        "POST",
        drive_api.file_path(id_of(config.file_id), "/copy"),
        "files.copy",
        json=body,
        params={"fields": "id, name, mimeType, parents, webViewLink"},
    )


def move(secret: Secret, config: Config) -> dict[str, Any]:
    file_id = id_of(config.file_id)
    current = _get(secret, file_id, "parents").get("parents") or []
    return drive_api.call(
        secret,
        "PATCH",
        drive_api.file_path(file_id),
        "files.update (move)",
        json={},
        params={
            "addParents": id_of(config.folder_id),
            "removeParents": ",".join(map(str, current)),
            "fields": "id, name, mimeType, parents",
        },
    )


def delete(secret: Secret, config: Config) -> dict[str, Any]:
    file_id = id_of(config.file_id)
    if config.permanently:
        drive_api.call(secret, "DELETE", drive_api.file_path(file_id), "files.delete")
    else:
        drive_api.call(
            secret,
            "PATCH",
            drive_api.file_path(file_id),
            "files.update (trash)",
            json={"trashed": True},
        )
    return {"id": file_id, "success": True}


def share(secret: Secret, config: Config) -> dict[str, Any]:
    permission: dict[str, Any] = {"role": config.role, "type": config.grantee}
    params: dict[str, Any] = {}
    if config.grantee in ("user", "group"):
        if not config.email_address.strip():
            raise NodeError(f"share with a {config.grantee} needs email_address.")
        permission["emailAddress"] = config.email_address.strip()
        params["sendNotificationEmail"] = "true" if config.send_notification else "false"
        if config.send_notification and config.email_message:
            params["emailMessage"] = config.email_message
    else:
        permission["allowFileDiscovery"] = config.allow_file_discovery
        if config.grantee == "domain":
            if not config.domain.strip():
                raise NodeError("share with a domain needs domain.")
            permission["domain"] = config.domain.strip()
    if config.role == "owner":
        params["transferOwnership"] = "true"
    return drive_api.call(
        secret,
        "POST",
        drive_api.file_path(id_of(config.file_id), "/permissions"),
        "permissions.create",
        json=permission,
        params=params,
    )


def create_folder(secret: Secret, config: Config) -> dict[str, Any]:
    body: dict[str, Any] = {"name": config.name, "mimeType": drive_api.FOLDER}
    if parents := _parents(config):
        body["parents"] = parents
    return drive_api.call(
        secret,
        "POST",
        "/drive/v3/files",
        "files.create (folder)",
        json=body,
        params={"fields": "id, name, mimeType, webViewLink"},
    )


def get(secret: Secret, config: Config) -> dict[str, Any]:
    return _get(secret, id_of(config.file_id), _fields(config, "*"))


OPERATIONS = {
    "search": search,
    "get": get,
    "download": download,
    "upload": upload,
    "create_from_text": create_from_text,
    "update": update,
    "copy": copy,
    "move": move,
    "delete": delete,
    "share": share,
    "create_folder": create_folder,
}


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """search: {files, count, truncated}; download: {file, id, name, mimeType}; delete:
    {id, success}; share: the permission; the others: the file as Drive describes it."""
    secret, _ = credential_for(ctx, config.operation, ServiceAccountKey)
    return OPERATIONS[config.operation](secret, config)


NODE = NodeType(
    type="app.google_drive",
    label="Google Drive",
    category="app",
    description="Searches, downloads, uploads, copies, moves, shares and deletes Google Drive "
    "files as a service account; Google Docs, Sheets and Slides download as pdf, docx, csv or "
    "text.",
    Config=Config,
    run=run,
    credential_kinds=(ServiceAccountKey.kind,),
    icon="◭",
    examples=(
        (
            "List the PDFs in folder 1FoLdEr, credential 3",
            {
                "credential": 3,
                "operation": "search",
                "query": "",
                "folder_id": "1FoLdEr",
                "what": "files",
                "file_types": ["application/pdf"],
            },
        ),
        (
            "Download the Google Doc whose id the webhook sent, as plain text",
            {
                "operation": "download",
                "file_id": "{{ trigger.body.file_id }}",
                "docs_format": "text/plain",
            },
        ),
        (
            "Save the report the previous step made in folder 1FoLdEr",
            {
                "operation": "upload",
                "file": "{{ nodes.report.file }}",
                "folder_id": "1FoLdEr",
            },
        ),
        (
            "Read the metadata of file 1FiLe: its name, size and link",
            {"operation": "get", "file_id": "1FiLe", "fields": "id, name, size, webViewLink"},
        ),
        (
            "Save the summary text as summary.md in folder 1FoLdEr",
            {
                "operation": "create_from_text",
                "name": "summary.md",
                "content": "{{ nodes.summarize.text }}",
                "folder_id": "1FoLdEr",
            },
        ),
        (
            "Rename file 1FiLe to final.pdf",
            {"operation": "update", "file_id": "1FiLe", "name": "final.pdf"},
        ),
        (
            "Copy the template document 1TeMpLaTe as the client's contract",
            {
                "operation": "copy",
                "file_id": "1TeMpLaTe",
                "name": "Contract {{ trigger.body.client }}",
            },
        ),
        (
            "Move the processed file to the Done folder 1DoNe",
            {"operation": "move", "file_id": "{{ item.id }}", "folder_id": "1DoNe"},
        ),
        (
            "Move file 1FiLe to the trash",
            {"operation": "delete", "file_id": "1FiLe"},
        ),
        (
            "Let anyone with the link read file 1FiLe",
            {"operation": "share", "file_id": "1FiLe", "role": "reader", "grantee": "anyone"},
        ),
        (
            "Create a folder named after the client in folder 1CliEnTs",
            {
                "operation": "create_folder",
                "name": "{{ trigger.body.client }}",
                "folder_id": "1CliEnTs",
            },
        ),
    ),
)
