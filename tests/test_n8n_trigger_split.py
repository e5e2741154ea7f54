"""n8n exports with several triggers of one kind (editor/n8n/trigger_split.py): refused by the
importer alone, made into one workflow per extra trigger by the saving import
(POST /api/workflows/import), each running only the branch of its trigger."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from editor.models import Workflow
from editor.n8n import SPECS, sets, trigger_split
from editor.validation import validate_graph
from executions.models import Execution, Step
from tests.test_n8n_flow import export, import_set, n8n_node, set_fields
from tests.test_n8n_import import by_label, refusal_messages


def webhook(name: str, path: str) -> dict[str, Any]:
    return n8n_node(name, "webhook", {"httpMethod": "POST", "path": path}, 2)


def two_webhooks(**extra_nodes: dict[str, Any]) -> dict[str, Any]:
    """Orders and Refunds webhooks, each with a branch of its own, both into 'Log'."""
    nodes = [
        webhook("Orders", "orders"),
        set_fields("Order total", total="={{ $json.body.qty * 2 }}"),
        webhook("Refunds", "refunds"),
        set_fields("Refund total", total="={{ -$json.body.qty }}"),
        set_fields("Log", logged="={{ $json.total }}"),
        n8n_node("Note", "stickyNote", {"content": "two hooks"}),
        *extra_nodes.values(),
    ]
    links = [
        ("Orders", "Order total"),
        ("Order total", "Log"),
        ("Refunds", "Refund total"),
        ("Refund total", "Log"),
    ]
    return export("Shop hooks", nodes, links, id="shopN8nId01")


def split(data: dict[str, Any]) -> tuple[list[sets.Member], list[trigger_split.Split]]:
    return trigger_split.with_companions(sets.members([data]))


# --- conversion ------------------------------------------------------------------------------


def test_the_importer_alone_still_refuses_two_webhooks_naming_the_saving_import():
    [message] = refusal_messages(two_webhooks())
    assert "The n8n triggers 'Orders' and 'Refunds' both become a trigger.webhook" in message
    assert "POST /api/workflows/import, which saves one more workflow per extra trigger" in message


def test_each_extra_trigger_gets_a_companion_with_the_nodes_it_reaches():
    group, [made] = split(two_webhooks())
    main, companion = made.copies
    assert [m.name for m in group] == ["Shop hooks", "Shop hooks: Refunds"]
    assert (made.main, made.companions) == (0, (1,))
    assert main.names == {"Orders", "Order total", "Log"}
    assert companion.names == {"Refunds", "Refund total", "Log"}
    assert (main.triggers, companion.triggers) == (("Orders",), ("Refunds",))
    assert companion.member.n8n_id == "shopN8nId01/trigger/Refunds"
    # Every copy keeps the node list's length, so nodes[i] names the node of the file sent.
    original = two_webhooks()["nodes"]
    for made_copy in made.copies:
        nodes = made_copy.member.data["nodes"]
        assert len(nodes) == len(original)
        for raw, sent in zip(nodes, original, strict=True):
            if raw["name"] in made_copy.names:
                assert raw == sent
    assert companion.member.data["connections"] == {
        "Refunds": {"main": [[{"node": "Refund total", "type": "main", "index": 0}]]},
        "Refund total": {"main": [[{"node": "Log", "type": "main", "index": 0}]]},
    }


def test_each_copy_converts_to_a_valid_graph_with_one_trigger():
    group, _ = split(two_webhooks())
    graphs = sets.convert_set(group, [11, 12])
    for graph in graphs:
        assert validate_graph(graph) == []
    main, companion = graphs
    assert sorted(n["label"] for n in main["nodes"]) == ["Log", "Order total", "Orders"]
    assert sorted(n["label"] for n in companion["nodes"]) == ["Log", "Refund total", "Refunds"]
    assert by_label(companion, "Log")["id"] == by_label(main, "Log")["id"] == "log"


def test_a_merge_fed_by_both_branches_keeps_its_copys_input_in_each_workflow():
    # n8n's Merge (append) runs with the one input a run gives it; each copy has that one.
    data = two_webhooks(merge=n8n_node("Merge", "merge", {}, 3))
    data["connections"]["Order total"]["main"][0].append(
        {"node": "Merge", "type": "main", "index": 0}
    )
    data["connections"]["Refund total"]["main"][0].append(
        {"node": "Merge", "type": "main", "index": 1}
    )
    group, _ = split(data)
    main, companion = sets.convert_set(group, [11, 12])
    assert by_label(main, "Merge")["config"]["expression"] == (
        "{{ ([nodes.order_total.result] if nodes.order_total is defined else []) + [] }}"
    )
    assert by_label(companion, "Merge")["config"]["expression"] == (
        "{{ [] + ([nodes.refund_total.result] if nodes.refund_total is defined else []) }}"
    )


def test_three_schedules_become_three_workflows_each_with_its_own_schedule():
    def every(name: str, hours: int) -> dict[str, Any]:
        rule = {"interval": [{"field": "hours", "hoursInterval": hours}]}
        return n8n_node(name, "scheduleTrigger", {"rule": rule}, 1.2)

    nodes = [every("Hourly", 1), every("Twice", 2), every("Thrice", 3), set_fields("Tick", t=1)]
    links = [("Hourly", "Tick"), ("Twice", "Tick"), ("Thrice", "Tick")]
    group, [made] = split(export("Ticks", nodes, links))
    assert [m.name for m in group] == ["Ticks", "Ticks: Twice", "Ticks: Thrice"]
    assert [c.names for c in made.copies] == [
        {"Hourly", "Tick"},
        {"Twice", "Tick"},
        {"Thrice", "Tick"},
    ]
    graphs = sets.convert_set(group, [11, 12, 13])
    crons = []
    for graph in graphs:
        assert validate_graph(graph) == []
        [trigger] = [n for n in graph["nodes"] if n["type"] == "trigger.schedule"]
        crons.append(trigger["config"]["cron"])
        assert by_label(graph, "Tick")["id"] == "tick"
    assert len(set(crons)) == 3


def test_triggers_of_other_kinds_and_unreached_nodes_stay_in_the_main_workflow():
    data = two_webhooks(
        nightly=n8n_node("Nightly", "scheduleTrigger", {"rule": {"interval": [{}]}}, 1.2),
        alone=set_fields("Unlinked", a=1),
    )
    data["connections"]["Nightly"] = {"main": [[{"node": "Log", "type": "main", "index": 0}]]}
    _, [made] = split(data)
    main, companion = made.copies
    assert main.triggers == ("Orders", "Nightly")
    assert main.names == {"Orders", "Order total", "Log", "Nightly", "Unlinked"}
    assert companion.names == {"Refunds", "Refund total", "Log"}


def test_sub_nodes_go_with_the_agent_they_configure():
    lc = "@n8n/n8n-nodes-langchain."
    agent = n8n_node("Agent", f"{lc}agent", {"promptType": "define", "text": "Hi"}, 1.7)
    model = n8n_node("Model", f"{lc}lmChatOpenAi", {"model": "gpt-4o-mini"}, 1)
    data = two_webhooks(agent=agent, model=model)
    data["connections"]["Refund total"]["main"][0].append(
        {"node": "Agent", "type": "main", "index": 0}
    )
    data["connections"]["Model"] = {
        "ai_languageModel": [[{"node": "Agent", "type": "ai_languageModel", "index": 0}]]
    }
    _, [made] = split(data)
    main, companion = made.copies
    assert {"Agent", "Model"} <= companion.names
    assert not {"Agent", "Model"} & main.names


def test_a_sub_node_reading_the_other_trigger_is_refused_in_its_copy():
    lc = "@n8n/n8n-nodes-langchain."
    agent = n8n_node("Agent", f"{lc}agent", {"promptType": "define", "text": "Hi"}, 1.7)
    model = n8n_node("Model", f"{lc}lmChatOpenAi", {"model": "={{ $('Orders').item.json.m }}"})
    data = two_webhooks(agent=agent, model=model)
    data["connections"]["Refund total"]["main"][0].append(
        {"node": "Agent", "type": "main", "index": 0}
    )
    data["connections"]["Model"] = {
        "ai_languageModel": [[{"node": "Agent", "type": "ai_languageModel", "index": 0}]]
    }
    group, _ = split(data)
    with pytest.raises(sets.ImportRefused) as refused:
        sets.convert_set(group, [11, 12])
    fields = {i.field: i.message for i in refused.value.issues}
    assert "[0].nodes[7]" in fields
    assert (
        "n8n node 'Model' (@n8n/n8n-nodes-langchain.lmChatOpenAi) reads $('Orders')"
        in (fields["[0].nodes[7]"])
    )


def test_an_export_with_one_trigger_of_each_kind_is_left_alone():
    data = two_webhooks()
    data["nodes"][2] = n8n_node("Refunds", "scheduleTrigger", {"rule": {"interval": [{}]}}, 1.2)
    group, found = split(data)
    assert found == []
    assert group[0].data is data


def test_a_copy_reading_the_other_trigger_is_refused_saying_where_that_trigger_went():
    data = two_webhooks()
    data["nodes"][4] = set_fields("Log", source="={{ $('Orders').item.json.body.id }}")
    group, _ = split(data)
    with pytest.raises(sets.ImportRefused) as refused:
        sets.convert_set(group, [11, 12])
    [issue] = refused.value.issues
    assert issue.field == "[0].nodes[4]"
    assert issue.message.startswith("In 'Shop hooks: Refunds': n8n node 'Log' (n8n-nodes-base.set)")
    assert "reads $('Orders'), which the import puts only in the workflow 'Shop hooks'" in (
        issue.message
    )
    assert "runs after 'Refunds'" in issue.message


def test_code_reading_a_node_of_another_branch_is_refused_there():
    code = n8n_node("Sum", "code", {"jsCode": "return [{json: $('Order total').first().json}]"}, 2)
    data = two_webhooks(code=code)
    data["connections"]["Log"] = {"main": [[{"node": "Sum", "type": "main", "index": 0}]]}
    group, _ = split(data)
    with pytest.raises(sets.ImportRefused) as refused:
        sets.convert_set(group, [11, 12])
    [issue] = refused.value.issues
    assert issue.field == "[0].nodes[6]"
    assert "'Sum' (n8n-nodes-base.code) reads $('Order total')" in issue.message


def test_specs_know_every_trigger_the_split_counts():
    assert SPECS["n8n-nodes-base.webhook"].data == "trigger"
    assert trigger_split.splits(two_webhooks())
    assert not trigger_split.splits(export("One", [webhook("Only", "x")], []))


# --- the saving import, and runs ---------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_api_import_makes_a_workflow_per_trigger_and_reports_each_copy(alice_api):
    response = import_set(alice_api, two_webhooks())
    assert response.status_code == 201, response.content
    body = response.json()
    main = Workflow.objects.get(pk=body["id"])
    companion = Workflow.objects.get(name="Shop hooks: Refunds")
    assert Workflow.objects.count() == 2
    assert "'Refunds' in 'Shop hooks: Refunds'" in main.description
    assert "'Refunds' of the export 'Shop hooks'" in companion.description
    report = body["report"]
    assert report["workflows"] == [
        {"id": main.pk, "name": "Shop hooks", "triggers": ["Orders"]},
        {"id": companion.pk, "name": "Shop hooks: Refunds", "triggers": ["Refunds"]},
    ]
    copies = sorted((n["name"], n["workflow"]["name"]) for n in report["nodes"])
    assert copies == [
        ("Log", "Shop hooks"),
        ("Log", "Shop hooks: Refunds"),
        ("Order total", "Shop hooks"),
        ("Orders", "Shop hooks"),
        ("Refund total", "Shop hooks: Refunds"),
        ("Refunds", "Shop hooks: Refunds"),
    ]
    assert report["counts"]["refused"] == 0
    assert companion.n8n_import and main.n8n_import


@pytest.mark.django_db(transaction=True)
def test_each_imported_workflow_runs_only_its_triggers_branch(alice_api):
    response = import_set(alice_api, two_webhooks())
    assert response.status_code == 201, response.content
    main = Workflow.objects.get(pk=response.json()["id"])
    companion = Workflow.objects.get(name="Shop hooks: Refunds")
    outputs = {}
    for workflow in (main, companion):
        workflow.is_active = True
        workflow.save()
        answer = Client().post(
            f"/hooks/{workflow.webhook_token}",
            data=json.dumps({"qty": 3}),
            content_type="application/json",
        )
        assert answer.status_code in (200, 202), answer.content
        execution = Execution.objects.get(workflow=workflow)
        assert execution.status == "succeeded", execution.error
        steps = Step.objects.filter(execution=execution)
        outputs[workflow.name] = {s.node_id: s.output for s in steps}
    assert set(outputs["Shop hooks"]) == {"orders", "order_total", "log"}
    assert outputs["Shop hooks"]["log"]["result"] == {"logged": "6"}
    assert set(outputs["Shop hooks: Refunds"]) == {"refunds", "refund_total", "log"}
    assert outputs["Shop hooks: Refunds"]["log"]["result"] == {"logged": "-3"}


@pytest.mark.django_db(transaction=True)
def test_the_api_refuses_a_split_with_the_copys_own_reason(alice_api):
    data = two_webhooks()
    data["nodes"][4] = set_fields("Log", source="={{ $('Orders').item.json.body.id }}")
    response = import_set(alice_api, data)
    assert response.status_code == 400
    body = response.json()
    assert "reads $('Orders')" in body["message"]
    assert Workflow.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_set_of_exports_keeps_its_order_with_the_split_ones_companions_saved_beside(alice_api):
    other = export("Plain", [webhook("Hook", "plain")], [], id="plainN8nId01")
    response = import_set(alice_api, [two_webhooks(), other])
    assert response.status_code == 201, response.content
    assert [w["name"] for w in response.json()["items"]] == ["Shop hooks", "Plain"]
    assert Workflow.objects.filter(name="Shop hooks: Refunds").exists()


@pytest.mark.django_db
def test_the_dry_run_reports_the_split_and_saves_nothing(alice_api):
    response = alice_api.post("/api/workflows/import?dry_run=1", two_webhooks())
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["importable"] is True and body["issues"] == []
    assert [w["name"] for w in body["report"]["workflows"]] == [
        "Shop hooks",
        "Shop hooks: Refunds",
    ]
    assert not Workflow.objects.exists()


@pytest.mark.django_db
def test_the_dashboard_dialog_previews_then_imports_every_workflow(alice_client):
    text = json.dumps(two_webhooks())
    preview = alice_client.post("/workflows/import/", {"text": text})
    assert preview.status_code == 200, preview.content.decode()[:2000]
    assert "Shop hooks: Refunds" in preview.content.decode()  # the report names the companion
    assert not Workflow.objects.exists()
    response = alice_client.post("/workflows/import/", {"text": text, "action": "import"})
    main = Workflow.objects.get(name="Shop hooks")
    assert response["Location"] == f"/workflows/{main.pk}/"
    assert Workflow.objects.filter(name="Shop hooks: Refunds").exists()
