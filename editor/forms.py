from __future__ import annotations

from typing import Any

from django import forms

from editor.graph import GraphIssue
from editor.models import Workflow
from editor.validation import validate_graph
from workfuse.lib import safe_json

MAX_IMPORT_BYTES = 2 * 1024 * 1024


class WorkflowForm(forms.ModelForm):
    class Meta:
        model = Workflow
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class GraphForm(forms.Form):
    """The graph as JSON text (the canvas editor posts the same shape)."""

    graph = forms.CharField(widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false"}))

    def __init__(self, *args: Any, owner: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.issues: list[GraphIssue] = []

    def clean_graph(self) -> dict[str, Any]:
        graph = parse_json(self.cleaned_data["graph"])
        self.issues = validate_graph(graph, owner=self.owner)
        if self.issues:
            raise forms.ValidationError(
                f"The graph has {len(self.issues)} problem(s); see the list below."
            )
        return graph


class ImportForm(forms.Form):
    file = forms.FileField(required=False, help_text="A .json file exported from WorkFuse.")
    text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="…or paste the JSON here.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload, text = cleaned.get("file"), cleaned.get("text")
        if upload:
            if upload.size > MAX_IMPORT_BYTES:
                raise forms.ValidationError("The file is larger than 2 MB.")
            raw = upload.read().decode("utf-8", errors="replace")
        elif text:
            raw = text
        else:
            raise forms.ValidationError("Choose a file or paste the exported JSON.")
        cleaned["data"] = parse_json(raw)
        return cleaned


def parse_json(text: str) -> Any:
    """JSON from a form field, within the input limits (docs/security.md), or a form error."""
    try:
        return safe_json.loads(text)
    except safe_json.JsonRefused as exc:
        message = f"Not valid JSON: {exc.reason}" if exc.syntax else f"Refused: {exc.message}"
        raise forms.ValidationError(message) from exc
