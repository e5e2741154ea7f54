"""`action.agent` in the engine: a durable loop of model turns and tool calls (DESIGN §12).

Every model turn and every tool call is stored as an `AgentEvent` the moment it finishes, in a
transaction of its own. A step run again — after a crash, a retry, or a wake-up — first replays
the events stored for it, rebuilding the conversation without calling anything, and goes on from
where they end: a finished model turn or tool call never runs twice (a tool call interrupted
half-way runs again, with the same idempotency key). The run's first event holds the messages
it starts from (memory included) and the tools it offers, so a resumed run sees the same.

Tool calls that wait hold no worker. An approval-gated call stores its event as `waiting` and the
step waits like a `utility.wait` approval (executions/engine/waiting.py: its resume URLs use the
key `<step key>#approval:<seq>`). A workflow tool starts a called execution through the same
checkpoint as `action.workflow` (executions/engine/calls.py) and the child's end wakes the step.

Budgets: before each model call the agent's own `budget` (this step's spend) and the workflow's
`ai_budget` (the execution's spend, `Execution.ai_tokens` / `ai_cost_usd`, which every turn adds
to in its own transaction) are checked against what is spent plus an estimate of the call's
prompt; a call that would go over is not made and the step fails, naming the budget.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from aiconfig.models import AgentMemory
from aiconfig.prices import estimate_cost
from aiconfig.providers import (
    base_url_for,
    get_provider,
    refuse_key_in_conversation,
    resolve_key,
)
from aiconfig.providers.base import schema_errors
from editor.nodes.action_agent import Config, WorkflowTool
from editor.nodes.base import NodeError, RunContext, Secret
from executions.engine import agent_tools, calls, waiting
from executions.engine.agent_tools import Credentials, Offered, Outcome
from executions.engine.gate import StepValues
from executions.engine.outcomes import Call, StepResult
from executions.models import AgentEvent, Execution, Step
from workfuse.lib import redaction

EV = AgentEvent.Kind
ST = AgentEvent.Status
S = Step.Status
E = Execution.Status
SCHEMA_RETRIES = 2  # more tries for a final answer that does not match output_schema
APPROVAL = waiting.APPROVAL


class AgentStop(NodeError):
    """The agent cannot go on (budget, iterations, answer never matched): not retried."""


# --- vectors ---
# Steps (besides agents) whose output carries `usage` and `cost_usd` of AI calls: checked
# against the run's ai_budget before they run, added to its spend after.
SPENDS_AI = frozenset({"action.ai", "action.vector_store"})
# --- end vectors ---
# --- aimedia ---
SPENDS_AI = SPENDS_AI | {"logic.ai_classify"}
# --- end aimedia ---


def check_run_budget(execution: Execution) -> None:
    """Before an `action.ai` (or vector store) step: stop when the run has spent its workflow's
    ai_budget."""
    budget = execution.workflow.ai_budget or {}
    if not budget:
        return
    tokens, cost = (
        Execution.objects.filter(pk=execution.pk).values_list("ai_tokens", "ai_cost_usd").get()
    )
    for name, limit, spent, unit in (
        ("max_tokens_per_run", budget.get("max_tokens_per_run"), tokens, "tokens"),
        ("max_cost_usd_per_run", budget.get("max_cost_usd_per_run"), cost, "USD"),
    ):
        if limit is not None and float(spent) >= float(limit):
            raise AgentStop(
                f"Budget reached: the workflow's ai_budget {name} is {limit} {unit}; this run "
                f"has spent {spent} {unit} already. The run stopped before this model call."
            )


def add_spend(execution: Execution, output: Any) -> None:
    """An `action.ai` step's usage and cost added to its run's spend (in its checkpoint)."""
    usage = output.get("usage") if isinstance(output, dict) else None
    tokens = int((usage or {}).get("total_tokens") or 0)
    cost = output.get("cost_usd") if isinstance(output, dict) else None
    if tokens or cost:
        Execution.objects.filter(pk=execution.pk).update(
            ai_tokens=F("ai_tokens") + tokens,
            ai_cost_usd=F("ai_cost_usd") + Decimal(str(cost or 0)),
        )


def approval_key(step_key: str, seq: int) -> str:
    """The key an approval's resume URLs are stored under (ResumeToken.key)."""
    return f"{step_key}{APPROVAL}{seq}"


