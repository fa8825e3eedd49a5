"""Incremental builds (issue 10): a run rebuilds only the documents that changed and the
documents related to them, and what it publishes is what a full rebuild of the same raw rows
makes, table for table, row for row."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest

from budgetwh import state
from flows.ingest import SMALL_REBUILD, rebuild_in_full, summary_lines
from tests.conftest import RAW, REPO_ROOT, SAMPLE_000, SAMPLE_001, SAMPLE_002, Run, run_flow, tables_differing

NARRATIVE = RAW / "江苏省人大常委会2019年度部门预算公开.pdf"  # its tables are the next file
TABLES = RAW / "江苏省人大常委会办公厅2019年部门预算公开表.pdf"
OTHER_PDF = RAW / "江苏省政协办公厅2019年预算公开表.pdf"


def rebuilt(run: Run) -> tuple[set[str], set[str]]:
    """(build kinds, file names) of the documents the run's build rebuilt."""
    rows = run.sql(
        """select c.build_kind, d.file_name from intermediate.int_document_changes c
           join raw.source_document d using (document_id)"""
    )
    return {kind for kind, _ in rows}, {name for _, name in rows}


def filter_of_dbt_test(run: Run, test: str = "primary_key_fct_rule_check_check_id") -> str:
    """The filter the run's build put on a dbt test's rows: `where …` of its compiled SQL, or ''."""
    (compiled,) = run.build.glob(f"*/dbt/target/compiled/**/{test}.sql")
    found = re.search(r"dbt_subquery|where (.*?)\) dbt_subquery", compiled.read_text(encoding="utf-8"), re.S)
    return "" if found is None or found.group(1) is None else found.group(1)


def nodes_run(run: Run) -> set[str]:
    """The dbt nodes (unique ids) the run's build ran, from its run_results.json."""
    import json

    (results,) = run.build.glob("*/dbt/target/run_results.json")
    return {node["unique_id"] for node in json.loads(results.read_text(encoding="utf-8"))["results"]}


