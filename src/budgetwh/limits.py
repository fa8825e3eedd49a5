"""Limits on what one input may cost, read from the environment when used.

A run must finish or refuse within bounded memory: a 300 MB text file drove a run
past 10 GB, because text is held, split into lines and recognised in memory. Real
disclosures are far smaller (the largest of ../shared/realdocs is a 30-page PDF of
under 1 MB; a 600-page text extraction is a few MB), so the defaults refuse only
what is not a departmental disclosure.
"""

from __future__ import annotations

import os

FILE_VAR = "BUDGETWH_MAX_FILE_MB"  # any file (PDFs with embedded images are the largest)
TEXT_VAR = "BUDGETWH_MAX_TEXT_MB"  # text-like files, whose memory grows with their size
PAGES_VAR = "BUDGETWH_MAX_PAGES"  # pages of one PDF

DEFAULT_FILE_MB = 200
DEFAULT_TEXT_MB = 20
DEFAULT_PAGES = 2000


def _number(var: str, default: int) -> int:
    value = os.environ.get(var)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{var}={value!r} is not a whole number") from None


def file_bytes() -> int:
    """The largest file read, in bytes."""
    return _number(FILE_VAR, DEFAULT_FILE_MB) * 1024 * 1024


def text_bytes() -> int:
    """The largest text, HTML or XML file read, in bytes."""
    return _number(TEXT_VAR, DEFAULT_TEXT_MB) * 1024 * 1024


def pages() -> int:
    """The most pages of one PDF read."""
    return _number(PAGES_VAR, DEFAULT_PAGES)


def too_large(size: int, limit: int, var: str) -> str:
    """The reason a file over a size limit is refused, naming the setting that raises it."""
    return f"{size / 1048576:,.1f} MB, over the limit of {limit / 1048576:,.0f} MB ({var}): not read"
