"""Parsed documents as columns: what a parse worker hands to the loader.

Each raw table is a schema (column → polars type) and a function giving one row tuple
per record of a parsed document. A batch's rows are built as tuples and turned into
columns once per batch: per-record dicts and per-document frames cost the parse
workers as much as a third of their time (issue 10). Amounts stay text until DuckDB
casts them on insert.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

import polars as pl

from budgetwh import PARSER_VERSION
from budgetwh.parse import ParsedDocument

Row = tuple[object, ...]

DOCUMENT_SCHEMA = {
    "document_id": pl.Utf8, "source_path": pl.Utf8, "file_name": pl.Utf8, "file_format": pl.Utf8,
    "byte_size": pl.Int64, "parser_version": pl.Utf8, "fiscal_year": pl.Int32, "department_code": pl.Utf8,
    "department_name": pl.Utf8, "region_key": pl.Utf8, "province": pl.Utf8, "city": pl.Utf8, "county": pl.Utf8,
    "identity_evidence": pl.Utf8, "table_count": pl.Int32, "cell_count": pl.Int32, "figure_count": pl.Int32,
    "phase": pl.Utf8, "page_count": pl.Int32, "finding_count": pl.Int32,
    "narrative_money_printed": pl.Int32, "narrative_money_read": pl.Int32,
}  # fmt: skip
TABLE_SCHEMA = {
    "document_id": pl.Utf8, "table_seq": pl.Int32, "table_code": pl.Utf8, "table_title": pl.Utf8,
    "scope": pl.Utf8, "scope_source": pl.Utf8, "unit_code": pl.Utf8, "unit_name": pl.Utf8,
    "fiscal_year": pl.Int32, "amount_unit": pl.Utf8, "header_text": pl.Utf8, "note": pl.Utf8,
    "row_count": pl.Int32, "source_line_start": pl.Int32, "source_line_end": pl.Int32, "phase": pl.Utf8,
    "source_page": pl.Int32, "recognition": pl.Utf8,
}  # fmt: skip
CELL_SCHEMA = {
    "document_id": pl.Utf8, "table_seq": pl.Int32, "row_seq": pl.Int32, "side": pl.Utf8, "line_label": pl.Utf8,
    "subject_code": pl.Utf8, "column_no": pl.Int32, "column_label": pl.Utf8, "measure": pl.Utf8,
    "amount_text": pl.Utf8, "source_line": pl.Int32, "source_line_end": pl.Int32, "source_page": pl.Int32,
    "bbox_x0": pl.Float64, "bbox_y0": pl.Float64, "bbox_x1": pl.Float64, "bbox_y1": pl.Float64,
}  # fmt: skip
FIGURE_SCHEMA = {
    "document_id": pl.Utf8, "figure_seq": pl.Int32, "metric": pl.Utf8, "label": pl.Utf8,
    "amount_text": pl.Utf8, "amount_unit": pl.Utf8, "unit_basis": pl.Utf8, "fiscal_year": pl.Int32,
    "percent": pl.Utf8, "sentence": pl.Utf8, "source_line": pl.Int32, "source_kind": pl.Utf8,
    "reference_amount": pl.Utf8, "stated_direction": pl.Utf8, "funds_scope": pl.Utf8,
}  # fmt: skip
FINDING_SCHEMA = {
    "document_id": pl.Utf8, "finding_seq": pl.Int32, "kind": pl.Utf8, "source_page": pl.Int32,
    "source_line": pl.Int32, "reason": pl.Utf8, "text": pl.Utf8,
}  # fmt: skip
MENTION_SCHEMA = {
    "document_id": pl.Utf8, "mention_seq": pl.Int32, "kind": pl.Utf8, "value": pl.Utf8, "text": pl.Utf8,
    "source_line": pl.Int32, "source_page": pl.Int32,
}  # fmt: skip
NO_BOX = (None, None, None, None)


@dataclass(frozen=True)
class Failure:
    """A file that could not be parsed."""

    path: Path
    document_id: str
    byte_size: int
    error: str


@dataclass(frozen=True)
class Frames:
    """The raw rows of one or more parsed documents, one frame per raw table.

    This is what crosses from a parse worker to the loader: a few columns pickle and
    unpickle in milliseconds, where the parsed object graphs cost the loader's single
    process ~12 ms per document to unpickle (issue 10).
    """

    documents: pl.DataFrame
    tables: pl.DataFrame
    cells: pl.DataFrame
    figures: pl.DataFrame
    findings: pl.DataFrame
    mentions: pl.DataFrame

    @property
    def document_ids(self) -> list[str]:
        """The documents held, in parse order."""
        return self.documents["document_id"].to_list()

    def only(self, document_id: str) -> Frames:
        """The rows of one document (a failed batch is retried document by document)."""
        return Frames(*(f.filter(pl.col("document_id") == document_id) for f in self.parts()))

    def failure(self, document_id: str, error: str) -> Failure:
        """A `Failure` for one held document, named by its file."""
        row = self.documents.filter(pl.col("document_id") == document_id).row(0, named=True)
        return Failure(Path(row["source_path"]), document_id, row["byte_size"], f"{row['file_name']}: {error}")

    def parts(self) -> tuple[pl.DataFrame, ...]:
        """The frames in raw-table order: documents, tables, cells, figures, findings, mentions."""
        return (self.documents, self.tables, self.cells, self.figures, self.findings, self.mentions)


def _table_rows(p: ParsedDocument) -> Iterator[Row]:
    for t in p.tables:
        yield (
            p.document_id, t.table_seq, t.definition.code, t.title, t.scope, t.scope_source, t.unit_code,
            t.unit_name, t.fiscal_year, t.amount_unit, t.header_text, t.note, len({ln.row_seq for ln in t.lines}),
            t.first_line, t.last_line, t.phase, t.page_start,
            "layout" if t.page_start is not None else "numbered_columns",
        )  # fmt: skip


def _cell_rows(p: ParsedDocument) -> Iterator[Row]:
    for t in p.tables:
        for ln in t.lines:
            for c in ln.cells:
                col = c.column
                yield (
                    p.document_id, t.table_seq, ln.row_seq, ln.side, ln.label, ln.subject_code, col.column_no,
                    col.label, col.measure, c.text, ln.first_line, ln.last_line, c.page, *(c.box or NO_BOX),
                )  # fmt: skip


def _figure_rows(p: ParsedDocument) -> Iterator[Row]:
    for i, f in enumerate(p.figures, start=1):
        yield (
            p.document_id, i, f.metric, f.label, str(f.amount), f.amount_unit, f.unit_basis, f.fiscal_year,
            None if f.percent is None else str(f.percent), f.sentence, f.source_line, f.source_kind,
            None if f.reference_amount is None else str(f.reference_amount), f.stated_direction, f.funds_scope,
        )  # fmt: skip


def _finding_rows(p: ParsedDocument) -> Iterator[Row]:
    for i, f in enumerate(p.findings, start=1):
        yield (p.document_id, i, f.kind, f.page, f.line, f.reason, f.text)


def _mention_rows(p: ParsedDocument) -> Iterator[Row]:
    for i, m in enumerate(p.mentions, start=1):
        yield (p.document_id, i, m.kind, m.value, m.text, m.source_line, m.source_page)


def _document_row(p: ParsedDocument, cells: int, figures: int, findings: int) -> Row:
    r = p.identity.region
    return (
        p.document_id, str(p.path), p.path.name, p.file_format, p.byte_size, PARSER_VERSION,
        p.identity.fiscal_year, p.identity.department_code, p.identity.department_name, r.key, r.province,
        r.city, r.county, p.identity.evidence, len(p.tables), cells, figures, p.phase, p.page_count, findings,
        p.narrative_money_printed, p.narrative_money_read,
    )  # fmt: skip


def _frame(per_document: list[list[Row]], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Rows (a list per document) → one frame, column by column.

    Transposed document by document: one `zip(*rows)` over a whole batch's 150,000 cells
    costs twice as much, and polars builds typed series from sequences fastest.
    """
    transposed = [list(zip(*rows, strict=True)) for rows in per_document if rows]
    columns = [list(chain.from_iterable(t[i] for t in transposed)) for i in range(len(schema))]
    series = zip(schema.items(), columns, strict=True)
    return pl.DataFrame([pl.Series(name, col, dtype=dtype) for (name, dtype), col in series])


def _rows(docs: list[ParsedDocument], rows_of: Callable[[ParsedDocument], Iterator[Row]]) -> list[list[Row]]:
    return [list(rows_of(p)) for p in docs]


def to_frames(docs: list[ParsedDocument]) -> Frames:
    """The raw rows of parsed documents (run in the parse workers, not the loader)."""
    if not docs:
        raise ValueError("to_frames needs at least one parsed document")
    tables, cells, figures, findings, mentions = (
        _rows(docs, rows_of) for rows_of in (_table_rows, _cell_rows, _figure_rows, _finding_rows, _mention_rows)
    )
    documents = [
        _document_row(p, len(c), len(f), len(x)) for p, c, f, x in zip(docs, cells, figures, findings, strict=True)
    ]
    return Frames(
        _frame([documents], DOCUMENT_SCHEMA),
        *(
            _frame(rows, schema)
            for rows, schema in (
                (tables, TABLE_SCHEMA),
                (cells, CELL_SCHEMA),
                (figures, FIGURE_SCHEMA),
                (findings, FINDING_SCHEMA),
                (mentions, MENTION_SCHEMA),
            )
        ),
    )
