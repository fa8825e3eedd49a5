"""Recognise the standard tables of a `Document` and read their cells.

Works on the document model only. A table starts at a line whose text is a
catalog title (optionally prefixed by its scope, 部门/单位 with or without 预算),
is followed by its unit line (code, name, 预算年度, 单位) and header lines down to
the 栏次 line, then rows numbered by 序号 from 1. A page break repeats the unit
line, the header and the 栏次 line. Rows printed by PDF extraction may wrap over
several physical lines; they are joined using the column count the 栏次 line gives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import NamedTuple

from budgetwh.document import Document, Line
from budgetwh.errors import ParseError
from budgetwh.tables.amounts import BLANKS, is_stripped_amount, parse_amount
from budgetwh.tables.catalog import Column, TableDef, load_catalog

SCOPE_PREFIX = re.compile(r"^(?P<scope>部门|单位)?(?:预算)?")
UNIT_LINE = re.compile(
    r"^\s*(?P<code>\d{3,12})\s*(?P<name>\S.*?)\s+"
    r"(?:预算年度[:：]\s*(?P<year>\d{4})\s*年?\s*)?"
    r"(?:单位[:：]\s*(?P<unit>万元|元))?\s*$"
)
COLUMN_NO_LINE = re.compile(r"^栏次(\s+\d+)+$")
SUBJECT_CODE = re.compile(r"^\d{3}(\d{2}){0,2}$")
QUOTES = str.maketrans({'"': "“", "＂": "“"})
# How far after a title its unit line may appear (title lines sometimes wrap).
UNIT_LINE_WINDOW = 3


# CellValue and RowLine are named tuples: tables hold ~1,000 of them per document and a
# frozen dataclass costs several times more to build.
class CellValue(NamedTuple):
    """One non-blank amount cell, as printed: DuckDB casts it to DECIMAL on load."""

    column: Column
    text: str
    page: int | None = None
    box: tuple[float, float, float, float] | None = None

    @property
    def amount(self) -> Decimal:
        """The printed amount, exactly (not needed to load: for checks and notebooks)."""
        return parse_amount(self.text)


class RowLine(NamedTuple):
    """One line of a table: a row, or one side of a two-sided row."""

    row_seq: int
    side: str | None
    label: str
    subject_code: str | None
    first_line: int
    last_line: int
    cells: tuple[CellValue, ...]
    page: int | None = None


@dataclass
class Table:
    """A recognised standard table and its lines."""

    table_seq: int
    definition: TableDef
    title: str
    scope: str
    scope_source: str
    unit_code: str | None
    unit_name: str | None
    fiscal_year: int | None
    amount_unit: str | None
    first_line: int
    last_line: int
    header_text: str = ""
    note: str | None = None
    lines: list[RowLine] = field(default_factory=list)
    phase: str | None = None  # budget | final, from the title
    page_start: int | None = None


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text).translate(QUOTES)


@cache
def _title_index() -> dict[str, TableDef]:
    """Every catalog title variant, normalised, → its table."""
    return {variant.translate(QUOTES): table for table in load_catalog() for variant in table.titles}


def match_title(line: Line) -> tuple[TableDef, str | None, str] | None:
    """Return (table, printed scope, printed title) when the line is a table title."""
    # Titles are short and end in 表; most lines are rejected before normalising.
    if len(line.raw) > 80 or "表" not in line.raw:
        return None
    title = _squash(line.text)
    if not title or len(title) > 40:
        return None
    prefix = SCOPE_PREFIX.match(title)
    scope = prefix.group("scope") if prefix else None
    core = title[prefix.end() :] if prefix else title
    table = _title_index().get(core)
    return (table, scope, title) if table else None


def match_unit_line(line: Line) -> re.Match[str] | None:
    """Match a table's unit line: `731 秦皇岛市科学技术协会 预算年度：2022 单位：万元`."""
    text = line.text
    # The pattern needs 预算年度 or 单位 to match: every table row is asked, few are unit lines.
    if "单位" not in text and "预算年度" not in text:
        return None
    m = UNIT_LINE.match(text)
    if m and (m.group("year") or m.group("unit")):
        return m
    return None


