"""Parse one source file into everything the raw schema stores.

Pure: bytes in, records out; no database, no Prefect.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from budgetwh.narrative.figures import Figure, extract_figures
from budgetwh.narrative.identity import Identity, identify
from budgetwh.narrative.stream import build_stream
from budgetwh.readers import read_document
from budgetwh.tables.recognize import Table, recognize_tables


@dataclass
class ParsedDocument:
    """A parsed document: identity, tables and narrative figures."""

    document_id: str
    path: Path
    byte_size: int
    file_format: str
    identity: Identity
    tables: list[Table]
    figures: list[Figure]


def document_id(data: bytes) -> str:
    """A document's identity is the sha256 of its bytes."""
    return hashlib.sha256(data).hexdigest()


def parse_file(path: Path, data: bytes | None = None) -> ParsedDocument:
    """Read, recognise and extract one file; raise `ParseError` when it cannot be."""
    raw = path.read_bytes() if data is None else data
    doc = read_document(path, raw)
    tables = recognize_tables(doc)
    used = {n for t in tables for n in range(t.first_line, t.last_line + 1)}
    stream = build_stream(doc, used)
    identity = identify(tables, stream)
    figures = extract_figures(stream, identity.fiscal_year)
    return ParsedDocument(document_id(raw), path, len(raw), doc.file_format, identity, tables, figures)
