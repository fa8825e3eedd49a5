"""Reader for native PDF files (PyMuPDF words with coordinates).

Each page's words are turned into reading orientation (landscape tables are often
stored as portrait pages with /Rotate 90), grouped into printed lines by their
vertical centre, and split into cells where the horizontal gap is wider than a
character or a ruled line separates them. A label too long for its column wraps
onto extra printed lines; those pieces are joined back into the cell of the row
they belong to: where the page has ruled lines, the piece belongs to the row whose
ruled band holds it; where it has none, to the adjacent row it sits close to.

Every line keeps its page; every cell its bounding box. A page with no text layer
(a scan) is reported by number, never read as an empty page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pymupdf

from budgetwh import limits
from budgetwh.document import Document, Line
from budgetwh.errors import ParseError
from budgetwh.readers.glyphs import normalise_amount_text, normalise_glyphs

Box = tuple[float, float, float, float]
# A printed number, as the amount test uses it (kept local to stay import-light).
_NUMBER = re.compile(r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?|-?\.\d+")
# Ruled lines: thinner than this (points) in one direction count as a rule.
RULE_THICKNESS = 2.5
# A page with fewer characters than this whose images cover at least this share
# of the page is taken for a scan (a cover page with a logo and a title is not).
SCAN_MIN_CHARS = 20
SCAN_MIN_COVERAGE = 0.5


@dataclass
class _Cell:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    pieces: list[tuple[float, str]] = field(default_factory=list)

    @property
    def box(self) -> Box:
        return (round(self.x0, 1), round(self.y0, 1), round(self.x1, 1), round(self.y1, 1))

    @property
    def is_number(self) -> bool:
        return _NUMBER.fullmatch(self.text) is not None

    def absorb(self, other: _Cell) -> None:
        self.pieces.extend(other.pieces)
        self.pieces.sort(key=lambda p: p[0])
        self.text = "".join(t for _, t in self.pieces)
        self.x0, self.y0 = min(self.x0, other.x0), min(self.y0, other.y0)
        self.x1, self.y1 = max(self.x1, other.x1), max(self.y1, other.y1)


@dataclass
class _Row:
    cells: list[_Cell]
    height: float

    @property
    def y0(self) -> float:
        return min(c.y0 for c in self.cells)

    @property
    def y1(self) -> float:
        return max(c.y1 for c in self.cells)

    @property
    def has_number(self) -> bool:
        return any(c.is_number for c in self.cells)


@dataclass
class _Rules:
    """Ruled lines of a page: horizontal (y, x0, x1) and vertical (x, y0, y1)."""

    horizontal: list[tuple[float, float, float]]
    vertical: list[tuple[float, float, float]]

    def separates(self, upper: _Cell | _Row, lower: _Cell | _Row, x0: float, x1: float) -> bool:
        """True when a horizontal rule lies between the two and overlaps [x0, x1]."""
        top, bottom = upper.y1 - 1.0, lower.y0 + 1.0
        return any(top <= y <= bottom and rx0 < x1 - 1 and rx1 > x0 + 1 for y, rx0, rx1 in self.horizontal)

    def encloses(self, row: _Row) -> bool:
        """True when the row sits in a ruled region (a rule above and one below it)."""
        above = any(y <= row.y0 + 1 for y, _, _ in self.horizontal)
        below = any(y >= row.y1 - 1 for y, _, _ in self.horizontal)
        return above and below

    def between(self, left: float, right: float, y0: float, y1: float) -> bool:
        """True when a vertical rule runs between two x positions at this height."""
        return any(left < x < right and ry0 <= y1 and ry1 >= y0 for x, ry0, ry1 in self.vertical)


def _rules(page: pymupdf.Page) -> _Rules:
    matrix = page.rotation_matrix
    horizontal: list[tuple[float, float, float]] = []
    vertical: list[tuple[float, float, float]] = []

    def add(rect: pymupdf.Rect) -> None:
        if rect.height <= RULE_THICKNESS and rect.width > RULE_THICKNESS:
            horizontal.append(((rect.y0 + rect.y1) / 2, rect.x0, rect.x1))
        elif rect.width <= RULE_THICKNESS and rect.height > RULE_THICKNESS:
            vertical.append(((rect.x0 + rect.x1) / 2, rect.y0, rect.y1))

    for path in page.get_drawings():
        fill = path.get("fill")
        stroked = path.get("color") is not None and path.get("type") != "f"
        # White fills are cell backgrounds, not rules.
        if not stroked and (fill is None or min(fill) > 0.9):
            continue
        for item in path["items"]:
            if item[0] == "l":
                rect = pymupdf.Rect(item[1], item[2]).normalize() * matrix
                add(rect.normalize())
            elif item[0] == "re":
                rect = (pymupdf.Rect(item[1]) * matrix).normalize()
                if rect.height <= RULE_THICKNESS or rect.width <= RULE_THICKNESS:
                    add(rect)
                elif stroked:
                    for edge in (
                        pymupdf.Rect(rect.x0, rect.y0, rect.x1, rect.y0),
                        pymupdf.Rect(rect.x0, rect.y1, rect.x1, rect.y1),
                        pymupdf.Rect(rect.x0, rect.y0, rect.x0, rect.y1),
                        pymupdf.Rect(rect.x1, rect.y0, rect.x1, rect.y1),
                    ):
                        add(edge)
    return _Rules(horizontal, vertical)


def _is_cjk(ch: str) -> bool:
    return "\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\uffef" or "\u3000" <= ch <= "\u303f"


def _join(left: str, right: str) -> str:
    # PDF producers put spaces between Chinese and digits ("2024 年度"); a space
    # is kept only between two Latin or numeric runs.
    if left and right and not _is_cjk(left[-1]) and not _is_cjk(right[0]):
        return left + " " + right
    return left + right


def _page_rows(page: pymupdf.Page, rules: _Rules) -> list[_Row]:
    """Words → printed lines → cells, in reading orientation."""
    matrix = page.rotation_matrix
    words = []
    for w in page.get_text("words", sort=False):
        text = normalise_glyphs(w[4]).strip()
        if not text:
            continue
        r = (pymupdf.Rect(w[:4]) * matrix).normalize()
        words.append((r.x0, r.y0, r.x1, r.y1, text))
    if not words:
        return []
    words.sort(key=lambda w: ((w[1] + w[3]) / 2, w[0]))
    lines: list[list[tuple[float, float, float, float, str]]] = []
    centre = None
    for w in words:
        c = (w[1] + w[3]) / 2
        h = w[3] - w[1]
        if lines and centre is not None and abs(c - centre) <= max(h, 4.0) * 0.55:
            lines[-1].append(w)
        else:
            lines.append([w])
            centre = c
    rows: list[_Row] = []
    for ws in lines:
        ws.sort(key=lambda w: w[0])
        height = max(w[3] - w[1] for w in ws)
        cells: list[_Cell] = []
        for x0, y0, x1, y1, text in ws:
            prev = cells[-1] if cells else None
            gap_limit = max(height * 0.9, 4.0)
            if (
                prev is not None
                and x0 - prev.x1 <= gap_limit
                and not rules.between(prev.x1 - 0.5, x0 + 0.5, y0, y1)
                and not (prev.is_number and _NUMBER.fullmatch(text))
            ):
                prev.text = _join(prev.text, text)
                prev.pieces = [(prev.y0, prev.text)]
                prev.x1, prev.y0, prev.y1 = max(prev.x1, x1), min(prev.y0, y0), max(prev.y1, y1)
            else:
                cells.append(_Cell(text, x0, y0, x1, y1, [(y0, text)]))
        for cell in cells:
            if cell.is_number or _NUMBER.fullmatch(normalise_amount_text(cell.text)):
                cell.text = normalise_amount_text(cell.text)
                cell.pieces = [(cell.y0, cell.text)]
        rows.append(_Row(cells, height))
    return _join_wrapped(rows, rules)


def _overlap(a: _Cell, b: _Cell) -> float:
    return min(a.x1, b.x1) - max(a.x0, b.x0)


def _fits_into(fragment: _Row, row: _Row, rules: _Rules) -> bool:
    """True when `fragment` can be pieces of wrapped cells of `row` (no rule between)."""
    if len(row.cells) < 2 or fragment.has_number:
        return False
    upper, lower = (row, fragment) if row.y0 <= fragment.y0 else (fragment, row)
    for piece in fragment.cells:
        hits = [c for c in row.cells if _overlap(c, piece) > 0]
        if any(c.is_number for c in hits) or len(hits) > 1:
            return False
        if rules.separates(upper, lower, piece.x0, piece.x1):
            return False
    gap = lower.y0 - upper.y1
    if rules.encloses(fragment):
        return True
    # Without rules only tight spacing tells a wrapped piece from the next row.
    return gap <= max(fragment.height, row.height) * 0.6


def _join_wrapped(rows: list[_Row], rules: _Rules) -> list[_Row]:
    """Fold printed lines that are wrapped pieces of a neighbouring row's cells into it."""
    out: list[_Row] = []
    i = 0
    pending: list[_Row] = []  # fragments waiting for the row below them
    while i < len(rows):
        row = rows[i]
        is_fragment = all(not c.is_number for c in row.cells)
        if is_fragment:
            prev = out[-1] if out and not pending else None
            nxt = rows[i + 1] if i + 1 < len(rows) else None
            to_prev = prev is not None and _fits_into(row, prev, rules)
            to_next = nxt is not None and _fits_into(row, nxt, rules)
            if to_prev and to_next and prev is not None and nxt is not None:
                # Closer wins; a tie goes up (labels wrap downwards more often).
                to_next = (nxt.y0 - row.y1) < (row.y0 - prev.y1) - 0.5
                to_prev = not to_next
            if to_prev and prev is not None:
                _merge(prev, row)
                i += 1
                continue
            if to_next:
                pending.append(row)
                i += 1
                continue
        for frag in pending:
            if _fits_into(frag, row, rules):
                _merge(row, frag)
            else:
                out.append(frag)
        pending = []
        out.append(row)
        i += 1
    out.extend(pending)
    return out


