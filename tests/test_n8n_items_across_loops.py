"""n8n reads of items across the loops the import adds and across Repeat rounds
(editor/n8n/outer_item.py and the modules named in each test): each export, a reduced
version of a corpus workflow, is imported as the API does, run through the engine, and its
run seen as n8n items compared with what n8n outputs for it; the variants whose pairing is
not certain stay refused by name.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from editor.graph import ImportRefused
from editor.models import Workflow
from editor.n8n import import_n8n
from executions.n8n_view import n8n_view
from tests.test_n8n_items import BASE, code, export, jsons, manual, merge, run_view, set_fields

pytestmark = pytest.mark.django_db(transaction=True)


# --- `$('Loop Over Items').item` read below a Merge of the loop's item and a lookup ----------

WORKFLOWS: list[dict[str, Any]] = [
    {"name": "alpha", "v": 1},
    {"name": "beta", "v": 2},
    {"name": "gamma", "v": 3},
]

# The lookup of the stored copy ("Get a file"): alpha is stored unchanged, beta changed, and
# gamma not at all (the GitHub node answers with no content).
GET_A_FILE: dict[str, Any] = {
    "name": "Get a file",
    "type": f"{BASE}code",
    "typeVersion": 2,
    "parameters": {
        "jsCode": (
            "const name = $input.first().json.name;\n"
            "const stored = { alpha: '1', beta: '9' };\n"
            "return name in stored ? [{ content: stored[name] }] : [{ error: 'not found' }];"
        )
    },
}

# The template's isDiffOrNew: it marks the first of its two items (the stored file) and
# returns both; only the marked one reaches a branch of the Switch. (The template leaves the
# second item unmarked; a WorkFuse template reading a missing field fails the step, the
# importer's documented difference, so here it carries a status no rule matches.)
IS_DIFF_OR_NEW: dict[str, Any] = {
    "name": "isDiffOrNew",
    "type": f"{BASE}code",
    "typeVersion": 2,
    "parameters": {
        "jsCode": (
            "const stored = $input.all()[0].json;\n"
            "const actual = $input.all()[1].json;\n"
            "if (Object.keys(stored).includes('content')) {\n"
            "  $input.all()[0].json.github_status = stored.content === String(actual.v)"
            " ? 'same' : 'different';\n"
            "} else {\n"
            "  $input.all()[0].json.github_status = 'new';\n"
            "}\n"
            "$input.all()[1].json.github_status = 'source';\n"
            "return $input.all();"
        )
    },
}


def status_rule(status: str) -> dict[str, Any]:
    condition = {
        "id": status,
        "leftValue": "={{ $json.github_status }}",
        "rightValue": status,
        "operator": {"type": "string", "operation": "equals"},
    }
    return {
        "conditions": {
            "options": {"caseSensitive": True, "leftValue": "", "typeValidation": "strict"},
            "conditions": [condition],
            "combinator": "and",
        },
        "renameOutput": True,
        "outputKey": status,
    }


SWITCH: dict[str, Any] = {
    "name": "Switch",
    "type": f"{BASE}switch",
    "typeVersion": 3.2,
    "parameters": {
        "rules": {"values": [status_rule(s) for s in ("different", "new", "same")]},
        "options": {},
    },
}


def write_file(name: str) -> dict[str, Any]:
    return set_fields(
        name,
        path="={{ $('Loop Over Items').item.json.name }}.json",
        message="={{$('Loop Over Items').item.json.name}} ({{$json.github_status}})",
    )


def backup_export(merge_node: dict[str, Any]) -> dict[str, Any]:
    """n8n's "Save your workflows into a GitHub repository", reduced: each workflow's stored
    copy is merged with the workflow itself, compared, and written when new or changed."""
    loop = {"name": "Loop Over Items", "type": f"{BASE}splitInBatches", "typeVersion": 3}
    done = {"name": "Return", "type": f"{BASE}set", "typeVersion": 3.3, "parameters": {}}
    return export(
        [
            manual(),
            code("Workflows", WORKFLOWS),
            loop,
            GET_A_FILE,
            merge_node,
            IS_DIFF_OR_NEW,
            SWITCH,
            write_file("Edit existing file"),
            write_file("Create new file"),
            done,
        ],
        [
            ("Start", 0, "Workflows", 0),
            ("Workflows", 0, "Loop Over Items", 0),
            ("Loop Over Items", 1, "Get a file", 0),
            ("Loop Over Items", 1, "Merge Items", 1),
            ("Get a file", 0, "Merge Items", 0),
            ("Merge Items", 0, "isDiffOrNew", 0),
            ("isDiffOrNew", 0, "Switch", 0),
            ("Switch", 0, "Edit existing file", 0),
            ("Switch", 1, "Create new file", 0),
            ("Switch", 2, "Return", 0),
            ("Edit existing file", 0, "Return", 0),
            ("Create new file", 0, "Return", 0),
            ("Return", 0, "Loop Over Items", 0),
        ],
    )


def test_the_loop_s_item_read_below_a_merge_with_a_lookup_is_the_workflow_in_hand(alice):
    # Merge 2 appends (its default): the stored file, then the workflow; both descend from the
    # loop's one item of the round, so n8n's paired item resolves to it.
    merge_items = {"name": "Merge Items", "type": f"{BASE}merge", "typeVersion": 2}
    view, execution = run_view(alice, backup_export(merge_items))
    assert jsons(view["Edit existing file"]) == [
        {
            "content": "9",
            "github_status": "different",
            "path": "beta.json",
            "message": "beta (different)",
        }
    ]
    assert jsons(view["Create new file"]) == [
        {
            "error": "not found",
            "github_status": "new",
            "path": "gamma.json",
            "message": "gamma (new)",
        }
    ]
    graph = execution.version.graph
    [kept] = [n for n in graph["nodes"] if n["label"] == "Loop Over Items: current item"]
    ran = execution.steps.filter(node_id=kept["id"]).order_by("key")
    assert [s.output for s in ran] == WORKFLOWS
    statuses = {n.name: n.status for n in import_n8n(backup_export(merge_items)).report.nodes}
    assert statuses["Create new file"] == statuses["Edit existing file"] == "exact"


def test_the_loop_s_item_stays_refused_when_a_merge_appends_items_from_outside_the_loop():
    # The stored copies read once before the loop: the Merge's first input pairs with no item
    # of the loop, so n8n's read is not that item.
    merge_items = merge("Merge Items")
    data = backup_export(merge_items)
    data["nodes"].append(code("Stored", [{"content": "1"}]))
    data["connections"]["Start"]["main"][0].append({"node": "Stored", "type": "main", "index": 0})
    data["connections"]["Stored"] = {
        "main": [[{"node": "Merge Items", "type": "main", "index": 0}]]
    }
    with pytest.raises(ImportRefused) as refused:
        import_n8n(data)
    messages = [i.message for i in refused.value.issues]
    assert any(
        "reads the current item of n8n's loop 'Loop Over Items' ($('Loop Over Items').item) "
        "inside the loop WorkFuse adds over the items of 'isDiffOrNew'" in m
        for m in messages
    ), messages


def test_two_heads_of_the_body_each_taking_the_loop_s_item_keep_it_in_one_step(alice):
    # Two Split Outs of the team merged: every member item descends from the round's team.
    teams = [{"team": "core", "members": ["Ada", "Grace"]}, {"team": "kernel", "members": ["Li"]}]
    loop = {"name": "Loop", "type": f"{BASE}splitInBatches", "typeVersion": 3}

    def split(name: str) -> dict[str, Any]:
        params = {"fieldToSplitOut": "members", "options": {}}
        return {"name": name, "type": f"{BASE}splitOut", "typeVersion": 1, "parameters": params}

    tag = set_fields("Tag", of="={{ $('Loop').item.json.team }}")
    data = export(
        [manual(), code("Teams", teams), loop, split("Members"), split("Others"), merge("M"), tag],
        [
            ("Start", 0, "Teams", 0),
            ("Teams", 0, "Loop", 0),
            ("Loop", 1, "Members", 0),
            ("Loop", 1, "Others", 0),
            ("Members", 0, "M", 0),
            ("Others", 0, "M", 1),
            ("M", 0, "Tag", 0),
            ("Tag", 0, "Loop", 0),
        ],
    )
    view, execution = run_view(alice, data)
    assert jsons(view["Tag"]) == [
        {"members": m, "of": t["team"]} for t in teams for m in [*t["members"], *t["members"]]
    ]
    kept = [n for n in execution.version.graph["nodes"] if n["label"] == "Loop: current item"]
    assert len(kept) == 1


# --- a node of an n8n loop (a Repeat here) read by name after the loop was left --------------


def typed_set(name: str, keep: bool, **fields: tuple[str, str]) -> dict[str, Any]:
    rows = [{"id": k, "name": k, "value": v, "type": t} for k, (t, v) in fields.items()]
    params = {"assignments": {"assignments": rows}, "includeOtherFields": keep}
    return {"name": name, "type": f"{BASE}set", "typeVersion": 3.4, "parameters": params}


def done_if() -> dict[str, Any]:
    condition = {
        "id": "c1",
        "leftValue": "={{ $json.done }}",
        "rightValue": "",
        "operator": {"type": "boolean", "operation": "true", "singleValue": True},
    }
    conditions = {
        "options": {"caseSensitive": True, "leftValue": "", "typeValidation": "strict"},
        "conditions": [condition],
        "combinator": "and",
    }
    return {
        "name": "Approved?",
        "type": f"{BASE}if",
        "typeVersion": 2,
        "parameters": {"conditions": conditions, "options": {}},
    }


def review_export(send_reads: str) -> dict[str, Any]:
    """ "Effortless Email Management", reduced: a draft goes round Edit Fields → review →
    Approved? → (declined) Reviewer → Edit Fields until approved; Send then reads the email
    from Edit Fields by name, while its own input is the review's verdict."""
    return export(
        [
            manual(),
            typed_set("Draft", False, email=("string", "hi")),
            typed_set("Edit Fields", False, email=("string", "={{ $json.email }}")),
            typed_set("Review", False, done=("boolean", "={{ $json.email.endsWith('!!') }}")),
            done_if(),
            typed_set(
                "Reviewer", False, email=("string", "={{ $('Edit Fields').item.json.email }}!")
            ),
            typed_set("Send Email", True, html=("string", send_reads)),
        ],
        [
            ("Start", 0, "Draft", 0),
            ("Draft", 0, "Edit Fields", 0),
            ("Edit Fields", 0, "Review", 0),
            ("Review", 0, "Approved?", 0),
            ("Approved?", 0, "Send Email", 0),
            ("Approved?", 1, "Reviewer", 0),
            ("Reviewer", 0, "Edit Fields", 0),
        ],
    )


