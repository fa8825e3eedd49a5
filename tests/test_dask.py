"""Parsing on Dask through Prefect (issue 10): a local cluster by default, any scheduler by
address, and the same warehouse as parsing in one process."""

from __future__ import annotations

import shutil
from pathlib import Path

import distributed
import pytest
from prefect.client.orchestration import get_client

from budgetwh import pipeline
from flows.parse import ADDRESS_VAR
from tests.conftest import RAW, Run, run_flow

# Rows that do not depend on where a file was read from (paths differ between runs).
COMPARED = {
    "raw.budget_cell": "select * from raw.budget_cell",
    "raw.budget_table": "select * from raw.budget_table",
    "raw.narrative_figure": "select * from raw.narrative_figure",
    "raw.parse_finding": "select * from raw.parse_finding",
    "raw.source_document": "select document_id, status, table_count, cell_count, figure_count, error"
    " from raw.source_document",
    "marts.fct_rule_check": "select * from marts.fct_rule_check",
}


def _rows(run: Run) -> dict[str, list[tuple]]:
    return {name: sorted(run.sql(query), key=repr) for name, query in COMPARED.items()}


def _in_process_parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count batches parsed in this process: Dask workers are other processes."""
    calls: list[int] = []
    original = pipeline.parse_batch

    def counting(paths, skip_ids=frozenset()):
        calls.append(len(paths))
        return original(paths, skip_ids)

    monkeypatch.setattr(pipeline, "parse_batch", counting)
    return calls


def _copy_raw(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    return raw


def test_parsing_fans_out_on_a_local_dask_cluster(
    prefect_harness, samples_run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches of 2 over the 8 samples: 4 Prefect tasks on a local cluster this run starts,
    none parsed here, and every raw row and rule check as when one process parses them all."""
    monkeypatch.delenv(ADDRESS_VAR, raising=False)
    started: list[int] = []
    original_init = distributed.LocalCluster.__init__

    def recording_init(self, *args, **kwargs):
        started.append(kwargs.get("n_workers"))
        original_init(self, *args, **kwargs)

    monkeypatch.setattr(distributed.LocalCluster, "__init__", recording_init)
    here = _in_process_parses(monkeypatch)

    run = run_flow(_copy_raw(tmp_path), tmp_path / "wh" / "budget.duckdb", tmp_path / "build", batch_size=2)

    assert started == [2], "the run starts one local cluster of 2 worker processes"
    assert here == [], "no batch is parsed in the flow's own process"
    assert run.result.loaded == 8
    assert _rows(run) == _rows(samples_run)


def test_parsing_uses_the_dask_scheduler_at_the_configured_address(
    prefect_harness, samples_run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """BUDGETWH_DASK_ADDRESS points the run at a running cluster (here a LocalCluster standing
    in for a multi-machine one): its workers run the 4 parse batches."""
    with get_client(sync_client=True) as client:
        api = str(client.api_url)
    # Workers of a real cluster are configured with the Prefect API the same way.
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            env={"PREFECT_API_URL": api, "DASK_LOGGING__DISTRIBUTED": "warning"},
        ) as cluster,
        distributed.Client(cluster) as dask,
    ):
        monkeypatch.setenv(ADDRESS_VAR, cluster.scheduler_address)
        here = _in_process_parses(monkeypatch)
        run = run_flow(_copy_raw(tmp_path), tmp_path / "wh" / "budget.duckdb", tmp_path / "build", batch_size=2)
        executed = dask.run(lambda dask_worker: dask_worker.state.executed_count)

    assert here == []
    assert sum(executed.values()) == 4, executed
    assert run.result.loaded == 8
    assert _rows(run) == _rows(samples_run)


def test_a_single_batch_is_parsed_without_a_cluster(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fewer files than a batch: starting workers would cost more than parsing them here."""
    here = _in_process_parses(monkeypatch)
    submitted: list[int] = []
    summary = pipeline.parse_and_load(
        sorted(p for p in RAW.iterdir() if p.suffix == ".txt"),
        tmp_path / "budget.duckdb",
        batch_size=200,
        submit=lambda batch, skip: submitted.append(len(batch)),  # type: ignore[arg-type, return-value]
    )
    assert submitted == []
    assert here == [4]
    assert len(summary.loaded) == 4
    assert (tmp_path / "budget.duckdb").exists()
