"""Balancing rules: each fixture changes ONE printed number of a sample and must
fail exactly the rules that change really breaks, citing the changed line.

The expected rule sets were reasoned out by hand from the documents (e.g. raising
支出总表 row 11's 项目支出 breaks that row's 合计 = 基本 + 项目 and the parent 款
20607 = Σ 项 in that column, nothing else). All fixtures load in one flow run.
"""

from __future__ import annotations

import io
import shutil
from contextlib import redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

from budgetwh.cli import main as cli_main
from tests.conftest import SAMPLE_000, SAMPLE_001, SAMPLE_002, SAMPLE_004, Run, run_flow
from tests.test_realdocs import REALDOCS

GENUINE_004 = {"narrative_yoy_amount", "narrative_yoy_percent"}  # 比2019年预算增加206.19万元，增长2.04%


@dataclass(frozen=True)
class Mutation:
    """Replace `old` by `new` on one source line (0: the only line holding `old`)."""

    name: str
    source: Path
    line: int
    old: str
    new: str
    fails: frozenset[str]
    cites: tuple[str, int] | None  # (rule, line) a failing finding must name
    more: tuple[tuple[str, str], ...] = ()  # further edits, where one cannot break the rule
    keep_lines: int | None = None  # truncate the document to its first lines

    def apply(self, folder: Path) -> Path:
        lines = self.source.read_text(encoding="utf-8").split("\n")
        for line, old, new in ((self.line, self.old, self.new), *((0, o, n) for o, n in self.more)):
            index = line - 1 if line else next(i for i, ln in enumerate(lines) if old in ln)
            assert old in lines[index], (self.name, lines[index])
            lines[index] = lines[index].replace(old, new, 1)
        path = folder / f"{self.name}__{self.source.name}"
        path.write_text("\n".join(lines[: self.keep_lines]), encoding="utf-8")
        return path


def m(name: str, source: Path, line: int, old: str, new: str, fails: set[str], cites=None, **kw) -> Mutation:
    return Mutation(name, source, line, old, new, frozenset(fails), cites, **kw)


@dataclass(frozen=True)
class PdfMutation:
    """Print `new` over the number `old` that stands on `label`'s line of a PDF page (1-based)."""

    name: str
    source: Path
    page: int
    label: str
    old: str
    new: str
    fails: frozenset[str]
    cites: tuple[str, int] | None = None

    def apply(self, folder: Path) -> Path:
        import pymupdf

        doc = pymupdf.open(self.source)
        page = doc[self.page - 1]
        (label,) = page.search_for(self.label)
        (hit,) = [r for r in page.search_for(self.old) if abs(r.y1 - label.y1) < 3]
        page.add_redact_annot(hit)
        page.apply_redactions()
        page.insert_text((hit.x0, hit.y1 - 3.2), self.new, fontname="tiro", fontsize=10.45)
        path = folder / f"{self.name}__{self.source.name}"
        doc.save(path)
        return path


SHEGONGBU_2024 = REALDOCS / "shanghai" / "中共上海市普陀区委社会工作部 2024 年度部门决算.pdf"
# A real blank template (上海's 决算 template: nine tables, no amounts), loaded as it is.
BLANK_TEMPLATE = REALDOCS / "shanghai" / "附件2：部门决算模板.pdf"


