"""The pipeline's steps as plain functions; `flows/ingest.py` runs them as Prefect tasks.

discover → parse (pure, parallel) → load raw (one transaction per document)
→ dbt build → Great Expectations checkpoint → publish (atomic swap).
A run works on a copy of the published warehouse, so readers never see half a run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import gc
import io
import os
import shutil
import signal
import stat
import time
import zipfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import duckdb
import polars as pl

from budgetwh import archives, limits
from budgetwh.archives import ARCHIVE_SUFFIXES
from budgetwh.errors import ParseError
from budgetwh.load.frames import Failure, Frames, to_frames
from budgetwh.load.loader import (
    already_loaded,
    ensure_schema,
    is_current,
    known_keys,
    load_documents,
    record_failure,
)
from budgetwh.parse import ParsedDocument, document_id, parse_file
from budgetwh.readers import DOCUMENT_SUFFIXES, TEXT_SUFFIXES
from budgetwh.settings import duckdb_config

IGNORED_NAMES = {".gitkeep"}
# Formats read whole into memory as text: their own, lower size limit.
TEXT_LIKE_SUFFIXES = TEXT_SUFFIXES | {".html", ".htm", ".xml"}


@dataclass
class LoadSummary:
    """What a load did, document by document."""

    loaded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    quarantined: list[tuple[str, str]] = field(default_factory=list)
    load_seconds: float = 0.0  # time spent writing, for the benchmark


Surveyed = tuple[Path, str | None, str]  # (path, None | "skipped" | "refused", why not read)


def discover(raw_dir: Path) -> list[Path]:
    """Every document under the raw folder, in a stable order.

    Files in a document format without a reader yet are included, so they are
    reported by name; other files (manifests, notes, spreadsheets of metadata
    in JSON or CSV) are not documents, and files over the limits are refused.
    """
    return documents(survey(raw_dir))


def documents(surveyed: list[Surveyed]) -> list[Path]:
    """The files of a survey that are read as documents."""
    return sorted(p for p, status, _ in surveyed if status is None)


def skipped(raw_dir: Path, surveyed: list[Surveyed] | None = None) -> list[tuple[str, str]]:
    """Files under the raw folder that are not read, each with why: nothing is left out unsaid."""
    rows = survey(raw_dir) if surveyed is None else surveyed
    return [(str(p.relative_to(raw_dir)), reason) for p, status, reason in rows if status is not None]


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


def survey(raw_dir: Path) -> list[Surveyed]:
    """Every file under the raw folder: (path, None, "") for a document to read, else
    (path, "skipped" | "refused", why). Sizes come from the directory, never a read.
    A run surveys once and derives its documents, skips and inventory from it."""
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"raw folder not found: {raw_dir}")
    root = raw_dir.resolve()
    max_bytes, max_text_bytes = limits.file_bytes(), limits.text_bytes()
    out: list[Surveyed] = []
    readable = DOCUMENT_SUFFIXES | archives.ARCHIVE_SUFFIXES
    for p in sorted(raw_dir.rglob("*")):
        # One lstat per file, and a stat only through a link: a rerun of 10,000 files
        # surveys them all before it knows nothing changed.
        try:
            st = p.lstat()
        except FileNotFoundError:
            continue  # gone between the listing and now
        if p.name in IGNORED_NAMES or stat.S_ISDIR(st.st_mode):
            continue
        suffix = p.suffix.lower()
        if stat.S_ISLNK(st.st_mode):
            if not p.resolve().is_relative_to(root):
                out.append((p, "refused", "a link to a file outside the raw folder: not followed"))
                continue
            try:
                st = p.stat()
            except OSError:
                out.append((p, "skipped", "not a regular file"))
                continue
            if stat.S_ISDIR(st.st_mode):
                continue
        if not stat.S_ISREG(st.st_mode):
            out.append((p, "skipped", "not a regular file"))
        elif p.name.startswith("."):
            out.append((p, "skipped", "hidden file"))
        elif suffix not in readable:
            out.append((p, "skipped", f"not a document format ({p.suffix or 'no suffix'})"))
        elif (size := st.st_size) > max_bytes:
            out.append((p, "refused", limits.too_large(size, max_bytes, limits.FILE_VAR)))
        elif suffix in TEXT_LIKE_SUFFIXES and size > max_text_bytes:
            out.append((p, "refused", limits.too_large(size, max_text_bytes, limits.TEXT_VAR)))
        else:
            out.append((p, None, ""))
    return out


@dataclass(frozen=True)
class InventoryRow:
    """One file seen under the raw folder (`raw.file_inventory`)."""

    path: str
    byte_size: int | None
    modified_at: dt.datetime | None
    status: str  # document | copy | archive | skipped | refused
    document_id: str | None = None
    duplicate_of: str | None = None
    reason: str | None = None


def inventory(
    raw_dir: Path,
    surveyed: list[Surveyed],
    kept: list[Path],
    copies: list[tuple[str, str]],
    prints: dict[Path, tuple[str, list[str]]],
) -> list[InventoryRow]:
    """A row for every file under the raw folder: what it is, or why it was not read."""

    def size_and_mtime(p: Path, status: str | None) -> tuple[int | None, dt.datetime | None]:
        try:
            # a refused link is described by itself: its target is none of our business
            st = p.lstat() if status == "refused" and p.is_symlink() else p.stat()
        except OSError:
            return None, None
        return st.st_size, dt.datetime.fromtimestamp(st.st_mtime, dt.UTC).replace(tzinfo=None)

    copy_of = {name: reason for name, reason in copies}
    first_by_id = {prints[p][0]: str(p.relative_to(raw_dir)) for p in kept}
    rows: list[InventoryRow] = []
    for p, status, reason in surveyed:
        rel = str(p.relative_to(raw_dir))
        size, mtime = size_and_mtime(p, status)
        if status is not None:
            rows.append(InventoryRow(rel, size, mtime, status, reason=reason))
        elif rel in copy_of:
            own = prints[p][0]
            rows.append(InventoryRow(rel, size, mtime, "copy", own, first_by_id.get(own), copy_of[rel]))
        else:
            own, ids = prints[p]
            if ids == [own]:
                rows.append(InventoryRow(rel, size, mtime, "document", own))
            else:
                rows.append(InventoryRow(rel, size, mtime, "archive", own, reason=f"{len(ids)} documents inside"))
    return rows


def present_documents(paths: list[Path], prints: dict[Path, tuple[str, list[str]]]) -> dict[str, Path | None]:
    """Each document id the raw folder holds → the path it is read from (None: an archive member)."""
    present: dict[str, Path | None] = {}
    for p in paths:
        own, ids = prints[p]
        for i in ids:
            present.setdefault(i, p if ids == [own] else None)
    return present


def inventory_changed(warehouse: Path, rows: list[InventoryRow]) -> bool:
    """True when the raw folder's files differ from what the warehouse last recorded."""
    if not warehouse.exists():
        return True
    with duckdb.connect(str(warehouse), read_only=True) as con:
        try:
            stored = con.execute(
                "select path, byte_size, modified_at, status, document_id, duplicate_of, reason from raw.file_inventory"
            ).fetchall()
        except duckdb.CatalogException:
            return True
    # astuple deep-copies every field: 0.35 s for 10,000 rows, on a path that must stay fast
    mine = [(r.path, r.byte_size, r.modified_at, r.status, r.document_id, r.duplicate_of, r.reason) for r in rows]
    return sorted(stored, key=lambda r: r[0]) != sorted(mine, key=lambda r: r[0])


