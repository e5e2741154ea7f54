"""app.microsoft_excel against a fake Microsoft (tests/fakes/microsoft_excel.py: the token
endpoint and Graph's workbook API): a range's rows keyed by the key row as n8n builds them, the
raw range, the used range, worksheets listed, Graph's errors, the credential's test, and a run
through the engine with a stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

import pytest

from credentials import store
from executions import engine
from integrations.microsoft_excel import workbook_api
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.microsoft_excel import SHEET, WORKBOOK, FakeExcel
from tests.fakes.outlook import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN
from workfuse.lib.node_run import NodeError, Secret

XL = "app.microsoft_excel"
CELLS = [
    ["Company Name", "First Name", "Email"],
    ["Acme", "Ada", "ada@acme.test"],
    ["Beta", "Bo", "bo@beta.test"],
]
RANGE = {"workbook_id": WORKBOOK, "worksheet": SHEET, "range": "A1:C3"}


@pytest.fixture
def excel(settings: Any) -> Iterator[FakeExcel]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeExcel()) as fake:
        fake.cells = [list(row) for row in CELLS]
        yield fake


def value(fake: FakeExcel, refresh: str = REFRESH_TOKEN) -> dict[str, Any]:
    return {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "refresh_token": refresh,
        "base_url": f"{fake.url}/v1.0",
        "token_url": fake.token_url,
    }


def oauth(fake: FakeExcel, refresh: str = REFRESH_TOKEN) -> Secret:
    given = value(fake, refresh)
    secrets = {k: given.pop(k) for k in ("client_secret", "refresh_token")}
    return Secret("microsoft_excel", secrets, given, name="Sheets")


def test_a_range_s_rows_are_keyed_by_its_first_row(excel):
    output = run_app(XL, RANGE, oauth(excel))
    assert output == {
        "rows": [
            {"Company Name": "Acme", "First Name": "Ada", "Email": "ada@acme.test"},
            {"Company Name": "Beta", "First Name": "Bo", "Email": "bo@beta.test"},
        ],
        "count": 2,
    }
    graph = next(r for r in excel.requests if r.path.startswith("/v1.0"))
    assert (
        unquote(graph.path)
        == f"/v1.0/me/drive/items/{WORKBOOK}/workbook/worksheets/{SHEET}/range(address='A1:C3')"
    )


def test_the_key_row_and_first_data_row_move_and_raw_keeps_graph_s_range(excel):
    moved = run_app(XL, RANGE | {"key_row": 1, "data_start_row": 2}, oauth(excel))
    assert moved["rows"] == [{"Acme": "Beta", "Ada": "Bo", "ada@acme.test": "bo@beta.test"}]
    raw = run_app(XL, RANGE | {"raw": True}, oauth(excel))
    assert raw["range"]["values"] == CELLS
    used = run_app(XL, RANGE | {"range": ""}, oauth(excel))
    assert used["count"] == 2


def test_worksheets_are_listed_and_graph_s_errors_quoted(excel):
    listed = run_app(XL, {"operation": "list_worksheets", "workbook_id": WORKBOOK}, oauth(excel))
    assert listed["worksheets"][0]["id"] == SHEET
    missing = app_error(XL, RANGE | {"worksheet": "Nope"}, oauth(excel))
    assert "The requested resource doesn't exist." in missing.message
    expired = app_error(XL, RANGE, oauth(excel, "old-refresh"))
    assert not expired.retryable and "“Sheets”" in expired.message


def test_the_credential_test_names_the_drive_s_owner(excel):
    assert workbook_api.check(oauth(excel)).endswith("the workbooks of Ada Lovelace.")
    with pytest.raises(NodeError, match="Sheets"):
        workbook_api.check(oauth(excel, "old-refresh"))


@pytest.mark.django_db(transaction=True)
def test_a_run_reads_the_sheet(alice, excel):
    credential = store.create(alice, "Sheets", "microsoft_excel", value(excel))
    nodes = ({"id": "sheet", "type": XL, "config": {"credential": credential.pk, **RANGE}},)
    execution = engine.start_execution(make_workflow(alice, chain(*nodes)), {})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert execution.steps.get(key="sheet").output["count"] == 2
    assert REFRESH_TOKEN not in json.dumps([s.input for s in execution.steps.all()])
