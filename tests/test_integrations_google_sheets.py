"""app.google_sheets against a fake Google (tests/fakes/google_sheets.py): the service account's
signed token request, each operation's request (method, path, bearer token, body) and output,
Google's errors and quota answers mapped to what the engine retries or not, the key's checks,
the credential test, and a run through the engine with a stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from credentials import store
from executions import engine
from executions.models import Step
from integrations.google_sheets import sheets_api
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import Answer, running
from tests.fakes.google_sheets import CLIENT_EMAIL, FakeGoogle, google_error, new_key
from workfuse.lib.node_run import NodeError, Secret

SHEETS = "app.google_sheets"
SHEET_ID = "1AbCdEfGh"


@pytest.fixture(scope="module")
def keys() -> tuple[Any, str]:
    return new_key()


@pytest.fixture
def google(keys: tuple[Any, str], settings: Any) -> Iterator[FakeGoogle]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeGoogle(keys[0].public_key())) as fake:
        fake.sheets[SHEET_ID] = {
            "Leads": [["Name", "Email", "Plan"], ["Ada", "ada@x.org", "pro"], ["Bob", "bob@x.org"]],
            "Empty": [],
        }
        yield fake


def account(fake: FakeGoogle, key_file: str) -> Secret:
    settings = {"base_url": fake.url, "token_url": fake.token_url}
    return Secret("google_sheets", {"service_account_key": key_file}, settings, name="Acme Google")


@pytest.fixture
def key(google: FakeGoogle, keys: tuple[Any, str]) -> Secret:
    return account(google, keys[1])


def api_requests(fake: FakeGoogle) -> list[Any]:
    return [r for r in fake.requests if r.path != "/token"]


# --- the token ---------------------------------------------------------------------------------


def test_each_call_first_trades_a_signed_jwt_for_a_token(google, key):
    run_app(SHEETS, {"operation": "read_rows", "spreadsheet_id": SHEET_ID, "range": "Leads"}, key)

    token, read = google.requests
    assert (token.method, token.path) == ("POST", "/token")
    assert token.form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
    [claims] = google.assertions
    assert claims["iss"] == CLIENT_EMAIL and claims["aud"] == "https://oauth2.googleapis.com/token"
    assert claims["scope"] == "https://www.googleapis.com/auth/spreadsheets"
    assert "PRIVATE KEY" not in token.body.decode()  # only the signature travels
    assert read.headers["authorization"].removeprefix("Bearer ") in google.tokens


# --- operations ---------------------------------------------------------------------------------


def test_read_rows_maps_rows_to_objects_by_the_header_row(google, key):
    output = run_app(
        SHEETS, {"operation": "read_rows", "spreadsheet_id": SHEET_ID, "range": "Leads"}, key
    )

    [read] = api_requests(google)
    assert (read.method, read.path) == ("GET", f"/v4/spreadsheets/{SHEET_ID}/values/Leads")
    assert read.query["majorDimension"] == ["ROWS"]
    assert output == {
        "rows": [
            {"Name": "Ada", "Email": "ada@x.org", "Plan": "pro"},
            {"Name": "Bob", "Email": "bob@x.org", "Plan": ""},
        ],
        "row_numbers": [2, 3],
        "headers": ["Name", "Email", "Plan"],
        "count": 2,
        "truncated": False,
    }


def test_read_rows_without_a_header_row_and_bounded(google, key):
    output = run_app(
        SHEETS,
        {
            "operation": "read_rows",
            "spreadsheet_id": SHEET_ID,
            "range": "Leads!A1:C3",
            "header_row": False,
            "max_rows": 2,
        },
        key,
    )
    assert api_requests(google)[0].path.endswith("/values/Leads!A1:C3")
    assert output["rows"] == [["Name", "Email", "Plan"], ["Ada", "ada@x.org", "pro"]]
    assert output["row_numbers"] == [1, 2] and output["truncated"] is True


def test_append_row_places_an_object_under_its_headers(google, key):
    output = run_app(
        SHEETS,
        {
            "spreadsheet_id": SHEET_ID,
            "range": "Leads",
            "values": {"Email": "cy@x.org", "Name": "Cy"},
        },
        key,
    )

    header, append = api_requests(google)
    assert header.path == f"/v4/spreadsheets/{SHEET_ID}/values/Leads!1:1"
    assert (append.method, append.path) == (
        "POST",
        f"/v4/spreadsheets/{SHEET_ID}/values/Leads:append",
    )
    assert append.query["valueInputOption"] == ["USER_ENTERED"]
    assert append.query["insertDataOption"] == ["INSERT_ROWS"]
    assert append.json == {"majorDimension": "ROWS", "values": [["Cy", "cy@x.org", ""]]}
    assert google.sheets[SHEET_ID]["Leads"][-1] == ["Cy", "cy@x.org", ""]
    assert output["updated_range"] == "Leads!A4:C4" and output["updated_rows"] == 1


def test_append_row_takes_a_list_as_is_and_a_sheet_name_with_spaces(google, key):
    google.sheets[SHEET_ID]["Q1 sales"] = []
    run_app(
        SHEETS,
        {
            "spreadsheet_id": SHEET_ID,
            "range": "Q1 sales",
            "values": '["Ada", 12.5]',
            "value_input_option": "RAW",
        },
        key,
    )
    [append] = api_requests(google)
    assert append.path == f"/v4/spreadsheets/{SHEET_ID}/values/Q1%20sales:append"
    assert append.query["valueInputOption"] == ["RAW"]
    assert google.sheets[SHEET_ID]["Q1 sales"] == [["Ada", "12.5"]]


def test_an_object_with_an_unknown_column_is_refused_naming_it(google, key):
    error = app_error(
        SHEETS,
        {"spreadsheet_id": SHEET_ID, "range": "Leads", "values": {"Name": "Cy", "Phone": "1"}},
        key,
    )
    assert "does not have: Phone (the headers are: Name, Email, Plan)" in error.message
    assert len(api_requests(google)) == 1  # only the header row was read


def test_update_row_by_row_number_overwrites_that_row(google, key):
    output = run_app(
        SHEETS,
        {
            "operation": "update_row",
            "spreadsheet_id": SHEET_ID,
            "range": "Leads",
            "row_number": 3,
            "values": {"Name": "Bob", "Email": "bob@x.org", "Plan": "team"},
        },
        key,
    )
    update = api_requests(google)[-1]
    assert (update.method, update.path) == ("PUT", f"/v4/spreadsheets/{SHEET_ID}/values/Leads!3:3")
    assert update.json == {
        "range": "Leads!3:3",
        "majorDimension": "ROWS",
        "values": [["Bob", "bob@x.org", "team"]],
    }
    assert google.sheets[SHEET_ID]["Leads"][2] == ["Bob", "bob@x.org", "team"]
    assert output["updated_cells"] == 3


def test_update_row_by_range_with_a_list(google, key):
    run_app(
        SHEETS,
        {
            "operation": "update_row",
            "spreadsheet_id": SHEET_ID,
            "range": "Leads!B2:C2",
            "values": ["ada@new.org", "free"],
        },
        key,
    )
    assert google.sheets[SHEET_ID]["Leads"][1] == ["Ada", "ada@new.org", "free"]
    assert len(api_requests(google)) == 1  # a list needs no header row


def test_update_row_needs_a_row(google, key):
    error = app_error(
        SHEETS,
        {"operation": "update_row", "spreadsheet_id": SHEET_ID, "range": "Leads", "values": ["a"]},
        key,
    )
    assert "update_row needs the row" in error.message and google.requests == []


# --- errors and quotas --------------------------------------------------------------------------


def test_a_missing_spreadsheet_is_not_retried_and_quotes_google(google, key):
    error = app_error(
        SHEETS, {"operation": "read_rows", "spreadsheet_id": "nope", "range": "A"}, key
    )
    assert error.message == (
        "Google Sheets refused values.get (HTTP 404): NOT_FOUND: Requested entity was not found."
    )
    assert not error.retryable


def test_a_quota_answer_is_retried_after_retry_after(google, key):
    google.script(
        Answer(200, {"access_token": "ya29.x", "expires_in": 3599}),
        google_error(
            429,
            "RESOURCE_EXHAUSTED",
            "Quota exceeded for quota metric 'Read requests'",
            **{"Retry-After": "20"},
        ),
    )
    error = app_error(
        SHEETS, {"operation": "read_rows", "spreadsheet_id": SHEET_ID, "range": "Leads"}, key
    )
    assert error.retryable and error.retry_after == 20
    assert "rate limiting values.get (RESOURCE_EXHAUSTED" in error.message


def test_resource_exhausted_in_another_status_is_retried_too(google, key):
    google.script(
        Answer(200, {"access_token": "ya29.x", "expires_in": 3599}),
        google_error(403, "RESOURCE_EXHAUSTED", "Quota exceeded"),
    )
    error = app_error(
        SHEETS, {"operation": "read_rows", "spreadsheet_id": SHEET_ID, "range": "Leads"}, key
    )
    assert error.retryable


def test_google_failing_is_retried(google, key):
    google.script(
        Answer(200, {"access_token": "ya29.x", "expires_in": 3599}),
        google_error(503, "UNAVAILABLE", "The service is currently unavailable."),
    )
    error = app_error(
        SHEETS, {"operation": "read_rows", "spreadsheet_id": SHEET_ID, "range": "A"}, key
    )
    assert error.retryable


def test_a_token_endpoint_in_trouble_is_retried_without_sleeping_in_the_worker(google, key):
    google.script(Answer(503, {"error": "temporarily_unavailable"}, {"Retry-After": "9"}))
    error = app_error(
        SHEETS, {"operation": "read_rows", "spreadsheet_id": SHEET_ID, "range": "A"}, key
    )
    assert error.retryable and error.retry_after == 9
    assert len(google.requests) == 1  # google-auth's own retry loop never ran


def test_an_unshared_spreadsheet_names_the_credential(google, key):
    google.script(
        Answer(200, {"access_token": "ya29.x", "expires_in": 3599}),
        google_error(403, "PERMISSION_DENIED", "The caller does not have permission"),
    )
    error = app_error(
        SHEETS, {"operation": "read_rows", "spreadsheet_id": SHEET_ID, "range": "A"}, key
    )
    assert (
        "Google Sheets did not accept the credential “Acme Google” (PERMISSION_DENIED"
        in error.message
    )
    assert not error.retryable


def test_a_key_google_does_not_know_is_an_auth_error(google):
    _, other = new_key()  # the fake checks signatures with the first key's public half
    error = app_error(
        SHEETS,
        {"operation": "read_rows", "spreadsheet_id": SHEET_ID, "range": "A"},
        account(google, other),
    )
    assert (
        "Google did not accept the credential “Acme Google” (invalid_grant: Invalid JWT Signature.)"
        in error.message
    )
    assert not error.retryable and api_requests(google) == []


def test_a_private_token_endpoint_is_refused_unless_allowed(google, key, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = False
    error = app_error(
        SHEETS, {"operation": "read_rows", "spreadsheet_id": SHEET_ID, "range": "A"}, key
    )
    assert "Refused to connect to 127.0.0.1 (loopback address)" in error.message
    assert google.requests == []


# --- the key ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("not json at all", "must be the JSON key file, pasted whole"),
        ('{"type": "service_account", "private_key": "x"}', "it has no client_email"),
        ('{"client_email": "a@b", "private_key": "MIIE"}', "must hold a PEM private_key"),
        (
            '{"type": "authorized_user", "client_email": "a", "private_key": "b"}',
            "type is not service_account",
        ),
    ],
)
def test_a_key_file_is_checked_without_being_quoted(value, message):
    from pydantic import ValidationError

    from integrations.google_sheets.credentials import ServiceAccountKey

    with pytest.raises(ValidationError, match=message) as caught:
        ServiceAccountKey.model_validate({"service_account_key": value})
    assert value not in str(caught.value.errors()[0]["msg"])


# --- Test connection ---------------------------------------------------------------------------


def test_the_test_fetches_a_token(google, key):
    assert sheets_api.check_key(key) == (
        f"Google accepted the key of {CLIENT_EMAIL} and issued an access token. Share each "
        "spreadsheet (and each Drive file or folder) with this address."
    )
    assert [r.path for r in google.requests] == ["/token"]


def test_the_test_fails_for_a_key_google_refuses(google):
    google.script(
        Answer(
            401, {"error": "invalid_client", "error_description": "The OAuth client was not found."}
        )
    )
    with pytest.raises(
        NodeError, match="did not accept the credential “Acme Google” \\(invalid_client"
    ):
        sheets_api.check_key(account(google, new_key()[1]))


# --- through the engine -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_run_appends_the_rendered_row_with_the_stored_credential(alice, google, keys, alice_api):
    credential = store.create(
        alice,
        "Acme Google",
        "google_sheets",
        {"service_account_key": keys[1], "base_url": google.url, "token_url": google.token_url},
    )
    node = {
        "id": "save",
        "type": SHEETS,
        "config": {
            "credential": credential.pk,
            "spreadsheet_id": SHEET_ID,
            "range": "Leads",
            "values": {"Name": "{{ trigger.name }}", "Email": "{{ trigger.email }}"},
        },
    }

    execution = engine.start_execution(
        make_workflow(alice, chain(node)), {"name": "Di", "email": "di@x"}
    )

    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert google.sheets[SHEET_ID]["Leads"][-1] == ["Di", "di@x", ""]
    step = Step.objects.get(execution=execution, key="save")
    private_key = json.loads(keys[1])["private_key"]
    assert private_key[40:80] not in json.dumps([step.input, step.output])
    answer = alice_api.post(f"/api/credentials/{credential.pk}/test").json()
    assert answer["ok"] is True and CLIENT_EMAIL in answer["message"]


@pytest.mark.django_db(transaction=True)
def test_the_gallery_starter_adds_the_row_and_archives_the_form(alice, google, keys, tmp_path):
    from editor.gallery import TEMPLATES
    from tests.fakes.s3 import moto_s3

    sheets = store.create(
        alice,
        "Acme Google",
        "google_sheets",
        {"service_account_key": keys[1], "base_url": google.url, "token_url": google.token_url},
    )
    google.sheets[SHEET_ID]["Leads"] = [["Name", "Email", "Message"]]
    with moto_s3(tmp_path / "moto.log") as s3:
        bucket = s3.new_bucket()
        archive = store.create(
            alice,
            "Acme S3",
            "s3",
            {
                "access_key_id": s3.access_key_id,
                "secret_access_key": s3.secret_access_key,
                "base_url": s3.url,
            },
        )
        graph = TEMPLATES["form-to-sheets-and-s3"].new_graph()
        nodes = {n["id"]: n for n in graph["nodes"]}
        nodes["add_row"]["config"] |= {"credential": sheets.pk, "spreadsheet_id": SHEET_ID}
        nodes["archive"]["config"] |= {"credential": archive.pk, "bucket": bucket}
        form = {"name": "Ada", "email": "ada@x.org", "message": "Hello"}

        execution = engine.start_execution(make_workflow(alice, graph), {"body": form})

        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        [stored] = s3.client().list_objects_v2(Bucket=bucket)["Contents"]
        body = s3.client().get_object(Bucket=bucket, Key=stored["Key"])["Body"].read()
    assert stored["Key"] == f"forms/{execution.pk}.json"
    assert json.loads(body) == form
    assert google.sheets[SHEET_ID]["Leads"][-1] == ["Ada", "ada@x.org", "Hello"]


# --- lookups, matching updates, deletes, sheets by id -------------------------------------------


def add_orders(google: FakeGoogle) -> None:
    google.sheets[SHEET_ID]["Orders"] = [
        ["Order ID", "Status", "Owner"],
        ["1001", "open", "Ada"],
        ["1002", "paid", "Bob"],
        ["1003", "open", "Bob"],
        ["1002", "open", "Cy"],
    ]


def orders(google: FakeGoogle) -> list[list[Any]]:
    return google.sheets[SHEET_ID]["Orders"]


def test_read_rows_with_filters_combined_by_and_or_or(google, key):
    add_orders(google)
    base = {"operation": "read_rows", "spreadsheet_id": SHEET_ID, "range": "Orders"}
    both = [{"column": "Status", "value": "open"}, {"column": "Owner", "value": "Bob"}]
    output = run_app(SHEETS, {**base, "filters": both}, key)
    assert output["rows"] == [{"Order ID": "1003", "Status": "open", "Owner": "Bob"}]
    assert output["row_numbers"] == [4] and output["count"] == 1
    either = run_app(SHEETS, {**base, "filters": both, "combine": "OR"}, key)
    assert either["row_numbers"] == [2, 3, 4, 5]
    first = run_app(SHEETS, {**base, "filters": both, "combine": "OR", "first_match": True}, key)
    assert first["row_numbers"] == [2]


def test_read_rows_filters_compare_text_and_name_a_missing_column(google, key):
    add_orders(google)
    base = {"operation": "read_rows", "spreadsheet_id": SHEET_ID, "range": "Orders"}
    output = run_app(SHEETS, {**base, "filters": [{"column": "Order ID", "value": 1002}]}, key)
    assert output["row_numbers"] == [3, 5]  # 1002 the number matches the cell "1002"
    error = app_error(SHEETS, {**base, "filters": [{"column": "Total", "value": "1"}]}, key)
    assert "The filter's column 'Total' is not in the header row" in str(error)


def test_unformatted_values_are_asked_for_with_dates_as_shown(google, key):
    add_orders(google)
    config = {"operation": "read_rows", "spreadsheet_id": SHEET_ID, "range": "Orders"}
    run_app(SHEETS, {**config, "value_render": "UNFORMATTED_VALUE"}, key)
    read = api_requests(google)[-1]
    assert read.query["valueRenderOption"] == ["UNFORMATTED_VALUE"]
    assert read.query["dateTimeRenderOption"] == ["FORMATTED_STRING"]


def test_update_by_column_writes_only_the_given_cells_of_the_first_match(google, key):
    add_orders(google)
    output = run_app(
        SHEETS,
        {
            "operation": "update_by_column",
            "spreadsheet_id": SHEET_ID,
            "range": "Orders",
            "match_column": "Order ID",
            "values": {"Order ID": "1002", "Status": "shipped"},
        },
        key,
    )
    assert output == {
        "spreadsheet_id": SHEET_ID,
        "row_number": 3,
        "updated": True,
        "appended": False,
        "values": {"Order ID": "1002", "Status": "shipped"},
    }
    assert orders(google)[2] == ["1002", "shipped", "Bob"]  # Owner untouched
    assert orders(google)[4] == ["1002", "open", "Cy"]  # only the first match, as n8n
    batch = api_requests(google)[-1]
    assert (batch.method, batch.path) == ("POST", f"/v4/spreadsheets/{SHEET_ID}/values:batchUpdate")
    assert batch.json["data"] == [{"range": "Orders!B3", "values": [["shipped"]]}]


def test_update_by_column_without_a_match_updates_nothing(google, key):
    add_orders(google)
    config = {
        "operation": "update_by_column",
        "spreadsheet_id": SHEET_ID,
        "range": "Orders",
        "match_column": "Order ID",
        "values": {"Order ID": "9999", "Status": "shipped"},
    }
    output = run_app(SHEETS, config, key)
    assert output["updated"] is False and output["row_number"] is None
    assert len(orders(google)) == 5


def test_append_or_update_appends_when_nothing_matches(google, key):
    add_orders(google)
    config = {
        "operation": "append_or_update",
        "spreadsheet_id": SHEET_ID,
        "range": "Orders",
        "match_column": "Order ID",
        "values": {"Order ID": "1004", "Owner": "Dee", "Status": {"a": 1}},
    }
    output = run_app(SHEETS, config, key)
    assert output["appended"] is True and output["row_number"] == 6
    assert orders(google)[5] == ["1004", '{"a": 1}', "Dee"]  # placed under the headers
    again = run_app(SHEETS, {**config, "values": {"Order ID": "1004", "Owner": "Eve"}}, key)
    assert again["updated"] is True and again["row_number"] == 6
    assert orders(google)[5] == ["1004", '{"a": 1}', "Eve"]


def test_matching_needs_the_match_columns_value_and_known_columns(google, key):
    add_orders(google)
    config = {
        "operation": "append_or_update",
        "spreadsheet_id": SHEET_ID,
        "range": "Orders",
        "match_column": "Order ID",
    }
    error = app_error(SHEETS, {**config, "values": {"Status": "x"}}, key)
    assert "values must give the column to match on (Order ID) a value" in str(error)
    error = app_error(SHEETS, {**config, "values": {"Order ID": "1", "Total": 3}}, key)
    assert "header row does not have: Total" in str(error)


def test_a_sheet_chosen_by_gid_is_found_by_its_current_name(google, key):
    add_orders(google)  # the third sheet: gid 2000
    output = run_app(
        SHEETS,
        {
            "operation": "read_rows",
            "spreadsheet_id": f"https://docs.google.com/spreadsheets/d/{SHEET_ID}/edit",
            "sheet_gid": f"https://docs.google.com/spreadsheets/d/{SHEET_ID}/edit#gid=2000",
            "filters": [{"column": "Owner", "value": "Ada"}],
        },
        key,
    )
    assert output["row_numbers"] == [2]
    metadata, read = api_requests(google)
    assert metadata.path == f"/v4/spreadsheets/{SHEET_ID}"
    assert metadata.query["fields"] == ["sheets.properties(sheetId,title)"]
    assert read.path == f"/v4/spreadsheets/{SHEET_ID}/values/Orders"
    error = app_error(
        SHEETS, {"operation": "read_rows", "spreadsheet_id": SHEET_ID, "sheet_gid": "7"}, key
    )
    assert "has no sheet with id 7 (its sheets: Leads (0), Empty (1000), Orders (2000))" in str(
        error
    )


def test_delete_rows_deletes_by_number_through_the_sheets_id(google, key):
    add_orders(google)
    output = run_app(
        SHEETS,
        {
            "operation": "delete_rows",
            "spreadsheet_id": SHEET_ID,
            "range": "Orders",
            "start_row": "3",
            "row_count": 2,
        },
        key,
    )
    assert output == {"spreadsheet_id": SHEET_ID, "deleted_rows": 2, "first_row": 3}
    assert [r[0] for r in orders(google)] == ["Order ID", "1001", "1002"]
    batch = api_requests(google)[-1]
    assert batch.json == {
        "requests": [
            {
                "deleteDimension": {
                    "range": {"sheetId": 2000, "dimension": "ROWS", "startIndex": 2, "endIndex": 4}
                }
            }
        ]
    }


def test_a_sheet_must_be_named_or_chosen_by_gid():
    from integrations.google_sheets.node import Config

    with pytest.raises(ValueError, match="Name the sheet here"):
        Config.model_validate({"operation": "read_rows", "spreadsheet_id": "x"})


def test_create_sheet_adds_a_tab_and_outputs_its_properties(google, key):
    config = {"operation": "create_sheet", "spreadsheet_id": SHEET_ID, "title": "Q3"}
    output = run_app(SHEETS, config, key)
    assert output == {
        "sheetId": 2000,
        "title": "Q3",
        "index": 2,
        "sheetType": "GRID",
        "gridProperties": {"rowCount": 1000, "columnCount": 26},
    }
    assert api_requests(google)[-1].json == {
        "requests": [{"addSheet": {"properties": {"title": "Q3"}}}]
    }
    error = app_error(SHEETS, config, key)
    assert 'A sheet with the name "Q3" already exists' in str(error) and not error.retryable


# --- sheets: clear, extra fields left out, cells on the first sheet --------------------------


def test_clear_range_empties_the_cells_and_keeps_the_rows(google, key):
    output = run_app(
        SHEETS,
        {"operation": "clear_range", "spreadsheet_id": SHEET_ID, "range": "Leads!A2:B"},
        key,
    )
    assert output == {"spreadsheet_id": SHEET_ID, "cleared_range": "Leads!A2:B"}
    clear = api_requests(google)[-1]
    assert (clear.method, clear.path) == (
        "POST",
        f"/v4/spreadsheets/{SHEET_ID}/values/Leads!A2:B:clear",
    )
    assert google.sheets[SHEET_ID]["Leads"] == [["Name", "Email", "Plan"], ["", "", "pro"], []]


def test_extra_fields_ignore_leaves_out_what_the_header_row_does_not_name(google, key):
    item = {"Name": "Cy", "Email": "cy@x.org", "source": "web", "tags": ["a"]}
    config = {"operation": "append_row", "spreadsheet_id": SHEET_ID, "range": "Leads"}
    error = app_error(SHEETS, {**config, "values": item}, key)
    assert "header row does not have: source, tags" in str(error)
    output = run_app(SHEETS, {**config, "values": item, "extra_fields": "ignore"}, key)
    assert output["values"] == ["Cy", "cy@x.org", ""]
    assert google.sheets[SHEET_ID]["Leads"][-1] == ["Cy", "cy@x.org", ""]


def test_update_by_column_with_extra_fields_ignored_writes_the_known_columns(google, key):
    item = {"Email": "bob@x.org", "Plan": "team", "visits": 4}
    output = run_app(
        SHEETS,
        {
            "operation": "update_by_column",
            "spreadsheet_id": SHEET_ID,
            "range": "Leads",
            "match_column": "Email",
            "values": item,
            "extra_fields": "ignore",
        },
        key,
    )
    assert output["row_number"] == 3 and output["updated"]
    assert google.sheets[SHEET_ID]["Leads"][2] == ["Bob", "bob@x.org", "team"]


def test_cells_without_a_sheet_are_on_the_first_sheet(google, key):
    google.sheets[SHEET_ID] = {"Leads": google.sheets[SHEET_ID]["Leads"], "A1": [["x"], ["y"]]}
    output = run_app(
        SHEETS, {"operation": "read_rows", "spreadsheet_id": SHEET_ID, "range": "A2:C"}, key
    )
    assert output["rows"] == [{"Ada": "Bob", "ada@x.org": "bob@x.org", "pro": ""}]
    assert output["row_numbers"] == [3]
    metadata, read = api_requests(google)
    assert metadata.path == f"/v4/spreadsheets/{SHEET_ID}"
    assert read.path == f"/v4/spreadsheets/{SHEET_ID}/values/Leads!A2:C"
    # A sheet whose title reads as cells is that sheet.
    output = run_app(
        SHEETS, {"operation": "read_rows", "spreadsheet_id": SHEET_ID, "range": "A1"}, key
    )
    assert output["rows"] == [{"x": "y"}]


def test_delete_rows_counts_given_by_a_template_are_read_when_it_runs(google, key):
    from integrations.google_sheets.node import Config

    saved = {"operation": "delete_rows", "spreadsheet_id": SHEET_ID, "range": "Orders"}
    assert Config.model_validate({**saved, "row_count": "{{ trigger.n }}"}).row_count
    with pytest.raises(ValueError, match="row_count"):
        Config.model_validate({**saved, "row_count": 0})
    add_orders(google)
    output = run_app(SHEETS, {**saved, "start_row": 2, "row_count": "2"}, key)
    assert output == {"spreadsheet_id": SHEET_ID, "deleted_rows": 2, "first_row": 2}
