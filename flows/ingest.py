"""The main job: raw documents → raw DuckDB tables → dbt star schema → GX → publish.

The CLI, the schedule (`flows/serve.py`) and the tests all run this flow.
"""

import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.context import FlowRunContext, get_run_context

from budgetwh import pipeline, runlog, state
from budgetwh.audit import WarehouseSummary, record_checkpoint, summarise
from budgetwh.dbt_build import dbt_build, dbt_build_sliced
from budgetwh.prewarm import DBT_MODULES, Prewarm
from budgetwh.progress import Progress
from budgetwh.settings import Settings, load_settings, slice_documents
from flows.parse import parse_and_load

# Documents per parse batch: one Prefect task per document would cost far more than
# parsing it, so each task parses a batch (flows/parse.py).
BATCH_SIZE = 200
WORKERS = 2  # local Dask worker processes


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
    published: bool = True  # False when nothing changed and the published file was kept
    removed: int = 0  # documents whose files left the raw folder in this run
    dbt_slices: int = 1  # passes of the incremental models (more than one: a sliced build)


# Files named per reason (skipped) or in all (quarantined) in the summary: a folder of 1,000
# unreadable links printed 1,000 names on one line; `budgetwh status` lists every file.
LISTED = 20
NAMED_PER_REASON = 3


def _grouped_by_reason(files: list[tuple[str, str]]) -> str:
    """`n reason (name, name, name, … and k more)` per reason, the most frequent first."""
    by_reason: dict[str, list[str]] = {}
    for name, reason in files:
        by_reason.setdefault(reason, []).append(name)
    parts = []
    for reason, names in sorted(by_reason.items(), key=lambda item: -len(item[1])):
        more = f", … and {len(names) - NAMED_PER_REASON} more" if len(names) > NAMED_PER_REASON else ""
        parts.append(f"{len(names)} {reason} ({', '.join(names[:NAMED_PER_REASON])}{more})")
    return "; ".join(parts)


def summary_lines(result: RunResult) -> list[str]:
    """The run summary as printed by the CLI and kept as the flow run's Prefect artifact."""
    s = result.summary
    checks = s.checks
    lines = [f"warehouse  {result.warehouse}"]
    lines.append(
        f"documents  {s.documents} ({result.loaded} loaded now, {result.unchanged} unchanged, "
        f"{s.quarantined} quarantined, {s.published} published)"
        + (f"; {s.history} earlier or removed versions kept as history" if s.history else "")
    )
    if result.skipped:
        lines.append(f"skipped    {len(result.skipped)} files not read: " + _grouped_by_reason(result.skipped))
    sliced = f", in {result.dbt_slices} slices" if result.dbt_slices > 1 else ""
    if not result.published:
        lines.append("marts      current: nothing changed, nothing rebuilt")
    elif s.build_kind == "incremental":
        lines.append(f"marts      rebuilt for {s.rebuilt} documents{sliced}: changed, or of the same publisher or path")
    else:
        lines.append(f"marts      rebuilt in full ({s.rebuilt} documents{sliced})")
    lines.append(f"tables     {s.tables}")
    lines.append(f"facts      {s.facts} ({s.published_facts} in published documents)")
    lines.append(
        f"checks     {checks.get('pass', 0)} passed / {checks.get('rounding', 0)} rounding / "
        f"{checks.get('fail', 0)} failed / {checks.get('skipped', 0)} skipped"
    )
    if not result.checkpoint_success:
        gx = "FAILED: " + ", ".join(result.checkpoint_failures)
    elif result.checkpoint_failures:  # warning families: reported, not failing
        gx = "passed with warnings: " + ", ".join(result.checkpoint_failures)
    else:
        gx = "passed"
    lines.append(f"GX         checkpoint {gx}" + (f" · data docs {result.data_docs}" if result.data_docs else ""))
    lines += [f"quarantined  {name}: {error}" for name, error in result.quarantined[:LISTED]]
    if len(result.quarantined) > LISTED:
        lines.append(f"quarantined  … and {len(result.quarantined) - LISTED} more (budgetwh status lists every file)")
    lines += [f"dbt warning  {w}" for w in result.dbt_warnings]
    return lines


def _record(warehouse: Path, started: float, outcome: str, result: RunResult | None = None, error: str = "") -> None:
    """Append the run to the warehouse's run log and, for a finished run, its summary as an artifact."""
    record: dict = {"outcome": outcome, "seconds": round(time.perf_counter() - started, 1)}
    context = get_run_context()
    if isinstance(context, FlowRunContext) and context.flow_run is not None:
        record["flow_run"] = str(context.flow_run.id)
    if result is not None:
        s = result.summary
        record |= {
            "documents": s.documents,
            "loaded": result.loaded,
            "quarantined": [n for n, _ in result.quarantined],
            "removed": result.removed,
            "published": s.published,
            "facts": s.published_facts,
            "checks": s.checks,
            "checkpoint_success": result.checkpoint_success,
            "skipped": len(result.skipped),
            "dbt_warnings": result.dbt_warnings,
        }
        create_markdown_artifact(
            key="budgetwh-run-summary",
            markdown="```\n" + "\n".join(summary_lines(result)) + "\n```",
            description=f"budgetwh run: {outcome}",
        )
    if error:
        record["error"] = error
    runlog.append(warehouse, record)


