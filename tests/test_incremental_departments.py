"""fct_figure_year_on_year built incrementally by department (issue 10): apart from
test_incremental.py so that pytest-xdist (one file a worker) can run them side by side."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_000, run_flow, tables_differing
from tests.test_incremental import rebuilt


def next_year_of(sample: Path, year: int, folder: Path) -> Path:
    """`sample` (a 2022 budget) as the same department would publish it for `year`."""
    text = sample.read_text(encoding="utf-8")
    moved = text.replace("2022年", f"{year}年").replace("预算年度：2022", f"预算年度：{year}")
    assert moved != text
    path = folder / f"{sample.stem}_{year}{sample.suffix}"
    path.write_text(moved, encoding="utf-8")
    return path


def test_year_on_year_is_rebuilt_by_department_and_equals_a_full_rebuild(
    prefect_harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """fct_figure_year_on_year is incremental by department: a rebuilt disclosure changes the
    rows of its whole department, the years before and after it included. The rerun is sliced
    (one changed document a slice): the first slice rebuilds every department, the others add
    nothing."""
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SAMPLE_000, raw / SAMPLE_000.name)
    next_year_of(SAMPLE_000, 2023, raw)
    wh = tmp_path / "wh" / "budget.duckdb"
    pairs = "select distinct previous_year, fiscal_year from marts.fct_figure_year_on_year order by all"

    first = run_flow(raw, wh, tmp_path / "build")
    assert first.sql(pairs) == [(2022, 2023)]

    # 2022 withdrawn, 2024 published: the 2022→2023 rows go, 2023→2024 rows come
    (raw / SAMPLE_000.name).unlink()
    next_year_of(SAMPLE_000, 2024, raw)
    monkeypatch.setenv("BUDGETWH_SLICE_DOCUMENTS", "1")
    second = run_flow(raw, wh, tmp_path / "build")
    assert rebuilt(second)[0] == {"incremental"}
    assert second.result.dbt_slices > 1
    assert second.sql(pairs) == [(2023, 2024)]
    assert tables_differing(wh, tmp_path / "check2") == {}
