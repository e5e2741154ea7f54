"""n8n's Airtable node beyond its first operations (editor/n8n/apps_data.py): version 1's
read, update and delete and its appends of fields named by expressions, version 2's delete and
"map automatically" columns, a search's output fields and sort, what the nodes after one read;
and imported workflows run against the fake Airtable."""

from __future__ import annotations

import copy
import itertools
import uuid
from typing import Any

import pytest

from credentials import store
from editor.n8n import SPECS, SUB_NODES, app_tools, convert, sets
from editor.n8n.converter import Converter
from editor.nodes import NODE_TYPES
from editor.validation import validate_graph
from executions import engine
from executions.models import Step
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.airtable import BASE, TOKEN, FakeAirtable
from tests.test_n8n_ai import agent_export, n8n_node
from tests.test_n8n_apps import RL, refusal, single

TABLE_RL = {"base": {**RL, "value": "appAbCdEfGhIj1234"}, "table": {**RL, "value": "tblX"}}
WHERE = {"base_id": "appAbCdEfGhIj1234", "table": "tblX"}
V1_WHERE = {"application": "appAbCdEfGhIj1234", "table": "tblX"}

CASES = [
    (
        "v1 read is get_record, the record as Airtable gives it",
        1,
        {**V1_WHERE, "operation": "read", "id": "={{ $json.rec }}"},
        {"operation": "get_record", "record_id": "{{ trigger.rec }}", **WHERE},
    ),
    (
        "v1 delete",
        1,
        {**V1_WHERE, "operation": "delete", "id": "={{ $json.rec }}"},
        {"operation": "delete_records", "record_ids": ["{{ trigger.rec }}"], **WHERE},
    ),
    (
        "v1 update of all the item's fields but its id and the ignored ones",
        1,
        {
            **V1_WHERE,
            "operation": "update",
            "id": "={{ $json.rec }}",
            "options": {"ignoreFields": "rec, tmp", "typecast": True},
        },
        {
            "operation": "update_records",
            "records": [{"id": "{{ trigger.rec }}", "fields": "{{ trigger }}"}],
            "ignore_fields": ["id", "rec", "tmp"],
            "typecast": True,
            **WHERE,
        },
    ),
    (
        "v1 update of the fields named",
        1,
        {
            **V1_WHERE,
            "operation": "update",
            "id": "recA1b2C3d4E5f6G7",
            "updateAllFields": False,
            "fields": ["Valid"],
        },
        {
            "operation": "update_records",
            "records": [{"id": "recA1b2C3d4E5f6G7", "fields": "{{ trigger }}"}],
            "keep_fields": ["Valid"],
            **WHERE,
        },
    ),
    (
        "v1 append of fields named by expressions: the item's fields of those names",
        1,
        {
            **V1_WHERE,
            "operation": "append",
            "addAllFields": False,
            "fields": ["chatid", "={{ $json.key }}"],
        },
        {
            "operation": "create_records",
            "records": "[{{ trigger | tojson }}]",
            "keep_fields": ["chatid", "{{ trigger.key }}"],
            **WHERE,
        },
    ),
    (
        "v1 list with output fields and sort",
        1,
        {
            **V1_WHERE,
            "operation": "list",
            "returnAll": False,
            "limit": 5,
            "additionalOptions": {
                "fields": ["Name", "Email"],
                "sort": {"property": [{"field": "Name", "direction": "desc"}]},
            },
        },
        {
            "operation": "list_records",
            "fields": ["Name", "Email"],
            "sort": [{"field": "Name", "direction": "desc"}],
            "max_records": 5,
            **WHERE,
        },
    ),
    (
        "v2 delete",
        2.1,
        {**TABLE_RL, "operation": "deleteRecord", "id": "={{ $json.id }}"},
        {"operation": "delete_records", "record_ids": ["{{ trigger.id }}"], **WHERE},
    ),
    (
        "v2 search with output fields (comma-separated) and sort",
        2.1,
        {
            **TABLE_RL,
            "operation": "search",
            "filterByFormula": "NOT({File} = '')",
            "returnAll": False,
            "limit": 10,
            "options": {"fields": "Name, File"},
            "sort": {"property": [{"field": "Name"}]},
        },
        {
            "operation": "list_records",
            "filter_by_formula": "NOT({File} = '')",
            "flatten": True,
            "fields": ["Name", "File"],
            "sort": [{"field": "Name", "direction": "asc"}],
            "max_records": 10,
            **WHERE,
        },
    ),
    (
        "v2 create mapping the input automatically, less the ignored fields",
        2.1,
        {
            **TABLE_RL,
            "operation": "create",
            "columns": {"mappingMode": "autoMapInputData", "value": {}},
            "options": {"ignoreFields": "debug", "typecast": True},
        },
        {
            "operation": "create_records",
            "records": "[{{ trigger | tojson }}]",
            "ignore_fields": ["debug"],
            "typecast": True,
            **WHERE,
        },
    ),
    (
        "v2 update mapping automatically on the id: the item's id names the record",
        2.1,
        {
            **TABLE_RL,
            "operation": "update",
            "columns": {"mappingMode": "autoMapInputData", "matchingColumns": ["id"]},
            "options": {},
        },
        {"operation": "update_records", "records": "[{{ trigger | tojson }}]", **WHERE},
    ),
    (
        "v2 update mapping automatically on another column, every match",
        2.1,
        {
            **TABLE_RL,
            "operation": "update",
            "columns": {"mappingMode": "autoMapInputData", "matchingColumns": ["Email"]},
            "options": {"updateAllMatches": True},
        },
        {
            "operation": "update_records",
            "records": "[{{ trigger | tojson }}]",
            "match_fields": ["Email"],
            "all_matches": True,
            **WHERE,
        },
    ),
    (
        "v2 upsert mapping automatically on two columns",
        2.1,
        {
            **TABLE_RL,
            "operation": "upsert",
            "columns": {"mappingMode": "autoMapInputData", "matchingColumns": ["Email", "Team"]},
        },
        {
            "operation": "upsert_records",
            "records": "[{{ trigger | tojson }}]",
            "fields_to_merge_on": ["Email", "Team"],
            **WHERE,
        },
    ),
    (
        "v2 upsert mapping automatically on the id",
        2.1,
        {
            **TABLE_RL,
            "operation": "upsert",
            "columns": {"mappingMode": "autoMapInputData", "matchingColumns": ["id"]},
        },
        {
            "operation": "upsert_records",
            "records": "[{{ trigger | tojson }}]",
            "fields_to_merge_on": ["id"],
            **WHERE,
        },
    ),
]


