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
from tests.budgetgen import budget_pdf
from tests.conftest import SAMPLE_000, SAMPLE_001, SAMPLE_002, SAMPLE_004, Run, run_flow
from tests.test_realdocs import ALL_PDFS, REALDOCS

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
    blank: tuple[int, ...] = ()  # cell lines printed empty (a table left blank)

    def apply(self, folder: Path) -> Path:
        lines = self.source.read_text(encoding="utf-8").split("\n")
        for line, old, new in ((self.line, self.old, self.new), *((0, o, n) for o, n in self.more)):
            index = line - 1 if line else next(i for i, ln in enumerate(lines) if old in ln)
            assert old in lines[index], (self.name, lines[index])
            lines[index] = lines[index].replace(old, new, 1)
        for line in self.blank:
            assert lines[line - 1].strip(), (self.name, line)
            lines[line - 1] = "\t"
        path = folder / f"{self.name}__{self.source.name}"
        path.write_text("\n".join(lines[: self.keep_lines]), encoding="utf-8")
        return path


def m(name: str, source: Path, line: int, old: str, new: str, fails: set[str], cites=None, **kw) -> Mutation:
    return Mutation(name, source, line, old, new, frozenset(fails), cites, **kw)


@dataclass(frozen=True)
class PdfMutation:
    """Print `new` over the number `old` that stands on `label`'s line of a PDF page (1-based).

    `nth` picks the label where the page prints it more than once (总计 on both sides of a
    总表), `column` the `old` to the label's right where several stand on its line; an empty
    label means the page prints `old` once.
    """

    name: str
    source: Path
    page: int
    label: str
    old: str
    new: str
    fails: frozenset[str]
    cites: tuple[str, int] | None = None
    nth: int = 0
    column: int = 0

    def apply(self, folder: Path) -> Path:
        import pymupdf

        doc = pymupdf.open(self.source)
        page = doc[self.page - 1]
        if self.label:
            label = sorted(page.search_for(self.label), key=lambda r: (r.x0, r.y0))[self.nth]
            on_line = [r for r in page.search_for(self.old) if abs(r.y1 - label.y1) < 3 and r.x0 >= label.x1 - 1]
            hit = sorted(on_line, key=lambda r: r.x0)[self.column]
        else:  # no label: the page prints `old` once
            (hit,) = page.search_for(self.old)
        page.add_redact_annot(hit)
        page.apply_redactions()
        # words need a CJK font (china-s, built into PyMuPDF); digits keep the table's look
        font = "tiro" if self.new.isascii() else "china-s"
        page.insert_text((hit.x0, hit.y1 - 3.2), self.new, fontname=font, fontsize=10.45)
        path = folder / f"{self.name}__{self.source.name}"
        doc.save(path)
        return path


@dataclass(frozen=True)
class PdfPageCut:
    """Leave pages (1-based) out of a PDF: a table its 目录 lists is then printed nowhere."""

    name: str
    source: Path
    pages: tuple[int, ...]
    fails: frozenset[str]
    cites: tuple[str, int] | None = None

    def apply(self, folder: Path) -> Path:
        import pymupdf

        doc = pymupdf.open(self.source)
        doc.delete_pages([p - 1 for p in self.pages])
        path = folder / f"{self.name}__{self.source.name}"
        doc.save(path)
        return path