@dataclass(frozen=True)
class InventoryChanges:
    """What the file inventory changed about documents already in the warehouse."""

    removed: list[str]  # gone from the raw folder: kept as history
    # found again at another path, with another modification time, or back after removal: the
    # same bytes, but the row dbt signs changed, so the document is rebuilt
    moved_or_touched: list[str]


def record_inventory(
    warehouse: Path, raw_dir: Path, rows: list[InventoryRow], present: dict[str, Path | None]
) -> InventoryChanges:
    """Write the file inventory and mark what the raw folder still holds.

    `present` maps each document id found (archive members included) to the path it
    was kept under (None for an archive member). A document found again is seen now
    and follows its file if renamed; one whose bytes are gone and whose path holds
    nothing (or that was quarantined) is removed: kept as history, left out of the
    published marts. One whose path now holds other bytes is an earlier version, and
    dbt decides which is the latest (a cut-short upload does not replace a good one).
    """
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    mtimes = {r.path: r.modified_at for r in rows}
    paths = {str(raw_dir / r.path) for r in rows}
    files = pl.DataFrame(
        {
            "path": [r.path for r in rows],
            "byte_size": [r.byte_size for r in rows],
            "modified_at": [r.modified_at for r in rows],
            "status": [r.status for r in rows],
            "document_id": [r.document_id for r in rows],
            "duplicate_of": [r.duplicate_of for r in rows],
            "reason": [r.reason for r in rows],
        },
        schema=_INVENTORY_SCHEMA,
    )
    removed: list[str] = []
    moved_or_touched: list[str] = []
    seen: dict[str, list] = {"document_id": [], "source_path": [], "file_name": [], "file_modified_at": []}
    # Decided row by row in Python, written set-wise: one statement per row took 11 s at 10,000
    # documents (DuckDB's per-statement cost), on every run that publishes.
    with duckdb.connect(str(warehouse), config=duckdb_config()) as con:
        ensure_schema(con)
        con.execute("begin transaction")
        for doc_id, source_path, status, removed_at, modified_at in con.execute(
            "select document_id, source_path, status, removed_at, file_modified_at from raw.source_document"
        ).fetchall():
            if doc_id in present:
                kept = present[doc_id]
                where = str(kept) if kept is not None else source_path
                seen["document_id"].append(doc_id)
                seen["source_path"].append(where)
                seen["file_name"].append(Path(where).name)
                mtime = mtimes.get(str(kept.relative_to(raw_dir))) if kept is not None else None
                seen["file_modified_at"].append(mtime)
                # a document loaded in this run has no modification time yet: not touched
                touched = None not in (mtime, modified_at) and mtime != modified_at
                if where != source_path or removed_at is not None or touched:
                    moved_or_touched.append(doc_id)
            elif removed_at is None and (
                # a quarantined version is never held back for a newer one at its path
                status == "quarantined" or not paths.intersection(map(str, [source_path, *Path(source_path).parents]))
            ):
                removed.append(doc_id)
        con.execute("delete from raw.file_inventory")
        con.register("_files", files)
        con.execute("insert into raw.file_inventory by name select *, ?::timestamp as seen_at from _files", [now])
        con.register("_seen", pl.DataFrame(seen, schema=_SEEN_SCHEMA))
        con.execute(
            """update raw.source_document as d
               set last_seen_at = ?, removed_at = null, source_path = s.source_path, file_name = s.file_name,
                   file_modified_at = coalesce(s.file_modified_at, d.file_modified_at)
               from _seen as s
               where d.document_id = s.document_id""",
            [now],
        )
        con.execute(
            "update raw.source_document set removed_at = ? where document_id in (select unnest(?::varchar[]))",
            [now, removed],
        )
        con.execute("commit")
    return InventoryChanges(removed, moved_or_touched)