@pytest.mark.parametrize(
    ("version", "params", "config"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_each_airtable_operation_becomes_its_config(version, params, config):
    graph = convert(single("airtable", copy.deepcopy(params), version))
    node = next(n for n in graph["nodes"] if n["label"] == "App")
    assert node["config"] == config
    assert "Credentials are not imported: choose a" in node["notes"]
    NODE_TYPES["app.airtable"].Config.model_validate(config)
    assert validate_graph(graph) == []


@pytest.mark.parametrize(
    ("version", "params", "said"),
    [
        (1, {**V1_WHERE, "operation": "read"}, "names no record id; give the record's id"),
        (2.1, {**TABLE_RL, "operation": "deleteRecord"}, "names no record id"),
        (1, {**V1_WHERE, "operation": "lookup"}, "version 1 imports its append, delete, list"),
        # ops: version 2's operations in a version 1 node, which n8n fails
        (1, {**V1_WHERE, "operation": "search"}, "which has no such operation (n8n fails"),
        (1, {"operation": "update", "id": "rec1", "table": "T"}, "has no base; choose one"),
        (
            1,
            {**V1_WHERE, "operation": "list", "downloadAttachments": True},
            "downloads the records' attachments as n8n binary data",
        ),
        (
            2.1,
            {**TABLE_RL, "operation": "search", "options": {"downloadFields": ["File"]}},
            "downloads the records' attachments",
        ),
        (
            2.1,
            {
                **TABLE_RL,
                "operation": "upsert",
                "columns": {"mappingMode": "autoMapInputData", "matchingColumns": list("abcd")},
            },
            "upserts matching on 4 columns; Airtable merges on at most 3",
        ),
    ],
)
def test_what_airtable_cannot_import_is_refused_by_name(version, params, said):
    message = refusal("airtable", params, version)
    assert message.startswith("n8n node 'App' (n8n-nodes-base.airtable): ")
    assert said in message


@pytest.mark.parametrize(
    ("version", "params", "items", "data"),
    [
        (2.1, {**TABLE_RL, "operation": "create"}, None, "records[0]"),
        (2.1, {**TABLE_RL, "operation": "deleteRecord", "id": "r"}, None, "records[0]"),
        (2.1, {**TABLE_RL, "operation": "update", "columns": {}}, None, "records[0]"),
        (
            2.1,
            {**TABLE_RL, "operation": "update", "columns": {"matchingColumns": ["Email"]}},
            "records",
            "",
        ),
        (2.1, {**TABLE_RL, "operation": "search"}, "records", ""),
        (2.1, {**TABLE_RL, "id": "r"}, None, ""),
        (1, {**V1_WHERE, "operation": "update", "id": "r"}, None, "records[0]"),
        (1, {**V1_WHERE, "operation": "read", "id": "r"}, None, ""),
        (1, {**V1_WHERE, "operation": "list"}, "records", ""),
    ],
)
def test_what_the_nodes_after_an_airtable_node_read(version, params, items, data):
    cx = Converter(single("airtable", params, version), SPECS, SUB_NODES)
    cx.run()
    spec = cx.spec_of("App")
    assert (spec.items, spec.data) == (items, data)


def _export(nodes: list[tuple[str, str, float, dict[str, Any]]]) -> dict[str, Any]:
    """Manual trigger, then the nodes (name, type, version, parameters) one after another."""
    made = [
        {"name": "Start", "type": "n8n-nodes-base.manualTrigger", "typeVersion": 1,
         "position": [0, 0], "parameters": {}}
    ]  # fmt: skip
    for index, (name, kind, version, params) in enumerate(nodes, start=1):
        made.append(
            {
                "name": name,
                "type": f"n8n-nodes-base.{kind}",
                "typeVersion": version,
                "position": [240 * index, 0],
                "parameters": params,
            }
        )
    connections = {
        a["name"]: {"main": [[{"node": b["name"], "type": "main", "index": 0}]]}
        for a, b in itertools.pairwise(made)
    }
    return {"name": "Airtable flow", "nodes": made, "connections": connections}


def _run(alice: Any, data: dict[str, Any], airtable: FakeAirtable, trigger: Any) -> Any:
    graph = convert(data)
    fields = {"token": TOKEN, "base_url": airtable.url}
    credential = store.create(alice, f"Ours {uuid.uuid4().hex[:6]}", "airtable", fields)
    for node in graph["nodes"]:
        if node["type"] == "app.airtable":
            node["config"]["credential"] = credential.pk
    execution = engine.start_execution(make_workflow(alice, graph), trigger)
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    return graph, {s.key: s.output for s in Step.objects.filter(execution=execution)}


@pytest.mark.django_db(transaction=True)
def test_a_v1_list_then_set_then_update_by_the_listed_ids_runs_per_record(alice, settings):
    """n8n's "Insert and update data in Airtable": each listed record gets the Set node's
    fields, by the id the list gave (n8n's $node["Airtable1"].json["id"])."""
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    where = {"application": BASE, "table": "Leads"}
    data = _export(
        [
            ("Airtable1", "airtable", 1, {**where, "operation": "list", "additionalOptions": {}}),
            (
                "Set1",
                "set",
                1,
                {"values": {"string": [{"name": "Name", "value": "nodemation"}]},
                 "keepOnlySet": True, "options": {}},
            ),
            (
                "Airtable2",
                "airtable",
                1,
                {**where, "operation": "update", "id": '={{$node["Airtable1"].json["id"]}}',
                 "options": {}},
            ),
        ]
    )  # fmt: skip
    with running(FakeAirtable()) as airtable:
        ada = airtable.add("Leads", Name="n8n", Email="ada@example.com")
        bob = airtable.add("Leads", Name="n8n", Email="bob@example.com")
        _run(alice, data, airtable, {})
        patches = [r for r in airtable.requests if r.method == "PATCH"]
    assert sorted(p.json["records"][0]["id"] for p in patches) == sorted([ada["id"], bob["id"]])
    assert all(p.json["records"][0]["fields"] == {"Name": "nodemation"} for p in patches)
    assert ada["fields"] == {"Name": "nodemation", "Email": "ada@example.com"}


@pytest.mark.django_db(transaction=True)
def test_a_v1_append_of_fields_named_by_expressions_sends_the_fields_the_item_has(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = _export(
        [
            (
                "Airtable1",
                "airtable",
                1,
                {"application": BASE, "table": "Leads", "operation": "append",
                 "addAllFields": False, "fields": ["Name", "={{ $json.which }}", "Nope"]},
            )
        ]
    )  # fmt: skip
    with running(FakeAirtable()) as airtable:
        _run(alice, data, airtable, {"Name": "Ada", "which": "Email", "Email": "a@x.io", "x": 1})
        _run(alice, data, airtable, {"Name": "Bob", "which": 42, "42": "yes"})
        first, second = [r for r in airtable.requests if r.method == "POST"]
    assert first.json == {"records": [{"fields": {"Name": "Ada", "Email": "a@x.io"}}]}
    assert second.json == {"records": [{"fields": {"Name": "Bob", "42": "yes"}}]}


@pytest.mark.django_db(transaction=True)
def test_a_v2_automatic_update_by_id_then_a_delete_read_the_record_it_gives(alice, settings):
    """The update's item is the updated record: the delete after it reads its id."""
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    where = {"base": {**RL, "value": BASE}, "table": {**RL, "value": "Leads"}}
    data = _export(
        [
            (
                "Update Row",
                "airtable",
                2.1,
                {**where, "operation": "update", "options": {"ignoreFields": "note"},
                 "columns": {"mappingMode": "autoMapInputData", "matchingColumns": ["id"],
                             "value": {}}},
            ),
            ("Delete", "airtable", 2.1, {**where, "operation": "deleteRecord", "id": "={{ $json.id }}"}),
        ]
    )  # fmt: skip
    with running(FakeAirtable()) as airtable:
        ada = airtable.add("Leads", Name="Ada")
        _, outputs = _run(
            alice, data, airtable, {"id": ada["id"], "Name": "Ada L.", "note": "skip me"}
        )
        [patch] = [r for r in airtable.requests if r.method == "PATCH"]
        assert patch.json == {"records": [{"id": ada["id"], "fields": {"Name": "Ada L."}}]}
        assert airtable.tables[(BASE, "Leads")] == []
    assert outputs["delete"]["records"] == [{"id": ada["id"], "deleted": True}]


def test_v1_naming_no_field_sends_records_without_fields_as_n8n_does():
    graph = convert(
        single("airtable", {**V1_WHERE, "operation": "append", "addAllFields": False}, 1)
    )
    config = next(n for n in graph["nodes"] if n["label"] == "App")["config"]
    assert config == {"operation": "create_records", "records": [{}], **WHERE}
    update = {**V1_WHERE, "operation": "update", "id": "rec1", "updateAllFields": False}
    graph = convert(single("airtable", update, 1))
    config = next(n for n in graph["nodes"] if n["label"] == "App")["config"]
    assert config == {
        "operation": "update_records",
        "records": [{"id": "rec1", "fields": {}}],
        **WHERE,
    }
    assert validate_graph(graph) == []


# --- airtableTool: the node used as an agent tool ----------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_airtable_tool_deleting_by_the_models_id_becomes_a_companion_that_deletes(
    alice, settings
):
    """n8n's airtableTool with `$fromAI('record_id')`: the companion workflow's app node
    deletes the record whose id the model gives (its input)."""
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    tool = n8n_node(
        "Drop lead",
        "n8n-nodes-base.airtableTool",
        {
            "operation": "deleteRecord",
            "base": {"__rl": True, "mode": "id", "value": BASE},
            "table": {"__rl": True, "mode": "id", "value": "Leads"},
            "id": "={{ $fromAI('record_id', 'The lead to delete', 'string') }}",
        },
        2.1,
    )
    data = agent_export({"promptType": "define", "text": "Drop Bob"}, (tool, "ai_tool"))
    [member] = sets.members([data])
    _, companion = app_tools.with_companions([member], SPECS)
    graph = convert(companion.data)
    app = next(n for n in graph["nodes"] if n["type"] == "app.airtable")
    assert app["config"]["operation"] == "delete_records"
    assert app["config"]["record_ids"] == ["{{ trigger.record_id }}"]
    with running(FakeAirtable()) as airtable:
        airtable.add("Leads", Name="Ada")
        bob = airtable.add("Leads", Name="Bob")
        credential = store.create(
            alice, "Ours", "airtable", {"token": TOKEN, "base_url": airtable.url}
        )
        app["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {"record_id": bob["id"]})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        assert [r["fields"]["Name"] for r in airtable.tables[(BASE, "Leads")]] == ["Ada"]
