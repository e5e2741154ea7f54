"""n8n's Edit Image node as a WorkFuse image step (`utility.image`).

`edit_image_config(node, cx, file_template)` converts one Edit Image node, given the template
of the file value its binary property holds (`Converter.file_ref` knows where an item's binary
lies; `SPECS` passes it). After an edit, `$json` is still the item the node received (n8n
replaced only its binary) and the edited image is the file the nodes after it read from that
binary property.

Resize (every option), crop, rotate, create, draw, text, composite (the operators
utility.image has) and Multi Step over them carry over with GraphicsMagick's geometry; the
other edits (blur, border, shear, transparent) are refused by name. A composite's image is the
file in the item's other binary property (`dataPropertyNameComposite`), found as any file is.
"""

from __future__ import annotations

from typing import Any

from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec
from editor.nodes.utility_image import OPERATORS

RESIZE_MODES = {
    "maximumArea": "fit",
    "minimumArea": "cover",
    "ignoreAspectRatio": "exact",
    "onlyIfLarger": "shrink",
    "onlyIfSmaller": "enlarge",
    "percent": "percent",
}
FORMATS = {"bmp", "gif", "jpeg", "png", "tiff", "webp"}
GM_QUALITY = 75  # GraphicsMagick's JPEG quality when n8n sets none
INFO_NOTE = (
    "n8n output GraphicsMagick's identify report (Format, Geometry, Resolution...); WorkFuse "
    "outputs {info: {width, height, format, content_type, mode, has_alpha, frames, dpi, size, "
    "filename}}."
)
FONT_NOTE = (
    "n8n wrote the text with the font it was given (or GraphicsMagick's); WorkFuse writes it "
    "with its built-in font, so lines may be a little wider or narrower."
)
OUTPUT_NOTE = (
    "n8n handed on the item with its binary replaced; WorkFuse outputs {file}, the edited "
    "image, which the nodes after it read as that binary."
)


def edit_image_config(node: N8nNode, cx: Converter, file_template: str) -> Converted:
    """The utility.image step for `node`, reading the image from `file_template`."""
    p = node.params
    operation = p.get("operation", "border")
    config: dict[str, Any] = {"file": file_template} if file_template else {}
    if operation == "information":
        config["operation"] = "information"
        # files2: n8n hands the image on with the information (binary_through)
        spec = {"data": "info", "binary_through": True}
        return Converted("utility.image", config, notes=[INFO_NOTE], spec=spec)
    if operation == "multiStep":
        steps = (p.get("operations") or {}).get("operations") or []
        if not steps:
            raise Refusal("runs Multi Step without an operation; add one in n8n.")
        config["operation"] = "steps"
        config["steps"] = [_edit(step, node, cx) for step in steps]
        edits = config["steps"]
    else:
        config.update(_edit(p, node, cx))
        edits = [config]
    config.update(_options(p.get("options") or {}, node, cx))
    notes = [OUTPUT_NOTE]
    if any(edit["operation"] == "text" for edit in edits):
        notes.append(FONT_NOTE)
    made = ((_property(node), f"nodes.{node.id}.file"),)
    # n8n hands the item's other binary properties on beside the edited one.
    spec = {"data": None, "binary": made, "binary_through": True}
    return Converted("utility.image", config, notes=notes, spec=spec)


def _property(node: N8nNode) -> str:
    """The binary property the node reads and writes (n8n's dataPropertyName)."""
    return str(node.params.get("dataPropertyName") or "data")


def _first_operation(node: N8nNode) -> Any:
    p = node.params
    if p.get("operation") == "multiStep":
        steps = (p.get("operations") or {}).get("operations") or [{}]
        return steps[0].get("operation")
    return p.get("operation", "border")


def _convert(node: N8nNode, cx: Converter) -> Converted:
    # An edit that starts by creating an image reads no input file (n8n's Edit Image neither).
    made_here = _first_operation(node) == "create"
    return edit_image_config(node, cx, "" if made_here else cx.file_ref(node, _property(node)))


