"""Importing an n8n workflow from the dashboard in real headless chromium: upload the file in
the import dialog, read the report (what was mapped, with which caveats, which credentials to
choose) before anything is saved, then import it."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from editor.models import Workflow
from tests.test_n8n_report import LEADS

pytestmark = pytest.mark.browser


def test_n8n_file_uploaded_in_the_dialog_shows_its_report_then_imports(page, live_server, tmp_path):
    export = tmp_path / "lead-intake.json"
    export.write_text(json.dumps(LEADS))
    page.goto(f"{live_server.url}/workflows/")
    page.get_by_role("button", name="Import").first.click()
    dialog = page.locator("#import-dialog")
    expect(dialog).to_contain_text("n8n")
    dialog.locator('input[type="file"]').set_input_files(str(export))
    dialog.get_by_role("button", name="Preview").click()

    report = page.locator("#import-dialog .import-report")
    expect(report).to_contain_text("3 nodes")
    expect(report).to_contain_text("2 with caveats")
    expect(report.locator(".import-node", has_text="Create lead")).to_contain_text("JSON array")
    expect(report).to_contain_text("Choose a header credential for 'create_lead'")
    assert not Workflow.objects.exists()  # nothing saved before "Import"

    page.locator("#import-dialog").get_by_role("button", name="Import").click()
    expect(page).to_have_url(f"{live_server.url}/workflows/{Workflow.objects.get().pk}/")
    assert Workflow.objects.get().n8n_import["nodes"]["create_lead"]["name"] == "Create lead"
