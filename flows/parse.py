"""Parsing fans out over Dask through Prefect: one task per batch of documents.

`parse_and_load` submits one Prefect task per batch to a `DaskTaskRunner`: a local
cluster of worker processes by default, or the Dask scheduler at `BUDGETWH_DASK_ADDRESS`
(the same code on a laptop and on a cluster; docs/operations.md). Workers parse and hand
back columns (`Frames`); this process loads them in order, one transaction per batch, so
the warehouse has a single writer. The cluster starts only when a run has more than one
batch to parse, so a run with nothing changed pays for neither it nor its import.
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.client.orchestration import get_client

from budgetwh import pipeline
from budgetwh.load.frames import Failure, Frames
from budgetwh.progress import Progress

ADDRESS_VAR = "BUDGETWH_DASK_ADDRESS"


# Inputs are 200 paths and the ids to skip: hashing them for a cache key would cost time
# and a parse result must never be reused from a cache anyway (the parser may have changed).
@task(cache_policy=NO_CACHE)
def parse_batch(paths: list[Path], skip_ids: frozenset[str]) -> list[Frames | Failure | str]:
    """Parse one batch on a Dask worker; the loader gets its rows as columns."""
    return pipeline.parse_batch(paths, skip_ids)


def dask_runner(workers: int):  # -> prefect_dask.DaskTaskRunner (imported here: ~1 s, parse runs only)
    """The task runner for parsing: the scheduler at `BUDGETWH_DASK_ADDRESS`, else a local
    cluster of `workers` single-threaded processes (parsing is pure Python: threads would
    share one core).

    Local workers are told this process's Prefect API: without a configured one, each
    worker would start its own temporary server on the same database (measured: 44 s and
    "database is locked"), the reason Prefect's process-pool runner was not used before.
    """
    from prefect_dask import DaskTaskRunner

    address = os.environ.get(ADDRESS_VAR)
    if address:
        return DaskTaskRunner(address=address)
    with get_client(sync_client=True) as client:
        api = str(client.api_url)
    # A local cluster's start and stop log ~70 INFO lines (worker processes read the level
    # from the environment when they start); warnings and errors still show.
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")
    logging.getLogger("distributed").setLevel(logging.WARNING)
    return DaskTaskRunner(
        cluster_kwargs={
            "n_workers": workers,
            "threads_per_worker": 1,
            "processes": True,
            "dashboard_address": None,
            "env": {"PREFECT_API_URL": api},
        }
    )


def parse_and_load(
    paths: list[Path], building: Path, skip_ids: frozenset[str], workers: int, batch_size: int
) -> pipeline.LoadSummary:
    """Parse `paths` in batches on Dask workers and load each batch into the raw schema as it
    comes back. One batch (or fewer files) is parsed in this process: a cluster would cost
    more than it saves.

    The runner is driven from the ingest flow itself rather than through a subflow: a
    subflow's parameters go to the Prefect API whole, and 10,000 paths exceed its 512 KB
    limit (measured); a task run's inputs are not sent.
    """
    pipeline.pause_point("parse")
    runner = dask_runner(workers) if len(paths) > batch_size and workers > 1 else None
    with Progress("files parsed", len(paths), get_run_logger()) as progress, runner or contextlib.nullcontext():
        return pipeline.parse_and_load(
            paths,
            building,
            skip_ids,
            batch_size=batch_size,
            progress=progress.advance,
            submit=None
            if runner is None
            else lambda batch, skip: runner.submit(parse_batch, {"paths": batch, "skip_ids": skip}),
        )
