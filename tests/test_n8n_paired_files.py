"""Files a Code node makes for each item it returns, read by the nodes after it
(editor/n8n/per_item_files.py `paired_path`): those nodes run in the loop over the code's
items, each run reading its own item's files, as n8n's items keep their files. Corpus shapes:
Object Detection's 'Scale Normalised Coords' handing an image to 'Draw Bounding Boxes', and
Telegram chat with PDF's 'Change to application/pdf' feeding a vector store's binary loader."""

from __future__ import annotations

import base64
import copy
import io
from typing import Any

import pytest
from PIL import Image

from editor.n8n import convert
from editor.nodes import code_sandbox
from editor.validation import validate_graph
from executions import engine
from executions.models import Step
from tests.engine_helpers import make_workflow
from tests.fake_ai_server import fake_ai_server
from tests.test_n8n_per_item_files import BINARY_LOADER
from tests.test_n8n_vector_stores import EMBEDDINGS, LC, link, node, refusals
from tests.test_node_extract_file import pdf
from workfuse.lib import files

BASE = "n8n-nodes-base."
HOOK = node("Hook", f"{BASE}webhook", {"httpMethod": "POST", "path": "up", "options": {}}, 2)


@pytest.fixture(scope="module", autouse=True)
def _sandboxes() -> Any:
    yield
    code_sandbox.shutdown()


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (255, 255, 255)).save(out, format="PNG")
    return out.getvalue()


def run(alice: Any, data: dict[str, Any], uploads: dict[str, Any]) -> Any:
    graph = convert(copy.deepcopy(data))
    assert validate_graph(graph) == []
    payload = {"method": "POST", "headers": {}, "query": {}, "body": {}, "files": uploads}
    execution = engine.start_execution(make_workflow(alice, graph), payload)
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    return execution


def steps(execution: Any, node_id: str) -> list[dict[str, Any]]:
    found = Step.objects.filter(execution=execution, node_id=node_id).order_by("key")
    return [s.output or {} for s in found]


# --- several items, each with its own file -----------------------------------------------------


def two_images() -> dict[str, Any]:
    """A Code node returning two items, each with an image of its own, then Edit Image's
    information on each (n8n: one run per item, each its item's image)."""
    wide, tall = (base64.b64encode(png(*size)).decode() for size in ((30, 20), (10, 40)))
    code = (
        f"return [{{json: {{n: 1}}, binary: {{data: {{data: '{wide}', mimeType: 'image/png'}}}}}},"
        f" {{json: {{n: 2}}, binary: {{data: {{data: '{tall}', mimeType: 'image/png'}}}}}}];"
    )
    nodes = [
        HOOK,
        node("Images To List", f"{BASE}code", {"jsCode": code}, 2),
        node("Info", f"{BASE}editImage", {"operation": "information"}),
    ]
    connections: dict[str, Any] = {}
    link(connections, "Hook", "Images To List")
    link(connections, "Images To List", "Info")
    return {"name": "Two images", "nodes": nodes, "connections": connections}


def test_the_reader_takes_its_own_item_s_file_in_the_loop() -> None:
    graph = convert(two_images())
    info = next(n for n in graph["nodes"] if n["type"] == "utility.image")
    assert info["config"]["file"] == '{{ nodes.images_to_list.binary[index]["data"] }}'


@pytest.mark.django_db(transaction=True)
def test_each_item_s_image_is_read_in_its_own_run(alice: Any) -> None:
    execution = run(alice, two_images(), {})
    sizes = [(o["info"]["width"], o["info"]["height"]) for o in steps(execution, "info")]
    assert sizes == [(30, 20), (10, 40)]


def test_files_of_a_list_made_in_another_loop_stay_refused() -> None:
    """A Code node run once per item in a loop returns lists that are flattened after the loop:
    its `binary` is only its last run's, so pairing by position would take the wrong file."""
    data = two_images()
    per_item = "return [{json: $json, binary: $input.item.binary}];"
    data["nodes"].insert(
        2, node("Each", f"{BASE}code", {"jsCode": per_item, "mode": "runOnceForEachItem"}, 2)
    )
    data["connections"]["Images To List"] = {"main": [[{"node": "Each", "type": "main"}]]}
    link(data["connections"], "Each", "Info")
    [message] = refusals(data)
    assert "'Info'" in message
    assert "makes once per item, from outside the loop over those items" in message


# --- Prompt-based Object Detection with Gemini 2.0 ---------------------------------------------

SCALE = """const { coords } = $input.first().json;
return {
 json: { coords },
 binary: $('Hook').first().binary
}"""


