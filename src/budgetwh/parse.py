"""Parse one source file into everything the raw schema stores.

Pure: bytes in, records out; no database, no Prefect.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from budgetwh.document import Document
from budgetwh.narrative.clauses import clause_figures, with_scopes
from budgetwh.narrative.coverage import narrative_coverage
from budgetwh.narrative.figures import Figure, extract_figures
from budgetwh.narrative.identity import Identity, identify
from budgetwh.narrative.mentions import Mention, document_mentions
from budgetwh.narrative.stream import build_stream
from budgetwh.readers import read_document
from budgetwh.tables.layout import Finding, document_phase, recognize_layout
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
    phase: str | None = None  # budget | final
    page_count: int | None = None
    findings: list[Finding] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    narrative_money_printed: int = 0  # money figures the narrative prints with a unit
    narrative_money_read: int = 0  # …of which a fact holds


def document_id(data: bytes) -> str:
    """A document's identity is the sha256 of its bytes."""
    return hashlib.sha256(data).hexdigest()


def _ends_without_line_break(doc: Document, raw: bytes) -> str | None:
    """Extracted text that stops mid-line was cut off.

    Text extraction ends every page or paragraph with a line break (pdftotext ends
    each page with a form feed), so a text file whose last line has none stops
    where a download or copy was cut, mid-sentence or mid-row.
    """
    if doc.has_geometry or not doc.lines or raw.rstrip(b" \t").endswith((b"\n", b"\r", b"\f")):
        return None
    return f"the text stops mid-line (line {doc.lines[-1].last_line}, no line break after it): it was cut short"


def parse_file(path: Path, data: bytes | None = None) -> ParsedDocument:
    """Read, recognise and extract one file; raise `ParseError` when it cannot be."""
    raw = path.read_bytes() if data is None else data
    doc = read_document(path, raw)
    findings: list[Finding] = []
    doc.cut_short = doc.cut_short or _ends_without_line_break(doc, raw)
    if doc.has_geometry:
        # Native layouts: tables found by title and header labels, cells by geometry.
        tables, findings, used_lines, contents = recognize_layout(doc)
        used = set(used_lines)
    else:
        # Text extractions of the numbered-column (栏次) template.
        tables = recognize_tables(doc)
        used = {n for t in tables for n in range(t.first_line, t.last_line + 1)}
        contents = []
    for page in doc.pages_without_text:
        findings.append(Finding("scanned_page", page, None, f"page {page} has no text layer (a scan): not read"))
    if doc.cut_short:
        findings.append(Finding("file_cut_short", None, doc.lines[-1].last_line if doc.lines else None, doc.cut_short))
    stream = build_stream(doc, used)
    identity = identify(tables, stream, path.stem)
    if identity.region.ambiguous:
        places = ", ".join(identity.region.ambiguous)
        findings.append(
            Finding(
                "region_ambiguous",
                None,
                None,
                f"{identity.department_name}: {identity.region.county or identity.region.city} is in {places};"
                " the document does not say which, so its units are keyed unresolved",
                identity.department_name or "",
            )
        )
    figures = with_scopes(stream, extract_figures(stream, identity.fiscal_year))
    figures += clause_figures(stream, figures, identity.department_name)
    mentions = document_mentions(doc, stream, used, contents)
    coverage = narrative_coverage(stream, figures)
    findings += [
        Finding(
            "narrative_figure_unread",
            doc.page_of_line.get(u.source_line),
            u.source_line,
            f"{u.text} printed in the narrative is not read as a fact",
            u.sentence,
        )
        for u in coverage.unread
    ]
    phase = document_phase(tables, stream.text)
    for t in tables:
        t.phase = t.phase or phase
        t.fiscal_year = t.fiscal_year or identity.fiscal_year
        # A table that prints no unit of its own is the department's.
        if t.unit_code is None and t.unit_name is None:
            t.unit_code, t.unit_name = identity.department_code, identity.department_name
    return ParsedDocument(
        document_id(raw),
        path,
        len(raw),
        doc.file_format,
        identity,
        tables,
        figures,
        phase=phase,
        page_count=doc.page_count,
        findings=findings,
        mentions=mentions,
        narrative_money_printed=coverage.printed,
        narrative_money_read=coverage.read,
    )
