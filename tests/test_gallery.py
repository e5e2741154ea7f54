"""The templates gallery (editor/gallery.py and its page) and the editor's import-to-canvas
endpoint (`POST /api/workflows/convert`)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from editor.gallery import TEMPLATES
from editor.models import Workflow
from editor.nodes import NODE_TYPES
from editor.transfer import export_workflow
from editor.validation import validate_graph
from executions import engine
from executions.models import Execution
from tests.engine_helpers import make_workflow, recorder, steps_by_key

CONVERT = "/api/workflows/convert"

N8N_FETCH = {
    "name": "Fetch users",
    "nodes": [
        {
            "parameters": {},
            "id": "44444444-aaaa-4bbb-8ccc-000000000001",
            "name": "Manual Trigger",
            "type": "n8n-nodes-base.manualTrigger",
            "typeVersion": 1,
            "position": [0, 0],
        },
        {
            "parameters": {"url": "https://api.example.com/users", "options": {}},
            "id": "44444444-aaaa-4bbb-8ccc-000000000002",
            "name": "Fetch users",
            "type": "n8n-nodes-base.httpRequest",
            "typeVersion": 4.2,
            "position": [220, 0],
        },
    ],
    "connections": {
        "Manual Trigger": {"main": [[{"node": "Fetch users", "type": "main", "index": 0}]]}
    },
}


# --- the templates ---------------------------------------------------------------------------


@pytest.mark.parametrize("slug", sorted(TEMPLATES))
def test_every_template_is_a_valid_graph(slug):
    template = TEMPLATES[slug]
    ids = {c.ref: 1 for c in template.companions}  # a companion's ref becomes a workflow id
    assert validate_graph(template.new_graph(ids)) == []
    for companion in template.companions:
        assert validate_graph(companion.graph) == []
        assert companion.ref.startswith("@") and companion.ref in json.dumps(template.graph)
    assert template.name and template.description and template.category
    # An agent with its tools does in one node what other starters take three for.
    assert (
        template.node_count
        == len(template.graph["nodes"])
        >= (2 if "action.agent" in json.dumps(template.graph) else 3)
    )


def test_the_gallery_covers_the_promised_starting_points():
    shapes = {
        slug: (
            {n["type"] for n in t.graph["nodes"]},
            {e.get("source_handle", "main") for e in t.graph["edges"]},
        )
        for slug, t in TEMPLATES.items()
    }

    def has(types: set[str], handles: set[str] = frozenset()) -> bool:
        return any(types <= ts and handles <= hs for ts, hs in shapes.values())

    assert len(TEMPLATES) >= 6
    assert has({"trigger.webhook", "utility.transform", "action.http"})
    assert has({"trigger.schedule", "action.http", "logic.condition"}, {"true"})
    assert has({"trigger.webhook", "action.ai", "action.http"})
    assert has({"logic.loop", "action.http", "utility.transform"}, {"each", "done"})
    assert has({"trigger.webhook", "utility.delay", "action.http"})
    assert has({"trigger.webhook", "logic.switch", "action.http"})
    assert all(n["type"] in NODE_TYPES for t in TEMPLATES.values() for n in t.graph["nodes"])


# --- repeat -----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_poll_until_ready_checks_the_job_until_done_then_fetches_the_result(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    graph = TEMPLATES["poll-until-ready"].new_graph()
    with recorder() as server:
        for node in graph["nodes"]:
            if node["type"] == "action.http":
                node["config"]["url"] = f"{server.url}/{node['id']}"
        server.script = [
            (201, {}, {"id": 7}),
            (200, {}, {"status": "running"}),
            (200, {}, {"status": "done"}),
            (200, {}, {"rows": 3}),
        ]
        execution = engine.start_execution(
            Workflow.create(alice, "Poll", graph=graph), {"report": "sales"}
        )
        for _ in range(2):  # each round waits 30 s before it checks, holding no worker
            assert engine.sweep(now=timezone.now() + timedelta(seconds=31))["woken"] == 1
        execution.refresh_from_db()
        paths = [r["path"] for r in server.requests]
    assert execution.status == "succeeded", execution.error
    assert paths == ["/start_job", "/check", "/check", "/fetch_result"]
    steps = steps_by_key(execution)
    assert steps["until_ready"].output["iterations"] == 2
    assert steps["fetch_result"].output["body"] == {"rows": 3}
    assert steps["report_timeout"].status == "skipped"
    assert {"wait[0]", "check[0]", "wait[1]", "check[1]"} <= set(steps)


# --- end repeat ----------------------------------------------------------------------------


# --- batch 2, data nodes (a) ----------------------------------------------------------------


def test_the_gallery_has_starters_with_the_data_nodes():
    types = {slug: {n["type"] for n in t.graph["nodes"]} for slug, t in TEMPLATES.items()}
    assert {"utility.filter", "utility.sort", "utility.limit", "action.http"} <= types["top-orders"]
    assert {"utility.filter", "utility.sort", "utility.set"} <= types["signup-digest"]
    assert all(TEMPLATES[s].category == "Data" for s in ("top-orders", "signup-digest"))


def run_starter(owner: Any, slug: str, url: str, payload: Any) -> dict[str, Any]:
    """Run a copy of the starter (its HTTP nodes pointed at `url`); the steps by key."""
    graph = TEMPLATES[slug].new_graph()
    for node in graph["nodes"]:
        if node["type"] == "action.http":
            node["config"]["url"] = url + "/" + node["id"]
        if node["type"].startswith("trigger."):
            node.update(type="trigger.manual", config={})
    execution = engine.start_execution(Workflow.create(owner, slug, graph=graph), payload)
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    return {s.key: s.output for s in execution.steps.all()}


@pytest.mark.django_db(transaction=True)
def test_top_orders_posts_the_ten_biggest_paid_orders(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    orders = [{"id": i, "total": 10 * i, "status": "paid" if i % 3 else "open"} for i in range(30)]
    with recorder() as server:
        outputs = run_starter(alice, "top-orders", server.url, {"body": {"orders": orders}})
        [request] = server.requests
    posted = json.loads(request["body"])
    assert [o["id"] for o in posted["orders"]] == [29, 28, 26, 25, 23, 22, 20, 19, 17, 16]
    assert posted["paid"] == outputs["paid"]["count"] == 17
    assert outputs["top"]["items"] == posted["orders"]


@pytest.mark.django_db(transaction=True)
def test_the_signup_digest_reports_the_paying_sign_ups_newest_first(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    signups = [
        {"email": "a@example.com", "plan": "pro", "created_at": "2026-12-05T09:00:00Z"},
        {"email": "b@example.com", "plan": "free", "created_at": "2026-12-05T10:00:00Z"},
        {"plan": "team", "created_at": "2026-12-05T11:00:00Z"},
        {"email": "d@example.com", "plan": "team", "created_at": "2026-12-05T12:00:00Z"},
    ]
    with recorder() as server:
        server.script = [(200, {}, {"signups": signups})]
        outputs = run_starter(alice, "signup-digest", server.url, {})
        report = json.loads(server.requests[1]["body"])
    assert report == outputs["report"]
    assert report["text"] == "2 new paying sign-ups (2 others)"
    assert [s["email"] for s in report["signups"]] == ["d@example.com", "a@example.com"]


def test_the_gallery_page_shows_every_template_with_its_node_count(alice_client):
    response = alice_client.get("/workflows/templates/")
    assert response.status_code == 200
    html = response.content.decode()
    for template in TEMPLATES.values():
        assert template.name in html
        assert f'value="{template.slug}"' in html
    loop = TEMPLATES["loop-over-list"]
    assert f"{loop.node_count} nodes" in html


def test_the_dashboard_links_to_the_gallery(alice_client):
    assert 'href="/workflows/templates/"' in alice_client.get("/workflows/").content.decode()


def test_using_a_template_creates_my_workflow_with_its_graph_and_opens_it(alice, alice_client):
    template = TEMPLATES["api-health-check"]
    response = alice_client.post("/workflows/templates/", {"template": template.slug})
    workflow = Workflow.objects.get()
    assert response.status_code == 302
    assert response["Location"] == workflow.get_absolute_url()
    assert workflow.owner == alice
    assert workflow.name == template.name
    assert workflow.description == template.description
    assert workflow.graph == template.graph
    assert workflow.version == 1
    assert [v.number for v in workflow.versions.all()] == [1]
    assert workflow.versions.get().graph == template.graph
    assert validate_graph(workflow.graph, owner=alice) == []

    page = alice_client.get(response["Location"])
    assert page.status_code == 200
    assert "Every 5 minutes" in page.content.decode()


def test_others_cannot_see_a_workflow_made_from_a_template(alice_client, charlie_client):
    alice_client.post("/workflows/templates/", {"template": "switch-routing"})
    workflow = Workflow.objects.get()
    assert charlie_client.get(workflow.get_absolute_url()).status_code == 404
    assert "Route by a field" not in charlie_client.get("/workflows/").content.decode()
    assert charlie_client.get(f"/workflows/{workflow.pk}/export/").status_code == 404


def test_an_unknown_template_is_a_404_page_and_creates_nothing(alice_client):
    response = alice_client.post("/workflows/templates/", {"template": "no-such-template"})
    assert response.status_code == 404
    assert "text/html" in response["Content-Type"]
    response = alice_client.post("/workflows/templates/", {})
    assert response.status_code == 404
    assert not Workflow.objects.exists()


def test_the_gallery_needs_a_signed_in_user(client, db):
    response = client.post("/workflows/templates/", {"template": "ai-summary"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not Workflow.objects.exists()


# --- data nodes, batch 2 part b: the starters run -----------------------------------------


def _pointed_at(template: str, server: str) -> dict:
    """The template's graph with its example.com addresses pointed at a local server."""
    text = json.dumps(TEMPLATES[template].new_graph())
    for host in ("https://crm.example.com", "https://api.example.com", "https://hooks.example.com"):
        text = text.replace(host, server)
    return json.loads(text)


