"""app.ssh: n8n's SSH node on the user's own server: a command run (its stdout, stderr and
exit code, as n8n returns them), a file uploaded to a folder or downloaded, over SFTP."""

from __future__ import annotations

import posixpath
from types import ModuleType
from typing import Any, Literal

from pydantic import Field

from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for
from integrations.ssh.credentials import Login
from workfuse.lib import files
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your SSH login credential (password or key). Needed to run."
    )
    operation: Literal["execute", "upload", "download"] = Field(
        "execute",
        description="execute: run a shell command on the server; upload: store a file in a "
        "folder there; download: read a file from it (SFTP).",
    )
    command: str = Field(
        "",
        description="The shell command, e.g. df -P. Its output is {code, signal, stdout, "
        "stderr}; a non-zero exit code is returned, not an error (as in n8n).",
        json_schema_extra=used_by("execute", required=True),
    )
    cwd: str = Field(
        "/",
        description="The folder to run the command in (n8n's Working Directory; ~/ is the "
        "user's home). Empty: the login folder.",
        json_schema_extra=used_by("execute"),
    )
    timeout_seconds: int = Field(
        600,
        ge=1,
        le=3600,
        description="Stop waiting for the command after this many seconds (the step fails; "
        "the command may still run on the server).",
        json_schema_extra=used_by("execute"),
    )
    file: Any = Field(
        None,
        description="The file to upload, a file value, usually a template: "
        "{{ nodes.download.file }}.",
        json_schema_extra=used_by("upload", required=True),
    )
    directory: str = Field(
        "",
        description="The folder to upload into, e.g. /home/ada/backups (created if missing).",
        json_schema_extra=used_by("upload", required=True),
    )
    path: str = Field(
        "",
        description="The full path of the file to download, e.g. /var/log/syslog.",
        json_schema_extra=used_by("download", required=True),
    )
    file_name: str = Field(
        "",
        description="upload: store the file under this name instead of its own; download: the "
        "name the file gets (empty: the remote file's name).",
        json_schema_extra=used_by("upload", "download"),
    )


def _remote() -> ModuleType:
    """asyncssh and its cryptography take about 0.1 to 0.3 s to import: only when SSH is used,
    not in every process that loads the node catalog."""
    from integrations.ssh import remote

    return remote


def check_login(secret: Secret) -> str:
    """Test connection: log in, run nothing, show the server's host key."""
    return _remote().check_login(secret)


def _execute(config: Config, secret: Secret) -> dict[str, Any]:
    remote = _remote()
    return remote.call(
        secret,
        lambda conn: remote.execute(conn, config.command, config.cwd, config.timeout_seconds),
    )


def _upload(config: Config, secret: Secret) -> dict[str, Any]:
    try:
        upload = files.read(config.file, "file")
    except files.FileError as error:
        raise NodeError(str(error)) from None
    name = config.file_name or upload.filename  # may hold folders, created like the directory
    remote = _remote()
    path = remote.call(
        secret, lambda conn: remote.upload(conn, config.directory, name, upload.data)
    )
    return {"success": True, "path": path}


def _download(config: Config, secret: Secret) -> dict[str, Any]:
    remote = _remote()
    path, data = remote.call(secret, lambda conn: remote.download(conn, config.path))
    name = posixpath.basename(config.file_name or path) or "file"
    limit = files.max_bytes()
    if len(data) > limit:
        raise NodeError(
            f"The file {path} is over {limit / 1024:,.0f} KB, the limit for files on this "
            "server (WORKFUSE_MAX_STEP_OUTPUT_BYTES and WORKFUSE_FILE_MAX_BYTES)."
        )
    try:
        made = files.make(data, name, where=f"The file {path}")
    except files.FileError as error:
        raise NodeError(str(error)) from None
    return {"file": made.value(), "path": path}


OPERATIONS = {"execute": _execute, "upload": _upload, "download": _download}


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """execute: {code, signal, stdout, stderr} (and truncated: true past 256 KB of either);
    upload: {success, path}; download: {file, path}."""
    secret, _ = credential_for(ctx, config.operation, Login)
    return OPERATIONS[config.operation](config, secret)


NODE = NodeType(
    type="app.ssh",
    label="SSH",
    category="app",
    description="Runs a shell command on your server over SSH (its output and exit code), "
    "and uploads or downloads files there over SFTP.",
    Config=Config,
    run=run,
    credential_kinds=(Login.kind,),
    icon="⌨",
    examples=(
        (
            "Check the disk usage on my server with df -P, credential 3",
            {"credential": 3, "operation": "execute", "command": "df -P"},
        ),
        (
            "Start the docker compose service named in the webhook, in /home/ferris",
            {
                "operation": "execute",
                "command": "cd {{ trigger.body.service }} && docker compose up -d",
                "cwd": "/home/ferris",
            },
        ),
        (
            "Upload the downloaded file to /srv/backups on the server",
            {
                "operation": "upload",
                "file": "{{ nodes.download.file }}",
                "directory": "/srv/backups",
            },
        ),
        (
            "Download /var/log/nginx/error.log from the server",
            {"operation": "download", "path": "/var/log/nginx/error.log"},
        ),
    ),
)
