"""Talking to a user's server over SSH with asyncssh: a command run, a file written or read
over SFTP, as n8n's SSH node does them (node-ssh underneath).

The server is an outbound target like any URL: its name is resolved once, every address is
judged by the private-network guard (`workfuse.lib.netguard`; the WorkFuse host's own sshd is
refused unless WORKFUSE_HTTP_ALLOW_PRIVATE=1) and the connection goes to a checked address.
Nothing of the WorkFuse machine's SSH setup is used: no ~/.ssh/config, default keys, agent or
known_hosts. The server's host key is checked only against the credential's `host_key`; empty,
any key is accepted, which is what n8n does (docs/security.md).

asyncssh is asynchronous and a node runs in a worker thread: each call runs its own event loop.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import posixpath
import shlex
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import asyncssh

from integrations import http
from integrations.service import read_fields
from integrations.ssh.credentials import Login
from workfuse.lib import files, netguard, redaction
from workfuse.lib.node_run import NodeError, Secret

API = http.Api("The SSH server")
CONNECT_TIMEOUT = 20.0
# stdout and stderr kept per command; the rest is read and dropped so the command can finish.
MAX_OUTPUT_CHARS = 256 * 1024
CHUNK = 65536
TEXT_LIMIT = 300
T = TypeVar("T")

# asyncssh logs every connection's steps at INFO: a worker's log would fill with them.
logging.getLogger("asyncssh").setLevel(logging.WARNING)


def call(secret: Secret, work: Callable[[asyncssh.SSHClientConnection], Awaitable[T]]) -> T:
    """`work` on a connection logged in with the credential; every failure as a NodeError."""
    fields = read_fields(Login, secret)

    async def session() -> T:
        conn = await _connect(fields)
        try:
            return await work(conn)
        finally:
            conn.close()
            await conn.wait_closed()

    try:
        return _run(session())
    except NodeError:
        raise
    except Exception as exc:
        raise failure(exc, secret, fields) from None


def _run(coroutine: Awaitable[T]) -> T:
    async def main() -> T:
        return await coroutine

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(main())
    # Called from a thread running a loop (an async test): run on a thread of its own.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, main()).result()


async def _connect(fields: Login) -> asyncssh.SSHClientConnection:
    addresses = await asyncio.to_thread(netguard.checked_addresses, fields.host, fields.port)
    options = _options(fields)
    error: Exception = OSError(f"no address found for host {fields.host}")
    for address in addresses:
        try:
            return await asyncssh.connect(str(address), fields.port, **options)
        except (OSError, TimeoutError) as exc:
            error = exc
    raise error


def _options(fields: Login) -> dict[str, Any]:
    trusted: tuple[list[asyncssh.SSHKey], list[Any], list[Any]] | None = None
    if fields.host_key:
        trusted = ([asyncssh.import_public_key(fields.host_key)], [], [])
    options: dict[str, Any] = {
        "username": fields.username,
        "known_hosts": trusted,
        "config": None,  # never the WorkFuse machine's ~/.ssh/config
        "agent_path": None,
        "client_keys": (),
        "x509_trusted_certs": None,
        "connect_timeout": CONNECT_TIMEOUT,
        "login_timeout": CONNECT_TIMEOUT,
    }
    if fields.private_key is not None:
        passphrase = fields.passphrase.get_secret_value() if fields.passphrase else None
        key = asyncssh.import_private_key(
            _key_text(fields.private_key.get_secret_value()), passphrase
        )
        options |= {"client_keys": [key], "preferred_auth": ("publickey",)}
    if fields.password is not None:
        options["password"] = fields.password.get_secret_value()
        logins = ("password", "keyboard-interactive")
        options["preferred_auth"] = (*options.get("preferred_auth", ()), *logins)
    return options


def _key_text(key: str) -> str:
    """A pasted key as its file holds it: escaped newlines restored (n8n's formatPrivateKey)."""
    text = key.strip().replace("\\n", "\n")
    return text if text.endswith("\n") else text + "\n"


# --- what the node does ---------------------------------------------------------------------


async def execute(
    conn: asyncssh.SSHClientConnection, command: str, cwd: str, timeout: float
) -> dict[str, Any]:
    """node-ssh's execCommand: `cd <cwd> ; <command>` (a cwd that does not exist leaves the
    command in the login directory, as there), stdout and stderr trimmed, the exit code, or the
    signal that ended it. A non-zero exit is an answer, not a failure."""
    if cwd:
        command = f"cd {shlex.quote(await home_path(conn, cwd))} ; {command}"
    try:
        async with asyncio.timeout(timeout):
            process = await conn.create_process(command, encoding=None)
            async with process:
                (stdout, cut_out), (stderr, cut_err) = await asyncio.gather(
                    _read(process.stdout), _read(process.stderr)
                )
                completed = await process.wait()
    except TimeoutError:
        # The command may still run on the server: retrying could run it twice.
        raise NodeError(
            f"The command did not finish within timeout_seconds ({timeout:g} s); it may still "
            "be running on the server."
        ) from None
    signal = completed.exit_signal[0] if completed.exit_signal else None
    output: dict[str, Any] = {
        "code": completed.exit_status if signal is None else None,
        "signal": signal,
        "stdout": stdout.strip(),
        "stderr": stderr.strip(),
    }
    if cut_out or cut_err:
        output["truncated"] = True
    return output


async def _read(stream: asyncssh.SSHReader[bytes]) -> tuple[str, bool]:
    kept = bytearray()
    cut = False
    while chunk := await stream.read(CHUNK):
        room = MAX_OUTPUT_CHARS - len(kept)
        cut = cut or len(chunk) > room
        kept += chunk[: max(room, 0)]
    return kept.decode("utf-8", errors="replace"), cut


async def home_path(conn: asyncssh.SSHClientConnection, path: str) -> str:
    """n8n's resolveHomeDir: `~/…` under the user's $HOME; `~user` paths are refused."""
    if path.startswith("~/"):
        home = str((await conn.run("echo $HOME", check=False)).stdout or "").strip()
        return path.replace("~/", home if home.endswith("/") else home + "/", 1)
    if path.startswith("~"):
        raise NodeError(
            f'The path {path} is not valid: replace "~" with the home directory or "~/".'
        )
    return path


async def upload(conn: asyncssh.SSHClientConnection, directory: str, name: str, data: bytes) -> str:
    """Write `data` as `name` in `directory`, creating the directory when missing (node-ssh's
    putFile); the remote path."""
    folder = await home_path(conn, directory)
    path = f"{folder}{'' if folder.endswith('/') else '/'}{name}"
    async with conn.start_sftp_client() as sftp:
        try:
            await _write(sftp, path, data)
        except asyncssh.SFTPNoSuchFile:
            await sftp.makedirs(posixpath.dirname(path), exist_ok=True)
            await _write(sftp, path, data)
    return path


async def _write(sftp: asyncssh.SFTPClient, path: str, data: bytes) -> None:
    async with sftp.open(path, "wb") as handle:
        await handle.write(data)


async def download(conn: asyncssh.SSHClientConnection, path: str) -> tuple[str, bytes]:
    """(the remote path, the file's bytes), reading one byte past the size limit so an
    oversized file is refused without being read whole."""
    remote = await home_path(conn, path)
    async with conn.start_sftp_client() as sftp, sftp.open(remote, "rb") as handle:
        data = await handle.read(files.max_bytes() + 1)
    return remote, data if isinstance(data, bytes) else data.encode()


async def _greeting(conn: asyncssh.SSHClientConnection) -> tuple[str, str]:
    """The server's version and its host key as `ssh-keyscan` prints it, with its fingerprint."""
    key = conn.get_server_host_key()
    version = str(conn.get_extra_info("server_version") or "")
    if key is None:
        return version, ""
    line = " ".join(key.export_public_key("openssh").decode().split()[:2])
    return version, f"{line} ({key.get_fingerprint()})"


def check_login(secret: Secret) -> str:
    """Connect and log in, running nothing; the server's host key, to pin in `host_key`."""
    fields = read_fields(Login, secret)
    version, key = call(secret, _greeting)
    said = f"Logged in to {fields.username}@{fields.host}:{fields.port}"
    said += f" ({version})" if version else ""
    if key:
        pinned = "it matches host_key" if fields.host_key else "set it as host_key to pin it"
        said += f". Its host key is {key}: {pinned}"
    return said + "."


# --- failures -------------------------------------------------------------------------------


def failure(exc: Exception, secret: Secret, fields: Login) -> NodeError:
    """The NodeError for what asyncssh, the guard or the socket raised."""
    where = f"SSH server {fields.host}:{fields.port}"
    if isinstance(exc, netguard.PrivateTargetError):
        return NodeError(str(exc), detail={"host": exc.host})
    if isinstance(exc, asyncssh.PermissionDenied):
        return http.auth_error(API, secret, f"{fields.username}: {_said(exc)}")
    if isinstance(exc, asyncssh.HostKeyNotVerifiable):
        return NodeError(
            f"The {where} offered a host key other than the credential's host_key "
            f"({_said(exc)}): if the server's key changed on purpose, update host_key."
        )
    if isinstance(exc, asyncssh.KeyImportError):
        return NodeError(
            f"The credential “{secret.name}” holds a private key asyncssh cannot read "
            f"({_said(exc)}): check the key and its passphrase."
        )
    if isinstance(exc, asyncssh.SFTPNoSuchFile):
        return NodeError(f"The {where} has no such file or folder: {_said(exc)}")
    if isinstance(exc, asyncssh.SFTPPermissionDenied):
        return NodeError(f"The {where} refused the file operation: {_said(exc)}")
    if isinstance(exc, asyncssh.SFTPError):
        return NodeError(f"The {where} failed the file operation: {_said(exc)}")
    if isinstance(exc, asyncssh.ChannelOpenError):
        return NodeError(f"The {where} refused to open a session: {_said(exc)}")
    if isinstance(exc, files.FileError):
        return NodeError(str(exc))
    if isinstance(exc, asyncssh.DisconnectError | asyncssh.ConnectionLost):
        return _passing(f"The {where} closed the connection: {_said(exc)}", exc)
    if isinstance(exc, TimeoutError):
        return _passing(f"The {where} did not answer within {CONNECT_TIMEOUT:g} s.", exc)
    if isinstance(exc, OSError):
        return _passing(f"Could not reach the {where}: {_said(exc)}", exc)
    raise exc


def _said(exc: Exception) -> str:
    text = str(getattr(exc, "reason", "") or exc or type(exc).__name__)
    printable = "".join(ch if ch.isprintable() else " " for ch in text)  # no NUL in the database
    return redaction.truncate(" ".join(printable.split()), TEXT_LIMIT)


def _passing(message: str, exc: Exception) -> NodeError:
    return NodeError(message, retryable=True, detail={"error": type(exc).__name__})
