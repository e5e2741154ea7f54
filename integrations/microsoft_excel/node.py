"""app.microsoft_excel: a worksheet range's rows read as objects keyed by a header row, and a
workbook's worksheets listed, as n8n's Microsoft Excel node (version 1) does."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from integrations.microsoft_excel.credentials import ExcelOAuth2
from integrations.microsoft_excel.workbook_api import Workbooks, segment
from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your Microsoft Excel 365 OAuth2 credential. Needed to run."
    )
    operation: Literal["get_range", "list_worksheets"] = Field(
        "get_range",
        description="get_range: a worksheet range's rows. list_worksheets: a workbook's sheets.",
    )
    workbook_id: str = Field(
        "",
        description="The workbook's drive item id (e.g. CA5C20CA5A0862D9!1122).",
        json_schema_extra=used_by("get_range", "list_worksheets", required=True),
    )
    worksheet: str = Field(
        "",
        description="The worksheet's id or name (e.g. Sheet1).",
        json_schema_extra=used_by("get_range", required=True),
    )
    range: str = Field(
        "",
        description="get_range: the cells, e.g. A1:E11 (empty: the sheet's used range).",
        json_schema_extra=used_by("get_range"),
    )
    raw: bool = Field(
        False,
        description="get_range: output Graph's range object as it is instead of rows.",
        json_schema_extra=used_by("get_range"),
    )
    key_row: int = Field(
        0,
        ge=0,
        description="get_range: the row (from 0) holding the keys.",
        json_schema_extra=used_by("get_range"),
    )
    data_start_row: int = Field(
        1,
        ge=0,
        description="get_range: the first row (from 0) of data.",
        json_schema_extra=used_by("get_range"),
    )


def _rows(values: Any, key_row: int, start: int) -> list[dict[str, Any]]:
    """n8n's rows: each data row's cells keyed by the key row's cells."""
    if not isinstance(values, list) or len(values) <= key_row:
        raise NodeError("The range did not return data (no row to take the keys from).")
    keys = [str(k) for k in values[key_row]]
    return [dict(zip(keys, row, strict=False)) for row in values[start:]]


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """get_range: {rows, count} (or {range}: Graph's range object, when raw);
    list_worksheets: {worksheets, count}."""
    secret, _ = credential_for(ctx, config.operation, ExcelOAuth2)
    books = Workbooks(secret)
    book = f"/items/{segment(config.workbook_id)}/workbook"
    if config.operation == "list_worksheets":
        found = books.call("GET", f"{book}/worksheets", "list_worksheets").get("value") or []
        return {"worksheets": found, "count": len(found)}
    sheet = f"{book}/worksheets/{segment(config.worksheet)}"
    address = config.range.strip().replace("'", "''")
    path = f"{sheet}/range(address='{address}')" if address else f"{sheet}/usedRange"
    answer = books.call("GET", path, "get_range")
    if config.raw:
        return {"range": answer}
    rows = _rows(answer.get("values"), config.key_row, config.data_start_row)
    return {"rows": rows, "count": len(rows)}


NODE = NodeType(
    type="app.microsoft_excel",
    label="Microsoft Excel 365",
    category="app",
    description="Reads a worksheet range of an Excel workbook in OneDrive as rows keyed by "
    "its header row, and lists a workbook's worksheets.",
    Config=Config,
    run=run,
    credential_kinds=(ExcelOAuth2.kind,),
    icon="▦",
    examples=(
        (
            "Read the rows of A1:E11 of sheet Sheet1 in the Excel workbook CA5C20CA5A0862D9!1122 "
            "with credential 9",
            {
                "credential": 9,
                "operation": "get_range",
                "workbook_id": "CA5C20CA5A0862D9!1122",
                "worksheet": "Sheet1",
                "range": "A1:E11",
            },
        ),
        (
            "List the worksheets of the Excel workbook CA5C20CA5A0862D9!1122",
            {"operation": "list_worksheets", "workbook_id": "CA5C20CA5A0862D9!1122"},
        ),
    ),
)
