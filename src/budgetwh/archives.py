"""Zip archives as containers of documents, read within limits.

Departments publish a year's disclosure as a .zip of PDFs, workbooks and Word
files. Each member in a document format is a document of its own, named
`archive.zip/member/path` so a person can find it; its identity is its own bytes.
An archive that is damaged or breaks a limit (members, total size, one member's
size, expansion ratio: a zip bomb) is refused as a whole, naming the limit; a
member that breaks a limit is refused alone.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ARCHIVE_SUFFIXES = {".zip"}
# A disclosure is tens of files of a few MB each; far past that is not a disclosure.
MAX_MEMBERS = 1000
MAX_MEMBER_BYTES = 200 * 1024 * 1024
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
MAX_RATIO = 200  # uncompressed ÷ compressed, per member
UTF8_NAMES = 0x800


@dataclass(frozen=True)
class Member:
    """One document inside an archive: where it is, and its bytes or why it was refused."""

    path: Path
    data: bytes | None
    refused: str | None = None


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as written: Chinese tools store GBK names without the UTF-8 flag."""
    if info.flag_bits & UTF8_NAMES:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


class ArchiveError(Exception):
    """The archive as a whole cannot be read within the limits."""


def members(path: Path, data: bytes, is_document: Callable[[str], bool]) -> Iterator[Member]:
    """The document members of a zip, in name order; raise `ArchiveError` for the whole file."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ArchiveError(f"{path.name}: damaged zip archive: {exc}") from exc
    if len(infos) > MAX_MEMBERS:
        raise ArchiveError(f"{path.name}: {len(infos)} members, more than the limit of {MAX_MEMBERS}")
    total = sum(i.file_size for i in infos)
    if total > MAX_TOTAL_BYTES:
        raise ArchiveError(f"{path.name}: expands to {total:,} bytes, more than the limit of {MAX_TOTAL_BYTES:,}")
    for info in sorted(infos, key=member_name):
        name = member_name(info)
        if not is_document(name):
            continue
        where = path / name
        if info.file_size > MAX_MEMBER_BYTES:
            yield Member(where, None, f"{info.file_size:,} bytes, more than the limit of {MAX_MEMBER_BYTES:,}")
            continue
        if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
            ratio = info.file_size // info.compress_size
            yield Member(where, None, f"expands {ratio}× (limit {MAX_RATIO}×): refused as a possible zip bomb")
            continue
        try:
            with archive.open(info) as fh:
                body = fh.read(MAX_MEMBER_BYTES + 1)
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError) as exc:
            # encrypted members raise RuntimeError; unknown compression NotImplementedError
            yield Member(where, None, f"cannot be read from the archive: {exc}")
            continue
        if len(body) > MAX_MEMBER_BYTES:
            yield Member(where, None, f"more than {MAX_MEMBER_BYTES:,} bytes once expanded")
            continue
        yield Member(where, body)


def refused_id(member: Member) -> str:
    """A stable id for a member that was never read: its path stands in for its bytes."""
    return hashlib.sha256(f"refused:{member.path}".encode()).hexdigest()
