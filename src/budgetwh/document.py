"""The format-independent document model every reader produces.

A document is a sequence of lines. A line is a list of cells as printed plus its
source line range. Readers for layouts that state row boundaries (DOCX) mark their
lines `complete`; readers for layouts that do not (PDF text, where a long cell
wraps onto the next physical line) leave them incomplete, and table recognition
joins fragments using what it knows of the table's shape.

Readers that know where each cell is printed (native PDF) also give every line its
page and every cell its bounding box; table recognition then maps cells to columns
by geometry instead of by position in the line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path


# Not frozen: a frozen dataclass sets each field through object.__setattr__, and readers
# build ~1,000 lines per document (2.6x the cost of a slotted one). Nothing mutates a line.
@dataclass(slots=True)
class Line:
    """One printed line (or row) of a document."""

    cells: tuple[str, ...]
    first_line: int
    last_line: int
    raw: str
    complete: bool
    # Native layouts only: the 1-based page and one (x0, y0, x1, y1) box per cell,
    # in reading orientation (page rotation applied), in PDF points.
    page: int | None = None
    boxes: tuple[tuple[float, float, float, float], ...] | None = None
    # The cells joined by single spaces, for pattern matching; filled in on construction
    # (table recognition reads it several times per line, and Python 3.11's
    # cached_property takes a lock on every read).
    text: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        cells = self.cells
        self.text = " ".join(cells) if all(cells) else " ".join([c for c in cells if c])


@dataclass
class Document:
    """A parsed source document: where it came from and its lines."""

    path: Path
    file_format: str
    lines: list[Line] = field(default_factory=list)
    # How narrative lines join back into running text: PDF text wraps sentences
    # at the page margin, so its lines join with no separator; DOCX lines are
    # whole paragraphs.
    narrative_joiner: str = ""
    page_count: int | None = None
    # Pages that print nothing as text (scans): reported, never read as empty.
    pages_without_text: list[int] = field(default_factory=list)
    # The reader's own findings (a page it could not read, …) as (locator, reason).
    findings: list[tuple[str, str]] = field(default_factory=list)
    # Native layouts only: the vertical rules of each page as (x, y0, y1), in the
    # same coordinates as the cell boxes; they bound columns where they are drawn.
    vertical_rules: dict[int, list[tuple[float, float, float]]] = field(default_factory=dict)
    # Why the reader believes the bytes stop before the document does (a download or
    # copy cut short), or None. What was read is kept, but it is not the whole document.
    cut_short: str | None = None

    @cached_property
    def page_of_line(self) -> dict[int, int | None]:
        """Source line number → the page it is printed on (None for text extractions)."""
        return {n: line.page for line in self.lines for n in range(line.first_line, line.last_line + 1)}

    @property
    def has_geometry(self) -> bool:
        """True when lines carry cell boxes (native layouts)."""
        return any(line.boxes is not None for line in self.lines)