class _TableReader:
    """Reads one table starting at its title line; `end` is where it stopped."""

    def __init__(self, doc: Document, start: int, table: Table) -> None:
        self.doc = doc
        self.lines = doc.lines
        self.pos = start
        self.table = table
        self.ncols = len(table.definition.columns)
        self.next_seq = 1
        # Asked of every row: worked out once per table.
        self.amount_cols = [c for c in table.definition.columns if c.role == "amount"]
        self.has_code = any(c.role == "code" for c in table.definition.columns)
        # Two-sided tables: per side, its label column and amount columns.
        self.sides = [
            (
                side,
                next(c for c in table.definition.columns if c.side == side and c.role == "label"),
                [c for c in table.definition.columns if c.side == side and c.role == "amount"],
            )
            for side in ("income", "expense")
            if table.definition.shape == "two_sided"
        ]

    def fail(self, reason: str, line: int) -> ParseError:
        return ParseError(self.doc.path, f"{self.table.title}: {reason}", line)

    def read_header(self) -> None:
        """Consume header lines up to and including the 栏次 line."""
        header: list[str] = []
        while self.pos < len(self.lines):
            line = self.lines[self.pos]
            self.pos += 1
            if COLUMN_NO_LINE.match(line.text):
                numbers = line.text.split()[1:]
                if len(numbers) != self.ncols:
                    raise self.fail(
                        f"栏次 line lists {len(numbers)} columns, catalog expects {self.ncols}",
                        line.first_line,
                    )
                self.table.header_text = self.table.header_text or _squash(" ".join(header))
                return
            if match_title(line):
                break
            header.append(line.text)
        raise self.fail("no 栏次 line after the table header", self.table.first_line)

    def check_header(self) -> None:
        """Every amount column's label must be printed in the header."""
        for col in self.table.definition.amount_columns:
            if col.label not in self.table.header_text:
                raise self.fail(
                    f"header does not print column {col.column_no} ({col.label})",
                    self.table.first_line,
                )

    def run(self) -> int:
        self.read_header()
        self.check_header()
        pending: list[Line] = []
        while self.pos < len(self.lines):
            line = self.lines[self.pos]
            if match_title(line):
                break
            if match_unit_line(line):  # page break: the header repeats
                self.flush(pending)
                pending = []
                self.pos += 1
                self.read_header()
                continue
            text = line.text
            if text.startswith("注："):
                self.table.note = text
                self.pos += 1
                self.table.last_line = line.last_line
                continue
            if not text.strip():  # every cell blank
                self.pos += 1
                continue
            if pending:
                # A PDF piece without a trailing space broke inside a cell, so the
                # next line continues it; otherwise a new 序号 or a full set of
                # cells closes the row.
                broken = not pending[-1].raw.endswith(" ")
                starts_row = line.cells[0].strip() == str(self.next_seq + 1)
                if not broken and (starts_row or self._cell_count(pending) >= self.ncols + 1):
                    self.flush(pending)
                    pending = []
                    continue
                pending.append(line)
                self.pos += 1
                continue
            if line.cells[0].strip() == str(self.next_seq):
                if line.complete:
                    self.emit([line])
                else:
                    pending = [line]
                self.pos += 1
                continue
            if len(line.cells) == 1 and line.cells[0].strip().isdigit():
                self.pos += 1  # a page number between rows
                continue
            break
        self.flush(pending)
        return self.pos

    @staticmethod
    def _joined(lines: list[Line]) -> tuple[str, ...]:
        if lines[0].complete:
            return lines[0].cells
        raw = "".join(ln.raw for ln in lines)
        body = raw[:-1] if raw.endswith(" ") else raw
        return tuple(body.split(" "))

    def _cell_count(self, lines: list[Line]) -> int:
        return len(self._joined(lines))

    def flush(self, pending: list[Line]) -> None:
        if pending:
            self.emit(pending)

    def emit(self, lines: list[Line]) -> None:
        cells = self._joined(lines)
        first, last = lines[0].first_line, lines[-1].last_line
        rest = [c.strip() for c in cells[1:]]  # every cell below is read stripped
        if not any(rest):
            return  # a lone number: a page number that looked like a row start
        seq = self.next_seq
        self.next_seq += 1
        self.table.last_line = last
        shape = self.table.definition.shape
        if shape == "two_sided":
            self.table.lines.extend(self._two_sided(seq, rest, first, last))
        else:
            row = self._labelled(seq, rest, first, last)
            if row is not None:
                self.table.lines.append(row)

    def _values(self, cols: list[Column], texts: list[str], line: int, checked: bool = False) -> tuple[CellValue, ...]:
        """The amount cells of stripped `texts` under `cols`; blanks are left out.

        `checked`: the caller knows every text is an amount or a blank.
        """
        if len(texts) > len(cols):
            extra = [t for t in texts[len(cols) :] if t not in BLANKS]
            if extra:
                raise self.fail(f"row has more values than the table has columns: {extra}", line)
        if checked:
            return tuple([CellValue(col, text) for col, text in zip(cols, texts, strict=False) if text not in BLANKS])
        values = []
        for col, text in zip(cols, texts, strict=False):
            if text in BLANKS:
                continue
            if not is_stripped_amount(text):
                raise self.fail(f"column {col.column_no} ({col.label}) is not an amount: {text!r}", line)
            values.append(CellValue(col, text))
        return tuple(values)

    def _two_sided(self, seq: int, rest: list[str], first: int, last: int) -> list[RowLine]:
        cols = self.table.definition.columns
        if len(rest) < len(cols):
            rest = rest + [""] * (len(cols) - len(rest))
        out = []
        for side, label_col, amount_cols in self.sides:
            label = rest[label_col.column_no - 1]
            if is_stripped_amount(label):
                raise self.fail(f"{side} label column holds a number: {label!r}", last)
            start = amount_cols[0].column_no - 1
            texts = rest[start : start + len(amount_cols)]
            if side == "expense":
                texts = rest[start:]
            values = self._values(amount_cols, texts, last)
            if label or values:
                out.append(RowLine(seq, side, label, None, first, last, values))
        return out

    def _labelled(self, seq: int, rest: list[str], first: int, last: int) -> RowLine | None:
        amount_cols, has_code = self.amount_cols, self.has_code
        # The amounts are the cells after the last text cell: scanned from the end, so
        # each cell is asked once whether it is an amount.
        boundary = 0
        for i in range(len(rest) - 1, -1, -1):
            c = rest[i]
            if c and c not in BLANKS and not is_stripped_amount(c):
                boundary = i + 1
                break
        head, texts = rest[:boundary], rest[boundary:]
        code = None
        if has_code and not boundary:
            # No printed name: the code is the first cell, amounts follow it.
            head, texts = rest[:1], rest[1:]
        label_parts = []
        for c in head:
            if has_code and code is None and SUBJECT_CODE.match(c) and not label_parts:
                code = c
            elif label_parts and is_stripped_amount(c):
                # An amount before the last text cell means a text cell sits in an
                # amount column (a typo or a misread); never fold it into the label.
                raise self.fail(f"row {seq} has text among its amounts: {' | '.join(rest)}", last)
            elif c:
                label_parts.append(c)
        values = self._values(amount_cols, texts, last, checked=True)
        label = "".join(label_parts)
        if not label and not code and not values:
            return None
        return RowLine(seq, None, label, code, first, last, values)


