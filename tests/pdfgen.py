"""Generate native PDFs from the samples, for the PDF reader's equivalence tests.

Tables are printed from the independent cell list (`fixtures/expected_facts.csv`),
not from anything the parser produced: one ruled grid per table, the header row
from the catalog's column labels (`table_columns.csv`, as the Hebei template prints
them), codes and labels in their columns, amounts right-aligned, long tables
continued on the next page under a repeated header. Narrative text is printed
line by line from the sample, wrapped at the page margin as a PDF would.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pymupdf

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "dbt_project" / "seeds"
FONT = "china-s"  # PyMuPDF's built-in CJK font: no font file needed offline
NUMBER_FONT = "helv"
SIZE = 8.0
ROW_H = 16.0
WIDTH, HEIGHT = 842.0, 595.0  # A4 landscape
MARGIN = 36.0
# Group labels the Hebei template prints above a run of columns (sample 000, line 95):
# table code → (label, first column_no, last column_no).
GROUPS = {"income_summary": ("本年收入", 4, 11)}
UNIT_LINE = re.compile(r"^\s*(?P<code>\d{3,9})\s*(?P<name>[^\s\d]\S*)")
YEAR = re.compile(r"预算年度：(?P<year>\d{4})")


def _catalog() -> tuple[dict[str, str], dict[str, list[dict[str, str]]]]:
    """Title variant → table code, and table code → its printed columns."""
    titles: dict[str, str] = {}
    with (SEEDS / "table_catalog.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            for variant in row["title_variants"].split("|"):
                titles[variant] = row["table_code"]
    columns: dict[str, list[dict[str, str]]] = defaultdict(list)
    with (SEEDS / "table_columns.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            columns[row["table_code"]].append(row)
    return titles, columns


def _table_code(title: str, titles: dict[str, str]) -> str:
    bare = re.sub(r"^(?:部门|单位)预算", "", title)
    return titles[bare]


def unit_names(sample: Path) -> dict[str, tuple[str, str]]:
    """Unit code → (name, year) as the sample prints them on its unit lines."""
    names: dict[str, tuple[str, str]] = {}
    lines = sample.read_text(encoding="utf-8").splitlines()
    # `731 秦皇岛市科学技术协会 预算年度：2022 …` on one line (000) or over two (001)
    for line, after in zip(lines, [*lines[1:], ""], strict=True):
        unit, year = UNIT_LINE.match(line), YEAR.search(line + after)
        if unit and year:
            names.setdefault(unit.group("code"), (unit.group("name"), year.group("year")))
    return names


class _Writer:
    def __init__(self) -> None:
        self.pdf = pymupdf.open()
        self.page: pymupdf.Page | None = None
        self.y = 0.0

    def new_page(self) -> pymupdf.Page:
        self.page = self.pdf.new_page(width=WIDTH, height=HEIGHT)
        self.y = MARGIN
        return self.page

    def text(self, x: float, text: str, size: float = SIZE, font: str = FONT) -> None:
        assert self.page is not None
        self.page.insert_text((x, self.y + size), text, fontname=font, fontsize=size)

    def right(self, x1: float, text: str) -> None:
        # Figures in a Latin font: the CJK font sets digits a full em wide.
        width = pymupdf.get_text_length(text, fontname=NUMBER_FONT, fontsize=SIZE)
        self.text(x1 - 4 - width, text, font=NUMBER_FONT)

    def centre(self, x0: float, x1: float, text: str, size: float = SIZE) -> None:
        width = pymupdf.get_text_length(text, fontname=FONT, fontsize=size)
        self.text((x0 + x1 - width) / 2, text, size)


def _wrap(text: str, width: float) -> list[str]:
    """Split a header label into pieces that fit the column width."""
    parts, current = [], ""
    for ch in text:
        if current and pymupdf.get_text_length(current + ch, fontname=FONT, fontsize=SIZE) > width:
            parts.append(current)
            current = ""
        current += ch
    return [*parts, current] if current else parts


def _grid(columns: list[dict[str, str]]) -> list[tuple[float, float]]:
    """x extent of each printed column: codes narrow, labels wide, amounts share the rest."""
    widths = {"code": 60.0, "label": 190.0 if len(columns) <= 5 else 150.0}
    fixed = sum(widths.get(c["role"], 0.0) for c in columns)
    amounts = sum(1 for c in columns if c["role"] == "amount")
    amount_w = (WIDTH - 2 * MARGIN - fixed) / max(amounts, 1)
    out, x = [], MARGIN
    for c in columns:
        w = widths.get(c["role"], amount_w)
        out.append((x, x + w))
        x += w
    return out


class _TableGrid:
    """One table printed as a ruled grid on the writer's pages."""

    def __init__(self, w: _Writer, columns: list[dict[str, str]], group: tuple[str, int, int] | None) -> None:
        self.w = w
        self.columns = columns
        self.grid = _grid(columns)
        self.group = group

    def line(self, a: tuple[float, float], b: tuple[float, float]) -> None:
        assert self.w.page is not None
        self.w.page.draw_line(a, b, width=0.5)

    def header(self) -> None:
        """Headers wider than their column wrap inside the ruled cell, as printed; a group
        label (本年收入) sits on its own row above the columns it spans."""
        w, grid, group = self.w, self.grid, self.group
        wrapped = [_wrap(c["column_label"], x1 - x0 - 6) for (x0, x1), c in zip(grid, self.columns, strict=True)]
        depth = max(len(parts) for parts in wrapped) + (1 if group else 0)
        top = w.y
        if group:
            w.centre(grid[group[1] - 1][0], grid[group[2] - 1][1], group[0])
        for n, ((x0, x1), parts) in enumerate(zip(grid, wrapped, strict=True), start=1):
            under = group is not None and group[1] <= n <= group[2]
            w.y = top + (ROW_H if under else 0) + (depth - under - len(parts)) * ROW_H / 2
            for part in parts:
                w.centre(x0, x1, part)
                w.y += ROW_H
        w.y = top
        if not group:
            self.rule(depth)
            return
        # Inner rules of the group row only at its ends; a rule under it across its span.
        t, b = top - 3, top + depth * ROW_H - 3
        _, first, last = group
        self.line((MARGIN, t), (WIDTH - MARGIN, t))
        self.line((MARGIN, b), (WIDTH - MARGIN, b))
        self.line((grid[first - 1][0], t + ROW_H), (grid[last - 1][1], t + ROW_H))
        for n, (x0, _) in enumerate(grid, start=1):
            self.line((x0, t + ROW_H if first < n <= last else t), (x0, b))
        self.line((WIDTH - MARGIN, t), (WIDTH - MARGIN, b))
        w.y += depth * ROW_H

    def rule(self, depth: int = 1) -> None:
        """Rules around the current row (or header block) and between its columns."""
        top, bottom = self.w.y - 3, self.w.y + depth * ROW_H - 3
        self.line((MARGIN, top), (WIDTH - MARGIN, top))
        self.line((MARGIN, bottom), (WIDTH - MARGIN, bottom))
        for x0, _ in self.grid:
            self.line((x0, top), (x0, bottom))
        self.line((WIDTH - MARGIN, top), (WIDTH - MARGIN, bottom))
        self.w.y += depth * ROW_H

    def row(self, printed: list[str]) -> None:
        """One body row; long tables go on to a new page under a repeated header."""
        if self.w.y + ROW_H > HEIGHT - MARGIN:
            self.w.new_page()
            self.header()
        for (x0, x1), col, text in zip(self.grid, self.columns, printed, strict=True):
            if not text:
                continue
            if col["role"] == "code":
                self.w.text(x0 + 4, text, font=NUMBER_FONT)
            elif col["role"] == "label":
                self.w.text(x0 + 4, text)
            else:
                self.w.right(x1, text)
        self.rule()


