"""Cost of one Prefect task run, to decide the parse fan-out (prints JSON)."""

from __future__ import annotations

import json
import os
import time

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from prefect import flow, task


@task
def noop(i: int) -> int:
    """A task that does nothing."""
    return i


@flow
def many(n: int) -> float:
    """Run `n` trivial tasks one after another; return seconds per task."""
    started = time.perf_counter()
    for i in range(n):
        noop(i)
    return (time.perf_counter() - started) / n


if __name__ == "__main__":
    many(5)  # warm up the temporary server
    print(json.dumps({"prefect_task_overhead_ms": round(many(200) * 1000, 2)}))
