"""Files made once per item in a loop the import adds, read where n8n's item count makes the
pairing exact (editor/n8n/per_item_files.py, "firstfile" and "filesplit"): Respond to Webhook
answering with its first item's file (AI Voice Chat's generated audio after a Limit), and a
Split Out of `$binary` handing each unzipped file on as an item of its own, read by Extract
from File as `file_{{ $itemIndex }}` (Build a Tax Code Assistant). Imported workflows run
through the engine against a 127.0.0.1 server."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from django.test import Client

from editor.n8n import convert
from editor.validation import validate_graph
from tests.engine_helpers import steps_by_key
from tests.fakes import handled_by
from tests.test_n8n_files import chain, download_as_file, node_of, refused, run
from tests.test_n8n_flow import manual, n8n_node, set_fields
from tests.test_n8n_passed_files import activated

AUDIO = {"/a.mp3": b"ID3 first answer", "/b.mp3": b"ID3 second answer"}


def archive() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as packed:
        packed.writestr("chapter 1.txt", "Sec. 1.01 Taxes")
        packed.writestr("chapter 2.txt", "Sec. 2.01 Rates")
        packed.writestr("chapter 3.txt", "Sec. 3.01 Refunds")
    return out.getvalue()


FILES = {**AUDIO, "/codes.zip": archive()}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        body = FILES.get(self.path, b"")
        self.send_response(200 if body else 404)
        kind = "application/zip" if self.path.endswith(".zip") else "audio/mpeg"
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with handled_by(Handler) as url:
        yield url


# --- Respond to Webhook: the first item's file ------------------------------------------------


def voice_chat(base: str, limit: bool = True, **respond: Any) -> dict:
    """AI Voice Chat's tail: items listed, (the first kept by a Limit), audio generated for each
    by an HTTP Request detecting its answer's format, the file sent back to the caller."""
    hook = n8n_node(
        "Webhook",
        "webhook",
        {"httpMethod": "POST", "path": "voice", "responseMode": "responseNode"},
        2,
    )
    split = n8n_node(
        "Replies",
        "splitOut",
        {"fieldToSplitOut": "body.names", "options": {"destinationFieldName": "name"}},
    )
    audio = n8n_node(
        "ElevenLabs - Generate Audio",
        "httpRequest",
        {"url": f"={base}/{{{{ $json.name }}}}", "options": {}},
        4.2,
    )
    answer = n8n_node(
        "Respond to Webhook", "respondToWebhook", {"respondWith": "binary", **respond}, 1.1
    )
    middle = [n8n_node("Limit", "limit", {})] if limit else []
    return chain(hook, split, *middle, audio, answer)