def _transient_io(task, task_run, state) -> bool:
    """Retry only I/O that can fail for a moment (a network mount, a busy disk); a missing
    file or a refused permission will not mend itself, and a parse, dbt or GX failure is a
    finding, not an accident."""
    exc = state.result(raise_on_failure=False)
    return isinstance(exc, OSError) and not isinstance(exc, FileNotFoundError | PermissionError | IsADirectoryError)


IO_RETRIES = {"retries": 2, "retry_delay_seconds": 5, "retry_condition_fn": _transient_io}


@task(**IO_RETRIES)
def survey(raw_dir: Path) -> list[pipeline.Surveyed]:
    """Every file under the raw folder, with why it is not read when it is not."""
    return pipeline.survey(raw_dir)


@task
def record_inventory(
    building: Path, raw_dir: Path, files: list[pipeline.InventoryRow], present: dict[str, Path | None]
) -> pipeline.InventoryChanges:
    """Record every file seen; mark documents whose files are gone as removed."""
    return pipeline.record_inventory(building, raw_dir, files, present)


@task
def record_acceptances(building: Path, acceptances: list[tuple[str, str, str | None]]) -> None:
    """Record acceptances (document_id, reason, who) before the marts are built."""
    from budgetwh.accept import record

    record(building, acceptances)


# An incremental build of at most this many new, changed or removed documents keeps one DuckDB
# database open for the whole dbt build (dbt_build's `keep_open`): a fixed ~3.5 s saved at
# 10,000 documents, which matters for small reruns only; a large build reopens it per node,
# which gives memory back between its big models.
SMALL_REBUILD = 1000


def rebuild_in_full(rebuilding: int, documents: int) -> bool:
    """Whether an incremental build of `rebuilding` of `documents` documents should rebuild
    everything instead: more than SMALL_REBUILD and more than a quarter of the warehouse.
    Deleting and re-inserting rows grows faster than the rows: at 10,000 documents an
    incremental build of 2,501 re-parsed ones took 139 s and 4.7 GB (the full build: 256 s,
    4.8 GB), of 4,381 took 298 s and 7.5 GB, and of all of them ran out of the 4 GB pool
    (docs/decisions.md, "When an incremental build rebuilds in full")."""
    return rebuilding > SMALL_REBUILD and 4 * rebuilding > documents


@task
def build_marts(building: Path, work_dir: Path, incremental: bool, documents: int) -> tuple[list[str], int]:
    """Run dbt build: staging, intermediate, marts and every dbt test; `incremental`: only the
    documents that changed since the last build by the same code are rebuilt. `documents`: how
    many are rebuilt (all of them in a full build); more than a slice (settings.slice_documents)
    and the incremental models are built one slice of them at a time. Returns dbt's warnings and
    the number of slices (1: one pass)."""
    pipeline.pause_point("dbt")
    log = get_run_logger()
    per_slice = slice_documents()
    with Progress("dbt nodes built or tested", None, log) as progress:
        if documents <= per_slice:
            warnings = dbt_build(
                building,
                on_node=progress.advance,
                work_dir=work_dir / "dbt",
                full_refresh=not incremental,
                keep_open=incremental and documents <= SMALL_REBUILD,
            )
            return warnings, 1
        warnings, slices = dbt_build_sliced(
            building, per_slice, on_node=progress.advance, work_dir=work_dir / "dbt", full_refresh=not incremental
        )
    log.info("dbt built the incremental models in %d slices of at most about %d documents", slices, per_slice)
    return warnings, slices


@task
def checkpoint(building: Path, build_dir: Path):
    """Run the Great Expectations checkpoint over the rule checks; load results back."""
    from expectations.checkpoint import run_checkpoint

    pipeline.pause_point("gx")
    outcome = run_checkpoint(building, build_dir)
    record_checkpoint(building, outcome)
    return outcome


@task(**IO_RETRIES)
def start_build(warehouse: Path) -> Path:
    """Copy the published warehouse to the staging file the run builds in."""
    return pipeline.start_build(warehouse)


