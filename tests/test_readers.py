"""Readers: each text layout becomes the same document model."""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetwh.errors import ParseError
from budgetwh.readers import read_document, sniff_format
from budgetwh.readers.pdf_text import split_cells
from tests.conftest import SAMPLE_000, SAMPLE_001, SAMPLE_002, SAMPLE_004


def test_pdf_cells_keep_empty_cells_as_extra_spaces() -> None:
    # 000 line 135: 支出总表 row "20607 科学技术普及", 基本支出 blank, 项目支出 55.00
    assert split_cells("5 20607 科学技术普及 55.00  55.00    ") == (
        "5", "20607", "科学技术普及", "55.00", "", "55.00", "", "", "",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("path", "fmt"),
    [(SAMPLE_000, "pdf_text"), (SAMPLE_001, "docx_text"), (SAMPLE_002, "docx_text"), (SAMPLE_004, "pdf_text")],
)
def test_sniffs_layout_from_content(path: Path, fmt: str) -> None:
    assert read_document(path).file_format == fmt


def test_docx_rows_are_tab_cells_separated_by_blank_lines() -> None:
    doc = read_document(SAMPLE_001)
    row = next(ln for ln in doc.lines if ln.cells[:3] == ("10", "2060701", "机构运行"))
    # 001 lines 395-408: 收入总表 row 10, 12 columns after 序号
    assert row.cells == ("10", "2060701", "机构运行", "587.70", "512.63", "512.63", *[""] * 6, "75.06")
    assert (row.first_line, row.complete) == (395, True)


def test_docx_bookmark_noise_is_dropped() -> None:
    doc = read_document(SAMPLE_001)
    assert any(ln.text == "部门预算收入总表" for ln in doc.lines)
    assert not any("[bookmark:" in ln.raw for ln in doc.lines)


@pytest.mark.parametrize(("sample", "bookmarks"), [(SAMPLE_001, True), (SAMPLE_000, False)])
def test_windows_line_ends_and_bookmarks_keep_the_same_lines(sample: Path, bookmarks: bool, tmp_path: Path) -> None:
    # The text readers clean the whole text at once: CR line ends (and, in DOCX text, Word's
    # bookmark anchors) must go without moving a line number or joining two lines.
    text = sample.read_text(encoding="utf-8").replace("[bookmark: ", "[x: ")
    marked = "\r\n".join(
        f"{ln}[bookmark: _Toc{i}]" if bookmarks and i % 7 == 0 else ln for i, ln in enumerate(text.split("\n"))
    )
    plain, crlf = tmp_path / "plain.txt", tmp_path / "crlf.txt"
    plain.write_text(text, encoding="utf-8")
    crlf.write_text(marked, encoding="utf-8")

    def lines(path: Path) -> list[tuple[tuple[str, ...], int, int]]:
        return [(ln.cells, ln.first_line, ln.last_line) for ln in read_document(path).lines]

    assert lines(crlf) == lines(plain)
    assert len(lines(plain)) > 300


def test_gbk_text_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes(SAMPLE_000.read_text(encoding="utf-8").encode("gb18030"))
    assert read_document(path).lines[0].text == read_document(SAMPLE_000).lines[0].text


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"  \n\n", "file is empty"),
        ("binary.txt", b"\x00\x01\x02PK", "binary file"),
        ("budget.xlsx", b"PK\x03\x04", "damaged zip container"),
        ("budget.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, "not a workbook (.doc/.wps)"),
        ("budget.wps", b"WPS?", "no reader for .wps"),
        ("budget.docx", b"plain text, not a zip", "bytes are not a DOCX file"),
    ],
)
def test_unreadable_files_raise_parse_error_naming_file(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ParseError) as err:
        read_document(path)
    assert name in str(err.value)
    assert reason in str(err.value)


def test_sniff_rejects_nothing_but_whitespace(tmp_path: Path) -> None:
    with pytest.raises(ParseError):
        sniff_format(tmp_path / "x.txt", "\n \n")
