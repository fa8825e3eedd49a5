"""Every money figure of the narrative as a fact: the clause that prints it says what it is.

The catalog metrics and the statement extractors (figures.py) read what the rules check.
Narratives print many more figures (the parts of 人员经费, each 类's change on last year,
采购金额, 涉及预算金额…) in as many wordings as there are publishers. A figure none of them
read is taken here from its clause, the words between the previous stop or figure and the
number: an amount (`amount`), a change when a change verb stands right before it
(`change`, signed), or a threshold (`threshold`: 单价100万元以上). Its label is the clause as
printed, cleaned of numbering, run-in headings, the department's own name and its year;
a change whose clause names no subject (与上年相比增加27.09万元) is about the figure before
it and takes that one's label. Every figure also carries the funds scope its clause prints
(财政拨款, 一般公共预算, …), and the year it prints when it is about another year.
"""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal

from budgetwh.narrative.figures import GROUPED, NUMBER, Figure
from budgetwh.narrative.stream import Stream

MONEY = re.compile(rf"(?<![\d.,])(?P<n>{GROUPED}|{NUMBER})\s*(?P<unit>亿元|万元|元)")
# Where a clause starts: a stop, a list mark, a run-in section number, or the previous figure.
BREAK = re.compile(
    r"[。；;，：:！？\n]|(?<=[\d一二三四五六七八九十])、|(?<!\d),|,(?!\d{3})|（[一二三四五六七八九十\d]{1,3}）"
    r"|(?:万元|亿元|元)(?:）|\))?"
)
# list marks and page numbers run into the text (8项目支出), never a year (2016年度…)
NUMBERING = re.compile(r"^(?:[\s、，,]|\d{1,3}[、.．)）]|[（(][\d一二三四五六七八九十]{1,3}[)）]|\d{1,3}(?![\d年]))*")
# A heading run into its first sentence: …支出决算总体情况一般公共预算财政拨款支出9746.50万元
RUN_IN_HEADING = re.compile(r"^.*(?:情况说明|总体情况|具体情况|支出情况|情况)(?=\S)")
# The publisher's name and the year opening a sentence: 上海市普陀区规划和自然资源局2024年度…
ORG_YEAR = re.compile(r"^(?:\S{2,40}?(?:局|部|委|厅|办|会|院|所|中心|站|队|馆|社|团|处|政府))?(?P<year>\d{4})\s?年度?")
COMPARED = re.compile(r"(?:与|比|较)(?:上年|上一年度?|上一度|\d{4}\s?年度?)(?:同期)?(?:相比|预算数?|决算数?)?[，,]?")
CHANGE_VERB = re.compile(r"(?P<verb>增加|减少|增长|下降|降低|节约|节省|调增|调减|新增|上升|压减|缩减)了?$")
NEGATIVE = {"减少", "下降", "降低", "节约", "节省", "调减", "压减", "缩减"}
CONNECTIVE = re.compile(r"(?:为|是|在|达到?|共计|约|合计为|总计为|各)$")
# a bound, not an amount: 单价100万元以上, 预算控制数≤17.5万元, 不超过5万元
BOUND_BEFORE = re.compile(r"(?:[≤≥<>＜＞]|不超过|不高于|不低于|不少于|控制在)$")
THRESHOLD_AFTER = re.compile(r"\s?(?:（含）)?(?:以上|以下|及以上|以内)")
SHARE_AFTER = re.compile(r"[，,]?\s?占(?:[^，,。；;%]{0,24}?的)?\s?(?P<pct>\d+(?:\.\d+)?)\s?%")
RATE_AFTER = re.compile(r"[，,]\s?(?:增长|下降|增加|减少|上升|降低)(?:（[^）]{0,6}）)?\s?(?P<pct>\d+(?:\.\d+)?)\s?%")
# The funds a figure is of, as its clause prints them: most specific first.
SCOPES = (
    ("一般公共预算", "general_public_budget"),
    ("政府性基金", "government_fund"),
    ("国有资本经营", "state_capital"),
    ("财政拨款", "appropriation"),
)


def printed_scope(words: str) -> str | None:
    """The funds scope the words print, or None when they name none (all funds, or unsaid)."""
    return next((scope for marker, scope in SCOPES if marker in words), None)


@dataclasses.dataclass(frozen=True)
class _Clause:
    words: str  # as printed, whole
    label: str  # cleaned: numbering, heading, publisher, year, comparison and verb removed
    verb: str | None  # a change verb right before the figure
    bound: bool  # a comparison sign or word right before the figure (≤, 不超过, 单价)
    year: int | None


def _clause_start(text: str, lo: int, hi: int) -> int:
    """Where the clause ending at `hi` starts: after the last break in text[lo:hi], else `lo`."""
    return max((b.end() for b in BREAK.finditer(text, lo, hi)), default=lo)


