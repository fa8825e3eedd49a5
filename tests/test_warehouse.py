"""The flow end to end over raw/ (four samples, two real PDFs): the star schema, as BI users see it.

One real run (Prefect flow → raw → dbt build with its tests → GX → publish) is
shared by these tests; see conftest.samples_run.
"""

from __future__ import annotations

import csv
import gzip
import json
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from budgetwh import pipeline
from tests.conftest import FIXTURES, REPO_ROOT, SAMPLE_000, SAMPLE_001, Run, run_flow


def test_every_hand_listed_cell_is_a_fact_with_amount_unit_subject_table_column(samples_run: Run) -> None:
    facts = {
        (r[0], r[1], r[2], r[3], r[4]): r[5:]
        for r in samples_run.sql(
            """select f.file_name, u.unit_code, f.table_title, f.row_seq, f.column_no,
                      f.amount_printed, f.amount_unit, f.amount_wan, f.subject_key, f.table_code,
                      f.column_label, f.measure, f.line_label, f.source_line
               from marts.fact_budget_line f join marts.dim_unit u using (unit_key)
               where f.source_kind = 'table' and f.file_name in ($1, $2)""",
            [SAMPLE_000.name, SAMPLE_001.name],
        )
    }
    with (FIXTURES / "expected_facts.csv").open(encoding="utf-8", newline="") as fh:
        expected = list(csv.DictReader(fh))
    assert len(facts) == len(expected) == 598
    for e in expected:
        key = (e["seed_file"], e["unit_code"], e["table_title"], int(e["row_seq"]), int(e["column_no"]))
        amount, unit, wan, subject, table_code, column_label, measure, label, line = facts[key]
        assert (amount, unit, wan) == (Decimal(e["amount"]), "万元", Decimal(e["amount"])), key
        assert label == e["line_label"], key
        if e["subject_code"]:
            assert subject.endswith(":" + e["subject_code"]), key
        assert table_code and column_label and measure and line > 0, key


def test_subjects_classes_and_summary_rows(samples_run: Run) -> None:
    rows = dict(
        samples_run.sql(
            """select line_label, subject_key from marts.fact_budget_line
               where file_name like '001%' and table_code = 'income_expense_summary'"""
        )
    )
    assert rows["六、科学技术支出"] == "function:206"
    assert rows["八、社会保障和就业支出"] == "function:208"
    assert rows["一、一般公共预算拨款收入"] == "revenue:gpb_appropriation"
    assert rows["上年结转结余"] == "balance:carryover_in"
    subject = samples_run.sql(
        "select name, level, parent_subject_key from marts.dim_subject where subject_key = 'function:2060701'"
    )
    assert subject == [("机构运行", "项", "function:20607")]
    assert samples_run.sql("select level from marts.dim_subject where subject_key = 'function:206'") == [("类",)]
    carry = samples_run.sql(
        """select subject_key from marts.fact_budget_line
           where file_name like '001%' and table_code = 'fiscal_income_expense_summary' and row_seq = 34"""
    )
    assert carry == [("balance:carryover_in_gpb",)]  # "一、一般公共预算拨款" under 年初结转和结余


def test_units_are_local_to_their_region(samples_run: Run) -> None:
    units = samples_run.sql(
        "select unit_code, unit_name, kind, region_key, parent_unit_key is not null from marts.dim_unit order by all"
    )
    assert ("731", "秦皇岛市科学技术协会", "department", "河北省/秦皇岛市", False) in units
    assert ("731", "张家口市科学技术协会", "department", "河北省/张家口市", False) in units
    assert ("731001", "秦皇岛市科学技术协会本级", "unit", "河北省/秦皇岛市", True) in units
    keys = samples_run.sql("select count(distinct unit_key) from marts.dim_unit where unit_code = '731'")
    assert keys[0][0] == 3  # 秦皇岛, 张家口 and 山海关区 each have their own 731
    # GB/T 2260 codes of the official list (checked by hand: 山海关区 130303, 青山区 of 武汉 420107,
    # 普陀区 of 上海 310107, not 舟山's 330903); the 中共 prefix no longer hides the place
    codes = dict(samples_run.sql("select unit_name, region_code from marts.dim_unit where kind = 'department'"))
    assert codes["山海关区科学技术协会"] == "130303"
    assert codes["武汉市青山区科学技术协会"] == "420107"
    assert codes["中共上海市普陀区委社会工作部"] == "310107"
    assert codes["江苏省政协办公厅"] == "320000"