def recognize_tables(doc: Document) -> list[Table]:
    """Find every standard table in the document, in printed order."""
    tables: list[Table] = []
    i = 0
    lines = doc.lines
    while i < len(lines):
        hit = match_title(lines[i])
        if not hit:
            i += 1
            continue
        definition, scope_word, title = hit
        unit = None
        for j in range(i + 1, min(i + 1 + UNIT_LINE_WINDOW, len(lines))):
            unit = match_unit_line(lines[j])
            if unit:
                break
        if unit is None and doc.cut_short and i + UNIT_LINE_WINDOW >= len(lines):
            break  # the file stops under this title: reported as cut short, not as a bad table
        if unit is None:
            raise ParseError(
                doc.path, f"table {title} has no unit line (code, name, 预算年度, 单位)", lines[i].first_line
            )
        code = unit.group("code")
        if scope_word:
            scope, scope_source = ("department" if scope_word == "部门" else "unit"), "title"
        else:
            scope, scope_source = ("unit" if len(code) > 3 else "department"), "unit_code_length"
        table = Table(
            table_seq=len(tables) + 1,
            definition=definition,
            title=title,
            scope=scope,
            scope_source=scope_source,
            unit_code=code,
            unit_name=unit.group("name").strip(),
            fiscal_year=int(unit.group("year")) if unit.group("year") else None,
            amount_unit=unit.group("unit"),
            first_line=lines[i].first_line,
            last_line=lines[j].last_line,
        )
        reader = _TableReader(doc, j + 1, table)
        i = reader.run()
        tables.append(table)
    return tables
