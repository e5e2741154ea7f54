"""trigger.poll's airtable source against the fake Airtable (tests/fakes/airtable.py) and the
import of n8n's Airtable Trigger (editor/n8n/apps_airtable_trigger.py): the first poll records
the table's records, each new record (or each change, by a Last Modified Time field) starts one
run with the record as n8n's trigger gives it, and an imported trigger polls the fake."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from editor.graph import ImportRefused
from editor.n8n import convert
from editor.nodes import trigger_poll
from editor.validation import validate_graph
from executions.models import Execution
from integrations.airtable import new_records
from tests.fakes import running
from tests.fakes.airtable import BASE, TOKEN, FakeAirtable
from tests.test_n8n_apps import BASE as N8N
from tests.test_poll_trigger import active, poll_now
from workfuse.lib.node_run import NodeError, Secret

WATCH = {
    "airtable_base_id": BASE,
    "airtable_table": "Leads",
    "airtable_trigger_field": "Modified",
}


@pytest.fixture
def airtable(settings: Any) -> Iterator[FakeAirtable]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeAirtable()) as fake:
        fake.add("Leads", Name="Old", Modified="2027-01-01T09:00:00.000Z")
        yield fake


def airtable_graph(credential: int, **settings: Any) -> dict[str, Any]:
    config = {
        "source": "airtable",
        "credential": credential,
        **WATCH,
        "id_field": "change_id",
        "interval_seconds": 60,
        **settings,
    }
    trigger = {"id": "new_record", "type": "trigger.poll", "config": config}
    note = {
        "id": "note",
        "type": "utility.transform",
        "config": {"language": "template", "expression": "{{ trigger.fields.Name }}"},
    }
    return {"nodes": [trigger, note], "edges": [{"source": "new_record", "target": "note"}]}


def credential(owner: Any, fake: FakeAirtable) -> int:
    return store.create(owner, "Base", "airtable", {"token": TOKEN, "base_url": fake.url}).pk


def secret(fake: FakeAirtable, token: str = TOKEN) -> Secret:
    return Secret("airtable", {"token": token}, {"base_url": fake.url}, name="Base")


def test_records_come_newest_first_as_airtable_gives_them_with_a_change_id(airtable):
    airtable.add("Leads", Name="New", Modified="2027-01-02T09:00:00.000Z")
    airtable.add("Leads", Name="Never modified")
    new, old = new_records.poll_records(secret(airtable), WATCH)
    assert new["fields"] == {"Name": "New", "Modified": "2027-01-02T09:00:00.000Z"}
    assert new["change_id"] == f"{new['id']}@2027-01-02T09:00:00.000Z"
    assert set(new) == {"id", "createdTime", "fields", "change_id"}
    assert old["fields"]["Name"] == "Old"
    [request] = airtable.requests
    assert request.path == f"/v0/{BASE}/Leads"
    assert request.query["sort[0][field]"] == ["Modified"]
    assert request.query["sort[0][direction]"] == ["desc"]
    assert request.query["maxRecords"] == ["100"]


def test_the_fields_formula_and_view_are_asked_for(airtable):
    settings = {
        **WATCH,
        "airtable_fields": ["Name"],
        "airtable_formula": "{Name} = 'Old'",
        "airtable_view": "Grid view",
    }
    [record] = new_records.poll_records(secret(airtable), settings)
    assert record["fields"] == {"Name": "Old"}  # the trigger field was read for change_id only
    assert record["change_id"].endswith("@2027-01-01T09:00:00.000Z")
    query = airtable.requests[0].query
    assert query["fields[]"] == ["Name", "Modified"]
    assert query["filterByFormula"] == ["{Name} = 'Old'"]
    assert query["view"] == ["Grid view"]
    with pytest.raises(NodeError, match="did not accept the credential “Base”"):
        new_records.poll_records(secret(airtable, "bad"), WATCH)


def test_the_settings_name_what_is_missing():
    with pytest.raises(ValidationError) as caught:
        trigger_poll.Config.model_validate({"source": "airtable", "airtable_table": "Leads"})
    assert {e["loc"] for e in caught.value.errors()} == {
        ("airtable_base_id",),
        ("airtable_trigger_field",),
    }
    config = trigger_poll.Config.model_validate({"source": "airtable", **WATCH})
    assert trigger_poll.asks(config) == f"Airtable {BASE}/Leads"
    assert "airtable" in trigger_poll.NODE.credential_kinds


@pytest.mark.django_db(transaction=True)
def test_each_new_or_changed_record_starts_one_run(alice, airtable):
    workflow = active(alice, airtable_graph(credential(alice, airtable)))
    assert poll_now(workflow) == 0  # the first poll records what is there
    added = airtable.add("Leads", Name="Ada", Modified="2027-01-03T09:00:00.000Z")
    assert poll_now(workflow) == 1
    assert poll_now(workflow) == 1
    added["fields"].update(Name="Ada L.", Modified="2027-01-04T09:00:00.000Z")
    assert poll_now(workflow) == 2
    runs = Execution.objects.filter(workflow=workflow)
    assert [r.status for r in runs] == ["succeeded", "succeeded"]
    assert sorted(r.trigger_data["fields"]["Name"] for r in runs) == ["Ada", "Ada L."]
    notes = sorted(r.steps.get(key="note").output["result"] for r in runs)
    assert notes == ["Ada", "Ada L."]


# --- the import ---------------------------------------------------------------------------------

TRIGGER = {
    "baseId": {"__rl": True, "mode": "id", "value": "appViDaeaFw4qv9La"},
    "tableId": {"__rl": True, "mode": "id", "value": "tblhO0sfRhKP6ibS8"},
    "pollTimes": {"item": [{"mode": "everyHour"}]},
    "triggerField": "Current Sentiment",
    "authentication": "airtableTokenApi",
    "additionalFields": {},
}


def export(params: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": "Airtable watch",
        "nodes": [
            {
                "parameters": copy.deepcopy(params),
                "name": "Airtable Trigger",
                "type": f"{N8N}airtableTrigger",
                "typeVersion": 1,
                "position": [0, 0],
            },
            {
                "parameters": {
                    "values": {"string": [{"name": "t", "value": "={{ $json.fields.Name }}"}]}
                },
                "name": "Set",
                "type": f"{N8N}set",
                "typeVersion": 2,
                "position": [240, 0],
            },
        ],
        "connections": {
            "Airtable Trigger": {"main": [[{"node": "Set", "type": "main", "index": 0}]]}
        },
    }


def test_the_trigger_becomes_an_airtable_poll():
    graph = convert(export(TRIGGER))
    assert validate_graph(graph) == []
    trigger = next(n for n in graph["nodes"] if n["type"] == "trigger.poll")
    assert trigger["config"] == {
        "source": "airtable",
        "airtable_base_id": "appViDaeaFw4qv9La",
        "airtable_table": "tblhO0sfRhKP6ibS8",
        "airtable_trigger_field": "Current Sentiment",
        "id_field": "change_id",
        "interval_seconds": 3600,
    }
    assert "WorkFuse starts one per record" in trigger["notes"]
    by_url = {
        **TRIGGER,
        "baseId": "https://airtable.com/appXvZviYORVbPEaS/tblxsKj5PtumCR9um/viwA",
        "tableId": {"__rl": True, "mode": "url", "value": "https://airtable.com/appXvZviYORVbPEaS/tblxsKj5PtumCR9um"},
        "additionalFields": {"fields": "Name, Topic", "formula": "{Ready}", "viewId": "Grid"},
    }  # fmt: skip
    config = next(n for n in convert(export(by_url))["nodes"] if n["type"] == "trigger.poll")
    assert config["config"] | {"interval_seconds": 0} == {
        "source": "airtable",
        "airtable_base_id": "appXvZviYORVbPEaS",
        "airtable_table": "tblxsKj5PtumCR9um",
        "airtable_trigger_field": "Current Sentiment",
        "airtable_fields": ["Name", "Topic"],
        "airtable_formula": "{Ready}",
        "airtable_view": "Grid",
        "id_field": "change_id",
        "interval_seconds": 0,
    }


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"baseId": {"__rl": True, "mode": "id", "value": ""}}, "watches no base; choose"),
        ({"tableId": ""}, "watches no table"),
        ({"triggerField": ""}, "has no trigger field"),
        ({"triggerField": "={{ $json.f }}"}, "names its trigger field with an expression"),
        ({"downloadAttachments": True}, "downloads the records' attachments"),
    ],
)
def test_a_trigger_missing_a_setting_is_refused_by_name(change, said):
    with pytest.raises(ImportRefused) as refused:
        convert(export({**TRIGGER, **change}))
    [issue] = refused.value.issues
    assert "(n8n-nodes-base.airtableTrigger): " in issue.message
    assert said in issue.message


@pytest.mark.django_db(transaction=True)
def test_an_imported_trigger_polls_the_table(alice, airtable):
    params = {
        **TRIGGER,
        "baseId": {"__rl": True, "mode": "id", "value": BASE},
        "tableId": {"__rl": True, "mode": "id", "value": "Leads"},
        "triggerField": "Modified",
    }
    graph = convert(export(params))
    graph["nodes"][0]["config"]["credential"] = credential(alice, airtable)
    workflow = active(alice, graph)
    assert poll_now(workflow) == 0
    airtable.add("Leads", Name="Fresh", Modified="2027-02-01T00:00:00.000Z")
    assert poll_now(workflow) == 1
    run = Execution.objects.get(workflow=workflow)
    assert run.status == "succeeded", run.error
    assert run.trigger_data["fields"]["Name"] == "Fresh"
    [step] = run.steps.exclude(key=graph["nodes"][0]["id"])
    assert step.output["result"]["t"] == "Fresh"  # the Set node read $json.fields.Name