def five_documents(tmp_path: Path) -> Path:
    """A raw folder of three samples, the 2019 narrative (its tables file comes later) and another PDF."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for f in (SAMPLE_000, SAMPLE_001, SAMPLE_002, NARRATIVE, OTHER_PDF):
        shutil.copy(f, raw / f.name)
    return raw


def tables_arrive_001_corrected_002_removed(raw: Path) -> None:
    """The second run's changes: the narrative's tables file arrives (same publisher), 001 is
    re-issued in place with one amount corrected, 002 is deleted."""
    shutil.copy(TABLES, raw / TABLES.name)
    text = SAMPLE_001.read_text(encoding="utf-8")
    row = "30299\n\t其他商品和服务支出\n\t10.19\n\t\n\t10.19\n"
    edited = text.replace(row, row.replace("10.19", "10.29"), 1)
    assert edited != text
    (raw / SAMPLE_001.name).write_text(edited, encoding="utf-8")
    (raw / SAMPLE_002.name).unlink()


def test_a_rerun_rebuilds_what_changed_and_its_relations_and_equals_a_full_rebuild(
    prefect_harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = five_documents(tmp_path)
    wh = tmp_path / "wh" / "budget.duckdb"
    first = run_flow(raw, wh, tmp_path / "build")
    assert rebuilt(first) == ({"full"}, {f.name for f in raw.iterdir()})
    assert "marts      rebuilt in full (5 documents)" in summary_lines(first.result)
    assert filter_of_dbt_test(first) == ""  # a full build tests every row
    facts_before = dict(first.sql("select file_name, count(*) from marts.fact_budget_line group by 1"))

    # what arrives: the narrative's tables file (same publisher: the narrative is rebuilt with
    # it), 001 re-issued in place with one amount corrected, 002 deleted
    tables_arrive_001_corrected_002_removed(raw)
    second = run_flow(raw, wh, tmp_path / "build")
    kinds, names = rebuilt(second)
    assert kinds == {"incremental"}
    assert names == {SAMPLE_001.name, SAMPLE_002.name, NARRATIVE.name, TABLES.name}  # 001: both versions
    line = "marts      rebuilt for 5 documents: changed, or of the same publisher or path"
    assert line in summary_lines(second.result)
    # tests read the rebuilt documents' rows, named as literals (pushed into fct_rule_check's view)
    ids = sorted(i for (i,) in second.sql("select document_id from intermediate.int_document_changes"))
    assert filter_of_dbt_test(second) == "document_id in (" + ", ".join(f"'{i}'" for i in ids) + ")"
    supplying_fact_test_reads_rebuilt_facts_and_fails_on_a_missing_one(second, tmp_path / "scratch")
    # the same project built the rest: seeds, views and unit tests are left as they are, and
    # every data test runs, those on views too
    ran = nodes_run(second)
    assert not {n for n in ran if n.startswith(("seed.", "unit_test."))}
    assert "model.budgetwh.fct_rule_check" not in ran and "model.budgetwh.int_budget_cells_classified" in ran
    assert any(n.startswith("test.budgetwh.primary_key_fct_rule_check_check_id") for n in ran)
    assert len([n for n in ran if n.startswith("test.")]) > 100
    facts_after = dict(second.sql("select file_name, count(*) from marts.fact_budget_line group by 1"))
    assert facts_after[SAMPLE_000.name] == facts_before[SAMPLE_000.name]
    assert facts_after[OTHER_PDF.name] == facts_before[OTHER_PDF.name]
    assert SAMPLE_002.name not in facts_after  # removed: history, not published
    assert facts_after[TABLES.name] > 0
    # the split disclosure is one: the narrative's figures met the tables that arrived after it
    assert second.sql(
        """select count(distinct disclosure_key) from marts.dim_document where file_name in (?, ?)""",
        [NARRATIVE.name, TABLES.name],
    ) == [(1,)]
    assert tables_differing(wh, tmp_path / "check2") == {}

    # nothing changed, but the operator asks for a full rebuild (budgetwh run --full-rebuild)
    third = run_flow(raw, wh, tmp_path / "build", full_rebuild=True)
    assert third.result.published
    assert rebuilt(third)[0] == {"full"}

    # the code that built the marts changed (a model, a seed): everything is rebuilt
    monkeypatch.setattr(state, "code_hash", lambda root=None: "another version of the project")
    fourth = run_flow(raw, wh, tmp_path / "build")
    kinds, names = rebuilt(fourth)
    assert kinds == {"full"}
    assert SAMPLE_000.name in names and OTHER_PDF.name in names
    assert dict(fourth.sql("select file_name, count(*) from marts.fact_budget_line group by 1")) == facts_after


def supplying_fact_test_reads_rebuilt_facts_and_fails_on_a_missing_one(run: Run, scratch: Path) -> None:
    """fct_budget_figure.fact_id's relationships_rebuilt test, as an incremental build compiled it:
    its parent side names the rebuilt documents, it passes on what the build published, and on a
    scratch copy without one rebuilt figure's supplying cell it returns that figure's fact_id."""
    (sql,) = [
        text
        for path in run.build.glob("*/dbt/target/compiled/**/relationships_rebuilt_*.sql")
        if "fact_budget_line" in (text := path.read_text(encoding="utf-8"))
    ]
    assert "where document_id in ('" in sql.split("parent as")[1]
    scratch.mkdir()
    copy = scratch / run.warehouse.name  # the same file name: the views name its catalog
    shutil.copy(run.warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        assert con.execute(sql).fetchall() == []
        fact_id, document_id, table_seq, row_seq, column_no = con.execute(
            """select f.fact_id, l.document_id, l.table_seq, l.row_seq, l.column_no
               from marts.fct_budget_figure as f
               inner join intermediate.int_budget_lines as l using (fact_id)
               where f.source_kind = 'table'
                   and f.disclosure_key in (select disclosure_key from intermediate.int_document_changes)
               order by f.figure_id
               limit 1"""
        ).fetchone()
        con.execute(
            """delete from intermediate.int_budget_cells_classified
               where document_id = ? and table_seq = ? and row_seq = ? and column_no = ?""",
            [document_id, table_seq, row_seq, column_no],
        )
        assert con.execute(sql).fetchall() == [(fact_id,)]


def _incremental_models(models: Path, sql: dict[str, str]) -> set[str]:
    """Models materialized incrementally: by their own config, or by their folder's in dbt_project.yml."""
    import yaml

    incremental = {name for name, text in sql.items() if "materialized='incremental'" in text}

    def folders(config: dict, path: tuple[str, ...]) -> None:
        if config.get("+materialized") == "incremental":
            incremental.update(p.stem for p in models.joinpath(*path).rglob("*.sql"))
        for key, value in config.items():
            if not key.startswith("+") and isinstance(value, dict):
                folders(value, (*path, key))

    project = yaml.safe_load((REPO_ROOT / "dbt_project.yml").read_text(encoding="utf-8"))
    folders(project["models"]["budgetwh"], ())
    return incremental


