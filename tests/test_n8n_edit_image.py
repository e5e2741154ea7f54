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
            {"operation": "multiStep", "operations": {"operations": [{"operation": "shear"}]}},
            "'shear'",
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


# --- fileops ---
def webhook_export(edits: list[dict[str, Any]], **params: Any) -> dict[str, Any]:
    """A Webhook receiving the files, then a Multi Step Edit Image (as the corpus's banner and
    captioning workflows have them)."""
    hook = {"httpMethod": "POST", "path": "img", "options": {}}
    edit = {"operation": "multiStep", "operations": {"operations": edits}, **params}
    nodes = [
        {"parameters": hook, "name": "Hook", "type": f"{BASE}webhook", "typeVersion": 2},
        {"parameters": edit, "name": "Edit", "type": f"{BASE}editImage", "typeVersion": 1},
    ]
    connections = {"Hook": {"main": [[{"node": "Edit", "type": "main", "index": 0}]]}}
    return {"name": "Images", "nodes": nodes, "connections": connections}


def run_import(alice: Any, export: dict[str, Any], uploads: dict[str, Any]) -> dict[str, Any]:
    cx = Converter(export, SPECS, SUB_NODES)
    graph = cx.run()
    assert cx.issues == [] and validate_graph(graph) == []
    body = {"title": "Sunset"}
    payload = {"method": "POST", "headers": {}, "query": {}, "body": body, "files": uploads}
    execution = engine.start_execution(make_workflow(alice, graph), payload)
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    return steps_by_key(execution)["edit"].output["file"]


@pytest.mark.django_db(transaction=True)
def test_a_caption_is_drawn_and_written_on_the_image(alice):
    edits = [
        {
            "color": "=#0000008c",
            "operation": "draw",
            "startPositionX": 0,
            "startPositionY": 150,
            "endPositionX": 300,
            "endPositionY": 200,
        },
        {
            "font": "/usr/share/fonts/truetype/msttcorefonts/Arial.ttf",
            "text": '="{{ $json.body.title }}". A caption',
            "fontSize": 20,
            "fontColor": "#FFFFFF",
            "operation": "text",
            "positionX": 10,
            "positionY": 180,
            "lineLength": 80,
        },
    ]
    node = next(
        n
        for n in Converter(webhook_export(edits), SPECS, SUB_NODES).run()["nodes"]
        if n["id"] == "edit"
    )
    assert node["config"]["file"] == '{{ trigger.files["data"] }}'
    assert "trigger.body" in node["config"]["steps"][1]["text"]
    assert "built-in font" in node["notes"]
    made = run_import(alice, webhook_export(edits), {"data": photo()})
    image = Image.open(io.BytesIO(files.read(made).data)).convert("RGB")
    assert image.size == (300, 200) and made["filename"] == "photo.png"
    assert image.getpixel((5, 20)) == (90, 120, 200)  # above the band: untouched
    assert image.getpixel((295, 155)) in ((41, 54, 90), (40, 54, 90))  # darkened by #0000008c
    band = [image.getpixel((x, y)) for x in range(10, 200) for y in range(160, 185)]
    assert max(band) > (200, 200, 200), "no white text was written"


@pytest.mark.django_db(transaction=True)
def test_a_round_avatar_is_created_and_composited_from_another_binary(alice):
    edits = [
        {"width": 100, "height": 100, "operation": "create", "backgroundColor": "#00000000"},
        {
            "color": "#000000ff",
            "operation": "draw",
            "primitive": "circle",
            "startPositionX": 50,
            "startPositionY": 50,
            "endPositionX": 50,
            "endPositionY": 0,
        },
        {"operator": "In", "operation": "composite", "dataPropertyNameComposite": "avatar"},
    ]
    export = webhook_export(edits, options={"format": "png"}, dataPropertyName="avatar")
    node = next(n for n in Converter(export, SPECS, SUB_NODES).run()["nodes"] if n["id"] == "edit")
    assert "file" not in node["config"]  # create reads no input image
    assert node["config"]["steps"][2]["overlay"] == '{{ trigger.files["avatar"] }}'
    made = run_import(alice, export, {"avatar": photo((100, 100))})
    image = Image.open(io.BytesIO(files.read(made).data))
    assert image.mode == "RGBA" and image.size == (100, 100)
    assert image.getpixel((50, 50)) == (90, 120, 200, 255)
    assert image.getpixel((2, 2))[3] == 0  # outside the circle: clear


def test_composite_operators_workfuse_lacks_are_refused_by_name():
    edits = [{"operator": "Bumpmap", "operation": "composite", "dataPropertyNameComposite": "b"}]
    with pytest.raises(ImportRefused) as caught:
        cx = Converter(webhook_export(edits), SPECS, SUB_NODES)
        cx.run()
        raise ImportRefused(cx.issues)
    message = caught.value.issues[0].message
    assert "'Edit'" in message and "'Bumpmap'" in message and "Over" in message


# --- end fileops ---
