"""PDFs generated from the samples read to the same facts as the samples' text.

The tables are printed from the independent cell list (`fixtures/expected_facts.csv`)
as ruled grids with the template's header labels (`tests/pdfgen.py`); the narrative
samples are printed line by line. The native PDF path (PyMuPDF words → layout
recognition) must give what the text path gives: every cell with its table,
scope, side, line label, subject code, measure and amount; every narrative figure.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from budgetwh.parse import ParsedDocument, parse_file
from tests.conftest import FIXTURES, SAMPLE_000, SAMPLE_001, SAMPLE_002, SAMPLE_004, table_facts
from tests.pdfgen import narrative_pdf, tables_pdf


def _figures(parsed: ParsedDocument) -> Counter[tuple]:
    return Counter((f.metric, f.label, f.amount_text, f.amount_unit, f.fiscal_year, f.percent) for f in parsed.figures)


@pytest.mark.parametrize("sample", [SAMPLE_000, SAMPLE_001], ids=lambda p: p.name[:3])
def test_tables_printed_as_pdf_give_the_same_facts_as_the_text(sample: Path, tmp_path: Path) -> None:
    pdf = tmp_path / f"{sample.stem}.pdf"
    printed = tables_pdf(sample, FIXTURES / "expected_facts.csv", pdf)
    from_text, from_pdf = parse_file(sample), parse_file(pdf)
    assert from_pdf.file_format == "pdf"
    assert len([t for t in from_pdf.tables if t.lines]) == printed
    assert table_facts(from_pdf) == table_facts(from_text)
    assert all(c.page and c.box for t in from_pdf.tables for line in t.lines for c in line.cells)
    assert {t.fiscal_year for t in from_pdf.tables} == {from_text.identity.fiscal_year}
    assert not [f for f in from_pdf.findings if f.kind in ("unplaced_line", "unrecognised_table")]


def test_generated_pdfs_cover_every_hand_listed_cell(tmp_path: Path) -> None:
    total = 0
    for sample in (SAMPLE_000, SAMPLE_001):
        pdf = tmp_path / f"{sample.stem}.pdf"
        tables_pdf(sample, FIXTURES / "expected_facts.csv", pdf)
        total += sum(table_facts(parse_file(pdf)).values())
    assert total == 598


@pytest.mark.parametrize("sample", [SAMPLE_002, SAMPLE_004], ids=lambda p: p.name[:3])
def test_narrative_printed_as_pdf_gives_the_same_figures_and_identity(sample: Path, tmp_path: Path) -> None:
    pdf = tmp_path / f"{sample.stem}.pdf"
    narrative_pdf(sample, pdf)
    from_text, from_pdf = parse_file(sample), parse_file(pdf)
    assert _figures(from_text), "the sample states figures"
    assert _figures(from_pdf) == _figures(from_text)
    got, want = from_pdf.identity, from_text.identity
    assert (got.fiscal_year, got.department_code, got.department_name, got.region) == (
        want.fiscal_year,
        want.department_code,
        want.department_name,
        want.region,
    )
