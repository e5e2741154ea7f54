"""n8n's Crypto node as a WorkFuse crypto step: hash, HMAC (its secret becomes a credential
slot) of a value or of the bytes of the item's file (Binary File), and UUID or random
generation; signing has no WorkFuse form. As in n8n, the result is
added to the item under the node's property name (`dataPropertyName`)."""

from __future__ import annotations

from typing import Any

from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec
from editor.n8n.data_input import with_field

ALGORITHMS = {"MD5": "md5", "SHA1": "sha1", "SHA256": "sha256", "SHA512": "sha512"}


def _crypto(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    action = p.get("action", "hash")
    field = str(p.get("dataPropertyName") or "data")
    notes: list[str] = []
    config: dict[str, Any]
    if action == "sign":
        raise Refusal(
            "signs with a private key, which WorkFuse's crypto step does not do. Sign in a Code "
            "node or an HTTP call to a signing service."
        )
    if action == "generate":
        kind = p.get("encodingType", "uuid")
        if kind == "uuid":
            config = {"operation": "uuid"}
        elif kind in ("hex", "base64"):
            length = p.get("stringLength", 32)
            if not isinstance(length, int):
                raise Refusal("sets the length of the random text with an expression.")
            # n8n makes `length` characters; WorkFuse makes bytes, so hex needs half as many.
            size = max(1, (length + 1) // 2 if kind == "hex" else (length * 3 + 3) // 4)
            config = {"operation": "random", "encoding": kind, "length": size}
            notes.append(
                f"n8n's random text was exactly {length} characters; WorkFuse's may be one or two longer."
            )
        else:
            raise Refusal(f"generates '{kind}' text, which WorkFuse does not make.")
        return with_field(Converted("utility.crypto", config, notes=notes), node, cx, field, True)
    algorithm = ALGORITHMS.get(str(p.get("type", "MD5")))
    if algorithm is None:
        raise Refusal(
            f"uses {p.get('type')}, which WorkFuse does not have (MD5, SHA1, SHA256, SHA512)."
        )
    config = {
        "operation": action,
        "algorithm": algorithm,
        "value": cx.value(p.get("value", ""), node),
        "encoding": "base64" if p.get("encoding") == "base64" else "hex",
    }
    # --- fileops ---
    if p.get("binaryData"):  # n8n hashes the bytes of the item's file in that property
        del config["value"]
        config["file"] = cx.file_ref(node, p.get("binaryPropertyName") or "data")
    # --- end fileops ---
    if action == "hmac":
        # quality: the secret is a credential slot left empty, never a value in the workflow
        notes.append(
            "n8n kept the HMAC secret in the node; WorkFuse keeps keys in credentials, so it was "
            "not imported: create a webhook secret (or API key) credential holding it and choose "
            "it in this node's settings before the workflow runs."
        )
    elif action != "hash":
        raise Refusal(f"runs '{action}', which WorkFuse's crypto step does not have.")
    return with_field(Converted("utility.crypto", config, notes=notes), node, cx, field, True)


SPECS: dict[str, Spec] = {f"{BASE}crypto": Spec(_crypto, "")}
