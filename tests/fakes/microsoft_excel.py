"""A fake Excel 365 beside the fake Outlook (one Microsoft: its token endpoint): Microsoft Graph
v1.0's workbook API for `/me/drive/items/<workbook>/workbook`: worksheets listed, a worksheet's
range (`range(address='A1:B2')`) or used range read as Graph's range object (`address`,
`values`, …), with Graph's error shape."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from tests.fakes import Answer, Received
from tests.fakes.outlook import FakeOutlook, graph_error

WORKBOOK = "CA5C20CA5A0862D9!1122"
SHEET = "{00000000-0001-0000-0000-000000000000}"
PATH = re.compile(
    r"^/v1\.0/me/drive(?:/items/(?P<book>[^/]+)/workbook/worksheets"
    r"(?:/(?P<sheet>[^/]+)/(?:range\(address='(?P<range>[^']*)'\)|(?P<used>usedRange)))?)?$"
)


def column(letters: str) -> int:
    n = 0
    for c in letters:
        n = n * 26 + ord(c) - 64
    return n - 1


class FakeExcel(FakeOutlook):
    def __init__(self) -> None:
        super().__init__()
        self.cells: list[list[Any]] = []

    def respond(self, request: Received) -> Answer:
        path = unquote(request.path)
        if not path.startswith("/v1.0/me/drive"):
            return super().respond(request)
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        if bearer not in self.tokens:
            return graph_error(401, "InvalidAuthenticationToken", "Access token is empty.")
        match = PATH.match(path)
        if match is None:
            return graph_error(400, "invalidRequest", "Invalid request.")
        if match["book"] is None:
            return Answer(
                200, {"id": "b!drive", "owner": {"user": {"displayName": "Ada Lovelace"}}}
            )
        if match["book"] != WORKBOOK:
            return graph_error(404, "itemNotFound", "The resource could not be found.")
        if match["sheet"] is None:
            return Answer(200, {"value": [{"id": SHEET, "name": "Sheet1", "position": 0}]})
        if match["sheet"] not in (SHEET, "Sheet1"):
            return graph_error(404, "ItemNotFound", "The requested resource doesn't exist.")
        if match["used"]:
            return self._range(0, 0, len(self.cells) - 1, max(map(len, self.cells)) - 1)
        found = re.fullmatch(r"([A-Z]+)(\d+):([A-Z]+)(\d+)", match["range"])
        if found is None:
            return graph_error(400, "InvalidArgument", "The argument is invalid or missing.")
        first, top, last, bottom = found.groups()
        return self._range(int(top) - 1, column(first), int(bottom) - 1, column(last))

    def _range(self, top: int, left: int, bottom: int, right: int) -> Answer:
        values = [
            [
                (self.cells[r][c] if r < len(self.cells) and c < len(self.cells[r]) else "")
                for c in range(left, right + 1)
            ]
            for r in range(top, bottom + 1)
        ]
        return Answer(200, {"address": "Sheet1!range", "rowCount": len(values), "values": values})
