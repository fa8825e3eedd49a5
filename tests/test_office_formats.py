"""Word, Excel and web-page files read to the same facts as the samples' text.

`tests/officegen.py` lays the independent cell list (`fixtures/expected_facts.csv`)
out as a department publishes it in .xlsx, legacy .xls and .docx: title and
`部门：… 单位：万元` above the grid, the 本年收入 group as a merged cell, amounts as
formatted numbers in workbooks. Each format is a reader into the one document
model; table recognition is the layout recogniser the PDFs use.
"""

from __future__ import annotations

import io
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from budgetwh.errors import ParseError
from budgetwh.parse import parse_file
from budgetwh.readers import read_document
from budgetwh.readers.grid import format_number
from tests.conftest import FIXTURES, SAMPLE_000, SAMPLE_001, table_facts
from tests.officegen import (
    tables_docx,
    tables_html,
    tables_spreadsheet_ml,
    tables_xls,
    tables_xlsx,
    workbook_from_pdf,
)
from tests.test_realdocs import REALDOCS

WRITERS = {"xlsx": tables_xlsx, "xls": tables_xls, "docx": tables_docx, "html": tables_html}
# Sites publish HTML and Excel 2003 XML under a .xls name: read by content, not name.
DISGUISED = {"html": tables_html, "xml": tables_spreadsheet_ml}


@pytest.mark.parametrize("fmt", sorted(WRITERS))
@pytest.mark.parametrize("sample", [SAMPLE_000, SAMPLE_001], ids=lambda p: p.name[:3])
def test_office_file_gives_the_same_facts_as_the_text(sample: Path, fmt: str, tmp_path: Path) -> None:
    out = tmp_path / f"{sample.stem}.{fmt}"
    printed = WRITERS[fmt](sample, FIXTURES / "expected_facts.csv", out)
    from_text, from_office = parse_file(sample), parse_file(out)
    assert from_office.file_format == fmt
    assert len([t for t in from_office.tables if t.lines]) == printed
    assert table_facts(from_office) == table_facts(from_text)
    assert {t.fiscal_year for t in from_office.tables} == {from_text.identity.fiscal_year}
    assert {t.amount_unit for t in from_office.tables} == {"万元"}
    # Locator: the sheet (or Word table) each fact came from, in file order.
    pages = [t.page_start for t in from_office.tables]
    assert pages == sorted(pages) and all(p and p >= 1 for p in pages)
    assert not [f for f in from_office.findings if f.kind in ("unplaced_line", "unrecognised_table")]


def test_format_is_told_by_content_not_name(tmp_path: Path) -> None:
    docx, xlsx = tmp_path / "a.docx", tmp_path / "b.xlsx"
    tables_docx(SAMPLE_001, FIXTURES / "expected_facts.csv", docx)
    tables_xlsx(SAMPLE_001, FIXTURES / "expected_facts.csv", xlsx)
    assert read_document(tmp_path / "x.txt", docx.read_bytes()).file_format == "docx"
    assert read_document(tmp_path / "y.bin", xlsx.read_bytes()).file_format == "xlsx"
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("readme.txt", "not office")
    with pytest.raises(ParseError, match="neither a Word document nor a workbook"):
        read_document(tmp_path / "c.zip", other.getvalue())


@pytest.mark.parametrize(
    ("value", "number_format", "printed"),
    [
        (1403.69, "0.00", "1403.69"),
        (0.1 + 0.2, "0.00", "0.30"),  # float drift never reaches the text
        (15897.44, "#,##0.00", "15,897.44"),
        (5.0, "General", "5"),
        (2.04, "General", "2.04"),
        (0.0204, "0.00%", "2.04%"),
        (7, "0.00", "7.00"),
    ],
)
def test_spreadsheet_numbers_print_as_their_format_shows(value: float, number_format: str, printed: str) -> None:
    assert format_number(value, number_format) == printed


SHANGHAI = REALDOCS / "shanghai"


