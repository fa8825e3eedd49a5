"""Narrative figures and document identity. Expected values were read off the
source lines by eye (line numbers in comments), not from the parser."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from budgetwh.parse import parse_file
from tests.conftest import SAMPLE_000, SAMPLE_001, SAMPLE_002, SAMPLE_004

D = Decimal

EXPECTED: dict[Path, dict[str, str]] = {
    # 000 lines 558-587, 909, 1051
    SAMPLE_000: {
        "income_total": "657.82", "general_budget_income": "657.82", "expense_total": "657.82",
        "basic_expense": "602.82", "project_expense": "55.00", "admin_running": "61.14",
        "three_public_total": "2.14", "three_public_abroad": "0.00", "three_public_vehicle": "1.93",
        "vehicle_purchase": "0.00", "vehicle_operation": "1.93", "three_public_reception": "0.21",
        "procurement_total": "17.63", "fixed_assets": "112.25",
    },
    # 001 lines 1897-1905, 3361, 3583
    SAMPLE_001: {
        "income_total": "1403.69", "general_budget_income": "1403.69", "carryover": "247.19",
        "expense_total": "1650.88", "basic_expense": "980.67", "personnel_expense": "867.64",
        "public_expense": "113.03", "project_expense": "670.21", "admin_running": "113.03",
        "three_public_total": "5.45", "three_public_abroad": "0", "three_public_vehicle": "4.71",
        "vehicle_purchase": "0", "vehicle_operation": "4.71", "three_public_reception": "0.74",
        "procurement_total": "4.71", "fixed_assets": "547.09",
    },
    # 002 "1、收入说明" … "四、财政拨款“三公”经费", "七、国有资产信息"
    SAMPLE_002: {
        "income_total": "95.75", "general_budget_income": "95.75", "expense_total": "95.75",
        "basic_expense": "95.25", "personnel_expense": "85.95", "public_expense": "9.3",
        "project_expense": "0.5", "admin_running": "9.3", "three_public_total": "1.14",
        "three_public_abroad": "0", "three_public_vehicle": "1.1", "vehicle_purchase": "0",
        "vehicle_operation": "1.1", "three_public_reception": "0.04", "fixed_assets": "5.67",
    },
    # 004 第三部分 (一)…(九)
    SAMPLE_004: {
        "income_total": "415.51", "general_budget_income": "415.51", "expense_total": "415.51",
        "basic_expense": "156.71", "project_expense": "258.80", "personnel_expense": "146.7",
        "public_expense": "10.01", "admin_running": "10.01", "three_public_total": "0", "carryover": "0",
        "procurement_total": "5",
    },
}  # fmt: skip


def first_statements(path: Path) -> dict[str, Decimal]:
    parsed = parse_file(path)
    year = parsed.identity.fiscal_year
    out: dict[str, Decimal] = {}
    for f in parsed.figures:
        if f.label is None and f.metric != "yoy_change_total" and (f.fiscal_year in (None, year)):
            out.setdefault(f.metric, f.amount)
    return out


@pytest.mark.parametrize("path", list(EXPECTED))
def test_headline_figures(path: Path) -> None:
    assert first_statements(path) == {k: D(v) for k, v in EXPECTED[path].items()}


def test_vehicle_running_cost_is_the_three_public_figure_not_the_admin_cost_breakdown() -> None:
    # 002 mentions 公务用车运行维护费0.6万元 inside 机关运行经费 and 1.1 in the 三公 paragraph.
    assert first_statements(SAMPLE_002)["vehicle_operation"] == D("1.1")


def test_project_forms_in_yuan_are_converted_on_evidence() -> None:
    figures = [f for f in parse_file(SAMPLE_004).figures if f.metric == "project_amount"]
    got = {f.label: (f.amount, f.amount_unit, f.amount_wan) for f in figures}
    # forms: 当年资金总额 208000.00 / 2380000.00 (no unit printed);
    # narrative: 科普经费（青山区）238 万元, 科普经费（化工区）20.8 万元
    assert got == {
        "科普经费（化工区）": (D("208000.00"), "元", D("20.8")),
        "科普经费（青山区）": (D("2380000.00"), "元", D("238")),
    }
    assert all(f.unit_basis.startswith("inferred: line ") and "万元" in f.unit_basis for f in figures)


def test_project_form_without_evidence_keeps_unit_unknown(tmp_path: Path) -> None:
    text = SAMPLE_004.read_text(encoding="utf-8").replace("科普经费（化工区）20.8 万元", "化工区科普 20.8 万元")
    path = tmp_path / "004.txt"
    path.write_text(text, encoding="utf-8")
    fig = next(f for f in parse_file(path).figures if f.label == "科普经费（化工区）")
    assert (fig.amount_unit, fig.amount_wan) == (None, None)
    assert fig.unit_basis.startswith("unknown:")


def test_year_on_year_statements() -> None:
    yoy = [
        (f.fiscal_year, f.amount, f.percent) for f in parse_file(SAMPLE_004).figures if f.metric == "yoy_change_total"
    ]
    assert yoy == [(2019, D("206.19"), D("2.04")), (2020, D("8.29"), D("2.04"))]
    yoy_002 = [(f.fiscal_year, f.amount) for f in parse_file(SAMPLE_002).figures if f.metric == "yoy_change_total"]
    assert yoy_002 == [(2018, D("-1.44"))]  # 较2018年预算减少1.44万元


def test_funds_form_gives_prior_years() -> None:
    figures = parse_file(SAMPLE_004).figures
    got = {(f.metric, f.fiscal_year): f.amount for f in figures if f.source_kind == "form" and f.fiscal_year != 2021}
    # 004 lines 61-68: 财政拨款 415.51 100% 201.03 407.22 · 基本支出 156.71 37.72% 151.17 133.14 …
    assert got[("expense_total", 2019)] == D("201.03")
    assert got[("expense_total", 2020)] == D("407.22")
    assert got[("basic_expense", 2019)] == D("151.17")
    assert got[("project_expense", 2020)] == D("274.08")


@pytest.mark.parametrize(
    ("path", "year", "code", "name", "region"),
    [
        (SAMPLE_000, 2022, "731", "秦皇岛市科学技术协会", "河北省/秦皇岛市"),
        (SAMPLE_001, 2023, "731", "张家口市科学技术协会", "河北省/张家口市"),
        (SAMPLE_002, 2019, "731", "山海关区科学技术协会", "河北省/秦皇岛市/山海关区"),
        (SAMPLE_004, 2021, "005001022", "武汉市青山区科学技术协会", "湖北省/武汉市/青山区"),
    ],
)
def test_identity(path: Path, year: int, code: str, name: str, region: str) -> None:
    ident = parse_file(path).identity
    assert (ident.fiscal_year, ident.department_code, ident.department_name, ident.region.key) == (
        year, code, name, region,
    )  # fmt: skip


def test_evidence_sentence_and_line_are_kept() -> None:
    fig = next(f for f in parse_file(SAMPLE_000).figures if f.metric == "procurement_total")
    assert fig.source_line == 909
    assert fig.sentence == "2022年，秦皇岛市科学技术协会安排政府采购预算17.63万元。"


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("山海关区科学技术协会", "河北省/秦皇岛市/山海关区"),  # county → its city and province
        ("邓州市自然资源和规划局", "河南省/南阳市/邓州市"),  # county-level city
        ("新疆维吾尔自治区乌鲁木齐市天山区财政局", "新疆维吾尔自治区/乌鲁木齐市/天山区"),
        ("中共上海市普陀区委社会工作部", "上海市/普陀区"),  # not 舟山's 普陀区; a municipality has no city
        ("南京市鼓楼区科学技术协会", "江苏省/南京市/鼓楼区"),  # the city printed first decides
        ("仙桃市财政局", "湖北省/仙桃市"),  # a county-level city directly under its province
        ("某某协会", "unknown"),
    ],
)
def test_region_resolution(name: str, key: str) -> None:
    from budgetwh.narrative.identity import resolve_region

    assert resolve_region(name).key == key


def test_region_codes_are_the_official_list() -> None:
    """Codes checked against 民政部's list by hand: 山海关区 130303, 南京市 320100, 邓州市 411381."""
    from budgetwh.narrative.identity import resolve_region

    assert [resolve_region(n).code for n in ("山海关区科学技术协会", "南京市财政局", "邓州市自然资源和规划局")] == [
        "130303",
        "320100",
        "411381",
    ]