def object_detection() -> dict[str, Any]:
    """The corpus's 'Scale Normalised Coords' (one item, the image of a node before it) and
    'Draw Bounding Boxes' (a multi-step draw at the item's coordinates)."""
    coords = '={{ [{"xmin": 2, "ymin": 2, "xmax": 8, "ymax": 6}] }}'
    box = {
        "color": "#ff0000ff",
        "operation": "draw",
        **{
            f"{key}Position{axis}": f"={{{{ $json.coords[0].{axis.lower()}{end} }}}}"
            for key, end in (("start", "min"), ("end", "max"))
            for axis in ("X", "Y")
        },
    }
    assignment = {"id": "1", "name": "coords", "type": "array", "value": coords}
    nodes = [
        HOOK,
        node(
            "Get Variables",
            f"{BASE}set",
            {"assignments": {"assignments": [assignment]}, "options": {}},
            3.4,
        ),
        node("Scale Normalised Coords", f"{BASE}code", {"jsCode": SCALE}, 2),
        node(
            "Draw Bounding Boxes",
            f"{BASE}editImage",
            {"operation": "multiStep", "operations": {"operations": [box]}, "options": {}},
        ),
    ]
    connections: dict[str, Any] = {}
    link(connections, "Hook", "Get Variables")
    link(connections, "Get Variables", "Scale Normalised Coords")
    link(connections, "Scale Normalised Coords", "Draw Bounding Boxes")
    return {"name": "Object detection", "nodes": nodes, "connections": connections}


@pytest.mark.django_db(transaction=True)
def test_the_boxes_are_drawn_on_the_image_the_code_hands_on(alice: Any) -> None:
    upload = files.make(png(12, 10), "rabbits.png", "image/png").value()
    execution = run(alice, object_detection(), {"data": upload})
    [drawn] = steps(execution, "draw_bounding_boxes")
    image = Image.open(io.BytesIO(files.read(drawn["file"]).data)).convert("RGB")
    assert image.size == (12, 10)
    assert image.getpixel((5, 4)) == (255, 0, 0)  # inside the box
    assert image.getpixel((10, 8)) == (255, 255, 255)  # outside it


# --- Telegram chat with PDF --------------------------------------------------------------------

RELABEL = """for (const item of $input.all()) {
  if (item.binary && item.binary.data) {
    item.binary.data.mimeType = 'application/pdf';
    if (!item.binary.data.fileName.toLowerCase().endsWith('.pdf')) {
      item.binary.data.fileName += '.pdf';
    }
  }
}
return $input.all();"""


def pdf_to_store() -> dict[str, Any]:
    """'Change to application/pdf' (a Code node relabelling every item's file) into a vector
    store in insert mode whose Default Data Loader reads binary data."""
    nodes = [
        HOOK,
        node("Change to application/pdf", f"{BASE}code", {"jsCode": RELABEL}, 2),
        node("Store", f"{LC}vectorStoreInMemory", {"mode": "insert", "memoryKey": "kb"}, 1.3),
        EMBEDDINGS,
        copy.deepcopy(BINARY_LOADER),
        node(
            "Splitter",
            f"{LC}textSplitterRecursiveCharacterTextSplitter",
            {"chunkSize": 3000, "chunkOverlap": 200, "options": {}},
        ),
    ]
    connections: dict[str, Any] = {}
    link(connections, "Splitter", "Default Data Loader", "ai_textSplitter")
    link(connections, "Hook", "Change to application/pdf")
    link(connections, "Change to application/pdf", "Store")
    link(connections, "Embeddings OpenAI", "Store", "ai_embedding")
    link(connections, "Default Data Loader", "Store", "ai_document")
    return {"name": "Chat with PDF", "nodes": nodes, "connections": connections}


@pytest.mark.django_db(transaction=True)
def test_the_relabelled_pdf_reaches_the_store(alice: Any, settings: Any) -> None:
    settings.OPENAI_API_KEY = "sk-env-openai-0123456789abcdef"
    upload = files.make(pdf("Refunds take 14 days."), "statement", "application/octet-stream")
    with fake_ai_server() as ai:
        settings.OPENAI_BASE_URL = ai.openai_url
        execution = run(alice, pdf_to_store(), {"data": upload.value()})
        embedded = [r.body["input"] for r in ai.requests_for("openai_embeddings")]
    assert embedded == [["Refunds take 14 days."]]
    [read] = steps(execution, "store_text")
    # read as the PDF the code made it (the upload itself was application/octet-stream)
    assert read["content_type"] == "application/pdf" and read["documents"] == embedded[0]


@pytest.mark.django_db(transaction=True)
def test_a_code_node_in_the_loop_sees_its_own_item_s_file(alice: Any) -> None:
    """A Code node run once per item after them: its input item's files are that item's."""
    data = two_images()
    relabel = "$input.item.binary.data.fileName = 'page.png'; return $input.item;"
    data["nodes"][2] = node(
        "Info", f"{BASE}code", {"jsCode": relabel, "mode": "runOnceForEachItem"}, 2
    )
    code = next(n for n in convert(data)["nodes"] if n["id"] == "info")
    assert code["config"]["n8n"]["binary"] == {
        "": {"data": '{{ nodes.images_to_list.binary[index]["data"] | default(none) }}'}
    }
    runs = steps(run(alice, data, {}), "info")
    made = [files.read(r["binary"][0]["data"]) for r in runs]
    assert [Image.open(io.BytesIO(f.data)).size for f in made] == [(30, 20), (10, 40)]
    assert [r["binary"][0]["data"]["filename"] for r in runs] == ["page.png", "page.png"]
