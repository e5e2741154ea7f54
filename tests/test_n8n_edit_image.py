"""n8n's Edit Image mapped onto utility.image (editor/n8n/edit_image.py), wired the way the
import will wire it once it knows where an item's binary lies: here the file is the manual
trigger's `photo`. Values follow n8n's EditImage node source (GraphicsMagick geometry)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image

from editor.graph import ImportRefused
from editor.n8n import SPECS, SUB_NODES
from editor.n8n.converter import BASE, Converter, Spec
from editor.n8n.edit_image import edit_image_config
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow, steps_by_key
from workfuse.lib import files

WIRED = {
    **SPECS,
    f"{BASE}editImage": Spec(lambda n, cx: edit_image_config(n, cx, "{{ trigger.photo }}"), ""),
}


def export(params: dict[str, Any]) -> dict[str, Any]:
    nodes = [
        {"parameters": {}, "name": "Start", "type": f"{BASE}manualTrigger", "typeVersion": 1},
        {"parameters": params, "name": "Edit", "type": f"{BASE}editImage", "typeVersion": 1},
    ]
    connections = {"Start": {"main": [[{"node": "Edit", "type": "main", "index": 0}]]}}
    return {"name": "Images", "nodes": nodes, "connections": connections}


def converted(params: dict[str, Any]) -> dict[str, Any]:
    cx = Converter(export(params), WIRED, SUB_NODES)
    graph = cx.run()
    if cx.issues:
        raise ImportRefused(cx.issues)
    return next(n for n in graph["nodes"] if n["id"] == "edit")


def photo(size: tuple[int, int] = (300, 200)) -> dict[str, Any]:
    out = io.BytesIO()
    Image.new("RGB", size, (90, 120, 200)).save(out, format="PNG")
    return files.make(out.getvalue(), "photo.png").value()


@pytest.mark.parametrize(
    ("option", "mode"),
    [
        (None, "fit"),
        ("maximumArea", "fit"),
        ("minimumArea", "cover"),
        ("ignoreAspectRatio", "exact"),
        ("onlyIfLarger", "shrink"),
        ("onlyIfSmaller", "enlarge"),
        ("percent", "percent"),
    ],
)
def test_every_resize_option_has_its_mode(option, mode):
    params: dict[str, Any] = {"operation": "resize", "width": 75, "height": 75, "options": {}}
    if option:
        params["resizeOption"] = option
    node = converted(params)
    assert node["type"] == "utility.image"
    assert node["config"] == {
        "file": "{{ trigger.photo }}",
        "operation": "resize",
        "width": 75,
        "height": 75,
        "resize_mode": mode,
        "quality": 75,
    }


def test_crop_with_expressions_format_and_file_name():
    node = converted(
        {
            "operation": "crop",
            "width": "={{ $json.box.w }}",
            "height": 40,
            "positionX": "={{ $json.box.x }}",
            "options": {"format": "jpeg", "quality": 60, "fileName": "={{ $json.name }}.jpeg"},
        }
    )
    config = node["config"]
    assert (config["width"], config["x"], config["y"]) == (
        "{{ trigger.box.w }}",
        "{{ trigger.box.x }}",
        0,
    )
    assert (config["format"], config["quality"]) == ("jpeg", 60)
    assert config["filename"].startswith("{{ trigger.name")


def test_multi_step_becomes_steps_and_other_edits_are_refused_by_name():
    node = converted(
        {
            "operation": "multiStep",
            "operations": {
                "operations": [
                    {"operation": "rotate", "rotate": 90},
                    {"operation": "resize", "width": 50, "height": 50, "resizeOption": "percent"},
                ]
            },
            "options": {},
        }
    )
    assert node["config"]["operation"] == "steps"
    assert node["config"]["steps"] == [
        {"operation": "rotate", "degrees": 90, "background": "#ffffffff"},
        {"operation": "resize", "width": 50, "height": 50, "resize_mode": "percent"},
    ]
    for params, said in [
        (
            {"operation": "multiStep", "operations": {"operations": [{"operation": "text"}]}},
            "'text'",
        ),
        ({"operation": "blur"}, "'blur'"),
        ({}, "'border'"),  # n8n's default operation
        ({"operation": "resize", "options": {"format": "heic"}}, "format 'heic'"),
    ]:
        with pytest.raises(ImportRefused) as caught:
            converted(params)
        message = caught.value.issues[0].message
        assert "'Edit'" in message and said in message


def test_information_outputs_info_with_the_difference_stated():
    node = converted({"operation": "information"})
    assert node["config"] == {"file": "{{ trigger.photo }}", "operation": "information"}
    assert "identify report" in node["notes"]


@pytest.mark.django_db(transaction=True)
def test_the_wired_node_runs_in_the_engine(alice):
    cx = Converter(
        export(
            {
                "operation": "multiStep",
                "operations": {
                    "operations": [
                        {"operation": "crop", "width": 200, "height": 200},
                        {"operation": "resize", "width": 50, "height": 100},
                    ]
                },
                "options": {"format": "jpeg"},
            }
        ),
        WIRED,
        SUB_NODES,
    )
    graph = cx.run()
    assert cx.issues == [] and validate_graph(graph) == []
    execution = engine.start_execution(make_workflow(alice, graph), {"photo": photo()})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    made = steps_by_key(execution)["edit"].output["file"]
    assert made["filename"] == "photo.jpeg"
    assert Image.open(io.BytesIO(files.read(made).data)).size == (50, 50)
