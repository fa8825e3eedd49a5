"""Cell grids (spreadsheets, Word tables) as lines with boxes, for layout recognition.

Office formats know their grid exactly: each cell sits in a column (or spans
several) of a row. Giving every cell a box on a fixed grid (one unit per column,
merged cells spanning their columns) lets the layout recogniser read them as it
reads a native PDF, with no format-specific table code: a new format is a reader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from budgetwh.document import Document, Line

COLUMN_WIDTH = 60.0
ROW_HEIGHT = 20.0
TEXT_HEIGHT = 10.0
# Paragraphs span this many columns: wider than any table we have seen.
PARAGRAPH_COLUMNS = 12
# Paragraph text split into cells at tabs or runs of spaces (部门：…    单位：万元).
GAP = re.compile(r"\t+|\s{2,}|\u3000{2,}")
DECIMALS = re.compile(r"0\.(0+)")


@dataclass(frozen=True)
class GridCell:
    """One non-empty cell: its first column (0-based), how many it spans, its text."""

    column: int
    span: int
    text: str


def format_number(value: float | int | Decimal, number_format: str = "General") -> str:
    """A spreadsheet number as it prints: no float drift (1403.69 stays 1403.69).

    The shortest repr of the float is exact for figures typed with two decimals;
    the cell's number format gives the decimals and thousands separators shown.
    """
    amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    fmt = number_format or "General"
    percent = "%" in fmt
    if percent:
        amount *= 100
    decimals = DECIMALS.search(fmt)
    if decimals:
        amount = amount.quantize(Decimal(1).scaleb(-len(decimals.group(1))), rounding=ROUND_HALF_UP)
    elif amount == amount.to_integral_value():
        amount = amount.quantize(Decimal(1))
    text = f"{amount:,f}" if "#,##" in fmt else f"{amount:f}"
    return text + ("%" if percent else "")


class GridWriter:
    """Appends rows and paragraphs to a document as lines with grid boxes.

    A box is the cell's address: column = x0 // COLUMN_WIDTH (0-based), row =
    y0 // ROW_HEIGHT (the sheet's row number, or the row within a Word/HTML table),
    on page = the sheet or table number. `cell_address` turns it back.
    """

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.row = 0
        self.page = 0

    def _next_row(self, page: int, row: int | None) -> int:
        # Rows with their own number keep it (the cell address); paragraphs and
        # unnumbered rows count on from the last line of the page.
        if page != self.page:
            self.page, self.row = page, 0
        self.row = row if row is not None else self.row + 1
        return self.row

    def add_row(self, cells: list[GridCell], page: int, row: int | None = None) -> None:
        """One grid row (at `row` of its sheet/table when given); empty rows only advance it."""
        top = self._next_row(page, row) * ROW_HEIGHT
        cells = [c for c in cells if c.text.strip()]
        if not cells:
            return
        boxes = tuple(
            (c.column * COLUMN_WIDTH + 1, top, (c.column + c.span) * COLUMN_WIDTH - 1, top + TEXT_HEIGHT) for c in cells
        )
        self._append(tuple(c.text.strip() for c in cells), boxes, page)

    def add_paragraph(self, text: str, page: int) -> None:
        """A paragraph: one line, its tab- or space-separated parts as cells across the width."""
        top = self._next_row(page, None) * ROW_HEIGHT
        parts = [p.strip() for p in GAP.split(text) if p.strip()]
        if not parts:
            return
        width = PARAGRAPH_COLUMNS * COLUMN_WIDTH / len(parts)
        boxes = tuple((n * width + 1, top, (n + 1) * width - 1, top + TEXT_HEIGHT) for n in range(len(parts)))
        self._append(tuple(parts), boxes, page)

    def _append(self, cells: tuple[str, ...], boxes: tuple[tuple[float, float, float, float], ...], page: int) -> None:
        no = len(self.doc.lines) + 1
        self.doc.lines.append(
            Line(cells=cells, first_line=no, last_line=no, raw=" ".join(cells), complete=True, page=page, boxes=boxes)
        )
