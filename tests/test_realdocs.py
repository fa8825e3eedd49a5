"""Native PDF reading on the real disclosures in ../shared/realdocs.

The expected cells come from independent lists (`fixtures/realdocs/*.cells.csv`),
made by reading the rendered pages, with no access to the code under test; their
READMEs say how. The 收支预算总表 figures are compared with an outside extraction
(`jiangsu/江苏省人大办公厅/收支预算总表.csv`, camelot, from the open-budget project).
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from budgetwh.parse import ParsedDocument, parse_file
from budgetwh.readers import read_document

REALDOCS = Path(__file__).resolve().parents[1].parent / "shared" / "realdocs"
FIXTURES = Path(__file__).parent / "fixtures" / "realdocs"
ALL_PDFS = sorted(REALDOCS.rglob("*.pdf"))

pytestmark = pytest.mark.skipif(not REALDOCS.is_dir(), reason="../shared/realdocs is not present")

CELL_LISTS = {
    "shanghai_shehuigongzuobu_2024": "shanghai/中共上海市普陀区委社会工作部 2024 年度部门决算.pdf",
    "jiangsu_rendachanghui_2019": "jiangsu/江苏省人大办公厅/江苏省人大常委会办公厅2019年部门预算公开表.pdf",
    "jiangsu_zhengxie_2017": "jiangsu/江苏省政协办公厅/2017年度部门预算公开表.pdf",
    "jiangsu_renda_2018": "jiangsu/江苏省人大办公厅/省人大办公厅2018预算公开.pdf",
}


def _expected(name: str) -> list[dict[str, str]]:
    with (FIXTURES / f"{name}.cells.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _cells(pdf: Path) -> Counter[tuple[int, str, str]]:
    parsed = parse_file(pdf)
    return Counter(
        (c.page, line.subject_code or "", c.text) for t in parsed.tables for line in t.lines for c in line.cells
    )


@pytest.mark.parametrize("pdf", ALL_PDFS, ids=lambda p: p.name)
def test_every_real_pdf_is_read_with_pages_and_boxes(pdf: Path) -> None:
    doc = read_document(pdf)
    assert doc.file_format == "pdf"
    assert doc.page_count and doc.page_count > 0
    assert doc.lines, "a digital PDF yields lines"
    assert all(line.page is not None and line.boxes is not None for line in doc.lines)
    assert all(len(line.boxes or ()) == len(line.cells) for line in doc.lines)


@pytest.mark.parametrize("name", sorted(CELL_LISTS))
def test_every_hand_listed_cell_is_read_exactly(name: str) -> None:
    expected = Counter((int(r["page"]), r["row_code"], r["amount"]) for r in _expected(name))
    got = _cells(REALDOCS / CELL_LISTS[name])
    assert expected - got == Counter(), "cells in the independent list that were not read"
    assert got - expected == Counter(), "cells read that the independent list does not have"


@pytest.mark.parametrize(
    ("rel", "phase", "year", "department"),
    [
        (
            "shanghai/中共上海市普陀区委社会工作部 2024 年度部门决算.pdf",
            "final",
            2024,
            "中共上海市普陀区委社会工作部",
        ),
        (
            "shanghai/上海市普陀区规划和自然资源局 2024 年度部门决算.pdf",
            "final",
            2024,
            "上海市普陀区规划和自然资源局",
        ),
        ("jiangsu/江苏省人大办公厅/江苏省人大常委会办公厅2019年部门预算公开表.pdf", "budget", 2019, None),
        ("jiangsu/江苏省政协办公厅/2017年度部门预算公开表.pdf", "budget", 2017, None),
        ("jiangsu/江苏省政协办公厅/江苏省政协办公厅2019年预算公开表.pdf", "budget", 2019, None),
    ],
)
def test_document_phase_year_and_department(rel: str, phase: str, year: int, department: str | None) -> None:
    parsed = parse_file(REALDOCS / rel)
    assert parsed.phase == phase
    assert all(t.phase == phase for t in parsed.tables)
    assert all(t.amount_unit == "万元" for t in parsed.tables)
    if department:
        assert parsed.identity.department_name == department
    assert parsed.identity.fiscal_year == year


SUMMARY_FILES = {
    "2017": "jiangsu/江苏省人大办公厅/江苏省人大办公厅2017年度预算公开.pdf",
    "2018": "jiangsu/江苏省人大办公厅/省人大办公厅2018预算公开.pdf",
    "2019": "jiangsu/江苏省人大办公厅/江苏省人大常委会办公厅2019年部门预算公开表.pdf",
}


@pytest.mark.parametrize("year", sorted(SUMMARY_FILES))
def test_summary_table_matches_outside_extraction(year: str) -> None:
    """收支预算总表 equals the open-budget project's camelot extraction, line by line.

    2017's table wraps labels in unruled cells, once across a page break
    (八、社会保障和就 / 业支出, 当年收入 / 小计): the labels must still come out whole.
    """
    with (REALDOCS / "jiangsu/江苏省人大办公厅/收支预算总表.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    outside = next(r for r in rows if r and r[0].startswith(year))
    expected = {(label, Decimal(v)) for label, v in zip(rows[0][1:], outside[1:], strict=True) if v}
    parsed = parse_file(REALDOCS / SUMMARY_FILES[year])
    summary = next(t for t in parsed.tables if t.definition.code == "income_expense_summary")
    numbering = re.compile(r"^(?:[一二三四五六七八九十]+、|\d+\.)")
    ours = {(numbering.sub("", line.label), c.amount) for line in summary.lines for c in line.cells}
    assert expected <= ours
    assert {a for _, a in ours} == {a for _, a in expected}


NARRATIVE_ONLY = [
    "jiangsu/江苏省人大办公厅/江苏省人大常委会2019年度部门预算公开.pdf",
    "jiangsu/江苏省政协办公厅/江苏省政协办公厅2017年度部门预算.pdf",
    "jiangsu/江苏省政协办公厅/江苏省政协办公厅2018年度部门预算.pdf",
    "jiangsu/江苏省政协办公厅/江苏省政协办公厅2019年度部门预算.pdf",
]


@pytest.mark.parametrize("rel", NARRATIVE_ONLY, ids=lambda r: r.rsplit("/", 1)[-1])
def test_narrative_file_reports_tables_listed_but_not_printed(rel: str) -> None:
    """Each 目录 lists 12 tables printed in the twin 公开表 file (inventory_*.md)."""
    parsed = parse_file(REALDOCS / rel)
    assert parsed.tables == []
    missing = [f for f in parsed.findings if f.kind == "missing_table"]
    assert len(missing) == 12
    assert len({f.page for f in missing}) == 1 and missing[0].page <= 3  # the 目录 page


# -- every printed table and every grand total, against independent inventories --
# `fixtures/realdocs/inventory_*.{tables,totals}.csv` list, per PDF, each printed
# table (title, pages, phase, department, year, unit, whether it prints amounts)
# and every amount on its grand-total line (合计/总计), typed from the rendered
# pages by helpers that never read src/ (their .md files say how).


def _inventory(kind: str) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in sorted(FIXTURES.glob(f"inventory_*.{kind}.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            rows.extend(csv.DictReader(fh))
    return rows


def _plain(text: str | None) -> str:
    return "".join((text or "").split()).replace("“", '"').replace("”", '"')


def test_inventories_cover_every_real_pdf() -> None:
    inventoried = {r["file"] for r in _inventory("tables")}
    # Narrative-only PDFs print no table; their inventories say so in the .md files.
    narrative_only = {p.name for p in ALL_PDFS} - inventoried
    assert narrative_only == {
        "江苏省人大常委会2019年度部门预算公开.pdf",
        "江苏省政协办公厅2017年度部门预算.pdf",
        "江苏省政协办公厅2018年度部门预算.pdf",
        "江苏省政协办公厅2019年度部门预算.pdf",
    }


@pytest.mark.parametrize("pdf", ALL_PDFS, ids=lambda p: p.name)
def test_every_printed_table_is_recognised_with_title_phase_department_year_unit(pdf: Path) -> None:
    expected = [r for r in _inventory("tables") if r["file"] == pdf.name and r["has_amounts"] == "yes"]
    read = [t for t in parse_file(pdf).tables if any(line.cells for line in t.lines)]
    unmatched = list(read)
    for row in expected:
        hits = [t for t in unmatched if _plain(row["table_title"]) in _plain(t.title)]
        assert hits, f"table {row['table_no']} {row['table_title']} (p{row['page_first']}) not recognised"
        table = hits[0]
        unmatched.remove(table)
        first_page = min(c.page for line in table.lines for c in line.cells if c.page)
        got = (table.phase, table.fiscal_year, table.amount_unit, _plain(table.unit_name), first_page)
        want = (row["phase"], int(row["year"]), row["unit"], _plain(row["department"]), int(row["page_first"]))
        assert got == want, row["table_title"]
    assert not unmatched, f"tables read that the inventory does not list: {[t.title for t in unmatched]}"


@pytest.mark.parametrize("pdf", ALL_PDFS, ids=lambda p: p.name)
def test_every_grand_total_is_a_fact_with_the_printed_amount(pdf: Path) -> None:
    totals = [r for r in _inventory("totals") if r["file"] == pdf.name]
    read: dict[tuple[int, str], list[tuple[str, str]]] = {}
    for table in parse_file(pdf).tables:
        for line in table.lines:
            for cell in line.cells:
                read.setdefault((cell.page, cell.text), []).append((_plain(table.title), _plain(line.label)))
    for row in totals:
        where = read.get((int(row["page"]), row["amount"]), [])
        title, label = _plain(row["table_title"]), _plain(row["row_label"])
        assert any(title in t and label == got for t, got in where), row


def test_a_table_cut_off_by_lost_pages_is_a_finding(tmp_path: Path) -> None:
    """Pages 13–15 hold the grid of 财政拨款基本支出预算表, whose title ends page 12."""
    import pymupdf

    source = REALDOCS / "jiangsu/江苏省人大办公厅/江苏省人大办公厅2017年度预算公开.pdf"
    whole = [f for f in parse_file(source).findings if f.kind == "table_cut_short"]
    assert whole == []
    with pymupdf.open(source) as pdf:
        pdf.select([n for n in range(pdf.page_count) if n not in (12, 13, 14)])
        cut = tmp_path / "cut.pdf"
        pdf.save(cut)
    findings = [f for f in parse_file(cut).findings if f.kind == "table_cut_short"]
    assert [(f.page, f.reason.split(":")[0]) for f in findings] == [(12, "财政拨款基本支出预算表")]


def test_a_blank_template_table_with_no_note_is_a_finding() -> None:
    parsed = parse_file(REALDOCS / "shanghai/附件2：部门决算模板.pdf")
    findings = [f for f in parsed.findings if f.kind == "table_cut_short"]
    assert [(f.page, f.reason.split(":")[0]) for f in findings] == [(12, "财政拨款“三公”经费支出决算表")]


RENDA, ZHENGXIE = "jiangsu/江苏省人大办公厅/", "jiangsu/江苏省政协办公厅/"
JIANGSU_PAIRS = [
    (RENDA + "江苏省人大常委会2019年度部门预算公开.pdf", RENDA + "江苏省人大常委会办公厅2019年部门预算公开表.pdf"),
    (ZHENGXIE + "江苏省政协办公厅2017年度部门预算.pdf", ZHENGXIE + "2017年度部门预算公开表.pdf"),
    (ZHENGXIE + "江苏省政协办公厅2018年度部门预算.pdf", ZHENGXIE + "江苏省政协办公厅2018度部门预算公开表.pdf"),
    (ZHENGXIE + "江苏省政协办公厅2019年度部门预算.pdf", ZHENGXIE + "江苏省政协办公厅2019年预算公开表.pdf"),
]


@pytest.mark.parametrize(("narrative", "tables"), JIANGSU_PAIRS, ids=lambda r: r.rsplit("/", 1)[-1][:14])
def test_each_jiangsu_year_split_in_two_files_names_one_disclosure(narrative: str, tables: str) -> None:
    """The two files print the same department, year, phase and region: int_disclosures joins them."""
    text, grid = parse_file(REALDOCS / narrative), parse_file(REALDOCS / tables)

    def key(parsed: ParsedDocument) -> tuple:
        i = parsed.identity
        return (i.region, i.department_code or i.department_name, i.fiscal_year, parsed.phase)

    assert all(key(text)) and key(text) == key(grid)
    assert text.tables == [] and len(grid.tables) == 12


@pytest.mark.parametrize("pdf", ALL_PDFS, ids=lambda p: p.name)
def test_a_pdf_cut_short_in_transfer_is_refused_or_marked_and_a_whole_one_is_not(pdf: Path) -> None:
    """Issue 11: a file truncated at 45 % published half its facts as `passed`."""
    from budgetwh.errors import ParseError

    data = pdf.read_bytes()
    assert [f for f in parse_file(pdf, data).findings if f.kind == "file_cut_short"] == []
    for share in (0.5, 0.9):
        try:
            parsed = parse_file(pdf, data[: int(len(data) * share)])
        except ParseError as exc:
            assert pdf.name in str(exc)
            continue
        assert [f.kind for f in parsed.findings if f.kind == "file_cut_short"] == ["file_cut_short"], share
