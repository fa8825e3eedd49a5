"""Our own parser must never be what breaks an identity: a parse bug that drops
or doubles a row of a sample makes the GX checkpoint fail.

The bug is injected into the parser's output, then the flow's own steps run:
load → dbt build → checkpoint.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import duckdb
import pytest

from budgetwh import pipeline
from budgetwh.dbt_build import dbt_build
from budgetwh.parse import ParsedDocument
from expectations.checkpoint import run_checkpoint
from tests.conftest import SAMPLE_000, SAMPLE_001


def drop_row(lines: list) -> list:
    return [ln for ln in lines if ln.row_seq != 4]


def double_row(lines: list) -> list:
    row = next(ln for ln in lines if ln.row_seq == 4)
    return [*lines, dataclasses.replace(row, row_seq=max(ln.row_seq for ln in lines) + 1)]


@pytest.mark.parametrize("bug", [drop_row, double_row], ids=["dropped_row", "doubled_row"])
def test_checkpoint_fails_on_a_parse_bug(tmp_path: Path, bug) -> None:
    parsed = pipeline.parse_many([SAMPLE_000, SAMPLE_001])
    for doc in parsed:
        assert isinstance(doc, ParsedDocument)
        for table in doc.tables:
            if table.title == "部门预算支出总表":
                table.lines = bug(table.lines)
    warehouse = tmp_path / "wh.duckdb"
    pipeline.load(warehouse, parsed)
    dbt_build(warehouse)
    outcome = run_checkpoint(warehouse, tmp_path / "build")
    assert not outcome.success
    with duckdb.connect(str(warehouse), read_only=True) as con:
        failed = {r[0] for r in con.execute(
            "select distinct rule_id from marts.fct_rule_check where status = 'fail' and severity = 'error'"
        ).fetchall()}  # fmt: skip
    # 支出总表 row 4 (2060101 in 000, 2013202 in 001) is a 项: only its parents
    # and, in 000, the department-vs-unit comparison can notice it.
    assert "hierarchy_segment" in failed
    assert failed <= {"hierarchy_segment", "hierarchy_class", "hierarchy_total", "cross_department_units"}
    assert {row["rule_id"] for row in outcome.unexpected} >= {"hierarchy_segment"}