def test_a_place_name_several_places_share_resolves_by_context_or_stays_unresolved(tmp_path) -> None:
    """鼓楼区 is a district of 南京, 徐州, 福州 and 开封. The hand-typed list knew only 开封's, so
    every 鼓楼区 department resolved there and different departments merged in dim_unit."""
    from budgetwh.narrative.identity import resolve_region
    from budgetwh.parse import parse_file

    assert resolve_region("鼓楼区科学技术协会", "福州市鼓楼区2021年部门预算").key == "福建省/福州市/鼓楼区"
    text = SAMPLE_002.read_text(encoding="utf-8").replace("秦皇岛市", "").replace("山海关区", "鼓楼区")
    doc = tmp_path / "鼓楼区科协2019年预算.txt"
    doc.write_text(text, encoding="utf-8")
    parsed = parse_file(doc)
    assert parsed.identity.region.key == "unresolved/鼓楼区"
    assert len(parsed.identity.region.ambiguous) == 4
    finding = next(f for f in parsed.findings if f.kind == "region_ambiguous")
    assert "福建省/福州市/鼓楼区" in finding.reason and "河南省/开封市/鼓楼区" in finding.reason


REALDOCS = Path(__file__).resolve().parents[1].parent / "shared" / "realdocs"
SHANGHAI = REALDOCS / "shanghai"
JIANGSU = REALDOCS / "jiangsu"


