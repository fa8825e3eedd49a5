"""Run `dbt build` (seeds, models, dbt tests) against a warehouse file, in process."""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from budgetwh.settings import REPO_ROOT


class DbtError(RuntimeError):
    """dbt build failed: a model did not build or a dbt test failed."""


@contextmanager
def _warehouse_env(warehouse: Path, keep_open: bool = False):
    """dbt pointed at `warehouse` for the block (profiles.yml reads BUDGETWH_WAREHOUSE and
    BUDGETWH_DBT_KEEP_OPEN); the database closed after it."""
    names = ("BUDGETWH_WAREHOUSE", "BUDGETWH_DBT_KEEP_OPEN")
    previous = {name: os.environ.get(name) for name in names}
    os.environ["BUDGETWH_WAREHOUSE"] = str(warehouse)
    os.environ["BUDGETWH_DBT_KEEP_OPEN"] = "true" if keep_open else "false"
    try:
        yield
    finally:
        _close_dbt_database()
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _close_dbt_database() -> None:
    """Close the DuckDB database dbt-duckdb keeps open between nodes (`keep_open`).

    Left open after the build, this process could not open the file read-only (GX, the
    summary) and a publish could move a file whose last writes are still in its WAL: closing
    checkpoints them. dbt-duckdb has no public call for it (`close_all_connections` forgets
    the database without closing it).
    """
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        env = DuckDBConnectionManager._ENV
        if env is not None:
            env.close()
            DuckDBConnectionManager._ENV = None


def _paths(project_dir: Path, target: Path, logs: Path) -> list[str]:
    """The arguments every dbt command here takes: project, profile, target and log folders, quiet."""
    return [
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir),
        "--target-path",
        str(target),
        "--log-path",
        str(logs),
        "--quiet",
    ]


# What an incremental build (same project as the last build, `full_refresh=False`) runs: the
# models that store rows and every data test over them. Seeds, views and unit tests are the
# code's and unchanged since the build being extended, so rebuilding them re-creates what is
# there (~60 of 280 nodes; a view's column comments alone re-bind it, 2 s for fct_rule_check at
# 10,000 documents). The tests of a view still run, after the tables under it (dbt keeps the
# order across unselected nodes); `cautious` leaves out only the tests of seeds alone.
INCREMENTAL_SELECTION = [
    "--select",
    "config.materialized:table",
    "config.materialized:incremental",
    "test_type:data",
    "--exclude",
    "resource_type:seed",
    "resource_type:unit_test",
    "--indirect-selection",
    "cautious",
]


def dbt_build(
    warehouse: Path,
    project_dir: Path = REPO_ROOT,
    select: str | None = None,
    on_node: Callable[[], None] | None = None,
    work_dir: Path | None = None,
    full_refresh: bool = True,
    keep_open: bool = False,
) -> list[str]:
    """Build the dbt project into `warehouse`; raise `DbtError` naming what failed.

    Returns one line per node that did not pass cleanly (warnings), for the log.
    `on_node` is called as each seed, model or test finishes (progress). dbt's target
    and logs go under `work_dir` (default: the project's own target/ and logs/).
    `full_refresh=False` lets the incremental models rebuild only the documents that
    changed since the warehouse's last build (int_document_changes), and leaves its seeds,
    views and unit tests as that build made them (`INCREMENTAL_SELECTION`); pass it only when
    that build was made by the same dbt project (`state.built_with`), since a changed
    model or seed must rebuild everything built from it.
    `keep_open` keeps one DuckDB database for the whole build instead of one per node: ~3.5 s
    less for an incremental build at 10,000 documents, but a full build then holds memory
    between its big models (the 10,000 fresh build ran out of the pool), so only for small
    rebuilds.
    """
    base = work_dir or project_dir
    target, logs = base / "target", base / "logs"
    from dbt.cli.main import dbtRunner  # heavy import, only when building

    args = ["build", *_paths(project_dir, target, logs)]
    if full_refresh:
        # Seeds are versioned with the code: without a full refresh dbt reuses a
        # seed table's old columns and a new seed column fails the run.
        args.append("--full-refresh")
    if select:
        args += ["--select", select]
    elif not full_refresh:
        args += INCREMENTAL_SELECTION

    with _warehouse_env(warehouse, keep_open):
        return _invoke(dbtRunner(callbacks=[_progress(on_node)]), args, logs)


def _progress(on_node: Callable[[], None] | None) -> Callable[[Any], None]:
    """A dbt event callback calling `on_node` as each seed, model or test finishes."""

    def finished(event: Any) -> None:
        if on_node is not None and event.info.name == "NodeFinished":
            on_node()

    return finished


