"""Recognise tables by their printed layout: title, header labels and column geometry.

For documents whose lines carry cell boxes (native PDF), a table is found by its
title (decorations stripped, matched against the catalog's variants), then:
- meta lines after the title give the department (`部门：…`), the unit of money
  (`单位：万元`) and the sheet marker (`公开05表`);
- header lines run down to the first body line (one with an amount, a subject
  code or a numbered label);
- columns are the horizontal extents the body's cells cluster into; an amount
  column's label is the path of header cells above it (top to bottom), and its
  measure comes from the header vocabulary (`column_labels.csv`), not from a
  fixed column sequence;
- rows are keyed by 科目编码 (one column, or 类/款/项 parts joined) or by label;
  a row with a label column after an amount column is two-sided (收入 | 支出);
- the table runs over page breaks until the next title; repeated headers and
  page furniture are dropped.

Nothing read is dropped in silence: a line inside a table that holds amounts but
cannot be placed, a title-like line that names no catalog table but heads a
block of amounts, and a table listed in the document's 目录 but not printed are
findings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from budgetwh.document import Document, Line
from budgetwh.tables.amounts import is_amount, is_blank
from budgetwh.tables.catalog import Column, load_column_labels, load_line_labels
from budgetwh.tables.recognize import CellValue, RowLine, Table
from budgetwh.tables.titles import TitleMatch, match_title_text, phase_of, squash

Box = tuple[float, float, float, float]

UNIT_RE = re.compile(r"(?:金额)?单位[:：]\s*(?P<unit>亿元|万元|千元|元)")
DEPT_RE = re.compile(r"^(?:部门|编制部门|编制单位|单位名称|预算单位|部门名称)(?:（单位）)?[:：]\s*(?P<name>.*)$")
SHEET_RE = re.compile(
    r"^(?:(?:部门)?公开\d+表|公开表[一二三四五六七八九十\d]+|附表[一二三四五六七八九十\d]+|表[一二三四五六七八九十\d]+)$"
)
YEAR_RE = re.compile(r"(?P<year>20\d{2})\s*年")
SUBJECT_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
CODE_PART = re.compile(r"^\d{2,3}$")
NUMBERED_LABEL = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、](?!\d))")
PAGE_FURNITURE = re.compile(
    r"^(?:[-—－]\s*\d+\s*[-—－]|第\s*\d+\s*页(?:[，,]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|\d{1,3}|（续表?）|续表)$"
)
TOTAL_LABELS = ("合计", "总计", "收入合计", "支出合计", "收入总计", "支出总计")
# Header words: a line made of these (and nothing that looks like a value) is header.
HEADER_HINTS = ("项目", "科目", "金额", "合计", "决算数", "预算数", "收入", "支出", "编码", "名称", "小计")
# Words that end a department's name-free prefix before a table name.
FUND_WORDS = ("一般公共预算", "政府性基金", "国有资本经营", "财政拨款", "政府性基金预算", "国有资本经营预算")
# Notes that say a table is printed empty on purpose (本部门无…, 故本表无数据, 为空表).
EMPTY_NOTE = re.compile(
    r"无数据|空表|(?:本|我)(?:部门|单位)\S{0,8}(?:无|没有|不涉及)|未安排|无此项|无相关|不涉及|[（(]无"
)
AMOUNT_TEXT = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)\.\d+$|^-?(?:\d{1,3}(?:,\d{3})+|\d+)$")


@dataclass
class Finding:
    """Something read that did not become facts: where it is and why."""

    kind: str  # unplaced_line | unrecognised_table | missing_table | table_cut_short | file_cut_short | reader
    page: int | None
    line: int | None
    reason: str
    text: str = ""


@dataclass
class _Cell:
    text: str
    box: Box
    line: Line

    @property
    def x0(self) -> float:
        return self.box[0]

    @property
    def x1(self) -> float:
        return self.box[2]

    @property
    def cx(self) -> float:
        return (self.box[0] + self.box[2]) / 2

    @property
    def is_amount(self) -> bool:
        return AMOUNT_TEXT.match(self.text) is not None and not self.is_code_like

    @property
    def is_code_like(self) -> bool:
        return SUBJECT_CODE.match(self.text) is not None


@dataclass
class _Column:
    x0: float
    x1: float
    cells: list[_Cell] = field(default_factory=list)
    kind: str = "label"  # code | label | amount
    header: list[str] = field(default_factory=list)

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def label(self) -> str:
        return "/".join(self.header)


def _sets_off(cells: list[_Cell], row: list[_Cell]) -> bool:
    """Figures set a little lower than their row (a 0 under 公务用车购置费), not a row of their own.

    Only figures with nothing beside them in the row, on the same page, that
    overlap the row vertically.
    """
    if not cells or not all(c.is_amount for c in cells) or cells[0].line.page != row[0].line.page:
        return False
    if min(c.box[1] for c in cells) >= max(c.box[3] for c in row):
        return False  # no vertical overlap: the next row
    return not any(min(c.x1, r.x1) > max(c.x0, r.x0) for c in cells for r in row)


def _bare(label: str) -> str:
    """A row label without its numbering (八、, 1., （一）) and spaces."""
    return NUMBERED_LABEL.sub("", squash(label))


def _cells(line: Line) -> list[_Cell]:
    assert line.boxes is not None
    out = []
    for text, box in zip(line.cells, line.boxes, strict=True):
        # Titles and meta cells printed too close together come out as one cell
        # ("…预算表（经济科目）部门：江苏省…"): split before the meta keyword.
        parts = re.split(r"(?=(?:部门名称|部门|单位|编制单位)[:：])", text) if ("：" in text or ":" in text) else [text]
        parts = [p for p in parts if p]
        if len(parts) == 1:
            out.append(_Cell(text, box, line))
            continue
        width = (box[2] - box[0]) / max(len(text), 1)
        x = box[0]
        for p in parts:
            out.append(_Cell(p, (x, box[1], x + width * len(p), box[3]), line))
            x += width * len(p)
    return out


def _title_in(line: Line) -> tuple[TitleMatch, _Cell] | None:
    if len(line.cells) > 4 or any(AMOUNT_TEXT.match(c) and "." in c for c in line.cells):
        return None
    for cell in _cells(line):
        if DEPT_RE.match(squash(cell.text)) or UNIT_RE.search(cell.text):
            continue
        m = match_title_text(cell.text)
        if m and not any(m.prefix.endswith(w) for w in FUND_WORDS):
            return m, cell
    return None


def _is_meta(cell: _Cell) -> bool:
    t = squash(cell.text)
    return bool(DEPT_RE.match(t) or UNIT_RE.search(t) or SHEET_RE.match(t) or t in ("部门:", "部门："))


def _is_body_start(cells: list[_Cell]) -> bool:
    if any(c.is_amount for c in cells):
        return True
    first = cells[0]
    return first.is_code_like or bool(NUMBERED_LABEL.match(first.text))


def _cluster_columns(cells: list[_Cell]) -> list[_Column]:
    """Group cells into columns by overlapping horizontal extent."""
    cols: list[_Column] = []
    for cell in sorted(cells, key=lambda c: c.x0):
        hit = [col for col in cols if cell.x0 < col.x1 - 1 and cell.x1 > col.x0 + 1]
        if not hit:
            cols.append(_Column(cell.x0, cell.x1, [cell]))
            continue
        keep = hit[0]
        for other in hit[1:]:
            keep.cells.extend(other.cells)
            keep.x0, keep.x1 = min(keep.x0, other.x0), max(keep.x1, other.x1)
            cols.remove(other)
        keep.cells.append(cell)
        keep.x0, keep.x1 = min(keep.x0, cell.x0), max(keep.x1, cell.x1)
    cols.sort(key=lambda c: c.x0)
    return cols


class LayoutReader:
    """Recognise every catalog table in a document with cell geometry."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.lines = doc.lines
        self.findings: list[Finding] = [Finding("reader", None, None, r, loc) for loc, r in doc.findings]
        self.vocab = load_column_labels()
        self.known_labels = frozenset(_bare(label) for label in load_line_labels())
        self._dept_cell: _Cell | None = None  # the 部门： cell of the table being read

    # -- finding the tables -------------------------------------------------

    def run(self) -> tuple[list[Table], list[Finding], list[int], list[tuple[int, int | None, str, str]]]:
        """Tables, findings, the line numbers they used (for the narrative), and the titles
        printed with no table under them (a 目录's entries): line, page, code, title as printed."""
        starts: list[tuple[int, TitleMatch, int]] = []
        listed: list[tuple[int, TitleMatch]] = []
        skip_to = 0
        for i, line in enumerate(self.lines):
            if line.boxes is None or i < skip_to:
                continue
            hit, span = self._title_at(i)
            if hit:
                skip_to = i + span
                if self._heads_table(i + span - 1):
                    starts.append((i, hit[0], span))
                else:
                    listed.append((i, hit[0]))
        tables: list[Table] = []
        used: list[int] = []
        previous: TitleMatch | None = None
        for n, (i, match, span) in enumerate(starts):
            if previous is not None and self._same_table(previous, match):
                continue  # the title repeated over the next page: the table goes on
            previous = match
            nxt = next((s for s in starts[n + 1 :] if not self._same_table(match, s[1])), None)
            end = nxt[0] if nxt else len(self.lines)
            table = self._read_table(len(tables) + 1, i, end, match, span)
            tables.append(table)
            used.extend(range(self.lines[i].first_line, table.last_line + 1))
        found = {t.definition.code for t in tables}
        # A 目录 lists titles in a run; a title alone on a page with nothing
        # under it is a table whose grid was lost (a missing page, a cut file).
        per_page: dict[int | None, int] = {}
        for i, _ in listed:
            per_page[self.lines[i].page] = per_page.get(self.lines[i].page, 0) + 1
        for i, match in listed:
            line = self.lines[i]
            if per_page[line.page] <= 2 and match.definition.code not in found:
                self.findings.append(
                    Finding(
                        "table_cut_short",
                        line.page,
                        line.first_line,
                        f"{match.printed}: title printed with no table under it",
                        line.raw,
                    )
                )
                found.add(match.definition.code)
        for i, match in listed:
            if match.definition.code not in found:
                line = self.lines[i]
                self.findings.append(
                    Finding(
                        "missing_table",
                        line.page,
                        line.first_line,
                        f"table {match.printed} is listed (目录) but not printed in this file",
                        line.raw,
                    )
                )
                found.add(match.definition.code)
        self._unrecognised_blocks(set(used))
        contents = [
            (self.lines[i].first_line, self.lines[i].page, match.definition.code, match.printed) for i, match in listed
        ]
        return tables, self.findings, used, contents

    def _title_at(self, i: int) -> tuple[tuple[TitleMatch, _Cell] | None, int]:
        """The title on line i, or on line i joined with a short wrapped tail (…预算 / 表)."""
        line = self.lines[i]
        hit = _title_in(line)
        if hit or len(line.cells) != 1 or i + 1 >= len(self.lines):
            return hit, 1
        tail = self.lines[i + 1]
        if line.boxes is None or tail.boxes is None or tail.page != line.page:
            return None, 1
        if len(tail.cells) != 1 or len(squash(tail.raw)) > 4:
            return None, 1
        (x0, y0, x1, y1), (u0, v0, u1, v1) = line.boxes[0], tail.boxes[0]
        joined = replace(
            line,
            cells=(line.cells[0] + tail.cells[0],),
            raw=line.raw + tail.raw,
            last_line=tail.last_line,
            boxes=((min(x0, u0), min(y0, v0), max(x1, u1), max(y1, v1)),),
        )
        hit = _title_in(joined)
        return (hit, 2) if hit else (None, 1)

    @staticmethod
    def _same_table(first: TitleMatch, other: TitleMatch) -> bool:
        """Two titles naming the same table: a repeat over a page break (政府采购预算表)."""
        return (
            first.definition.code == other.definition.code
            and first.scope_word == other.scope_word
            and (first.trailing or None) == (other.trailing or None)
        )

    def _heads_table(self, i: int) -> bool:
        """A title heads a table when a header line follows before another title."""
        for line in self.lines[i + 1 : i + 8]:
            if line.boxes is None or _title_in(line):
                return False
            cells = [c for c in _cells(line) if not _is_meta(c)]
            hinted = [c for c in cells if len(squash(c.text)) <= 16 and any(h in c.text for h in HEADER_HINTS)]
            if len(cells) >= 2 and len(hinted) >= 2:
                return True
            if any(c.is_amount and ("." in c.text or "," in c.text) for c in cells):
                return True
        return False

    def _unrecognised_blocks(self, used: set[int]) -> None:
        """Runs of lines outside any table that hold amounts in columns: say so."""
        run: list[Line] = []
        for line in [*self.lines, None]:
            if line is not None and line.first_line not in used and line.boxes is not None:
                amounts = sum(1 for c in line.cells if AMOUNT_TEXT.match(c) and "." in c)
                if amounts >= 2 and len(line.cells) >= 3:
                    run.append(line)
                    continue
            if len(run) >= 2:
                first = run[0]
                self.findings.append(
                    Finding(
                        "unrecognised_table",
                        first.page,
                        first.first_line,
                        f"{len(run)} lines of amounts in columns outside any recognised table",
                        first.raw,
                    )
                )
            run = []

    # -- reading one table --------------------------------------------------

    def _read_table(self, seq: int, start: int, end: int, match: TitleMatch, span: int = 1) -> Table:
        title_line = self.lines[start]
        table = Table(
            table_seq=seq,
            definition=match.definition,
            title=match.printed,
            scope="unit" if match.scope_word == "单位" else "department",
            scope_source="title" if match.scope_word else "default",
            unit_code=None,
            unit_name=None,
            fiscal_year=None,
            amount_unit=None,
            first_line=title_line.first_line,
            last_line=title_line.first_line,
        )
        table.phase = match.phase
        table.page_start = title_line.page
        self._dept_cell = None
        year = YEAR_RE.search(match.printed)
        if year:
            table.fiscal_year = int(year.group("year"))
        # Meta cells may sit on the title line itself.
        self._meta(table, [c for c in _cells(title_line) if match_title_text(c.text) is None])
        if match.trailing and table.unit_name is None:
            table.unit_name = match.trailing
        header: list[list[_Cell]] = []
        body: list[list[_Cell]] = []
        header_done = False
        note_page: int | None = None
        for j in range(start + span, end):
            line = self.lines[j]
            if line.boxes is None:
                continue
            cells = _cells(line)
            meta = [c for c in cells if _is_meta(c)]
            if meta:
                self._meta(table, cells)
                cells = [c for c in cells if not _is_meta(c) and not self._is_dept_name(table, c)]
                if not cells:
                    continue
            if not header_done and self._wraps_dept_name(table, cells):
                table.unit_name = (table.unit_name or "") + squash(cells[0].text)
                continue
            repeated = [c for c in cells if (m := match_title_text(c.text)) and self._same_table(match, m)]
            if repeated:
                cells = [c for c in cells if c not in repeated]
                if not cells:
                    continue
            text = squash(line.raw)
            if text.startswith(("注：", "注:", "说明：", "说明:", "备注：")):
                table.note = (table.note + " " if table.note else "") + text
                table.last_line = line.last_line
                note_page = line.page
                continue
            if table.note and line.page != note_page:
                break  # a note closes its table: the next page is the narrative's (a blank table last)
            if len(cells) == 1 and PAGE_FURNITURE.match(squash(cells[0].text)) and self._page_edge(j):
                continue  # a page number or 续表 mark; a lone 0 inside the table is a figure
            if not header_done and not _is_body_start(cells):
                header.append(cells)
                table.last_line = line.last_line
                continue
            if header_done and self._repeats_header(cells, header):
                continue  # the header repeated after a page break
            if header_done and self._is_narrative(cells, body):
                break
            header_done = True
            if body and _sets_off(cells, body[-1]):
                body[-1] = body[-1] + cells
            else:
                body.append(cells)
            table.last_line = line.last_line
        table.header_text = squash(" ".join(c.text for row in header for c in row))
        if body:
            self._read_body(table, header, body)
        elif not EMPTY_NOTE.search((table.note or "") + table.header_text) and not table.header_text.endswith(
            TOTAL_LABELS
        ):
            # A title with no line under it, no empty 合计 row and no word saying the
            # table is empty: it may have been cut off (a truncated file, a lost page).
            self.findings.append(
                Finding(
                    "table_cut_short",
                    title_line.page,
                    title_line.first_line,
                    f"{table.title}: printed with no lines and no note that it is empty",
                    title_line.raw,
                )
            )
        return table

    def _page_edge(self, j: int) -> bool:
        """True when line j is the first or last printed line of its page."""
        page = self.lines[j].page
        before = self.lines[j - 1].page if j > 0 else None
        after = self.lines[j + 1].page if j + 1 < len(self.lines) else None
        return before != page or after != page

    def _wraps_dept_name(self, table: Table, cells: list[_Cell]) -> bool:
        """A lone cell under the 部门名称 cell, flush with it, that goes on with the name."""
        dept = self._dept_cell
        if dept is None or table.unit_name is None or len(cells) != 1:
            return False
        cell = cells[0]
        text = squash(cell.text)
        return (
            cell.line.page == dept.line.page
            and 0 < cell.line.first_line - dept.line.last_line <= 2
            and abs(cell.x0 - dept.x0) < 3
            and not cell.is_amount
            and not any(h in text for h in HEADER_HINTS)
            and len(text) <= 20
        )

    def _is_dept_name(self, table: Table, cell: _Cell) -> bool:
        return table.unit_name is not None and squash(cell.text) == table.unit_name

    def _meta(self, table: Table, cells: list[_Cell]) -> None:
        pending_dept = False
        for c in cells:
            t = squash(c.text)
            m = UNIT_RE.search(t)
            if m:
                table.amount_unit = "万元" if m.group("unit") == "万元" else m.group("unit")
            d = DEPT_RE.match(t)
            if d:
                name = d.group("name")
                if UNIT_RE.search(name):
                    name = UNIT_RE.split(name)[0]
                if name:
                    table.unit_name = name
                    self._dept_cell = c
                else:
                    pending_dept = True
                continue
            if pending_dept and t and not UNIT_RE.search(t) and not SHEET_RE.match(t):
                table.unit_name = t
                pending_dept = False
            y = YEAR_RE.search(t)
            if y and table.fiscal_year is None and ("年度" in t or "预算" in t or "决算" in t):
                table.fiscal_year = int(y.group("year"))

    @staticmethod
    def _repeats_header(cells: list[_Cell], header: list[list[_Cell]]) -> bool:
        texts = {squash(c.text) for c in cells}
        return any(texts and texts == {squash(c.text) for c in row} for row in header)

    @staticmethod
    def _is_narrative(cells: list[_Cell], body: list[list[_Cell]]) -> bool:
        """A long single-cell line of prose (or a section heading) ends the table."""
        if len(cells) != 1 or cells[0].is_amount or cells[0].is_code_like:
            return False
        text = squash(cells[0].text)
        if any(ch in text for ch in "。；") or len(text) > 30:
            return True
        return text.startswith(("第一部分", "第二部分", "第三部分", "第四部分", "附件"))

    def _read_body(self, table: Table, header: list[list[_Cell]], body: list[list[_Cell]]) -> None:
        cells = [c for row in body for c in row if squash(c.text) not in TOTAL_LABELS]
        # Amounts and text cluster apart: a summary label spanning two columns
        # (当年支出小计 over 功能分类 and its 金额) must not swallow an amount column.
        columns = self._within_rules(_cluster_columns([c for c in cells if c.is_amount]))
        columns += _cluster_columns([c for c in cells if not c.is_amount])
        columns.sort(key=lambda c: c.x0)
        for col in columns:
            amounts = sum(1 for c in col.cells if c.is_amount)
            codes = sum(1 for c in col.cells if c.is_code_like or CODE_PART.match(c.text))
            texts = len(col.cells) - amounts - codes
            if amounts >= max(codes, texts) and amounts:
                col.kind = "amount"
            elif codes > texts:
                col.kind = "code"
            else:
                col.kind = "label"
        self._label_columns(columns, header)
        # A code column printed as digits only must not be read as money.
        for col in columns:
            if col.kind == "amount" and self._header_role(col) == "code":
                col.kind = "code"
        segments = self._segments(columns)
        table_cols: dict[int, Column] = {}
        for n, col in enumerate(columns, start=1):
            if col.kind != "amount":
                continue
            side = self._side(table, segments, col)
            table_cols[id(col)] = Column(n, "amount", side, self._measure(table, col), col.label or "金额")
        row_seq = 0
        by_segment: dict[int, list[RowLine]] = {}
        for row in body:
            row_seq += 1
            placed = self._place(row, columns)
            if placed is None:
                line = row[0].line
                self.findings.append(
                    Finding(
                        "unplaced_line",
                        line.page,
                        line.first_line,
                        f"{table.title}: amounts that fit no column of the table",
                        line.raw,
                    )
                )
                continue
            k = 0
            while k < len(segments):
                segment, start = segments[k], k
                if k + 1 < len(segments) and self._spans_into(table, table_cols, placed, segment, segments[k + 1]):
                    segment = segment + segments[k + 1]
                    k += 1
                emitted = self._emit(table, table_cols, row_seq, placed, segment)
                if emitted is not None:
                    by_segment.setdefault(start, []).append(emitted)
                k += 1
        joined = [line for lines in by_segment.values() for line in self._join_fragments(lines)]
        table.lines.extend(sorted(joined, key=lambda line: line.row_seq))

    def _ruled_cell(self, cell: _Cell) -> tuple[float, float] | None:
        """The pair of vertical rules around a cell, where the page draws both."""
        rules = self.doc.vertical_rules.get(cell.line.page or 0)
        if not rules:
            return None
        _, y0, _, y1 = cell.box
        xs = [x for x, ry0, ry1 in rules if ry0 <= y1 and ry1 >= y0]
        left = [x for x in xs if x <= cell.x0 + 1]
        right = [x for x in xs if x >= cell.x1 - 1]
        return (max(left), min(right)) if left and right else None

    def _within_rules(self, columns: list[_Column]) -> list[_Column]:
        """Join amount columns that sit between the same two rules.

        Some tables print part of a column's figures left-aligned and part
        centred (机关运行经费 items under their 合计): two clusters by extent, one
        column by the rules drawn around them. Without rules nothing changes.
        """
        merged: list[_Column] = []
        for col in columns:
            spans = {self._ruled_cell(c) for c in col.cells}
            prev = merged[-1] if merged else None
            same_cell = (
                prev is not None
                and len(spans) == 1
                and None not in spans
                and {self._ruled_cell(c) for c in prev.cells} == spans
            )
            if prev is not None and same_cell:
                prev.cells.extend(col.cells)
                prev.x0, prev.x1 = min(prev.x0, col.x0), max(prev.x1, col.x1)
                continue
            merged.append(col)
        return merged

    @staticmethod
    def _segments(columns: list[_Column]) -> list[list[_Column]]:
        """Split columns into sides: a label column after an amount column starts a new side."""
        segments: list[list[_Column]] = [[]]
        seen_amount = False
        for col in columns:
            if col.kind != "amount" and seen_amount:
                segments.append([])
                seen_amount = False
            if col.kind == "amount":
                seen_amount = True
            segments[-1].append(col)
        return [s for s in segments if s]

    def _join_fragments(self, lines: list[RowLine]) -> list[RowLine]:
        """Join a label wrapped over printed lines that no rule holds together.

        Unruled tables space wrapped label lines like rows (八、社会保障和就 / 业支出,
        even across a page break), and may print the amount beside the middle
        line. A line continues the one above when the label above is not a
        label the classification knows but the two together are, or begin one;
        an amount line with no label fills such an unfinished label.
        """
        out: list[RowLine] = []
        for line in lines:
            prev = out[-1] if out else None
            if prev is not None and not line.subject_code and self._continues(prev, line):
                out[-1] = RowLine(
                    prev.row_seq,
                    prev.side or line.side,
                    prev.label + line.label,
                    prev.subject_code,
                    prev.first_line,
                    line.last_line,
                    prev.cells + line.cells,
                    page=prev.page,
                )
                continue
            out.append(line)
        return out

    def _continues(self, prev: RowLine, line: RowLine) -> bool:
        unfinished = _bare(prev.label)
        if not unfinished or unfinished in self.known_labels or "/" in prev.label + line.label:
            return False
        if not any(known.startswith(unfinished) for known in self.known_labels):
            return False
        columns = {id(c.column) for c in prev.cells}
        if any(id(c.column) in columns for c in line.cells):
            return False  # both print a figure in the same column: two rows
        if not line.label:
            return bool(line.cells)
        together = _bare(prev.label + line.label)
        return any(known.startswith(together) for known in self.known_labels)

    @classmethod
    def _spans_into(
        cls,
        table: Table,
        table_cols: dict[int, Column],
        placed: dict[int, list[_Cell]],
        segment: list[_Column],
        following: list[_Column],
    ) -> bool:
        """A label with no amount whose amount sits in the next segment of its side.

        当年支出小计 / 支出合计 in a 收支总表 span the 功能分类 name and amount
        columns; the figure is printed in the 支出用途 amount column after them.
        """

        def filled(seg: list[_Column], amounts: bool) -> bool:
            return any(placed.get(id(col)) for col in seg if (col.kind == "amount") == amounts)

        if cls._segment_side(table, table_cols, segment) != cls._segment_side(table, table_cols, following):
            return False
        return (
            filled(segment, amounts=False)
            and not filled(segment, amounts=True)
            and filled(following, amounts=True)
            and not filled(following, amounts=False)
        )

    def _side(self, table: Table, segments: list[list[_Column]], col: _Column) -> str | None:
        if table.definition.shape != "two_sided" or len(segments) < 2:
            return None
        for n, seg in enumerate(segments):
            if col in seg:
                return "income" if n == 0 else "expense"
        return None

    def _label_columns(self, columns: list[_Column], header: list[list[_Cell]]) -> None:
        """Give each column the path of header cells above it, top to bottom."""
        above: dict[int, _Cell] = {}  # the header cell each column took from the rows above
        for row in header:
            chosen: dict[int, _Cell] = {}
            for col in columns:
                best, best_overlap = None, 0.0
                for cell in row:
                    overlap = min(cell.x1, col.x1 + 2) - max(cell.x0, col.x0 - 2)
                    if overlap > best_overlap:
                        best, best_overlap = cell, overlap
                if best is not None:
                    chosen[id(col)] = best
            # A group label (本年收入) spans the columns between the rules around it,
            # where the page draws its own pair of rules for it.
            spans = [(cell, self._ruled_cell(cell)) for cell in row]
            for cell, span in spans:
                if span is None or sum(1 for _, other in spans if other == span) > 1:
                    continue
                for col in columns:
                    if id(col) not in chosen and span[0] <= col.cx <= span[1]:
                        chosen[id(col)] = cell
            # Right-aligned numbers in a wide column may sit clear of their
            # centred header: take the nearest header to the left no column claimed.
            claimed = {id(c) for c in chosen.values()}
            for col in columns:
                if id(col) in chosen or col.kind != "amount":
                    continue
                # …but only a header under the cell the column took above (a leaf
                # of 本年收入 is not the label of 上年结转 beside the group).
                parent = above.get(id(col))
                left = [
                    c
                    for c in row
                    if c.cx <= col.x1
                    and id(c) not in claimed
                    and (parent is None or min(c.x1, parent.x1) > max(c.x0, parent.x0))
                ]
                if left:
                    best = max(left, key=lambda c: c.cx)
                    chosen[id(col)] = best
                    claimed.add(id(best))
            for col in columns:
                best = chosen.get(id(col))
                if best is not None:
                    above[id(col)] = best
                    text = squash(best.text)
                    if not col.header or col.header[-1] != text:
                        col.header.append(text)
        # A header word wrapped onto the next line without a rule (会议 / 费) is one
        # word when the vocabulary knows the whole and not the tail.
        for col in columns:
            path: list[str] = []
            for text in col.header:
                if path and path[-1] + text in self.vocab and text not in self.vocab:
                    path[-1] += text
                else:
                    path.append(text)
            col.header = path

    def _header_role(self, col: _Column) -> str | None:
        for text in reversed(col.header):
            meaning = self.vocab.get(text)
            if meaning:
                return meaning.role
        return None

    def _measure(self, table: Table, col: _Column) -> str:
        """The measure from the header path: the leaf's meaning, qualified by its group."""
        path = col.header
        names = [self.vocab[t].measure for t in path if t in self.vocab and self.vocab[t].role == "amount"]
        names = [n for n in names if n]
        if not names:
            return "amount" if not path else "unmapped:" + "/".join(path)
        # 小计 under a group (“三公”经费/小计, 公务用车购置及运行维护费/小计) is the group's total.
        names = [n for i, n in enumerate(names) if n != "subtotal" or i == 0]
        if table.phase == "final" and names[-1] == "amount" and path[-1] == "预算数":
            # a 决算 prints 预算数 beside 决算数: the budget, never the final figure
            names[-1] = "budget_initial"
        leaf = names[-1]
        if leaf in ("amount", "budget_initial") and len(names) > 1:
            # 决算数 under 因公出国（境）费: the group gives the meaning.
            return f"{names[-2]}:{leaf}"
        return leaf

    @staticmethod
    def _place(row: list[_Cell], columns: list[_Column]) -> dict[int, list[_Cell]] | None:
        placed: dict[int, list[_Cell]] = {}
        for cell in row:
            best, best_overlap = None, 0.0
            for col in columns:
                if (col.kind == "amount") != cell.is_amount and not (col.kind == "code" and cell.is_code_like):
                    continue
                overlap = min(cell.x1, col.x1) - max(cell.x0, col.x0)
                if overlap > best_overlap:
                    best, best_overlap = col, overlap
            if best is None and not cell.is_amount:
                # A label centred in a merged cell (合计 over 科目编码+科目名称)
                # may clear the left-aligned names: take the nearest text column.
                text_cols = [c for c in columns if c.kind != "amount"]
                if text_cols:
                    best = min(text_cols, key=lambda c: max(c.x0 - cell.x1, cell.x0 - c.x1))
            if best is None:
                if cell.is_amount:
                    return None
                continue
            placed.setdefault(id(best), []).append(cell)
        return placed

    def _emit(
        self,
        table: Table,
        table_cols: dict[int, Column],
        row_seq: int,
        placed: dict[int, list[_Cell]],
        segment: list[_Column],
    ) -> RowLine | None:
        code_parts: list[str] = []
        label_parts: list[str] = []
        values: list[CellValue] = []
        first = last = None
        page = None
        for col in segment:
            got = placed.get(id(col), [])
            for cell in got:
                first = cell.line.first_line if first is None else min(first, cell.line.first_line)
                last = cell.line.last_line if last is None else max(last, cell.line.last_line)
                page = page or cell.line.page
            if col.kind == "code":
                code_parts.extend(squash(c.text) for c in got)
            elif col.kind == "label" and got:
                # Several pieces in one label column are one wrapped label: read
                # them top to bottom ("/" joins the labels of different columns).
                pieces = sorted(got, key=lambda c: (round(c.box[1]), c.x0))
                label_parts.append("".join(squash(c.text) for c in pieces))
            else:
                for cell in got:
                    if is_blank(cell.text) or not is_amount(cell.text):
                        continue
                    values.append(CellValue(table_cols[id(col)], cell.text, page=cell.line.page, box=cell.box))
        # Labels printed in a code column (合计 spanning code and name) are labels.
        code = "".join(p for p in code_parts if p.isdigit()) or None
        label_parts = [p for p in code_parts if not p.isdigit()] + label_parts
        if code and not SUBJECT_CODE.match(code):
            label_parts.insert(0, code)
            code = None
        label = "/".join(label_parts)
        if not values and not label and not code:
            return None
        if first is None or last is None:
            return None
        side = values[0].column.side if values else self._segment_side(table, table_cols, segment)
        return RowLine(row_seq, side, label, code, first, last, tuple(values), page=page)

    @staticmethod
    def _segment_side(table: Table, table_cols: dict[int, Column], segment: list[_Column]) -> str | None:
        for col in segment:
            if id(col) in table_cols:
                return table_cols[id(col)].side
        return None


def recognize_layout(
    doc: Document,
) -> tuple[list[Table], list[Finding], list[int], list[tuple[int, int | None, str, str]]]:
    """Find the catalog tables of a document whose lines carry cell boxes (and its 目录's entries)."""
    return LayoutReader(doc).run()


def document_phase(tables: list[Table], text: str) -> str | None:
    """The document's phase: what its tables' titles say, else its opening text."""
    phases = [t.phase for t in tables if t.phase]
    if phases:
        return max(set(phases), key=phases.count)
    head = text[:3000]
    if "决算" in head and ("部门决算" in head or "单位决算" in head):
        return "final"
    if "预算" in head:
        return "budget"
    return phase_of(head)