@pytest.mark.skipif(not SHANGHAI.is_dir(), reason="../shared/realdocs is not present")
def test_execution_statements_of_a_final_account() -> None:
    """社工部 2024, 一般公共预算财政拨款支出决算具体情况 as printed: each 项 states 全年预算 and 决算."""
    figures = parse_file(SHANGHAI / "中共上海市普陀区委社会工作部 2024 年度部门决算.pdf").figures
    stated = [
        (f.metric, f.amount, f.reference_amount, f.percent, f.stated_direction)
        for f in figures
        if f.metric in ("execution_rate", "execution_direction")
    ]
    budgets = [(f.metric, f.amount) for f in figures if f.metric.startswith("execution_budget")][:2]
    assert budgets == [("execution_budget_initial", Decimal("0")), ("execution_budget_adjusted", Decimal("321.02"))]
    assert sum(f.metric == "execution_final" for f in figures) == 10
    # 年初预算为0万元，全年预算为321.02万元，支出决算为307.82万元，完成年初预算的95.89%。决算数小于预算数
    assert stated[:2] == [
        ("execution_rate", Decimal("307.82"), Decimal("0"), Decimal("95.89"), None),  # 年初, as named
        ("execution_direction", Decimal("307.82"), Decimal("321.02"), None, "less"),  # the last budget
    ]
    # 全年预算为17.68万元，支出决算为11.31万元。决算数小于全年预算数 (no rate printed)
    assert ("execution_direction", Decimal("11.31"), Decimal("17.68"), None, "less") in stated
    # 全年预算为202.24万元，支出决算为202.24万元。决算数与全年预算数持平
    assert ("execution_direction", Decimal("202.24"), Decimal("202.24"), None, "equal") in stated
    assert sum(m == "execution_direction" for m, *_ in stated) == 10  # the total and its nine 项
    assert sum(m == "execution_rate" for m, *_ in stated) == 4  # 95.89, 98.69, 99.55, 97.68 %
    subjects = [f.label for f in figures if f.metric == "execution_direction"]
    assert subjects[0] == "一般公共预算财政拨款支出"
    assert subjects[2] == "一般公共服务支出（类）社会工作事务（款）事业运行（项）"


