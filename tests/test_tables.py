"""Table recognition, checked against the independent hand-made list of cells.

`fixtures/expected_facts.csv` was written from the documents by a separate
process (see its README), not from this parser's output.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from budgetwh.errors import ParseError
from budgetwh.readers import read_document
from budgetwh.tables.recognize import recognize_tables
from tests.conftest import FIXTURES, RAW, SAMPLE_000, SAMPLE_001, SAMPLE_002, SAMPLE_004

Key = tuple[str, str, str, int, int]


def expected_cells() -> dict[Key, tuple[str, str, str]]:
    with (FIXTURES / "expected_facts.csv").open(encoding="utf-8", newline="") as fh:
        return {
            (r["seed_file"], r["unit_code"], r["table_title"], int(r["row_seq"]), int(r["column_no"])): (
                r["amount"],
                r["line_label"],
                r["subject_code"],
            )
            for r in csv.DictReader(fh)
        }


def parsed_cells(path: Path) -> dict[Key, tuple[str, str, str]]:
    out = {}
    for table in recognize_tables(read_document(path)):
        for line in table.lines:
            for cell in line.cells:
                key = (path.name, table.unit_code or "", table.title, line.row_seq, cell.column.column_no)
                assert key not in out, f"cell read twice: {key}"
                out[key] = (cell.text, line.label, line.subject_code or "")
    return out


@pytest.mark.parametrize("path", [SAMPLE_000, SAMPLE_001])
def test_every_printed_cell_is_read_exactly_once_with_its_amount(path: Path) -> None:
    expected = {k: v for k, v in expected_cells().items() if k[0] == path.name}
    parsed = parsed_cells(path)
    assert sorted(set(expected) - set(parsed)) == [], "cells missed"
    assert sorted(set(parsed) - set(expected)) == [], "cells invented"
    wrong = {k: (parsed[k], v) for k, v in expected.items() if Decimal(parsed[k][0]) != Decimal(v[0])}
    assert wrong == {}


@pytest.mark.parametrize("path", [SAMPLE_000, SAMPLE_001])
def test_labels_and_subject_codes_as_printed(path: Path) -> None:
    expected = {k: v for k, v in expected_cells().items() if k[0] == path.name}
    parsed = parsed_cells(path)
    wrong = {k: (parsed[k][1:], v[1:]) for k, v in expected.items() if parsed[k][1:] != v[1:]}
    assert wrong == {}


def test_000_both_scopes_and_all_nine_tables() -> None:
    tables = recognize_tables(read_document(SAMPLE_000))
    assert [(t.scope, t.unit_code) for t in tables].count(("department", "731")) == 9
    assert [(t.scope, t.unit_code) for t in tables].count(("unit", "731001")) == 9
    assert {t.definition.code for t in tables} == {
        "income_expense_summary", "income_summary", "expense_summary", "fiscal_income_expense_summary",
        "gpb_expense", "gpb_basic_expense", "gov_fund_expense", "soe_capital_expense", "three_public_expense",
    }  # fmt: skip
    assert {(t.fiscal_year, t.amount_unit) for t in tables} == {(2022, "万元")}


@pytest.mark.parametrize("path", [SAMPLE_000, SAMPLE_001])
def test_empty_fund_tables_are_present_with_their_note(path: Path) -> None:
    tables = {t.definition.code: t for t in recognize_tables(read_document(path)) if t.scope == "department"}
    for code in ("gov_fund_expense", "soe_capital_expense"):
        assert tables[code].lines == []
        assert "空表列示" in (tables[code].note or "")


def test_wrapped_label_and_page_break_in_pdf_text() -> None:
    tables = recognize_tables(read_document(SAMPLE_000))
    income = next(t for t in tables if t.title == "部门预算收入总表")
    row3 = next(ln for ln in income.lines if ln.row_seq == 3)
    # 000 lines 126-130 (grep): "3 20601 " / "科学技术管理" / "事务 " / "602.82 602.82 602.82 …"
    assert (row3.label, row3.subject_code, row3.first_line, row3.last_line) == ("科学技术管理事务", "20601", 126, 130)
    summary = next(t for t in tables if t.title == "部门预算收支总表")
    # rows 20-33 come after the repeated header on the second page
    assert max(ln.row_seq for ln in summary.lines) == 33


@pytest.mark.parametrize("path", [SAMPLE_002, SAMPLE_004])
def test_narrative_only_documents_have_no_standard_tables(path: Path) -> None:
    assert recognize_tables(read_document(path)) == []


def test_table_without_unit_line_is_a_parse_error_naming_line(tmp_path: Path) -> None:
    text = (
        (RAW / SAMPLE_000.name)
        .read_text(encoding="utf-8")
        .replace(
            "731 秦皇岛市科学技术协会 预算年度：2022 单位：万元 \n\n序号 \n\n功能分类科目", "序号 \n\n功能分类科目", 1
        )
    )
    path = tmp_path / "broken.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParseError) as err:
        recognize_tables(read_document(path))
    assert "broken.txt:" in str(err.value)
    assert "部门预算收入总表" in str(err.value)


def test_non_amount_in_amount_column_is_a_parse_error(tmp_path: Path) -> None:
    text = SAMPLE_000.read_text(encoding="utf-8").replace(
        "4 30102 津贴补贴 148.85 148.85  ", "4 30102 津贴补贴 148.85 1x8.85  ", 1
    )
    path = tmp_path / "typo.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParseError, match=r"typo\.txt:\d+: 部门预算一般公共预算财政拨款基本支出表"):
        recognize_tables(read_document(path))
