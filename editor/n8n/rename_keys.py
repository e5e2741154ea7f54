"""n8n's Rename Keys node as a WorkFuse set: each new key takes the old key's value, and the old
keys are left out of the copy of the item."""

from __future__ import annotations

import json

from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec
from editor.n8n.data_input import lookup_path, path_parts
from editor.n8n.expressions import literal


def _rename_keys(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    if ((p.get("additionalOptions") or {}).get("regexReplacement") or {}).get("replacements"):
        raise Refusal(
            "renames keys by a regular expression; WorkFuse renames named keys only. List the "
            "keys in n8n and export again."
        )
    fields, dropped = [], []
    for row in (p.get("keys") or {}).get("key") or []:
        old, new = str(row.get("currentKey") or ""), str(row.get("newKey") or "")
        if not old or not new or old == new:
            continue  # n8n skips these too
        if old.startswith("=") or new.startswith("="):
            raise Refusal("names a key with an expression; name it directly in n8n.")
        access = "".join(
            f"[{part}]" if part.isdigit() else f"[{json.dumps(part)}]" for part in path_parts(old)
        )
        source = cx.expression("{{ $json" + access + " }}", node)
        # quality: n8n's key names are text, never templates
        fields.append({"name": literal(lookup_path(new)), "value": source})
        dropped.append(literal(lookup_path(old)))
    if not fields:
        raise Refusal("renames no key; add one in n8n and export again.")
    notes = ["An item without a key to rename stops WorkFuse with an error; n8n left it unchanged."]
    config = {"fields": fields, "keep": "except", "keep_fields": dropped}
    return Converted("utility.set", config, notes=notes)


SPECS: dict[str, Spec] = {f"{BASE}renameKeys": Spec(_rename_keys, "")}