@pytest.mark.parametrize(
    "pdf",
    [
        SHANGHAI / "中共上海市普陀区委社会工作部 2024 年度部门决算.pdf",
        SHANGHAI / "上海市普陀区规划和自然资源局 2024 年度部门决算.pdf",
    ],
    ids=["社会工作部", "规划和自然资源局"],
)
def test_real_pdf_tables_as_a_workbook_give_the_sametable_facts(pdf: Path, tmp_path: Path) -> None:
    """A workbook built from a real 决算 by PyMuPDF's table finder reads to the PDF's facts."""
    out = tmp_path / f"{pdf.stem}.xlsx"
    assert workbook_from_pdf(pdf, out) >= 9
    from_pdf, from_xlsx = parse_file(pdf), parse_file(out)
    assert table_facts(from_xlsx) == table_facts(from_pdf)
    assert sum(table_facts(from_pdf).values()) in (205, 308)  # the independent list has 205 for 社会工作部
    assert [(t.definition.code, t.phase, t.amount_unit) for t in from_xlsx.tables] == [
        (t.definition.code, t.phase, t.amount_unit) for t in from_pdf.tables
    ]


def test_a_label_merged_down_two_rows_lands_on_a_different_row_by_format(tmp_path: Path) -> None:
    """Known difference, pinned: 收入预算总表 prints 一般公共预算资金 merged down beside 小计 and
    公共财政拨款（补助）资金. The PDF path gives it to the row it is centred on (the second),
    the workbook path (merged text in the first cell) to the first; amounts agree exactly."""
    pdf = REALDOCS / "jiangsu/江苏省人大办公厅/省人大办公厅2018预算公开.pdf"
    out = tmp_path / "2018.xlsx"
    workbook_from_pdf(pdf, out)
    from_pdf, from_xlsx = table_facts(parse_file(pdf)), table_facts(parse_file(out))
    amounts = Counter((code, text) for code, _, _, _, _, _, text in from_pdf.elements())
    assert amounts == Counter((code, text) for code, _, _, _, _, _, text in from_xlsx.elements())
    differing = {(k[0], k[3]) for k in (from_pdf - from_xlsx) + (from_xlsx - from_pdf)}
    assert differing == {
        ("income_summary", "小计"),
        ("income_summary", "一般公共预算资金/公共财政拨款（补助）资金"),
        ("income_summary", "一般公共预算资金/小计"),
        ("income_summary", "公共财政拨款（补助）资金"),
    }


def test_a_workbook_fact_says_its_sheet_and_cell(prefect_harness, tmp_path: Path) -> None:
    """The locator a person follows back: sheet number and A1 address of the printed cell."""
    import openpyxl

    from tests.conftest import run_flow

    raw = tmp_path / "raw"
    raw.mkdir()
    book = raw / "000.xlsx"
    tables_xlsx(SAMPLE_000, FIXTURES / "expected_facts.csv", book)
    run = run_flow(raw, tmp_path / "wh.duckdb", tmp_path / "build")
    rows = run.sql("select source_locator, amount_text from marts.fact_budget_line where source_kind = 'table'")
    assert len(rows) == 302
    sheets = openpyxl.load_workbook(book).worksheets
    for locator, amount in rows:
        _, sheet, address = locator.split(" ")
        cell = sheets[int(sheet) - 1][address]
        assert f"{cell.value:.2f}" == amount, locator


@pytest.mark.parametrize("kind", sorted(DISGUISED))
def test_a_xls_that_is_really_html_or_excel_xml_is_read_by_its_content(kind: str, tmp_path: Path) -> None:
    out = tmp_path / "公开表.xls"
    DISGUISED[kind](SAMPLE_001, FIXTURES / "expected_facts.csv", out)
    assert table_facts(parse_file(out)) == table_facts(parse_file(SAMPLE_001))


def test_word_headers_footers_and_paragraphs_are_read(tmp_path: Path) -> None:
    import docx

    out = tmp_path / "narrative.docx"
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "秦皇岛市科学技术协会2022年部门预算"
    document.sections[0].footer.paragraphs[0].text = "第 1 页"
    document.add_paragraph("一、部门预算收支情况")
    document.add_paragraph("部门：秦皇岛市科学技术协会\t单位：万元")
    document.save(out)
    doc = read_document(out)
    texts = [line.cells for line in doc.lines]
    assert ("秦皇岛市科学技术协会2022年部门预算",) in texts and ("第 1 页",) in texts
    assert ("部门：秦皇岛市科学技术协会", "单位：万元") in texts  # a tab separates cells
    assert ("一、部门预算收支情况",) in texts
