"""n8n's Read PDF node (`readPDF`, version 1) as `utility.extract_file` with format pdf, as its
successor Extract from File's PDF operation imports (file_nodes.py).

ReadPDF `execute`: per item, the PDF in binary property `binaryPropertyName` ("data") read by
`extractDataFromPDF` into the item's json (`text`, `numpages`, `info`, ...), the item's files
kept. Refused: an encrypted PDF read with a password (WorkFuse keeps no password in a
workflow)."""

from __future__ import annotations

from editor.n8n import file_nodes
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec


def _read_pdf(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    if p.get("encrypted"):
        raise Refusal(
            "opens the PDF with a password; WorkFuse reads PDFs without a password only (and "
            "keeps no password in a workflow). Remove the password from the file, then export "
            "again."
        )
    prop = file_nodes._fixed(p.get("binaryPropertyName") or "data", "its input binary field")
    config = {"file": cx.file_ref(node, prop), "format": "pdf"}
    # n8n keeps the item's files beside the PDF's data: files are looked for before it.
    spec = {"data": "", "items": None, "binary_through": True}
    return Converted("utility.extract_file", config, notes=[file_nodes.PDF_TEXT_NOTE], spec=spec)


SPECS: dict[str, Spec] = {f"{BASE}readPDF": Spec(_read_pdf, "")}
