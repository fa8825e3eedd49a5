"""The format-independent document model every reader produces.

A document is a sequence of lines. A line is a list of cells as printed plus its
source line range. Readers for layouts that state row boundaries (DOCX) mark their
lines `complete`; readers for layouts that do not (PDF text, where a long cell
wraps onto the next physical line) leave them incomplete, and table recognition
joins fragments using what it knows of the table's shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path


@dataclass(frozen=True)
class Line:
    """One printed line (or row) of a document."""

    cells: tuple[str, ...]
    first_line: int
    last_line: int
    raw: str
    complete: bool

    @cached_property
    def text(self) -> str:
        """The cells joined by single spaces, for pattern matching."""
        return " ".join(c for c in self.cells if c)


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
