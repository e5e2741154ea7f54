"""app.onedrive: upload, download, read, list, search, delete files and create folders in the
signed-in user's OneDrive through Microsoft Graph, by item id as n8n's OneDrive node does.

Outputs keep Graph's driveItem JSON (`id`, `name`, `webUrl`, `size`, `file`, `folder`, ...), as
n8n passes it on; listings and searches gather their items under `items`; a download outputs a
file value (workfuse/lib/files.py) under `file` with the item beside it.
"""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import quote

from pydantic import Field

from integrations.onedrive.credentials import OneDriveOAuth2
from integrations.onedrive.drive_api import DOWNLOAD_URL, Drive, item_path
from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for
from workfuse.lib import files
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

MAX_RESULTS = 1000
BY_ITEM = ("download", "get", "delete")


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your Microsoft OneDrive OAuth2 credential. Needed to run."
    )
    operation: Literal[
        "upload", "download", "get", "list_folder", "search", "delete", "create_folder"
    ] = Field(
        "upload",
        description="upload: store a file (or text) in a folder. download: a file's content as "
        "a file. get: an item's metadata. list_folder: a folder's children. search: files whose "
        "name or content match. delete: a file or folder. create_folder: a folder (a/b/c makes "
        "each level).",
    )
    item_id: str = Field(
        "",
        description="download, get, delete: the item's id (a listing outputs it as id).",
        json_schema_extra=used_by(*BY_ITEM, required=True),
    )
    folder_id: str = Field(
        "",
        description="upload, create_folder: the parent folder's id. list_folder: the folder's id. "
        "Empty: the top of the drive.",
        json_schema_extra=used_by("upload", "list_folder", "create_folder"),
    )
    file_name: str = Field(
        "",
        description="upload: the name to save it as. With a file, empty means the file's own name.",
        json_schema_extra=used_by("upload"),
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
        description="search: the text to find in names, metadata and content.",
        json_schema_extra=used_by("search", required=True),
    )
    name: str = Field(
        "",
        description="create_folder: the folder's name, or a path (a/b/c) to make each level.",
        json_schema_extra=used_by("create_folder", required=True),
    )
    max_results: int = Field(
        MAX_RESULTS,
        ge=1,
        le=MAX_RESULTS,
        description=f"list_folder, search: at most this many items (up to {MAX_RESULTS}).",
        json_schema_extra=used_by("list_folder", "search"),
    )


def _folder(config: Config) -> str:
    return item_path(config.folder_id) if config.folder_id.strip() else "root"


def upload(drive: Drive, config: Config) -> dict[str, Any]:
    if config.file not in (None, ""):
        try:
            made = files.read(config.file, "file")
        except files.FileError as error:
            raise NodeError(str(error)) from None
        data, name, kind = made.data, config.file_name.strip() or made.filename, made.content_type
    else:
        if not config.file_name.strip():
            raise NodeError("upload of text needs file_name: the name to save it as.")
        data, name, kind = config.content.encode(), config.file_name.strip(), "text/plain"
    path = f"{_folder(config)}:/{quote(name, safe='')}:/content"
    return drive.call("PUT", path, "the upload", content=data, headers={"Content-Type": kind})


def download(drive: Drive, config: Config) -> dict[str, Any]:
    item = drive.call("GET", item_path(config.item_id), "the item get")
    if not isinstance(item.get("file"), dict) or not item.get(DOWNLOAD_URL):
        raise NodeError(
            f"The item {config.item_id.strip()} is not a file: it cannot be downloaded."
        )
    data = drive.content(str(item[DOWNLOAD_URL]))
    name = str(item.get("name") or "file")
    try:
        made = files.make(data, name, item["file"].get("mimeType"), f"The OneDrive file {name}")
    except files.FileError as error:
        raise NodeError(str(error)) from None
    return {"file": made.value(), "item": {k: v for k, v in item.items() if k != DOWNLOAD_URL}}


def search(drive: Drive, config: Config) -> dict[str, Any]:
    query = config.query.replace("'", "''")
    found, more = drive.items(
        f"root/search(q='{quote(query, safe='')}')", "the search", MAX_RESULTS
    )
    kept = [i for i in found if "file" in i][: config.max_results]
    return {"items": kept, "count": len(kept), "has_more": more}


def create_folder(drive: Drive, config: Config) -> dict[str, Any]:
    parent = config.folder_id.strip()
    made: dict[str, Any] = {}
    for name in [part for part in config.name.split("/") if part.strip()]:
        where = f"{item_path(parent)}/children" if parent else "root/children"
        body = {"name": name.strip(), "folder": {}, "@microsoft.graph.conflictBehavior": "fail"}
        made = drive.call("POST", where, "the folder create", json=body)
        parent = str(made.get("id") or "")
        if not parent:
            break
    return made


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """upload, get, create_folder: the driveItem; download: {file, item}; list_folder and
    search: {items, count, has_more}; delete: {success: true}."""
    secret, _ = credential_for(ctx, config.operation, OneDriveOAuth2)
    drive = Drive(secret)
    op = config.operation
    if op == "upload":
        return upload(drive, config)
    if op == "download":
        return download(drive, config)
    if op == "search":
        return search(drive, config)
    if op == "create_folder":
        return create_folder(drive, config)
    if op == "list_folder":
        found, more = drive.items(
            f"{_folder(config)}/children", "the folder list", config.max_results
        )
        return {"items": found, "count": len(found), "has_more": more}
    if op == "get":
        return drive.call("GET", item_path(config.item_id), "the item get")
    drive.call("DELETE", item_path(config.item_id), "the item delete")
    return {"success": True}


NODE = NodeType(
    type="app.onedrive",
    label="Microsoft OneDrive",
    category="app",
    description="Uploads, downloads, reads, lists, searches and deletes files and creates "
    "folders in a OneDrive through Microsoft Graph; downloads output a file for the next steps.",
    Config=Config,
    run=run,
    credential_kinds=(OneDriveOAuth2.kind,),
    icon="☁",
    examples=(
        (
            "Upload the file the previous step made to OneDrive folder 01BYE5RZ, credential 8",
            {
                "credential": 8,
                "operation": "upload",
                "folder_id": "01BYE5RZ",
                "file": "{{ nodes.render.file }}",
            },
        ),
        (
            "Download the OneDrive file whose id the webhook sent",
            {"operation": "download", "item_id": "{{ trigger.body.item_id }}"},
        ),
        (
            "Read the metadata of OneDrive item 01BYE5RZ6QN3ZWBTUFOFD3GSPGOHDJD36K",
            {"operation": "get", "item_id": "01BYE5RZ6QN3ZWBTUFOFD3GSPGOHDJD36K"},
        ),
        (
            "List the first 100 items of OneDrive folder 01BYE5RZ",
            {"operation": "list_folder", "folder_id": "01BYE5RZ", "max_results": 100},
        ),
        (
            "Search my OneDrive for files about the quarterly report",
            {"operation": "search", "query": "quarterly report"},
        ),
        (
            "Delete the OneDrive item the loop is on",
            {"operation": "delete", "item_id": "{{ item.id }}"},
        ),
        (
            "Create the folder Clients/Acme at the top of my OneDrive",
            {"operation": "create_folder", "name": "Clients/Acme"},
        ),
    ),
)
