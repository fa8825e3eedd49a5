"""Reader for Word documents (.docx) with python-docx.

Paragraphs and tables are read in document order. A table row's cells sit on
the table's grid (`w:gridSpan` widens a cell, `w:vMerge` continuations are the
cell above, so they are left empty); each table is a page of its own
(`Line.page` counts tables from 1; paragraphs carry the page of the table
after them), so a fact's page says which table of the file it came from and
its box the row and column (`readers/grid.py`).
Headers and footers are read as paragraphs before the body.
"""

from __future__ import annotations

import io
from pathlib import Path

from budgetwh.document import Document
from budgetwh.errors import ParseError
from budgetwh.readers.grid import GridCell, GridWriter


def _text(element: object) -> str:
    from docx.oxml.ns import qn

    # A cell's paragraphs are one wrapped text; tabs inside a paragraph separate parts.
    parts = []
    for node in element.iter(qn("w:t"), qn("w:tab")):  # type: ignore[attr-defined]
        parts.append("\t" if node.tag == qn("w:tab") else node.text or "")
    return "".join(parts)


def read_docx(path: Path, data: bytes) -> Document:
    """Read a .docx file into a `Document`: paragraphs as lines, table rows as grid lines."""
    import docx
    from docx.oxml.ns import qn

    try:
        word = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises KeyError, BadZipFile, ValueError…
        raise ParseError(path, f"cannot open as a Word document: {exc}") from exc
    doc = Document(path=path, file_format="docx", narrative_joiner="\n")
    writer = GridWriter(doc)
    page = 0
    for section in word.sections:
        for part in (section.header, section.footer):
            for paragraph in part.paragraphs if not part.is_linked_to_previous else []:
                writer.add_paragraph(paragraph.text, 1)
    for element in word.element.body.iterchildren():
        if element.tag == qn("w:p"):
            # A paragraph belongs with the table it introduces (title, 单位 line).
            writer.add_paragraph(_text(element), page + 1)
        elif element.tag == qn("w:tbl"):
            page += 1
            for row_no, tr in enumerate(element.iterchildren(qn("w:tr")), start=1):
                before = tr.find(f"{qn('w:trPr')}/{qn('w:gridBefore')}")
                column = int(before.get(qn("w:val"))) if before is not None else 0
                cells = []
                for tc in tr.iterchildren(qn("w:tc")):
                    span = tc.grid_span
                    text = "" if tc.vMerge == "continue" else _text(tc)
                    cells.append(GridCell(column, span, text))
                    column += span
                writer.add_row(cells, page, row_no)
    doc.page_count = max((line.page or 1 for line in doc.lines), default=1)
    return doc