def test_a_loop_s_node_read_after_the_loop_is_its_output_in_the_round_that_left(alice):
    view, execution = run_view(alice, review_export("={{ $('Edit Fields').item.json.email }}"))
    # n8n: rounds "hi", "hi!", "hi!!"; the third is approved, and Send's item pairs back
    # through Approved? and Review to Edit Fields' third run.
    assert jsons(view["Send Email"]) == [{"done": True, "html": "hi!!"}]
    graph = execution.version.graph
    [left] = [n for n in graph["nodes"] if n["label"] == "Left the loop by Approved?"]
    assert left["type"] == "utility.set"
    ran = execution.steps.filter(node_id=left["id"], status="succeeded")
    assert [s.output for s in ran] == [
        {"result": {"done": True}, "kept": {"edit_fields": {"result": {"email": "hi!!"}}}}
    ]


def test_a_loop_s_node_after_the_way_out_stays_refused_when_read_after_the_loop():
    # Reviewer runs after Approved? in a round: the round that leaves never ran it (n8n pairs
    # Send's item with no item of it).
    with pytest.raises(ImportRefused) as refused:
        import_n8n(review_export("={{ $('Reviewer').item.json.email }}"))
    messages = [i.message for i in refused.value.issues]
    assert any(
        m.startswith("n8n node 'Send Email' (n8n-nodes-base.set): reads the n8n node 'Reviewer'")
        for m in messages
    ), messages


