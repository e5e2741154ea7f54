"""Importing n8n's ProfitWell node (editor/n8n/apps_profitwell.py) onto `app.profitwell`: the
config each setting becomes, the refusals, and the corpus's monthly metrics post (Cron →
ProfitWell → Mattermost) run in the engine against the fake ProfitWell and the fake
Mattermost."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.mattermost import CHANNEL_ID, FakeMattermost
from tests.fakes.mattermost import TOKEN as MATTERMOST_TOKEN
from tests.fakes.profitwell import TOKEN, FakeProfitWell
from tests.test_n8n_apps import converted, refusal


@pytest.mark.parametrize(
    ("params", "config"),
    [
        ({"type": "monthly", "options": {}}, {"operation": "get_monthly_metrics", "simple": True}),
        (
            {
                "type": "daily",
                "month": "2024-05",
                "simple": False,
                "options": {"plan_id": "pro", "dailyMetrics": ["active_customers"]},
            },
            {
                "operation": "get_daily_metrics",
                "simple": False,
                "month": "2024-05",
                "plan_id": "pro",
                "metrics": ["active_customers"],
            },
        ),
        (
            {"resource": "company", "operation": "getSetting"},
            {"operation": "get_company_settings"},
        ),
    ],
)
def test_each_setting_becomes_its_profitwell_config(params, config):
    node = converted("profitWell", params)
    assert node["type"] == "app.profitwell"
    assert node["config"] == config
    assert "choose a ProfitWell credential (an API token)" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"options": {}}, "names no Type"),
        ({"type": "daily"}, "names no Month"),
        ({"resource": "customer", "operation": "get"}, "does 'customer / get'"),
    ],
)
def test_what_the_profitwell_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("profitWell", params)
    assert "'App' (n8n-nodes-base.profitWell)" in message
    assert said in message


MESSAGE = (
    '=Active Customers: {{$node["ProfitWell"].json["active_customers"]}}\n'
    'Growth Rate: {{$node["ProfitWell"].json["growth_rate"]}}\n'
    'Recurring Revenue: {{$node["ProfitWell"].json["recurring_revenue"]}}'
)
CORPUS = {
    "name": "Monthly metrics",
    "nodes": [
        {
            "name": "Cron",
            "type": "n8n-nodes-base.cron",
            "typeVersion": 1,
            "position": [0, 0],
            "parameters": {"triggerTimes": {"item": [{"hour": 9, "mode": "everyMonth"}]}},
        },
        {
            "name": "ProfitWell",
            "type": "n8n-nodes-base.profitWell",
            "typeVersion": 1,
            "position": [200, 0],
            "parameters": {"type": "monthly", "options": {}},
        },
        {
            "name": "Mattermost",
            "type": "n8n-nodes-base.mattermost",
            "typeVersion": 1,
            "position": [400, 0],
            "parameters": {
                "message": MESSAGE,
                "channelId": CHANNEL_ID,
                "attachments": [],
                "otherOptions": {},
            },
        },
    ],
    "connections": {
        "Cron": {"main": [[{"node": "ProfitWell", "type": "main", "index": 0}]]},
        "ProfitWell": {"main": [[{"node": "Mattermost", "type": "main", "index": 0}]]},
    },
}


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_monthly_metrics_post_runs(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    graph = convert(CORPUS)
    assert validate_graph(graph) == []
    with running(FakeProfitWell()) as profitwell, running(FakeMattermost()) as mattermost:
        metrics = store.create(
            alice, "Metrics", "profitwell", {"api_token": TOKEN, "base_url": profitwell.url}
        )
        chat = store.create(
            alice,
            "Chat",
            "mattermost",
            {"access_token": MATTERMOST_TOKEN, "base_url": mattermost.url},
        )
        for node in graph["nodes"]:
            if node["type"] == "app.profitwell":
                node["config"]["credential"] = metrics.pk
            elif node["type"] == "app.mattermost":
                node["config"]["credential"] = chat.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
    [post] = mattermost.posts
    assert post["message"] == ("Active Customers: 47\nGrowth Rate: 0.25\nRecurring Revenue: 1250.5")
