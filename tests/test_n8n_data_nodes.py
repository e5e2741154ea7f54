"""n8n's data nodes imported (editor/n8n/ data families) and run through the engine: each
fixture is a small n8n export written for this test (a manual trigger whose payload holds the
rows, Split Out making them n8n items, then the node under test), and each expected value is
what n8n produces for the same input. Where a test says "n8n source", the value is derived
from n8n-nodes-base 1.123's compiled node (`dist/nodes/<Node>/*.js`); "n8n run" values were
produced by running n8n 1.123.81 itself on the same workflow."""

from __future__ import annotations

import base64
import hashlib
import itertools
from typing import Any

import pytest

from editor.graph import ImportRefused
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow, steps_by_key
from workfuse.lib import files

pytestmark = pytest.mark.django_db(transaction=True)

ROWS: list[dict[str, Any]] = [
    {"id": 1, "name": "bob", "total": "40", "tags": ["a", "b"]},
    {"id": 2, "name": "Ada", "total": 250, "tags": "x"},
    {"id": 3, "name": "cy", "total": 120},
    {"id": 2, "name": "Ada", "total": 250, "tags": "x"},
]


def export(*nodes: dict[str, Any], split: bool = True) -> dict[str, Any]:
    """An n8n export: Manual Trigger -> (Split Out of `rows`) -> `nodes` in a line."""
    chain: list[dict[str, Any]] = [
        {
            "parameters": {},
            "id": "0d1c",
            "name": "When clicking 'Test workflow'",
            "type": "n8n-nodes-base.manualTrigger",
            "typeVersion": 1,
            "position": [0, 0],
        }
    ]
    if split:
        chain.append(
            {
                "parameters": {"fieldToSplitOut": "rows", "options": {}},
                "id": "5a1e",
                "name": "Rows",
                "type": "n8n-nodes-base.splitOut",
                "typeVersion": 1,
                "position": [220, 0],
            }
        )
    for i, node in enumerate(nodes):
        chain.append({"id": f"n{i}", "position": [440 + 220 * i, 0], **node})
    connections = {
        a["name"]: {"main": [[{"node": b["name"], "type": "main", "index": 0}]]}
        for a, b in itertools.pairwise(chain)
    }
    return {"name": "Data test", "nodes": chain, "connections": connections, "settings": {}}


