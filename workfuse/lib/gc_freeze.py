"""Keep the objects a server process starts with out of Python's garbage collections.

A web process holds about 240,000 objects once Django, the node types and the integrations are
loaded, and a full (generation 2) collection walks all of them: about 125 ms on this machine,
during which the process answers nothing. Under load those pauses came every few seconds and
set a synchronous webhook's tail (docs/performance.md, tenth session). Objects made at start are
modules, classes, settings and compiled regexes that live as long as the process, so they are
moved to the permanent generation (`gc.freeze`) once loaded; what requests make is still
collected as before.
"""

from __future__ import annotations

import gc


def freeze_loaded() -> None:
    """Collect what start-up left as garbage, then exempt every surviving object from later
    collections. Call once a process has loaded what it serves with (after a fork, in the
    child: a frozen parent's objects stay frozen in it, and its own start-up is then frozen)."""
    gc.collect()
    gc.freeze()
