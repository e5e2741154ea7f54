"""MongoDB for tests: a fake server speaking the wire protocol pymongo speaks (OP_MSG, and the
legacy OP_QUERY of the first handshake, with BSON from pymongo's `bson`), so the real client
runs against it. It keeps collections in memory and answers the commands app.mongodb sends:
hello/isMaster, ping, buildInfo, find, aggregate ($match, $sort, $skip, $limit, $project,
$count), getMore, killCursors, insert, update, delete and findAndModify, with a filter language
of equality, dotted paths and the common operators. It refuses every SASL login (error 18, as
MongoDB does for a wrong password); `echo` makes it quote what the client sent in its refusal."""

from __future__ import annotations

import datetime
import itertools
import re
import socket
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import bson
from bson import ObjectId
from bson.codec_options import CodecOptions

from tests.fakes.tcp import TcpFake, read_exact

OP_REPLY, OP_QUERY, OP_MSG = 1, 2004, 2013
CODEC = CodecOptions(document_class=dict)
FIRST_BATCH = 101  # MongoDB's first batch when the client names none (and here every batch)
MISSING = object()


class FakeMongo(TcpFake):
    """`databases[db][collection]` is a list of documents. `commands` records every command by
    name with its body; `logins` every SASL payload sent. `delay` seconds pass before each find
    and aggregate answers (a slow query)."""

    def __init__(self, echo: bool = False) -> None:
        self.echo = echo
        self.databases: dict[str, dict[str, list[dict[str, Any]]]] = {}
        self.commands: list[tuple[str, dict[str, Any]]] = []
        self.logins: list[str] = []
        self.delay = 0.0
        self.cursors: dict[int, list[dict[str, Any]]] = {}
        self._ids = itertools.count(1000)
        self._lock = threading.Lock()
        super().__init__()

    def collection(self, database: str, name: str) -> list[dict[str, Any]]:
        return self.databases.setdefault(database, {}).setdefault(name, [])

    def names(self) -> list[str]:
        return [name for name, _ in self.commands]

    # --- the wire ---------------------------------------------------------------------------

    def _session(self, conn: socket.socket) -> None:
        with conn:
            while True:
                try:
                    header = read_exact(conn, 16)
                    length, request_id, _, opcode = struct.unpack("<iiii", header)
                    body = read_exact(conn, length - 16)
                except (OSError, struct.error):
                    return
                if opcode == OP_QUERY:
                    command = _op_query(body)
                elif opcode == OP_MSG:
                    command = _op_msg(body)
                else:
                    return
                with self._lock:
                    answer = self._answer(command)
                try:
                    if opcode == OP_QUERY:
                        conn.sendall(_reply(request_id, answer))
                    else:
                        conn.sendall(_msg(request_id, answer))
                except OSError:
                    return

    def _answer(self, command: dict[str, Any]) -> dict[str, Any]:
        name = next(iter(command))
        self.commands.append((name, command))
        handler = getattr(self, f"_cmd_{name.lower()}", None)
        if handler is None:
            return _error(59, f"no such command: '{name}'", "CommandNotFound")
        try:
            return {**handler(command), "ok": 1.0}
        except _Failure as failure:
            return _error(*failure.args)

    # --- commands ---------------------------------------------------------------------------

    def _cmd_ismaster(self, command: dict[str, Any]) -> dict[str, Any]:
        return {
            "ismaster": True,
            "isWritablePrimary": True,
            "helloOk": True,
            "maxBsonObjectSize": 16 * 1024 * 1024,
            "maxMessageSizeBytes": 48_000_000,
            "maxWriteBatchSize": 100_000,
            "localTime": datetime.datetime.now(datetime.UTC),
            "connectionId": next(self._ids),
            "minWireVersion": 0,
            "maxWireVersion": 21,
            "readOnly": False,
        }

    _cmd_hello = _cmd_ismaster

    def _cmd_ping(self, command: dict[str, Any]) -> dict[str, Any]:
        return {}

    def _cmd_buildinfo(self, command: dict[str, Any]) -> dict[str, Any]:
        return {"version": "7.0.14-fake", "versionArray": [7, 0, 14, 0]}

    def _cmd_endsessions(self, command: dict[str, Any]) -> dict[str, Any]:
        return {}

    def _cmd_saslstart(self, command: dict[str, Any]) -> dict[str, Any]:
        payload = bytes(command.get("payload") or b"").decode("utf-8", "replace")
        self.logins.append(payload)
        said = "Authentication failed."
        if self.echo:
            said += f" (you sent {payload})"
        raise _Failure(18, said, "AuthenticationFailed")

    def _cmd_find(self, command: dict[str, Any]) -> dict[str, Any]:
        time.sleep(self.delay)
        docs = [d for d in self._docs(command, "find") if matches(d, command.get("filter") or {})]
        docs = _sorted(docs, command.get("sort"))
        docs = docs[int(command.get("skip") or 0) :]
        if command.get("limit"):
            docs = docs[: abs(int(command["limit"]))]
        if command.get("projection"):
            docs = [project(d, command["projection"]) for d in docs]
        return self._cursor(command, "find", docs, command.get("batchSize"))

    def _cmd_aggregate(self, command: dict[str, Any]) -> dict[str, Any]:
        time.sleep(self.delay)
        docs = list(self._docs(command, "aggregate"))
        for stage in command.get("pipeline") or []:
            docs = _stage(docs, stage)
        batch = (command.get("cursor") or {}).get("batchSize")
        return self._cursor(command, "aggregate", docs, batch)

    def _cmd_getmore(self, command: dict[str, Any]) -> dict[str, Any]:
        cursor_id = int(command["getMore"])
        rest = self.cursors.pop(cursor_id, None)
        if rest is None:
            raise _Failure(43, f"cursor id {cursor_id} not found", "CursorNotFound")
        size = int(command.get("batchSize") or FIRST_BATCH)
        batch, rest = rest[:size], rest[size:]
        if rest:
            self.cursors[cursor_id] = rest
        ns = f"{command['$db']}.{command['collection']}"
        return {"cursor": {"id": cursor_id if rest else 0, "ns": ns, "nextBatch": batch}}

    def _cmd_killcursors(self, command: dict[str, Any]) -> dict[str, Any]:
        killed = [c for c in command.get("cursors", []) if self.cursors.pop(int(c), None)]
        return {"cursorsKilled": killed, "cursorsNotFound": [], "cursorsAlive": []}

    def _cmd_insert(self, command: dict[str, Any]) -> dict[str, Any]:
        docs = self.collection(command["$db"], command["insert"])
        errors = []
        for index, doc in enumerate(command.get("documents") or []):
            doc.setdefault("_id", ObjectId())
            if any(d["_id"] == doc["_id"] for d in docs):
                errors.append({"index": index, "code": 11000, "errmsg": _duplicate(command, doc)})
                break
            docs.append(doc)
        written = len(command.get("documents") or []) - (len(errors) and 1)
        return {"n": written, **({"writeErrors": errors} if errors else {})}

    def _cmd_update(self, command: dict[str, Any]) -> dict[str, Any]:
        docs = self.collection(command["$db"], command["update"])
        found = modified = 0
        upserted = []
        for index, change in enumerate(command.get("updates") or []):
            hits = [d for d in docs if matches(d, change.get("q") or {})]
            hits = hits if change.get("multi") else hits[:1]
            for doc in hits:
                after = apply_update(doc, change["u"])
                found += 1
                modified += after != doc
                docs[docs.index(doc)] = after
            if not hits and change.get("upsert"):
                doc = apply_update(_seed(change.get("q") or {}), change["u"])
                doc.setdefault("_id", ObjectId())
                docs.append(doc)
                upserted.append({"index": index, "_id": doc["_id"]})
        return {"n": found + len(upserted), "nModified": modified} | (
            {"upserted": upserted} if upserted else {}
        )

    def _cmd_delete(self, command: dict[str, Any]) -> dict[str, Any]:
        docs = self.collection(command["$db"], command["delete"])
        gone = 0
        for rule in command.get("deletes") or []:
            hits = [d for d in docs if matches(d, rule.get("q") or {})]
            for doc in hits[:1] if rule.get("limit") else hits:
                docs.remove(doc)
                gone += 1
        return {"n": gone}

    def _cmd_findandmodify(self, command: dict[str, Any]) -> dict[str, Any]:
        docs = self.collection(command["$db"], command["findAndModify"])
        hits = _sorted(
            [d for d in docs if matches(d, command.get("query") or {})], command.get("sort")
        )
        if hits:
            before = hits[0]
            after = apply_update(before, command["update"])
            docs[docs.index(before)] = after
            value = after if command.get("new") else before
            return {"lastErrorObject": {"n": 1, "updatedExisting": True}, "value": value}
        if not command.get("upsert"):
            return {"lastErrorObject": {"n": 0, "updatedExisting": False}, "value": None}
        doc = apply_update(_seed(command.get("query") or {}), command["update"])
        doc.setdefault("_id", ObjectId())
        docs.append(doc)
        last = {"n": 1, "updatedExisting": False, "upserted": doc["_id"]}
        return {"lastErrorObject": last, "value": doc if command.get("new") else None}

    def _docs(self, command: dict[str, Any], name: str) -> list[dict[str, Any]]:
        return list(self.collection(command["$db"], command[name]))

    def _cursor(
        self, command: dict[str, Any], name: str, docs: list[dict[str, Any]], size: Any
    ) -> dict[str, Any]:
        size = int(size) if size is not None else FIRST_BATCH
        first, rest = docs[:size], docs[size:]
        cursor_id = 0
        if rest and not command.get("singleBatch"):
            cursor_id = next(self._ids)
            self.cursors[cursor_id] = rest
        ns = f"{command['$db']}.{command[name]}"
        return {"cursor": {"id": bson.Int64(cursor_id), "ns": ns, "firstBatch": first}}


