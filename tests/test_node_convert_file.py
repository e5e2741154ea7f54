"""utility.convert_file: rows to CSV, XLSX and HTML files, values to JSON and text files, base64
to the file it encodes — each read back (by extract_file or openpyxl) to check what was made."""

from __future__ import annotations

import base64
import io

import openpyxl
import pytest

from editor.nodes import utility_convert_file, utility_extract_file
from editor.nodes.base import NodeError
from tests.data_nodes import form_round_trip, run, run_in_workflow
from workfuse.lib import files

ROWS = [
    {"sku": "a", "qty": 1, "ok": True},
    {"sku": '=HYPERLINK("x")', "qty": 2.5, "tags": ["x"], "by": {"name": "Ada"}},
]


def convert(**config) -> dict:
    return run(utility_convert_file, config)["file"]


def test_csv_file_from_rows_reads_back_as_the_rows():
    made = convert(format="csv", items=ROWS, filename="stock.csv")
    assert (made["filename"], made["content_type"]) == ("stock.csv", "text/csv")
    assert files.read(made).data == (
        b'sku,qty,ok,tags.0,by.name\na,1,TRUE,,\n"=HYPERLINK(""x"")",2.5,,x,Ada\n'
    )
    back = run(utility_extract_file, {"file": made, "format": "csv"})["rows"]
    assert back == [
        {"sku": "a", "qty": "1", "ok": "TRUE"},
        {"sku": '=HYPERLINK("x")', "qty": "2.5", "tags.0": "x", "by.name": "Ada"},
    ]


def test_xlsx_file_keeps_numbers_and_writes_formulas_as_text():
    made = convert(format="xlsx", items=ROWS, sheet="Stock")
    assert made["filename"] == "spreadsheet.xlsx"
    assert made["content_type"].endswith("spreadsheetml.sheet")
    book = openpyxl.load_workbook(io.BytesIO(files.read(made).data))
    cell = book["Stock"]["A3"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("x")', "s")
    back = run(utility_extract_file, {"file": made, "format": "xlsx"})["rows"]
    assert back == [
        {"sku": "a", "qty": 1, "ok": True},
        {"sku": '=HYPERLINK("x")', "qty": 2.5, "tags.0": "x", "by.name": "Ada"},
    ]


def test_rows_from_the_previous_output_and_html_table():
    made = run(utility_convert_file, {"format": "html"}, input={"items": [{"a": "<b>"}]})["file"]
    assert "<td>&lt;b&gt;</td>" in files.read(made).data.decode()


def test_json_text_and_base64_files():
    made = convert(format="json", value={"a": [1]}, pretty=True)
    assert (made["filename"], files.read(made).data) == ("file.json", b'{\n  "a": [\n    1\n  ]\n}')
    made = convert(format="text", value="héllo", filename="note.md", content_type="text/markdown")
    assert (made["content_type"], files.read(made).data) == ("text/markdown", "héllo".encode())
    encoded = base64.b64encode(b"<h1>hi</h1>").decode()
    made = convert(format="base64", value=encoded, filename="index.html")
    assert (made["content_type"], files.read(made).data) == ("text/html", b"<h1>hi</h1>")
    made = convert(format="base64", value="data:image/png;base64," + encoded)
    assert (made["filename"], made["content_type"]) == ("file.png", "image/png")
    made = convert(format="json", items=[{"a": 1}, {"a": 2}])
    assert files.read(made).data == b'[{"a":1},{"a":2}]'


def test_bad_input_is_refused_clearly(settings):
    with pytest.raises(NodeError, match="not valid base64"):
        convert(format="base64", value="***")
    with pytest.raises(NodeError, match="A text file needs text; the value is dict"):
        convert(format="text", value={"a": 1})
    with pytest.raises(NodeError, match="Every item must be an object"):
        convert(format="xlsx", items=[1, 2])
    settings.WORKFUSE_FILE_MAX_BYTES = 100
    with pytest.raises(NodeError, match=r"The file made is .* files are limited"):
        convert(format="text", value="x" * 101)


def test_sheet_names_excel_cannot_hold_are_refused():
    with pytest.raises(ValueError, match="sheet name cannot contain"):
        utility_convert_file.Config.model_validate({"format": "xlsx", "sheet": "a/b"})


@pytest.mark.django_db(transaction=True)
def test_convert_runs_in_a_workflow(alice):
    node = {
        "id": "make",
        "type": "utility.convert_file",
        "config": {"format": "csv", "items": "{{ trigger.rows }}", "filename": "out.csv"},
    }
    step = run_in_workflow(alice, node, {"rows": [{"a": 1}]})
    assert files.read(step.output["file"]).data == b"a\n1\n"


@pytest.mark.django_db
def test_the_settings_form_gives_the_config_back(alice_client, alice):
    config = {"format": "xlsx", "items": "{{ nodes.rows.items }}", "filename": "a.xlsx"}
    assert form_round_trip(alice_client, alice, "utility.convert_file", config) == config