@dataclass
class TableSpec:
    """One table of a sample as the cell list gives it, ready to print in any format."""

    title: str
    department: str
    year: str
    columns: list[dict[str, str]]
    group: tuple[str, int, int] | None
    rows: dict[int, dict[int, dict[str, str]]]

    def printed_row(self, seq: int) -> list[str]:
        """The row's cells as printed, one per column ("" for blank)."""
        cells = self.rows[seq]
        out = []
        for n, col in enumerate(self.columns, start=1):
            side = col["side"] or None
            # Labels and codes are not cells of their own in the list: take them
            # from any amount cell of the same side of the row.
            peer = next((c for k, c in cells.items() if (self.columns[k - 1]["side"] or None) == side), None)
            if col["role"] == "code":
                out.append(peer["subject_code"] if peer else "")
            elif col["role"] == "label":
                out.append(peer["line_label"] if peer else "")
            else:
                out.append(cells[n]["amount"] if n in cells else "")
        return out


def table_specs(sample: Path, facts_csv: Path) -> list[TableSpec]:
    """Every table of `sample` in the independent cell list, in order."""
    titles, catalog = _catalog()
    names = unit_names(sample)
    tables: dict[tuple[str, str], dict[int, dict[int, dict[str, str]]]] = {}
    with facts_csv.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["seed_file"] != sample.name:
                continue
            key = (row["unit_code"], row["table_title"])
            tables.setdefault(key, defaultdict(dict))[int(row["row_seq"])][int(row["column_no"])] = row
    specs = []
    for (unit, title), rows in tables.items():
        code = _table_code(title, titles)
        name, year = names[unit]
        specs.append(TableSpec(title, name, year, catalog[code], GROUPS.get(code), rows))
    return specs


def tables_pdf(sample: Path, facts_csv: Path, out: Path) -> int:
    """Print every table of `sample` in the cell list as a ruled grid; return the table count."""
    specs = table_specs(sample, facts_csv)
    w = _Writer()
    for spec in specs:
        w.new_page()
        w.centre(MARGIN, WIDTH - MARGIN, spec.title, size=14)
        w.y += 28
        w.text(MARGIN, f"部门：{spec.department}")
        w.centre(MARGIN, WIDTH - MARGIN, f"{spec.year}年度")
        w.text(WIDTH - MARGIN - 50, "单位：万元")
        w.y += 18
        table = _TableGrid(w, spec.columns, spec.group)
        table.header()
        for seq in sorted(spec.rows):
            table.row(spec.printed_row(seq))
    w.pdf.save(out)
    return len(specs)


def narrative_pdf(sample: Path, out: Path, chars_per_line: int = 60) -> None:
    """Print the sample's text as running lines, wrapped at the margin as PDFs wrap them."""
    w = _Writer()
    w.new_page()
    for line in sample.read_text(encoding="utf-8").splitlines():
        text = line.strip()
        while text:
            if w.y + 14 > HEIGHT - MARGIN:
                w.new_page()
            w.text(MARGIN, text[:chars_per_line], size=10)
            w.y += 14
            text = text[chars_per_line:]
    w.pdf.save(out)
