"""Load parsed documents into the raw schema.

Each document is one transaction: all its rows go in, or nothing does. A
document is its bytes: an earlier version of the same path is kept as history
(dbt marks which version is the latest); loading the same bytes with the same
parser version again is a no-op.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from budgetwh import PARSER_VERSION
from budgetwh.parse import ParsedDocument

SCHEMA_SQL = Path(__file__).with_name("schema.sql")
RAW_TABLES = ("budget_cell", "budget_table", "narrative_figure", "parse_finding", "document_mention", "source_document")
# A column the current schema has and earlier ones lacked: its absence means the
# raw tables predate this schema and are rebuilt (every document re-parses, as
# the parser version changed with it). Acceptances are decisions and are kept.
SCHEMA_MARKER = ("narrative_figure", "funds_scope")
DOCUMENT_SCHEMA = {
    "document_id": pl.Utf8, "source_path": pl.Utf8, "file_name": pl.Utf8, "file_format": pl.Utf8,
    "byte_size": pl.Int64, "parser_version": pl.Utf8, "fiscal_year": pl.Int32, "department_code": pl.Utf8,
    "department_name": pl.Utf8, "region_key": pl.Utf8, "province": pl.Utf8, "city": pl.Utf8, "county": pl.Utf8,
    "identity_evidence": pl.Utf8, "table_count": pl.Int32, "cell_count": pl.Int32, "figure_count": pl.Int32,
    "phase": pl.Utf8, "page_count": pl.Int32, "finding_count": pl.Int32,
    "narrative_money_printed": pl.Int32, "narrative_money_read": pl.Int32,
}  # fmt: skip


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
    process ~12 ms per document to unpickle (issue 10). Amounts stay text until DuckDB
    casts them on insert.
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


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schema when it is missing; rebuild raw tables of an older schema."""
    table, column = SCHEMA_MARKER
    exists = con.execute(
        "select count(*) from information_schema.tables where table_schema = 'raw' and table_name = ?", [table]
    ).fetchone()
    current = con.execute(
        "select count(*) from information_schema.columns where table_schema = 'raw' and table_name = ?"
        " and column_name = ?",
        [table, column],
    ).fetchone()
    if exists and exists[0] and current and not current[0]:
        for name in (*RAW_TABLES, "file_inventory"):
            con.execute(f"drop table if exists raw.{name}")
    con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))


