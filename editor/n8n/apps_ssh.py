"""n8n's SSH node (version 1) as WorkFuse's `app.ssh`: a command executed in its working
directory (n8n's output {code, signal, stdout, stderr} as it is), a file uploaded to a target
directory from the input item's binary data, a file downloaded.

The password and private-key logins (n8n's sshPassword and sshPrivateKey credentials) are both
WorkFuse's SSH login credential; the report says which one to fill in. A download passes its
input item's json on in n8n, so `$json` after it still reads that item; the file is the
output's `file`, under the binary property n8n put it in."""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n.apps_base import operation, required, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Spec

SUPPORTED = "it executes commands and uploads and downloads files"
DEFAULTS = {"command": "execute", "file": "upload"}
LOGINS = {
    "password": "a host, a user and a password",
    "privateKey": "a host, a user and a private key with its passphrase",
}
NO_TIMEOUT = (
    "n8n waited for the command without a limit; WorkFuse stops waiting after timeout_seconds "
    "(600 s, up to 3600)."
)


def _ssh(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "command", DEFAULTS)
    p = node.params
    login = str(p.get("authentication") or "password")
    notes = [
        "Credentials are not imported: choose an SSH login credential "
        f"({LOGINS.get(login, LOGINS['password'])}) before running."
    ]
    options = p.get("options") or {}
    config: dict[str, Any]
    if (resource, op) == ("command", "execute"):
        config = {
            "operation": "execute",
            "command": required(cx, node, "command", "Command"),
            "cwd": text(cx, node, p.get("cwd", "/")),
        }
        notes.append(NO_TIMEOUT)
    elif (resource, op) == ("file", "upload"):
        config = {
            "operation": "upload",
            "file": cx.file_ref(node, p.get("binaryPropertyName") or "data"),
            "directory": required(cx, node, "path", "Target Directory"),
        }
    elif (resource, op) == ("file", "download"):
        config = {"operation": "download", "path": required(cx, node, "path", "Path")}
    else:
        raise unsupported("SSH", resource, op, SUPPORTED)
    if resource == "file" and options.get("fileName") not in (None, ""):
        config["file_name"] = text(cx, node, options["fileName"])
    return Converted("app.ssh", config, notes=notes)


def _spec(node: N8nNode, cx: Converter) -> Spec:
    spec = dataclasses.replace(SPECS[f"{BASE}ssh"], per_node=None)
    if operation(node, "command", DEFAULTS) == ("file", "download"):
        made = ((str(node.params.get("binaryPropertyName") or "data"), f"nodes.{node.id}.file"),)
        return dataclasses.replace(spec, data=None, binary=made)
    return spec


SPECS: dict[str, Spec] = {f"{BASE}ssh": Spec(_ssh, "", per_node=_spec)}