def run(alice: Any, data: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
    """Import, validate and run the export; each step's output by node id."""
    graph = convert(data)
    assert validate_graph(graph) == []
    execution = engine.start_execution(make_workflow(alice, graph), payload)
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    return {key: step.output for key, step in steps_by_key(execution).items()}


def node(name: str, n8n_type: str, version: float, **parameters: Any) -> dict[str, Any]:
    return {
        "parameters": parameters,
        "name": name,
        "type": f"n8n-nodes-base.{n8n_type}",
        "typeVersion": version,
    }


def condition(left: Any, kind: str, operation: str, right: Any = "") -> dict[str, Any]:
    return {
        "id": "c1",
        "leftValue": left,
        "rightValue": right,
        "operator": {"type": kind, "operation": operation},
    }


# --- Split Out ----------------------------------------------------------------------------------


def test_split_out_makes_one_item_per_element_and_skips_items_without_the_field(alice):
    # n8n run: Split Out of `rows` then of `tags` keeping all other fields as `tag`.
    tags = node(
        "Tags",
        "splitOut",
        1,
        fieldToSplitOut="tags",
        include="allOtherFields",
        options={"destinationFieldName": "tag"},
    )
    out = run(alice, export(tags), {"rows": ROWS})
    assert out["rows"]["result"] == ROWS
    assert out["tags"]["result"] == [
        {"id": 1, "name": "bob", "total": "40", "tag": "a"},
        {"id": 1, "name": "bob", "total": "40", "tag": "b"},
        {"id": 2, "name": "Ada", "total": 250, "tag": "x"},
        {"id": 2, "name": "Ada", "total": 250, "tag": "x"},
    ]


def test_split_out_of_objects_values_and_selected_fields(alice):
    # n8n source: an object's values are split; an object element is the item itself only
    # when no other fields are kept and no destination is named; selected fields go beside.
    payload = {"rows": [{"id": 7, "by": {"x": {"p": 1}, "y": 5}, "deep": {"n": [{"q": 1}]}}]}
    plain = node("Values", "splitOut", 1, fieldToSplitOut="by", options={})
    assert run(alice, export(plain), payload)["values"]["result"] == [{"p": 1}, {"by": 5}]
    selected = node(
        "Deep",
        "splitOut",
        1,
        fieldToSplitOut="deep.n",
        include="selectedOtherFields",
        fieldsToInclude="id, by.y",
        options={},
    )
    assert run(alice, export(selected), payload)["deep"]["result"] == [
        {"deep.n": {"q": 1}, "id": 7, "by.y": 5}
    ]


def test_split_out_of_a_nested_field_keeps_the_other_fields_without_it(alice):
    # n8n source (SplitOut 1): the kept copy loses the split field (lodash unset: the nested
    # key, or a key that is the whole path), its parent object stays; each element goes under
    # the field's name as written. The corpus's "Split out each invoice line".
    lines = [{"sku": "A", "qty": 1}, {"sku": "B", "qty": 2}]
    payload = {
        "rows": [
            {"id": 7, "body": {"output": {"invoice_lines": lines, "total": 9}}, "x": 1},
            {"id": 8, "body.output.invoice_lines": ["C"], "body": {"output": {"total": 1}}},
            {"id": 9, "body": "text"},
        ]
    }
    nested = node(
        "Lines",
        "splitOut",
        1,
        fieldToSplitOut="body.output.invoice_lines",
        include="allOtherFields",
        options={},
    )
    assert run(alice, export(nested), payload)["lines"]["result"] == [
        {"id": 7, "body": {"output": {"total": 9}}, "x": 1, "body.output.invoice_lines": lines[0]},
        {"id": 7, "body": {"output": {"total": 9}}, "x": 1, "body.output.invoice_lines": lines[1]},
        {"id": 8, "body": {"output": {"total": 1}}, "body.output.invoice_lines": "C"},
    ]
    in_a_list = node(
        "Lines", "splitOut", 1, fieldToSplitOut="a.0.b", include="allOtherFields", options={}
    )
    with pytest.raises(ImportRefused) as caught:
        convert(export(in_a_list))
    assert "splits out a field inside a list" in caught.value.issues[0].message


# --- Filter -------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", [2, 2.1, 2.2])
def test_filter_v2_keeps_items_matching_its_conditions(alice, version):
    # n8n source (Filter 2.x, loose types): total >= 100 or name starts with "b" (case ignored).
    conditions = {
        "options": {"caseSensitive": False, "leftValue": "", "typeValidation": "loose"},
        "conditions": [
            condition("={{ $json.total }}", "number", "gte", 100),
            condition("={{ $json.name }}", "string", "startsWith", "B"),
        ],
        "combinator": "or",
    }
    params: dict[str, Any] = {"conditions": conditions, "options": {}}
    if version >= 2.1:
        params["looseTypeValidation"] = True
    filt = node("Filter", "filter", version, **params)
    out = run(alice, export(filt), {"rows": ROWS})
    assert out["filter"]["items"] == [ROWS[0], ROWS[1], ROWS[2], ROWS[3]]
    strict = dict(conditions, combinator="and")
    only = node("Filter", "filter", version, conditions=strict, options={})
    assert run(alice, export(only), {"rows": ROWS})["filter"]["items"] == []


def test_filter_v1_conditions_and_combine_or(alice):
    filt = node(
        "Filter",
        "filter",
        1,
        conditions={
            "number": [{"value1": "={{ $json.id }}", "operation": "equal", "value2": 3}],
            "string": [{"value1": "={{ $json.name }}", "operation": "contains", "value2": "o"}],
        },
        combineConditions="OR",
    )
    out = run(alice, export(filt), {"rows": ROWS})
    assert out["filter"]["items"] == [ROWS[0], ROWS[2]]


def test_filter_with_its_discarded_output_connected_is_refused():
    data = export(node("Filter", "filter", 2, conditions={"conditions": []}, options={}))
    data["nodes"].append(node("Dropped", "noOp", 1) | {"id": "x", "position": [0, 0]})
    data["connections"]["Filter"] = {
        "main": [[], [{"node": "Dropped", "type": "main", "index": 0}]]
    }
    with pytest.raises(ImportRefused) as caught:
        convert(data)
    assert any("second output" in i.message for i in caught.value.issues)


# --- Limit, Sort, Remove Duplicates -------------------------------------------------------------


def test_limit_keeps_first_or_last_items(alice):
    first = node("Limit", "limit", 1, maxItems=2)
    assert run(alice, export(first), {"rows": ROWS})["limit"]["items"] == ROWS[:2]
    last = node("Limit", "limit", 1, maxItems=3, keep="lastItems")
    assert run(alice, export(last), {"rows": ROWS})["limit"]["items"] == ROWS[1:]


def test_sort_compares_text_without_case_and_keeps_ties_in_order(alice):
    # n8n run: names bob, Ada, cy, Ada sort as Ada, Ada, bob, cy (lowercased, stable).
    by_name = node("Sort", "sort", 1, sortFieldsUi={"sortField": [{"fieldName": "name"}]})
    out = run(alice, export(by_name), {"rows": ROWS})
    assert out["sort"]["items"] == [ROWS[1], ROWS[3], ROWS[0], ROWS[2]]
    down = node(
        "Sort",
        "sort",
        1,
        sortFieldsUi={"sortField": [{"fieldName": "id", "order": "descending"}]},
    )
    assert [r["id"] for r in run(alice, export(down), {"rows": ROWS})["sort"]["items"]] == [
        3,
        2,
        2,
        1,
    ]


def test_random_sort_keeps_every_item_and_code_sort_is_refused(alice):
    shuffled = run(alice, export(node("Sort", "sort", 1, type="random")), {"rows": ROWS})
    assert sorted(shuffled["sort"]["items"], key=str) == sorted(ROWS, key=str)
    with pytest.raises(ImportRefused) as caught:
        convert(export(node("Sort", "sort", 1, type="code", code="return 0;")))
    assert "JavaScript code" in caught.value.issues[0].message


@pytest.mark.parametrize("version", [1, 2])
def test_remove_duplicates_keeps_the_first_of_equal_items(alice, version):
    whole = node("Dedupe", "removeDuplicates", version)
    assert run(alice, export(whole), {"rows": ROWS})["dedupe"]["items"] == ROWS[:3]
    by_name = node(
        "Dedupe", "removeDuplicates", version, compare="selectedFields", fieldsToCompare="name"
    )
    assert run(alice, export(by_name), {"rows": ROWS})["dedupe"]["items"] == ROWS[:3]


def test_remove_items_seen_in_earlier_executions(alice):
    seen = node(
        "Dedupe",
        "removeDuplicates",
        2,
        operation="removeItemsSeenInPreviousExecutions",
        dedupeValue="={{ $json.id }}",
    )
    graph = convert(export(seen))
    workflow = make_workflow(alice, graph)
    first = engine.start_execution(workflow, {"rows": ROWS[:2]})
    second = engine.start_execution(workflow, {"rows": ROWS[1:3]})
    outputs = [steps_by_key(e)["dedupe"].output["items"] for e in (first, second)]
    assert outputs == [ROWS[:2], [ROWS[2]]]


def test_remove_items_seen_before_by_an_expression_joining_two_fields(alice):
    # n8n source (RemoveDuplicatesV2): each item's key is its Value to Dedupe On as text, here
    # the corpus's "Issue ID:Last Modified"; an item whose text was seen before is removed.
    seen = node(
        "Dedupe",
        "removeDuplicates",
        2,
        operation="removeItemsSeenInPreviousExecutions",
        dedupeValue="={{ $json.fields[\"Issue ID\"] }}:{{ $json.fields['Last Modified'] }}",
    )
    graph = convert(export(seen))
    workflow = make_workflow(alice, graph)
    rows = [
        {"fields": {"Issue ID": "ENG-1", "Last Modified": "2026-12-01"}},
        {"fields": {"Issue ID": "ENG-2", "Last Modified": "2026-12-01"}},
        {"fields": {"Issue ID": "ENG-1", "Last Modified": "2026-12-02"}},
    ]
    first = engine.start_execution(workflow, {"rows": rows[:2]})
    second = engine.start_execution(workflow, {"rows": rows[1:]})
    outputs = [steps_by_key(e)["dedupe"].output["items"] for e in (first, second)]
    assert outputs == [rows[:2], [rows[2]]]


def test_remove_items_seen_before_by_a_fixed_value_is_refused(alice):
    fixed = node(
        "Dedupe",
        "removeDuplicates",
        2,
        operation="removeItemsSeenInPreviousExecutions",
        dedupeValue="id",
    )
    with pytest.raises(ImportRefused) as caught:
        convert(export(fixed))
    assert "dedupes on a fixed value" in caught.value.issues[0].message


# --- Aggregate, Summarize -----------------------------------------------------------------------


def test_aggregate_individual_fields_and_all_item_data(alice):
    # n8n source: missing and null values are left out; a dotted field is named by its last key.
    fields = node(
        "Aggregate",
        "aggregate",
        1,
        fieldsToAggregate={
            "fieldToAggregate": [
                {"fieldToAggregate": "name"},
                {"fieldToAggregate": "tags", "renameField": True, "outputFieldName": "labels"},
            ]
        },
        options={},
    )
    out = run(alice, export(fields), {"rows": ROWS})
    assert out["aggregate"] == {
        "name": ["bob", "Ada", "cy", "Ada"],
        "labels": [["a", "b"], "x", "x"],
    }
    everything = node(
        "Aggregate", "aggregate", 1, aggregate="aggregateAllItemData", destinationFieldName="all"
    )
    assert run(alice, export(everything), {"rows": ROWS})["aggregate"] == {"all": ROWS}


def test_all_item_data_keeps_only_the_fields_named_as_n8n_does(alice):
    # n8n source (Aggregate 1, Item Lists 3 concatenateItems): each item keeps its top-level
    # keys named in Fields To Include (or all but Fields To Exclude), in the item's own key
    # order; an item left with no key is dropped.
    rows = [*ROWS, {"other": True}]
    some = node(
        "Aggregate",
        "aggregate",
        1,
        aggregate="aggregateAllItemData",
        include="specifiedFields",
        fieldsToInclude="total, id",
    )
    out = run(alice, export(some), {"rows": rows})["aggregate"]
    assert out == {"data": [{"id": r["id"], "total": r["total"]} for r in ROWS]}
    assert [list(i) for i in out["data"]] == [["id", "total"]] * 4
    but = node(
        "Lists",
        "itemLists",
        3,
        operation="concatenateItems",
        aggregate="aggregateAllItemData",
        include="allFieldsExcept",
        fieldsToExclude="tags,other",
        destinationFieldName="response",
    )
    assert run(alice, export(but), {"rows": rows})["lists"]["result"] == [
        {"response": [{k: v for k, v in r.items() if k != "tags"} for r in ROWS]}
    ]
    with pytest.raises(ImportRefused) as caught:
        convert(
            export(
                {**some, "parameters": {**some["parameters"], "fieldsToInclude": "={{ $json.f }}"}}
            )
        )
    assert (
        "names the fields to keep with an expression (fieldsToInclude"
        in caught.value.issues[0].message
    )


def test_aggregate_of_binaries_says_which_files_later_nodes_read():
    # files: tests/test_n8n_aggregate_files.py follows them
    options = {"includeBinaries": True}
    data = export(
        node("Aggregate", "aggregate", 1, aggregate="aggregateAllItemData", options=options)
    )
    aggregated = next(n for n in convert(data)["nodes"] if n["label"] == "Aggregate")
    assert "Include Binaries" in aggregated["notes"]


def test_summarize_names_results_as_n8n_and_groups_by_split_fields(alice):
    # n8n run: n8n's sum skips text ("40" counts 0) where WorkFuse reads it as 40 (a noted
    # caveat), so the rows here hold numbers.
    rows = [dict(r, total=int(r["total"])) for r in ROWS]
    plain = node(
        "Summarize",
        "summarize",
        1.1,
        fieldsToSummarize={
            "values": [
                {"aggregation": "sum", "field": "total"},
                {"aggregation": "count", "field": "id"},
                {"aggregation": "max", "field": "total"},
            ]
        },
        options={},
    )
    assert run(alice, export(plain), {"rows": rows})["summarize"] == {
        "sum_total": 660,
        "count_id": 4,
        "max_total": 250,
    }
    grouped = node(
        "Summarize",
        "summarize",
        1.1,
        fieldsToSummarize={"values": [{"aggregation": "sum", "field": "total"}]},
        fieldsToSplitBy="name",
        options={},
    )
    assert run(alice, export(grouped), {"rows": rows})["summarize"]["groups"] == [
        {"name": "bob", "sum_total": 40},
        {"name": "Ada", "sum_total": 500},
        {"name": "cy", "sum_total": 120},
    ]


# --- Item Lists (legacy) ------------------------------------------------------------------------


def test_item_lists_split_out_sort_limit_and_aggregate(alice):
    split = node("Lists", "itemLists", 3, fieldToSplitOut="tags", options={})
    assert run(alice, export(split), {"rows": ROWS})["lists"]["result"] == [
        {"tags": "a"},
        {"tags": "b"},
        {"tags": "x"},
        {"tags": "x"},
    ]
    ordered = node(
        "Lists",
        "itemLists",
        3,
        operation="sort",
        sortFieldsUi={"sortField": [{"fieldName": "name"}]},
    )
    assert run(alice, export(ordered), {"rows": ROWS})["lists"]["result"] == [
        ROWS[1],
        ROWS[3],
        ROWS[0],
        ROWS[2],
    ]
    last = node("Lists", "itemLists", 3, operation="limit", maxItems=1, keep="lastItems")
    assert run(alice, export(last), {"rows": ROWS})["lists"]["result"] == [ROWS[3]]
    names = node(
        "Lists",
        "itemLists",
        1,
        operation="aggregateItems",
        fieldsToAggregate={"fieldToAggregate": [{"fieldToAggregate": "tags"}]},
        options={},
    )
    assert run(alice, export(names), {"rows": ROWS})["lists"]["result"] == [
        {"tags": [["a", "b"], "x", "x"]}
    ]


def test_a_field_to_split_out_written_as_an_expression_without_a_block_is_its_text(alice):
    # n8n evaluates "=response.data" (an expression with no {{ }}) to the text "response.data".
    split = node("Lists", "itemLists", 1, fieldToSplitOut="=response.data", options={})
    payload = {"rows": [{"response": {"data": [{"n": 1}, {"n": 2}]}}]}
    assert run(alice, export(split), payload)["lists"]["result"] == [{"n": 1}, {"n": 2}]
    dynamic = node("Lists", "itemLists", 1, fieldToSplitOut="={{ $json.f }}", options={})
    with pytest.raises(ImportRefused) as caught:
        convert(export(dynamic))
    assert "names the field to split out with an expression" in caught.value.issues[0].message


def test_item_lists_remove_duplicates_keeps_the_first_of_each_selected_field_value(alice):
    # n8n source (Item Lists v1, the Remove Duplicates node's ancestor): selected fields as a
    # collection of {fieldName}; the first item of each value is kept, in order.
    dedupe = node(
        "Lists",
        "itemLists",
        1,
        operation="removeDuplicates",
        compare="selectedFields",
        fieldsToCompare={"fields": [{"fieldName": "name"}]},
        options={},
    )
    assert [r["id"] for r in run(alice, export(dedupe), {"rows": ROWS})["lists"]["items"]] == [
        1,
        2,
        3,
    ]
    whole = node("Lists", "itemLists", 3, operation="removeDuplicates", compare="allFields")
    assert len(run(alice, export(whole), {"rows": ROWS})["lists"]["items"]) == 3


def test_item_lists_summarize_is_refused_with_the_node_to_use():
    with pytest.raises(ImportRefused) as caught:
        convert(export(node("Lists", "itemLists", 3, operation="summarize")))
    assert "Summarize node" in caught.value.issues[0].message


# --- Date & Time, Crypto, XML, HTML, Markdown, Rename Keys --------------------------------------


def test_date_time_adds_and_formats_into_the_output_field(alice):
    # n8n source (Date & Time 2): the result is the only field of a new item, unless "Include
    # Input Fields" keeps the item's fields beside it.
    add = node(
        "Later",
        "dateTime",
        2,
        operation="addToDate",
        magnitude="={{ $json.at }}",
        timeUnit="days",
        duration=3,
        options={},
    )
    out = run(alice, export(add, split=False), {"at": "2026-01-30T10:00:00+00:00"})
    assert out["later"] == {"newDate": "2026-02-02T10:00:00+00:00"}
    fmt = node(
        "Shown",
        "dateTime",
        2,
        operation="formatDate",
        date="={{ $json.at }}",
        format="custom",
        customFormat="dd/MM/yyyy HH:mm",
        outputFieldName="shown",
        options={"includeInputFields": True},
    )
    assert run(alice, export(fmt, split=False), {"at": "2026-01-30T10:05:00Z"})["shown"] == {
        "at": "2026-01-30T10:05:00Z",
        "shown": "30/01/2026 10:05",
    }


def test_date_time_version_1_writes_into_the_item(alice):
    fmt = node(
        "Day",
        "dateTime",
        1,
        value="={{ $json.at }}",
        toFormat="YYYY-MM-DD",
        dataPropertyName="day",
        options={},
    )
    out = run(alice, export(fmt, split=False), {"at": "2026-01-30T10:05:00Z", "n": 1})
    assert out["day"] == {"at": "2026-01-30T10:05:00Z", "n": 1, "day": "2026-01-30"}


def test_crypto_adds_the_hash_to_the_item_and_sign_is_refused(alice):
    # n8n source (Crypto 1): the item's fields and the result under dataPropertyName, whose
    # dots are part of the key; the node after it reads both.
    hashed = node(
        "Hash", "crypto", 1, type="SHA256", value="={{ $json.email }}", dataPropertyName="h.x"
    )
    shown = node(
        "Shown",
        "set",
        3.4,
        assignments={"assignments": [assignment("line", "={{ $json.email }}", "string")]},
        includeOtherFields=True,
        options={},
    )
    out = run(alice, export(hashed, shown, split=False), {"email": "ann@example.com"})
    digest = hashlib.sha256(b"ann@example.com").hexdigest()
    assert out["hash"] == {"email": "ann@example.com", "h.x": digest}
    assert out["shown"]["result"] == {
        "email": "ann@example.com",
        "h.x": digest,
        "line": "ann@example.com",
    }
    with pytest.raises(ImportRefused) as caught:
        convert(export(node("Sign", "crypto", 1, action="sign"), split=False))
    assert "private key" in caught.value.issues[0].message


def test_crypto_in_a_loop_over_items_writes_into_each_item(alice):
    made = node("Make", "crypto", 1, action="generate", dataPropertyName="token")
    out = run(alice, export(made), {"rows": ROWS[:2]})
    tokens = [v for k, v in out.items() if k.startswith("make[")]
    assert [{k: v for k, v in t.items() if k != "token"} for t in tokens] == ROWS[:2]
    assert all(len(t["token"]) == 36 for t in tokens)


def test_xml_and_html_parse_the_items_field(alice):
    xml = node("XML", "xml", 1, dataPropertyName="doc", options={})
    out = run(alice, export(xml, split=False), {"doc": "<order><id>7</id><sku>A</sku></order>"})
    assert out["xml"]["result"] == {"order": {"id": "7", "sku": "A"}}
    html = node(
        "HTML",
        "html",
        1.2,
        operation="extractHtmlContent",
        dataPropertyName="page",
        extractionValues={
            "values": [
                {"key": "title", "cssSelector": "h1"},
                {
                    "key": "links",
                    "cssSelector": "a",
                    "returnValue": "attribute",
                    "attribute": "href",
                    "returnArray": True,
                },
            ]
        },
        options={},
    )
    page = "<h1>Hello</h1><a href='/a'>A</a><a href='/b'>B</a>"
    assert run(alice, export(html, split=False), {"page": page})["html"]["result"] == {
        "title": "Hello",
        "links": ["/a", "/b"],
    }


def test_the_legacy_html_extract_node_extracts_as_html_does(alice):
    # n8n's HTML Extract (version 1, before the HTML node took it over): the same settings.
    extract = node(
        "Extract",
        "htmlExtract",
        1,
        dataPropertyName="page",
        extractionValues={
            "values": [
                {"key": "title", "cssSelector": "h1"},
                {"key": "items", "cssSelector": "li", "returnArray": True},
            ]
        },
        options={},
    )
    page = "<h1>Shop</h1><ul><li>tea</li><li>cake</li></ul>"
    assert run(alice, export(extract, split=False), {"page": page})["extract"]["result"] == {
        "title": "Shop",
        "items": ["tea", "cake"],
    }


def test_html_selector_marked_as_an_expression_is_its_text(alice):
    # n8n evaluates '=div > a' as an expression with no {{ }}: the text after the '='.
    def extract(css: str) -> dict[str, Any]:
        return node(
            "Extract",
            "html",
            1.2,
            operation="extractHtmlContent",
            dataPropertyName="page",
            extractionValues={"values": [{"key": "link", "cssSelector": css}]},
            options={},
        )

    page = "<div><p>x</p><a>first</a></div>"
    out = run(alice, export(extract("=div > a:nth-child(2)"), split=False), {"page": page})
    assert out["extract"]["result"] == {"link": "first"}
    with pytest.raises(ImportRefused) as caught:
        convert(export(extract("={{ $json.css }}"), split=False))
    assert "CSS selector from an expression" in caught.value.issues[0].message


def test_html_template_fills_n8n_expressions_for_each_item(alice):
    # n8n source (HTML 1.2, generateHtmlTemplate): {html} alone, each {{ }} evaluated for the
    # item, whether or not the parameter is marked as an expression.
    page = node(
        "Page",
        "html",
        1.2,
        operation="generateHtmlTemplate",
        html="<style>p { color: red }</style><p>{{ $json.name }}: {{ $json.id * 10 }}</p>",
    )
    shown = node(
        "Shown",
        "set",
        3.4,
        assignments={"assignments": [assignment("copy", "={{ $json.html }}", "string")]},
        options={},
    )
    out = run(alice, export(page, shown), {"rows": ROWS[:2]})
    first = "<style>p { color: red }</style><p>bob: 10</p>"
    assert [out["page[0]"], out["page[1]"]] == [
        {"html": first},
        {"html": "<style>p { color: red }</style><p>Ada: 20</p>"},
    ]
    assert out["shown[0]"]["result"] == {"copy": first}
    (made,) = [n for n in convert(export(page))["nodes"] if n["id"] == "page"]
    assert "JavaScript's String()" in made["notes"]
    with pytest.raises(ImportRefused) as caught:
        convert(export(node("Table", "html", 1.2, operation="convertToHtmlTable"), split=False))
    message = caught.value.issues[0].message
    assert "'Table'" in message and "convertToHtmlTable" in message


def test_markdown_writes_markdown_into_the_item_under_the_destination_key(alice):
    # n8n source (Markdown 1): a copy of the item with the text set at destinationKey
    # (lodash set: dots nest), for each item.
    convert_node = node(
        "Markdown",
        "markdown",
        1,
        html="={{ $json.page }}",
        destinationKey="out.md",
        options={"bulletMarker": "-", "ignore": "nav"},
    )
    rows = [
        {"id": 1, "page": "<h2>One</h2><nav>x</nav><ul><li>a</li></ul>"},
        {"id": 2, "page": "<b>2</b>"},
    ]
    out = run(alice, export(convert_node), {"rows": rows})
    made = [out[f"markdown[{i}]"] for i in range(2)]
    assert made == [
        {**rows[0], "out": {"md": "## One\n\n- a"}},
        {**rows[1], "out": {"md": "**2**"}},
    ]


def test_markdown_to_html_keeps_showdowns_options(alice):
    convert_node = node(
        "To HTML",
        "markdown",
        1,
        mode="markdownToHtml",
        markdown="={{ $json.text }}",
        options={"tables": True, "simpleLineBreaks": True, "noHeaderId": True},
    )
    out = run(alice, export(convert_node, split=False), {"text": "# Hi\na\nb"})
    assert out["to_html"] == {"text": "# Hi\na\nb", "data": "<h1>Hi</h1>\n<p>a<br />\nb</p>"}
    graph = convert(export(convert_node, split=False))
    (made,) = [n for n in graph["nodes"] if n["id"] == "to_html"]
    assert "showdown" in made["notes"]


@pytest.mark.parametrize(
    ("params", "why"),
    [
        ({"options": {"textReplace": {"values": [{"pattern": "a"}]}}}, "'textReplace' option"),
        ({"options": {"codeBlockStyle": "indented"}}, "'codeBlockStyle' option"),
        ({"options": {"bulletMarker": "~"}}, "bulletMarker to '~'"),
        ({"mode": "markdownToHtml", "options": {"emoji": True}}, "showdown's 'emoji' option"),
        ({"mode": "markdownToHtml", "options": {"ghCodeBlocks": False}}, "'ghCodeBlocks' off"),
        ({"destinationKey": "={{ $json.k }}"}, "destination key with an expression"),
    ],
)
def test_markdown_options_without_a_workfuse_form_are_refused_by_name(params, why):
    with pytest.raises(ImportRefused) as caught:
        convert(export(node("Convert", "markdown", 1, **params), split=False))
    message = caught.value.issues[0].message
    assert "'Convert'" in message and why in message


def test_rename_keys_moves_values_to_new_keys(alice):
    rename = node(
        "Rename",
        "renameKeys",
        1,
        keys={"key": [{"currentKey": "name", "newKey": "customer.name"}]},
    )
    out = run(alice, export(rename, split=False), {"id": 4, "name": "Ada"})
    assert out["rename"] == {"id": 4, "customer": {"name": "Ada"}}


# --- Edit Fields (Set) --------------------------------------------------------------------------


def assignment(name: str, value: Any, kind: str) -> dict[str, Any]:
    return {"id": name, "name": name, "value": value, "type": kind}


def test_set_converts_expression_values_to_their_types(alice):
    # n8n source (Set 3.4): numeric text becomes a number, 'true' a boolean, JSON text an array.
    fields = node(
        "Edit Fields",
        "set",
        3.4,
        assignments={
            "assignments": [
                assignment("n", "={{ $json.n }}", "number"),
                assignment("ok", "={{ $json.ok }}", "boolean"),
                assignment("list", "={{ $json.list }}", "array"),
                assignment("label", "={{ $json.n }}", "string"),
            ]
        },
        options={},
    )
    payload = {"n": "42", "ok": "TRUE", "list": "[1, 2]"}
    assert run(alice, export(fields, split=False), payload)["edit_fields"]["result"] == {
        "n": 42,
        "ok": True,
        "list": [1, 2],
        "label": "42",
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"includeOtherFields": True, "include": "selected", "includeFields": "id"}, {"id": 1}),
        (
            {"includeOtherFields": True, "include": "except", "excludeFields": "id, tags"},
            {"name": "bob", "total": "40"},
        ),
        ({"includeOtherFields": False}, {}),
    ],
)
def test_set_keeps_selected_or_all_but_excepted_input_fields(alice, params, expected):
    fields = node(
        "Edit Fields",
        "set",
        3.4,
        assignments={"assignments": [assignment("flag", True, "boolean")]},
        options={},
        **params,
    )
    out = run(alice, export(fields, split=False), ROWS[0])
    assert out["edit_fields"]["result"] == {**expected, "flag": True}


