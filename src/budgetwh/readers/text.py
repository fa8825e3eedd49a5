"""Decoding shared by the text readers."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from budgetwh.errors import ParseError

BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM shows as NUL bytes in every other position."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    for nuls, enc in ((odd_nuls, "utf-16-le"), (even_nuls, "utf-16-be")):
        if nuls > half * 0.3:
            try:
                return data.decode(enc)
            except UnicodeDecodeError:
                return None
    return None


def decode(path: Path, data: bytes) -> str:
    """Decode extracted text: a BOM's encoding, UTF-8, GB18030, UTF-16, else a detected one.

    Chinese government sites still publish GBK text; GB18030 is its superset.
    NUL bytes that are not UTF-16 mean the file is not text at all.
    """
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise ParseError(path, f"starts with a {encoding} byte-order mark but does not decode: {exc}") from exc
    if b"\x00" in data[:4096]:
        text = _utf16_without_bom(data)
        if text is not None:
            return text
        raise ParseError(path, "binary file (NUL bytes): not an extracted-text document")
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            if encoding == "utf-8" and exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
                # A UTF-8 file cut inside its last character: decoding it all as GB18030
                # would garble every line. The lost tail is reported by `ends_mid_character`.
                return data[: exc.start].decode("utf-8")
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        return str(best)
    raise ParseError(path, "cannot decode as UTF-8, GB18030 or UTF-16")


# Carriage returns ending a line (CRLF, and the CR CR LF some converters write).
LINE_END_CR = re.compile(r"\r+(?=\n|\Z)")


def without_cr_line_ends(text: str) -> str:
    """`text` with each line's trailing carriage returns removed, as `line.rstrip("\r")` would,
    in one pass over the whole text; line numbers do not move."""
    return LINE_END_CR.sub("", text) if "\r" in text else text


def ends_mid_character(data: bytes) -> bool:
    """True when UTF-8 bytes stop inside a multi-byte character: cut, not written that way."""
    tail = data[-4:]
    for back in range(1, len(tail) + 1):
        byte = tail[-back]
        if byte & 0xC0 == 0x80:  # a continuation byte: look further back for the lead
            continue
        needed = 2 if byte & 0xE0 == 0xC0 else 3 if byte & 0xF0 == 0xE0 else 4 if byte & 0xF8 == 0xF0 else 1
        return back < needed
    return False
