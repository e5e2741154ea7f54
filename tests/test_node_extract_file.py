"""utility.extract_file: rows from CSV, XLSX and HTML tables, text from PDFs and text files, JSON
values and base64 — from real small files made in the test — and hostile files refused clearly."""

from __future__ import annotations

import base64
import datetime
import io
import json
import re
import zipfile

import openpyxl
import pytest
from pypdf import PdfReader, PdfWriter

from credentials import store
from editor.nodes import utility_extract_file
from editor.nodes.base import NodeError, Secret
from executions import engine
from executions.models import Step
from tests.data_nodes import form_round_trip, run, run_in_workflow
from tests.engine_helpers import chain, make_workflow, steps_by_key
from workfuse.lib import files


def file_value(data: bytes, name: str) -> dict:
    return files.make(data, name).value()


def extract(data: bytes, name: str, secret: Secret | None = None, **config) -> dict:
    return run(utility_extract_file, {"file": file_value(data, name), **config}, secret=secret)


def pdf(*pages: str) -> bytes:
    """A PDF with one line of Helvetica text per page, offsets and xref computed."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    font = 3
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    kids = []
    for text in pages:
        stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (len(objects), font)
        )
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def xlsx(rows: list[list], sheet: str = "Sheet1") -> bytes:
    book = openpyxl.Workbook()
    worksheet = book.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- rows ---------------------------------------------------------------------------------


def test_csv_rows_are_objects_named_by_the_header_row_as_csv_parse_names_them():
    data = b"sku;qty;;qty\r\na;1;x;2\r\n\r\nb;;;\r\n"
    out = extract(data, "stock.csv", format="csv", delimiter=";")
    assert out == {"rows": [{"sku": "a", "qty": "2", "": "x"}, {"sku": "b"}], "count": 2}


def test_csv_options_header_off_empty_cells_encoding_and_row_cap():
    data = "naïve,\nb,2\nc,3\n".encode("latin-1")
    assert extract(data, "a.csv", header=False, encoding="latin-1", max_rows=2)["rows"] == [
        {"row": ["naïve", ""]},
        {"row": ["b", "2"]},
    ]
    out = extract(b"a,b\n1,\n", "a.csv", include_empty_cells=True)
    assert out["rows"] == [{"a": "1", "b": ""}]
    with pytest.raises(NodeError, match="not utf-8 text"):
        extract(data, "a.csv")


def test_xlsx_headers_are_named_as_sheetjs_names_them_and_dates_as_chosen():
    day = datetime.datetime(2024, 5, 1)
    data = xlsx([["d", None, "d"], [day, 1, 2]])
    assert extract(data, "s.xlsx", format="xlsx")["rows"] == [
        {"d": "2024-05-01T00:00:00", "__EMPTY": 1, "d_1": 2}
    ]
    assert extract(data, "s.xlsx", format="xlsx", dates="serial")["rows"][0]["d"] == 45413


def test_xlsx_rows_keep_numbers_and_read_the_named_sheet():
    data = xlsx(
        [["name", "price", "when"], ["tea", 2.5, None], [None, None, None], ["cake", 4, "x"]],
        "Stock",
    )
    assert extract(data, "s.xlsx", format="xlsx", sheet="Stock")["rows"] == [
        {"name": "tea", "price": 2.5},
        {"name": "cake", "price": 4, "when": "x"},
    ]
    with pytest.raises(NodeError, match="no sheet 'Other'; its sheets are Stock"):
        extract(data, "s.xlsx", format="xlsx", sheet="Other")


def test_html_table_rows():
    page = b"<p>x</p><table><tr><th>a</th><th>b</th></tr><tr><td> 1 </td><td>two  words</td></tr></table>"
    assert extract(page, "t.html", format="html")["rows"] == [{"a": "1", "b": "two words"}]
    with pytest.raises(NodeError, match="no <table>"):
        extract(b"<p>none</p>", "t.html", format="html")


# --- text and values ----------------------------------------------------------------------


def test_pdf_text_pages_and_max_pages():
    data = pdf("First page", "Second page")
    out = extract(data, "r.pdf", format="pdf")
    assert out["pages"] == 2 and out["pages_read"] == 2
    assert "First page" in out["text"] and "Second page" in out["text"]
    out = extract(data, "r.pdf", format="pdf", max_pages=1, join_pages=False)
    assert out["pages_read"] == 1 and len(out["text"]) == 1 and "First" in out["text"][0]


def test_pdf_written_by_pypdf_with_metadata():
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(pdf("Hello"))))
    writer.add_metadata({"/Title": "Report"})
    out = io.BytesIO()
    writer.write(out)
    result = extract(out.getvalue(), "r.pdf", format="pdf")
    assert result["info"]["Title"] == "Report" and "Hello" in result["text"]


def encrypted_pdf(user_password: str, text: str = "Locked") -> bytes:
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(pdf(text))))
    writer.encrypt(user_password=user_password, owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_encrypted_pdf_needs_a_credential_and_owner_only_encryption_is_read():
    assert "Locked" in extract(encrypted_pdf(""), "l.pdf", format="pdf")["text"]
    with pytest.raises(NodeError, match="choose a PDF password credential holding it"):
        extract(encrypted_pdf("secret"), "l.pdf", format="pdf")


# --- pdfpass ---
PDF_PASSWORD = "Pdf-pw-6613"


def test_an_encrypted_pdf_opens_with_its_pdf_password_credential():
    locked = encrypted_pdf(PDF_PASSWORD, "Statement 42")
    right = Secret("pdf_password", PDF_PASSWORD, name="Bank PDF")
    out = extract(locked, "s.pdf", format="pdf", credential=3, secret=right)
    assert "Statement 42" in out["text"] and out["pages"] == 1
    documents = extract(locked, "s.pdf", format="documents", credential=3, secret=right)
    assert "Statement 42" in documents["documents"][0]
    wrong = Secret("pdf_password", "not-it-9921", name="Old PDF")
    with pytest.raises(NodeError) as error:
        extract(locked, "s.pdf", format="pdf", credential=3, secret=wrong)
    assert "“Old PDF” does not open this PDF" in str(error.value)
    assert "not-it-9921" not in str(error.value)
    other = Secret("bearer", PDF_PASSWORD, name="A token")
    with pytest.raises(NodeError, match="“A token” is not a PDF password"):
        extract(locked, "s.pdf", format="pdf", credential=3, secret=other)


def run_pdf_workflow(owner, credential: int) -> Step:
    node = {
        "id": "read",
        "type": "utility.extract_file",
        "config": {"file": "{{ trigger.pdf }}", "format": "pdf", "credential": credential},
    }
    payload = {"pdf": file_value(encrypted_pdf(PDF_PASSWORD, "Invoice 7"), "i.pdf")}
    execution = engine.start_execution(make_workflow(owner, chain(node)), payload)
    return steps_by_key(execution)["read"]


@pytest.mark.django_db(transaction=True)
def test_a_workflow_reads_an_encrypted_pdf_and_stores_no_password(alice):
    right = store.create(alice, "Bank PDF", "pdf_password", PDF_PASSWORD)
    step = run_pdf_workflow(alice, right.pk)
    assert step.status == "succeeded", step.error
    assert "Invoice 7" in step.output["text"]
    wrong = store.create(alice, "Old PDF", "pdf_password", "not-it-9921")
    step = run_pdf_workflow(alice, wrong.pk)
    assert step.status == "failed"
    assert "“Old PDF” does not open this PDF" in step.error
    stored = json.dumps(list(Step.objects.values("input", "output", "error", "attempts")))
    assert PDF_PASSWORD not in stored and "not-it-9921" not in stored


# --- end pdfpass ---


def test_text_json_and_base64_go_in_the_key():
    assert extract("héllo".encode(), "a.txt", format="text") == {"data": "héllo"}
    assert extract(b'{"a": [1]}', "a.json", format="json", key="doc") == {"doc": {"a": [1]}}
    assert extract(b"\x00\x01", "a.bin", format="base64") == {"data": "AAE="}
    with pytest.raises(NodeError, match="not usable JSON"):
        extract(b"{nope", "a.json", format="json")


# --- hostile input ------------------------------------------------------------------------


def test_a_value_that_is_not_a_file_or_bad_base64_is_refused():
    with pytest.raises(NodeError, match="file must be a file"):
        run(utility_extract_file, {"file": "just text"})
    with pytest.raises(NodeError, match="not valid base64"):
        run(utility_extract_file, {"file": {"filename": "a.csv", "content": "***"}})


def test_a_file_over_the_limit_is_refused(settings):
    settings.WORKFUSE_FILE_MAX_BYTES = 1000
    content = base64.b64encode(b"a" * 1001).decode()
    with pytest.raises(NodeError, match="files are limited"):
        run(utility_extract_file, {"file": {"filename": "a.csv", "content": content}})


def test_a_pdf_that_is_not_a_pdf():
    with pytest.raises(NodeError, match="not a readable PDF"):
        extract(b"GIF89a not a pdf at all", "x.pdf", format="pdf")


def test_a_file_that_is_not_a_workbook():
    with pytest.raises(NodeError, match="not an XLSX workbook"):
        extract(b"sku,qty\n", "x.xlsx", format="xlsx")


def test_a_huge_declared_xlsx_dimension_does_not_pad_rows(monkeypatch):
    monkeypatch.setattr(utility_extract_file, "MAX_CELLS", 100)  # padded, 2 rows hold 32,768
    data = xlsx([["a", "b"], [1, 2]])
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = re.sub(
                    rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="A1:XFD1048576"/>', body
                )
                assert b"XFD1048576" in body
            target.writestr(info, body)
    assert extract(out.getvalue(), "x.xlsx", format="xlsx")["rows"] == [{"a": 1, "b": 2}]


def test_an_xlsx_that_unzips_too_large_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        target.writestr("xl/sharedStrings.xml", b"\0" * (utility_extract_file.MAX_UNZIPPED + 1))
    with pytest.raises(NodeError, match=r"unzips to .* over the 200 MB limit"):
        extract(out.getvalue(), "bomb.xlsx", format="xlsx")


def test_too_many_rows_and_a_slow_parse_are_stopped(monkeypatch, settings):
    settings.WORKFUSE_MAX_STEP_OUTPUT_BYTES = 4 * 2**20  # room for a 1.6 MB file
    monkeypatch.setattr(utility_extract_file, "MAX_ROWS", 3)
    with pytest.raises(NodeError, match="more than 3 rows"):
        extract(b"a\n1\n2\n3\n4\n", "a.csv")
    monkeypatch.setattr(utility_extract_file, "CPU_SECONDS", 0.05)
    monkeypatch.setattr(utility_extract_file, "MAX_ROWS", 10**9)
    monkeypatch.setattr(utility_extract_file, "MAX_CELLS", 10**9)
    with pytest.raises(NodeError, match="CPU time and was stopped"):
        extract(b"a,b\n" + b"1,2\n" * 400_000, "big.csv")


# --- in a workflow ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_extract_runs_in_a_workflow_on_a_file_from_the_trigger(alice):
    node = {
        "id": "read",
        "type": "utility.extract_file",
        "config": {"file": "{{ trigger.upload }}", "format": "csv"},
    }
    step = run_in_workflow(alice, node, {"upload": file_value(b"a,b\n1,2\n", "x.csv")})
    assert step.output == {"rows": [{"a": "1", "b": "2"}], "count": 1}


@pytest.mark.django_db
def test_the_settings_form_gives_the_config_back(alice_client, alice):
    config = {"file": "{{ nodes.get.file }}", "format": "pdf", "max_pages": 3, "join_pages": False}
    assert form_round_trip(alice_client, alice, "utility.extract_file", config) == config
