"""What the nodes inside a loop the import inserts read (editor/n8n/items.py, expressions.py):
each export is imported as the API does, run through the engine, and its run seen as n8n
items compared with what n8n outputs for it.

n8n runs each node once over every item; WorkFuse runs the per-item nodes after a node that
emits several items once per item, in a `logic.loop`. Inside that loop, `$json` and
`$('<node of the body>').item` are this run's outputs and `$('<looped node>').item` the loop's
item, as n8n pairs items. The loop's results exist only once it is done: a node with n8n's
"Execute Once" reads them (n8n runs it with the first item, and its `$input.all()` still sees
every item), and a node that reads all its input items per item is refused by name.

The expected outputs are n8n's, worked out from its semantics (WorkflowExecute.runNode slices
an Execute Once node's input after making the expressions' input, WorkflowDataProxy's
`$input.all()` reads that input, `$item(i).$node[...]` reads item i of that node).
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import pytest

from editor.graph import ImportRefused
from editor.n8n import import_n8n
from tests.test_n8n_items import BASE, code, export, if_older_than, jsons, manual, run_view
from tests.test_n8n_items import PEOPLE as _PEOPLE

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE: list[dict[str, Any]] = _PEOPLE


def set_node(name: str, keep: bool = True, once: bool = False, **fields: str) -> dict[str, Any]:
    """n8n's Set 3.4 writing string fields (`keep`: "Include Other Input Fields")."""
    rows = [{"id": k, "name": k, "value": v, "type": "string"} for k, v in fields.items()]
    node: dict[str, Any] = {
        "name": name,
        "type": f"{BASE}set",
        "typeVersion": 3.4,
        "parameters": {"assignments": {"assignments": rows}, "includeOtherFields": keep},
    }
    if once:
        node["executeOnce"] = True
    return node


def chain(*nodes: dict[str, Any]) -> dict[str, Any]:
    """Start → People (three items) → each node in turn."""
    names = ["Start", "People", *(n["name"] for n in nodes)]
    links = [(a, 0, b, 0) for a, b in pairwise(names)]
    return export([manual(), code("People", PEOPLE), *nodes], links)


def greeted(person: dict[str, Any]) -> dict[str, Any]:
    return {**person, "greeting": f"Hi {person['name']}"}


GREET = set_node("Greet", greeting="=Hi {{ $json.name }}")


# --- the body's own nodes: `$json` and paired items -------------------------------------------


def test_javascript_on_json_deep_in_the_body_reads_this_runs_item(alice):
    # `.toUpperCase()` leaves the expression to JavaScript; it reads `$json` only, so it needs
    # none of the loop's results.
    shout = set_node(
        "Shout",
        loud="={{ $json.greeting.toUpperCase() }}",
        who="={{ $('Greet').item.json.name }}",
        team="={{ $('People').item.json.team.toUpperCase() }}",
        mine="={{ $input.item.json.name.slice(0, 2) }}",
    )
    view, execution = run_view(alice, chain(GREET, shout))
    assert jsons(view["Shout"]) == [
        {
            **greeted(p),
            "loud": f"HI {p['name'].upper()}",
            "who": p["name"],
            "team": p["team"].upper(),
            "mine": p["name"][:2],
        }
        for p in PEOPLE
    ]
    keys = sorted(s.key for s in execution.steps.filter(node_id="shout"))
    assert keys == ["shout[0]", "shout[1]", "shout[2]"]


def test_item_of_a_node_before_the_loop_by_index_is_that_nodes_item(alice):
    config = set_node("Config", keep=False, base="https://example.com/")
    link = set_node("Link", link='={{$item(0).$node["Config"].json["base"]}}{{$json["name"]}}')
    data = export(
        [manual(), config, code("People", PEOPLE), GREET, link],
        [
            ("Start", 0, "Config", 0),
            ("Config", 0, "People", 0),
            ("People", 0, "Greet", 0),
            ("Greet", 0, "Link", 0),
        ],
    )
    view, _ = run_view(alice, data)
    assert jsons(view["Link"]) == [
        {**greeted(p), "link": f"https://example.com/{p['name']}"} for p in PEOPLE
    ]