def mark() -> dict[str, Any]:
    return typed_set("Mark", True, seen=("string", "yes"))


def gated_export(reader: str, reads: str) -> dict[str, Any]:
    """The review loop with a second way out, Gate, before Review (never taken here), and
    Mark between Review and Approved?: `reader` (Send Email or Gave up) reads `reads`."""
    data = review_export("={{ $json.seen }}")
    gate = done_if()
    gate["name"] = "Gate"
    gate["parameters"] = {
        **gate["parameters"],
        "conditions": {
            **gate["parameters"]["conditions"],
            "conditions": [
                {
                    "id": "g",
                    "leftValue": "={{ $json.email.length > 10 }}",
                    "rightValue": "",
                    "operator": {"type": "boolean", "operation": "true", "singleValue": True},
                }
            ],
        },
    }
    data["nodes"] += [
        gate,
        typed_set("Gave up", True, why=("string", "={{ $json.email }}")),
        mark(),
    ]
    for node in data["nodes"]:
        if node["name"] == reader:
            node["parameters"]["assignments"]["assignments"][0]["value"] = reads
    links = data["connections"]
    links["Edit Fields"]["main"][0][0]["node"] = "Gate"
    links["Gate"] = {
        "main": [
            [{"node": "Gave up", "type": "main", "index": 0}],
            [{"node": "Review", "type": "main", "index": 0}],
        ]
    }
    links["Review"]["main"][0][0]["node"] = "Mark"
    links["Mark"] = {"main": [[{"node": "Approved?", "type": "main", "index": 0}]]}
    return data


