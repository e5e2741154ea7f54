from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from editor.graph import GraphIssue
from editor.models import Workflow
from editor.validation import validate_graph
from editor.workflow_settings import SettingInvalid, chosen_error_workflow, error_workflow_choices
from workfuse.lib import safe_json
from workfuse.lib.params import MAX_ID

MAX_IMPORT_BYTES = 2 * 1024 * 1024


class WorkflowForm(forms.ModelForm):
    class Meta:
        model = Workflow
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class WorkflowSettingsForm(forms.Form):
    """The workflow page's Settings dialog (editor.workflow_settings checks what it saves)."""

    error_workflow = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        label="Error workflow",
        widget=forms.Select,
        help_text="Started when a run of this workflow fails (after its retries), with what "
        "failed. Only your workflows with an Error trigger are listed.",
    )

    max_cost_usd_per_run = forms.DecimalField(
        required=False,
        min_value=Decimal("0.000001"),
        max_value=1_000_000,
        decimal_places=6,
        label="AI budget per run (USD)",
        help_text="A run whose AI calls (agents and AI prompts) would spend more stops with an "
        "error saying so. Empty: no limit.",
    )
    max_tokens_per_run = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=10**12,
        label="AI tokens per run",
        help_text="The same, counted in tokens. Empty: no limit.",
    )

    def __init__(self, *args: Any, workflow: Workflow, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.workflow = workflow
        self.fields["error_workflow"].initial = workflow.error_workflow_id
        for name in ("max_cost_usd_per_run", "max_tokens_per_run"):
            self.fields[name].initial = (workflow.ai_budget or {}).get(name)
        choices: list[tuple[Any, str]] = [("", "None")]
        choices += [(w.pk, w.name) for w in error_workflow_choices(workflow)]
        current = workflow.error_workflow
        if current is not None and current.pk not in [pk for pk, _ in choices]:
            choices.append((current.pk, f"{current.name} (has no error trigger any more)"))
        self.fields["error_workflow"].widget.choices = choices

    @property
    def has_candidates(self) -> bool:
        """Whether any of the owner's workflows can be chosen (has an error trigger)."""
        return len(self.fields["error_workflow"].widget.choices) > 1

    def clean_error_workflow(self) -> Workflow | None:
        try:
            return chosen_error_workflow(self.workflow, self.cleaned_data["error_workflow"])
        except SettingInvalid as exc:
            raise forms.ValidationError(exc.message) from exc

    def ai_budget(self) -> dict[str, Any]:
        cost = self.cleaned_data.get("max_cost_usd_per_run")
        return {
            "max_cost_usd_per_run": float(cost) if cost is not None else None,
            "max_tokens_per_run": self.cleaned_data.get("max_tokens_per_run"),
        }


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