# --- Execute Once: the loop's results ---------------------------------------------------------


def test_execute_once_after_the_body_reads_every_item_and_runs_once(alice):
    summary = set_node(
        "Summary",
        keep=False,
        once=True,
        all="={{ $input.all().map(i => i.json.greeting).join(', ') }}",
        first="={{ $json.name }}",
        last="={{ $input.last().json.name }}",
    )
    after = set_node("After", seen="={{ $json.all.length > 0 ? 'yes' : 'no' }}")
    view, execution = run_view(alice, chain(GREET, summary, after))
    assert jsons(view["Greet"]) == [greeted(p) for p in PEOPLE]
    assert jsons(view["Summary"]) == [
        {"all": "Hi Ada, Hi Linus, Hi Grace", "first": "Ada", "last": "Grace"}
    ]
    assert jsons(view["After"]) == [
        {"all": "Hi Ada, Hi Linus, Hi Grace", "first": "Ada", "last": "Grace", "seen": "yes"}
    ]
    assert sorted(s.key for s in execution.steps.filter(node_id="summary")) == ["summary"]


def test_execute_once_right_after_a_many_item_node_runs_once_with_the_first_item(alice):
    once = set_node("Once", once=True, names="={{ $input.all().map(i => i.json.name).join('+') }}")
    graph = import_n8n(chain(once)).graph
    assert not any(n["type"] == "logic.loop" for n in graph["nodes"])
    view, _ = run_view(alice, chain(once))
    assert jsons(view["Once"]) == [{**PEOPLE[0], "names": "Ada+Linus+Grace"}]


# --- what cannot be known inside the body -----------------------------------------------------


def test_reading_every_input_item_deep_in_the_body_is_refused_by_name():
    count = set_node("Count", seen="={{ $input.all().length }}")
    with pytest.raises(ImportRefused) as refused:
        import_n8n(chain(GREET, count))
    (issue,) = refused.value.issues
    assert issue.field == "nodes[3]"
    assert "n8n node 'Count' (n8n-nodes-base.set)" in issue.message
    assert "inside the loop WorkFuse adds over the items of 'People'" in issue.message
    assert "set 'Execute Once' on it in n8n if it should run once" in issue.message


def test_an_if_reading_every_input_item_deep_in_the_body_is_told_to_aggregate_first():
    check = if_older_than("Ready", 30)
    condition = check["parameters"]["conditions"]["conditions"][0]
    condition["leftValue"] = "={{ $input.all().length }}"
    with pytest.raises(ImportRefused) as refused:
        import_n8n(chain(GREET, check))
    (issue,) = refused.value.issues
    assert "n8n node 'Ready' (n8n-nodes-base.if)" in issue.message
    assert "; put an Aggregate before it in n8n, then export again." in issue.message


def test_the_first_node_of_the_body_reads_the_loops_items_as_its_input(alice):
    # Right after the looped node, n8n's input is the looped node's items: the loop's list,
    # known before the loop starts.
    rank = set_node(
        "Rank", of="={{ $input.all().length }} people, first {{ $input.first().json.name }}"
    )
    view, _ = run_view(alice, chain(rank))
    assert jsons(view["Rank"]) == [{**p, "of": "3 people, first Ada"} for p in PEOPLE]


def test_execute_once_on_a_node_that_passes_items_on_carries_a_caveat():
    check = {**if_older_than("Old", 30), "executeOnce": True}
    result = import_n8n(chain(check))
    outcome = next(n for n in result.report.nodes if n.name == "Old")
    assert outcome.status == "caveats"
    assert any("'Execute Once' gave it only its first input item" in n for n in outcome.notes)