def test_a_change_is_not_read_as_the_amount(tmp_path: Path) -> None:
    """江苏省人大办公厅2017: 增加基本支出844.15万元 is an increase, not 基本支出 (7,666.68)."""
    doc = tmp_path / "n.txt"
    doc.write_text(
        "某某局2017年部门预算\n本年支出预算7666.68万元，其中基本支出7666.68万元。"
        "主要原因是政策性增资等原因，增加基本支出844.15万元。\n",
        encoding="utf-8",
    )
    basic = [f.amount for f in parse_file(doc).figures if f.metric == "basic_expense"]
    assert basic == [Decimal("7666.68")]


def test_business_income_is_a_headline_figure_as_budgets_and_final_accounts_state_it(tmp_path: Path) -> None:
    """事业收入 as a 预算's income sentence states it, and as the national 决算 template's
    收入 paragraph does (收入合计XXX万元，其中：财政拨款收入XXX万元，占XX%；事业收入XXX万元，占XX%)."""
    budget, final = tmp_path / "b.txt", tmp_path / "f.txt"
    budget.write_text(
        "某某局2023年部门预算\n2023年预算收入1,230.50万元，其中：一般公共预算收入1,000.00万元，"
        "事业收入230.50万元。事业收入增加12.00万元。\n",
        encoding="utf-8",
    )
    final.write_text(
        "某某局2024年度部门决算\n本年收入合计500.00万元，其中：财政拨款收入400.00万元，占80.00%；"
        "事业收入100.00万元，占20.00%。\n",
        encoding="utf-8",
    )
    for doc, want in ((budget, [Decimal("230.50")]), (final, [Decimal("100.00")])):
        assert [f.amount for f in parse_file(doc).figures if f.metric == "business_income"] == want, doc.name


def test_what_a_document_says_about_itself() -> None:
    """Heading years, as-of dates, 目录 entries; a wrapped sentence is not a heading (004 line 988:
    2020 年部门预算绩效目标已 100%完成，… is a comparison in a 2021 预算)."""
    mentions = parse_file(SAMPLE_004).mentions
    assert {m.value for m in mentions if m.kind == "heading_year"} == {"2021"}
    as_of = [(m.value, m.source_line) for m in parse_file(SAMPLE_000).mentions if m.kind == "as_of_date"]
    assert as_of == [("2021-12-31", 1057), ("2021-12-31", 2167)]  # 截止时间：2021-12-31


@pytest.mark.skipif(not SHANGHAI.is_dir(), reason="../shared/realdocs is not present")
def test_a_templates_placeholders_and_a_final_accounts_contents() -> None:
    template = parse_file(SHANGHAI / "附件2：部门决算模板.pdf").mentions
    assert {m.value for m in template if m.kind == "placeholder_name"} == {"XX局", "XX中心", "XX部门"}
    assert next(m.source_page for m in template if m.kind == "placeholder_name") == 1
    # 目录 on p.2 lists the nine tables, 一、收入支出决算总表 … 九、国有资本经营预算财政拨款收入支出决算表
    contents = [m for m in parse_file(SHANGHAI / "上海市普陀区规划和自然资源局 2024 年度部门决算.pdf").mentions
                if m.kind == "contents_entry"]  # fmt: skip
    assert len(contents) == 9 and {m.source_page for m in contents} == {2}
    assert contents[6].value == "three_public_expense" and contents[6].text == "七、财政拨款“三公”经费支出决算表"


@pytest.mark.skipif(not SHANGHAI.is_dir(), reason="../shared/realdocs is not present")
def test_shares_of_a_stated_total() -> None:
    """规划局 2024 as printed: 本年支出合计9759.38万元，其中：基本支出5377.64万元，占55.10%；项目支出
    4381.74万元，占44.90%; 一般公共预算财政拨款支出9746.50万元，主要用于以下方面：…（类）…万元，占…%."""
    figures = parse_file(SHANGHAI / "上海市普陀区规划和自然资源局 2024 年度部门决算.pdf").figures
    shares = [(f.label, str(f.amount), str(f.percent), str(f.reference_amount)) for f in figures if f.metric == "share"]
    assert shares[1:3] == [("基本支出", "5377.64", "55.10", "9759.38"), ("项目支出", "4381.74", "44.90", "9759.38")]
    assert shares[3] == ("社会保障和就业支出（类）", "754.75", "7.74", "9746.50")
    assert len(shares) == 8  # 财政拨款收入 and the five 类 besides