def test_respond_reads_the_first_file_of_the_loop_s_results() -> None:
    graph = convert(voice_chat("http://127.0.0.1:9"))
    assert validate_graph(graph) == []
    assert node_of(graph, "Respond to Webhook")["config"]["file"] == (
        '{{ ((nodes.each_limit.results | reject("none") | map(attribute="file") | list))[0] }}'
    )
    edges = {(e["source"], e.get("source_handle", "main"), e["target"]) for e in graph["edges"]}
    assert ("each_limit", "done", "respond_to_webhook") in edges


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("limit", [True, False])
def test_the_caller_gets_the_first_item_s_audio(alice, alice_api, settings, server, limit):
    """With a Limit the one item's audio; without, n8n's `items[0]`: the first of two."""
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    workflow = activated(alice_api, voice_chat(server, limit=limit))
    answer = Client().post(
        f"/hooks/{workflow.webhook_token}",
        {"names": ["a.mp3", "b.mp3"]},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    assert (answer["Content-Type"], answer.content) == ("audio/mpeg", AUDIO["/a.mp3"])
    steps = steps_by_key(workflow.executions.get())
    runs = 1 if limit else 2
    assert [k for k in steps if k.startswith("elevenlabs")] == [
        f"elevenlabs_generate_audio[{i}]" for i in range(runs)
    ]


def test_a_named_property_reads_the_first_item_s_file_too() -> None:
    data = voice_chat("http://127.0.0.1:9", responseDataSource="set", inputFieldName="data")
    assert "results" in node_of(convert(data), "Respond to Webhook")["config"]["file"]


def test_a_node_run_once_reads_the_first_item_s_file() -> None:
    """Execute Once: n8n runs the node with its first item only, so its file is the first."""
    data = voice_chat("http://127.0.0.1:9")
    data["nodes"][-1] = n8n_node(
        "Respond to Webhook", "extractFromFile", {"operation": "text"}, executeOnce=True
    )
    config = node_of(convert(data), "Respond to Webhook")["config"]
    assert config["file"] == (
        '{{ ((nodes.each_limit.results | reject("none") | map(attribute="file") | list))[0] }}'
    )


def test_a_file_handed_on_through_another_node_of_the_loop_stays_refused() -> None:
    """Through a No-op the loop's results hold the item (an exit node), not the audio's step
    output: the file is not in them, and the import still says so."""
    data = voice_chat("http://127.0.0.1:9")
    answer = data["nodes"].pop()
    data["nodes"] += [n8n_node("Pass", "noOp"), answer]
    data["connections"]["ElevenLabs - Generate Audio"]["main"][0][0]["node"] = "Pass"
    data["connections"]["Pass"] = {
        "main": [[{"node": "Respond to Webhook", "type": "main", "index": 0}]]
    }
    assert "makes once per item, from outside the loop" in refused(data)


# --- Split Out of $binary: files as items ----------------------------------------------------


def tax_codes(base: str, **split: Any) -> dict:
    """Build a Tax Code Assistant's loading: a zip downloaded and unpacked (file_0, file_1,
    ...), each file made an item of its own, read as `file_{{ $itemIndex }}`."""
    unzip = n8n_node("Extract Zip Files", "compression", {}, 1.1)
    params = {"fieldToSplitOut": "$binary", "include": "allOtherFields", "options": {}, **split}
    files = n8n_node("Files as Items", "splitOut", params)
    read = n8n_node(
        "Extract Contents",
        "extractFromFile",
        {"operation": "text", "binaryPropertyName": "=file_{{ $itemIndex }}", "options": {}},
    )
    return chain(manual(), download_as_file(f"{base}/codes.zip"), unzip, files, read)


@pytest.mark.parametrize("field", ["$binary", "=$binary"])
def test_each_file_becomes_an_item_read_by_its_index(field: str) -> None:
    graph = convert(tax_codes("http://127.0.0.1:9", fieldToSplitOut=field))
    assert validate_graph(graph) == []
    assert node_of(graph, "Extract Contents")["config"]["file"] == (
        '{{ nodes.files_as_items.result.binary[index]["file_" ~ index] }}'
    )
    loop = next(n for n in graph["nodes"] if n["type"] == "logic.loop")
    assert loop["config"]["items"] == "{{ nodes.files_as_items.result.items }}"


@pytest.mark.django_db(transaction=True)
def test_every_unzipped_file_is_read_in_its_own_run(alice, settings, server):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    outputs = run(alice, tax_codes(server))
    split = outputs["files_as_items"]["result"]
    assert split["items"] == [{}, {}, {}]  # the manual trigger's empty item, kept thrice
    assert [list(files) for files in split["binary"]] == [["file_0"], ["file_1"], ["file_2"]]
    texts = [outputs[f"extract_contents[{i}]"]["data"] for i in range(3)]
    assert texts == ["Sec. 1.01 Taxes", "Sec. 2.01 Rates", "Sec. 3.01 Refunds"]


@pytest.mark.django_db(transaction=True)
def test_the_items_keep_the_fields_include_asks_for(alice, settings, server):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = tax_codes(server, include="selectedOtherFields", fieldsToInclude="source")
    data["nodes"].insert(1, set_fields("Source", source="texas"))
    data["connections"] = chain(*data["nodes"])["connections"]
    outputs = run(alice, data)
    assert outputs["files_as_items"]["result"]["items"] == [{"source": "texas"}] * 3
    assert outputs["extract_contents[2]"]["data"] == "Sec. 3.01 Refunds"


def test_files_as_items_of_files_not_known_one_by_one_stay_refused() -> None:
    """A Webhook's uploads (files by field name, several of one field kept as a list) are not
    numbered as n8n numbered them: the split stays refused, saying where it is followed."""
    data = tax_codes("http://127.0.0.1:9")
    hook = n8n_node("Webhook", "webhook", {"httpMethod": "POST", "path": "up", "options": {}}, 2)
    nodes = [hook, *data["nodes"][3:]]
    message = refused(chain(*nodes))
    assert "n8n node 'Files as Items' (n8n-nodes-base.splitOut): splits out binary data" in message
    assert "Compression node unpacking an archive right before it" in message


def test_selected_fields_naming_none_stay_refused() -> None:
    data = tax_codes("http://127.0.0.1:9", include="selectedOtherFields")
    assert "keeps 'selected other fields' but names none" in refused(data)


def test_a_property_named_by_another_expression_stays_refused() -> None:
    data = tax_codes("http://127.0.0.1:9")
    data["nodes"][-1]["parameters"]["binaryPropertyName"] = "={{ $json.name }}"
    assert "names the binary property of its input file with an expression" in refused(data)
