"""Reading printed amounts as exact decimals."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# A printed number: optional minus, digits (thousands commas allowed) and decimals,
# or a bare decimal like ".7" as PDF extraction prints 0.7.
AMOUNT = re.compile(r"-?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)")
# Cells that mean "nothing here" in a printed table; they are blanks, not zeros.
BLANKS = {"", "-", "—", "——", "－", "/"}


def is_amount(cell: str) -> bool:
    """True when the cell is a printed number (commas and a leading dot allowed)."""
    return is_stripped_amount(cell.strip())


def is_stripped_amount(c: str) -> bool:
    """`is_amount` for a cell already stripped of surrounding blanks (the hot path)."""
    # Most amounts are plain digits with one decimal point: str methods answer those
    # several times faster than the pattern (isdecimal is exactly the pattern's \d).
    whole, dot, fraction = c.partition(".")
    if whole.isdecimal() and (not dot or fraction.isdecimal()):
        return True
    # Labels are most of the rest: a number starts with a digit, a minus or a dot.
    first = c[:1]
    if not (first.isdecimal() or first == "-" or first == "."):
        return False
    return AMOUNT.fullmatch(c) is not None


def is_blank(cell: str) -> bool:
    """True when the cell prints nothing (or a dash standing for nothing)."""
    return cell.strip() in BLANKS


def parse_amount(cell: str) -> Decimal:
    """Parse a printed amount exactly; raise ValueError when it is not one."""
    c = cell.strip().replace(",", "")
    if not is_amount(cell):
        raise ValueError(f"not an amount: {cell!r}")
    try:
        return Decimal(c)
    except InvalidOperation as exc:  # pragma: no cover - guarded by the regex
        raise ValueError(f"not an amount: {cell!r}") from exc
