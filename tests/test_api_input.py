"""Hostile input to the JSON API answers 4xx `{code, message, details}` naming the field, never a
500 or an HTML page (workfuse/api.py's parser and handlers, workfuse/views.py, docs/security.md)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from editor.models import Workflow
from executions.models import Execution
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db

DEEP = '{"payload": ' + '{"a": ' * 50_000 + "1" + "}" * 50_000 + "}"


def post_raw(api: ApiClient, path: str, text: str, method: str = "post"):
    return getattr(api.client, method)(path, data=text, content_type="application/json")


def assert_refused(response, status: int = 400, field: str | None = None, says: str = ""):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"code", "message", "details"}
    assert says in body["message"]
    if field is not None:
        assert field in [d["field"] for d in body["details"]], body
    return body


@pytest.fixture
def workflow(alice):
    return Workflow.create(alice, "Target")


# --- JSON bodies --------------------------------------------------------------------------


def test_a_50000_deep_body_is_refused_at_run_create_and_import(alice_api, workflow):
    for path in (f"/api/workflows/{workflow.pk}/run", "/api/workflows", "/api/workflows/import"):
        body = assert_refused(post_raw(alice_api, path, DEEP), says="more than 64 levels deep")
        assert body["code"] == "invalid_json"
    assert not Execution.objects.exists()
    assert Workflow.objects.count() == 1


def test_a_deep_file_is_refused_by_the_editors_convert(alice_api):
    assert_refused(post_raw(alice_api, "/api/workflows/convert", DEEP), says="64 levels")


@pytest.mark.parametrize(
    ("literal", "says"),
    [
        ("9" * 5000, "the integer has 5000 digits"),
        ("-" + "9" * 20, "the integer has 20 digits"),
        ("1e999", "1e999 is beyond the range of a finite number"),
        ("NaN", "NaN is not a number JSON allows"),
        ("Infinity", "Infinity is not a number JSON allows"),
    ],
)
def test_numbers_beyond_the_limits_are_refused_naming_the_field(alice_api, workflow, literal, says):
    text = '{"payload": {"order": {"total": ' + literal + "}}}"
    body = assert_refused(
        post_raw(alice_api, f"/api/workflows/{workflow.pk}/run", text),
        field="payload.order.total",
        says=says,
    )
    assert body["message"].startswith("The request body was refused: At 'payload.order.total': ")
    assert not Execution.objects.exists()


def test_a_nul_character_in_any_string_is_refused(alice_api, workflow):
    response = post_raw(alice_api, "/api/workflows", '{"name": "a\\u0000b"}')
    assert_refused(response, field="name", says="NUL character")
    assert Workflow.objects.count() == 1


def test_a_body_within_the_limits_still_runs(alice_api, workflow):
    nested: dict = {"n": 2**63 - 1, "x": 1.5e300}
    for _ in range(60):
        nested = {"a": nested}
    response = alice_api.post(f"/api/workflows/{workflow.pk}/run", {"payload": nested})
    assert response.status_code == 202, response.content


def test_the_depth_limit_is_a_setting(alice_api, workflow, settings):
    settings.WORKFUSE_MAX_JSON_DEPTH = 4
    response = alice_api.post(f"/api/workflows/{workflow.pk}/run", {"payload": [[[[1]]]]})
    assert_refused(response, says="more than 4 levels deep")


# --- null where a value is required ----------------------------------------------------------


@pytest.mark.parametrize("field", ["name", "description", "graph", "is_active"])
def test_patch_with_null_is_refused_naming_the_field(alice_api, workflow, field):
    response = alice_api.patch(f"/api/workflows/{workflow.pk}", {field: None})
    body = assert_refused(response, field=field)
    assert body["code"] == "invalid"
    workflow.refresh_from_db()
    assert (workflow.name, workflow.description) == ("Target", "")


def test_patch_without_the_field_still_leaves_it_alone(alice_api, workflow):
    response = alice_api.patch(f"/api/workflows/{workflow.pk}", {"description": "d"})
    assert response.status_code == 200
    assert response.json()["name"] == "Target"


def test_patch_activates_and_deactivates_as_the_endpoints_do(alice_api, workflow):
    response = alice_api.patch(f"/api/workflows/{workflow.pk}", {"is_active": True})
    assert response.status_code == 200, response.content
    assert response.json()["is_active"] is True
    workflow.refresh_from_db()
    assert workflow.is_active
    response = alice_api.patch(f"/api/workflows/{workflow.pk}", {"is_active": False})
    assert response.json()["is_active"] is False
    workflow.refresh_from_db()
    assert not workflow.is_active


def test_patch_activating_an_invalid_graph_changes_nothing(alice_api, workflow):
    # A graph saved before a rule it breaks (a node type's settings tightened, say).
    Workflow.objects.filter(pk=workflow.pk).update(
        graph={
            "nodes": [
                {"id": "start", "type": "trigger.manual", "config": {}},
                {"id": "call", "type": "action.http", "config": {"method": "GET"}},  # no url
            ],
            "edges": [{"source": "start", "target": "call"}],
        }
    )
    response = alice_api.patch(
        f"/api/workflows/{workflow.pk}", {"is_active": True, "name": "Renamed"}
    )
    body = assert_refused(response)
    assert body["code"] == "cannot_activate"
    assert any("url" in d["field"] for d in body["details"]), body
    workflow.refresh_from_db()
    assert (workflow.name, workflow.is_active) == ("Target", False)


def test_put_without_is_active_leaves_it_as_it_is(alice_api, workflow):
    alice_api.post(f"/api/workflows/{workflow.pk}/activate")
    response = alice_api.put(
        f"/api/workflows/{workflow.pk}", {"name": "Again", "graph": workflow.graph}
    )
    assert response.status_code == 200, response.content
    assert response.json()["is_active"] is True


# --- integer query and path parameters -------------------------------------------------------


LISTS = ["/api/workflows", "/api/executions", "/api/credentials"]


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize(
    ("query", "field"),
    [
        (f"limit={2**63}", "limit"),
        (f"limit={10**30}", "limit"),
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        (f"offset={2**63}", "offset"),
        (f"offset={2**64 + 1}", "offset"),
        ("offset=-1", "offset"),
    ],
)
def test_limit_and_offset_out_of_range_are_refused(alice_api, path, query, field):
    assert_refused(alice_api.get(f"{path}?{query}"), field=field)


def test_limit_and_offset_within_range_work(alice_api, workflow):
    page = alice_api.get(f"/api/workflows?limit=1000&offset={2**31 - 1}")
    assert page.status_code == 200
    assert page.json() == {"items": [], "count": 1}
    versions = alice_api.get(f"/api/workflows/{workflow.pk}/versions?offset={2**40}")
    assert_refused(versions, field="offset")


@pytest.mark.parametrize(
    "path",
    [
        f"/api/workflows/{2**64}",
        f"/api/workflows/{10**40}/run",
        f"/api/workflows/{2**63}/versions",
        "/api/workflows/1/versions/99999999999/restore",
        f"/api/credentials/{2**70}/usage",
        f"/api/executions?workflow={2**63}",
    ],
)
def test_ids_beyond_the_database_range_are_refused(alice_api, path):
    method = "post" if path.endswith(("run", "restore")) else "get"
    response = getattr(alice_api, method)(path)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"


def test_a_nul_character_in_a_query_parameter_is_refused(alice_api):
    assert_refused(alice_api.get("/api/workflows?search=a%00b"), field="search", says="NUL")


def test_a_time_that_overflows_in_utc_is_refused(alice_api):
    response = alice_api.get("/api/executions?started_after=0001-01-01T00:00:00%2B14:00")
    assert_refused(response, field="started_after", says="")


# --- never an HTML page ----------------------------------------------------------------------


def test_an_unexpected_error_in_the_api_answers_json_500(alice, monkeypatch):
    def broken() -> list:
        raise RuntimeError("a bug")

    monkeypatch.setattr("editor.api.catalog", broken)
    client = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {token(alice)}")
    response = client.get("/api/node-types")
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"


def test_an_unexpected_error_in_a_webhook_answers_json_500(alice, monkeypatch):
    def broken(workflow: Workflow) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("executions.webhooks._trigger_config", broken)
    workflow = Workflow.create(alice, "Hook")
    workflow.is_active = True
    workflow.save()
    response = Client(raise_request_exception=False).post(f"/hooks/{workflow.webhook_token}")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "server_error"


def test_a_body_over_djangos_limit_answers_json_413(alice_api, workflow, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    text = json.dumps({"payload": "x" * 2000})
    for path in (f"/api/workflows/{workflow.pk}/run", f"/hooks/{workflow.webhook_token}"):
        response = post_raw(alice_api, path, text)
        assert response.status_code in (404, 413), response.content  # the hook is not active
        assert response["Content-Type"] == "application/json"
    assert post_raw(alice_api, f"/api/workflows/{workflow.pk}/run", text).status_code == 413


def token(user) -> str:
    return ApiClient(user).token


def test_a_method_the_url_does_not_take_answers_json_405(alice_api):
    response = alice_api.client.put("/api/workflows")
    assert response.status_code == 405
    body = response.json()
    assert body["code"] == "method_not_allowed"
    assert "GET" in response["Allow"] and "POST" in response["Allow"]
    assert "takes" in body["message"]