def _merge(row: _Row, fragment: _Row) -> None:
    for piece in fragment.cells:
        target = next((c for c in row.cells if _overlap(c, piece) > 0), None)
        if target is None:
            row.cells.append(piece)
        else:
            target.absorb(piece)
    row.cells.sort(key=lambda c: c.x0)


def _image_coverage(page: pymupdf.Page) -> float:
    area = abs(page.rect) or 1.0
    covered = sum(abs(pymupdf.Rect(info["bbox"]) & page.rect) for info in page.get_image_info())
    return covered / area


def read_pdf(path: Path, data: bytes) -> Document:
    """Read a native PDF into a `Document`: one line per printed row, cells with boxes."""
    try:
        pdf = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:  # PyMuPDF raises its own error types for broken files
        raise ParseError(path, f"cannot open as PDF: {exc}") from exc
    if pdf.needs_pass:
        raise ParseError(path, "PDF is encrypted and needs a password")
    if pdf.page_count == 0:
        raise ParseError(path, "the PDF has no pages that can be read (damaged, or cut short before its first page)")
    if pdf.page_count > (most := limits.pages()):
        raise ParseError(path, f"{pdf.page_count} pages, over the limit of {most} ({limits.PAGES_VAR}): not read")
    doc = Document(path=path, file_format="pdf", narrative_joiner="", page_count=pdf.page_count)
    if pdf.is_repaired and b"%%EOF" not in data[-2048:]:
        # Every PDF writer ends the file with %%EOF (after any incremental update);
        # without it MuPDF rebuilds what it can, and later pages or their content are lost.
        doc.cut_short = "the PDF stops before its end-of-file marker (%%EOF): it was cut short; pages may be missing"
    line_no = 0
    for page_no, page in enumerate(pdf, start=1):
        try:
            rules = _rules(page)
            rows = _page_rows(page, rules)
        except Exception as exc:  # a damaged page costs that page, not the document
            doc.findings.append((f"page {page_no}", f"page could not be read: {exc}"))
            continue
        if rules.vertical:
            doc.vertical_rules[page_no] = sorted(rules.vertical)
        chars = sum(len(c.text) for r in rows for c in r.cells)
        if chars < SCAN_MIN_CHARS and _image_coverage(page) >= SCAN_MIN_COVERAGE:
            doc.pages_without_text.append(page_no)
        for row in rows:
            line_no += 1
            cells = tuple(c.text for c in row.cells)
            doc.lines.append(
                Line(
                    cells=cells,
                    first_line=line_no,
                    last_line=line_no,
                    raw=" ".join(cells),
                    complete=True,
                    page=page_no,
                    boxes=tuple(c.box for c in row.cells),
                )
            )
    if doc.page_count and len(doc.pages_without_text) == doc.page_count:
        pages = ", ".join(str(p) for p in doc.pages_without_text)
        raise ParseError(path, f"no text layer on any page (a scan; pages {pages}): needs OCR, not read")
    return doc
