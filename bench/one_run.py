"""One ingest flow run, measured: prints JSON with wall time, stage timings and peak RSS.

Run in its own process by bench/run.py so that peak memory is this run's alone.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path


def main() -> None:
    """`python bench/one_run.py RAW WAREHOUSE BUILD` → JSON on stdout's last line."""
    raw, warehouse, build = (Path(a) for a in sys.argv[1:4])
    os.environ["BUDGETWH_BUILD"] = str(build)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    started = time.perf_counter()
    from flows.ingest import ingest

    result = ingest(raw_dir=raw, warehouse=warehouse)
    wall = time.perf_counter() - started
    print(
        json.dumps(
            {
                "wall_s": round(wall, 2),
                "stages_s": result.timings,
                "loaded": result.loaded,
                "unchanged": result.unchanged,
                "quarantined": len(result.quarantined),
                "facts": result.summary.facts,
                "checks": result.summary.checks,
                "checkpoint_success": result.checkpoint_success,
                # ru_maxrss is in KiB on Linux
                "peak_rss_main_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "peak_rss_workers_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
