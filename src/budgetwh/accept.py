"""Acceptances: a reviewer's decision to publish a document that fails a rule."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from budgetwh.load.loader import ensure_schema


class UnknownDocument(LookupError):
    """No (or more than one) document matches what the user typed."""


def resolve(warehouse: Path, ref: str) -> str:
    """Find a document by id, id prefix (8+ characters) or file name."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            """select document_id from raw.source_document
               where document_id = ? or (length(?) >= 8 and starts_with(document_id, ?)) or file_name = ?""",
            [ref, ref, ref, ref],
        ).fetchall()
    if len(rows) != 1:
        raise UnknownDocument(f"{ref!r} matches {len(rows)} documents; give the id or the file name")
    return rows[0][0]


def record(warehouse: Path, acceptances: list[tuple[str, str, str | None]]) -> None:
    """Insert acceptances (document_id, reason, accepted_by); nothing is deleted."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with duckdb.connect(str(warehouse)) as con:
        ensure_schema(con)
        for document_id, reason, who in acceptances:
            if not reason.strip():
                raise ValueError("an acceptance needs a reason")
            con.execute("insert into raw.document_acceptance values (?, ?, ?, ?)", [document_id, reason, who, now])
