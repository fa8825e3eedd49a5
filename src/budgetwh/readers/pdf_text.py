"""Reader for text extracted from PDF.

Cells of a table row are joined by single spaces and the row ends with one
trailing space, so an empty cell is an extra space. A cell too long for its
column wraps onto the next physical line; the broken piece carries no trailing
space. Rows are therefore left incomplete here and joined by table recognition.
"""

from __future__ import annotations

from pathlib import Path

from budgetwh.document import Document, Line
from budgetwh.readers.text import without_cr_line_ends


def split_cells(raw: str) -> tuple[str, ...]:
    """Split a PDF-text line into cells; one trailing space closes the last cell."""
    body = raw[:-1] if raw.endswith(" ") else raw
    return tuple(body.split(" "))


def read(path: Path, text: str) -> Document:
    """Read PDF-extracted text into a `Document` (one incomplete line per physical line)."""
    doc = Document(path=path, file_format="pdf_text", narrative_joiner="")
    physical = without_cr_line_ends(text).split("\n")
    append = doc.lines.append
    # ~2,000 physical lines per document: blank ones are skipped by isspace (strip copies).
    for no, raw in enumerate(physical, start=1):
        if raw and not raw.isspace():
            append(Line(split_cells(raw), no, no, raw, False))
    return doc