@pytest.mark.skipif(not SHANGHAI.is_dir(), reason="../shared/realdocs is not present")
def test_every_money_figure_in_the_narrative_is_read_or_a_finding() -> None:
    """社工部 2024: the money figures its pages print with a unit, counted here straight off
    PyMuPDF's page text (its tables print no unit in their cells), are the narrative's; each
    is held by a fact or reported with its sentence."""
    import re

    import pymupdf

    pdf = SHANGHAI / "中共上海市普陀区委社会工作部 2024 年度部门决算.pdf"
    money = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(亿元|万元|元)")
    on_pages = sum(len(money.findall(page.get_text().replace("\n", ""))) for page in pymupdf.open(pdf))
    parsed = parse_file(pdf)
    unread = [f for f in parsed.findings if f.kind == "narrative_figure_unread"]
    assert parsed.narrative_money_printed == on_pages == 55
    assert parsed.narrative_money_read + len(unread) == 55
    assert parsed.narrative_money_read == 55 and not unread  # 34 (62 %) before clauses were read
    # the procurement sentence's 采购金额21.07万元 is a fact of its clause
    assert any(f.metric == "amount" and f.label == "采购金额" and f.amount == Decimal("21.07") for f in parsed.figures)


@pytest.mark.skipif(not SHANGHAI.is_dir(), reason="../shared/realdocs is not present")
def test_figures_no_statement_reads_are_facts_of_their_clause() -> None:
    """社工部 2024 pp. 21–22 as printed: 机关运行经费支出10.23 万元，比2023 年度增加10.23 万元，增长100.00%;
    政府采购金额（以合同签订为准）为21.07 万元，其中：货物采购金额21.07 万元、工程采购金额0 万元、服务采购金额0
    万元; 单价100 万元（含）以上设备 (a bound, not an amount)."""
    figures = parse_file(SHANGHAI / "中共上海市普陀区委社会工作部 2024 年度部门决算.pdf").figures
    read = [
        (f.metric, f.label, str(f.amount), f.amount_unit, f.percent and str(f.percent), f.fiscal_year) for f in figures
    ]
    assert ("amount", "机关运行经费支出", "10.23", "万元", None, None) in read
    assert ("change", "机关运行经费支出", "10.23", "万元", "100.00", None) in read
    assert ("amount", "政府采购金额（以合同签订为准）", "21.07", "万元", None, 2024) in read
    assert ("amount", "工程采购金额", "0", "万元", None, None) in read
    assert ("amount", "服务采购金额", "0", "万元", None, None) in read
    assert ("threshold", "单价", "100", "万元", None, None) in read
    assert sum(1 for r in read if r[1] == "涉及预算金额" and r[2] == "175.52") == 3


@pytest.mark.skipif(not SHANGHAI.is_dir(), reason="../shared/realdocs is not present")
def test_a_change_naming_no_subject_is_about_the_clause_or_figure_before_it() -> None:
    """规划局 2024 p. 20: 收入支出总计9859.38 万元。与2023 年度相比，收入支出总计增加1062.85 万元，增长
    12.08%。主要原因：项目支出增加，较上一度增加1133.95 万元 (a subject the clause before names)."""
    figures = parse_file(SHANGHAI / "上海市普陀区规划和自然资源局 2024 年度部门决算.pdf").figures
    read = [(f.metric, f.label, str(f.amount), f.percent and str(f.percent)) for f in figures]
    assert read.index(("amount", "收入支出总计", "9859.38", None)) < read.index(
        ("change", "收入支出总计", "1062.85", "12.08")
    )
    assert ("change", "项目支出", "1133.95", None) in read
    # the narrative's first line is no longer swallowed by the blank table printed last before it
    first = next(f for f in figures if f.amount == Decimal("9859.38"))
    assert first.fiscal_year == 2024 and "收入支出总计" in first.sentence


