"""app.dropbox: upload, download, list, search, create, delete, move and copy files and folders
in a Dropbox, addressed by path as in n8n's Dropbox node.

Outputs follow n8n's: an upload answers the file's metadata; a listing's entries carry n8n's
names (`type`, `pathDisplay`, `contentSize`, ...); a search's matches are simplified as n8n
does (the file's metadata with `match_type`); create, delete, move and copy answer Dropbox's
`{"metadata": {...}}`. A download outputs a file value (workfuse/lib/files.py) under `file`.
"""

from __future__ import annotations

import posixpath
from typing import Any, Literal

from pydantic import Field, field_validator

from integrations.dropbox.credentials import DropboxOAuth2
from integrations.dropbox.dropbox_api import Dropbox
from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for
from workfuse.lib import files
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

MAX_RESULTS = 2000  # a listing's entry is ~400 bytes: 2,000 fit a step's output
SEARCH_PAGE = 1000  # search_v2's largest max_results
LISTING = ("list_folder", "search")
BY_PATH = ("upload", "download", "create_folder", "delete", "move", "copy")
CATEGORIES = (
    "audio",
    "document",
    "folder",
    "image",
    "other",
    "paper",
    "pdf",
    "presentation",
    "spreadsheet",
    "video",
)
# n8n's names for a listing's fields (its Dropbox node's folder:list output).
LIST_NAMES = {
    "id": "id",
    "name": "name",
    "client_modified": "lastModifiedClient",
    "server_modified": "lastModifiedServer",
    "rev": "rev",
    "size": "contentSize",
    ".tag": "type",
    "content_hash": "contentHash",
    "path_lower": "pathLower",
    "path_display": "pathDisplay",
    "has_explicit_shared_members": "hasExplicitSharedMembers",
    "is_downloadable": "isDownloadable",
}


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your Dropbox OAuth2 credential. Needed to run."
    )
    operation: Literal[
        "upload",
        "download",
        "list_folder",
        "search",
        "create_folder",
        "delete",
        "move",
        "copy",
    ] = Field(
        "upload",
        description="upload: store a file (or text) at a path, replacing what is there. "
        "download: a file's content as a file. list_folder: a folder's files and folders. "
        "search: find files and folders by name. create_folder. delete: a file or a whole "
        "folder. move / copy: a file or folder to another path.",
    )
    path: str = Field(
        "",
        description="The full path, starting with / (/invoices/2026/march.pdf). list_folder: the "
        "folder (empty: the top). search: only under this folder (empty: everywhere). move, "
        "copy: the path to move or copy from.",
        examples=["/invoices/2026/march.pdf"],
        json_schema_extra=used_by(*BY_PATH, *LISTING, required=BY_PATH),
    )
    to_path: str = Field(
        "",
        description="move, copy: the new full path, file name included (/archive/march.pdf).",
        examples=["/archive/march.pdf"],
        json_schema_extra=used_by("move", "copy", required=True),
    )
    file: Any = Field(
        None,
        description="upload: the file to store, a file value, usually a template: "
        "{{ nodes.download.file }}. Empty: content is stored as a text file.",
        json_schema_extra=used_by("upload"),
    )
    content: str = Field(
        "",
        description="upload: the text to store when no file is given.",
        json_schema_extra=used_by("upload"),
    )
    query: str = Field(
        "",
        description="search: the words to find in file and folder names.",
        json_schema_extra=used_by("search", required=True),
    )
    file_categories: list[str] = Field(
        default_factory=list,
        description=f"search: only these kinds ({', '.join(CATEGORIES)}).",
        examples=[["pdf", "image"]],
        json_schema_extra=used_by("search"),
    )
    file_extensions: list[str] = Field(
        default_factory=list,
        description="search: only these extensions (pdf, jpg), as a list or separated by commas.",
        json_schema_extra=used_by("search"),
    )
    simplify: bool = Field(
        True,
        description="search: each match as the file's metadata with match_type (n8n's "
        "Simplify); off: Dropbox's matches as they are.",
        json_schema_extra=used_by("search"),
    )
    limit: int = Field(
        100,
        ge=1,
        le=MAX_RESULTS,
        description=f"list_folder, search: at most this many results (up to {MAX_RESULTS}).",
        json_schema_extra=used_by(*LISTING),
    )
    recursive: bool = Field(
        False,
        description="list_folder: the subfolders' contents too.",
        json_schema_extra=used_by("list_folder"),
    )
    include_deleted: bool = Field(
        False,
        description="list_folder: also entries that were deleted.",
        json_schema_extra=used_by("list_folder"),
    )
    include_mounted_folders: bool = Field(
        True,
        description="list_folder: include the app folder, shared and team folders.",
        json_schema_extra=used_by("list_folder"),
    )
    include_non_downloadable_files: bool = Field(
        True,
        description="list_folder: include files that cannot be downloaded (Google Docs).",
        json_schema_extra=used_by("list_folder"),
    )

    @field_validator("file_extensions", mode="before")
    @classmethod
    def _extensions(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.split(",")
        if isinstance(value, list):
            return [str(v).strip().lstrip(".") for v in value if str(v).strip()]
        return value

    @field_validator("file_categories")
    @classmethod
    def _categories(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(CATEGORIES))
        if unknown:
            raise ValueError(
                f"unknown categories {', '.join(unknown)}: use {', '.join(CATEGORIES)}"
            )
        return value


def _path(value: str, where: str = "path") -> str:
    """A Dropbox path as the API takes it: "" for the top, else starting with one slash."""
    value = value.strip()
    if value in ("", "/"):
        return ""
    if not value.startswith(("/", "id:", "rev:", "ns:")):
        raise NodeError(f"The {where} {value!r} must start with / (a full path).")
    return value


def _listing(entry: dict[str, Any]) -> dict[str, Any]:
    return {n8n: entry[name] for name, n8n in LIST_NAMES.items() if name in entry}


def list_folder(box: Dropbox, config: Config) -> dict[str, Any]:
    body: dict[str, Any] = {
        "path": _path(config.path),
        "limit": min(config.limit, SEARCH_PAGE),
        "recursive": config.recursive,
        "include_deleted": config.include_deleted,
        "include_mounted_folders": config.include_mounted_folders,
        "include_non_downloadable_files": config.include_non_downloadable_files,
    }
    answer = box.rpc("files/list_folder", body, "files/list_folder")
    entries = list(answer.get("entries") or [])
    while answer.get("has_more") and len(entries) < config.limit:
        cursor = {"cursor": answer.get("cursor")}
        answer = box.rpc("files/list_folder/continue", cursor, "files/list_folder/continue")
        entries += answer.get("entries") or []
    kept = [_listing(e) for e in entries[: config.limit] if isinstance(e, dict)]
    more = bool(answer.get("has_more")) or len(entries) > config.limit
    return {"entries": kept, "count": len(kept), "has_more": more}


def _simplified(match: dict[str, Any]) -> dict[str, Any]:
    """n8n's Simplify: the match's file or folder metadata, with match_type as a word."""
    outer = match.get("metadata") or {}
    inner = outer.get(outer.get(".tag", "")) if isinstance(outer, dict) else None
    found = {k: v for k, v in match.items() if k != "metadata"}
    found.update(inner if isinstance(inner, dict) else {})
    kind = found.get("match_type")
    if isinstance(kind, dict) and kind.get(".tag"):
        found["match_type"] = kind[".tag"]
    return found


def search(box: Dropbox, config: Config) -> dict[str, Any]:
    options: dict[str, Any] = {
        "filename_only": True,
        "max_results": min(config.limit, SEARCH_PAGE),
    }
    if _path(config.path):
        options["path"] = _path(config.path)
    if config.file_categories:
        options["file_categories"] = config.file_categories
    if config.file_extensions:
        options["file_extensions"] = config.file_extensions
    answer = box.rpc("files/search_v2", {"query": config.query, "options": options}, "search_v2")
    matches = list(answer.get("matches") or [])
    while answer.get("has_more") and answer.get("cursor") and len(matches) < config.limit:
        cursor = {"cursor": answer["cursor"]}
        answer = box.rpc("files/search/continue_v2", cursor, "search/continue_v2")
        matches += answer.get("matches") or []
    kept = [m for m in matches[: config.limit] if isinstance(m, dict)]
    if config.simplify:
        kept = [_simplified(m) for m in kept]
    more = bool(answer.get("has_more")) or len(matches) > config.limit
    return {"matches": kept, "count": len(kept), "has_more": more}


def download(box: Dropbox, config: Config) -> dict[str, Any]:
    path = _path(config.path)
    data, metadata = box.download(path)
    name = str(metadata.get("name") or posixpath.basename(path) or "file")
    try:
        made = files.make(data, name, None, f"The Dropbox file {path}")
    except files.FileError as error:
        raise NodeError(str(error)) from None
    return {"file": made.value(), "metadata": metadata}


def upload(box: Dropbox, config: Config) -> dict[str, Any]:
    if config.file not in (None, ""):
        try:
            data = files.read(config.file, "file").data
        except files.FileError as error:
            raise NodeError(str(error)) from None
    else:
        data = config.content.encode()
    return box.upload(_path(config.path), data)


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """upload: the file's metadata; download: {file, metadata}; list_folder: {entries, count,
    has_more}; search: {matches, count, has_more}; the others: Dropbox's {metadata}."""
    secret, _ = credential_for(ctx, config.operation, DropboxOAuth2)
    box = Dropbox(secret)
    op = config.operation
    if op == "list_folder":
        return list_folder(box, config)
    if op == "search":
        return search(box, config)
    if op == "download":
        return download(box, config)
    if op == "upload":
        return upload(box, config)
    path = _path(config.path)
    if not path:
        raise NodeError(f"path must name a file or folder for {op}, not the top of the Dropbox.")
    if op == "create_folder":
        return box.rpc("files/create_folder_v2", {"path": path}, "files/create_folder_v2")
    if op == "delete":
        return box.rpc("files/delete_v2", {"path": path}, "files/delete_v2")
    body = {"from_path": path, "to_path": _path(config.to_path, "to_path")}
    return box.rpc(f"files/{op}_v2", body, f"files/{op}_v2")


NODE = NodeType(
    type="app.dropbox",
    label="Dropbox",
    category="app",
    description="Uploads, downloads, lists, searches, moves, copies and deletes Dropbox files and "
    "folders by path; downloads output a file for the next steps.",
    Config=Config,
    run=run,
    credential_kinds=(DropboxOAuth2.kind,),
    icon="◇",
    examples=(
        (
            "Save the report the previous step made to /reports/weekly.pdf in Dropbox, "
            "credential 5",
            {
                "credential": 5,
                "operation": "upload",
                "path": "/reports/weekly.pdf",
                "file": "{{ nodes.report.file }}",
            },
        ),
        (
            "Download /invoices/march.pdf from Dropbox",
            {"operation": "download", "path": "/invoices/march.pdf"},
        ),
        (
            "List the first 50 entries of the Dropbox folder /backups",
            {"operation": "list_folder", "path": "/backups", "limit": 50},
        ),
        (
            "Find PDF files named like the customer in Dropbox",
            {
                "operation": "search",
                "query": "{{ trigger.body.customer }}",
                "file_extensions": ["pdf"],
            },
        ),
        (
            "Create the Dropbox folder /clients/<client name from the webhook>",
            {"operation": "create_folder", "path": "/clients/{{ trigger.body.client }}"},
        ),
        (
            "Delete the Dropbox file the loop is on",
            {"operation": "delete", "path": "{{ item.pathDisplay }}"},
        ),
        (
            "Move /inbox/scan.pdf to /archive/scan.pdf in Dropbox",
            {"operation": "move", "path": "/inbox/scan.pdf", "to_path": "/archive/scan.pdf"},
        ),
        (
            "Copy the Dropbox template /templates/contract.docx to /clients/acme/contract.docx",
            {
                "operation": "copy",
                "path": "/templates/contract.docx",
                "to_path": "/clients/acme/contract.docx",
            },
        ),
    ),
)