SHEGONGBU_2024 = REALDOCS / "shanghai" / "中共上海市普陀区委社会工作部 2024 年度部门决算.pdf"
RENDA_2019_NARRATIVE = REALDOCS / "jiangsu" / "江苏省人大办公厅" / "江苏省人大常委会2019年度部门预算公开.pdf"
GUIHUA_2024 = REALDOCS / "shanghai" / "上海市普陀区规划和自然资源局 2024 年度部门决算.pdf"
# p.24 人员经费 4896.98 vs its table's 4884.09 (below); p.7 heads its 收入支出决算总表 with
# 上海市规划和自然资源局2024年度部门决算表, the city's bureau, where every other page names 普陀区's
GUIHUA_GENUINE = {"narrative_matches_table", "document_department_names"}
DERIVED_BUDGET = "上海市普陀区规划和自然资源局2024年度部门预算.pdf"
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
    # 001 prints its 三公 table (line 1785 on) blank while its narrative (line 1905) states 5.45, 4.71, 0.74
    m("narrative_blank_three_public", SAMPLE_001, 1810, "5.45", "5.45", {"narrative_matches_table"},
      ("narrative_matches_table", 1905), blank=(1810, 1811, 1824, 1825, 1838, 1839, 1845, 1846)),
    m("narrative_income_expense", SAMPLE_001, 1897, "上年结转结余247.19万元", "上年结转结余247.29万元",
      {"narrative_income_expense", "narrative_matches_table"}, ("narrative_matches_table", 1897)),
    # 001 prints 五、事业收入 blank in its 收支总表 (line 47): a narrative stating 事业收入 must match it
    m("narrative_business_income", SAMPLE_001, 1897, "单位资金收入0万元", "事业收入12.00万元",
      {"narrative_matches_table"}, ("narrative_matches_table", 1897)),
    m("narrative_business_income_nil", SAMPLE_001, 1897, "单位资金收入0万元", "事业收入0万元", set()),
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
    # …and its as-of date 2018-12-31 no longer precedes the year it states
    m("document_fiscal_year", SAMPLE_002, 1, "部门2019年部门预算", "部门1919年部门预算",
      {"document_fiscal_year", "document_year_as_of"}),
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
    # The 决算 总表 (p.5): 本年支出合计 + 结余分配 + 年末结转和结余 = 总计 = 收入总计; the right-hand 总计.
    PdfMutation("final_summary_expense_total", SHEGONGBU_2024, 5, "总计", "307.82", "308.82",
                frozenset({"summary_expense_total", "summary_balance"}), nth=1),
    # 本年收入合计 = Σ sources, the source printed on the income side.
    PdfMutation("final_summary_income_items", SHEGONGBU_2024, 5, "一、一般公共预算财政拨款收入", "307.82", "308.82",
                frozenset({"summary_income_items"})),
    # 本年支出合计 = Σ 类; the 类 line is also the 支出决算表's 201 line.
    PdfMutation("final_summary_expense_classes", SHEGONGBU_2024, 5, "一、一般公共服务支出", "264.87", "265.87",
                frozenset({"summary_expense_classes", "cross_function_classes"})),
    # 收入决算表 (p.6): a line's 本年收入合计 = Σ its sources; 20139 = Σ its 项 in the 财政拨款 column.
    PdfMutation("final_row_income_sources", SHEGONGBU_2024, 6, "行政运行", "51.32", "52.32",
                frozenset({"row_income_sources", "hierarchy_segment"}), column=1),
    # 收入决算表 合计 = 总表 本年收入合计; also that line's sources and Σ 类.
    PdfMutation("final_cross_income_summary", SHEGONGBU_2024, 6, "合计", "307.82", "308.82",
                frozenset({"cross_income_summary", "row_income_sources", "hierarchy_total"})),
    # 财政拨款收入支出决算总表 (p.11), 一般公共预算 column of 本年支出合计 = 一般公共预算财政拨款支出决算表 合计.
    PdfMutation("final_cross_gpb_fiscal", SHEGONGBU_2024, 11, "本年支出合计", "307.82", "308.82",
                frozenset({"cross_gpb_fiscal", "summary_expense_total", "summary_expense_classes"}), column=1),
    # 基本支出决算表 (p.13) 人员经费合计 + 公用经费合计 = 一般公共预算财政拨款支出决算表 合计 基本支出;
    # the narrative's 人员经费95.36万元 now disagrees with the table too.
    PdfMutation("final_cross_basic_gpb", SHEGONGBU_2024, 13, "人员经费合计", "95.36", "96.36",
                frozenset({"cross_basic_gpb", "narrative_matches_table"})),
    # 规划局 p.22: 年初预算为452.40万元，支出决算为446.11万元，完成年初预算的98.61%。决算数小于预算数…
    PdfMutation("final_execution_rate", GUIHUA_2024, 22, "446.11", "98.61", "97.61",
                frozenset({"narrative_execution_rate"}) | GUIHUA_GENUINE),
    PdfMutation("final_execution_direction", GUIHUA_2024, 22, "98.61", "小于", "大于",
                frozenset({"narrative_execution_direction"}) | GUIHUA_GENUINE),
    # 规划局 p.22: 职业年金缴费支出（项）…年初预算为226.25万元: against the 预算 derived from it (below), and
    # against its own 完成年初预算的99.50%
    PdfMutation("final_states_budget_document", GUIHUA_2024, 22, "", "226.25", "236.25",
                frozenset({"final_states_budget_document", "narrative_execution_rate"}) | GUIHUA_GENUINE),
    # 规划局 p.17, 三公 决算 printed as one row of item columns, 预算数 | 决算数 under each:
    # 合计 2.85 0.39 | 出国 0.00 0.00 | 公务用车 小计 0.00 0.00, 购置 0.00 0.00, 运行 0.00 0.00 | 接待 2.85 0.39.
    PdfMutation("final_three_public_parts", GUIHUA_2024, 17, "2.85", "0.39", "0.49",
                frozenset({"three_public_parts"}) | GUIHUA_GENUINE, column=1),
    PdfMutation("final_three_public_vehicle", GUIHUA_2024, 17, "2.85", "0.00", "1.00",
                frozenset({"three_public_vehicle"}) | GUIHUA_GENUINE, column=5),
    # 社工部 p.18: …事业运行（项）…全年预算为17.68万元，支出决算为11.31万元。决算数小于全年预算数: the
    # 一般公共预算财政拨款支出决算表 prints 2013950 事业运行 11.31 (p.12); still less than 17.68.
    PdfMutation("final_narrative_execution_table", SHEGONGBU_2024, 18, "", "11.31", "12.31",
                frozenset({"narrative_execution_matches_table"})),
    # 社工部 p.17: 本年支出合计307.82万元，其中：基本支出105.58万元，占34.30%；项目支出202.24万元，占65.70%
    PdfMutation("final_narrative_share", SHEGONGBU_2024, 17, "项目支出202.24", "65.70", "66.70",
                frozenset({"narrative_share"})),
    # 江苏 人大 2019 narrative p.15: …支出预算18330.37万元，与上年相比增加2432.93万元，增长15.3% (2432.93 ÷
    # 15897.44 = 15.30 %)
    PdfMutation("narrative_yoy_change_rate", RENDA_2019_NARRATIVE, 15, "2432.93", "15.3", "16.3",
                frozenset({"narrative_yoy_change_rate"})),
    # 江苏 人大 2019 narrative p.10: 2．社会保障和就业（类）支出1121.39万元 (its 公开表 prints 208 at 1121.39)
    PdfMutation("narrative_subject_matches_table", RENDA_2019_NARRATIVE, 10, "", "1121.39", "1131.39",
                frozenset({"narrative_subject_matches_table"})),
    # What a document says about itself. 000 line 491 heads its 情况说明 with the year.
    m("document_year_headings", SAMPLE_000, 491, "2022 年部门预算信息公开情况说明", "2021 年部门预算信息公开情况说明",
      {"document_year_headings"}, ("document_year_headings", 491)),
    # A 2019 预算 reports assets as of the end of 2018. The DOCX text prints the row 编制部门： |
    # 截止时间：… as lines 487-488; a row is cited by its first line.
    m("document_year_as_of", SAMPLE_002, 488, "截止时间：2018年12月31日", "截止时间：2017年12月31日",
      {"document_year_as_of"}, ("document_year_as_of", 487)),
    m("document_name_placeholder", SAMPLE_001, 1852, "张家口市科学技术协会2023年", "张家口市XX局2023年",
      {"document_name_placeholder"}, ("document_name_placeholder", 1852)),
    # the 情况说明's heading names the province's 科协, not 张家口's
    m("document_department_names", SAMPLE_001, 1852, "张家口市科学技术协会2023年", "河北省科学技术协会2023年",
      {"document_department_names"}, ("document_department_names", 1852)),
    # 规划局 without p.17, its 三公 table: the 目录 (p.2) still lists it.
    PdfPageCut("document_contents_tables", GUIHUA_2024, (17,),
               frozenset({"document_contents_tables"}) | GUIHUA_GENUINE),
]  # fmt: skip


