"""Keep-alive connections spread evenly over uvicorn's worker processes (workfuse/lib/web_balance.py)."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from tests.embedded import free_port
from workfuse.lib.web_balance import Board, over_share

ROOT = Path(__file__).resolve().parent.parent
UVICORN = str(Path(sys.executable).with_name("uvicorn"))


@given(st.lists(st.integers(0, 40), min_size=1, max_size=8))
def test_an_even_split_sheds_nothing(counts):
    low = min(counts)
    even = [low + (i % 2) for i in range(len(counts))]  # no two differ by more than one
    for i, mine in enumerate(even):
        assert not over_share(mine, even[:i] + even[i + 1 :])


@given(st.lists(st.integers(0, 40), min_size=2, max_size=8))
def test_shedding_by_the_crowded_ends_in_an_even_split(counts):
    """Each connection a process gives up reconnects to the least busy one (the worst case for
    convergence is that it comes back, which a later answer sheds again); the split ends even,
    with as many connections as before, in at most one move per surplus connection."""
    counts, total = list(counts), sum(counts)
    for _ in range(total + 1):
        shedders = [
            i for i, mine in enumerate(counts) if over_share(mine, counts[:i] + counts[i + 1 :])
        ]
        if not shedders:
            break
        counts[shedders[0]] -= 1
        counts[counts.index(min(counts))] += 1
    assert max(counts) - min(counts) <= 1 and sum(counts) == total, counts


def test_the_board_shows_each_process_the_others_live_counts(tmp_path):
    sibling = subprocess.Popen(["sleep", "60"])
    try:
        mine = Board(tmp_path / "board")
        theirs = Board(tmp_path / "board", pid=sibling.pid)
        assert mine.slot != theirs.slot
        mine.publish(9)
        theirs.publish(4)
        assert mine.others() == [4]
        assert Board(tmp_path / "board").slot == mine.slot  # the same process, the same slot
        theirs.release()
        time.sleep(1.1)  # liveness is checked at most once a second
        assert mine.others() == []
    finally:
        sibling.kill()
        sibling.wait()


def test_a_dead_process_slot_is_taken_again_and_not_counted(tmp_path):
    gone = subprocess.Popen(["true"])
    gone.wait()
    dead = Board(tmp_path / "board", pid=gone.pid)
    dead.publish(12)
    assert Board(tmp_path / "board").others() == []
    assert Board(tmp_path / "board").slot == dead.slot


def _children(parent: int) -> list[int]:
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            pids.append(int(stat.parent.name))
    return pids


def _sockets(pid: int, port: int, state: str = "01") -> int:
    """Sockets on `port` that process `pid` holds (from /proc, as `ss -tnp` would say), by
    their state: 01 established, 0A listening."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    held = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local_port = int(fields[1].rsplit(":", 1)[1], 16)
            if local_port == port and fields[3] == state and fields[9] in inodes:
                held += 1
    return held


class _Caller:
    """One keep-alive caller that reconnects when an answer closes its connection."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection = self._connect()
        self.closed = 0

    def _connect(self) -> http.client.HTTPConnection:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.connect()
        return connection

    def call(self) -> None:
        self.connection.request("POST", "/hooks/", body=b"{}")
        response = self.connection.getresponse()
        response.read()
        assert response.status == 404
        if response.getheader("Connection") == "close":
            self.closed += 1
            self.connection.close()
            self.connection = self._connect()


def test_uvicorn_workers_even_out_a_lopsided_split(tmp_path):
    """Sixteen keep-alive callers all land on one of two web processes (the other is stopped
    while they connect); answering them moves half to the other process, and no more."""
    port = free_port()
    env = {**os.environ, "WORKFUSE_DATA_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [
            UVICORN,
            "workfuse.asgi:application",
            "--port",
            str(port),
            "--workers",
            "2",
            "--http",
            "workfuse.web_protocol:BalancedHttpToolsProtocol",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    callers: list[_Caller] = []
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _Caller(port).call()
                break
            except OSError:
                assert time.monotonic() < deadline, "the web server did not start"
                time.sleep(0.2)
        time.sleep(2)  # both have loaded the app
        serving = [pid for pid in _children(server.pid) if _sockets(pid, port, "0A")]
        assert len(serving) == 2, serving
        stopped = serving[0]
        os.kill(stopped, signal.SIGSTOP)
        callers = [_Caller(port) for _ in range(16)]
        for caller in callers:
            caller.call()  # answered, so accepted, by the process that runs
        before = {pid: _sockets(pid, port) for pid in serving}
        os.kill(stopped, signal.SIGCONT)
        assert before[stopped] == 0 and sum(before.values()) == 16, before
        for caller in callers:
            caller.closed = 0

        for _ in range(20):
            for caller in callers:
                caller.call()
        after = {pid: _sockets(pid, port) for pid in serving}
        assert sum(after.values()) == 16, after
        assert max(after.values()) - min(after.values()) <= 1, after
        # The surplus moved, and churn stopped once even: a reconnection can land on the crowded
        # process again (under load in CI, 29 closes were seen), but thrashing would close on
        # most of the 320 answers.
        assert 8 <= sum(c.closed for c in callers) <= 16 * 3, [c.closed for c in callers]
    finally:
        for caller in callers:
            caller.connection.close()
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(20)


def test_the_protocol_imported_first_leaves_the_web_process_its_connection_pool():
    """uvicorn imports the protocol before the app, and the protocol reads the settings: the
    web process's database pool (workfuse/web_env.py) must already be in the environment then,
    or every request opens a connection of its own."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "WORKFUSE_DB_POOL", "WORKFUSE_DB_CONN_MAX_AGE")
    }
    env["DATABASE_URL"] = "postgres://workfuse@127.0.0.1:1/unused"  # only parsed, never opened
    check = (
        "import workfuse.web_protocol\n"
        "from django.conf import settings\n"
        "db = settings.DATABASES['default']\n"
        "print(db['CONN_MAX_AGE'], sorted(db.get('OPTIONS', {}).get('pool', {})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", check], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[0] == "0 ['max_size', 'min_size', 'timeout']"
