"""Limits on what one input may cost, read from the environment when used.

A run must finish or refuse within bounded memory: a 300 MB text file drove a run
past 10 GB, because text is held, split into lines and recognised in memory. Real
disclosures are far smaller (the largest of ../shared/realdocs is a 30-page PDF of
under 1 MB; a 600-page text extraction is a few MB), so the defaults refuse only
what is not a departmental disclosure.
"""

from __future__ import annotations

from budgetwh.settings import whole_number

FILE_VAR = "BUDGETWH_MAX_FILE_MB"  # any file (PDFs with embedded images are the largest)
TEXT_VAR = "BUDGETWH_MAX_TEXT_MB"  # text-like files, whose memory grows with their size
PAGES_VAR = "BUDGETWH_MAX_PAGES"  # pages of one PDF

DEFAULT_FILE_MB = 200
DEFAULT_TEXT_MB = 20
DEFAULT_PAGES = 2000


def file_bytes() -> int:
    """The largest file read, in bytes."""
    return whole_number(FILE_VAR, DEFAULT_FILE_MB) * 1024 * 1024


def text_bytes() -> int:
    """The largest text, HTML or XML file read, in bytes."""
    return whole_number(TEXT_VAR, DEFAULT_TEXT_MB) * 1024 * 1024


def pages() -> int:
    """The most pages of one PDF read."""
    return whole_number(PAGES_VAR, DEFAULT_PAGES)


def too_large(size: int, limit: int, var: str) -> str:
    """The reason a file over a size limit is refused, naming the setting that raises it."""
    return f"{size / 1048576:,.1f} MB, over the limit of {limit / 1048576:,.0f} MB ({var}): not read"
