"""A log of every run beside the warehouse file, for `budgetwh status`.

A run that fails or is refused publishes nothing, so the warehouse cannot hold its
record; one JSON line per run in `<warehouse>.runs.jsonl` can. Appends of one short
line are atomic on local file systems, so concurrent runs do not interleave.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any


def log_path(warehouse: Path) -> Path:
    """Where the run log of a warehouse lives."""
    return warehouse.with_name(f"{warehouse.name}.runs.jsonl")


def append(warehouse: Path, record: dict[str, Any]) -> None:
    """Add one run's record (outcome, counts, warnings, error) with the time it ended."""
    path = log_path(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"ended_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), **record}, default=str)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(line.replace("\n", " ") + "\n")


def recent(warehouse: Path, n: int = 10) -> list[dict[str, Any]]:
    """The last `n` runs, newest first; a damaged line is skipped, not fatal."""
    path = log_path(warehouse)
    if not path.exists():
        return []
    out: list[dict[str, Any]] = []
    for line in reversed(path.read_text(encoding="utf-8").splitlines()):
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            continue
        if len(out) == n:
            break
    return out
