"""The pipeline's steps as plain functions; `flows/ingest.py` runs them as Prefect tasks.

discover → parse (pure, parallel) → load raw (one transaction per document)
→ dbt build → Great Expectations checkpoint → publish (atomic swap).
A run works on a copy of the published warehouse, so readers never see half a run.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import multiprocessing
import os
import shutil
import time
import zipfile
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from budgetwh import archives
from budgetwh.archives import ARCHIVE_SUFFIXES
from budgetwh.errors import ParseError
from budgetwh.load.loader import (
    Failure,
    already_loaded,
    ensure_schema,
    is_current,
    known_keys,
    load_documents,
    record_failure,
)
from budgetwh.parse import ParsedDocument, document_id, parse_file
from budgetwh.readers import DOCUMENT_SUFFIXES
from budgetwh.settings import duckdb_config

IGNORED_NAMES = {".gitkeep"}


@dataclass
class LoadSummary:
    """What a load did, document by document."""

    loaded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    quarantined: list[tuple[str, str]] = field(default_factory=list)
    load_seconds: float = 0.0  # time spent writing, for the benchmark


def discover(raw_dir: Path) -> list[Path]:
    """Every document under the raw folder, in a stable order.

    Files in a document format without a reader yet are included, so they are
    reported by name; other files (manifests, notes, spreadsheets of metadata
    in JSON or CSV) are not documents.
    """
    return sorted(p for p, reason in _survey(raw_dir) if reason is None)


def skipped(raw_dir: Path) -> list[tuple[str, str]]:
    """Files under the raw folder that are not read, each with why: nothing is left out unsaid."""
    return [(str(p.relative_to(raw_dir)), reason) for p, reason in _survey(raw_dir) if reason is not None]


def fingerprint(path: Path) -> tuple[str, list[str]]:
    """A file's own id and the document ids it holds (its members' for an archive): one read."""
    data = path.read_bytes()
    own = document_id(data)
    if not _is_archive(path, data):
        return own, [own]
    try:
        found = list(archives.members(path, data, _is_document_name))
    except archives.ArchiveError:
        return own, [own]
    return own, [archives.refused_id(m) if m.data is None else document_id(m.data) for m in found]


def without_copies(
    paths: list[Path], raw_dir: Path, prints: dict[Path, tuple[str, list[str]]] | None = None
) -> tuple[list[Path], list[tuple[str, str]]]:
    """Keep the first of files with identical bytes; name each later copy and what it copies.

    A document is its bytes: two names for the same bytes are one document, kept under
    the first name in order, and the copy is reported rather than silently replacing it.
    `prints` (from `fingerprint`) saves reading the files again.
    """
    first: dict[str, Path] = {}
    kept: list[Path] = []
    copies: list[tuple[str, str]] = []
    for p in paths:
        own = prints[p][0] if prints else fingerprint(p)[0]
        if own in first:
            original = first[own].relative_to(raw_dir)
            copies.append((str(p.relative_to(raw_dir)), f"same bytes as {original}: read once"))
            continue
        first[own] = p
        kept.append(p)
    return kept, copies


def _survey(raw_dir: Path) -> list[tuple[Path, str | None]]:
    """Every file under the raw folder, with the reason it is not a document (None if it is)."""
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"raw folder not found: {raw_dir}")
    root = raw_dir.resolve()
    out: list[tuple[Path, str | None]] = []
    for p in sorted(raw_dir.rglob("*")):
        if p.is_dir() or p.name in IGNORED_NAMES:
            continue
        if p.is_symlink() and not p.resolve().is_relative_to(root):
            out.append((p, "a link to a file outside the raw folder: not followed"))
        elif not p.is_file():
            out.append((p, "not a regular file"))
        elif p.name.startswith("."):
            out.append((p, "hidden file"))
        elif p.suffix.lower() not in DOCUMENT_SUFFIXES | archives.ARCHIVE_SUFFIXES:
            out.append((p, f"not a document format ({p.suffix or 'no suffix'})"))
        else:
            out.append((p, None))
    return out


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


def _is_archive(path: Path, data: bytes) -> bool:
    """A .zip that is a container, not a Word document or workbook under another name."""
    if path.suffix.lower() not in ARCHIVE_SUFFIXES:
        return False
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError):
        return True  # refused as a damaged archive, by name
    return not names & {"word/document.xml", "xl/workbook.xml"}


def _is_document_name(name: str) -> bool:
    base = Path(name)
    return not base.name.startswith(".") and base.suffix.lower() in DOCUMENT_SUFFIXES


def parse_archive(
    path: Path, data: bytes, skip_ids: frozenset[str] = frozenset()
) -> list[ParsedDocument | Failure | str]:
    """Every document member of a zip, each parsed as a file of its own."""
    try:
        found = list(archives.members(path, data, _is_document_name))
    except archives.ArchiveError as exc:
        return [Failure(path, document_id(data), len(data), str(exc))]
    out: list[ParsedDocument | Failure | str] = []
    for member in found:
        if member.data is None:
            out.append(Failure(member.path, archives.refused_id(member), 0, f"{member.path}: {member.refused}"))
            continue
        doc_id = document_id(member.data)
        if doc_id in skip_ids:
            out.append(doc_id)
            continue
        try:
            out.append(parse_file(member.path, member.data))
        except ParseError as exc:
            out.append(Failure(member.path, doc_id, len(member.data), f"{path.name}: {exc}"))
        except Exception as exc:  # a reader bug must not cost the other members
            error = f"{member.path}: unexpected {type(exc).__name__}: {exc}"
            out.append(Failure(member.path, doc_id, len(member.data), error))
    return out


def parse_many(paths: Iterable[Path], skip_ids: frozenset[str] = frozenset()) -> list[ParsedDocument | Failure | str]:
    """Parse a batch of files in this process; an archive gives one result per member."""
    out: list[ParsedDocument | Failure | str] = []
    for p in paths:
        if p.suffix.lower() in ARCHIVE_SUFFIXES:
            data = p.read_bytes()
            if _is_archive(p, data):
                out.extend(parse_archive(p, data, skip_ids))
                continue
        out.append(parse_one(p, skip_ids))
    return out


def changed_files(
    paths: list[Path], current: frozenset[str], prints: dict[Path, tuple[str, list[str]]] | None = None
) -> list[Path]:
    """Files whose bytes the warehouse does not hold yet (hashing is far cheaper than parsing)."""
    return [p for p in paths if any(i not in current for i in (prints[p] if prints else fingerprint(p))[1])]


def set_aside_if_unreadable(warehouse: Path) -> Path | None:
    """Move a warehouse this DuckDB cannot open (a newer storage format) out of the way.

    The raw tables are rebuilt from the documents, so the run goes on from empty;
    the old file is kept beside it, renamed, for whatever it held (acceptances).
    Returns where it went, or None when the file is readable or absent.
    """
    if not warehouse.exists():
        return None
    try:
        duckdb.connect(str(warehouse), read_only=True).close()
    except duckdb.IOException as exc:
        if "version number" not in str(exc):
            raise
        aside = warehouse.with_name(f"{warehouse.name}.unreadable-{time.strftime('%Y%m%dT%H%M%S')}")
        warehouse.rename(aside)
        return aside
    return None


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


def load(warehouse: Path, results: Iterable[ParsedDocument | Failure | str], batch: int = 200) -> LoadSummary:
    """Load parse results into the raw schema.

    Documents go in batches of `batch` per transaction; each document is all there
    or not at all. When a batch fails, it is rolled back and its documents are
    loaded one per transaction, so one bad document costs only itself.
    """
    summary = LoadSummary()
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(warehouse), config=duckdb_config()) as con:
        ensure_schema(con)
        known = known_keys(con)
        pending: list[ParsedDocument] = []
        for r in results:
            if isinstance(r, str):
                summary.unchanged.append(r)
            elif isinstance(r, Failure):
                record_failure(con, r)
                summary.quarantined.append((r.path.name, r.error))
            else:
                pending.append(r)
                if len(pending) >= batch:
                    _load_batch(con, pending, known, summary)
                    pending = []
        _load_batch(con, pending, known, summary)
    return summary


def _load_batch(
    con: duckdb.DuckDBPyConnection, docs: list[ParsedDocument], known: set[str], summary: LoadSummary
) -> None:
    if not docs:
        return
    started = time.perf_counter()
    try:
        load_documents(con, docs, known)
        summary.loaded.extend(d.document_id for d in docs)
        return
    except Exception:
        if len(docs) == 1:
            raise
    finally:
        summary.load_seconds += time.perf_counter() - started
    for doc in docs:
        try:
            load_documents(con, [doc], known=None)
            summary.loaded.append(doc.document_id)
        except Exception as exc:
            failure = Failure(doc.path, doc.document_id, doc.byte_size, f"{doc.path.name}: load failed: {exc}")
            record_failure(con, failure)
            summary.quarantined.append((doc.path.name, failure.error))


def parse_and_load(
    paths: list[Path], warehouse: Path, skip_ids: frozenset[str] = frozenset(), workers: int = 2, batch_size: int = 200
) -> LoadSummary:
    """Parse on `workers` processes and load each batch as it arrives.

    At most `workers + 1` batches are parsed ahead of the loader, so memory stays
    bounded by the batch size, not by the number of documents.
    """
    batches = [paths[i : i + batch_size] for i in range(0, len(paths), batch_size)]
    if workers <= 1 or len(batches) <= 1:
        return load(warehouse, (r for b in batches for r in parse_many(b, skip_ids)), batch=batch_size)
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:

        def results() -> Iterator[ParsedDocument | Failure | str]:
            in_flight: deque = deque()
            for b in batches:
                in_flight.append(pool.submit(parse_many, b, skip_ids))
                if len(in_flight) > workers:
                    yield from in_flight.popleft().result()
            while in_flight:
                yield from in_flight.popleft().result()

        return load(warehouse, results(), batch=batch_size)


class RunLocked(RuntimeError):
    """Another run is building the same warehouse."""


@contextlib.contextmanager
def run_lock(warehouse: Path) -> Iterator[None]:
    """Hold the warehouse's run lock (an OS file lock, released when the process ends)."""
    path = warehouse.with_name(f".{warehouse.name}.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+", encoding="utf-8") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            raise RunLocked(f"another run is building {warehouse} ({holder}): wait for it or stop it") from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()} since {time.strftime('%Y-%m-%d %H:%M:%S')}")
        fh.flush()
        try:
            yield
        finally:
            fh.seek(0)
            fh.truncate()
            fcntl.flock(fh, fcntl.LOCK_UN)


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


def set_aside_stale_wal(warehouse: Path) -> Path | None:
    """Move a write-ahead log left beside the published file out of the way; return where.

    Only runs write the published file, and they publish it checkpointed, so a WAL
    beside it is a foreign session's (a BI tool opened read-write, then died). Left
    there, DuckDB replays it onto the next published file: old rows in new tables.
    It is kept, renamed, never replayed.
    """
    wal = warehouse.with_name(warehouse.name + ".wal")
    if not wal.exists():
        return None
    aside = wal.with_name(f"{wal.name}.stale-{time.strftime('%Y%m%dT%H%M%S')}")
    wal.rename(aside)
    return aside


def publish(building: Path, warehouse: Path) -> Path | None:
    """Swap the built file in; readers holding the old file keep reading it.

    Returns where a stale WAL of the old file was moved, if there was one.
    """
    with duckdb.connect(str(building)) as con:
        con.execute("checkpoint")
    aside = set_aside_stale_wal(warehouse)
    building.replace(warehouse)
    return aside