def test_one_row_per_document_with_counts(samples_run: Run) -> None:
    docs = samples_run.sql(
        """select file_name, fiscal_year, table_count, table_fact_count, narrative_fact_count, validation_status
           from marts.dim_document order by file_name"""
    )
    assert [d[:4] for d in docs] == [
        ("000_e4a04ce1a9052b5d.txt", 2022, 18, 302),
        ("001_3c6e109f9b0f145a.txt", 2023, 9, 296),
        ("002_008befaf5c3092e7.txt", 2019, 0, 0),
        ("004_c475e0477e87c15d.txt", 2021, 0, 0),
        # 205 cells = the independent list fixtures/realdocs/shanghai_shehuigongzuobu_2024.cells.csv
        ("中共上海市普陀区委社会工作部 2024 年度部门决算.pdf", 2024, 9, 205),
        # the narrative half of a disclosure split in two files (its tables are the next file)
        ("江苏省人大常委会2019年度部门预算公开.pdf", 2019, 0, 0),
        # 163 cells = fixtures/realdocs/jiangsu_rendachanghui_2019.cells.csv
        ("江苏省人大常委会办公厅2019年部门预算公开表.pdf", 2019, 12, 163),
        # 12 tables = fixtures/realdocs/inventory_jiangsu_zhengxie.tables.csv (one printed empty)
        ("江苏省政协办公厅2019年预算公开表.pdf", 2019, 12, 154),
    ]
    tables_only = {"江苏省政协办公厅2019年预算公开表.pdf", "江苏省人大常委会办公厅2019年部门预算公开表.pdf"}
    narrated = [d for d in docs if d[0] not in tables_only]
    assert all(d[4] > 0 for d in narrated), "every document with a narrative contributes narrative facts"
    assert {d[5] for d in docs} <= {"passed", "passed_with_warnings"}
    assert samples_run.sql("select list(fiscal_year order by fiscal_year) from marts.dim_year")[0][0] == [
        2019, 2020, 2021, 2022, 2023, 2024,
    ]  # fmt: skip


def test_no_float_on_the_money_path(samples_run: Run) -> None:
    money = samples_run.sql(
        """select table_schema, table_name, column_name, data_type from information_schema.columns
           where table_schema in ('raw', 'staging', 'intermediate', 'marts')
             and (column_name like 'amount%' or column_name in ('lhs', 'rhs', 'diff', 'tolerance'))
             and column_name not in ('amount_text', 'amount_unit')"""
    )
    assert money
    assert [m for m in money if not m[3].startswith("DECIMAL")] == []


def test_narrative_facts_keep_evidence_and_converted_units(samples_run: Run) -> None:
    rows = samples_run.sql(
        """select amount_printed, amount_unit, amount_wan, unit_basis, source_line
           from marts.fact_budget_line where measure = 'project_amount' and line_label = '科普经费（青山区）'"""
    )
    assert len(rows) == 1
    printed, unit, wan, basis, line = rows[0]
    assert (printed, unit, wan) == (Decimal("2380000.00"), "元", Decimal("238"))
    assert basis.startswith("inferred:") and line > 0


