"""A fake ERPNext site (Frappe's REST API): `Authorization: token <key>:<secret>`, documents
under `/api/resource/<DocType>` (POST creates, GET lists with `fields`, `filters`,
`limit_start`, `limit_page_length`) and `/api/resource/<DocType>/<name>` (GET, PUT, DELETE),
`/api/method/frappe.auth.get_logged_user`, and Frappe's errors (`exc_type`, `exception`,
`_server_messages`)."""

from __future__ import annotations

import json
import operator
import re
from typing import Any
from urllib.parse import unquote

from tests.fakes import Answer, FakeService, Received

KEY, SECRET = "5f1e2d3c4b5a697", "a1b2c3d4e5f6a7b"
RESOURCE = re.compile(r"^/api/resource/(?P<doctype>[^/]+)(?:/(?P<name>[^/]+))?$")
COMPARE = {"=": operator.eq, "!=": operator.ne, ">": operator.gt, "<": operator.lt}


def frappe_error(status: int, exc_type: str, message: str) -> Answer:
    messages = json.dumps([json.dumps({"message": message, "indicator": "red"})])
    body = {"exc_type": exc_type, "exception": f"frappe.exceptions.{exc_type}: {message}"}
    return Answer(status, {**body, "_server_messages": messages})


class FakeErpNext(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.documents: dict[str, dict[str, dict[str, Any]]] = {}

    def add(self, doctype: str, name: str, **fields: Any) -> dict[str, Any]:
        document = {"name": name, "doctype": doctype, "docstatus": 0, **fields}
        self.documents.setdefault(doctype, {})[name] = document
        return document

    def respond(self, request: Received) -> Answer:
        if request.headers.get("authorization") != f"token {KEY}:{SECRET}":
            return Answer(
                401,
                {"exc_type": "AuthenticationError", "exception": "", "message": "Invalid Request"},
            )
        if request.path == "/api/method/frappe.auth.get_logged_user":
            return Answer(200, {"message": "hr@acme.example"})
        match = RESOURCE.match(request.path)
        if match is None:
            return Answer(404, {"exc_type": "PageDoesNotExistError"})
        doctype, name = unquote(match["doctype"]), unquote(match["name"] or "")
        table = self.documents.get(doctype)
        if table is None:
            return frappe_error(404, "DoesNotExistError", f"DocType {doctype} not found")
        if not name:
            return self._collection(request, doctype, table)
        document = table.get(name)
        if document is None:
            return frappe_error(404, "DoesNotExistError", f"{doctype} {name} not found")
        if request.method == "PUT":
            document.update(request.json)
            return Answer(200, {"data": document})
        if request.method == "DELETE":
            del table[name]
            return Answer(202, {"message": "ok"})
        return Answer(200, {"data": document})

    def _collection(self, request: Received, doctype: str, table: dict[str, Any]) -> Answer:
        if request.method == "POST":
            body = request.json
            name = str(body.get("name") or f"{doctype[:3].upper()}-{len(table) + 1:05d}")
            return Answer(200, {"data": self.add(doctype, name, **body)})
        query = {k: v[-1] for k, v in request.query.items()}
        fields = json.loads(query.get("fields", '["name"]'))
        rows = list(table.values())
        for _, field, op, value in json.loads(query.get("filters", "[]")):
            rows = [r for r in rows if COMPARE[op](r.get(field), value)]
        start = int(query.get("limit_start", 0))
        rows = rows[start : start + int(query.get("limit_page_length", 20))]
        return Answer(
            200, {"data": [r if fields == ["*"] else {f: r.get(f) for f in fields} for r in rows]}
        )
