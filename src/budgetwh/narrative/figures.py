"""Headline figures stated in the narrative and the performance forms.

Sentence metrics come from the catalog `dbt_project/seeds/narrative_metrics.csv`.
Forms need a little structure (a block of rows with two prior years; a project
form whose money has no printed unit), so they have their own extractors here.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from budgetwh.narrative.stream import Stream, find_all, normalise
from budgetwh.settings import REPO_ROOT

METRICS_SEED = REPO_ROOT / "dbt_project" / "seeds" / "narrative_metrics.csv"
NUMBER = r"\d+(?:\.\d+)?"
WAN = Decimal(10000)


@dataclass(frozen=True)
class Figure:
    """One figure stated in the narrative, with its evidence."""

    metric: str
    label: str | None
    amount_text: str
    amount: Decimal  # as printed, in `amount_unit`
    amount_unit: str | None  # 万元 | 元 | None when it cannot be told
    unit_basis: str  # printed | inferred: … | unknown: …
    fiscal_year: int | None  # the year the figure is about; None = the document's year
    percent: Decimal | None
    sentence: str
    source_line: int
    source_kind: str  # sentence | form
    reference_amount: Decimal | None = None  # the budget a completion rate is stated against
    stated_direction: str | None = None  # greater | less | equal: 决算数大于 / 小于预算数, 持平
    funds_scope: str | None = None  # 财政拨款 / 一般公共预算 / … as the clause prints it (clauses.py)
    # where in the stream the printed amounts this figure reads stand (for narrative coverage)
    spans: tuple[tuple[int, int], ...] = ()

    @property
    def amount_wan(self) -> Decimal | None:
        """The amount in 万元, exact, or None when the unit is unknown."""
        if self.amount_unit == "万元":
            return self.amount
        if self.amount_unit == "元":
            return self.amount / WAN
        if self.amount_unit == "亿元":
            return self.amount * WAN
        return None


@dataclass(frozen=True)
class MetricPattern:
    """A catalog row: a metric and one regular expression that states it."""

    metric: str
    pattern: str
    fixed_amount: str | None


@cache
def load_metric_patterns(path: Path = METRICS_SEED) -> tuple[MetricPattern, ...]:
    """Read the narrative metric catalog."""
    with path.open(encoding="utf-8", newline="") as fh:
        return tuple(MetricPattern(r["metric"], r["pattern"], r["fixed_amount"] or None) for r in csv.DictReader(fh))


# A metric named right after a change verb states a change, not the amount:
# 增加基本支出844.15万元 is the increase of 基本支出, 基本支出增加人员经费1408.29万元 that of 人员经费.
CHANGE_BEFORE = re.compile(r"(?:增加|减少|增长|下降|降低|节约|调增|调减|新增|上升)$")


def sentence_figures(stream: Stream) -> list[Figure]:
    """Every catalog metric stated in a sentence, in order of appearance."""
    found: list[tuple[int, Figure]] = []
    for mp in load_metric_patterns():
        for m in find_all(stream, mp.pattern):
            if CHANGE_BEFORE.search(stream.text, max(m.start() - 2, 0), m.start()):
                continue
            # 9,146.79: some publishers group thousands
            text = mp.fixed_amount if mp.fixed_amount is not None else m.group("amount").replace(",", "")
            year = m.groupdict().get("year")
            found.append(
                (
                    m.start(),
                    Figure(
                        metric=mp.metric,
                        label=None,
                        amount_text=text,
                        amount=Decimal(text),
                        amount_unit="万元",
                        unit_basis="printed",
                        fiscal_year=int(year) if year else None,
                        percent=None,
                        sentence=stream.sentence_at(m.start(), m.end()),
                        source_line=stream.line_at(m.start()),
                        source_kind="sentence",
                        spans=(m.span("amount"),) if "amount" in m.groupdict() else (),
                    ),
                )
            )
    found.sort(key=lambda pair: pair[0])
    return [f for _, f in found]


YOY = re.compile(
    rf"(?:较|比)(?P<ref>\d{{4}})年(?:预算)?(?P<dir>增加|减少)(?P<amount>{NUMBER})万元"
    rf"(?:，?增长(?P<pct>{NUMBER}) ?%)?"
)


def yoy_statements(stream: Stream) -> list[Figure]:
    """Year-on-year statements about the total ("较2021年预算增加53.40万元，增长…%")."""
    out = []
    for m in YOY.finditer(stream.text):
        amount = Decimal(m.group("amount"))
        if m.group("dir") == "减少":
            amount = -amount
        out.append(
            Figure(
                metric="yoy_change_total",
                label=None,
                amount_text=m.group("amount"),
                amount=amount,
                amount_unit="万元",
                unit_basis="printed",
                fiscal_year=int(m.group("ref")),
                percent=Decimal(m.group("pct")) if m.group("pct") else None,
                sentence=stream.sentence_at(m.start(), m.end()),
                source_line=stream.line_at(m.start()),
                source_kind="sentence",
                spans=(m.span("amount"),),
            )
        )
    return out


# A 决算 states each subject's execution: 年初预算为A万元，[全年预算为D万元，]支出决算为B万元，
# 完成年初预算的C%。决算数小于预算数的主要原因… (budget, final, rate, direction in one statement).
EXECUTION = re.compile(
    rf"(?P<first>年初|全年|调整)预算(?:数)?为 ?(?P<a>{NUMBER}) ?万元[，,] ?"
    rf"(?:(?P<second>全年|调整)预算(?:数)?为 ?(?P<d>{NUMBER}) ?万元[，,] ?)?"
    rf"(?:支出)?决算(?:数)?为 ?(?P<b>{NUMBER}) ?万元"
    rf"(?:[，,。] ?完成(?P<base>年初|全年|调整)?预算(?:数)?的 ?(?P<pct>{NUMBER}) ?%)?"
)
DIRECTION = re.compile(
    r"[。；，]? ?(?:[^。]{0,12}?)决算数?(?:(?P<cmp>大于|小于|等于)(?P<cbase>年初|全年|调整)?预算数?"
    r"|(?:同|与)(?P<fbase>年初|全年|调整)?预算数?(?:持平|基本持平|一致))"
)
DIRECTION_WORD = {"大于": "greater", "小于": "less", "等于": "equal"}
# The subject a statement is about: the heading before it (…（类）…（款）…（项）), else
# the words that open its sentence (一般公共预算财政拨款支出, “三公”经费财政拨款支出).
SUBJECT_HEADING = re.compile(r"(?:\d+[、.])?(?P<subject>[^。：:；]*（(?:类|款|项)）)[。．]?[^（）]{0,80}$")


def _execution_subject(stream: Stream, start: int, floor: int) -> str | None:
    window = stream.text[max(floor, start - 160) : start]
    heading = SUBJECT_HEADING.search(window)
    if heading:
        return heading.group("subject").strip()
    opening = re.split(r"[。；：:\n]", window)[-1].strip()
    # a section heading run into the sentence: （三）一般公共预算财政拨款支出决算具体情况
    opening = re.sub(r"^（[一二三四五六七八九十]+）\S*?情况", "", opening)
    return opening or None


EXECUTION_BUDGET = {
    "年初": "execution_budget_initial",
    "全年": "execution_budget_adjusted",
    "调整": "execution_budget_adjusted",
}


def execution_statements(stream: Stream) -> list[Figure]:
    """A 决算's execution statements as figures: `execution_final` (the 决算 amount),
    `execution_budget_initial` / `execution_budget_adjusted` (年初预算, 全年 or 调整预算, each as
    printed), `execution_rate` (the rate, with the budget it is stated against) and
    `execution_direction` (决算数小于预算数, with the budget it compares with). A budget named
    (年初, 全年) is that one; an unnamed one (完成预算的, 小于预算数) is the last budget given."""
    out = []
    floor = 0
    for m in EXECUTION.finditer(stream.text):
        budgets = {m.group("first"): m.group("a")}
        if m.group("second"):
            budgets[m.group("second")] = m.group("d")
        last = m.group("d") or m.group("a")
        common = {
            "label": _execution_subject(stream, m.start(), floor),
            "amount_text": m.group("b"),
            "amount": Decimal(m.group("b")),
            "amount_unit": "万元",
            "unit_basis": "printed",
            "fiscal_year": None,
            "sentence": stream.sentence_at(m.start(), m.end()),
            "source_line": stream.line_at(m.start()),
            "source_kind": "sentence",
            "spans": tuple(m.span(g) for g in ("a", "d", "b") if m.group(g)),
        }
        out.append(Figure(metric="execution_final", percent=None, **common))
        for kind, group in ((m.group("first"), "a"), (m.group("second"), "d")):
            if kind:
                stated = common | {"amount_text": m.group(group), "amount": Decimal(m.group(group))}
                out.append(Figure(metric=EXECUTION_BUDGET[kind], percent=None, **stated))
        if m.group("pct"):
            base = budgets.get(m.group("base") or "", last)
            out.append(
                Figure(
                    metric="execution_rate",
                    percent=Decimal(m.group("pct")),
                    reference_amount=Decimal(base),
                    **common,
                )
            )
        after = DIRECTION.match(stream.text, m.end(), m.end() + 40)
        if after:
            base = budgets.get(after.group("cbase") or after.group("fbase") or "", last)
            out.append(
                Figure(
                    metric="execution_direction",
                    percent=None,
                    reference_amount=Decimal(base),
                    stated_direction=DIRECTION_WORD[after.group("cmp")] if after.group("cmp") else "equal",
                    **common,
                )
            )
        floor = m.end()
    return out


# A figure and its change on last year in one sentence: 收入预算总计13649.07万元，与上年相比收、支预算
# 总计各增加844.15万元，增长6.59%; …（项）607.1万元，与上年相比增加27.09万元，增加4.67%
# 9,146.79: the 江苏 narratives group thousands
GROUPED = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?"
CHANGE_ON_LAST_YEAR = re.compile(
    rf"(?<![\d.,])(?P<a>{GROUPED}|{NUMBER}) ?万元[，,] ?(?:与|比|较)上年(?:度)?(?:相比|预算)?[，,]? ?"
    rf"[^，,。；;]{{0,12}}?"
    rf"(?P<dir>增加|减少|下降)(?P<b>{GROUPED}|{NUMBER}) ?万元(?:[，,] ?(?:增长|增加|减少|下降)(?P<pct>{NUMBER}) ?%)?"
)


def change_statements(stream: Stream) -> list[Figure]:
    """Changes on last year stated right after the figure they change (`yoy_change`: the signed
    change, its rate, this year's figure as reference_amount, the words before it as label)."""
    out = []
    for m in CHANGE_ON_LAST_YEAR.finditer(stream.text):
        left = max(stream.text.rfind(ch, 0, m.start()) for ch in "。；;，,：:\n") + 1
        change = Decimal(m.group("b").replace(",", ""))
        out.append(
            Figure(
                metric="yoy_change",
                label=stream.text[left : m.start()].strip() or None,
                amount_text=m.group("b").replace(",", ""),
                amount=-change if m.group("dir") != "增加" else change,
                amount_unit="万元",
                unit_basis="printed",
                fiscal_year=None,
                percent=Decimal(m.group("pct")) if m.group("pct") else None,
                sentence=stream.sentence_at(m.start(), m.end()),
                source_line=stream.line_at(m.start("b")),
                source_kind="sentence",
                reference_amount=Decimal(m.group("a").replace(",", "")),
                spans=(m.span("a"), m.span("b")),
            )
        )
    return out


# A total and its parts' shares: 本年支出合计9759.38万元，其中：基本支出5377.64万元，占55.10%；项目
# 支出4381.74万元，占44.90%; …支出9746.50万元，主要用于以下方面：社会保障和就业支出（类）754.75万元，占7.74%
SHARE_LIST = re.compile(rf"(?P<total>{NUMBER}) ?万元[，,] ?(?:其中|主要用于以下方面|主要包括)[：:]")
SHARE_ITEM = re.compile(
    rf" ?(?P<label>[^：:；;，,。]{{1,40}}?) ?(?P<b>{NUMBER}) ?万元[，,] ?占 ?(?P<pct>{NUMBER}) ?%[；;，,]?"
)


def share_statements(stream: Stream) -> list[Figure]:
    """Parts stated with their share of the total the sentence opens with (`share`: the part,
    its percent, the total as reference_amount). A share of a total stated elsewhere
    (占本年支出合计的99.87%) is not read: its total is not in the sentence."""
    out = []
    for head in SHARE_LIST.finditer(stream.text):
        pos = head.end()
        while item := SHARE_ITEM.match(stream.text, pos):
            out.append(
                Figure(
                    metric="share",
                    label=item.group("label").strip(),
                    amount_text=item.group("b"),
                    amount=Decimal(item.group("b")),
                    amount_unit="万元",
                    unit_basis="printed",
                    fiscal_year=None,
                    percent=Decimal(item.group("pct")),
                    sentence=stream.sentence_at(head.start(), item.end()),
                    source_line=stream.line_at(item.start("b")),
                    source_kind="sentence",
                    reference_amount=Decimal(head.group("total")),
                    spans=(head.span("total"), item.span("b")),
                )
            )
            pos = item.end()
    return out


FUNDS_HEADER = re.compile(r"近两年收支情况(?P<y1>\d{4})年(?P<y2>\d{4})年")
FUNDS_ROW = re.compile(
    rf"(?P<label>财政拨款|其他资金|合计|基本支出|项目支出)(?P<cur>{NUMBER}) (?P<pct>{NUMBER})% "
    rf"(?P<a1>{NUMBER}) (?P<a2>{NUMBER})"
)
FUNDS_METRIC = {
    ("income", "财政拨款"): "general_budget_income",
    ("income", "合计"): "income_total",
    ("expense", "基本支出"): "basic_expense",
    ("expense", "项目支出"): "project_expense",
    ("expense", "合计"): "expense_total",
}


def funds_form_figures(stream: Stream, fiscal_year: int | None) -> list[Figure]:
    """The 部门整体支出绩效目标申报表 funds block: this year and the two before."""
    header = FUNDS_HEADER.search(stream.text)
    if not header:
        return []
    window_start = max(stream.text.rfind("总体资金情况", 0, header.start()), 0)
    unit = "万元" if "（万元）" in stream.text[max(0, window_start - 40) : header.start()] else None
    years = (fiscal_year, int(header.group("y1")), int(header.group("y2")))
    block_end = stream.text.find("部门职能", header.end())
    block = stream.text[header.end() : block_end if block_end > 0 else header.end() + 400]
    expense_from = block.find("支出构成")
    out = []
    for m in FUNDS_ROW.finditer(block):
        side = "expense" if 0 <= expense_from < m.start() else "income"
        metric = FUNDS_METRIC.get((side, m.group("label")))
        if metric is None:
            continue
        offset = header.end() + m.start()
        for year, group in zip(years, ("cur", "a1", "a2"), strict=True):
            out.append(
                Figure(
                    metric=metric,
                    label=m.group("label"),
                    amount_text=m.group(group),
                    amount=Decimal(m.group(group)),
                    amount_unit=unit,
                    unit_basis="printed" if unit else "unknown: the form prints no unit",
                    fiscal_year=year,
                    percent=Decimal(m.group("pct")) if group == "cur" else None,
                    sentence=m.group(0),
                    source_line=stream.line_at(offset),
                    source_kind="form",
                )
            )
    return out


PROJECT_NAME = re.compile(r"项目名称(?P<name>[^：:]{2,40}?)主管部门")
PROJECT_AMOUNT = re.compile(rf"当年资金总额[：:]?(?P<amount>{NUMBER})")


def project_form_figures(stream: Stream) -> list[Figure]:
    """Project forms (项目基本信息): each project's amount for the year.

    These forms print money without a unit. The unit is inferred only from
    evidence: a narrative sentence stating the same project in 万元. Without one
    the unit stays unknown and the figure is kept but not converted.
    """
    out = []
    names = list(PROJECT_NAME.finditer(stream.text))
    for i, m in enumerate(names):
        end = names[i + 1].start() if i + 1 < len(names) else len(stream.text)
        amount_m = PROJECT_AMOUNT.search(stream.text, m.end(), end)
        if not amount_m:
            continue
        name = m.group("name")
        printed = Decimal(amount_m.group("amount"))
        unit, basis = _infer_unit(stream, name, printed)
        out.append(
            Figure(
                metric="project_amount",
                label=name,
                amount_text=amount_m.group("amount"),
                amount=printed,
                amount_unit=unit,
                unit_basis=basis,
                fiscal_year=None,
                percent=None,
                sentence=stream.text[m.start() : amount_m.end()],
                source_line=stream.line_at(amount_m.start()),
                source_kind="form",
            )
        )
    return out


def _infer_unit(stream: Stream, name: str, printed: Decimal) -> tuple[str | None, str]:
    stated = re.compile(re.escape(normalise(name)) + rf"(?P<x>{NUMBER})万元")
    for m in stated.finditer(stream.text):
        x = Decimal(m.group("x"))
        line = stream.line_at(m.start())
        if x * WAN == printed:
            return "元", f"inferred: line {line} states {name} as {m.group('x')} 万元 = {printed} / 10000"
        if x == printed:
            return "万元", f"inferred: line {line} states {name} as the same figure in 万元"
    return None, "unknown: the form prints no unit and no sentence states this project in 万元"


def extract_figures(stream: Stream, fiscal_year: int | None) -> list[Figure]:
    """All narrative figures of a document, sentences first, then forms."""
    return [
        *sentence_figures(stream),
        *yoy_statements(stream),
        *execution_statements(stream),
        *share_statements(stream),
        *change_statements(stream),
        *funds_form_figures(stream, fiscal_year),
        *project_form_figures(stream),
    ]