def test_rerun_changes_no_count(samples_run: Run) -> None:
    query = """select (select count(*) from marts.fact_budget_line), (select count(*) from marts.dim_document),
                      (select count(*) from marts.fct_rule_check), (select count(*) from raw.budget_cell)"""
    before = samples_run.sql(query)
    again = run_flow(samples_run.raw, samples_run.warehouse, samples_run.build)
    assert again.result.loaded == 0 and again.result.unchanged == 8
    assert "dbt_build" not in again.result.timings, "same bytes and code: the marts are already current"
    assert again.sql(query) == before
    from flows.ingest import summary_lines

    assert "marts      current: nothing changed, nothing rebuilt" in summary_lines(again.result)
    # the checkpoint it reports is the recorded one, warning families included
    gx = [line for line in summary_lines(samples_run.result) if line.startswith("GX ")]
    assert gx and "passed with warnings: rule family narrative" in gx[0]
    assert [line for line in summary_lines(again.result) if line.startswith("GX ")] == gx


def test_the_summary_counts_the_checks_of_fct_rule_check(samples_run: Run) -> None:
    """The run summary sums dim_document's per-document counts: they must be fct_rule_check's."""
    counted = dict(samples_run.sql("select status, count(*) from marts.fct_rule_check group by status"))
    assert samples_run.result.summary.checks == counted
    assert set(counted) == {"pass", "rounding", "fail", "skipped"}


def test_checkpoint_passed_and_results_are_in_the_warehouse(samples_run: Run) -> None:
    assert samples_run.result.checkpoint_success
    assert samples_run.result.data_docs is not None and samples_run.result.data_docs.exists()
    assert samples_run.sql("select bool_and(success), count(*) > 0 from audit.gx_run") == [(True, True)]
    # the unexpected rows loaded back are the checks outside their tolerance, read here in SQL
    reported = samples_run.sql(
        "select check_id from audit.gx_unexpected where run_at = (select max(run_at) from audit.gx_run)"
    )
    outside = samples_run.sql(
        "select check_id from marts.fct_rule_check where status <> 'skipped' and abs(diff) > tolerance"
    )
    assert outside and sorted(reported) == sorted(outside)


def test_published_file_opens_in_the_duckdb_cli(samples_run: Run) -> None:
    """The DuckDB CLI users install (duckdb-cli from PyPI) reads the published file read-only."""
    cli = Path(sys.executable).with_name("duckdb")
    assert cli.exists(), "duckdb-cli is in the dev extra"
    done = subprocess.run(
        [str(cli), "-readonly", "-csv", "-noheader", str(samples_run.warehouse), "-c",
         "select count(*) from marts.fact_budget_line"],
        capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.strip()) == samples_run.sql("select count(*) from marts.fact_budget_line")[0][0]


