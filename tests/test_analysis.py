"""The analysts' side of the published warehouse: canonical figures a plain sum can use.

Expected figures come from lists typed off the documents (tests/fixtures/expected_facts.csv,
tests/fixtures/realdocs/*.totals.csv), never from the parser. Uses the shared run over raw/.
"""

from __future__ import annotations

import csv
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from tests.budgetgen import budget_pdf
from tests.conftest import FIXTURES, Run, run_flow
from tests.test_realdocs import REALDOCS

SAMPLE_DEPARTMENTS = {
    "000_e4a04ce1a9052b5d.txt": "秦皇岛市科学技术协会",
    "001_3c6e109f9b0f145a.txt": "张家口市科学技术协会",
}
# 部门预算支出总表 columns as printed: 3 合计, 4 基本支出, 5 项目支出.
EXPENSE_COLUMNS = {3: "expense_total", 4: "expense_basic", 5: "expense_project"}


def hand_listed_department_expense() -> dict[tuple[str, str, str], Decimal]:
    """(department, function subject, figure) → amount, from the hand-made cell list."""
    out = {}
    with (FIXTURES / "expected_facts.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["table_title"] == "部门预算支出总表" and row["subject_code"]:
                figure = EXPENSE_COLUMNS[int(row["column_no"])]
                key = (SAMPLE_DEPARTMENTS[row["seed_file"]], f"function:{row['subject_code']}", figure)
                out[key] = Decimal(row["amount"])
    return out


def test_a_plain_sum_by_department_year_and_subject_is_the_printed_figure(samples_run: Run) -> None:
    """Each printed 支出总表 amount (all funds) is one canonical figure, whatever number of
    tables and unit levels repeat it; the same sum over the raw facts counts it many times."""
    expected = hand_listed_department_expense()
    got = {
        (department, subject, figure): total
        for department, subject, figure, total in samples_run.sql(
            """select department_name, subject_key, figure, sum(amount_wan)
               from marts.fct_budget_figure
               where fund_scope = 'all_funds' and subject_classification = 'function'
                 and department_name in ('秦皇岛市科学技术协会', '张家口市科学技术协会')
                 and figure in ('expense_total', 'expense_basic', 'expense_project')
               group by all"""
        )
    }
    assert got == expected
    naive = samples_run.sql(
        """select sum(f.amount_wan) from marts.fact_budget_line f join marts.dim_document d using (document_id)
           where d.file_name = '000_e4a04ce1a9052b5d.txt' and f.subject_key = 'function:206'"""
    )[0][0]
    assert naive > 10 * expected[("秦皇岛市科学技术协会", "function:206", "expense_total")]


def test_one_figure_per_grain_each_traced_to_a_printed_cell(samples_run: Run) -> None:
    rows = samples_run.sql(
        """select count(*), count(distinct (disclosure_key, subject_key, fund_scope, figure)),
                  count(*) filter (where source_locator is null or file_name is null or line_label is null),
                  count(*) filter (where printed_count > 1)
           from marts.fct_budget_figure"""
    )
    total, distinct, untraced, repeated = rows[0]
    assert total == distinct and untraced == 0
    assert repeated > 0  # figures printed in several tables are there once
    # the figure points at a fact of the published fact table with the same amount
    assert samples_run.sql(
        """select count(*) from marts.fct_budget_figure g
           left join marts.fact_budget_line f using (fact_id)
           where f.fact_id is null or (g.summed_rows = 1 and f.amount_wan != g.amount_wan)"""
    ) == [(0,)]


def test_real_pdf_total_expense_is_one_figure(samples_run: Run) -> None:
    """江苏 2019: the 支出预算总表 合计 read off page 3 of each file is the all-funds expense total."""
    printed = {}
    for name in ("inventory_jiangsu_renda", "inventory_jiangsu_zhengxie"):
        with (FIXTURES / "realdocs" / f"{name}.totals.csv").open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if "2019" in row["file"] and row["table_title"] == "支出预算总表" and row["column_label"] == "合计":
                    printed[row["file"]] = Decimal(row["amount"].replace(",", ""))
    assert len(printed) == 2
    got = dict(
        samples_run.sql(
            """select file_name, amount_wan from marts.fct_budget_figure
               where figure = 'expense_total' and fund_scope = 'all_funds' and subject_key = 'balance:total'
                 and file_name in (select unnest(?))""",
            [list(printed)],
        )
    )
    assert got == printed


def test_units_are_apart_from_their_department(samples_run: Run) -> None:
    """秦皇岛 prints its department and its one unit (731001) with the same figures: the unit's
    are in fct_unit_budget_figure, so neither mart counts them twice."""
    department, unit = (
        samples_run.sql(
            f"""select sum(amount_wan) from marts.{mart}
                where department_name = '秦皇岛市科学技术协会' and subject_key = 'function:206'
                  and fund_scope = 'all_funds' and figure = 'expense_total'"""
        )[0][0]
        for mart in ("fct_budget_figure", "fct_unit_budget_figure")
    )
    assert department == unit == Decimal("657.82")


def test_narrative_figures_only_where_no_table_prints_them(samples_run: Run) -> None:
    """004 (武汉青山区) has no tables: its total comes from its 情况说明 (415.51 万元 as printed),
    while 000's comes from a table although its narrative states it too."""
    rows = dict(
        samples_run.sql(
            """select file_name, (source_kind, amount_wan) from marts.fct_budget_figure
               where figure = 'expense_total' and fund_scope = 'all_funds'
                 and subject_key = 'balance:expense_current_total'
                 and file_name in ('000_e4a04ce1a9052b5d.txt', '004_c475e0477e87c15d.txt')"""
        )
    )
    assert rows == {
        "000_e4a04ce1a9052b5d.txt": ("table", Decimal("657.82")),
        "004_c475e0477e87c15d.txt": ("narrative", Decimal("415.51")),
    }


@pytest.fixture(scope="module")
def budget_final_run(prefect_harness, tmp_path_factory) -> Run:
    """规划局's 2024 决算 and the 2024 预算 derived from the 年初预算 it states (tests/budgetgen.py)."""
    base = tmp_path_factory.mktemp("budget_final")
    raw = base / "raw"
    raw.mkdir()
    final = REALDOCS / "shanghai" / "上海市普陀区规划和自然资源局 2024 年度部门决算.pdf"
    shutil.copy(final, raw / final.name)
    budget_pdf(raw / "上海市普陀区规划和自然资源局2024年度部门预算.pdf")
    return run_flow(raw, base / "warehouse.duckdb", base / "build")


@pytest.mark.skipif(not (REALDOCS / "shanghai").is_dir(), reason="../shared/realdocs is not present")
def test_budget_against_final_across_a_budget_and_its_final_accounts(budget_final_run: Run) -> None:
    """The 决算 (p.14, 一般公共预算财政拨款支出决算表) prints 2080506 职业年金缴费支出 225.12 and 212
    城乡社区支出 3832.36; the 预算 prints 226.25 (the 年初预算 p.22 states) and 212 = 1115.48 + 3110.14."""
    rows = {
        r[0]: r[1:]
        for r in budget_final_run.sql(
            """select subject_key, budget_wan::varchar, final_wan::varchar, execution_rate::varchar,
                      stated_budget_initial_wan::varchar
               from marts.fct_budget_vs_final where department_name = '上海市普陀区规划和自然资源局'"""
        )
    }
    assert rows["function:2080506"] == ("226.250000", "225.120000", "99.50", "226.250000")
    assert rows["function:212"] == ("4225.620000", "3832.360000", "90.69", None)
    assert rows["balance:total"][:2] == ("10210.330000", "9746.500000")
    assert len(rows) == 25  # 5 类, 6 款, 13 项 and the 合计, printed by both
    statuses = budget_final_run.sql(
        """select status, count(*) from marts.fct_rule_check
           where rule_id = 'final_states_budget_document' group by all order by all"""
    )
    # 9 项 agree; 年初预算 10210.34 stated for the total vs its 项 adding up to 10210.33; four 项
    # named unlike the 决算's own table (住房保障支出（款） for 22102 住房改革支出, …) and the 三公
    # total, which no line of the 支出表 holds, are skipped
    assert statuses == [("pass", 9), ("rounding", 1), ("skipped", 5)]


def test_budget_against_final_as_a_final_account_states_it(samples_run: Run) -> None:
    """社工部 2024 (一般公共预算财政拨款支出决算具体情况, as printed): 全年预算为17.68万元，支出决算为
    11.31万元。决算数小于全年预算数 — and its table prints 2013950 事业运行 11.31."""
    rows = samples_run.sql(
        """select subject_key, budget_initial_wan::varchar, budget_adjusted_wan::varchar,
                  final_amount_wan::varchar, execution_rate_adjusted::varchar, stated_rate, stated_direction,
                  table_amount_wan::varchar
           from marts.fct_budget_execution where file_name like '中共上海市普陀区委社会工作部%'
           order by figure_seq"""
    )
    assert len(rows) == 10  # the total and its nine 项
    assert rows[2] == (
        "function:2013950", None, "17.680000", "11.310000", "63.97", None, "less", "11.310000",
    )  # fmt: skip
    # 年初预算为0万元，全年预算为321.02万元，支出决算为307.82万元，完成年初预算的95.89%
    assert rows[0][:5] == ("balance:total", "0.000000", "321.020000", "307.820000", "95.89")
    assert all(r[0] is not None for r in rows)  # every name resolves to its table line


def test_export_parquet_csv_and_workbooks_keep_every_amount_exact(samples_run: Run, tmp_path: Path) -> None:
    import duckdb
    import openpyxl
    import polars as pl

    from budgetwh.export import export

    done = export(samples_run.warehouse, tmp_path)
    # Parquet: partitioned by year and phase, DECIMAL amounts, the same rows and totals
    facts = tmp_path / "parquet" / "fact_budget_line"
    assert {p.parent.name for p in facts.rglob("*.parquet")} == {"phase=budget", "phase=final"}
    with duckdb.connect() as con:
        back = con.execute(
            f"""select count(*), sum(amount_wan), typeof(any_value(amount_wan))
                from read_parquet('{facts}/**/*.parquet', hive_partitioning = true)"""
        ).fetchone()
    stored = samples_run.sql(
        "select count(*), sum(amount_wan), typeof(any_value(amount_wan)) from marts.fact_budget_line"
    )
    assert back == stored[0] and back[2].startswith("DECIMAL")
    # CSV: a byte-order mark for Excel, labels as printed, amounts as the exact digits
    path = tmp_path / "csv" / "fct_budget_figure.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    frame = pl.read_csv(path, infer_schema=False)
    assert frame.height == samples_run.sql("select count(*) from marts.fct_budget_figure")[0][0]
    assert (
        sum(Decimal(v) for v in frame["amount_wan"])
        == samples_run.sql("select sum(amount_wan) from marts.fct_budget_figure")[0][0]
    )
    assert "科学技术支出" in set(frame["subject_name"])
    # Excel: one workbook per published disclosure; 秦皇岛's 支出总表 laid out as printed
    published = samples_run.sql("select count(*) from marts.dim_disclosure where is_published")[0][0]
    assert len(done.files["xlsx"]) == published
    book = openpyxl.load_workbook(tmp_path / "xlsx" / "秦皇岛市科学技术协会_2022_预算.xlsx")
    sheet = next(book[n] for n in book.sheetnames if n.endswith("部门预算支出总表"))
    header = [c.value for c in sheet[3]]
    by_label = {row[header.index("项目")]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
    printed = {3: "合计", 4: "基本支出", 5: "项目支出"}
    checked = 0
    with (FIXTURES / "expected_facts.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["seed_file"].startswith("000") and row["table_title"] == "部门预算支出总表":
                value = by_label[row["line_label"]][header.index(printed[int(row["column_no"])])]
                assert Decimal(str(value)) == Decimal(row["amount"]), row
                checked += 1
    assert checked == 16
    assert (
        book["facts"].max_row - 1
        == samples_run.sql("select count(*) from marts.fact_budget_line where file_name = '000_e4a04ce1a9052b5d.txt'")[
            0
        ][0]
    )


def test_export_refuses_an_unknown_format_naming_the_formats(samples_run: Run, tmp_path: Path) -> None:
    from budgetwh.cli import main

    assert main(["export", "--warehouse", str(samples_run.warehouse), "--out", str(tmp_path), "--format", "pdf"]) == 2
    assert not any(tmp_path.iterdir())


CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    # the report draws its charts with inlined JavaScript after load: give it time
    "--virtual-time-budget=15000",
]


def test_report_is_one_offline_file_with_charts_and_the_findings(samples_run: Run, tmp_path: Path) -> None:
    import re

    from budgetwh.report import build_report

    report = build_report(samples_run.warehouse, tmp_path / "report.html")
    page = report.path.read_text(encoding="utf-8")
    # nothing fetched from anywhere: no src/href to a network address, the Vega bundle inline
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "vegaEmbed" in page and report.charts >= 3
    # the two genuine inconsistencies of 004 are listed with their line
    assert report.findings >= 2 and "narrative_yoy_amount" in page and "line 868" in page
    assert "科学技术支出" in page and "657.82" in page
    # a department filter that matches nothing is an error, not an empty report
    from budgetwh.report import ReportError

    with pytest.raises(ReportError, match="不存在的部门"):
        build_report(samples_run.warehouse, tmp_path / "none.html", department="不存在的部门")
    assert not (tmp_path / "none.html").exists()


def test_report_screenshot_in_chromium_shows_the_charts(samples_run: Run, tmp_path: Path) -> None:
    """Opens the report in headless Chromium (Debian's `chromium`; .ci/run installs it where
    apt can) and checks the page drew its charts: SVG in the DOM, chart colour on the screen."""
    import shutil
    import subprocess

    from budgetwh.report import build_report

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Chromium is not installed (apt-get install chromium): the report screenshot is not checked")
    report = build_report(samples_run.warehouse, tmp_path / "report.html")
    profile = tmp_path / "chromium-profile"
    base = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
    dom = subprocess.run(
        [*base, "--dump-dom", report.path.as_uri()], capture_output=True, text=True, timeout=120, check=True
    ).stdout
    assert dom.count('class="marks"') >= report.charts  # each chart became an SVG
    shot = tmp_path / "report.png"
    subprocess.run(
        [*base, "--window-size=1280,1600", f"--screenshot={shot}", report.path.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    from PIL import Image

    pixels = Image.open(shot).convert("RGB").get_flattened_data()
    # Vega's first category colour (#4c78a8) fills the bars of the first chart
    bars = sum(1 for r, g, b in pixels if abs(r - 76) < 12 and abs(g - 120) < 12 and abs(b - 168) < 12)
    assert bars > 2_000, f"{bars} pixels of chart colour in {shot}"


def test_dbt_docs_describe_every_column_and_the_warehouse_carries_them(samples_run: Run, tmp_path: Path) -> None:
    """Every column of every model, seed and raw table is described in the generated docs,
    the published tables carry the descriptions as comments (persist_docs), and the report,
    export and notebook are exposures of the marts they read."""
    import json

    from budgetwh.dbt_build import dbt_docs

    site = dbt_docs(samples_run.warehouse, tmp_path / "docs")
    assert site.exists() and site.stat().st_size > 100_000
    manifest = json.loads((site.parent / "manifest.json").read_text(encoding="utf-8"))
    catalog = json.loads((site.parent / "catalog.json").read_text(encoding="utf-8"))
    described = {**manifest["nodes"], **manifest["sources"]}
    columns, undescribed = 0, []
    for uid, node in {**catalog["nodes"], **catalog["sources"]}.items():
        assert described[uid]["description"].strip(), uid
        for column in node["columns"]:
            columns += 1
            if not described[uid]["columns"].get(column, {}).get("description", "").strip():
                undescribed.append(f"{uid}.{column}")
    assert columns > 700 and undescribed == []
    assert {e["name"] for e in manifest["exposures"].values()} == {
        "budgetwh_report",
        "budgetwh_export",
        "budgetwh_notebook",
    }
    comments = samples_run.sql(
        """select table_name, column_name, comment from duckdb_columns()
           where schema_name = 'marts' and table_name = 'fct_budget_figure' and column_name = 'fund_scope'"""
    )
    assert comments and "财政拨款" in comments[0][2]
