"""The engine's decisions as a pure function of state (no I/O, no Celery).

Given a compiled plan and the execution's steps, `decide` says which steps to create (ready to
run, or skipped), how many items each loop (rounds each repeat) should have started, which loops
are finished, which repeats finished a round (the engine checks their `until`: that needs
outputs), and whether the execution is over. The engine applies the decisions inside a
transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from executions.plan import Plan, Scope, parse_key

FINISHED = frozenset({"succeeded", "failed", "skipped", "cancelled"})


@dataclass(frozen=True)
class StepState:
    key: str
    node_id: str
    status: str
    handles: tuple[str, ...] = ()
    error_handled: bool = False
    # Loops: the number of items, once the loop step has run. Repeats: the rounds the engine
    # has let start so far (1 once the repeat step has run, one more after each round whose
    # check said "again"). `items_started`: the items (rounds) started.
    items_total: int | None = None
    items_started: int = 0
    timer: bool = False  # waiting for its `wake_at` (a retry, a delay, a repeat between rounds)

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def unhandled_failure(self) -> bool:
        return self.status == "failed" and not self.error_handled


@dataclass
class Decisions:
    create: dict[str, tuple[str, str]] = field(
        default_factory=dict
    )  # key -> (node_id, "pending"|"skipped")
    items_started: dict[str, int] = field(default_factory=dict)  # loop step key -> items started
    finish_loops: list[str] = field(default_factory=list)
    # Repeat step keys whose latest round has finished and whose next round is not let start:
    # the engine checks `until` on the round's outputs, then finishes the repeat or lets the
    # next round start (at once, or when its delay is over).
    end_rounds: list[str] = field(default_factory=list)
    outcome: str | None = None  # "succeeded" | "failed" once the execution is over

    @property
    def empty(self) -> bool:
        return not (
            self.create
            or self.items_started
            or self.finish_loops
            or self.end_rounds
            or self.outcome
        )


def decide(plan: Plan, steps: dict[str, StepState]) -> Decisions:
    """Everything that can happen now. Repeats until nothing changes, so a chain of skips or
    the items a loop starts are all decided in one call."""
    state = dict(steps)
    decisions = Decisions()
    if any(s.unhandled_failure for s in state.values()):
        decisions.outcome = "failed"
        return decisions
    while True:
        changed = False
        for node_id in plan.order:
            for scope in _scopes(plan, node_id, state):
                key = plan.key(node_id, scope)
                if key in state:
                    continue
                verdict = _readiness(plan, node_id, scope, state)
                if verdict is None:
                    continue
                decisions.create[key] = (node_id, verdict)
                state[key] = StepState(key=key, node_id=node_id, status=verdict)
                changed = True
            if plan.nodes[node_id].type == "logic.loop":
                changed |= _progress_loops(plan, node_id, state, decisions)
            elif plan.nodes[node_id].type == "logic.repeat":
                changed |= _progress_repeats(plan, node_id, state, decisions)
        if not changed:
            break
    if all(s.finished for s in state.values()) and plan.trigger in state:
        decisions.outcome = "succeeded"
    return decisions


def sole_successor(plan: Plan, step: StepState) -> str | None:
    """The one decision that follows from a finished step, when it can be known without reading
    the other steps: its node's only edge fired into a node that has no other input (and no
    loop is involved), so exactly that node becomes ready and nothing else changes. This is
    `decide`'s answer in that case (property-tested), at the cost of a dict lookup."""
    link = plan.chained.get(step.node_id)
    if link is None or not step.finished or step.unhandled_failure:
        return None
    target, handle = link
    return target if handle in step.handles else None


def _scopes(plan: Plan, node_id: str, state: dict[str, StepState]) -> list[Scope]:
    """The scopes a node can run in, given the items (rounds) the enclosing loops (repeats)
    have started."""
    scopes: list[Scope] = [()]
    for loop in plan.nodes[node_id].loops:
        expanded: list[Scope] = []
        for scope in scopes:
            loop_step = state.get(plan.key(loop, scope))
            if loop_step is not None:
                expanded.extend((*scope, i) for i in range(loop_step.items_started))
        scopes = expanded
    return scopes