def test_published_file_opens_in_evidences_duckdb_driver(samples_run: Run) -> None:
    """Evidence reads DuckDB through @duckdb/node-api; the version pinned in tools/bi-node
    (1.5.6, `make bi-clients`) opens the published file read-only and sums a mart exactly."""
    node = shutil.which("node")
    client = REPO_ROOT / "tools" / "bi-node"
    if node is None or not (client / "node_modules" / "@duckdb" / "node-api").is_dir():
        pytest.skip("Evidence's DuckDB client is not installed: needs node and npm (`make bi-clients`)")
    query = "select count(*)::integer as n, sum(amount_wan)::varchar as total from marts.fct_budget_figure"
    done = subprocess.run(
        [node, str(client / "query.mjs"), str(samples_run.warehouse), query],
        capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    n, total = samples_run.sql(query)[0]
    assert json.loads(done.stdout) == [{"n": n, "total": total}]
    assert n > 0


def test_a_warehouse_from_a_newer_duckdb_is_set_aside_not_fatal(tmp_path: Path) -> None:
    """A file DuckDB 2.0 wrote (storage v69) cannot be opened here: it is moved aside, kept."""
    newer = tmp_path / "budget.duckdb"
    newer.write_bytes(gzip.decompress((FIXTURES / "duckdb_2_0_storage.duckdb.gz").read_bytes()))
    aside = pipeline.set_aside_if_unreadable(newer)
    assert aside is not None and aside.exists() and not newer.exists()
    assert aside.name.startswith("budget.duckdb.unreadable-")
    duckdb.connect(str(newer)).close()  # a file this version writes
    assert pipeline.set_aside_if_unreadable(newer) is None


def test_a_disclosure_split_over_two_files_is_one_and_its_narrative_meets_its_tables(samples_run: Run) -> None:
    """江苏省人大常委会办公厅 2019: the narrative file and the tables file are one disclosure."""
    disclosures = samples_run.sql(
        "select department_name, fiscal_year, phase, file_names from marts.dim_disclosure where file_count > 1"
    )
    assert disclosures == [
        (
            "江苏省人大常委会办公厅",
            2019,
            "budget",
            ["江苏省人大常委会2019年度部门预算公开.pdf", "江苏省人大常委会办公厅2019年部门预算公开表.pdf"],
        )
    ]
    assert samples_run.sql("select count(*) from marts.dim_disclosure")[0][0] == 7  # the others stand alone
    checks = dict(
        (measure, (status, lhs, rhs, message))
        for measure, status, lhs, rhs, message in samples_run.sql(
            """select measure, status, lhs, rhs, message from marts.fct_rule_check
               where rule_id = 'narrative_matches_table' and file_name = '江苏省人大常委会2019年度部门预算公开.pdf'"""
        )
    )
    # the narrative's figures, found in the twin file's tables (figures read off its pages 1-3)
    for measure, amount in [("basic_expense", "9312.9"), ("project_expense", "6459.58"),
                            ("general_budget_income", "18330.37")]:  # fmt: skip
        status, lhs, rhs, message = checks[measure]
        assert (status, lhs, rhs) == ("pass", Decimal(amount), Decimal(amount)), measure
        assert message.endswith("of 江苏省人大常委会办公厅2019年部门预算公开表.pdf")
    # its 基本支出表 prints economic classes, no 人员经费 column: skipped, saying so
    assert checks["personnel_expense"][0] == "skipped"
    assert "prints no personnel column" in checks["personnel_expense"][3]


def test_open_gives_the_marts_as_polars_frames_read_only(samples_run: Run) -> None:
    """Issue 12: a notebook entry returning polars frames of the marts."""
    import pytest

    import budgetwh

    marts = budgetwh.open(samples_run.warehouse)
    facts = marts.facts
    assert facts.height == samples_run.sql("select count(*) from marts.fact_budget_line")[0][0]
    assert isinstance(facts["amount_wan"].drop_nulls()[0], Decimal)  # money stays exact
    assert marts.documents.height == 8
    assert marts.sql("select count(*) as n from marts.dim_file")["n"][0] == 8
    with pytest.raises(AttributeError, match="the marts are figures, unit_figures"):
        _ = marts.fact


def test_status_shows_the_last_runs_and_files_not_published(samples_run: Run, tmp_path) -> None:
    """Issue 11: `budgetwh status` shows last runs, files not published and why, dbt warnings."""
    import io
    from contextlib import redirect_stdout

    from budgetwh import runlog
    from budgetwh.cli import main as cli_main

    wh = tmp_path / "budget.duckdb"
    shutil.copy(samples_run.warehouse, wh)
    runlog.append(wh, {"outcome": "published", "seconds": 60.0, "loaded": 8, "published": 8, "checks": {"fail": 2}})
    runlog.append(wh, {"outcome": "failed", "seconds": 3.0, "error": "DbtError: dbt build failed"})
    with duckdb.connect(str(wh)) as con:  # a file the run refused, as dbt would have built its row
        con.execute(
            """insert into marts.dim_file by name
               select 'big.txt' as path, 'refused' as file_status, false as is_published, now() as seen_at,
                      '300.0 MB, over the limit of 200 MB (BUDGETWH_MAX_FILE_MB): not read' as reason"""
        )
    out = io.StringIO()
    with redirect_stdout(out):
        assert cli_main(["status", "--warehouse", str(wh)]) == 0
    text = " ".join(out.getvalue().split())
    assert "last 2 runs" in text
    assert text.index("│ failed │") < text.index("│ published │")  # newest first
    assert "DbtError: dbt build failed" in text
    assert "1 files not published from the raw folder" in text
    assert "big.txt │ refused" in text and "BUDGETWH_MAX_FILE_MB" in text
