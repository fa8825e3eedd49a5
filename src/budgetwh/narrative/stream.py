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


SPACE_RUN = re.compile("[ \t\u3000\xa0]+")


def _squeeze(raw: str, offsets: list[int]) -> tuple[str, list[int]]:
    """Drop white space runs but one space between two numeric characters; map `offsets`
    (increasing) into the result, an offset inside a run to where the run's output starts.

    Runs are found by the pattern and kept text copied in slices: a loop per character
    cost ~1 ms per document.
    """
    n = len(raw)
    out: list[str] = []
    length = 0  # characters output so far
    new_offsets: list[int] = []
    k, count = 0, len(offsets)
    pos = 0  # where the text not yet copied starts
    for run in SPACE_RUN.finditer(raw):
        start, end = run.span()
        while k < count and offsets[k] < start:
            new_offsets.append(length + offsets[k] - pos)
            k += 1
        out.append(raw[pos:start])
        length += start - pos
        while k < count and offsets[k] < end:
            new_offsets.append(length)
            k += 1
        if start > 0 and end < n and raw[start - 1] in NUMERIC and raw[end] in NUMERIC:
            out.append(" ")
            length += 1
        pos = end
    while k < count and offsets[k] < n:
        new_offsets.append(length + offsets[k] - pos)
        k += 1
    out.append(raw[pos:])
    length += n - pos
    new_offsets += [length] * (count - k)
    return "".join(out), new_offsets


def find_all(stream: Stream, pattern: str) -> list[re.Match[str]]:
    """All matches of a (quote-normalised) pattern in the stream."""
    return list(re.finditer(normalise(pattern), stream.text))
