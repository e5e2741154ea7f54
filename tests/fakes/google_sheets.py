"""A fake Google: the OAuth 2.0 token endpoint for service accounts (a JWT bearer grant whose
signature it checks with the account's public key) and the Sheets API v4 over an in-memory
grid, with Google's error shapes: the `values` methods (get, append, update, batchUpdate,
clear),
spreadsheets.get (the sheets' ids and titles) and batchUpdate's deleteDimension and addSheet. A sheet's id
(gid) is its position times 1000 (the first sheet's is 0), unless `gids` says otherwise."""

from __future__ import annotations

import base64
import json
import re
import secrets
from typing import Any
from urllib.parse import unquote

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tests.fakes import Answer, FakeService, Received

CLIENT_EMAIL = "workfuse@acme-prod.iam.gserviceaccount.com"
# The audience Google expects in the assertion, whatever address the request went to.
GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token"
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
CELL = re.compile(r"^([A-Z]*)(\d*)$")


def new_key() -> tuple[rsa.RSAPrivateKey, str]:
    """A key pair and its service-account key file (JSON), as the Cloud console makes it."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    info = {
        "type": "service_account",
        "project_id": "acme-prod",
        "private_key_id": secrets.token_hex(20),
        "private_key": pem,
        "client_email": CLIENT_EMAIL,
        "client_id": "104000000000000000001",
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    return private, json.dumps(info, indent=2)


def _unb64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _column(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number - 1


def google_error(code: int, status: str, message: str, **headers: str) -> Answer:
    return Answer(code, {"error": {"code": code, "message": message, "status": status}}, headers)


class FakeGoogle(FakeService):
    def __init__(self, public_key: rsa.RSAPublicKey) -> None:
        super().__init__()
        self.public_key = public_key
        self.tokens: set[str] = set()
        self.assertions: list[dict[str, Any]] = []
        # spreadsheet id -> sheet name -> rows of cells
        self.sheets: dict[str, dict[str, list[list[Any]]]] = {}
        self.gids: dict[tuple[str, str], int] = {}  # (spreadsheet, sheet name) -> gid

    @property
    def token_url(self) -> str:
        return f"{self.url}/token"

    def respond(self, request: Received) -> Answer:
        if request.path == "/token":
            return self._token(request)
        match = re.match(
            r"^/v4/spreadsheets/([^/:]+)(/values/.+|/values:batchUpdate|:batchUpdate)?$",
            request.path,
        )
        if not match:
            return google_error(404, "NOT_FOUND", "Requested entity was not found.")
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        if bearer not in self.tokens:
            return google_error(
                401,
                "UNAUTHENTICATED",
                "Request had invalid authentication credentials. Expected OAuth 2 access token.",
            )
        spreadsheet = self.sheets.get(unquote(match.group(1)))
        if spreadsheet is None:
            return google_error(404, "NOT_FOUND", "Requested entity was not found.")
        spreadsheet_id = unquote(match.group(1))
        tail = match.group(2) or ""
        if tail == "":
            return self._metadata(spreadsheet_id)
        if tail == ":batchUpdate":
            return self._batch_update(spreadsheet_id, request)
        if tail == "/values:batchUpdate":
            for entry in request.json["data"]:
                answer = self._update(spreadsheet, entry["range"], entry["values"])
                if answer.status != 200:
                    return answer
            return Answer(200, {"totalUpdatedCells": len(request.json["data"])})
        target = unquote(tail.removeprefix("/values/"))
        if target.endswith(":clear") and request.method == "POST":
            return self._clear(spreadsheet, target.removesuffix(":clear"))
        if target.endswith(":append") and request.method == "POST":
            return self._append(spreadsheet, target.removesuffix(":append"), request)
        if request.method == "PUT":
            return self._update(spreadsheet, target, request.json["values"])
        return self._get(spreadsheet, target)

    def _token(self, request: Received) -> Answer:
        form = request.form
        if form.get("grant_type") != JWT_GRANT:
            return Answer(
                400, {"error": "unsupported_grant_type", "error_description": "Invalid grant_type"}
            )
        header, claims, signature = form.get("assertion", "..").split(".")
        try:
            self.public_key.verify(
                _unb64(signature),
                f"{header}.{claims}".encode(),
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
        except Exception:
            return Answer(
                400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
            )
        payload = json.loads(_unb64(claims))
        self.assertions.append(payload)
        if payload.get("aud") != GOOGLE_TOKEN_URL or payload.get("iss") != CLIENT_EMAIL:
            return Answer(
                400, {"error": "invalid_grant", "error_description": "Invalid JWT: aud or iss."}
            )
        token = f"ya29.fake-{secrets.token_urlsafe(24)}"
        self.tokens.add(token)
        return Answer(200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer"})

    def _locate(
        self, spreadsheet: dict[str, list[list[Any]]], a1: str
    ) -> tuple[str, int, int, int | None]:
        """(sheet, first column, first row, last row or None) of an A1 range; 0-based."""
        sheet, _, cells = a1.rpartition("!") if "!" in a1 else (a1, "", "")
        sheet = sheet.strip("'")
        if sheet not in spreadsheet:
            raise KeyError(sheet)
        start, _, end = cells.partition(":")
        col, row = CELL.match(start).groups() if start else ("", "")
        end_row = CELL.match(end).group(2) if end else row
        return (
            sheet,
            _column(col) if col else 0,
            int(row) - 1 if row else 0,
            int(end_row) if end_row else None,
        )

    def _get(self, spreadsheet: dict[str, list[list[Any]]], a1: str) -> Answer:
        try:
            sheet, col, row, last = self._locate(spreadsheet, a1)
        except KeyError:
            return google_error(400, "INVALID_ARGUMENT", f"Unable to parse range: {a1}")
        rows = [r[col:] for r in spreadsheet[sheet][row:last]]
        while rows and not rows[-1]:
            rows.pop()
        body: dict[str, Any] = {
            "range": f"{sheet}!A{row + 1}:Z{row + max(len(rows), 1)}",
            "majorDimension": "ROWS",
        }
        if rows:
            body["values"] = rows
        return Answer(200, body)

    def _append(
        self, spreadsheet: dict[str, list[list[Any]]], a1: str, request: Received
    ) -> Answer:
        try:
            sheet, *_ = self._locate(spreadsheet, a1)
        except KeyError:
            return google_error(400, "INVALID_ARGUMENT", f"Unable to parse range: {a1}")
        values = request.json["values"]
        rows = spreadsheet[sheet]
        first = len(rows) + 1
        rows.extend([list(map(str, r)) for r in values])
        updated = f"{sheet}!A{first}:{chr(64 + max(map(len, values)))}{first + len(values) - 1}"
        return Answer(
            200,
            {
                "spreadsheetId": "x",
                "tableRange": f"{sheet}!A1",
                "updates": {
                    "updatedRange": updated,
                    "updatedRows": len(values),
                    "updatedCells": sum(map(len, values)),
                },
            },
        )

    def _clear(self, spreadsheet: dict[str, list[list[Any]]], a1: str) -> Answer:
        """values.clear: the cells become empty, the rows stay (trailing empties trimmed)."""
        try:
            sheet, col, row, last = self._locate(spreadsheet, a1)
        except KeyError:
            return google_error(400, "INVALID_ARGUMENT", f"Unable to parse range: {a1}")
        cells = a1.rpartition("!")[2] if "!" in a1 else ""
        start, _, end_cell = cells.partition(":")
        found = CELL.match(end_cell or start)
        end = found.group(1) if cells and found else ""
        stop = _column(end) + 1 if end else None
        rows = spreadsheet[sheet]
        for index in range(row, len(rows) if last is None else min(last, len(rows))):
            current = rows[index]
            for i in range(col, len(current) if stop is None else min(stop, len(current))):
                current[i] = ""
            while current and current[-1] == "":
                current.pop()
        return Answer(
            200, {"spreadsheetId": "x", "clearedRange": a1 if cells else f"{sheet}!A1:Z1000"}
        )

    def gid(self, spreadsheet_id: str, name: str) -> int:
        order = list(self.sheets[spreadsheet_id])
        return self.gids.get((spreadsheet_id, name), order.index(name) * 1000)

    def _metadata(self, spreadsheet_id: str) -> Answer:
        sheets = [
            {"properties": {"sheetId": self.gid(spreadsheet_id, name), "title": name}}
            for name in self.sheets[spreadsheet_id]
        ]
        return Answer(200, {"sheets": sheets})

    def _batch_update(self, spreadsheet_id: str, request: Received) -> Answer:
        by_gid = {self.gid(spreadsheet_id, n): n for n in self.sheets[spreadsheet_id]}
        replies: list[dict[str, Any]] = []
        for entry in request.json["requests"]:
            if "addSheet" in entry:
                title = entry["addSheet"]["properties"]["title"]
                if title in self.sheets[spreadsheet_id]:
                    return google_error(
                        400,
                        "INVALID_ARGUMENT",
                        f'Invalid requests[0].addSheet: A sheet with the name "{title}" '
                        "already exists. Please enter another name.",
                    )
                self.sheets[spreadsheet_id][title] = []
                index = len(self.sheets[spreadsheet_id]) - 1
                properties = {
                    "sheetId": self.gid(spreadsheet_id, title),
                    "title": title,
                    "index": index,
                    "sheetType": "GRID",
                    "gridProperties": {"rowCount": 1000, "columnCount": 26},
                }
                replies.append({"addSheet": {"properties": properties}})
                continue
            span = entry["deleteDimension"]["range"]
            name = by_gid.get(span["sheetId"])
            if name is None or span["dimension"] != "ROWS":
                return google_error(400, "INVALID_ARGUMENT", f"No grid with id: {span['sheetId']}")
            del self.sheets[spreadsheet_id][name][span["startIndex"] : span["endIndex"]]
            replies.append({})
        return Answer(200, {"spreadsheetId": spreadsheet_id, "replies": replies})

    def _update(
        self, spreadsheet: dict[str, list[list[Any]]], a1: str, values_in: list[list[Any]]
    ) -> Answer:
        try:
            sheet, col, row, _ = self._locate(spreadsheet, a1)
        except KeyError:
            return google_error(400, "INVALID_ARGUMENT", f"Unable to parse range: {a1}")
        [values] = values_in
        rows = spreadsheet[sheet]
        while len(rows) <= row:
            rows.append([])
        current = rows[row] + [""] * max(0, col + len(values) - len(rows[row]))
        current[col : col + len(values)] = list(map(str, values))
        rows[row] = current
        return Answer(200, {"updatedRange": a1, "updatedRows": 1, "updatedCells": len(values)})