# 001 is DOCX text: a row starts at its 序号 line and cell 栏次 k sits k lines below.
MUTATIONS = [
    m("summary_balance", SAMPLE_001, 224, "1650.88", "1651.88",
      {"summary_balance", "summary_expense_total"}, ("summary_expense_total", 220)),
    m("summary_income_total", SAMPLE_001, 216, "247.19", "247.29",
      {"summary_income_total", "narrative_matches_table"}, ("summary_income_total", 220)),
    m("summary_income_items", SAMPLE_001, 24, "1403.69", "1403.79",
      {"summary_income_items", "narrative_matches_table"}, ("summary_income_items", 208)),
    m("summary_expense_classes", SAMPLE_001, 80, "57.98", "58.98",
      {"summary_expense_classes", "cross_function_classes"}, ("cross_function_classes", 76)),
    m("summary_carryover_items", SAMPLE_001, 1209, "247.19", "247.09",
      {"summary_carryover_items"}, ("summary_carryover_items", 1198)),
    m("row_income_summary", SAMPLE_001, 407, "75.06", "75.16",
      {"row_income_summary", "hierarchy_segment"}, ("row_income_summary", 395)),
    m("row_income_sources", SAMPLE_001, 400, "512.63", "512.73",
      {"row_income_sources", "hierarchy_segment"}, ("row_income_sources", 395)),
    m("row_expense_summary", SAMPLE_001, 746, "146.15", "146.25",
      {"row_expense_summary", "hierarchy_segment"}, ("row_expense_summary", 741)),
    m("row_gpb_expense", SAMPLE_001, 1289, "5.09", "5.19",
      {"row_gpb_expense", "hierarchy_class", "hierarchy_segment"}, ("row_gpb_expense", 1284)),
    m("row_basic_expense", SAMPLE_001, 1481, "213.45", "213.55",
      {"row_basic_expense", "hierarchy_class"}, ("row_basic_expense", 1477)),
    m("row_fiscal_expense", SAMPLE_001, 951, "58.27", "58.37",
      {"row_fiscal_expense", "summary_expense_classes"}, ("row_fiscal_expense", 946)),
    m("row_three_public", SAMPLE_001, 1846, "0.74", "0.84",
      {"row_three_public", "three_public_parts"}, ("row_three_public", 1843)),
    m("hierarchy_total", SAMPLE_001, 1273, "1650.88", "1650.98",
      {"hierarchy_total", "row_gpb_expense", "cross_gpb_fiscal"}, ("hierarchy_total", 1270)),
    m("cross_income_summary", SAMPLE_001, 272, "1650.88", "1650.98",
      {"cross_income_summary", "row_income_summary", "hierarchy_total"}, ("cross_income_summary", 269)),
    m("cross_expense_summary", SAMPLE_001, 644, "1650.88", "1650.98",
      {"cross_expense_summary", "row_expense_summary", "hierarchy_total"}, ("cross_expense_summary", 641)),
    m("cross_basic_gpb", SAMPLE_001, 1466, "980.67", "980.77",
      {"cross_basic_gpb", "row_basic_expense", "hierarchy_total"}, ("cross_basic_gpb", 1463)),
    m("three_public_vehicle", SAMPLE_001, 1838, "4.71", "4.81",
      {"three_public_vehicle", "row_three_public", "narrative_matches_table"}, ("row_three_public", 1836)),
    m("three_public_parts", SAMPLE_001, 1810, "5.45", "5.55",
      {"three_public_parts", "row_three_public", "narrative_matches_table"}, ("row_three_public", 1808)),
    # 000 is PDF text: one row per line.
    m("three_public_subtotal", SAMPLE_000, 470, "小计 2.14", "小计 2.24",
      {"three_public_subtotal", "three_public_parts", "row_three_public", "cross_department_units"},
      ("row_three_public", 470)),
    m("cross_department_units", SAMPLE_000, 362, "1.93  1.93", "1.93  1.83",
      {"cross_department_units", "row_basic_expense", "hierarchy_class"}, ("cross_department_units", 362)),
    # 000 prints the 出国 sub-items blank; printing one exercises 出国 = Σ its parts.
    m("three_public_abroad", SAMPLE_000, 480, "其他因公出国（境）费     ", "其他因公出国（境）费 0.50    ",
      {"three_public_abroad", "row_three_public", "cross_department_units"}, ("three_public_abroad", 480)),
    m("narrative_matches_table", SAMPLE_001, 1899, "人员经费867.64万元", "人员经费867.74万元",
      {"narrative_matches_table", "narrative_basic_split"}, ("narrative_matches_table", 1899)),
    m("narrative_income_expense", SAMPLE_001, 1897, "上年结转结余247.19万元", "上年结转结余247.29万元",
      {"narrative_income_expense", "narrative_matches_table"}, ("narrative_matches_table", 1897)),
    m("narrative_expense_split", SAMPLE_002, 0, "项目支出0.5万元", "项目支出0.6万元", {"narrative_expense_split"}),
    m("narrative_basic_split", SAMPLE_002, 0, "人员经费85.95万元", "人员经费86.95万元", {"narrative_basic_split"}),
    m("narrative_three_public_parts", SAMPLE_002, 0, "公务接待费0.04万元", "公务接待费0.14万元",
      {"narrative_three_public_parts"}),
    m("narrative_vehicle_parts", SAMPLE_002, 0, "公务用车运行维护费1.1万元", "公务用车运行维护费1.2万元",
      {"narrative_vehicle_parts"}),
    m("narrative_projects_sum", SAMPLE_004, 860, "项目支出 258.80 万元", "项目支出 258.90 万元",
      {"narrative_projects_sum", "narrative_expense_split", "narrative_restated_consistently"} | GENUINE_004),
    m("narrative_yoy_amount", SAMPLE_004, 940, "比2020年预算增加 8.29", "比2020年预算增加 8.39",
      GENUINE_004, ("narrative_yoy_amount", 940)),
    m("document_fiscal_year", SAMPLE_002, 1, "部门2019年部门预算", "部门1919年部门预算", {"document_fiscal_year"}),
    # The identity rules below cannot be broken by one number: they need the name
    # and code gone, a unit lost, or no figure at all.
    m("document_unit", SAMPLE_002, 1, "山海关区科学技术协会部门2019年", "2019年", {"document_unit"},
      more=(("731科协", "科协"),)),
    m("document_amount_unit", SAMPLE_004, 0, "科普经费（化工区）20.8 万元", "化工区科普 20.8 万元",
      {"document_amount_unit"} | GENUINE_004),
    m("document_has_facts", SAMPLE_002, 1, "部门预算公开说明", "部门预算公开说明", {"document_has_facts"},
      keep_lines=12),
    # A real 决算 (page 13, 一般公共预算财政拨款基本支出决算表): 差旅费 1.15 → 2.15 breaks
    # 302 商品和服务支出 = Σ its 27 款 (printed 10.23; its items add up to 10.22, one cent of
    # rounding; 27 rounded terms allow 0.14, so a ten-cent change would still pass as rounding).
    PdfMutation("final_hierarchy_class", SHEGONGBU_2024, 13, "差旅费", "1.15", "2.15", frozenset({"hierarchy_class"})),
]  # fmt: skip


