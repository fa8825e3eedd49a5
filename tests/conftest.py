"""Shared fixtures: the sample documents and one real flow run over them."""

from __future__ import annotations

import os
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from budgetwh.dbt_build import dbt_build

REPO_ROOT = Path(__file__).resolve().parents[1]
RAW = REPO_ROOT / "raw"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE_000 = RAW / "000_e4a04ce1a9052b5d.txt"
SAMPLE_001 = RAW / "001_3c6e109f9b0f145a.txt"
SAMPLE_002 = RAW / "002_008befaf5c3092e7.txt"
SAMPLE_004 = RAW / "004_c475e0477e87c15d.txt"

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect API for the whole session (starting one costs seconds)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        yield


@dataclass
class Run:
    """A flow run over a raw folder into a warehouse file."""

    raw: Path
    warehouse: Path
    build: Path
    result: object

    def sql(self, query: str, params: list | None = None) -> list[tuple]:
        """Query the published warehouse read-only."""
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return con.execute(query, params or []).fetchall()


def run_flow(raw: Path, warehouse: Path, build: Path, **kwargs) -> Run:
    """Run the ingest flow with the build folder redirected."""
    from flows.ingest import ingest

    os.environ["BUDGETWH_BUILD"] = str(build)
    try:
        result = ingest(raw_dir=raw, warehouse=warehouse, **kwargs)
    finally:
        os.environ.pop("BUDGETWH_BUILD", None)
    return Run(raw, warehouse, build, result)


@pytest.fixture(scope="session")
def samples_run(prefect_harness, tmp_path_factory) -> Run:
    """The flow over a copy of raw/ (the four samples), as `make run` does it."""
    base = tmp_path_factory.mktemp("samples")
    raw = base / "raw"
    shutil.copytree(RAW, raw)
    return run_flow(raw, base / "warehouse" / "budget.duckdb", base / "build")


def tables_differing(warehouse: Path, work: Path) -> dict[str, tuple[int, int]]:
    """Rebuild a copy of `warehouse` in full and compare every stored model: name → (rows only
    in the incremental build, rows only in the full rebuild), for the tables that differ.

    Views are left out: they are the same SQL over these tables. int_document_changes says
    what a build rebuilt, so it differs by design."""
    full = work / "full" / warehouse.name  # the same file name: views name their catalog
    full.parent.mkdir(parents=True)
    shutil.copy(warehouse, full)
    dbt_build(full, work_dir=work / "dbt", full_refresh=True)
    differing = {}
    with duckdb.connect(str(full), read_only=True) as con:
        con.execute(f"attach '{warehouse}' as incremental (read_only)")
        tables = con.execute(
            """select schema_name, table_name from duckdb_tables()
               where database_name = current_database() and schema_name in ('intermediate', 'marts')
                 and table_name != 'int_document_changes'"""
        ).fetchall()
        assert len(tables) > 20
        for schema, name in tables:
            mine, theirs = f"incremental.{schema}.{name}", f"{schema}.{name}"
            only_incremental = con.execute(f"select count(*) from (from {mine} except all from {theirs})").fetchone()
            only_full = con.execute(f"select count(*) from (from {theirs} except all from {mine})").fetchone()
            if only_incremental[0] or only_full[0]:
                differing[f"{schema}.{name}"] = (only_incremental[0], only_full[0])
    return differing


def table_facts(parsed) -> Counter[tuple]:
    """A parsed document's table cells as comparable facts: table, scope, side, label, code, measure, text."""
    return Counter(
        (t.definition.code, t.scope, line.side, line.label, line.subject_code, c.column.measure, c.text)
        for t in parsed.tables
        for line in t.lines
        for c in line.cells
    )


# Files whose tests run longest (real processes, a real Prefect server): collected first, so
# that under `pytest -n 2 --dist loadfile --no-loadscope-reorder` (make test) one worker starts
# on them while the other takes everything else, instead of both waiting on them at the end.
# (Without --no-loadscope-reorder xdist sends the files with most tests first, and this file,
# with three long tests, last.)
LONGEST_FIRST = ("tests/test_processes.py",)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Put the longest-running files first; the order within a file is kept."""
    items.sort(key=lambda item: not item.nodeid.startswith(LONGEST_FIRST))
