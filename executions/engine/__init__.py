"""The durable engine (DESIGN §6): what other code calls, re-exported from the engine's modules.

| module | holds |
|---|---|
| `gate` | the one gate every change of a step's status goes through, announced after commit |
| `starting` | starting an execution (`start_execution`) |
| `rounds` | a task's work: claim steps (and a backlog), run them, commit results alone or in rounds |
| `running` | running a claimed step's node (node code runs in `running.call_node` only) |
| `outcomes` | what a run came to: a `StepResult` and its values (succeeded, failed, retry) |
| `repeats` | a repeat's round checked: `until` on its outputs, then done, exhausted or again |
| `advance` | the state machine's decisions applied, executions finished and admitted, dispatch |
| `control` | pause, resume, cancel, retry, replay, rerun from a node |
| `sweeps` | due timers and expired leases (every second), recovery after a restart |
| `leases` | who holds a running step, and the keeper that renews leases |
| `wakes` | a waiting step woken from outside (a resume URL, a called workflow's end) |
| `calls` | a step that calls a workflow: the call checked and prepared, the child's end read |
| `error_workflows` | a failed run's error workflow started, exactly once (`report_failure`) |
| `waiting` | `utility.wait`: its resume URLs, its run, and accepting a resume |
| `own_workflows` | `app.workfuse`: a step acting on its owner's own workflows and executions |

docs/engine.md tells the whole story.
"""

from executions.engine.control import (
    IllegalTransition,
    cancel,
    pause,
    replay,
    rerun_from,
    resume,
    retry,
)
from executions.engine.error_workflows import report_failure
from executions.engine.leases import LEASES, LeaseKeeper, worker_id
from executions.engine.outcomes import retry_delay
from executions.engine.rounds import (
    claim,
    claim_batch,
    give_back,
    run_chain,
    run_claimed,
    run_round,
    run_step,
)
from executions.engine.starting import (
    ExecutionRefused,
    _valid_versions,
    _versions,
    start_claimed,
    start_execution,
)
from executions.engine.sweeps import recover_after_restart, sweep
from executions.engine.wakes import wake

__all__ = [
    "LEASES",
    "ExecutionRefused",
    "IllegalTransition",
    "LeaseKeeper",
    "_valid_versions",
    "_versions",
    "cancel",
    "claim",
    "claim_batch",
    "give_back",
    "pause",
    "recover_after_restart",
    "replay",
    "report_failure",
    "rerun_from",
    "resume",
    "retry",
    "retry_delay",
    "run_chain",
    "run_claimed",
    "run_round",
    "run_step",
    "start_claimed",
    "start_execution",
    "sweep",
    "wake",
    "worker_id",
]
