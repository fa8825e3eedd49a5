"""What a published warehouse was built from, so a run can tell it is already current."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import duckdb

from budgetwh import PARSER_VERSION
from budgetwh.settings import REPO_ROOT

# Everything that shapes the marts besides the documents themselves.
CODE_PATHS = ("dbt_project.yml", "dbt_project", "expectations/checkpoint.py")


def code_hash(root: Path = REPO_ROOT) -> str:
    """A hash of the parser version, the dbt project and the GX suite."""
    digest = hashlib.sha256(PARSER_VERSION.encode())
    for name in CODE_PATHS:
        path = root / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for f in files:
            digest.update(str(f.relative_to(root)).encode())
            digest.update(f.read_bytes())
    return digest.hexdigest()


def record_build(warehouse: Path, code: str) -> None:
    """Remember which code built this warehouse."""
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema if not exists audit")
        con.execute("create table if not exists audit.build_state (code_hash varchar, built_at timestamp)")
        con.execute("insert into audit.build_state values (?, ?)", [code, dt.datetime.now(dt.UTC).replace(tzinfo=None)])


def built_with(warehouse: Path) -> str | None:
    """The code hash of the last build of a published warehouse, if any."""
    if not warehouse.exists():
        return None
    with duckdb.connect(str(warehouse), read_only=True) as con:
        try:
            row = con.execute("select code_hash from audit.build_state order by built_at desc limit 1").fetchone()
        except duckdb.CatalogException:
            return None
    return row[0] if row else None


def last_checkpoint(warehouse: Path) -> tuple[bool, str | None, list[str]]:
    """(success, data docs, failed expectations) of the checkpoint recorded in a published
    warehouse; a warning family that failed is among the failed expectations of a success."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        row = con.execute(
            "select success, data_docs, failed_expectations from audit.gx_run order by run_at desc limit 1"
        ).fetchone()
    if row is None:
        return False, None, []
    return bool(row[0]), row[1], json.loads(row[2]) if row[2] else []
