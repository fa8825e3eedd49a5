"""The schedule: serve the ingest flow as a deployment that runs on a cron or an interval.

Needs a Prefect server (`prefect server start`) and PREFECT_API_URL pointing at it;
the temporary server a one-off `budgetwh run` starts cannot hold schedules. The flow
is the same one `budgetwh run` executes. docs/operations.md has the whole setup.

    budgetwh serve --cron "0 2 * * *" --raw /data/budgets --warehouse /srv/budget.duckdb
"""

from __future__ import annotations

import os
from pathlib import Path

from flows.ingest import ingest

DEPLOYMENT = "budgetwh-nightly"


class NoPrefectServer(RuntimeError):
    """Schedules need a Prefect server; none is configured."""


def serve(
    cron: str | None = "0 2 * * *",
    interval: int | None = None,
    raw_dir: Path | None = None,
    warehouse: Path | None = None,
) -> None:
    """Register the deployment and run its scheduled flow runs until interrupted."""
    if not os.environ.get("PREFECT_API_URL"):
        from prefect.settings import PREFECT_API_URL

        if not PREFECT_API_URL.value():
            raise NoPrefectServer(
                "schedules need a Prefect server: start one with `prefect server start` "
                "and set PREFECT_API_URL=http://127.0.0.1:4200/api (docs/operations.md)"
            )
    params = {"raw_dir": str(raw_dir) if raw_dir else None, "warehouse": str(warehouse) if warehouse else None}
    schedule = {"interval": interval} if interval else {"cron": cron}
    # paused=False: stopping `serve` pauses the schedule (Prefect's default), and a restart
    # must resume it. No deployment concurrency limit: a crashed run can leak its slot and
    # hold every later run back; a run due while another builds the same warehouse is
    # refused by the run lock instead, recorded as `refused` in the run log.
    ingest.serve(name=DEPLOYMENT, parameters={k: v for k, v in params.items() if v}, paused=False, **schedule)


if __name__ == "__main__":
    from budgetwh.cli import main

    raise SystemExit(main(["serve", *__import__("sys").argv[1:]]))
