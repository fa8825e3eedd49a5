"""Normalising the characters PDF fonts map oddly.

Some fonts map CJK ideographs to their Kangxi-radical or compatibility code points
(⼀ U+2F00 for 一 U+4E00, ⾦ for 金), and some print digits full width. NFKC folds
those, but NFKC on a whole string would also fold the full-width punctuation
(（）：，) that every catalog title and label uses, so it is applied to those
ranges only.
"""

from __future__ import annotations

import unicodedata
from functools import cache

# Kangxi radicals, CJK radicals supplement, compatibility ideographs (and their
# supplement), full-width ASCII digits and letters: folded by NFKC.
_FOLD_RANGES = (
    (0x2E80, 0x2EFF),
    (0x2F00, 0x2FDF),
    (0xF900, 0xFAFF),
    (0x2F800, 0x2FA1F),
    (0xFF10, 0xFF19),
    (0xFF21, 0xFF3A),
    (0xFF41, 0xFF5A),
)
# Full-width forms of the characters amounts are printed with.
_AMOUNT_CHARS = {"．": ".", "，": ",", "－": "-"}


def _needs_fold(cp: int) -> bool:
    return any(lo <= cp <= hi for lo, hi in _FOLD_RANGES)


@cache
def _fold_char(ch: str) -> str:
    if _needs_fold(ord(ch)):
        return unicodedata.normalize("NFKC", ch)
    return ch


def normalise_glyphs(text: str) -> str:
    """Fold Kangxi radicals, compatibility ideographs and full-width digits; keep punctuation."""
    if text.isascii():
        return text
    return "".join(_fold_char(ch) for ch in text)


def normalise_amount_text(text: str) -> str:
    """Fold full-width dots, commas and minus signs inside a printed number."""
    if text.isascii():
        return text
    return "".join(_AMOUNT_CHARS.get(ch, ch) for ch in text)
