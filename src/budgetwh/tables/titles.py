"""Table titles as provinces print them, matched against the catalog's variants.

A printed title carries decorations around the catalog name: numbering (一、, （一）,
1.), sheet markers (公开05表, 公开表五, 表九, 附表1), a year (2019年, 2017年度), the
department's name, the scope word (部门/单位), and sometimes a trailing note in
brackets (（功能科目）, （一般公共预算）). The catalog lists the names; this module
strips what it can and finds the longest catalog name the rest ends with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from budgetwh.tables.catalog import TableDef, load_catalog

CN_NUM = "一二三四五六七八九十百零〇"
# Quotes are unified only to compare titles; a title is kept as printed.
QUOTES = str.maketrans({'"': "“", "＂": "“", "”": "“", "「": "“", "」": "“"})
# Leading decorations, stripped repeatedly in any order.
LEADING = re.compile(
    rf"^(?:"
    rf"[{CN_NUM}]+[、.．]"
    rf"|[（(][{CN_NUM}\d]+[）)]"
    rf"|\d{{1,2}}[、.．](?!\d)"
    rf"|(?:部门)?公开\d+表|公开表[{CN_NUM}\d]+|附表[{CN_NUM}\d]+[-—]?\d*|表[{CN_NUM}\d]+[-—]?\d*"
    rf"|\d{{4}}年度?"
    rf")"
)
# A trailing bracketed note that is not part of the catalog name.
TRAILING_NOTE = re.compile(r"[（(][^（）()]{1,12}[）)]$")
# What may stand between the decorations and the catalog name: a department's
# or unit's name (ending in the usual organisation suffixes) and a scope word.
MAX_PREFIX = 30
# A run-on department name: no punctuation, ends like an organisation.
ORG_NAME = re.compile(
    r"^[^，。；：:、《》]{2,30}(?:厅|局|委|办|会|院|部|室|中心|馆|站|所|队|校|处|社|团|署|协会|政府|法院|检察院)$"
)
PHASE_WORDS = (("决算", "final"), ("预算", "budget"))


@dataclass(frozen=True)
class TitleMatch:
    """A printed title recognised as a catalog table."""

    definition: TableDef
    printed: str  # as printed, white space removed
    scope_word: str | None  # 部门 | 单位 when printed right before the name
    prefix: str  # what stood before the catalog name (a department's name, …)
    phase: str | None  # budget | final, from the title's own words
    trailing: str = ""  # text printed run-on after the title (a department's name)


def squash(text: str) -> str:
    """Remove white space, as titles and labels are kept."""
    return re.sub(r"\s+", "", text)


def comparable(text: str) -> str:
    """White space removed and quotes unified, as titles are compared."""
    return squash(text).translate(QUOTES)


@cache
def _variants() -> tuple[tuple[str, TableDef], ...]:
    """Every catalog title variant, longest first, so the most specific wins."""
    pairs = [(comparable(v), t) for t in load_catalog() for v in t.titles if v]
    return tuple(sorted(pairs, key=lambda p: len(p[0]), reverse=True))


def strip_decorations(title: str) -> str:
    """Drop leading numbering, sheet markers and years."""
    prev = None
    while prev != title:
        prev = title
        title = LEADING.sub("", title)
    return title


def phase_of(title: str) -> str | None:
    """`final` for a 决算 title, `budget` for a 预算 title, else None."""
    for word, phase in PHASE_WORDS:
        if word in title:
            return phase
    return None


def match_title_text(text: str) -> TitleMatch | None:
    """Recognise a printed title, or None when it names no catalog table."""
    printed = squash(text)
    if not printed or len(printed) > 70 or "表" not in printed:
        return None
    core = strip_decorations(comparable(text))
    candidates = [core]
    note = TRAILING_NOTE.search(core)
    if note:
        candidates.append(core[: note.start()])
    for cand in candidates:
        for variant, table in _variants():
            if not cand.endswith(variant):
                continue
            prefix = cand[: -len(variant)]
            if len(prefix) > MAX_PREFIX:
                continue
            # A prefix must not itself be a sentence: titles are noun phrases.
            if any(ch in prefix for ch in "，。；：:"):
                continue
            scope_word = None
            for word in ("部门", "单位"):
                if prefix.endswith(word) or prefix.endswith(word + "预算") or prefix.endswith(word + "决算"):
                    scope_word = word
            return TitleMatch(table, printed, scope_word, prefix, phase_of(printed))
    # A title run on into the department's name with no gap
    # ("收入预算总表江苏省人大常委会办公厅"): the catalog name followed by a name.
    for variant, table in _variants():
        at = core.find(variant)
        if at < 0 or at > MAX_PREFIX:
            continue
        rest = core[at + len(variant) :]
        if not rest or "表" in rest or not ORG_NAME.match(rest):
            continue
        title = core[: at + len(variant)]
        head = printed[: len(printed) - len(rest)] if printed.endswith(rest) else title
        return TitleMatch(table, head, None, core[:at], phase_of(title), trailing=rest)
    return None
