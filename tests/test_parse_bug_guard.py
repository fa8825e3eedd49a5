"""Our own parser must never be what breaks an identity: a parse bug that drops
or doubles a row of a sample makes the GX checkpoint fail.

The bug is injected into the parser's output, then the flow's own steps run:
load → dbt build → checkpoint.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from budgetwh import pipeline
from budgetwh.dbt_build import dbt_build
from budgetwh.parse import ParsedDocument
from expectations.checkpoint import run_checkpoint
from tests.conftest import SAMPLE_000, SAMPLE_001


def drop_row(lines: list) -> list:
    return [ln for ln in lines if ln.row_seq != 4]


def double_row(lines: list) -> list:
    row = next(ln for ln in lines if ln.row_seq == 4)
    return [*lines, row._replace(row_seq=max(ln.row_seq for ln in lines) + 1)]


BUGS = {SAMPLE_000.name: drop_row, SAMPLE_001.name: double_row}


def test_checkpoint_fails_on_a_parse_bug_in_each_document_it_is_in(tmp_path: Path) -> None:
    """A dropped row in 000 and a doubled row in 001, in one load: each document fails on its
    own, and the checkpoint reports both (one build instead of one per bug keeps make test short)."""
    parsed = pipeline.parse_many([SAMPLE_000, SAMPLE_001])
    for doc in parsed:
        assert isinstance(doc, ParsedDocument)
        for table in doc.tables:
            if table.title == "部门预算支出总表":
                table.lines = BUGS[doc.path.name](table.lines)
    warehouse = tmp_path / "wh.duckdb"
    pipeline.load(warehouse, parsed)
    dbt_build(warehouse, work_dir=tmp_path / "dbt")
    outcome = run_checkpoint(warehouse, tmp_path / "build")
    assert not outcome.success
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            """select file_name, document_id, list(distinct rule_id) from marts.fct_rule_check
               where status = 'fail' and severity = 'error' group by all"""
        ).fetchall()
    failed = {name: set(rules) for name, _, rules in rows}
    assert set(failed) == set(BUGS)
    # 支出总表 row 4 (2060101 in 000, 2013202 in 001) is a 项: only its parents
    # and, in 000, the department-vs-unit comparison can notice it.
    for rules in failed.values():
        assert "hierarchy_segment" in rules
        assert rules <= {"hierarchy_segment", "hierarchy_class", "hierarchy_total", "cross_department_units"}
    reported = {(row["document_id"], row["rule_id"]) for row in outcome.unexpected}
    assert {(doc_id, "hierarchy_segment") for _, doc_id, _ in rows} <= reported