@task(**IO_RETRIES)
def publish(building: Path, warehouse: Path) -> Path | None:
    """Swap the built warehouse in atomically."""
    pipeline.pause_point("publish")
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
    full_rebuild: bool = False,
) -> RunResult:
    """Ingest a folder of documents into a warehouse file and publish it.

    Every run, whatever its end (published, current, failed, refused), leaves a line
    in the warehouse's run log for `budgetwh status`. The marts are rebuilt only where
    documents changed, unless the code changed or `full_rebuild` asks for everything.
    """
    settings = load_settings(raw_dir, warehouse)
    started = time.perf_counter()
    try:
        result = _ingest(settings, acceptances or [], batch_size, workers, full_rebuild)
    except pipeline.RunLocked as exc:
        _record(settings.warehouse, started, "refused", error=str(exc))
        raise
    except Exception as exc:
        _record(settings.warehouse, started, "failed", error=f"{type(exc).__name__}: {exc}")
        raise
    _record(settings.warehouse, started, "published" if result.published else "current", result)
    return result


class _Laps:
    """Seconds per stage, for the benchmark."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._clock = time.perf_counter()

    def __call__(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = round(now - self._clock, 3)
        self._clock = now


def _ingest(
    settings: Settings,
    acceptances: list[tuple[str, str, str | None]],
    batch_size: int,
    workers: int,
    full_rebuild: bool = False,
) -> RunResult:
    """The run itself, under the warehouse's run lock."""
    log = get_run_logger()
    lap = _Laps()
    timings = lap.timings
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
        surveyed = survey(settings.raw_dir)  # the folder is walked once per run
        found = pipeline.documents(surveyed)
        prints = {p: pipeline.fingerprint(p) for p in found}  # each file read and hashed once
        paths, copies = pipeline.without_copies(found, settings.raw_dir, prints)
        skipped = pipeline.skipped(settings.raw_dir, surveyed) + copies
        for name, reason in skipped:
            log.warning("skipped %s: %s", name, reason)
        files = pipeline.inventory(settings.raw_dir, surveyed, paths, copies, prints)
        skip = pipeline.current_ids(settings.warehouse)
        code = state.code_hash()
        # The same code built the published marts (and no full rebuild was asked): only what
        # changed needs rebuilding.
        incremental = state.built_with(settings.warehouse) == code and not full_rebuild
        changed = pipeline.changed_files(paths, skip, prints)
        log.info("%d files in %s; %d new or changed", len(paths), settings.raw_dir, len(changed))
        if (
            not changed
            and not acceptances
            and incremental
            and not pipeline.inventory_changed(settings.warehouse, files)
        ):
            # Same files, same bytes, same code: the published marts are what a rebuild would make.
            log.info("nothing changed; %s is current", settings.warehouse)
            success, docs, failures = state.last_checkpoint(settings.warehouse)
            lap("discover_and_hash")
            return RunResult(
                warehouse=settings.warehouse,
                loaded=0,
                unchanged=len(paths),
                quarantined=[],
                summary=summarise(settings.warehouse),
                checkpoint_success=success,
                checkpoint_failures=failures,
                data_docs=Path(docs) if docs else None,
                timings=timings,
                skipped=skipped,
                published=False,
            )
        # A build follows: dbt and GX are imported meanwhile (budgetwh.prewarm).
        warm = Prewarm()
        building = start_build(settings.warehouse)
        lap("discover_and_copy")
        # Only new or changed files are parsed: the others were just hashed and are current.
        loaded = parse_and_load(changed, building, skip, workers, batch_size)
        lap("parse_and_load")
        timings["load_busy"] = round(loaded.load_seconds, 3)
        for name, error in loaded.quarantined:
            log.warning("quarantined %s: %s", name, error)
        inventoried = record_inventory(building, settings.raw_dir, files, pipeline.present_documents(paths, prints))
        removed = inventoried.removed
        if removed:
            log.warning("%d documents no longer in %s: marked removed, kept as history", len(removed), settings.raw_dir)
        if acceptances:
            record_acceptances(building, acceptances)
        # what the build rebuilds: every document in a full build (a code change, --full-rebuild,
        # or much of the warehouse changed: new bytes, removed, moved or touched files)
        rebuilding = len(changed) + len(removed) + len(inventoried.moved_or_touched) if incremental else len(paths)
        in_warehouse = len(paths) + len(removed)
        if incremental and rebuild_in_full(rebuilding, in_warehouse):
            log.info("%d of %d documents to rebuild: rebuilding in full", rebuilding, in_warehouse)
            incremental, rebuilding = False, len(paths)
        warm.wait(*DBT_MODULES)
        warnings, slices = build_marts(building, settings.work_dir, incremental=incremental, documents=rebuilding)
        lap("dbt_build")
        warm.wait()
        outcome = checkpoint(building, settings.work_dir)
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
            removed=len(removed),
            dbt_slices=slices,
        )
