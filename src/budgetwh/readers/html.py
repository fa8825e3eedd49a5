"""Reader for saved web pages of a disclosure (.html / .htm), with lxml.

Paragraph-like elements become lines; each `<table>` is laid on the grid the
Office readers use (`readers/grid.py`), `colspan` widening a cell and `rowspan`
holding its columns in the rows below, so the layout recogniser reads it like
any other table. Each table is a page of its own (`Line.page`, from 1).
"""

from __future__ import annotations

import re
from pathlib import Path

from budgetwh.document import Document
from budgetwh.errors import ParseError
from budgetwh.readers.grid import GridCell, GridWriter
from budgetwh.readers.text import decode

HTML_HEAD = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|meta)\b", re.IGNORECASE | re.DOTALL)
BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "caption", "section", "article", "pre"}
SKIP = {"script", "style", "noscript", "head"}
SPACES = re.compile(r"[ \t\r\n\u00a0]+")


def looks_like_html(data: bytes) -> bool:
    """True when the bytes open like a web page (after any BOM)."""
    return HTML_HEAD.match(data.removeprefix(b"\xef\xbb\xbf")[:2048]) is not None


def _clean(text: str) -> str:
    return SPACES.sub(" ", text).strip()


def _span(el: object, name: str) -> int:
    try:
        return max(1, int(el.get(name, "1")))  # type: ignore[attr-defined]
    except ValueError:
        return 1


def read_html(path: Path, data: bytes) -> Document:
    """Read a saved web page into a `Document`: paragraphs as lines, tables as grid rows."""
    import lxml.html

    try:
        root = lxml.html.document_fromstring(decode(path, data))
    except Exception as exc:  # lxml raises ParserError, ValueError on empty or broken pages
        raise ParseError(path, f"cannot parse as a web page: {exc}") from exc
    doc = Document(path=path, file_format="html", narrative_joiner="\n")
    writer = GridWriter(doc)
    tables = 0

    def table(el: object) -> None:
        nonlocal tables
        tables += 1
        held: dict[int, int] = {}  # column → rows still covered by a rowspan from above
        row_no = 0
        for tr in el.iter("tr"):  # type: ignore[attr-defined]
            if tr.getparent() is not None and tr.xpath("ancestor::table[1]")[0] is not el:
                continue  # a nested table's row
            cells, column = [], 0
            for td in tr:
                if td.tag not in ("td", "th"):
                    continue
                while held.get(column, 0) > 0:
                    column += 1
                span, down = _span(td, "colspan"), _span(td, "rowspan")
                cells.append(GridCell(column, span, _clean(td.text_content())))
                for c in range(column, column + span):
                    held[c] = down
                column += span
            held = {c: n - 1 for c, n in held.items() if n - 1 > 0}
            row_no += 1
            writer.add_row(cells, tables, row_no)

    def walk(el: object) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""  # type: ignore[attr-defined]
        if tag in SKIP:
            return
        if tag == "table":
            table(el)
            return
        children = [c for c in el if isinstance(c.tag, str)]  # type: ignore[attr-defined]
        nested = any(c.tag in BLOCKS or c.tag == "table" for c in el.iter() if c is not el and isinstance(c.tag, str))  # type: ignore[attr-defined]
        if tag in BLOCKS and not nested:
            text = el.text_content()  # type: ignore[attr-defined]
            if text.strip():
                writer.add_paragraph(text.replace("\xa0", " ").strip(), tables + 1)
            return
        if (el.text or "").strip():  # type: ignore[attr-defined]
            writer.add_paragraph(el.text.strip(), tables + 1)  # type: ignore[attr-defined]
        for child in children:
            walk(child)
            if (child.tail or "").strip():
                writer.add_paragraph(child.tail.strip(), tables + 1)

    body = root.find("body")
    walk(body if body is not None else root)
    doc.page_count = max((line.page or 1 for line in doc.lines), default=1)
    return doc