@pytest.fixture(scope="module")
def mutations_run(prefect_harness, tmp_path_factory) -> Run:
    base = tmp_path_factory.mktemp("mutations")
    raw = base / "raw"
    raw.mkdir()
    for mutation in MUTATIONS:
        mutation.apply(raw)
    for sample in (SAMPLE_000, SAMPLE_001, SAMPLE_002, SAMPLE_004, BLANK_TEMPLATE):
        shutil.copy(sample, raw / sample.name)
    return run_flow(raw, base / "warehouse.duckdb", base / "build")


def failing(run: Run, file_name: str) -> set[str]:
    rows = run.sql(
        "select distinct rule_id from marts.fct_rule_check where status = 'fail' and file_name = ?", [file_name]
    )
    return {r[0] for r in rows}


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[mu.name for mu in MUTATIONS])
def test_one_changed_number_fails_exactly_the_rules_it_breaks(mutations_run: Run, mutation: Mutation) -> None:
    assert failing(mutations_run, f"{mutation.name}__{mutation.source.name}") == mutation.fails


@pytest.mark.parametrize(
    "mutation", [mu for mu in MUTATIONS if mu.cites], ids=[mu.name for mu in MUTATIONS if mu.cites]
)
def test_finding_names_the_changed_line(mutations_run: Run, mutation: Mutation) -> None:
    rule, line = mutation.cites
    lines = mutations_run.sql(
        "select source_line from marts.fct_rule_check where status = 'fail' and rule_id = ? and file_name = ?",
        [rule, f"{mutation.name}__{mutation.source.name}"],
    )
    assert (line,) in lines


def test_samples_fail_only_where_the_document_itself_is_wrong(mutations_run: Run) -> None:
    for sample in (SAMPLE_000, SAMPLE_001, SAMPLE_002):
        assert failing(mutations_run, sample.name) == set(), sample.name
    assert failing(mutations_run, SAMPLE_004.name) == GENUINE_004
    sentences = mutations_run.sql(
        "select line_label from marts.fct_rule_check where status = 'fail' and file_name = ?", [SAMPLE_004.name]
    )
    assert all("比2019年预算增加206.19万元" in s[0] for s in sentences)


def test_rounding_in_001_is_a_warning_not_a_failure(mutations_run: Run) -> None:
    rows = mutations_run.sql(
        """select rule_id, status, lhs, rhs, diff, tolerance from marts.fct_rule_check
           where file_name = ? and line_label = '机构运行' and rule_id = 'row_expense_summary'""",
        [SAMPLE_001.name],
    )
    # 2060701 机构运行: 587.70 printed vs 410.79 + 176.90
    assert [(r[0], r[1], str(r[2]), str(r[3])) for r in rows] == [
        ("row_expense_summary", "rounding", "587.700000", "587.690000")
    ]


