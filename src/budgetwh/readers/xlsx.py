"""Reader for Excel workbooks (.xlsx with openpyxl, legacy .xls with xlrd).

Every sheet is read in order, one sheet to a page (`Line.page` is the sheet's
1-based position); merged cells become one cell spanning their columns, and
numbers are written as the cell's format prints them (`grid.format_number`).
"""

from __future__ import annotations

import contextlib
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


SPREADSHEET_ML = b"urn:schemas-microsoft-com:office:spreadsheet"


def looks_like_spreadsheet_ml(data: bytes) -> bool:
    """Excel 2003 XML (SpreadsheetML), which sites publish under a .xls name."""
    head = data[:4096]
    return head.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"<?xml") and SPREADSHEET_ML in head


def read_spreadsheet_ml(path: Path, data: bytes) -> Document:
    """Read an Excel 2003 XML workbook: every Worksheet, merges (MergeAcross/MergeDown), styles."""
    from decimal import Decimal, InvalidOperation

    from lxml import etree

    ns = {"ss": SPREADSHEET_ML.decode()}
    attr = "{" + ns["ss"] + "}"
    try:
        root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise ParseError(path, f"cannot parse as an Excel XML workbook: {exc}") from exc
    formats = {
        style.get(attr + "ID"): fmt.get(attr + "Format", "General")
        for style in root.iterfind(".//ss:Styles/ss:Style", ns)
        for fmt in style.iterfind("ss:NumberFormat", ns)
    }
    sheets = root.findall("ss:Worksheet", ns)
    doc = Document(path=path, file_format="xls", narrative_joiner="\n", page_count=len(sheets))
    writer = GridWriter(doc)
    for page, sheet in enumerate(sheets, start=1):
        row_no, held = 0, {}  # column → rows still covered by a MergeDown from above
        for row in sheet.iterfind("ss:Table/ss:Row", ns):
            row_no = int(row.get(attr + "Index", row_no + 1))
            cells, column = [], 0
            for cell in row.iterfind("ss:Cell", ns):
                column = int(cell.get(attr + "Index", column + 1))
                while held.get(column, 0) > 0:
                    column += 1
                across, down = int(cell.get(attr + "MergeAcross", 0)), int(cell.get(attr + "MergeDown", 0))
                value = cell.find("ss:Data", ns)
                text = "".join(value.itertext()) if value is not None else ""
                if value is not None and value.get(attr + "Type") == "Number":
                    # a Number that does not parse stays as printed
                    with contextlib.suppress(InvalidOperation):
                        text = format_number(Decimal(text), formats.get(cell.get(attr + "StyleID"), "General"))
                cells.append(GridCell(column - 1, across + 1, text.replace("\n", "")))
                for c in range(column, column + across + 1):
                    held[c] = down + 1
                column += across
            held = {c: n - 1 for c, n in held.items() if n - 1 > 0}
            writer.add_row(cells, page, row_no)
    return doc
