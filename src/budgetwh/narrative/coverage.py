"""Narrative coverage: every money figure the narrative prints is read as a fact or reported.

A figure printed with its unit (1,234.56万元, 0.3万元, 500元) that no extractor read would
otherwise vanish in silence; each becomes a `narrative_figure_unread` finding with its
sentence, and the document carries how many it printed and how many were read.
"""

from __future__ import annotations

from dataclasses import dataclass

from budgetwh.narrative.clauses import MONEY
from budgetwh.narrative.figures import Figure
from budgetwh.narrative.stream import Stream


@dataclass(frozen=True)
class Unread:
    """A money figure printed in the narrative that no fact holds."""

    text: str
    sentence: str
    source_line: int


@dataclass(frozen=True)
class Coverage:
    printed: int
    read: int
    unread: tuple[Unread, ...]


def narrative_coverage(stream: Stream, figures: list[Figure]) -> Coverage:
    """Count the money figures the narrative prints and which of them the figures read."""
    spans = sorted(s for f in figures for s in f.spans)
    unread: list[Unread] = []
    printed = 0
    for m in MONEY.finditer(stream.text):
        printed += 1
        start, end = m.span("n")
        if not any(s0 < end and start < s1 for s0, s1 in spans):
            unread.append(Unread(m.group(0), stream.sentence_at(m.start(), m.end()), stream.line_at(m.start())))
    return Coverage(printed, printed - len(unread), tuple(unread))