@pytest.fixture(scope="module")
def mutations_run(prefect_harness, tmp_path_factory) -> Run:
    base = tmp_path_factory.mktemp("mutations")
    raw = base / "raw"
    raw.mkdir()
    for mutation in MUTATIONS:
        mutation.apply(raw)
    # Every real document as published (the blank template among them): their fails are
    # checked against the list of genuine ones below.
    for sample in (SAMPLE_000, SAMPLE_001, SAMPLE_002, SAMPLE_004, *ALL_PDFS):
        shutil.copy(sample, raw / sample.name)
    # 规划局's 2024 预算, derived from the 年初预算 its 决算 states (tests/budgetgen.py)
    budget_pdf(raw / DERIVED_BUDGET)
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


def test_a_stated_business_income_is_checked_against_its_table(mutations_run: Run) -> None:
    """Both statements of 事业收入 are compared with the 收支总表's 事业收入 line (blank: 0)."""
    rows = mutations_run.sql(
        """select file_name, status, cast(lhs as varchar), cast(rhs as varchar) from marts.fct_rule_check
           where rule_id = 'narrative_matches_table' and measure = 'business_income' order by file_name""",
    )
    assert rows == [
        (f"narrative_business_income__{SAMPLE_001.name}", "fail", "12.000000", "0.000000"),
        (f"narrative_business_income_nil__{SAMPLE_001.name}", "pass", "0.000000", "0.000000"),
    ]


