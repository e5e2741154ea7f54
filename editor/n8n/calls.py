"""The workflows an imported Execute Workflow node may call: those imported with it as a set,
and those of the same owner imported from n8n before.

n8n names the workflow to call by its n8n id; WorkFuse by its own. A set of exports imported
together (`editor.n8n.sets`) gets WorkFuse ids before conversion, and each export is converted
knowing them (`Converter.calls`). A workflow imported from n8n keeps its export's n8n id
(`Workflow.n8n_import["source"]`), so a later import calling that id calls it. An export calling
neither has its Execute Workflow nodes refused with the n8n id they call, unless it holds an
Execute Workflow Trigger of its own (`CallTargets.stand_in`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

CALLED_TRIGGER = "n8n-nodes-base.executeWorkflowTrigger"


@dataclass(frozen=True)
class Callee:
    """A workflow of the set, as its callers need to know it."""

    id: int
    name: str
    # The inputs it takes, by name: its declared inputs, or the fields of `trigger` its nodes
    # read when it takes whatever it is given (n8n "Accept all data"); None when its nodes read
    # the call whole (a Code node reading its input), which names no fields.
    fields: tuple[str, ...] | None = ()
    # Where, in the output of its last node, n8n's item json lies ("result" after a Set, "body"
    # after an HTTP Request; "" for the output itself), and the n8n fields named differently.
    output: str = ""
    aliases: tuple[tuple[str, str], ...] = ()


@dataclass
class CallTargets:
    """The callees one export of a set may name: itself (`$workflow.id`) and the others."""

    own: Callee | None = None
    by_id: dict[str, Callee] = field(default_factory=dict)
    by_name: dict[str, Callee] = field(default_factory=dict)
    # A first conversion that only learns what each workflow reads: calls whose inputs cannot
    # be listed yet pass none instead of being refused.
    probing: bool = False
    # A workflow of the same owner imported from n8n before, by its n8n id (`editor.transfer`).
    earlier: Callable[[str], Callee | None] | None = None

    def find(self, n8n_id: str, name: str) -> Callee | None:
        """The callee an n8n id names, or (for an export without ids) the one with that name;
        else the workflow imported earlier from the export with that n8n id."""
        if n8n_id and n8n_id in self.by_id:
            return self.by_id[n8n_id]
        if name and name in self.by_name:
            return self.by_name[name]
        return self.earlier(n8n_id) if n8n_id and self.earlier is not None else None

    def stand_in(self, data: dict[str, Any], wanted: str, name: str) -> tuple[Callee, str] | None:
        """This workflow, with the note saying so, for a call to an n8n workflow found nowhere
        when the export holds an Execute Workflow Trigger: a template carrying its tools' (or
        its calls') workflow beside the agent, exported without the id it had in its author's
        n8n (where the call named that id), so n8n itself calls nothing until the user picks
        the workflow again, and the only workflow the export gives to pick is its own."""
        if self.own is None:
            return None
        triggers = [
            str(n.get("name") or "")
            for n in data.get("nodes") or []
            if isinstance(n, dict) and n.get("type") == CALLED_TRIGGER and not n.get("disabled")
        ]
        if not triggers:
            return None
        called = f"'{name}' (n8n id {wanted})" if name and wanted else f"'{name or wanted}'"
        note = (
            f"It called the n8n workflow {called}, which is not imported; this export holds the "
            f"Execute Workflow Trigger '{triggers[0]}', so it calls this same workflow, from "
            "that trigger (a template carrying the workflow it calls, exported without its "
            "id). If it meant another workflow, import that one and pick it here."
        )
        return self.own, note