def _edit(params: dict[str, Any], node: N8nNode, cx: Converter) -> dict[str, Any]:
    """One resize, crop or rotate with n8n's defaults for what the export leaves out."""
    operation = params.get("operation") or "border"
    if operation == "resize":
        option = params.get("resizeOption", "maximumArea")
        if option not in RESIZE_MODES:
            raise Refusal(f"resizes with the option '{option}', which n8n's Edit Image has not.")
        return {
            "operation": "resize",
            "width": cx.value(params.get("width", 500), node),
            "height": cx.value(params.get("height", 500), node),
            "resize_mode": RESIZE_MODES[option],
        }
    if operation == "crop":
        return {
            "operation": "crop",
            "width": cx.value(params.get("width", 500), node),
            "height": cx.value(params.get("height", 500), node),
            "x": cx.value(params.get("positionX", 0), node),
            "y": cx.value(params.get("positionY", 0), node),
        }
    if operation == "rotate":
        return {
            "operation": "rotate",
            "degrees": cx.value(params.get("rotate", 0), node),
            "background": cx.value(params.get("backgroundColor", "#ffffffff"), node),
        }
    if operation == "create":
        return {
            "operation": "create",
            "width": cx.value(params.get("width", 50), node),
            "height": cx.value(params.get("height", 50), node),
            "background": cx.value(params.get("backgroundColor", "#ffffff00"), node),
        }
    if operation == "draw":
        primitive = params.get("primitive", "rectangle")
        if primitive not in ("rectangle", "circle", "line"):
            raise Refusal(f"draws a '{primitive}', which n8n's Edit Image has not.")
        edit = {
            "operation": "draw",
            "primitive": primitive,
            "color": cx.value(params.get("color", "#ff000000"), node),
            "x": cx.value(params.get("startPositionX", 50), node),
            "y": cx.value(params.get("startPositionY", 50), node),
            "end_x": cx.value(params.get("endPositionX", 250), node),
            "end_y": cx.value(params.get("endPositionY", 250), node),
        }
        if primitive == "rectangle":
            edit["corner_radius"] = cx.value(params.get("cornerRadius", 0), node)
        return edit
    if operation == "text":
        return {
            "operation": "text",
            "text": cx.value(params.get("text", ""), node),
            "font_size": cx.value(params.get("fontSize", 18), node),
            "color": cx.value(params.get("fontColor", "#000000"), node),
            "x": cx.value(params.get("positionX", 50), node),
            "y": cx.value(params.get("positionY", 50), node),
            "line_length": cx.value(params.get("lineLength", 80), node),
        }
    if operation == "composite":
        operator = params.get("operator", "Over")
        if operator not in OPERATORS:
            raise Refusal(
                f"composites with the operator '{operator}', which WorkFuse's image step does "
                f"not have (it has {', '.join(OPERATORS)}). Choose one of them in n8n, then "
                "export again."
            )
        return {
            "operation": "composite",
            "overlay": cx.file_ref(node, params.get("dataPropertyNameComposite") or ""),
            "operator": operator,
            "x": cx.value(params.get("positionX", 0), node),
            "y": cx.value(params.get("positionY", 0), node),
        }
    raise Refusal(
        f"runs the Edit Image operation '{operation}', which WorkFuse's image step does not "
        "have (it resizes, crops, rotates, flips, creates, draws, writes text, composites and "
        "converts). Remove it in n8n or do it in a Code node, then export again."
    )


def _options(options: dict[str, Any], node: N8nNode, cx: Converter) -> dict[str, Any]:
    out: dict[str, Any] = {"quality": GM_QUALITY}
    fmt = options.get("format")
    if fmt:
        if fmt not in FORMATS:
            raise Refusal(f"writes the format '{fmt}', which WorkFuse's image step does not.")
        out["format"] = fmt
    quality = options.get("quality")
    if quality is not None:
        if not isinstance(quality, int) or not 1 <= quality <= 100:
            raise Refusal(f"sets the quality to '{quality}'; give a number from 1 to 100 in n8n.")
        out["quality"] = quality
    if options.get("fileName"):
        out["filename"] = cx.value(options["fileName"], node)
    return out


SPECS: dict[str, Spec] = {f"{BASE}editImage": Spec(_convert, None)}