def test_samples_fail_only_where_the_document_itself_is_wrong(mutations_run: Run) -> None:
    for sample in (SAMPLE_000, SAMPLE_001, SAMPLE_002):
        assert failing(mutations_run, sample.name) == set(), sample.name
    assert failing(mutations_run, SAMPLE_004.name) == GENUINE_004
    sentences = mutations_run.sql(
        "select line_label from marts.fct_rule_check where status = 'fail' and file_name = ?", [SAMPLE_004.name]
    )
    assert all("比2019年预算增加206.19万元" in s[0] for s in sentences)


# Each real document's own contradictions, read off its pages. Nothing else may fail.
GENUINE_REAL = {
    # p.24 states 一般公共预算财政拨款基本支出5377.64万元，其中：人员经费4896.98万元; its
    # 一般公共预算财政拨款基本支出决算表 (p.16) prints 人员经费合计 4884.09 + 公用经费合计 480.66
    # = 5364.75. 5377.64 is the all-funds 基本支出 of its 支出决算表 (p.10), labelled 财政拨款.
    GUIHUA_2024.name: GUIHUA_GENUINE,
    # a template: tables with no amounts, 上海市XX 局 where the department's name belongs
    "附件2：部门决算模板.pdf": {"document_tables_blank", "document_name_placeholder"},
}


@pytest.mark.parametrize("pdf", ALL_PDFS, ids=lambda p: p.name)
def test_real_documents_fail_only_where_they_contradict_themselves(mutations_run: Run, pdf: Path) -> None:
    assert failing(mutations_run, pdf.name) == GENUINE_REAL.get(pdf.name, set())


