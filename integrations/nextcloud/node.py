"""app.nextcloud: files uploaded, downloaded, moved, copied and deleted, folders listed and
created, over the user's WebDAV."""

from __future__ import annotations

import posixpath
from typing import Any, Literal

from pydantic import Field

from integrations.nextcloud import webdav
from integrations.nextcloud.credentials import AppPassword
from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for
from workfuse.lib import files
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType

Operation = Literal["upload", "download", "list_folder", "create_folder", "delete", "move", "copy"]
BY_PATH = ("upload", "download", "create_folder", "delete", "move", "copy")


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your Nextcloud app password credential. Needed to run."
    )
    operation: Operation = Field(
        "upload",
        description="upload: store a file. download: a file's content. list_folder: a "
        "folder's files and folders. create_folder, delete (a file or folder), move, copy.",
    )
    path: str = Field(
        "",
        description="The file or folder, below the user's files: Documents/report.pdf. "
        "list_folder: the folder (empty: the top).",
        json_schema_extra=used_by(*BY_PATH, "list_folder", required=list(BY_PATH)),
    )
    to_path: str = Field(
        "",
        description="move / copy: the new path.",
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


def _download(secret: Secret, config: Config) -> dict[str, Any]:
    reply = webdav.send(secret, "GET", config.path, what="download", raw=True)
    name = posixpath.basename(webdav.clean_path(config.path)) or "file"
    media = reply.headers.get("content-type", "").split(";")[0].strip() or None
    try:
        made = files.make(reply.body, name, media, f"The Nextcloud file {config.path}")
    except files.FileError as error:
        raise NodeError(str(error)) from None
    return {"file": made.value(), "path": webdav.clean_path(config.path)}


def _upload(secret: Secret, config: Config) -> dict[str, Any]:
    if config.file not in (None, ""):
        try:
            data = files.read(config.file, "file").data
        except files.FileError as error:
            raise NodeError(str(error)) from None
    else:
        data = config.content.encode()
    webdav.send(secret, "PUT", config.path, what="upload", content=data)
    return {"success": True, "path": webdav.clean_path(config.path)}


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """download: {file, path}; list_folder: {entries, count}, each entry as n8n lists it; the
    others: {success: true, path}."""
    secret, _ = credential_for(ctx, config.operation, AppPassword)
    op = config.operation
    if op == "list_folder":
        entries = webdav.listing(secret, config.path)
        return {"entries": entries, "count": len(entries)}
    if not webdav.clean_path(config.path):
        raise NodeError(
            f"path must name a file or folder for {op}, not the top of the user's files."
        )
    if op == "download":
        return _download(secret, config)
    if op == "upload":
        return _upload(secret, config)
    if op == "create_folder":
        webdav.send(secret, "MKCOL", config.path, what=op)
    elif op == "delete":
        webdav.send(secret, "DELETE", config.path, what=op)
    else:
        if not webdav.clean_path(config.to_path):
            raise NodeError(f"to_path must name where to {op} {config.path}.")
        verb = op.upper()
        webdav.send(secret, verb, config.path, what=op, destination=config.to_path)
    return {"success": True, "path": webdav.clean_path(config.path)}


NODE = NodeType(
    type="app.nextcloud",
    label="Nextcloud",
    category="app",
    description="Uploads, downloads, lists, moves, copies and deletes files and folders in "
    "Nextcloud over WebDAV; downloads output a file for the next steps.",
    Config=Config,
    run=run,
    credential_kinds=(AppPassword.kind,),
    icon="☁",
    examples=(
        (
            "Upload the downloaded file to Nextcloud as Backups/report.pdf, with credential 9",
            {
                "credential": 9,
                "operation": "upload",
                "path": "Backups/report.pdf",
                "file": "{{ nodes.download.file }}",
            },
        ),
        (
            "Download Documents/Problems.xls from Nextcloud",
            {"operation": "download", "path": "Documents/Problems.xls"},
        ),
        (
            "List the files in the Nextcloud folder Invoices",
            {"operation": "list_folder", "path": "Invoices"},
        ),
        (
            "Create the folder Invoices/2026 in Nextcloud",
            {"operation": "create_folder", "path": "Invoices/2026"},
        ),
        ("Delete Temp/old.csv from Nextcloud", {"operation": "delete", "path": "Temp/old.csv"}),
        (
            "Move Inbox/scan.pdf to Archive/scan.pdf in Nextcloud",
            {"operation": "move", "path": "Inbox/scan.pdf", "to_path": "Archive/scan.pdf"},
        ),
        (
            "Copy Templates/offer.docx to Offers/acme.docx in Nextcloud",
            {"operation": "copy", "path": "Templates/offer.docx", "to_path": "Offers/acme.docx"},
        ),
    ),
)