def _readiness(plan: Plan, node_id: str, scope: Scope, state: dict[str, StepState]) -> str | None:
    """'pending' to run, 'skipped', or None while an input is undecided."""
    incoming = plan.incoming.get(node_id, ())
    if not incoming:
        return "pending" if node_id == plan.trigger else "skipped"
    active = False
    for source, handle in incoming:
        source_step = state.get(plan.key(source, scope))
        if source_step is None:
            return None
        edge = _edge_state(plan, source_step, handle, scope)
        if edge is None:
            return None
        active |= edge
    if plan.nodes[node_id].disabled or not active:
        return "skipped"
    return "pending"


def _edge_state(plan: Plan, source: StepState, handle: str, scope: Scope) -> bool | None:
    """True if the edge fired, False if it never will, None if not decided yet."""
    if handle == plan.nodes[source.node_id].node_type.body_handle:
        # A body runs once its loop (repeat) has started it: fired for every item (round).
        if source.status == "skipped":
            return False
        return True if source.items_total is not None else None
    if not source.finished:
        return None
    return handle in source.handles


def _progress_loops(
    plan: Plan, loop_id: str, state: dict[str, StepState], decisions: Decisions
) -> bool:
    changed = False
    for key, step in list(state.items()):
        if step.node_id != loop_id or step.items_total is None or step.finished:
            continue
        body = plan.body.get(loop_id, frozenset())
        loop_scope = parse_key(key)[1]
        done_items = in_flight = 0
        for i in range(step.items_started):
            if _run_finished(plan, body, loop_scope, i, state):
                done_items += 1
            else:
                in_flight += 1
        limit = plan.concurrency(loop_id)
        started = step.items_started
        while started < step.items_total and in_flight < limit:
            started += 1
            in_flight += 1
        if started != step.items_started:
            decisions.items_started[key] = started
            state[key] = replace(step, items_started=started)
            changed = True
        elif done_items == step.items_total:
            decisions.finish_loops.append(key)
            state[key] = replace(step, status="succeeded", handles=("done",))
            changed = True
    return changed


def _progress_repeats(
    plan: Plan, repeat_id: str, state: dict[str, StepState], decisions: Decisions
) -> bool:
    """A repeat runs its body one round at a time: round i starts once the engine has let it
    (`items_total` > i) and round i-1 has finished. A finished round with no next one let
    start goes to the engine (`end_rounds`). A repeat waiting for its delay between rounds
    (`timer`) has nothing to decide: the sweep wakes it."""
    changed = False
    body = plan.body.get(repeat_id, frozenset())
    for key, step in list(state.items()):
        # Only a waiting repeat moves on: one pending or running is letting its next round
        # start (or is run again by a retry).
        allowed = step.items_total
        if step.node_id != repeat_id or step.status != "waiting" or step.timer or allowed is None:
            continue
        started = step.items_started
        if started and not _run_finished(plan, body, parse_key(key)[1], started - 1, state):
            continue
        if started < allowed:
            decisions.items_started[key] = started + 1
            state[key] = replace(step, items_started=started + 1)
            changed = True
        elif started and key not in decisions.end_rounds:
            decisions.end_rounds.append(key)
    return changed


def _run_finished(
    plan: Plan, body: frozenset[str], scope: Scope, index: int, state: dict[str, StepState]
) -> bool:
    """Whether every step of one item (round) of a body has finished."""
    keys = {_body_key(plan, member, scope, index) for member in body}
    return all(k in state and state[k].finished for k in keys)


def _body_key(plan: Plan, member: str, loop_scope: Scope, index: int) -> str:
    """Key of a body node for one item of a loop. A node of a nested loop's body stands for
    that nested loop's step, which finishes only once its own body has."""
    scope = (*loop_scope, index)
    node = plan.nodes[member]
    if node.depth > len(scope):
        member = node.loops[len(scope)]
    return plan.key(member, scope)