@pytest.mark.django_db(transaction=True)
def test_new_leads_only_sends_each_lead_once_across_runs(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    leads = [{"email": "ada@example.com"}, {"email": "bob@example.com"}]
    with recorder() as crm:
        workflow = make_workflow(alice, _pointed_at("new-leads-only", crm.url))
        engine.start_execution(workflow, {"body": {"leads": [*leads, leads[0]]}})
        second = engine.start_execution(workflow, {"body": {"leads": leads}})
    assert [json.loads(r["body"]) for r in crm.requests] == [{"leads": leads}]
    assert steps_by_key(second)["to_crm"].status == "skipped"


@pytest.mark.django_db(transaction=True)
def test_daily_csv_report_posts_totals_by_status(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    orders = [
        {"status": "paid", "total": 10},
        {"status": "open", "total": 4},
        {"status": "paid", "total": 2.5},
    ]
    with recorder() as api:
        api.script = [(200, {}, {"orders": orders})]
        workflow = make_workflow(alice, _pointed_at("daily-csv-report", api.url))
        execution = engine.start_execution(
            workflow, {"scheduled_at": "2026-12-06T07:00:00+00:00", "fired_at": None}
        )
    assert Execution.objects.get(pk=execution.pk).status == "succeeded"
    assert json.loads(api.requests[-1]["body"]) == {
        "date": "2026-12-06",
        "csv": "status,orders,revenue\r\npaid,2,12.5\r\nopen,1,4\r\n",
    }


# --- end data nodes part b ---


# --- import into the editor's canvas ---------------------------------------------------------


def post_json(client: Any, body: Any) -> Any:
    text = body if isinstance(body, str) else json.dumps(body)
    return client.post(CONVERT, text, content_type="application/json")


def test_convert_reads_a_workfuse_export_without_creating_a_workflow(alice, alice_client):
    source = Workflow.create(alice, "Source", graph=TEMPLATES["fan-out-merge"].new_graph())
    response = post_json(alice_client, export_workflow(source))
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Source"
    assert body["graph"] == source.graph
    assert Workflow.objects.count() == 1
    assert source.versions.count() == 1


def test_convert_turns_an_n8n_workflow_into_a_graph(alice_client):
    response = post_json(alice_client, N8N_FETCH)
    assert response.status_code == 200
    graph = response.json()["graph"]
    assert [n["type"] for n in graph["nodes"]] == ["trigger.manual", "action.http"]
    http = graph["nodes"][1]
    assert http["config"]["url"] == "https://api.example.com/users"
    assert graph["edges"] == [{"source": graph["nodes"][0]["id"], "target": http["id"]}]
    assert validate_graph(graph) == []
    assert not Workflow.objects.exists()


@pytest.mark.parametrize(
    ("body", "code", "says"),
    [
        ("this is not { json", "invalid_json", "not valid JSON"),
        ("[1, 2, 3]", "invalid_import", "JSON object"),
        ({"hello": "world"}, "invalid_import", "Not a WorkFuse export"),
        (
            {"format": "workfuse", "format_version": 99, "name": "X", "graph": {}},
            "invalid_import",
            "format_version",
        ),
    ],
)
def test_convert_refuses_garbage_with_a_message(alice_client, body, code, says):
    response = post_json(alice_client, body)
    assert response.status_code == 400
    payload = response.json()
    assert payload["code"] == code
    assert says in payload["message"]


def test_convert_refuses_an_invalid_graph_naming_the_node(alice_client):
    graph = TEMPLATES["delayed-follow-up"].new_graph()
    graph["nodes"][1]["config"] = {}
    response = post_json(alice_client, {"nodes": graph["nodes"], "edges": graph["edges"]})
    assert response.status_code == 400
    details = response.json()["details"]
    assert any(d["node_id"] == "wait" for d in details)


def test_convert_needs_authentication(client, db):
    assert post_json(client, N8N_FETCH).status_code == 401
