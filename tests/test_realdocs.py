"""Native PDF reading on the real disclosures in ../shared/realdocs.

The expected cells come from independent lists (`fixtures/realdocs/*.cells.csv`),
made by reading the rendered pages, with no access to the code under test; their
READMEs say how. The 收支预算总表 figures are compared with an outside extraction
(`jiangsu/江苏省人大办公厅/收支预算总表.csv`, camelot, from the open-budget project).
"""

from __future__ import annotations

import csv
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from budgetwh.parse import parse_file
from budgetwh.readers import read_document

REALDOCS = Path(__file__).resolve().parents[1].parent / "shared" / "realdocs"
FIXTURES = Path(__file__).parent / "fixtures" / "realdocs"
ALL_PDFS = sorted(REALDOCS.rglob("*.pdf"))

pytestmark = pytest.mark.skipif(not REALDOCS.is_dir(), reason="../shared/realdocs is not present")

CELL_LISTS = {
    "shanghai_shehuigongzuobu_2024": "shanghai/中共上海市普陀区委社会工作部 2024 年度部门决算.pdf",
    "jiangsu_rendachanghui_2019": "jiangsu/江苏省人大办公厅/江苏省人大常委会办公厅2019年部门预算公开表.pdf",
    "jiangsu_zhengxie_2017": "jiangsu/江苏省政协办公厅/2017年度部门预算公开表.pdf",
}
# Read, but not yet cell for cell: 9 of 158 cells are missed (see the note in
# docs/decisions.md); the test pins what is missed so a regression shows.
PARTIAL_CELL_LISTS = {
    "jiangsu_renda_2018": ("jiangsu/江苏省人大办公厅/省人大办公厅2018预算公开.pdf", 9),
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


@pytest.mark.parametrize("name", sorted(PARTIAL_CELL_LISTS))
def test_partially_read_document_misses_no_more_than_known(name: str) -> None:
    rel, known_missing = PARTIAL_CELL_LISTS[name]
    expected = Counter((int(r["page"]), r["row_code"], r["amount"]) for r in _expected(name))
    got = _cells(REALDOCS / rel)
    assert got - expected == Counter(), "cells read that the independent list does not have"
    assert sum((expected - got).values()) <= known_missing


@pytest.mark.parametrize(
    ("rel", "phase", "year", "department", "tables"),
    [
        (
            "shanghai/中共上海市普陀区委社会工作部 2024 年度部门决算.pdf",
            "final",
            2024,
            "中共上海市普陀区委社会工作部",
            9,
        ),
        (
            "shanghai/上海市普陀区规划和自然资源局 2024 年度部门决算.pdf",
            "final",
            2024,
            "上海市普陀区规划和自然资源局",
            9,
        ),
        ("jiangsu/江苏省人大办公厅/江苏省人大常委会办公厅2019年部门预算公开表.pdf", "budget", 2019, None, 12),
        ("jiangsu/江苏省政协办公厅/2017年度部门预算公开表.pdf", "budget", 2017, None, 13),
        ("jiangsu/江苏省政协办公厅/江苏省政协办公厅2019年预算公开表.pdf", "budget", 2019, None, 12),
    ],
)
def test_tables_phase_year_and_unit(rel: str, phase: str, year: int, department: str | None, tables: int) -> None:
    parsed = parse_file(REALDOCS / rel)
    assert parsed.phase == phase
    assert len(parsed.tables) == tables
    assert all(t.phase == phase for t in parsed.tables)
    assert all(t.amount_unit == "万元" for t in parsed.tables)
    if department:
        assert parsed.identity.department_name == department
    assert parsed.identity.fiscal_year == year


def test_summary_table_matches_outside_extraction() -> None:
    """收支预算总表 of 2019 equals the open-budget project's camelot extraction, figure for figure.

    2017 and 2018 are not compared yet: their summary tables wrap labels without
    rules and three figures of 2018 are missed (see docs/decisions.md).
    """
    with (REALDOCS / "jiangsu/江苏省人大办公厅/收支预算总表.csv").open(encoding="utf-8", newline="") as fh:
        row = next(r for r in csv.reader(fh) if r and r[0].startswith("2019"))
    outside = {Decimal(v) for v in row[1:] if v}
    parsed = parse_file(REALDOCS / "jiangsu/江苏省人大办公厅/江苏省人大常委会办公厅2019年部门预算公开表.pdf")
    summary = next(t for t in parsed.tables if t.definition.code == "income_expense_summary")
    ours = {c.amount for line in summary.lines for c in line.cells}
    assert ours == outside


def test_narrative_file_reports_tables_listed_but_not_printed() -> None:
    parsed = parse_file(REALDOCS / "jiangsu/江苏省人大办公厅/江苏省人大常委会2019年度部门预算公开.pdf")
    assert parsed.tables == []
    missing = [f for f in parsed.findings if f.kind == "missing_table"]
    assert len(missing) >= 10
    assert all(f.page == 2 for f in missing)