class _Failure(Exception):
    """A command's error: (code, message, code name)."""


def _error(code: int, message: str, name: str) -> dict[str, Any]:
    return {"ok": 0.0, "errmsg": message, "code": code, "codeName": name}


def _duplicate(command: dict[str, Any], doc: dict[str, Any]) -> str:
    return (
        f"E11000 duplicate key error collection: {command['$db']}.{command['insert']} "
        f"index: _id_ dup key: {{ _id: {doc['_id']!r} }}"
    )


# --- the query language -------------------------------------------------------------------


def get_path(doc: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(doc, dict) and part in doc:
            doc = doc[part]
        else:
            return MISSING
    return doc


def matches(doc: dict[str, Any], query: dict[str, Any]) -> bool:
    for key, condition in query.items():
        if key == "$and":
            ok = all(matches(doc, q) for q in condition)
        elif key == "$or":
            ok = any(matches(doc, q) for q in condition)
        elif key == "$nor":
            ok = not any(matches(doc, q) for q in condition)
        else:
            ok = _field_matches(get_path(doc, key), condition)
        if not ok:
            return False
    return True


def _field_matches(value: Any, condition: Any) -> bool:
    if isinstance(condition, dict) and condition and all(k.startswith("$") for k in condition):
        return all(_operator(value, op, arg) for op, arg in condition.items())
    return _equals(value, condition)


def _equals(value: Any, wanted: Any) -> bool:
    if isinstance(wanted, bson.Regex):  # a regular expression as the value matches text
        return isinstance(value, str) and re.search(wanted.pattern, value) is not None
    if isinstance(value, list) and not isinstance(wanted, list):
        return wanted in value
    if value is MISSING:
        return wanted is None
    return bool(value == wanted)


def _operator(value: Any, op: str, arg: Any) -> bool:
    if op == "$eq":
        return _equals(value, arg)
    if op == "$ne":
        return not _equals(value, arg)
    if op == "$in":
        return any(_equals(value, a) for a in arg)
    if op == "$nin":
        return not any(_equals(value, a) for a in arg)
    if op == "$exists":
        return (value is not MISSING) == bool(arg)
    if op == "$regex":
        return isinstance(value, str) and re.search(arg, value) is not None
    if op in ("$gt", "$gte", "$lt", "$lte"):
        try:
            return {
                "$gt": value > arg,
                "$gte": value >= arg,
                "$lt": value < arg,
                "$lte": value <= arg,
            }[op]
        except TypeError:  # MongoDB compares only values of one type bracket
            return False
    raise _Failure(2, f"unknown operator: {op}", "BadValue")


def _sorted(docs: list[dict[str, Any]], sort: Any) -> list[dict[str, Any]]:
    for field, direction in reversed(list((sort or {}).items())):
        present = [d for d in docs if get_path(d, field) not in (MISSING, None)]
        absent = [d for d in docs if get_path(d, field) in (MISSING, None)]
        present.sort(key=lambda d: get_path(d, field), reverse=direction < 0)
        docs = absent + present if direction > 0 else present + absent
    return docs


def project(doc: dict[str, Any], projection: dict[str, Any]) -> dict[str, Any]:
    shown = {k: v for k, v in projection.items() if k != "_id"}
    if shown and all(shown.values()):
        kept = {k: doc[k] for k in shown if k in doc}
        if projection.get("_id", 1) and "_id" in doc:
            kept = {"_id": doc["_id"], **kept}
        return kept
    return {k: v for k, v in doc.items() if projection.get(k, 1)}


def apply_update(doc: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    if not any(k.startswith("$") for k in update):  # a replacement keeps only the _id
        return {"_id": doc["_id"], **update} if "_id" in doc else dict(update)
    after = bson.decode(bson.encode(doc), CODEC)  # a deep copy
    for path, value in (update.get("$set") or {}).items():
        target = after
        *parents, last = path.split(".")
        for part in parents:
            target = target.setdefault(part, {})
        target[last] = value
    for path in update.get("$unset") or {}:
        after.pop(path, None)
    for path, amount in (update.get("$inc") or {}).items():
        after[path] = after.get(path, 0) + amount
    return after


def _seed(query: dict[str, Any]) -> dict[str, Any]:
    """An upsert's new document starts from the query's equality fields."""
    return {k: v for k, v in query.items() if not k.startswith("$") and not isinstance(v, dict)}


def _stage(docs: list[dict[str, Any]], stage: dict[str, Any]) -> list[dict[str, Any]]:
    [(name, arg)] = stage.items()
    if name == "$match":
        return [d for d in docs if matches(d, arg)]
    if name == "$sort":
        return _sorted(docs, arg)
    if name == "$skip":
        return docs[int(arg) :]
    if name == "$limit":
        return docs[: int(arg)]
    if name == "$project":
        return [project(d, arg) for d in docs]
    if name == "$count":
        return [{arg: len(docs)}]
    raise _Failure(40324, f"Unrecognized pipeline stage name: '{name}'", "Location40324")


# --- messages -----------------------------------------------------------------------------


def _op_msg(body: bytes) -> dict[str, Any]:
    """Section 0 is the command; each section 1 adds a list of documents under its name."""
    (flags,) = struct.unpack_from("<I", body)
    end = len(body) - (4 if flags & 1 else 0)
    position, command, lists = 4, {}, {}
    while position < end:
        kind = body[position]
        position += 1
        (size,) = struct.unpack_from("<i", body, position)
        if kind == 0:
            command = bson.decode(body[position : position + size], CODEC)
        else:
            name_end = body.index(b"\0", position + 4)
            name = body[position + 4 : name_end].decode()
            lists[name] = bson.decode_all(body[name_end + 1 : position + size], CODEC)
        position += size
    return {**command, **lists}


def _op_query(body: bytes) -> dict[str, Any]:
    name_end = body.index(b"\0", 4)
    position = name_end + 1 + 8  # skip and return counts
    (size,) = struct.unpack_from("<i", body, position)
    command = bson.decode(body[position : position + size], CODEC)
    return {**command, "$db": body[4:name_end].decode().split(".")[0]}


def _msg(request_id: int, answer: dict[str, Any]) -> bytes:
    payload = struct.pack("<I", 0) + b"\0" + bson.encode(answer)
    return struct.pack("<iiii", 16 + len(payload), 0, request_id, OP_MSG) + payload


def _reply(request_id: int, answer: dict[str, Any]) -> bytes:
    payload = struct.pack("<iqii", 8, 0, 0, 1) + bson.encode(answer)  # 8: await capable
    return struct.pack("<iiii", 16 + len(payload), 0, request_id, OP_REPLY) + payload


@contextmanager
def fake_mongo(echo: bool = False) -> Iterator[FakeMongo]:
    fake = FakeMongo(echo)
    try:
        yield fake
    finally:
        fake.close()
