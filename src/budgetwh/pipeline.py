"""The pipeline's steps as plain functions; `flows/ingest.py` runs them as Prefect tasks.

discover → parse (pure, parallel) → load raw (one transaction per document)
→ dbt build → Great Expectations checkpoint → publish (atomic swap).
A run works on a copy of the published warehouse, so readers never see half a run.
"""

from __future__ import annotations

import multiprocessing
import shutil
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from budgetwh.errors import ParseError
from budgetwh.load.loader import Failure, already_loaded, ensure_schema, is_current, load_document, record_failure
from budgetwh.parse import ParsedDocument, document_id, parse_file

IGNORED_NAMES = {"README.md", "readme.md", ".gitkeep"}


@dataclass
class LoadSummary:
    """What a load did, document by document."""

    loaded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    quarantined: list[tuple[str, str]] = field(default_factory=list)


def discover(raw_dir: Path) -> list[Path]:
    """Every source file under the raw folder, in a stable order."""
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"raw folder not found: {raw_dir}")
    return sorted(
        p for p in raw_dir.rglob("*") if p.is_file() and not p.name.startswith(".") and p.name not in IGNORED_NAMES
    )


def parse_one(path: Path, skip_ids: frozenset[str] = frozenset()) -> ParsedDocument | Failure | str:
    """Parse one file; a `Failure` names the file and reason, a str is an unchanged id."""
    data = path.read_bytes()
    doc_id = document_id(data)
    if doc_id in skip_ids:
        return doc_id
    try:
        return parse_file(path, data)
    except ParseError as exc:
        return Failure(path, doc_id, len(data), str(exc))
    except Exception as exc:  # a reader bug must not cost the other documents
        return Failure(path, doc_id, len(data), f"{path.name}: unexpected {type(exc).__name__}: {exc}")


def parse_many(paths: Iterable[Path], skip_ids: frozenset[str] = frozenset()) -> list[ParsedDocument | Failure | str]:
    """Parse a batch of files in this process."""
    return [parse_one(p, skip_ids) for p in paths]


def parse_parallel(
    paths: list[Path], skip_ids: frozenset[str] = frozenset(), workers: int = 2, batch_size: int = 200
) -> list[ParsedDocument | Failure | str]:
    """Parse files on `workers` processes in batches; small inputs stay in process.

    Batches keep pickling and scheduling overhead per document small; results come
    back in input order.
    """
    if workers <= 1 or len(paths) <= batch_size:
        return parse_many(paths, skip_ids)
    batches = [paths[i : i + batch_size] for i in range(0, len(paths), batch_size)]
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        done = pool.map(parse_many, batches, [skip_ids] * len(batches))
        return [r for batch in done for r in batch]


def current_ids(warehouse: Path) -> frozenset[str]:
    """Ids of documents the warehouse already holds from this parser version."""
    if not warehouse.exists():
        return frozenset()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        try:
            known = already_loaded(con)
        except duckdb.CatalogException:
            return frozenset()
    return frozenset(d for d in known if is_current(known, d))


def load(warehouse: Path, results: Iterable[ParsedDocument | Failure | str]) -> LoadSummary:
    """Load parse results into the raw schema, one transaction per document."""
    summary = LoadSummary()
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(warehouse)) as con:
        ensure_schema(con)
        for r in results:
            if isinstance(r, str):
                summary.unchanged.append(r)
            elif isinstance(r, Failure):
                record_failure(con, r)
                summary.quarantined.append((r.path.name, r.error))
            else:
                load_document(con, r)
                summary.loaded.append(r.document_id)
    return summary


def staging_path(warehouse: Path) -> Path:
    """Where a run builds before it publishes."""
    return warehouse.with_name(f".{warehouse.name}.building")


def start_build(warehouse: Path) -> Path:
    """Copy the published warehouse (if any) to the staging path and return it."""
    building = staging_path(warehouse)
    building.parent.mkdir(parents=True, exist_ok=True)
    for stale in (building, building.with_name(building.name + ".wal")):
        stale.unlink(missing_ok=True)
    if warehouse.exists():
        shutil.copyfile(warehouse, building)
    return building


def publish(building: Path, warehouse: Path) -> None:
    """Swap the built file in; readers holding the old file keep reading it."""
    with duckdb.connect(str(building)) as con:
        con.execute("checkpoint")
    building.replace(warehouse)
