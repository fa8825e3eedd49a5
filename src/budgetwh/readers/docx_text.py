"""Reader for text extracted from DOCX.

Each table cell is a line starting with a TAB; a blank line ends the row.
Paragraphs are plain lines. Word's `[bookmark: …]` anchors are noise.
"""

from __future__ import annotations

import re
from pathlib import Path

from budgetwh.document import Document, Line

BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")


def read(path: Path, text: str) -> Document:
    """Read DOCX-extracted text into a `Document` of complete rows and paragraphs."""
    doc = Document(path=path, file_format="docx_text", narrative_joiner="\n")
    cells: list[str] = []
    start = 0
    raw_rows: list[str] = []

    def flush(end: int) -> None:
        if cells:
            doc.lines.append(Line(tuple(cells), start, end, "\n".join(raw_rows), complete=True))
            cells.clear()
            raw_rows.clear()

    physical = text.split("\n")
    for no, raw in enumerate(physical, start=1):
        raw = raw.rstrip("\r")
        if "[bookmark: " in raw:  # most lines have none: skip the pattern for them
            raw = BOOKMARK.sub("", raw)
        if raw.startswith("\t"):
            if not cells:
                start = no
            cells.append(raw[1:].strip())
            raw_rows.append(raw)
            continue
        flush(no - 1)
        if raw.strip():
            doc.lines.append(Line((raw.strip(),), no, no, raw, complete=True))
    flush(len(physical))
    return doc