def test_an_incremental_build_of_most_of_a_large_warehouse_rebuilds_in_full() -> None:
    """Past SMALL_REBUILD documents and a quarter of the warehouse, deleting and re-inserting
    costs more memory than building anew (and ran out of it at 10,000): the run rebuilds in
    full. Small warehouses stay incremental, so the other tests here exercise that path."""
    big = SMALL_REBUILD + 1
    assert rebuild_in_full(big, 4 * big - 1)
    assert not rebuild_in_full(big, 4 * big)  # exactly a quarter: incremental
    assert not rebuild_in_full(SMALL_REBUILD, SMALL_REBUILD)  # all of a small warehouse
    assert not rebuild_in_full(10, 10_000)


def test_the_build_state_is_stored_after_every_incremental_model() -> None:
    """int_document_build_state must come after every incremental model: stored earlier, a build
    that stopped between them would leave a state the stored rows were not built from."""
    models = REPO_ROOT / "dbt_project" / "models"
    sql = {p.stem: p.read_text(encoding="utf-8") for p in models.rglob("*.sql")}
    incremental = _incremental_models(models, sql)
    assert {"int_budget_cells_classified", "int_checks__hierarchy"} <= incremental
    # after a model = after everything it reads (fct_rule_check, a view, reads every check model)
    after: set[str] = set()
    todo = re.findall(r"-- depends_on: \{\{ ref\('(\w+)'\) \}\}", sql["int_document_build_state"])
    while todo:
        name = todo.pop()
        if name not in after:
            after.add(name)
            todo += re.findall(r"\{\{ ref\('(\w+)'\) \}\}", sql.get(name, ""))
    assert incremental <= after, incremental - after


def test_a_build_sliced_by_publisher_equals_one_pass_fresh_and_incremental(
    prefect_harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build of more documents than a slice runs the incremental models slice by slice
    (memory bounded by the slice); what it publishes is what one pass makes, row for row."""
    monkeypatch.setenv("BUDGETWH_SLICE_DOCUMENTS", "2")
    raw = five_documents(tmp_path)
    wh = tmp_path / "wh" / "budget.duckdb"
    first = run_flow(raw, wh, tmp_path / "build")
    assert first.result.dbt_slices == 3  # 5 documents, 2 a slice
    assert "marts      rebuilt in full (5 documents, in 3 slices)" in summary_lines(first.result)
    used = first.sql("select count(distinct build_slice % 3) from intermediate.int_document_changes")
    assert used[0][0] > 1, "the documents must fall in more than one slice for this test to mean anything"
    assert tables_differing(wh, tmp_path / "check1") == {}

    # the disclosure's tables file arrives (its narrative, in the same publisher, is rebuilt with
    # it, in the same slice), 001 is re-issued with one amount corrected, 002 is deleted
    tables_arrive_001_corrected_002_removed(raw)
    second = run_flow(raw, wh, tmp_path / "build")
    assert rebuilt(second)[0] == {"incremental"}
    assert second.result.dbt_slices > 1
    assert tables_differing(wh, tmp_path / "check2") == {}
    assert second.sql(
        "select count(distinct build_slice) from intermediate.int_document_changes c "
        "join raw.source_document d using (document_id) where d.file_name in (?, ?)",
        [NARRATIVE.name, TABLES.name],
    ) == [(1,)]