def _invoke(runner: Any, args: list[str], logs: Path) -> list[str]:
    """Run one dbt command; raise `DbtError` naming what failed, else return the warnings."""
    result = runner.invoke(args)
    if result.exception is not None:
        raise DbtError(f"dbt {args[0]} did not run: {result.exception}") from result.exception
    problems, warnings = [], []
    for node in result.result or []:
        status = str(node.status)
        line = f"{node.node.resource_type} {node.node.name}: {status}" + (f" ({node.message})" if node.message else "")
        if status in {"error", "fail", "runtime error"}:
            problems.append(line)
        elif status == "warn":
            warnings.append(line)
    if problems or not result.success:
        raise DbtError(f"dbt {args[0]} failed:\n" + "\n".join(problems or [f"(see {logs / 'dbt.log'})"]))
    return warnings


def dbt_build_sliced(
    warehouse: Path,
    slice_documents: int,
    project_dir: Path = REPO_ROOT,
    on_node: Callable[[], None] | None = None,
    work_dir: Path | None = None,
    full_refresh: bool = True,
) -> tuple[list[str], int]:
    """Build the project as `dbt_build` does, but its incremental models one slice of at most
    about `slice_documents` rebuilt documents at a time, so memory is bounded by the slice, not
    by the warehouse (issue 10: 100,000 documents in one statement ran out of the pool).

    The phases come from the graph (`build_phases.plan`): the first (seeds, staging,
    int_document_changes …) runs once and says how many documents are rebuilt, hence how many
    slices; each later phase of incremental models runs once per slice (dbt vars `build_slices`,
    `build_slice`; macros/rebuilt.sql), the others once; the dbt tests run last, over every
    rebuilt row. Returns the warnings and the number of slices.
    """
    import duckdb
    from dbt.cli.main import dbtRunner

    from budgetwh.build_phases import nodes_of, plan

    base = work_dir or project_dir
    target, logs = base / "target", base / "logs"
    paths = _paths(project_dir, target, logs)
    refresh = ["--full-refresh"] if full_refresh else []
    warnings: list[str] = []
    with _warehouse_env(warehouse):
        parsed = dbtRunner().invoke(["parse", *paths])
        if parsed.exception is not None or not parsed.success:
            raise DbtError(f"dbt parse failed: {parsed.exception or 'see ' + str(logs / 'dbt.log')}")
        # One parse for every command below: a runner given the manifest does not parse again.
        runner = dbtRunner(manifest=parsed.result, callbacks=[_progress(on_node)])
        phases = plan(nodes_of(parsed.result))
        first, rest = phases[0], phases[1:]
        if "int_document_changes" not in first.names or first.sliced:
            raise DbtError("sliced build: int_document_changes must be built before any incremental model")
        build = ["build", *paths, "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]
        warnings += _invoke(runner, [*build, *refresh, "--select", *first.names], logs)
        _close_dbt_database()
        with duckdb.connect(str(warehouse), read_only=True) as con:
            (rebuilt,) = con.execute("select count(*) from intermediate.int_document_changes").fetchone()
        slices = max(1, -(-rebuilt // max(1, slice_documents)))
        for phase in rest:
            if not phase.sliced:
                warnings += _invoke(runner, [*build, *refresh, "--select", *phase.names], logs)
                continue
            for index in range(slices):
                # Only the first slice recreates a table on a full refresh; the others add to it.
                again = refresh if index == 0 else []
                sliced_vars = f"{{build_slices: {slices}, build_slice: {index}}}"
                warnings += _invoke(runner, [*build, *again, "--vars", sliced_vars, "--select", *phase.names], logs)
        # Unselected, so the on-run-end hook drops relations no model builds any more.
        warnings += _invoke(runner, ["test", *paths], logs)
    return warnings, slices


def dbt_docs(warehouse: Path, out_dir: Path, project_dir: Path = REPO_ROOT) -> Path:
    """Generate dbt's documentation site for `warehouse` as one static HTML file; return its path.

    dbt reads the catalog (columns and types) from the database and opens it read-write, so it
    reads a copy: the published file is never opened for writing.
    """
    import shutil
    import tempfile

    from dbt.cli.main import dbtRunner

    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out_dir) as tmp:
        copy = Path(tmp) / warehouse.name
        shutil.copy2(warehouse, copy)
        args = ["docs", "generate", "--static", *_paths(project_dir, out_dir, out_dir / "logs")]
        with _warehouse_env(copy):
            result = dbtRunner().invoke(args)
    if result.exception is not None or not result.success:
        log = out_dir / "logs" / "dbt.log"
        raise DbtError(f"dbt docs generate failed: {result.exception or f'see {log}'}")
    return out_dir / "static_index.html"
