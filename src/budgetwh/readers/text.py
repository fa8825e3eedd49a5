"""Decoding shared by the text readers."""

from __future__ import annotations

from pathlib import Path

from budgetwh.errors import ParseError


def decode(path: Path, data: bytes) -> str:
    """Decode extracted text: UTF-8 (with or without BOM), else GB18030, else fail.

    Chinese government sites still publish GBK text; GB18030 is its superset.
    A NUL byte means the file is not text at all.
    """
    if b"\x00" in data[:4096]:
        raise ParseError(path, "binary file (NUL bytes): not an extracted-text document")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ParseError(path, "cannot decode as UTF-8 or GB18030")
