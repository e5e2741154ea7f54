"""A hint of what to do next, for the most common step errors."""

from __future__ import annotations

HINTS = [
    # --- subflows (first: a called run's error quotes its own step's error) ---
    (
        "The called workflow",
        "Open the called run (linked on this step) to see which of its steps failed; fix it "
        "there, then retry this run to call it again.",
    ),
    (
        "WORKFUSE_MAX_WORKFLOW_DEPTH",
        "A workflow that calls itself, or a chain of calls, needs a condition that stops it: "
        "an If node before the call, say.",
    ),
    # --- end subflows ---
    # --- repeat ---
    (
        "Checking 'until'",
        "The repeat could not check its rules after a round. Open that round's last step (its "
        "key ends in the round's number, e.g. check[2]) to see the output `last` held, then fix "
        "the rule, or use `| default(...)` for a field that is not always there.",
    ),
    # --- end repeat ---
    (
        "is undefined",
        "A template refers to data that is not there. Open the step before it and check the "
        "output's shape, or use `| default(...)` for optional fields.",
    ),
    (
        "Refused to connect",
        "The target is a private or local address. Use a public URL, or set "
        "WORKFUSE_HTTP_ALLOW_PRIVATE=1 if this server may call internal services.",
    ),
    (
        "Timed out",
        "The remote service was too slow. Raise the node's timeout_ms, or check that the service is up.",
    ),
    (
        "HTTP 401",
        "The remote service rejected the credentials. Check or rotate the credential on the "
        "Credentials page.",
    ),
    (
        "HTTP 403",
        "The credentials are valid but not allowed to do this. Check the API key's permissions.",
    ),
    ("HTTP 404", "The URL does not exist on the remote service. Check the URL and any ids in it."),
    (
        "HTTP 4",
        "The remote service refused the request. Check the URL, method and body against its "
        "documentation.",
    ),
    (
        "HTTP 5",
        "The remote service failed. Retries apply; if it keeps failing, check the service's status.",
    ),
    (
        "Credential",
        "Pick a credential you own, of the kind the node needs, on the node's settings.",
    ),
    ("JavaScript", "Fix the code in the Code node; `console.log` output is kept with the step."),
    (
        "above the",
        "The output is too large to keep. Select only the part you need with a Transform node.",
    ),
    (
        "Invalid settings",
        "A template produced a value of the wrong type. Check the field named in the error.",
    ),
]


def hint_for(error: str) -> str:
    for needle, hint in HINTS:
        if needle in (error or ""):
            return hint
    return ""