def test_set_v3_raw_mode_and_v1_keep_only_set(alice):
    raw = node(
        "Edit Fields",
        "set",
        3.2,
        mode="raw",
        jsonOutput='={\n  "who": "{{ $json.name }}",\n  "n": 1\n}',
        include="none",
        options={},
    )
    assert run(alice, export(raw, split=False), ROWS[0])["edit_fields"]["result"] == {
        "who": "bob",
        "n": 1,
    }
    old = node(
        "Set",
        "set",
        1,
        keepOnlySet=True,
        values={"string": [{"name": "a.b", "value": "x"}], "boolean": [{"name": "c"}]},
        options={"dotNotation": True},
    )
    assert run(alice, export(old, split=False), ROWS[0])["set"]["result"] == {
        "a": {"b": "x"},
        "c": False,
    }


# --- fileops ---
@pytest.mark.django_db(transaction=True)
def test_crypto_hashes_the_bytes_of_the_items_file(alice):

    data = b"%PDF-1.4 raw bytes \x00\x01\x02"
    hook = {"httpMethod": "POST", "path": "sum", "options": {}}
    crypto = {
        "action": "hash",
        "type": "SHA256",
        "binaryData": True,
        "binaryPropertyName": "upload",
        "dataPropertyName": "checksum",
        "encoding": "base64",
    }
    nodes = [
        {"parameters": hook, "name": "Hook", "type": "n8n-nodes-base.webhook", "typeVersion": 2},
        {"parameters": crypto, "name": "Sum", "type": "n8n-nodes-base.crypto", "typeVersion": 1},
    ]
    graph = convert(
        {
            "name": "Checksum",
            "nodes": nodes,
            "connections": {"Hook": {"main": [[{"node": "Sum", "type": "main", "index": 0}]]}},
        }
    )
    assert validate_graph(graph) == []
    step = next(n for n in graph["nodes"] if n["type"] == "utility.crypto")
    assert step["config"]["file"] == '{{ trigger.files["upload"] }}'
    assert "value" not in step["config"]
    payload = {
        "method": "POST",
        "headers": {},
        "query": {},
        "body": {"id": 7},
        "files": {"upload": files.make(data, "a.pdf").value()},
    }
    execution = engine.start_execution(make_workflow(alice, graph), payload)
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error

    out = steps_by_key(execution)[step["id"]].output
    assert out["checksum"] == base64.b64encode(hashlib.sha256(data).digest()).decode()
    assert out["body"] == {"id": 7}  # the item, as n8n hands it on, with the checksum


# --- end fileops ---