# Rules whose inputs no sample prints; a fixture above prints them.
NOT_IN_SAMPLES = {"three_public_abroad"}


def test_every_rule_is_exercised_by_the_samples(mutations_run: Run) -> None:
    exercised = {
        r[0]
        for r in mutations_run.sql(
            """select distinct rule_id from marts.fct_rule_check
               where status <> 'skipped' and file_name not like '%\\_\\_%' escape '\\'"""
        )
    }
    catalog = {r[0] for r in mutations_run.sql("select rule_id from seeds.rule_catalog")}
    assert catalog - exercised == NOT_IN_SAMPLES
    assert {mu.name for mu in MUTATIONS} >= NOT_IN_SAMPLES


def test_a_blank_template_is_a_warning_not_a_failure(mutations_run: Run) -> None:
    """A published blank template failed document_has_facts (error) and the checkpoint with it;
    its tables are recognised and print nothing, which is a warning of its own."""
    name = BLANK_TEMPLATE.name
    assert failing(mutations_run, name) == {"document_tables_blank"}
    assert mutations_run.sql(
        "select severity, message from marts.fct_rule_check where file_name = ? and status = 'fail'", [name]
    ) == [("warning", "9 tables recognised, 0 facts")]
    assert mutations_run.sql("select is_published from marts.dim_document where file_name = ?", [name]) == [(True,)]


def test_failing_document_is_left_out_until_accepted(mutations_run: Run, tmp_path: Path) -> None:
    name = "row_basic_expense__" + SAMPLE_001.name
    status = mutations_run.sql(
        "select validation_status, is_published from marts.dim_document where file_name = ?", [name]
    )
    assert status == [("failed", False)]
    published = mutations_run.sql("select count(*) from marts.fact_budget_line where file_name = ?", [name])
    kept = mutations_run.sql("select count(*) from marts.fact_budget_line_all where file_name = ?", [name])
    assert published == [(0,)] and kept[0][0] > 0
    assert not mutations_run.result.checkpoint_success

    # accept it on a copy of the warehouse, as `budgetwh accept` does
    from budgetwh.accept import resolve

    wh = tmp_path / "warehouse.duckdb"
    shutil.copy(mutations_run.warehouse, wh)
    doc = resolve(wh, name)
    # Every mutant of 001 is, to the warehouse, a version of the same disclosure with the same
    # tables: only the newest file is the latest and can be published. Make this one the newest.
    raw = tmp_path / "raw"
    shutil.copytree(mutations_run.raw, raw)
    (raw / name).touch()
    accepted = run_flow(raw, wh, tmp_path / "build", acceptances=[(doc, "publisher confirmed typo", "test")])
    assert accepted.sql(
        "select validation_status, is_published from marts.dim_document where file_name = ?", [name]
    ) == [("accepted", True)]
    assert accepted.sql("select count(*) from marts.fact_budget_line where file_name = ?", [name]) == kept
    assert accepted.sql("select count(*) from raw.document_acceptance") == [(1,)]


def test_checks_command_prints_findings(mutations_run: Run) -> None:
    out = io.StringIO()
    with redirect_stdout(out):
        code = cli_main(["checks", "--warehouse", str(mutations_run.warehouse), "--document", SAMPLE_004.name])
    text = out.getvalue()
    assert code == 0
    assert "narrative_yoy_amount" in text and "fail" in text and "比2019年预算增加206.19万元" in text


def test_checks_command_rejects_a_filter_that_names_nothing(mutations_run: Run) -> None:
    """Issue 12: a mistyped rule or document answered "no checks" as if all were well."""
    from contextlib import redirect_stderr

    wh = str(mutations_run.warehouse)
    for argv, says in (
        (["--rule", "narative_yoy_amount"], "no rule 'narative_yoy_amount'; rules are: "),
        (["--document", "no_such_file.txt"], "no document named or with an id starting 'no_such_file.txt'"),
    ):
        err = io.StringIO()
        with redirect_stderr(err), redirect_stdout(io.StringIO()):
            assert cli_main(["checks", "--warehouse", wh, *argv]) == 2
        assert says in err.getvalue()
        if argv[0] == "--rule":  # the message lists the rules there are
            assert ", narrative_yoy_amount, " in err.getvalue()