def _clean(words: str, department: str | None) -> _Clause:
    label = NUMBERING.sub("", words)
    if len(label) > 6:
        label = RUN_IN_HEADING.sub("", label)
    if department and label.startswith(department):
        label = label[len(department) :]
    label = COMPARED.sub("", label).strip()
    verb = CHANGE_VERB.search(label)
    if verb:
        label = label[: verb.start()]
    bound = BOUND_BEFORE.search(label)
    if bound:
        label = label[: bound.start()]
    year_m = ORG_YEAR.match(label)
    year = int(year_m.group("year")) if year_m else None
    if year_m:
        label = label[year_m.end() :]
    label = CONNECTIVE.sub("", label.strip(" ，,、")).strip()
    return _Clause(words, label, verb.group("verb") if verb else None, bound is not None, year)


def _clause(stream: Stream, money: re.Match[str], floor: int, department: str | None) -> tuple[_Clause, int]:
    """The clause printing a figure, and where it starts."""
    text = stream.text
    start = _clause_start(text, floor, money.start())
    words = text[start : money.start()]
    # a figure inside an open parenthesis is about the words inside it (含外宾接待支出0.00万元)
    if words.rfind("（") > words.rfind("）"):
        words = words[words.rfind("（") + 1 :]
    return _clean(words, department), start


def _subject_before(stream: Stream, start: int, department: str | None) -> _Clause | None:
    """The clause before `start` in the same sentence, when it prints no figure of its own:
    项目支出增加，较上年增加1133.95万元 is about 项目支出."""
    text = stream.text
    left = max(text.rfind(ch, 0, start) for ch in "。；;\n") + 1
    end = left + len(text[left:start].rstrip("，,、 "))
    words = text[_clause_start(text, left, end) : end]
    if not words or MONEY.search(words):
        return None
    found = _clean(words, department)
    return found if found.label else None


def clause_figures(stream: Stream, read: list[Figure], department: str | None = None) -> list[Figure]:
    """The money figures no extractor read, each as an `amount`, `change` or `threshold` fact."""
    spans = sorted(s for f in read for s in f.spans)
    out: list[Figure] = []
    floor = 0
    previous: _Clause | None = None
    for m in MONEY.finditer(stream.text):
        clause, start = _clause(stream, m, floor, department)
        floor = m.end()
        subject = clause
        if clause.verb is not None and not clause.label:
            # a change naming no subject is about the clause before it, else the figure before it
            before = _subject_before(stream, start, department)
            subject = before or (dataclasses.replace(previous, year=None) if previous else clause)
        if clause.verb is None:
            previous = clause
        n0, n1 = m.span("n")
        if any(s0 < n1 and n0 < s1 for s0, s1 in spans):
            continue
        printed = Decimal(m.group("n").replace(",", ""))
        percent = None
        if clause.bound or THRESHOLD_AFTER.match(stream.text, m.end()):
            metric = "threshold"
        elif clause.verb is not None:
            metric = "change"
            printed = -printed if clause.verb in NEGATIVE else printed
            rate = RATE_AFTER.match(stream.text, m.end())
            percent = Decimal(rate.group("pct")) if rate else None
        else:
            metric = "amount"
            share = SHARE_AFTER.match(stream.text, m.end())
            percent = Decimal(share.group("pct")) if share else None
        out.append(
            Figure(
                metric=metric,
                label=subject.label or None,
                amount_text=m.group("n").replace(",", ""),
                amount=printed,
                amount_unit=m.group("unit"),
                unit_basis="printed",
                fiscal_year=subject.year,
                percent=percent,
                sentence=stream.sentence_at(m.start(), m.end()),
                source_line=stream.line_at(m.start("n")),
                source_kind="sentence",
                funds_scope=scope_at(stream, m.start(), subject.words),
                spans=(m.span("n"),),
            )
        )
    return out


def scope_at(stream: Stream, pos: int, clause: str | None = None) -> str | None:
    """The funds scope of a figure at `pos`: what its own clause prints, else the sentence's
    topic, the words before the sentence's first figure (我部门财政拨款"三公"经费预算安排5.45万元，
    其中…；公务接待费0.74万元: every part is 财政拨款). A scope named in a later clause of the
    sentence is that clause's alone (…一般公共预算收入9,066.79万元；其他资金80万元)."""
    text = stream.text
    if clause is None:
        clause = text[_clause_start(text, max(0, pos - 80), pos) : pos]
    own = printed_scope(clause)
    if own is not None:
        return own
    left = max(text.rfind("。", 0, pos), text.rfind("\n", 0, pos), pos - 300, -1) + 1
    first = MONEY.search(text, left, pos)
    return printed_scope(text[left : first.start() if first else pos])


def with_scopes(stream: Stream, figures: list[Figure]) -> list[Figure]:
    """The extractors' figures with the funds scope printed for their first amount."""
    return [
        f
        if f.funds_scope is not None or not f.spans
        else dataclasses.replace(f, funds_scope=scope_at(stream, min(f.spans)[0]))
        for f in figures
    ]
