"""n8n's QuickChart node (version 1) as WorkFuse's `app.quickchart`: labels (by hand or from an
array), the data, the dataset's and the image's options, the image in the binary property n8n's
Put Output In Field names."""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n.apps_base import text
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

CHART_OPTIONS = ("backgroundColor", "devicePixelRatio", "format", "height", "width")
DATASET_OPTIONS = ("backgroundColor", "borderColor", "fill", "pointStyle")
ONE_DATASET = (
    "n8n drew one chart with a dataset per input item; WorkFuse draws the chart of each item "
    "(the same when one item comes in)."
)


def _labels(node: N8nNode, cx: Converter) -> Any:
    p = node.params
    if p.get("labelsMode", "manually") == "array":
        labels = p.get("labelsArray")
        if labels in ("", None):
            raise Refusal("names no Labels Array; set it in n8n and export again.")
        return text(cx, node, labels)
    values = (p.get("labelsUi") or {}).get("labelsValues") or []
    return [text(cx, node, v.get("label", "")) for v in values]


def _quickchart(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    if p.get("data") in ("", None):
        raise Refusal("has no Data; set it in n8n and export again.")
    chart_type = str(p.get("chartType") or "bar")
    if chart_type not in ("bar", "doughnut", "line", "pie", "polarArea"):
        raise Refusal(f"draws a '{chart_type}' chart, which WorkFuse's QuickChart node does not.")
    config: dict[str, Any] = {
        "operation": "chart",
        "chart_type": chart_type,
        "labels": _labels(node, cx),
        "data": text(cx, node, p["data"]),
    }
    dataset = dict(p.get("datasetOptions") or {})
    if dataset.get("label"):
        config["label"] = text(cx, node, dataset["label"])
    look = {k: text(cx, node, dataset[k]) for k in DATASET_OPTIONS if k in dataset}
    if look:
        config["dataset_options"] = look
    options = dict(p.get("chartOptions") or {})
    if options.get("horizontal") and chart_type == "bar":
        config["horizontal"] = True
    image = {k: text(cx, node, options[k]) for k in CHART_OPTIONS if k in options}
    if image:
        config["chart_options"] = image
    notes = [
        ONE_DATASET,
        "Credentials are optional: without one, the public quickchart.io draws the chart, as "
        "in n8n.",
    ]
    return Converted("app.quickchart", config, notes=notes)


def _spec(node: N8nNode, cx: Converter) -> Spec:
    # n8n's item: {chart} as JSON, the image in the binary property `output` names.
    prop = str(node.params.get("output") or "data")
    spec = dataclasses.replace(SPECS[f"{BASE}quickChart"], per_node=None)
    return dataclasses.replace(spec, binary=((prop, f"nodes.{node.id}.file"),))


SPECS: dict[str, Spec] = {f"{BASE}quickChart": Spec(_quickchart, "", per_node=_spec)}
