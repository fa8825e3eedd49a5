"""Readers: one per source format, each turning a file into a `Document`.

Table recognition and narrative extraction work on the `Document` only, so a new
format is a new reader registered here and nothing else.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

from budgetwh.document import Document
from budgetwh.errors import ParseError
from budgetwh.readers import docx_native, docx_text, html, pdf_text, xlsx
from budgetwh.readers.text import decode, ends_mid_character

Reader = Callable[[Path, str], Document]

READERS: dict[str, Reader] = {
    "pdf_text": pdf_text.read,
    "docx_text": docx_text.read,
}

# Formats a government site publishes that have no reader yet; they are reported
# by name rather than mis-read as text.
UNSUPPORTED_SUFFIXES = {".doc", ".wps", ".et"}
NATIVE_SUFFIXES = {".pdf", ".docx", ".xlsx", ".xls", ".html", ".htm"}
# Magic bytes name a file's format whatever its name says.
PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Text extractions; a file with no suffix is tried as text too.
TEXT_SUFFIXES = {".txt", ".text", ""}
DOCUMENT_SUFFIXES = TEXT_SUFFIXES | UNSUPPORTED_SUFFIXES | NATIVE_SUFFIXES


def sniff_format(path: Path, text: str) -> str:
    """Name the layout of an extracted-text file from its shape, not its name.

    DOCX extraction puts each table cell on its own TAB-led line; PDF extraction
    never starts lines with a TAB.
    """
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        raise ParseError(path, "file is empty")
    tab_led = sum(1 for ln in lines if ln.startswith("\t"))
    return "docx_text" if tab_led / len(lines) > 0.2 else "pdf_text"


def _read_zip_office(path: Path, raw: bytes) -> Document:
    """A zip is a Word document or a workbook by what it contains, whatever its name."""
    import io

    try:
        names = set(zipfile.ZipFile(io.BytesIO(raw)).namelist())
    except zipfile.BadZipFile as exc:
        raise ParseError(path, f"damaged zip container: {exc}") from exc
    if "word/document.xml" in names:
        return docx_native.read_docx(path, raw)
    if "xl/workbook.xml" in names:
        return xlsx.read_xlsx(path, raw)
    raise ParseError(path, "a zip that is neither a Word document nor a workbook: no reader for it")


def read_document(path: Path, data: bytes | None = None) -> Document:
    """Read any supported file into a `Document`, or raise `ParseError` saying why.

    The format is told by the bytes: a PDF named `.txt` is read as PDF, and a
    text file named `.pdf` is named as such rather than mis-read.
    """
    raw = path.read_bytes() if data is None else data
    head = raw[:1024]
    if PDF_MAGIC in head:
        # PyMuPDF takes 0.7 s to import: a run with no PDF to read (a rerun, a text
        # corpus) does not pay for it.
        from budgetwh.readers import pdf_native

        return pdf_native.read_pdf(path, raw)
    if raw.startswith(ZIP_MAGIC):
        return _read_zip_office(path, raw)
    if raw.startswith(OLE_MAGIC):
        if b"W\x00o\x00r\x00k\x00b\x00o\x00o\x00k" in raw or b"B\x00o\x00o\x00k" in raw:
            return xlsx.read_xls(path, raw)
        raise ParseError(path, "a legacy binary Office file that is not a workbook (.doc/.wps): no reader yet")
    if xlsx.looks_like_spreadsheet_ml(raw):
        return xlsx.read_spreadsheet_ml(path, raw)
    if html.looks_like_html(head):
        return html.read_html(path, raw)
    suffix = path.suffix.lower()
    if suffix in NATIVE_SUFFIXES:
        raise ParseError(path, f"named {suffix} but its bytes are not a {suffix[1:].upper()} file")
    if suffix in UNSUPPORTED_SUFFIXES:
        raise ParseError(path, f"no reader for {suffix} files yet")
    text = decode(path, raw)
    fmt = sniff_format(path, text)
    doc = READERS[fmt](path, text)
    if ends_mid_character(raw):
        doc.cut_short = "the file stops inside a character (its last UTF-8 sequence is incomplete): it was cut short"
    return doc