@dataclass
class State:
    """The conversation so far, rebuilt from the stored events and kept up to date live."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    offered: list[Offered] = field(default_factory=list)
    turns: int = 0
    retries: int = 0
    open_calls: list[dict[str, Any]] = field(default_factory=list)  # of the last turn, not done
    final_text: str | None = None  # the last turn answered without tool calls
    feedback: str | None = None  # for the next turn: why the last answer was refused
    waiting: AgentEvent | None = None  # a tool call waiting for a person or a called run
    memory_saved: bool = False
    tokens: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: Decimal | None = Decimal(0)
    model: str = ""
    last_turn_tokens: int = 0
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    next_seq: int = 0


@dataclass
class Waiting:
    """The step waits (an approval, a called run): the StepResult to store."""

    result: StepResult


def run(
    step: Step, execution: Execution, config: Config, secret: Secret | None, ctx: RunContext
) -> dict[str, Any] | StepResult:
    """Run (or go on with) an agent step: its output, or the waiting StepResult."""
    name = config.provider
    api_key, source = resolve_key(name, secret)
    forms = redaction.forms_of(api_key) if source != "none" else set()
    credentials = Credentials(
        execution.workflow.owner_id, str(execution.pk), step.node_id, set(forms)
    )
    agent = Agent(step, execution, config, ctx, credentials, (api_key, source))
    with redaction.registered(forms):
        outcome = agent.go()
    if isinstance(outcome, Waiting):
        return outcome.result
    return redaction.scrub(outcome, credentials.forms)


class Agent:
    def __init__(
        self,
        step: Step,
        execution: Execution,
        config: Config,
        ctx: RunContext,
        credentials: Credentials,
        key: tuple[str, str],
    ):
        self.step, self.execution, self.config, self.ctx = step, execution, config, ctx
        self.credentials = credentials
        self.api_key, self.key_source = key
        self.state = State()
        self.limit = settings.WORKFUSE_AGENT_TOOL_RESULT_CHARS

    # --- the loop --------------------------------------------------------------------------

    def go(self) -> dict[str, Any] | Waiting:
        events = list(
            AgentEvent.objects.filter(execution=self.execution, step_key=self.step.key).order_by(
                "seq"
            )
        )
        if not events or events[0].kind != EV.START:
            events = [self._record_start()]
        for event in events:
            self._absorb(event)
        state = self.state
        while True:
            if state.waiting is not None:
                waited = self._resume(state.waiting)
                if isinstance(waited, Waiting):
                    return waited
                continue
            if state.open_calls:
                waited = self._call_next()
                if isinstance(waited, Waiting):
                    return waited
                continue
            if state.final_text is not None:
                answer = self._accept_answer(state.final_text)
                if answer is not None:
                    return answer
            self._model_turn()

    # --- events ----------------------------------------------------------------------------

    def _record(self, kind: str, data: dict[str, Any], **fields: Any) -> AgentEvent:
        """Store one checkpoint (scrubbed of every secret resolved so far). Another worker
        that stored the same one first wins: its event is used."""
        data = redaction.scrub(data, self.credentials.forms)
        seq = self.state.next_seq
        try:
            with transaction.atomic():
                event = AgentEvent.objects.create(
                    execution=self.execution,
                    step_key=self.step.key,
                    seq=seq,
                    kind=kind,
                    data=data,
                    finished_at=timezone.now() if fields.get("status") != ST.WAITING else None,
                    **fields,
                )
                if kind == EV.TURN:
                    Execution.objects.filter(pk=self.execution.pk).update(
                        ai_tokens=F("ai_tokens") + event.tokens,
                        ai_cost_usd=F("ai_cost_usd") + (event.cost_usd or 0),
                    )
        except IntegrityError:
            event = AgentEvent.objects.get(
                execution=self.execution, step_key=self.step.key, seq=seq
            )
        return event

    def _finish_event(self, event: AgentEvent, outcome: Outcome, **data: Any) -> AgentEvent:
        """A waiting tool call's event, finished in place."""
        event.data = redaction.scrub(
            {**event.data, **data, **_outcome_data(outcome)}, self.credentials.forms
        )
        event.status = ST.FAILED if outcome.error is not None else ST.SUCCEEDED
        event.duration_ms = outcome.duration_ms
        event.finished_at = timezone.now()
        event.save(update_fields=["data", "status", "duration_ms", "finished_at"])
        return event

    def _record_start(self) -> AgentEvent:
        config = self.config
        history = self._remembered()
        messages = [*history, {"role": "user", "content": config.prompt}]
        offered = agent_tools.offer(config, self.execution.workflow.owner_id, self.credentials)
        data = {
            "messages": messages,
            "remembered": len(history),
            "tools": [tool.as_dict() for tool in offered],
        }
        return self._record(EV.START, data)

    def _absorb(self, event: AgentEvent) -> None:
        """Take one stored event into the state (replayed, or just recorded)."""
        state = self.state
        state.next_seq = event.seq + 1
        data = event.data
        if event.kind == EV.START:
            state.messages = list(data["messages"])
            state.offered = [Offered.of(t) for t in data["tools"]]
        elif event.kind == EV.TURN:
            if state.feedback is not None:
                state.messages.append({"role": "user", "content": state.feedback})
                state.feedback = None
                state.retries += 1
            message = data["message"]
            state.messages.append(message)
            state.turns += 1
            usage = data.get("usage") or {}
            state.prompt_tokens += int(usage.get("prompt_tokens") or 0)
            state.completion_tokens += int(usage.get("completion_tokens") or 0)
            state.tokens += event.tokens
            state.last_turn_tokens = event.tokens
            state.cost = (
                None
                if state.cost is None or event.cost_usd is None
                else state.cost + event.cost_usd
            )
            state.model = str(data.get("model") or state.model)
            state.open_calls = list(message.get("tool_calls") or [])
            state.final_text = None if state.open_calls else str(message.get("content") or "")
            if state.open_calls:
                self._check_iterations()
        elif event.kind == EV.TOOL:
            if event.status == ST.WAITING:
                state.waiting = event
                return
            state.waiting = None
            call_id = data.get("call_id")
            state.open_calls = [c for c in state.open_calls if c.get("id") != call_id]
            outcome = Outcome(data.get("result"), data.get("error"), event.duration_ms or 0)
            message = {
                "role": "tool",
                "tool_call_id": call_id,
                "name": event.name,
                "content": outcome.content(self.limit),
            }
            if outcome.error is not None:
                message["is_error"] = True
            state.messages.append(message)
            state.tool_calls.append(
                {
                    "name": event.name,
                    "arguments": data.get("arguments"),
                    "result": outcome.result,
                    "error": outcome.error,
                    "duration_ms": outcome.duration_ms,
                }
            )
        elif event.kind == EV.MEMORY:
            state.memory_saved = True

    # --- model turns -------------------------------------------------------------------------

    def _check_iterations(self) -> None:
        used = self.state.turns - self.state.retries
        if used >= self.config.max_iterations:
            wanted = ", ".join(str(c.get("name")) for c in self.state.open_calls)
            raise AgentStop(
                f"The agent used all its {self.config.max_iterations} iterations (max_iterations) "
                f"and still wanted to call tools ({wanted}) instead of answering. Raise "
                "max_iterations, or make the task or the tools simpler."
            )

    def _model_turn(self) -> None:
        from aiconfig.providers.conversation import Conversation, Tool

        config, state = self.config, self.state
        messages = list(state.messages)
        if state.feedback is not None:
            messages.append({"role": "user", "content": state.feedback})
        self._check_budgets(messages)
        provider = get_provider(
            config.provider,
            api_key=self.api_key,
            base_url=base_url_for(config.provider, config.base_url),
            key_source=self.key_source,
            user_base_url=config.provider == "openai_compatible",
        )
        conversation = Conversation(
            model=config.model.strip(),
            messages=messages,
            system=self._system(),
            tools=tuple(Tool(t.name, t.description, t.parameters) for t in state.offered),
            temperature=config.temperature,
            max_tokens=config.max_tokens,
        )
        refuse_key_in_conversation(self.api_key, conversation)
        on_text = (lambda text: self.ctx.emit({"text": text})) if config.stream else None
        started = time.monotonic()
        turn = provider.converse(conversation, on_text)
        duration = round((time.monotonic() - started) * 1000)
        usage = turn.usage.as_dict()
        cost = self._cost(turn.model, usage)
        event = self._record(
            EV.TURN,
            {
                "message": turn.message,
                "usage": usage,
                "model": turn.model,
                "finish_reason": turn.finish_reason,
                "warnings": turn.warnings,
            },
            tokens=usage["total_tokens"],
            cost_usd=cost,
            duration_ms=duration,
        )
        self._absorb(event)

    def _system(self) -> str:
        system = self.config.system_prompt or ""
        if self.config.output_schema:
            schema = json.dumps(self.config.output_schema)
            system = (
                f"{system}\n\nWhen you give your final answer, answer with JSON only (no prose, no "
                f"code fences) matching this JSON Schema: {schema}"
            ).strip()
        return system

    def _cost(self, model: str, usage: dict[str, int]) -> Decimal | None:
        name = self.config.provider
        if name == "openai_compatible":  # whoever runs that server sets its prices
            return None
        cost = estimate_cost(name, model, usage)
        if cost is None and model != self.config.model:
            cost = estimate_cost(name, self.config.model, usage)
        return None if cost is None else Decimal(str(round(cost, 6)))

    # --- budgets -----------------------------------------------------------------------------

    def _check_budgets(self, messages: list[dict[str, Any]]) -> None:
        """Stop before a call that would take this agent or this run over its budget."""
        state = self.state
        estimate = max(state.last_turn_tokens, len(json.dumps(messages)) // 4)
        estimate_cost_usd = self._cost(
            self.config.model,
            {"prompt_tokens": estimate, "completion_tokens": 0, "total_tokens": estimate},
        )
        node = self.config.budget
        if node is not None:
            self._within(
                "the agent's budget max_tokens",
                node.max_tokens,
                state.tokens,
                estimate,
                tokens=True,
            )
            self._within(
                "the agent's budget max_cost_usd",
                node.max_cost_usd,
                state.cost,
                estimate_cost_usd,
            )
        budget = self.execution.workflow.ai_budget or {}
        if budget:
            spent_tokens, spent_cost = (
                Execution.objects.filter(pk=self.execution.pk)
                .values_list("ai_tokens", "ai_cost_usd")
                .get()
            )
            self._within(
                "the workflow's ai_budget max_tokens_per_run",
                budget.get("max_tokens_per_run"),
                spent_tokens,
                estimate,
                tokens=True,
            )
            self._within(
                "the workflow's ai_budget max_cost_usd_per_run",
                budget.get("max_cost_usd_per_run"),
                spent_cost,
                estimate_cost_usd,
            )

    def _within(
        self,
        name: str,
        limit: Any,
        spent: Any,
        next_call: Any,
        *,
        tokens: bool = False,
    ) -> None:
        if limit is None:
            return
        if not tokens and (spent is None or next_call is None):
            raise AgentStop(
                f"Budget: {name} (${float(limit):.4f}) cannot be kept: no price is known for "
                f"{self.config.provider} model '{self.config.model}'. Use a token budget instead."
            )
        spent_value = float(spent)
        if spent_value + float(next_call) <= float(limit):
            return
        if tokens:
            raise AgentStop(
                f"Budget reached: {name} is {int(limit):,} tokens; this run has used "
                f"{int(spent_value):,} and the next model call needs about {int(next_call):,} "
                "more. The run stopped before making it."
            )
        raise AgentStop(
            f"Budget reached: {name} is ${float(limit):.4f}; this run has spent "
            f"${spent_value:.4f} and the next model call would cost about ${float(next_call):.4f} "
            "more. The run stopped before making it."
        )

    # --- tool calls --------------------------------------------------------------------------

    def _offered(self, name: str) -> Offered | None:
        return next((t for t in self.state.offered if t.name == name), None)

    def _call_next(self) -> Waiting | None:
        call = self.state.open_calls[0]
        name = str(call.get("name") or "")
        given = call.get("arguments")
        arguments: dict[str, Any] = given if isinstance(given, dict) else {}
        offered = self._offered(name)
        problem = self._argument_problem(call, offered)
        data = {"call_id": call.get("id"), "arguments": arguments}
        if problem is not None:
            self._absorb(
                self._record(EV.TOOL, {**data, "error": problem}, name=name, status=ST.FAILED)
            )
            return None
        assert offered is not None
        if agent_tools.needs_approval(self.config, offered):
            seq = self.state.next_seq
            event = self._record(
                EV.TOOL,
                {**data, "approval": approval_key(self.step.key, seq)},
                name=name,
                status=ST.WAITING,
            )
            self._absorb(event)
            return self._wait_for_person(event)
        return self._run_tool(offered, arguments, data, None)

    def _argument_problem(self, call: dict[str, Any], offered: Offered | None) -> str | None:
        name = call.get("name")
        if offered is None:
            names = ", ".join(t.name for t in self.state.offered) or "none"
            return f"There is no tool named '{name}'. The tools are: {names}."
        if call.get("invalid_arguments") is not None:
            return f"The arguments were not valid JSON: {str(call['invalid_arguments'])[:500]}"
        problems = schema_errors(call.get("arguments") or {}, offered.parameters)
        if problems:
            return "The arguments do not match the tool's schema: " + "; ".join(problems[:5])
        return None

    def _run_tool(
        self,
        offered: Offered,
        arguments: dict[str, Any],
        data: dict[str, Any],
        waiting_event: AgentEvent | None,
    ) -> Waiting | None:
        """Call a tool now (a workflow tool: start its run and wait)."""
        tool = self.config.tools[offered.origin]
        if isinstance(tool, WorkflowTool):
            return self._start_workflow(tool, offered, arguments, data, waiting_event)
        seq = waiting_event.seq if waiting_event is not None else self.state.next_seq
        ctx = replace(self.ctx, step_key=f"{self.step.key}[tool:{seq}:{offered.name}]")
        outcome = agent_tools.call(self.config, offered, arguments, ctx, self.credentials)
        if waiting_event is not None:
            event = self._finish_event(waiting_event, outcome)
        else:
            event = self._record(
                EV.TOOL,
                {**data, **_outcome_data(outcome)},
                name=offered.name,
                status=ST.FAILED if outcome.error is not None else ST.SUCCEEDED,
                duration_ms=outcome.duration_ms,
            )
        self._absorb(event)
        return None

    def _start_workflow(
        self,
        tool: WorkflowTool,
        offered: Offered,
        arguments: dict[str, Any],
        data: dict[str, Any],
        waiting_event: AgentEvent | None,
        child_id: uuid.UUID | None = None,
    ) -> Waiting | None:
        try:
            inputs = agent_tools.workflow_inputs(tool, arguments, self.ctx)  # ai3
            call = calls.checked_call(tool.workflow, inputs, self.execution, child_id)
        except NodeError as exc:
            outcome = Outcome(error=exc.message)
            if waiting_event is not None:
                self._absorb(self._finish_event(waiting_event, outcome))
            else:
                self._absorb(
                    self._record(
                        EV.TOOL, {**data, "error": exc.message}, name=offered.name, status=ST.FAILED
                    )
                )
            return None
        if waiting_event is None:
            waiting_event = self._record(
                EV.TOOL, {**data, "child": str(call.child_id)}, name=offered.name, status=ST.WAITING
            )
        elif waiting_event.data.get("child") != str(call.child_id):
            waiting_event.data = {**waiting_event.data, "child": str(call.child_id)}
            waiting_event.save(update_fields=["data"])
        self._absorb(waiting_event)
        return self._wait_for_run(call)

    def _resume(self, event: AgentEvent) -> Waiting | None:
        """A waiting tool call, looked at again: done, or still waiting."""
        data = event.data
        offered = self._offered(event.name)
        assert offered is not None  # it was offered when the call began
        arguments: dict[str, Any] = data.get("arguments") or {}
        if "child" in data:
            return self._child_outcome(event, offered, uuid.UUID(str(data["child"])))
        answer = waiting.recorded(self.execution.pk, str(data.get("approval")))
        if answer is None:
            return self._wait_for_person(event)
        if not answer.get("approved"):
            who = answer.get("by") or "someone"
            outcome = Outcome(error=f"A person ({who}) rejected this call; do not try it again.")
            self._absorb(self._finish_event(event, outcome, answer=answer))
            return None
        event.data = {**data, "answer": answer}
        return self._run_tool(offered, arguments, data, event)

    def _child_outcome(
        self, event: AgentEvent, offered: Offered, child_id: uuid.UUID
    ) -> Waiting | None:
        child = Execution.objects.filter(pk=child_id).first()
        if child is None:  # stored before the checkpoint that starts it: start it now
            tool = self.config.tools[offered.origin]
            assert isinstance(tool, WorkflowTool)
            arguments = event.data.get("arguments") or {}
            return self._start_workflow(tool, offered, arguments, event.data, event, child_id)
        if child.status == E.SUCCEEDED:
            outcome = Outcome(result=child.last_output())
        elif child.status in (E.FAILED, E.CANCELLED):
            outcome = Outcome(error=f"The workflow run {child.status}: {child.error or ''}".strip())
        else:
            return self._wait_for_run(Call(child_id))
        if event.created_at:
            outcome = replace(
                outcome,
                duration_ms=int((timezone.now() - event.created_at).total_seconds() * 1000),
            )
        self._absorb(self._finish_event(event, outcome, execution_id=str(child_id)))
        return None

    # --- waiting -----------------------------------------------------------------------------

    def _waiting_values(self, output: dict[str, Any]) -> StepValues:
        return {
            "status": S.WAITING,
            "lease_expires_at": None,
            # a wake-up is not another attempt: the claim that runs it again adds one back
            "attempt": max(self.step.attempt - 1, 0),
            "output": output,
        }

    def _wait_for_person(self, event: AgentEvent) -> Waiting:
        values = self._waiting_values(
            {
                "waiting_for": "approval",
                "tool": event.name,
                "arguments": event.data.get("arguments"),
                "approval_key": event.data.get("approval"),
            }
        )
        values["wake_at"] = None
        return Waiting(StepResult(self.step, values, advance=False))

    def _wait_for_run(self, call: Call) -> Waiting:
        values = self._waiting_values(
            {"waiting_for": "workflow", "execution_id": str(call.child_id)}
        )
        values["wake_at"] = calls.recheck_at(timezone.now())
        return Waiting(StepResult(self.step, values, advance=False, call=call))

    # --- the answer --------------------------------------------------------------------------

    def _accept_answer(self, text: str) -> dict[str, Any] | None:
        """The step's output for a final answer, or None when it does not match output_schema
        and the model gets another try (the feedback goes with the next turn)."""
        config, state = self.config, self.state
        value: Any = None
        if config.output_schema:
            value, problem = _parsed(text, config.output_schema)
            if problem is not None:
                if state.retries >= SCHEMA_RETRIES:
                    raise AgentStop(
                        f"The agent's answer does not match output_schema after "
                        f"{SCHEMA_RETRIES + 1} tries: {problem}",
                        detail={"response": redaction.truncate(text, 2000)},
                    )
                state.feedback = (
                    f"Your answer was refused: {problem}. Answer again with JSON only, matching "
                    "the JSON Schema you were given."
                )
                state.final_text = None
                return None
        if config.memory != "none" and not state.memory_saved:
            self._remember(text)
        output: dict[str, Any] = {"response": text}
        if config.output_schema:
            output["json"] = value
        output.update(
            {
                "iterations": state.turns,
                "tool_calls": state.tool_calls,
                "usage": {
                    "prompt_tokens": state.prompt_tokens,
                    "completion_tokens": state.completion_tokens,
                    "total_tokens": state.tokens,
                },
                "cost_usd": None if state.cost is None else float(state.cost),
                "model": state.model,
                "provider": config.provider,
            }
        )
        return output

    # --- memory ------------------------------------------------------------------------------

    def _remembered(self) -> list[dict[str, Any]]:
        memory = self.config.memory
        if memory == "none":
            return []
        stored = (
            AgentMemory.objects.filter(
                owner_id=self.execution.workflow.owner_id, session_key=memory.session_key
            )
            .values_list("messages", flat=True)
            .first()
        )
        return _trimmed(list(stored or []), memory.max_messages)

    def _remember(self, answer: str) -> None:
        """Add this exchange to the session's memory, once (with the event that says so)."""
        memory = self.config.memory
        assert memory != "none"
        owner_id = self.execution.workflow.owner_id
        with transaction.atomic():
            AgentMemory.objects.get_or_create(owner_id=owner_id, session_key=memory.session_key)
            row = AgentMemory.objects.select_for_update().get(
                owner_id=owner_id, session_key=memory.session_key
            )
            added = [
                {"role": "user", "content": self.config.prompt},
                {"role": "assistant", "content": answer},
            ]
            row.messages = _trimmed([*(row.messages or []), *added], memory.max_messages)
            row.save(update_fields=["messages", "updated_at"])
            self._absorb(self._record(EV.MEMORY, {"session_key": memory.session_key}))


def _trimmed(messages: list[dict[str, Any]], most: int) -> list[dict[str, Any]]:
    """The last `most` messages, starting with a user message."""
    kept = messages[-most:]
    while kept and kept[0].get("role") != "user":
        kept = kept[1:]
    return kept


def _parsed(text: str, schema: dict[str, Any]) -> tuple[Any, str | None]:
    from aiconfig.providers.base import FENCE

    body = text.strip()
    fenced = FENCE.match(body)
    if fenced:
        body = fenced.group(1).strip()
    try:
        value = json.loads(body)
    except json.JSONDecodeError as exc:
        return None, f"it is not JSON ({exc.msg} at character {exc.pos})"
    problems = schema_errors(value, schema)
    if problems:
        return value, "it does not match the JSON Schema: " + "; ".join(problems[:5])
    return value, None


def _outcome_data(outcome: Outcome) -> dict[str, Any]:
    if outcome.error is not None:
        return {"error": outcome.error}
    return {"result": outcome.result}
