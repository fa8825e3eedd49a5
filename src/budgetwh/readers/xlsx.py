"""Reader for Excel workbooks (.xlsx with openpyxl, legacy .xls with xlrd).

Every sheet is read in order, one sheet to a page (`Line.page` is the sheet's
1-based position); merged cells become one cell spanning their columns, and
numbers are written as the cell's format prints them (`grid.format_number`).
"""

from __future__ import annotations

import io
from pathlib import Path

from budgetwh.document import Document
from budgetwh.errors import ParseError
from budgetwh.readers.grid import GridCell, GridWriter, format_number


def _text(value: object, number_format: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return format_number(value, number_format)
    return str(value).replace("\r", "").replace("\n", "")


def read_xlsx(path: Path, data: bytes) -> Document:
    """Read an .xlsx workbook into a `Document` of grid lines, sheet by sheet."""
    import openpyxl  # imported here: only workbooks pay for it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise ParseError(path, f"cannot open as an Excel workbook: {exc}") from exc
    doc = Document(path=path, file_format="xlsx", narrative_joiner="\n", page_count=len(book.worksheets))
    writer = GridWriter(doc)
    for page, sheet in enumerate(book.worksheets, start=1):
        spans: dict[tuple[int, int], int] = {}
        covered: set[tuple[int, int]] = set()
        for rng in sheet.merged_cells.ranges:
            spans[(rng.min_row, rng.min_col)] = rng.max_col - rng.min_col + 1
            covered.update(
                (r, c)
                for r in range(rng.min_row, rng.max_row + 1)
                for c in range(rng.min_col, rng.max_col + 1)
                if (r, c) != (rng.min_row, rng.min_col)
            )
        for row in sheet.iter_rows():
            cells = [
                GridCell(cell.column - 1, spans.get((cell.row, cell.column), 1), _text(cell.value, cell.number_format))
                for cell in row
                if (cell.row, cell.column) not in covered
            ]
            if row:
                writer.add_row(cells, page, row[0].row)
    return doc


def read_xls(path: Path, data: bytes) -> Document:
    """Read a legacy .xls workbook (BIFF) into a `Document` of grid lines, sheet by sheet."""
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True)
    except Exception as exc:  # xlrd raises XLRDError and struct errors alike
        raise ParseError(path, f"cannot open as an Excel 97–2003 workbook: {exc}") from exc
    doc = Document(path=path, file_format="xls", narrative_joiner="\n", page_count=book.nsheets)
    writer = GridWriter(doc)
    for page in range(book.nsheets):
        sheet = book.sheet_by_index(page)
        spans: dict[tuple[int, int], int] = {}
        covered: set[tuple[int, int]] = set()
        for r0, r1, c0, c1 in sheet.merged_cells:
            spans[(r0, c0)] = c1 - c0
            covered.update((r, c) for r in range(r0, r1) for c in range(c0, c1) if (r, c) != (r0, c0))
        for r in range(sheet.nrows):
            cells = []
            for c in range(sheet.ncols):
                if (r, c) in covered:
                    continue
                cell = sheet.cell(r, c)
                fmt = "General"
                if cell.ctype == xlrd.XL_CELL_NUMBER:
                    fmt = book.format_map[book.xf_list[cell.xf_index].format_key].format_str
                value = cell.value if cell.ctype in (xlrd.XL_CELL_NUMBER, xlrd.XL_CELL_TEXT) else None
                cells.append(GridCell(c, spans.get((r, c), 1), _text(value, fmt)))
            writer.add_row(cells, page + 1, r + 1)
    return doc
