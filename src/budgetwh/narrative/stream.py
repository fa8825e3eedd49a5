"""Narrative text as one searchable stream that remembers its source lines.

PDF extraction wraps sentences at the page margin and sprinkles spaces between
Chinese and digits ("2022 年预算收入 657.82万元"), so the stream drops white space
unless it separates two numbers, and maps every offset back to its source line.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from budgetwh.document import Document

QUOTES = str.maketrans({"“": '"', "”": '"', "＂": '"', "「": '"', "」": '"'})
NUMERIC = set("0123456789.%")
SENTENCE_REACH = 80


def normalise(text: str) -> str:
    """Normalise quotes so patterns need not care which the publisher typed."""
    return text.translate(QUOTES)


@dataclass
class Stream:
    """Narrative text with a map from offsets to source lines."""

    text: str
    offsets: list[int]
    line_numbers: list[int]

    def line_at(self, offset: int) -> int:
        """The source line holding the character at `offset`."""
        i = bisect.bisect_right(self.offsets, offset) - 1
        return self.line_numbers[max(i, 0)]

    def sentence_at(self, start: int, end: int) -> str:
        """The sentence around a match: from the previous 。 or ； to the next 。."""
        # Sentences in PDF text may run into headings or form text with no stop;
        # cap the evidence so it stays readable.
        left = max(self.text.rfind(ch, 0, start) for ch in "。；\n") + 1
        if start - left > SENTENCE_REACH:
            # no stop within reach: the figure's own line, or the line before when the figure
            # opens its line (…2024年度收入支出总计 / 9859.38万元。 keeps its subject)
            i = max(bisect.bisect_right(self.offsets, start) - 1, 0)
            if start - self.offsets[i] <= 2 and i > 0 and self.offsets[i - 1] >= left:
                i -= 1
            left = self.offsets[i]
        right_candidates = [i for i in (self.text.find(ch, end) for ch in "。\n") if i >= 0]
        right = min(right_candidates) + 1 if right_candidates else len(self.text)
        right = min(right, end + SENTENCE_REACH)
        return self.text[left:right].strip()


def build_stream(doc: Document, skip: set[int]) -> Stream:
    """Join the document's lines not in `skip` (line numbers used by tables)."""
    parts: list[str] = []
    offsets: list[int] = []
    line_numbers: list[int] = []
    length = 0
    for line in doc.lines:
        if line.first_line in skip:
            continue
        piece = normalise(" ".join(line.cells))
        if parts:
            sep = doc.narrative_joiner
            parts.append(sep)
            length += len(sep)
        offsets.append(length)
        line_numbers.append(line.first_line)
        parts.append(piece)
        length += len(piece)
    raw = "".join(parts)
    # Collapse white space, keeping one space only between two numeric runs.
    text, new_offsets = _squeeze(raw, offsets)
    return Stream(text=text, offsets=new_offsets, line_numbers=line_numbers[: len(new_offsets)])


def _squeeze(raw: str, offsets: list[int]) -> tuple[str, list[int]]:
    out: list[str] = []
    remap: dict[int, int] = {}
    targets = set(offsets)
    i = 0
    n = len(raw)
    while i < n:
        if i in targets:
            remap[i] = len(out)
        ch = raw[i]
        if ch in " \t\u3000\xa0":
            j = i
            while j < n and raw[j] in " \t\u3000\xa0":
                if j in targets:
                    remap[j] = len(out)
                j += 1
            prev = out[-1] if out else ""
            nxt = raw[j] if j < n else ""
            if prev in NUMERIC and nxt in NUMERIC:
                out.append(" ")
            i = j
            continue
        out.append(ch)
        i += 1
    new_offsets = [remap.get(o, len(out)) for o in offsets]
    return "".join(out), new_offsets


def find_all(stream: Stream, pattern: str) -> list[re.Match[str]]:
    """All matches of a (quote-normalised) pattern in the stream."""
    return list(re.finditer(normalise(pattern), stream.text))
