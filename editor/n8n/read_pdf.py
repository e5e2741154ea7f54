"""n8n's Read PDF node (`readPDF`, version 1) as `utility.extract_file` with format pdf, as its
successor Extract from File's PDF operation imports (file_nodes.py).

ReadPDF `execute`: per item, the PDF in binary property `binaryPropertyName` ("data") read by
`extractDataFromPDF` into the item's json (`text`, `numpages`, `info`, ...), the item's files
kept. An encrypted PDF's password is not copied: the step is left a slot for a PDF password
credential, as Extract from File's is."""

from __future__ import annotations

from editor.n8n import file_nodes
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Spec


def _read_pdf(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    notes = [file_nodes.PDF_TEXT_NOTE]
    if p.get("encrypted"):  # pdfpass
        notes += file_nodes.pdf_password_notes(p.get("password"))
    prop = file_nodes._fixed(p.get("binaryPropertyName") or "data", "its input binary field")
    config = {"file": cx.file_ref(node, prop), "format": "pdf"}
    # n8n keeps the item's files beside the PDF's data: files are looked for before it.
    spec = {"data": "", "items": None, "binary_through": True}
    return Converted("utility.extract_file", config, notes=notes, spec=spec)


SPECS: dict[str, Spec] = {f"{BASE}readPDF": Spec(_read_pdf, "")}