def known_keys(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Ids the warehouse holds: documents not among them need no delete."""
    return {r[0] for r in con.execute("select document_id from raw.source_document").fetchall()}


def already_loaded(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str]]:
    """document_id → (parser_version, status) of what the warehouse holds."""
    rows = con.execute("select document_id, parser_version, status from raw.source_document").fetchall()
    return {r[0]: (r[1], r[2]) for r in rows}


def is_current(known: dict[str, tuple[str, str]], document_id: str) -> bool:
    """True when these bytes were loaded by this parser version already."""
    return known.get(document_id, ("", ""))[0] == PARSER_VERSION


def _delete_document(con: duckdb.DuckDBPyConnection, document_id: str) -> None:
    """Remove these bytes' rows before they are loaded again (another parser version)."""
    for table in RAW_TABLES:
        con.execute(f"delete from raw.{table} where document_id = ?", [document_id])


def _frames(p: ParsedDocument) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    tables = pl.DataFrame(
        [
            {
                "document_id": p.document_id,
                "table_seq": t.table_seq,
                "table_code": t.definition.code,
                "table_title": t.title,
                "scope": t.scope,
                "scope_source": t.scope_source,
                "unit_code": t.unit_code,
                "unit_name": t.unit_name,
                "fiscal_year": t.fiscal_year,
                "amount_unit": t.amount_unit,
                "header_text": t.header_text,
                "note": t.note,
                "row_count": len({ln.row_seq for ln in t.lines}),
                "source_line_start": t.first_line,
                "source_line_end": t.last_line,
                "phase": t.phase,
                "source_page": t.page_start,
                "recognition": "layout" if t.page_start is not None else "numbered_columns",
            }
            for t in p.tables
        ],
        schema={
            "document_id": pl.Utf8,
            "table_seq": pl.Int32,
            "table_code": pl.Utf8,
            "table_title": pl.Utf8,
            "scope": pl.Utf8,
            "scope_source": pl.Utf8,
            "unit_code": pl.Utf8,
            "unit_name": pl.Utf8,
            "fiscal_year": pl.Int32,
            "amount_unit": pl.Utf8,
            "header_text": pl.Utf8,
            "note": pl.Utf8,
            "row_count": pl.Int32,
            "source_line_start": pl.Int32,
            "source_line_end": pl.Int32,
            "phase": pl.Utf8,
            "source_page": pl.Int32,
            "recognition": pl.Utf8,
        },
    )
    cells = pl.DataFrame(
        [
            {
                "document_id": p.document_id,
                "table_seq": t.table_seq,
                "row_seq": ln.row_seq,
                "side": ln.side,
                "line_label": ln.label,
                "subject_code": ln.subject_code,
                "column_no": c.column.column_no,
                "column_label": c.column.label,
                "measure": c.column.measure,
                "amount_text": c.text,
                "source_line": ln.first_line,
                "source_line_end": ln.last_line,
                "source_page": c.page,
                "bbox_x0": c.box[0] if c.box else None,
                "bbox_y0": c.box[1] if c.box else None,
                "bbox_x1": c.box[2] if c.box else None,
                "bbox_y1": c.box[3] if c.box else None,
            }
            for t in p.tables
            for ln in t.lines
            for c in ln.cells
        ],
        schema={
            "document_id": pl.Utf8,
            "table_seq": pl.Int32,
            "row_seq": pl.Int32,
            "side": pl.Utf8,
            "line_label": pl.Utf8,
            "subject_code": pl.Utf8,
            "column_no": pl.Int32,
            "column_label": pl.Utf8,
            "measure": pl.Utf8,
            "amount_text": pl.Utf8,
            "source_line": pl.Int32,
            "source_line_end": pl.Int32,
            "source_page": pl.Int32,
            "bbox_x0": pl.Float64,
            "bbox_y0": pl.Float64,
            "bbox_x1": pl.Float64,
            "bbox_y1": pl.Float64,
        },
    )
    figures = pl.DataFrame(
        [
            {
                "document_id": p.document_id,
                "figure_seq": i,
                "metric": f.metric,
                "label": f.label,
                "amount_text": str(f.amount),
                "amount_unit": f.amount_unit,
                "unit_basis": f.unit_basis,
                "fiscal_year": f.fiscal_year,
                "percent": None if f.percent is None else str(f.percent),
                "sentence": f.sentence,
                "source_line": f.source_line,
                "source_kind": f.source_kind,
                "reference_amount": None if f.reference_amount is None else str(f.reference_amount),
                "stated_direction": f.stated_direction,
                "funds_scope": f.funds_scope,
            }
            for i, f in enumerate(p.figures, start=1)
        ],
        schema={
            "document_id": pl.Utf8,
            "figure_seq": pl.Int32,
            "metric": pl.Utf8,
            "label": pl.Utf8,
            "amount_text": pl.Utf8,
            "amount_unit": pl.Utf8,
            "unit_basis": pl.Utf8,
            "fiscal_year": pl.Int32,
            "percent": pl.Utf8,
            "sentence": pl.Utf8,
            "source_line": pl.Int32,
            "source_kind": pl.Utf8,
            "reference_amount": pl.Utf8,
            "stated_direction": pl.Utf8,
            "funds_scope": pl.Utf8,
        },
    )
    findings = pl.DataFrame(
        [
            {
                "document_id": p.document_id,
                "finding_seq": i,
                "kind": f.kind,
                "source_page": f.page,
                "source_line": f.line,
                "reason": f.reason,
                "text": f.text,
            }
            for i, f in enumerate(p.findings, start=1)
        ],
        schema={
            "document_id": pl.Utf8,
            "finding_seq": pl.Int32,
            "kind": pl.Utf8,
            "source_page": pl.Int32,
            "source_line": pl.Int32,
            "reason": pl.Utf8,
            "text": pl.Utf8,
        },
    )
    mentions = pl.DataFrame(
        [
            {
                "document_id": p.document_id,
                "mention_seq": i,
                "kind": m.kind,
                "value": m.value,
                "text": m.text,
                "source_line": m.source_line,
                "source_page": m.source_page,
            }
            for i, m in enumerate(p.mentions, start=1)
        ],
        schema={
            "document_id": pl.Utf8,
            "mention_seq": pl.Int32,
            "kind": pl.Utf8,
            "value": pl.Utf8,
            "text": pl.Utf8,
            "source_line": pl.Int32,
            "source_page": pl.Int32,
        },
    )
    return tables, cells, figures, findings, mentions


def _insert_figures(con: duckdb.DuckDBPyConnection) -> None:
    """Insert the registered `_figures` frame, casting amounts from text to DECIMAL."""
    con.execute(
        """insert into raw.narrative_figure
           select document_id, figure_seq, metric, label, amount_text,
                  cast(amount_text as decimal(24, 6)), amount_unit, unit_basis, fiscal_year,
                  cast(percent as decimal(9, 2)), sentence, source_line, source_kind,
                  cast(reference_amount as decimal(24, 6)), stated_direction, funds_scope
           from _figures"""
    )


def to_frames(docs: list[ParsedDocument]) -> Frames:
    """The raw rows of parsed documents (run in the parse workers, not the loader)."""
    if not docs:
        raise ValueError("to_frames needs at least one parsed document")
    frames = [_frames(p) for p in docs]
    tables, cells, figures, findings, mentions = (pl.concat(parts) for parts in zip(*frames, strict=True))
    documents = pl.DataFrame(
        [
            {
                "document_id": p.document_id,
                "source_path": str(p.path),
                "file_name": p.path.name,
                "file_format": p.file_format,
                "byte_size": p.byte_size,
                "parser_version": PARSER_VERSION,
                "fiscal_year": p.identity.fiscal_year,
                "department_code": p.identity.department_code,
                "department_name": p.identity.department_name,
                "region_key": p.identity.region.key,
                "province": p.identity.region.province,
                "city": p.identity.region.city,
                "county": p.identity.region.county,
                "identity_evidence": p.identity.evidence,
                "table_count": len(p.tables),
                "cell_count": f[1].height,
                "figure_count": f[2].height,
                "phase": p.phase,
                "page_count": p.page_count,
                "finding_count": f[3].height,
                "narrative_money_printed": p.narrative_money_printed,
                "narrative_money_read": p.narrative_money_read,
            }
            for p, f in zip(docs, frames, strict=True)
        ],
        schema=DOCUMENT_SCHEMA,
    )
    return Frames(documents, tables, cells, figures, findings, mentions)


def _insert(con: duckdb.DuckDBPyConnection, frames: Frames) -> None:
    """Insert documents' rows (inside the caller's transaction): one INSERT … SELECT per raw table."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    documents, tables, cells, figures, findings, mentions = frames.parts()
    con.register("_documents", documents)
    con.register("_tables", tables)
    con.register("_cells", cells)
    con.register("_figures", figures)
    con.register("_findings", findings)
    con.register("_mentions", mentions)
    try:
        con.execute(
            """insert into raw.source_document by name
               select document_id, source_path, file_name, file_format, byte_size, parser_version,
                      'loaded' as status, fiscal_year, department_code, department_name, region_key,
                      province, city, county, identity_evidence, table_count, cell_count, figure_count,
                      ?::timestamp as ingested_at, phase, page_count, finding_count,
                      narrative_money_printed, narrative_money_read
               from _documents""",
            [now],
        )
        con.execute("insert into raw.budget_table select * from _tables")
        # Amounts travel as text and are cast here, so no float ever holds money.
        con.execute(
            """insert into raw.budget_cell
               select document_id, table_seq, row_seq, side, line_label, subject_code, column_no,
                      column_label, measure, amount_text,
                      cast(replace(amount_text, ',', '') as decimal(24, 6)), source_line, source_line_end,
                      source_page, bbox_x0, bbox_y0, bbox_x1, bbox_y1
               from _cells"""
        )
        _insert_figures(con)
        con.execute("insert into raw.parse_finding select * from _findings")
        con.execute("insert into raw.document_mention by name select * from _mentions")
    finally:
        for name in ("_documents", "_tables", "_cells", "_figures", "_findings", "_mentions"):
            con.unregister(name)


def load_documents(con: duckdb.DuckDBPyConnection, frames: Frames, known: set[str] | None) -> None:
    """Load several documents in one transaction: each is all there or not at all.

    `known` (the ids the warehouse already holds, see `known_keys`) lets new
    documents skip the delete of an earlier parse; None looks every one up.
    """
    con.execute("begin transaction")
    try:
        for document_id in frames.document_ids:
            if known is None or document_id in known:
                _delete_document(con, document_id)
        _insert(con, frames)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def record_failure(con: duckdb.DuckDBPyConnection, f: Failure) -> None:
    """Record an unreadable file as quarantined, replacing an earlier parse of the same bytes."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    con.execute("begin transaction")
    try:
        _delete_document(con, f.document_id)
        con.execute(
            """insert into raw.source_document (document_id, source_path, file_name, file_format, byte_size,
                   parser_version, status, error, ingested_at)
               values (?, ?, ?, null, ?, ?, 'quarantined', ?, ?)""",
            [f.document_id, str(f.path), f.path.name, f.byte_size, PARSER_VERSION, f.error, now],
        )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