def test_a_loop_s_node_read_after_one_way_out_needs_only_the_rounds_leaving_there(alice):
    # Send is reached from Approved? only: the Gate's way out, before Review, is not its.
    view, _ = run_view(alice, gated_export("Send Email", "={{ $('Review').item.json.done }}"))
    assert jsons(view["Send Email"]) == [{"done": True, "seen": "yes", "html": "true"}]


def test_a_loop_s_node_read_after_a_way_out_before_it_stays_refused():
    # Send is reached from Gate too, before Review: a round leaving there never ran Review
    # (n8n pairs Send's item with no item of it and fails the read).
    data = gated_export("Send Email", "={{ $('Review').item.json.done }}")
    data["connections"]["Gate"]["main"][0] = [{"node": "Send Email", "type": "main", "index": 0}]
    with pytest.raises(ImportRefused) as refused:
        import_n8n(data)
    messages = [i.message for i in refused.value.issues]
    # Send's two parents are branches of the Gate and of Approved? with different items, which
    # is refused too (tests/test_n8n_joins.py); whichever the import meets first is reported.
    assert any(
        m.startswith(
            "n8n node 'Send Email' reads 'Review', which runs inside the loop Edit Fields → Gate "
            "→ Review → Mark → Approved? → Reviewer, after the loop was left, and not in every "
            "round that leaves it for this node"
        )
        or m.startswith(
            "n8n node 'Send Email' (n8n-nodes-base.set): reads its input ($json) from "
            "'Approved?', 'Gate', whichever sent an item"
        )
        for m in messages
    ), messages


# --- a loop's entry reading the file that went round (a form page asking for it again) -------