def test_funds_scope_is_the_clause_s_or_the_sentence_topic_s() -> None:
    """秦皇岛 2022 (sample 000) states 财政拨款"三公"经费 and then each part; the parts are of the same
    funds. 张家口 2023 (sample 001) 一般公共预算收入 is general budget; 基本支出 names no funds."""
    scopes = {(f.metric, f.funds_scope) for f in parse_file(SAMPLE_001).figures}
    assert {("three_public_total", "appropriation"), ("three_public_reception", "appropriation")} <= scopes
    assert ("general_budget_income", "general_public_budget") in scopes
    assert ("basic_expense", None) in scopes


@pytest.mark.skipif(not JIANGSU.is_dir(), reason="../shared/realdocs is not present")
def test_grouped_thousands_and_changes_by_class() -> None:
    """江苏省政协办公厅 2017 pp. 6–7: 按功能分类，一般公共服务支出减少108.56 万元，社会保障和就业支出增加
    140.96 万元; 收入预算总计9,146.79 万元; 其他资金收入预算总计80 万元 (no funds printed for 其他资金).
    Every money figure its pages print (counted straight off PyMuPDF's text) is a fact."""
    import re

    import pymupdf

    pdf = JIANGSU / "江苏省政协办公厅" / "江苏省政协办公厅2017年度部门预算.pdf"
    money = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(亿元|万元|元)")
    on_pages = sum(len(money.findall(page.get_text().replace("\n", ""))) for page in pymupdf.open(pdf))
    parsed = parse_file(pdf)
    read = [(f.metric, f.label, str(f.amount), f.funds_scope) for f in parsed.figures]
    assert ("amount", "收入预算总计", "9146.79", None) in read
    assert ("change", "一般公共服务支出", "-108.56", None) in read
    assert ("change", "社会保障和就业支出", "140.96", None) in read
    assert ("amount", "其他资金收入预算总计", "80", None) in read
    assert ("amount", "财政拨款收入预算总计", "9066.79", "appropriation") in read
    assert parsed.narrative_money_read == parsed.narrative_money_printed == on_pages == 148


MONEY_PRINTED = r"(?<![\d.,])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(亿元|万元|元)"


def _printed_money(path: Path) -> int:
    """Money figures printed with a unit, counted straight off the file's text (PyMuPDF's for a
    PDF, pages joined: 规划局 prints 164.87 at the foot of p.27 and 万元 at the head of p.28)."""
    import re

    import pymupdf

    if path.suffix == ".pdf":
        text = "".join(page.get_text() for page in pymupdf.open(path))
    else:
        text = path.read_text(encoding="utf-8")
    return len(re.findall(MONEY_PRINTED, text.replace("\n", "")))


@pytest.mark.skipif(not REALDOCS.is_dir(), reason="../shared/realdocs is not present")
@pytest.mark.parametrize(
    "path",
    [SAMPLE_000, SAMPLE_001, SAMPLE_002, SAMPLE_004, *sorted(REALDOCS.rglob("*.pdf"))],
    ids=lambda p: p.name,
)
def test_every_printed_money_figure_is_a_fact(path: Path) -> None:
    """Issue 9 asks for ≥ 95 % of the narrative's money figures as facts, measured against a
    count made apart from the parser: their tables print no unit beside a number, so every
    figure with one is the narrative's."""
    parsed = parse_file(path)
    assert parsed.narrative_money_printed == _printed_money(path)
    assert parsed.narrative_money_read == parsed.narrative_money_printed


def test_the_narrative_stream_keeps_one_space_only_between_numbers_and_knows_each_line() -> None:
    from budgetwh.document import Document, Line
    from budgetwh.narrative.stream import build_stream

    printed = ["收入 预算 1 234.5 万元，", "\u3000\u3000增长 3 %。", "  ", "支出\xa0 合计 12 "]
    lines = [Line((text,), no, no, text, complete=False) for no, text in enumerate(printed, start=10)]
    stream = build_stream(Document(Path("x.txt"), "pdf_text", lines=lines), skip={12})
    assert stream.text == "收入预算1 234.5万元，增长3 %。支出合计12"
    # every character maps back to the line that printed it, a skipped line to none
    assert [stream.line_at(stream.text.index(s)) for s in ("收入", "增长", "支出", "12")] == [10, 11, 13, 13]
