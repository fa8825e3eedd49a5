"""Reader for text extracted from DOCX.

Each table cell is a line starting with a TAB; a blank line ends the row.
Paragraphs are plain lines. Word's `[bookmark: …]` anchors are noise.
"""

from __future__ import annotations

import re
from pathlib import Path

from budgetwh.document import Document, Line
from budgetwh.readers.text import without_cr_line_ends

# Within a line: the text is cleaned whole, and line numbers must not move.
BOOKMARK = re.compile(r"\[bookmark: [^\]\n]*\]")
# A table row: consecutive TAB-led lines (one per cell). Found by the pattern, so the
# ~4,000 physical lines of a document are not each visited in Python.
ROW = re.compile(r"^\t[^\n]*(?:\n\t[^\n]*)*", re.MULTILINE)


def _normalised(text: str) -> str:
    """Line ends without CR and lines without bookmark anchors, line numbers kept."""
    text = without_cr_line_ends(text)
    if "[bookmark: " in text:
        text = BOOKMARK.sub("", text)
    return text


def read(path: Path, text: str) -> Document:
    """Read DOCX-extracted text into a `Document` of complete rows and paragraphs."""
    doc = Document(path=path, file_format="docx_text", narrative_joiner="\n")
    text = _normalised(text)
    append = doc.lines.append

    def paragraphs(chunk: str, no: int) -> None:
        if chunk.isspace() or not chunk:
            return
        for raw in chunk.split("\n"):
            if raw.strip():
                append(Line((raw.strip(),), no, no, raw, complete=True))
            no += 1

    pos, no = 0, 1  # where the text not yet read starts, and its line number
    for m in ROW.finditer(text):
        start, end = m.span()
        paragraphs(text[pos:start], no)
        no += text.count("\n", pos, start)
        raw = m.group()
        cells = tuple(map(str.strip, raw[1:].split("\n\t")))  # each line less its TAB
        last = no + len(cells) - 1
        append(Line(cells, no, last, raw, complete=True))
        pos, no = end, last
    paragraphs(text[pos:], no)
    return doc