def form_node(name: str, kind: str, fields: list[dict[str, Any]], version: float) -> dict:
    params = {"formFields": {"values": fields}}
    return {"name": name, "type": f"{BASE}{kind}", "typeVersion": version, "parameters": params}


def contains_if(name: str, needle: str) -> dict[str, Any]:
    condition = {
        "id": "c1",
        "leftValue": "={{ $json.data }}",
        "rightValue": needle,
        "operator": {"type": "string", "operation": "contains"},
    }
    conditions = {
        "options": {"caseSensitive": True, "leftValue": "", "typeValidation": "strict"},
        "conditions": [condition],
        "combinator": "and",
    }
    return {
        "name": name,
        "type": f"{BASE}if",
        "typeVersion": 2,
        "parameters": {"conditions": conditions, "options": {}},
    }


def applications_export(retry_takes_several: bool = False) -> dict[str, Any]:
    """ "Handling Job Application Submissions", reduced: the CV posted with the form is read;
    when it is not a CV, a form page asks for the file again and it is read again."""
    upload = {"fieldType": "file", "fieldLabel": "File Upload", "multipleFiles": False}
    retry = {**upload, "multipleFiles": retry_takes_several}
    return export(
        [
            form_node("Upload CV", "formTrigger", [{"fieldLabel": "Name"}, upload], 2.2),
            {
                "name": "Extract from File",
                "type": f"{BASE}extractFromFile",
                "parameters": {"operation": "text", "binaryPropertyName": "File_Upload"},
            },
            contains_if("Is a CV?", "Experience"),
            set_fields("Accepted", cv="={{ $json.data }}"),
            form_node("File Upload Retry", "form", [retry], 1),
        ],
        [
            ("Upload CV", 0, "Extract from File", 0),
            ("Extract from File", 0, "Is a CV?", 0),
            ("Is a CV?", 0, "Accepted", 0),
            ("Is a CV?", 1, "File Upload Retry", 0),
            ("File Upload Retry", 0, "Extract from File", 0),
        ],
    )


def test_a_loop_s_entry_reads_the_file_the_form_page_asked_for_again(alice, alice_api):
    response = alice_api.post("/api/workflows/import", applications_export())
    assert response.status_code == 201, response.json()
    workflow = Workflow.objects.get(pk=response.json()["id"])
    workflow.is_active = True
    workflow.save()
    html = {"HTTP_ACCEPT": "text/html,application/xhtml+xml"}
    browser = Client()
    first = SimpleUploadedFile("notes.txt", b"Shopping list", content_type="text/plain")
    sent = browser.post(f"/hooks/{workflow.webhook_token}", {"Name": "Ada", "File Upload": first})
    assert sent.status_code == 303, sent.content
    to_page = browser.get(urlsplit(sent["Location"]).path, **html)
    assert to_page.status_code == 302
    page = urlsplit(to_page["Location"]).path
    cv = SimpleUploadedFile("cv.txt", b"Experience: 10 years", content_type="text/plain")

    again = browser.post(page, {"field.file_upload": cv}, **html)

    assert again.status_code == 303
    execution = workflow.executions.get()
    assert execution.status == "succeeded", execution.error
    view = n8n_view(execution)
    # n8n: the first round reads the posted file, the second the file the page took.
    assert jsons(view["Extract from File"]) == [
        {"data": "Shopping list"},
        {"data": "Experience: 10 years"},
    ]
    assert jsons(view["Accepted"]) == [
        {"data": "Experience: 10 years", "cv": "Experience: 10 years"}
    ]


def test_a_loop_s_entry_reading_a_file_the_page_numbers_stays_refused():
    # A page field taking several files names them File_Upload_0, ...: no File_Upload.
    with pytest.raises(ImportRefused) as refused:
        import_n8n(applications_export(retry_takes_several=True))
    messages = [i.message for i in refused.value.issues]
    assert any(
        m.startswith("n8n node 'Extract from File' reads the file or the items that came into")
        for m in messages
    ), messages
