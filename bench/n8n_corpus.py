"""Rebuild the n8n import corpus (docs/n8n-import.md) from two public repositories' snapshots.

    python bench/n8n_corpus.py AWESOME_GIT WESLEY_GIT OUT_DIR

AWESOME_GIT and WESLEY_GIT are git directories of `enescingoz/awesome-n8n-templates` and
`wesleyleandro7g/n8n-workflows` (bare or not; HEAD is read). OUT_DIR gets `awesome/` (every
export of 3 to 40 nodes, sticky notes not counted) and `wesley/` (150 drawn with seed 20261206
from that repository's `workflows_backup/` exports of the same size whose connections name
their nodes, without the ones that repeat an awesome export). The exports are their authors': the corpus is built
where it is measured, never committed.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

STICKY = "n8n-nodes-base.stickyNote"
SEED = 20261206
DRAWN = 150


def exports(git_dir: str, under: str = "") -> dict[str, dict[str, Any]]:
    """Every n8n export in the HEAD tree of a repository, by path."""
    names = subprocess.run(
        ["git", "--git-dir", git_dir, "ls-tree", "-r", "--name-only", "HEAD", "--", under or "."],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    found: dict[str, dict[str, Any]] = {}
    for name in names:
        if not name.endswith(".json"):
            continue
        raw = subprocess.run(
            ["git", "--git-dir", git_dir, "show", f"HEAD:{name}"], capture_output=True
        ).stdout
        try:
            doc = json.loads(raw)
        except ValueError:
            continue
        if isinstance(doc, dict) and isinstance(doc.get("nodes"), list) and "connections" in doc:
            found[name] = doc
    return found


def working_nodes(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [n for n in doc["nodes"] if isinstance(n, dict) and n.get("type") != STICKY]


def sized(doc: dict[str, Any]) -> bool:
    return 3 <= len(working_nodes(doc)) <= 40


def connections_intact(doc: dict[str, Any]) -> bool:
    """The export has connections, and every one's source and target is a node of the export
    (by name, as n8n keys them)."""
    names = {n.get("name") for n in doc["nodes"] if isinstance(n, dict)}
    connections = doc.get("connections") or {}
    if not isinstance(connections, dict) or not connections:
        return False
    for source, outputs in connections.items():
        if source not in names:
            return False
        for kind in (outputs or {}).values():
            for targets in kind or []:
                for target in targets or []:
                    if isinstance(target, dict) and target.get("node") not in names:
                        return False
    return True


def signature(doc: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((str(n.get("type")), str(n.get("name"))) for n in working_nodes(doc)))


def main(awesome_git: str, wesley_git: str, out: str) -> None:
    out_dir = Path(out)
    awesome = {p: d for p, d in exports(awesome_git).items() if sized(d)}
    seen = {signature(d) for d in awesome.values()}
    # `workflows/` holds the collection rewritten (connections emptied, an "Error Handler" node
    # added); `workflows_backup/` holds the exports as their authors made them.
    wesley_all = exports(wesley_git, "workflows_backup")
    candidates = sorted(
        p
        for p, d in wesley_all.items()
        if sized(d) and connections_intact(d) and signature(d) not in seen
    )
    # One export per signature: the collection holds some workflows twice under two names.
    unique: dict[tuple[tuple[str, str], ...], str] = {}
    for path in candidates:
        unique.setdefault(signature(wesley_all[path]), path)
    drawn = random.Random(SEED).sample(sorted(unique.values()), DRAWN)
    for folder, chosen in (("awesome", awesome), ("wesley", {p: wesley_all[p] for p in drawn})):
        target = out_dir / folder
        target.mkdir(parents=True, exist_ok=True)
        for path, doc in chosen.items():
            (target / path.replace("/", "__")).write_text(json.dumps(doc))
    print(f"awesome: {len(awesome)}; wesley: {len(drawn)} of {len(unique)} candidates")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