def test_the_real_contradictions_name_both_figures_and_the_line(mutations_run: Run) -> None:
    rows = mutations_run.sql(
        """select measure, cast(lhs as varchar), cast(rhs as varchar), line_label, message, source_line
           from marts.fct_rule_check where status = 'fail' and file_name = ? order by rule_id""",
        ["上海市普陀区规划和自然资源局 2024 年度部门决算.pdf"],
    )
    assert [r[:3] for r in rows] == [
        ("other_places_named", "1.000000", "0.000000"),
        ("personnel_expense", "4896.980000", "4884.090000"),
    ]
    assert rows[0][3] == "上海市规划和自然资源局2024年度部门决算表"
    assert rows[0][4] == "上海市规划和自然资源局 names 上海市, the document 普陀区"
    assert "人员经费4896.98" in rows[1][3]


def test_real_budgets_and_finals_are_checked_by_the_summary_and_cross_rules(mutations_run: Run) -> None:
    """The 总表 and cross-table rules ran only on the Hebei template's numbered columns (and a
    null unit code kept every cross rule from joining): a real 决算 passed them by not being checked."""
    checked = mutations_run.sql(
        """select d.phase, r.rule_id, count(*) from marts.fct_rule_check as r
           inner join marts.dim_document as d using (document_id)
           where r.status in ('pass', 'rounding') and (r.rule_id like 'summary%' or r.rule_id like 'cross%')
               and d.file_name in (select unnest(?))
           group by all""",
        [[p.name for p in ALL_PDFS]],
    )
    by_phase = {(phase, rule): n for phase, rule, n in checked}
    for rule in ("summary_balance", "summary_income_total", "summary_expense_total", "summary_income_items",
                 "summary_expense_classes", "cross_income_summary", "cross_expense_summary", "cross_gpb_fiscal",
                 "cross_basic_gpb", "cross_function_classes"):  # fmt: skip
        assert by_phase.get(("final", rule), 0) >= 2, rule  # both real 决算
    for rule in ("summary_balance", "summary_income_items", "cross_expense_summary"):
        assert by_phase.get(("budget", rule), 0) >= 6, rule  # every 江苏 预算 table file


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
    assert failing(mutations_run, name) == {"document_tables_blank", "document_name_placeholder"}
    assert mutations_run.sql(
        """select severity, message from marts.fct_rule_check where file_name = ? and status = 'fail'
           order by rule_id""",
        [name],
        # 24 XX局 on its pages (PyMuPDF text), two in the table headers of pp. 13–14: 22 outside tables
    ) == [("warning", "printed 22 times, first on page 1"), ("warning", "9 tables recognised, 0 table facts")]
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


def test_a_final_three_public_table_keeps_budget_and_final_apart(mutations_run: Run) -> None:
    """规划局 p.17 prints 预算数 | 决算数 under each 三公 item; both were read as one measure, and the
    小计 under 公务用车 as the 三公 小计. Read off the page: 合计 2.85 | 0.39, 公务接待费 2.85 | 0.39."""
    rows = mutations_run.sql(
        """select figure, subject_key, cast(amount_wan as varchar) from marts.fct_budget_figure
           where file_name = ? and figure like 'three_public%' and subject_key in
               ('three_public:total', 'three_public:reception', 'three_public:vehicle')
           order by all""",
        [GUIHUA_2024.name],
    )
    assert rows == [
        ("three_public", "three_public:reception", "0.390000"),
        ("three_public", "three_public:total", "0.390000"),
        ("three_public", "three_public:vehicle", "0.000000"),
        ("three_public_budget_initial", "three_public:reception", "2.850000"),
        ("three_public_budget_initial", "three_public:total", "2.850000"),
        ("three_public_budget_initial", "three_public:vehicle", "0.000000"),
    ]
