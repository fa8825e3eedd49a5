"""The schedule: serve the ingest flow as a deployment that runs nightly.

Needs a Prefect API (`prefect server start`, then PREFECT_API_URL set); the flow
itself is the same one `budgetwh run` executes.

    python -m flows.serve --cron "0 2 * * *" --raw /data/budgets --warehouse /srv/budget.duckdb
"""

from __future__ import annotations

import argparse
from pathlib import Path

from flows.ingest import ingest


def main(argv: list[str] | None = None) -> None:
    """Serve the ingest flow on a cron schedule until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cron", default="0 2 * * *")
    parser.add_argument("--raw", type=Path, default=None)
    parser.add_argument("--warehouse", type=Path, default=None)
    args = parser.parse_args(argv)
    params = {"raw_dir": args.raw, "warehouse": args.warehouse}
    ingest.serve(name="budgetwh-nightly", cron=args.cron, parameters={k: v for k, v in params.items() if v})


if __name__ == "__main__":
    main()
