"""The main job: raw documents → raw DuckDB tables → dbt star schema → GX → publish.

The CLI, the schedule (`flows/serve.py`) and the tests all run this flow.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from prefect import flow, get_run_logger, task

from budgetwh import pipeline, state
from budgetwh.audit import WarehouseSummary, record_checkpoint, summarise
from budgetwh.dbt_build import dbt_build
from budgetwh.settings import load_settings

# Documents per parse batch: one Prefect task per document costs far more than
# parsing it, so parsing fans out over a process pool inside one task
# (docs/decisions.md explains why not Prefect's ProcessPoolTaskRunner).
BATCH_SIZE = 200
WORKERS = 2


@dataclass
class RunResult:
    """What one run did, for the summary the CLI prints."""

    warehouse: Path
    loaded: int
    unchanged: int
    quarantined: list[tuple[str, str]]
    summary: WarehouseSummary
    checkpoint_success: bool
    checkpoint_failures: list[str] = field(default_factory=list)
    data_docs: Path | None = None
    dbt_warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    skipped: list[tuple[str, str]] = field(default_factory=list)


@task
def discover(raw_dir: Path) -> list[Path]:
    """List the source files to ingest."""
    return pipeline.discover(raw_dir)


@task
def parse_and_load(
    paths: list[Path], building: Path, skip_ids: frozenset[str], workers: int, batch_size: int
) -> pipeline.LoadSummary:
    """Parse on `workers` processes and load each batch into the raw schema as it arrives.

    Parsing is pure; the load keeps every document all-or-nothing.
    """
    return pipeline.parse_and_load(paths, building, skip_ids, workers=workers, batch_size=batch_size)


@task
def record_acceptances(building: Path, acceptances: list[tuple[str, str, str | None]]) -> None:
    """Record acceptances (document_id, reason, who) before the marts are built."""
    from budgetwh.accept import record

    record(building, acceptances)


@task
def build_marts(building: Path) -> list[str]:
    """Run dbt build: staging, intermediate, marts and every dbt test."""
    return dbt_build(building)


@task
def checkpoint(building: Path, build_dir: Path):
    """Run the Great Expectations checkpoint over the rule checks; load results back."""
    from expectations.checkpoint import run_checkpoint

    outcome = run_checkpoint(building, build_dir)
    record_checkpoint(building, outcome)
    return outcome


@task
def publish(building: Path, warehouse: Path) -> Path | None:
    """Swap the built warehouse in atomically."""
    aside = pipeline.publish(building, warehouse)
    if aside is not None:
        get_run_logger().warning("a write-ahead log appeared beside %s during the run: moved to %s", warehouse, aside)
    return aside


@flow(name="budgetwh-ingest")
def ingest(
    raw_dir: Path | None = None,
    warehouse: Path | None = None,
    acceptances: list[tuple[str, str, str | None]] | None = None,
    batch_size: int = BATCH_SIZE,
    workers: int = WORKERS,
) -> RunResult:
    """Ingest a folder of documents into a warehouse file and publish it."""
    log = get_run_logger()
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = round(now - clock, 3)
        clock = now

    settings = load_settings(raw_dir, warehouse)
    # One run at a time per warehouse: a second run would delete and re-copy the
    # first one's staging file. The lock dies with its process (kill -9 included).
    with pipeline.run_lock(settings.warehouse):
        stale = pipeline.set_aside_stale_wal(settings.warehouse)
        if stale is not None:
            log.warning(
                "%s.wal was left by another session (opened read-write, not closed): moved to %s, not replayed",
                settings.warehouse,
                stale,
            )
        aside = pipeline.set_aside_if_unreadable(settings.warehouse)
        if aside is not None:
            log.warning(
                "%s was written by a newer DuckDB (storage format) and cannot be opened by DuckDB %s: "
                "moved to %s; rebuilding from the documents (acceptances recorded there must be repeated)",
                settings.warehouse,
                duckdb.__version__,
                aside,
            )
        found = discover(settings.raw_dir)
        prints = {p: pipeline.fingerprint(p) for p in found}  # each file read and hashed once
        paths, copies = pipeline.without_copies(found, settings.raw_dir, prints)
        skipped = pipeline.skipped(settings.raw_dir) + copies
        for name, reason in skipped:
            log.warning("skipped %s: %s", name, reason)
        skip = pipeline.current_ids(settings.warehouse)
        code = state.code_hash()
        changed = pipeline.changed_files(paths, skip, prints)
        log.info("%d files in %s; %d new or changed", len(paths), settings.raw_dir, len(changed))
        if not changed and not acceptances and state.built_with(settings.warehouse) == code:
            # Same bytes, same code: the published marts are already what a rebuild would make.
            log.info("nothing changed; %s is current", settings.warehouse)
            success, docs = state.last_checkpoint(settings.warehouse)
            lap("discover_and_hash")
            return RunResult(
                warehouse=settings.warehouse,
                loaded=0,
                unchanged=len(paths),
                quarantined=[],
                summary=summarise(settings.warehouse),
                checkpoint_success=success,
                data_docs=Path(docs) if docs else None,
                timings=timings,
                skipped=skipped,
            )
        building = pipeline.start_build(settings.warehouse)
        lap("discover_and_copy")
        # Only new or changed files are parsed: the others were just hashed and are current.
        loaded = parse_and_load(changed, building, skip, workers, batch_size)
        lap("parse_and_load")
        timings["load_busy"] = round(loaded.load_seconds, 3)
        for name, error in loaded.quarantined:
            log.warning("quarantined %s: %s", name, error)
        if acceptances:
            record_acceptances(building, acceptances)
        warnings = build_marts(building)
        lap("dbt_build")
        outcome = checkpoint(building, settings.build_dir)
        lap("gx_checkpoint")
        summary = summarise(building)
        state.record_build(building, code)
        publish(building, settings.warehouse)
        lap("publish")
        log.info("published %s", settings.warehouse)
        return RunResult(
            warehouse=settings.warehouse,
            loaded=len(loaded.loaded),
            unchanged=len(paths) - len(changed),
            quarantined=loaded.quarantined,
            summary=summary,
            checkpoint_success=outcome.success,
            checkpoint_failures=outcome.failed_expectations,
            data_docs=outcome.docs_index,
            dbt_warnings=warnings,
            timings=timings,
            skipped=skipped,
        )
