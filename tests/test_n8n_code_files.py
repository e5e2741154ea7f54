"""n8n Code nodes and binary data (editor/n8n/code_node.py, action_code's `n8n.binary`): the
code sees its item's files as n8n's `item.binary`, what it changes or makes is the file the
nodes after it read, as in the corpus's 'Add in metadata' and 'Change to application/pdf'."""

from __future__ import annotations

import base64
import copy
import io
from typing import Any

import pytest
from PIL import Image

from editor.models import Workflow
from editor.n8n import convert
from editor.nodes import action_code, code_sandbox
from editor.validation import validate_graph
from executions import engine
from tests.data_nodes import ctx
from workfuse.lib import files

BASE = "n8n-nodes-base."


@pytest.fixture(scope="module", autouse=True)
def _sandboxes() -> Any:
    yield
    code_sandbox.shutdown()


def photo() -> dict[str, Any]:
    out = io.BytesIO()
    Image.new("RGB", (30, 20), (1, 2, 3)).save(out, format="PNG")
    return files.make(out.getvalue(), "scan", "application/octet-stream").value()


ADD_METADATA = """$input.item.json.file_name = $input.item.binary.data.fileName;
$input.item.json.file_ext = $input.item.binary.data.fileExtension;
$input.item.json.size = $input.item.binary.data.fileSize;
$input.item.binary.data.mimeType = 'image/png';
$input.item.binary.data.fileName += '.png';
return $input.item;"""


def export(code: str, mode: str = "runOnceForEachItem") -> dict[str, Any]:
    """Webhook upload -> Code -> Edit Image information (reads the code's file 'data')."""
    nodes = [
        {
            "parameters": {"httpMethod": "POST", "path": "up", "options": {}},
            "name": "Hook",
            "type": f"{BASE}webhook",
            "typeVersion": 2,
        },
        {
            "parameters": {"jsCode": code, "mode": mode},
            "name": "Add in metadata",
            "type": f"{BASE}code",
            "typeVersion": 2,
        },
        {
            "parameters": {"operation": "information"},
            "name": "Info",
            "type": f"{BASE}editImage",
            "typeVersion": 1,
        },
    ]
    connections = {
        "Hook": {"main": [[{"node": "Add in metadata", "type": "main", "index": 0}]]},
        "Add in metadata": {"main": [[{"node": "Info", "type": "main", "index": 0}]]},
    }
    return {"name": "Code files", "nodes": nodes, "connections": connections}


def run_import(alice: Any, data: dict[str, Any], uploads: dict[str, Any]) -> dict[str, Any]:
    graph = convert(copy.deepcopy(data))
    assert validate_graph(graph) == []
    payload = {"method": "POST", "headers": {}, "query": {}, "body": {}, "files": uploads}
    execution = engine.start_execution(Workflow.create(alice, "imported", graph=graph), payload)
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    return {s.key: s.output for s in execution.steps.all()}


@pytest.mark.django_db(transaction=True)
def test_a_code_node_reads_and_relabels_its_items_file(alice: Any) -> None:
    graph = convert(export(ADD_METADATA))
    code = next(n for n in graph["nodes"] if n["type"] == "action.code")
    assert code["config"]["n8n"]["binary"] == {
        "": {"data": '{{ trigger.files["data"] | default(none) }}'}
    }
    info = next(n for n in graph["nodes"] if n["type"] == "utility.image")
    assert info["config"]["file"] == '{{ nodes.add_in_metadata.binary[0]["data"] }}'
    upload = photo()
    out = run_import(alice, export(ADD_METADATA), {"data": upload})
    made = out["add_in_metadata"]
    [item] = made["result"]
    assert item["file_name"] == "scan" and item["size"] == f"{len(files.read(upload).data)} B"
    # no extension in the name: n8n's copyBinaryFile takes mime-types' extension(mimeType)
    assert item["file_ext"] == "bin"  # the upload is application/octet-stream
    relabelled = made["binary"][0]["data"]
    assert relabelled["filename"] == "scan.png" and relabelled["content_type"] == "image/png"
    assert files.read(relabelled).data == files.read(upload).data  # the same bytes
    assert out["info"]["info"]["width"] == 30 and out["info"]["info"]["filename"] == "scan.png"


@pytest.mark.django_db(transaction=True)
def test_a_code_node_can_make_a_file(alice: Any) -> None:
    made_here = """return {json: {ok: true}, binary: {data: {
      data: 'aGVsbG8=', mimeType: 'text/plain', fileName: 'hello.txt'}}};"""
    out = run_import(alice, _only_code(made_here), {})  # no upload: the code's own file
    file = out["add_in_metadata"]["binary"][0]["data"]
    assert files.read(file).data == b"hello" and file["content_type"] == "text/plain"


def _only_code(code: str) -> dict[str, Any]:
    data = export(code)
    data["nodes"] = data["nodes"][:2]
    data["connections"].pop("Add in metadata")
    return data


def test_items_without_files_and_bad_files_behave_as_n8n() -> None:
    config = action_code.Config.model_validate(
        {
            "code": "return [{json: {a: 1}}, {json: {b: 2}, binary: {x: {data: '%%%'}}}];",
            "n8n": {"mode": "all", "items": [{}], "binary": {"": {}}},
        }
    )
    with pytest.raises(Exception, match="binary property 'x' is not a file"):
        action_code.run(config, ctx())
    config.code = "return [{json: {a: 1}}, {json: {b: 2}, binary: {x: {mimeType: 'a/b'}}}];"
    out = action_code.run(config, ctx())
    assert out["result"] == [{"a": 1}, {"b": 2}] and out["binary"] == [{}, {}]
    text = base64.b64encode(b"x" * 10).decode()
    config.code = f"return [{{json: {{}}, binary: {{t: {{data: '{text}'}}}}}}];"
    assert files.read(action_code.run(config, ctx())["binary"][0]["t"]).data == b"x" * 10
