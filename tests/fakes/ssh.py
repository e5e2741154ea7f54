"""A real SSH server on 127.0.0.1 (asyncssh) for app.ssh's tests: password and public-key logins,
commands answered from a script (nothing runs on this machine) and SFTP inside a temporary
folder. `commands` records each command line as the client sent it."""

from __future__ import annotations

import asyncio
import re
import tempfile
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncssh

USER, PASSWORD, HOME = "ada", "s3cret-ssh", "/home/ada"
# node-ssh's cwd prefix as the client sends it: cd <quoted folder> ; <command>
CD = re.compile(r"^cd (?P<cwd>'[^']*'|\S+) ; (?P<command>.*)$", re.DOTALL)


@dataclass
class Reply:
    stdout: str = ""
    stderr: str = ""
    code: int = 0
    delay: float = 0


def encrypted_key(key: asyncssh.SSHKey, passphrase: str) -> str:
    """`key` as an OpenSSH private key file protected by `passphrase`, with one bcrypt round
    (the default 16 take seconds; bcrypt warns that one is weak, which a test key may be)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Warning: bcrypt.kdf", UserWarning)
        return key.export_private_key("openssh", passphrase, rounds=1).decode()


class FakeSsh:
    """`careless`: any password logs in, and every command's answer quotes it (stderr cut
    mid-secret), as a careless server would: the secret canary's server."""

    def __init__(
        self, authorized_key: asyncssh.SSHKey | None = None, careless: bool = False
    ) -> None:
        self.careless = careless
        self.passwords: list[str] = []
        self.host_key = asyncssh.generate_private_key("ssh-ed25519")
        self.authorized_key = authorized_key
        self.replies: dict[str, Reply] = {"echo $HOME": Reply(stdout=HOME + "\n")}
        self.commands: list[str] = []
        self.cwds: list[str] = []
        self.logins: list[tuple[str, str]] = []
        self._folder = tempfile.TemporaryDirectory()
        self.root = Path(self._folder.name)
        self.loop = asyncio.new_event_loop()
        started = threading.Event()
        threading.Thread(target=self._serve, args=(started,), daemon=True).start()
        started.wait(10)

    @property
    def public_host_key(self) -> str:
        return self.host_key.export_public_key("openssh").decode().strip()

    def _serve(self, started: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)
        self.server = self.loop.run_until_complete(
            asyncssh.create_server(
                lambda: _Server(self),
                "127.0.0.1",
                0,
                server_host_keys=[self.host_key],
                process_factory=self._process,
                sftp_factory=lambda channel: asyncssh.SFTPServer(channel, chroot=bytes(self.root)),
            )
        )
        self.port = self.server.sockets[0].getsockname()[1]
        started.set()
        self.loop.run_forever()

    async def _process(self, process: asyncssh.SSHServerProcess[Any]) -> None:
        line = str(process.command or "")
        self.commands.append(line)
        match = CD.match(line)
        if match:
            self.cwds.append(match["cwd"].strip("'"))
            line = match["command"]
        reply = self.replies.get(line, Reply(stderr=f"sh: 1: {line}: not found\n", code=127))
        if self.careless:
            said = " ".join(self.passwords[-1:])
            reply = Reply(stdout=f"{line} as {said}", stderr=f"denied {said[:-5]}", code=1)
        if reply.delay:
            await asyncio.sleep(reply.delay)
        process.stdout.write(reply.stdout)
        process.stderr.write(reply.stderr)
        process.exit(reply.code)

    def file(self, path: str) -> Path:
        """Where the server keeps `path` (absolute, as the client names it)."""
        return self.root / path.lstrip("/")

    def close(self) -> None:
        if self.loop.is_closed() or not self.loop.is_running():
            return

        async def stop() -> None:
            self.server.close()
            await self.server.wait_closed()

        asyncio.run_coroutine_threadsafe(stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._folder.cleanup()


class _Server(asyncssh.SSHServer):
    def __init__(self, fake: FakeSsh) -> None:
        self.fake = fake

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        self.fake.logins.append((username, "password"))
        self.fake.passwords.append(password)
        return self.fake.careless or (username == USER and password == PASSWORD)

    def public_key_auth_supported(self) -> bool:
        return self.fake.authorized_key is not None

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        self.fake.logins.append((username, "publickey"))
        wanted = self.fake.authorized_key
        return (
            username == USER
            and wanted is not None
            and key.export_public_key() == wanted.export_public_key()
        )