_INVENTORY_SCHEMA = {
    "path": pl.String,
    "byte_size": pl.Int64,
    "modified_at": pl.Datetime("us"),
    "status": pl.String,
    "document_id": pl.String,
    "duplicate_of": pl.String,
    "reason": pl.String,
}
_SEEN_SCHEMA = {
    "document_id": pl.String,
    "source_path": pl.String,
    "file_name": pl.String,
    "file_modified_at": pl.Datetime("us"),
}


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


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off for the block, back to how it was after.

    Parsing a batch builds millions of small objects that hold no cycles (lines, cells,
    row tuples); each collection of the oldest generation walks all of them again, which
    cost a third of a text document's parse time (issue 10). The cycles a batch does
    make (a caught exception's traceback) are collected once it is back on.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse_batch(paths: list[Path], skip_ids: frozenset[str] = frozenset()) -> list[Frames | Failure | str]:
    """Parse a batch in this process and hand it over as columns: one `Frames` holding every
    parsed document, then the failures and unchanged ids (what a parse worker returns)."""
    with collector_paused():
        results = parse_many(paths, skip_ids)
        parsed = [r for r in results if isinstance(r, ParsedDocument)]
        rest = [r for r in results if not isinstance(r, ParsedDocument)]
        return ([to_frames(parsed)] if parsed else []) + rest


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


def load(warehouse: Path, results: Iterable[Frames | ParsedDocument | Failure | str], batch: int = 200) -> LoadSummary:
    """Load parse results into the raw schema.

    Documents go in batches of `batch` per transaction (a `Frames` from a parse worker is
    one batch as it comes); each document is all there or not at all. When a batch fails,
    it is rolled back and its documents are loaded one per transaction, so one bad
    document costs only itself.
    """
    summary = LoadSummary()
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    # A batch commits ~150,000 cells: at DuckDB's default 16 MB checkpoint threshold nearly
    # every commit also checkpointed. 256 MB: 6.65 M cells in 90 commits 29.9 → 23.1 s,
    # 139 → 127 MB on disk, +190 MB peak RSS (measured; 1 GB saved no more time and cost
    # 1.1 GB). A killed run's WAL is discarded with its staging file (start_build).
    with duckdb.connect(str(warehouse), config={**duckdb_config(), "checkpoint_threshold": "256MB"}) as con:
        ensure_schema(con)
        known = known_keys(con)
        pending: list[ParsedDocument] = []

        def flush() -> None:
            if pending:
                _load_batch(con, to_frames(pending), known, summary)
                pending.clear()
                pause_point("load")

        for r in results:
            if isinstance(r, str):
                summary.unchanged.append(r)
            elif isinstance(r, Failure):
                record_failure(con, r)
                summary.quarantined.append((r.path.name, r.error))
            elif isinstance(r, Frames):
                _load_batch(con, r, known, summary)
                pause_point("load")
            else:
                pending.append(r)
                if len(pending) >= batch:
                    flush()
        flush()
    return summary


def _load_batch(con: duckdb.DuckDBPyConnection, frames: Frames, known: set[str], summary: LoadSummary) -> None:
    started = time.perf_counter()
    try:
        load_documents(con, frames, known)
        summary.loaded.extend(frames.document_ids)
        return
    except Exception:
        if len(frames.document_ids) == 1:
            raise
    finally:
        summary.load_seconds += time.perf_counter() - started
    for doc_id in frames.document_ids:
        try:
            load_documents(con, frames.only(doc_id), known=None)
            summary.loaded.append(doc_id)
        except Exception as exc:
            failure = frames.failure(doc_id, f"load failed: {exc}")
            record_failure(con, failure)
            summary.quarantined.append((failure.path.name, failure.error))


class Submitted(Protocol):
    """A parse batch in flight: a Prefect or concurrent future."""

    def result(self) -> list[Frames | Failure | str]: ...


# Hands a batch (paths, ids to skip) to a parse worker and returns at once.
Submit = Callable[[list[Path], frozenset[str]], Submitted]


def parse_and_load(
    paths: list[Path],
    warehouse: Path,
    skip_ids: frozenset[str] = frozenset(),
    batch_size: int = 200,
    progress: Callable[[int], None] | None = None,
    submit: Submit | None = None,
    ahead: int = 3,
) -> LoadSummary:
    """Parse in batches of `batch_size` and load each batch as it arrives, in order.

    `submit` hands batches to parse workers (the flow submits them as Prefect tasks on
    Dask, `flows/parse.py`); without it, or for a single batch, this process parses.
    At most `ahead` batches are parsed ahead of the loader, so memory stays bounded by
    the batch size, not by the number of documents. `progress` is told how many files
    each batch held once it is parsed.
    """
    batches = [paths[i : i + batch_size] for i in range(0, len(paths), batch_size)]

    def parsed(batch: list[Path], results: list[Frames | Failure | str]) -> list[Frames | Failure | str]:
        if progress is not None:
            progress(len(batch))
        return results

    if submit is None or len(batches) <= 1:
        return load(warehouse, (r for b in batches for r in parsed(b, parse_batch(b, skip_ids))), batch=batch_size)

    def results() -> Iterator[Frames | Failure | str]:
        in_flight: deque[tuple[list[Path], Submitted]] = deque()
        for b in batches:
            in_flight.append((b, submit(b, skip_ids)))
            if len(in_flight) > ahead:
                done, future = in_flight.popleft()
                yield from parsed(done, future.result())
        while in_flight:
            done, future = in_flight.popleft()
            yield from parsed(done, future.result())

    return load(warehouse, results(), batch=batch_size)


def pause_point(stage: str) -> None:
    """Where a test stops a run to kill it: with BUDGETWH_PAUSE_AT=<stage> the run stops
    itself (SIGSTOP) at the start of that stage, after writing the stage name to the file
    BUDGETWH_PAUSE_MARKER names. Stages: parse, load, dbt, gx, publish. Without the
    variable this does nothing; operators never set it.
    """
    if os.environ.get("BUDGETWH_PAUSE_AT") != stage:
        return
    marker = os.environ.get("BUDGETWH_PAUSE_MARKER")
    if marker:
        Path(marker).write_text(stage, encoding="utf-8")
    os.kill(os.getpid(), signal.SIGSTOP)


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
