"""Balancing identities of a 部门预算公开 document, evaluated on printed values.

A document is a list of ``Sheet`` (one per printed table) plus the headline
figures quoted in the narrative.  ``violations`` returns every identity that
does not hold on the *printed* (2-decimal) values.  The generator uses it to
describe its deliberate errors and one-cent roundings in the manifest; the
``--check`` mode of ``generate.py`` runs it on tables re-read from the text
files and compares the result with the manifest.

A violation is ``(identity, table_title, unit_code, row_seq, column_no,
printed_cents, expected_cents)``; narrative violations use the table title
``正文`` and the figure's label as ``row_seq`` with column 0.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from classification import CLASS_NAME_TO_CODE

SZ = "收支总表"
IN = "收入总表"
OUT = "支出总表"
CZ = "财政拨款收支总表"
GP = "一般公共预算财政拨款支出表"
BAS = "一般公共预算财政拨款基本支出表"
GF = "政府基金预算财政拨款支出表"
SOE = "国有资本经营预算财政拨款支出表"
SG = "财政拨款“三公”经费支出表"

# Printed order and number of 栏次 columns of each table.
KINDS: tuple[tuple[str, int], ...] = (
    (SZ, 4),
    (IN, 12),
    (OUT, 8),
    (CZ, 7),
    (GP, 5),
    (BAS, 5),
    (GF, 5),
    (SOE, 5),
    (SG, 5),
)
NCOLS = dict(KINDS)
TREE_KINDS = frozenset({IN, OUT, GP, BAS})
EMPTY_KINDS = frozenset({GF, SOE})
AMOUNT_COLS: dict[str, tuple[int, ...]] = {
    SZ: (2, 4),
    IN: tuple(range(3, 13)),
    OUT: tuple(range(3, 9)),
    CZ: (2, 4, 5, 6, 7),
    GP: (3, 4, 5),
    BAS: (3, 4, 5),
    GF: (),
    SOE: (),
    SG: (2, 3, 4, 5),
}
# (column, component columns): printed total column = sum of components.
ROW_RULES: dict[str, tuple[tuple[int, tuple[int, ...]], ...]] = {
    IN: ((3, (4, 12)), (4, (5, 6, 7, 8, 9, 10, 11))),
    OUT: ((3, (4, 5, 6, 7, 8)),),
    GP: ((3, (4, 5)),),
    BAS: ((3, (4, 5)),),
    SG: ((2, (3, 4, 5)),),
}

IDENTITY_TEXT = {
    "sum_children": "上级科目/合计行 = Σ下级科目",
    "row_total": "合计列 = Σ分项列",
    "in_eq_out": "收入总表合计 = 支出总表合计(同科目)",
    "gp_eq_fiscal_in": "一般公共预算支出表合计 = 收入总表财政拨款+上年结转(同科目)",
    "bas_eq_gp_basic": "基本支出表合计 = 一般公共预算支出表基本支出",
    "sz_income_total": "本年收入合计 = Σ收入项",
    "sz_expense_total": "本年支出合计 = Σ支出功能类",
    "sz_grand_income": "收入总计 = 本年收入合计+上年结转",
    "sz_grand_expense": "支出总计 = 本年支出合计+年终结转",
    "sz_balance": "收入总计 = 支出总计",
    "sz_cross": "收支总表 = 收入/支出总表对应数",
    "cz_income_total": "财政拨款本年收入合计 = Σ拨款收入",
    "cz_carry_total": "年初结转和结余 = Σ分类结转",
    "cz_expense_total": "财政拨款本年支出合计 = Σ支出功能类",
    "cz_grand_income": "财政拨款收入总计 = 本年收入合计+年初结转",
    "cz_grand_expense": "财政拨款支出总计 = 本年支出合计+年末结转",
    "cz_balance": "财政拨款收入总计 = 支出总计",
    "cz_cross": "财政拨款收支总表 = 收入总表/一般公共预算支出表对应数",
    "sangong_total": "三公合计 = 出国+公务用车+接待",
    "sangong_subtotal": "“三公”经费小计 = 合计",
    "sangong_car": "公务用车购置及运维费 = 购置+运行维护",
    "sangong_abroad": "因公出国(境)费 = 教学科研+其他",
    "dept_eq_units": "部门表 = Σ单位表",
    "narrative": "正文数字 = 表内数字",
}

# Where each narrative headline figure comes from (department tables).
NARRATIVE_SOURCES = {
    "预算收入": "收支总表 本年收入合计",
    "一般公共预算收入": "收支总表 一般公共预算拨款收入",
    "事业收入": "收支总表 事业收入",
    "上年结转结余": "收支总表 上年结转结余",
    "支出预算": "收支总表 本年支出合计",
    "基本支出": "支出总表 合计行 基本支出",
    "项目支出": "支出总表 合计行 项目支出",
    "人员经费": "基本支出表 合计行 人员经费",
    "日常公用经费": "基本支出表 合计行 公用经费",
    "机关运行经费": "基本支出表 合计行 公用经费",
    "三公经费": "“三公”经费支出表 合计",
    "因公出国（境）费": "“三公”经费支出表 因公出国（境）费",
    "公务用车购置及运维费": "“三公”经费支出表 公务用车购置及运维费",
    "公务用车购置费": "“三公”经费支出表 公务用车购置费",
    "公务用车运行费": "“三公”经费支出表 公务用车运行维护费",
    "公务接待费": "“三公”经费支出表 公务接待费",
}

Violation = tuple[str, str, str, str, int, int, int]


@dataclass
class Sheet:
    """One printed table: rows are ``[seq, col1, col2, ...]`` as printed."""

    scope: str
    code: str
    name: str
    kind: str
    rows: list[list[str]] = field(default_factory=list)

    @property
    def title(self) -> str:
        """Printed title, e.g. 部门预算收入总表."""
        return f"{self.scope}预算{self.kind}"


def cents(text: str) -> int:
    """Printed 万元 amount -> integer hundredths ('' -> 0)."""
    text = text.strip()
    if not text:
        return 0
    neg = text.startswith("-")
    whole, _, frac = text.lstrip("-").partition(".")
    value = int(whole or "0") * 100 + int((frac + "00")[:2])
    return -value if neg else value


def norm(label: str) -> str:
    """Label without any whitespace."""
    return "".join(label.split())


class _Collector:
    def __init__(self) -> None:
        self.found: list[Violation] = []

    def eq(self, ident: str, sheet: Sheet, row: list[str] | None, col: int, expected: int) -> None:
        printed = cents(row[col]) if row is not None else 0
        if printed != expected:
            seq = row[0] if row is not None else ""
            self.found.append((ident, sheet.title, sheet.code, seq, col, printed, expected))


def _by_code(sheet: Sheet | None) -> dict[str, list[str]]:
    if sheet is None:
        return {}
    return {(r[1] or "合计"): r for r in sheet.rows}


def _val(rows: dict[str, list[str]], key: str, col: int) -> int:
    row = rows.get(key)
    return cents(row[col]) if row is not None else 0


def _check_tree(v: _Collector, sheet: Sheet) -> None:
    kids: dict[str, list[list[str]]] = defaultdict(list)
    for row in sheet.rows:
        code = row[1]
        if code:
            kids[code[:-2] if len(code) > 3 else ""].append(row)
    for row in sheet.rows:
        children = kids.get(row[1])
        if not children:
            continue
        for col in AMOUNT_COLS[sheet.kind]:
            v.eq("sum_children", sheet, row, col, sum(cents(k[col]) for k in children))


def _check_rows(v: _Collector, sheet: Sheet) -> None:
    for total, parts in ROW_RULES.get(sheet.kind, ()):
        for row in sheet.rows:
            v.eq("row_total", sheet, row, total, sum(cents(row[c]) for c in parts))


def _check_function_cross(v: _Collector, tabs: dict[str, Sheet]) -> None:
    t_in, t_out, t_gp = _by_code(tabs.get(IN)), _by_code(tabs.get(OUT)), _by_code(tabs.get(GP))
    if IN in tabs:
        for key in sorted(set(t_in) | set(t_out)):
            if key in t_in:
                v.eq("in_eq_out", tabs[IN], t_in[key], 3, _val(t_out, key, 3))
    if GP in tabs:
        for key in sorted(set(t_gp) | set(t_in)):
            expected = _val(t_in, key, 5) + _val(t_in, key, 12)
            if key in t_gp:
                v.eq("gp_eq_fiscal_in", tabs[GP], t_gp[key], 3, expected)
            elif expected:
                v.eq("gp_eq_fiscal_in", tabs[GP], None, 3, expected)
    if BAS in tabs:
        bas = _by_code(tabs[BAS])
        v.eq("bas_eq_gp_basic", tabs[BAS], bas.get("合计"), 3, _val(t_gp, "合计", 4))


def _labels(rows: list[list[str]], col: int) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for row in rows:
        out.setdefault(norm(row[col]), row)
    return out


def _class_code(label: str) -> str:
    name = norm(label).split("、", 1)[-1]
    return CLASS_NAME_TO_CODE.get(name, "")


def _check_sz(v: _Collector, sheet: Sheet, tabs: dict[str, Sheet]) -> None:
    inc, exp = _labels(sheet.rows, 1), _labels(sheet.rows, 3)
    r_inc, r_exp = inc["本年收入合计"], exp["本年支出合计"]
    body = sheet.rows[: sheet.rows.index(r_inc)]
    v.eq("sz_income_total", sheet, r_inc, 2, sum(cents(r[2]) for r in body))
    v.eq("sz_expense_total", sheet, r_exp, 4, sum(cents(r[4]) for r in body))
    v.eq("sz_grand_income", sheet, inc["收入总计"], 2, cents(r_inc[2]) + cents(inc["上年结转结余"][2]))
    v.eq("sz_grand_expense", sheet, exp["支出总计"], 4, cents(r_exp[4]) + cents(exp["年终结转结余"][4]))
    v.eq("sz_balance", sheet, exp["支出总计"], 4, cents(inc["收入总计"][2]))
    t_in, t_out = _by_code(tabs.get(IN)), _by_code(tabs.get(OUT))
    for row in body:
        code = _class_code(row[3]) if row[3] else ""
        if code:
            v.eq("sz_cross", sheet, row, 4, _val(t_out, code, 3))
    v.eq("sz_cross", sheet, r_exp, 4, _val(t_out, "合计", 3))
    v.eq("sz_cross", sheet, inc["一、一般公共预算拨款收入"], 2, _val(t_in, "合计", 5))
    v.eq("sz_cross", sheet, inc["五、事业收入"], 2, _val(t_in, "合计", 7))
    v.eq("sz_cross", sheet, inc["上年结转结余"], 2, _val(t_in, "合计", 12))


def _check_cz(v: _Collector, sheet: Sheet, tabs: dict[str, Sheet]) -> None:
    inc, exp = _labels(sheet.rows, 1), _labels(sheet.rows, 3)
    r_inc, r_exp = inc["本年收入合计"], exp["本年支出合计"]
    i_inc = sheet.rows.index(r_inc)
    body, tail = sheet.rows[:i_inc], sheet.rows[i_inc:]
    r_carry, r_grand = inc["年初财政拨款结转和结余"], inc["收入总计"]
    carry_parts = tail[tail.index(r_carry) + 1 : tail.index(r_grand)]
    v.eq("cz_income_total", sheet, r_inc, 2, sum(cents(r[2]) for r in body))
    v.eq("cz_carry_total", sheet, r_carry, 2, sum(cents(r[2]) for r in carry_parts))
    for col in (4, 5, 6, 7):
        v.eq("cz_expense_total", sheet, r_exp, col, sum(cents(r[col]) for r in body))
        v.eq(
            "cz_grand_expense",
            sheet,
            exp["支出总计"],
            col,
            cents(r_exp[col]) + cents(exp["年末财政拨款结转和结余"][col]),
        )
    for row in [*body, r_exp, exp["支出总计"]]:
        v.eq("row_total", sheet, row, 4, cents(row[5]) + cents(row[6]) + cents(row[7]))
    v.eq("cz_grand_income", sheet, r_grand, 2, cents(r_inc[2]) + cents(r_carry[2]))
    v.eq("cz_balance", sheet, exp["支出总计"], 4, cents(r_grand[2]))
    t_in, t_gp = _by_code(tabs.get(IN)), _by_code(tabs.get(GP))
    for row in body:
        code = _class_code(row[3]) if row[3] else ""
        if code:
            v.eq("cz_cross", sheet, row, 4, _val(t_gp, code, 3))
    v.eq("cz_cross", sheet, r_exp, 4, _val(t_gp, "合计", 3))
    v.eq("cz_cross", sheet, body[0], 2, _val(t_in, "合计", 5))
    v.eq("cz_cross", sheet, r_carry, 2, _val(t_in, "合计", 12))


def _check_sg(v: _Collector, sheet: Sheet) -> None:
    lab = _labels(sheet.rows, 1)
    abroad, car, total = lab["一、因公出国（境）费"], lab["二、公务用车购置及运维费"], lab["合计"]
    parts = ("一、因公出国（境）费", "二、公务用车购置及运维费", "三、公务接待费")
    for col in (2, 3, 4, 5):

        def c(label: str, col: int = col) -> int:
            return cents(lab[label][col]) if label in lab else 0

        v.eq("sangong_total", sheet, total, col, sum(c(p) for p in parts))
        if "“三公”经费小计" in lab:
            v.eq("sangong_subtotal", sheet, lab["“三公”经费小计"], col, c("合计"))
        v.eq("sangong_car", sheet, car, col, c("其中：公务用车购置费") + c("公务用车运行维护费"))
        if "其他因公出国（境）费" in lab:
            split = c("其中：教学科研人员因公出国（境）费") + c("其他因公出国（境）费")
            v.eq("sangong_abroad", sheet, abroad, col, split)


def _row_key(kind: str, row: list[str]) -> str:
    return (row[1] or "合计") if kind in TREE_KINDS else row[0]


def _check_dept_units(v: _Collector, dept: Sheet, units: list[Sheet]) -> None:
    sums: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for unit in units:
        for row in unit.rows:
            acc = sums[_row_key(unit.kind, row)]
            for col in AMOUNT_COLS[unit.kind]:
                acc[col] += cents(row[col])
    rows = {_row_key(dept.kind, r): r for r in dept.rows}
    for key in sorted(set(rows) | set(sums)):
        for col in AMOUNT_COLS[dept.kind]:
            v.eq("dept_eq_units", dept, rows.get(key), col, sums.get(key, {}).get(col, 0))


def headline(tabs: dict[str, Sheet]) -> dict[str, int]:
    """Narrative figures implied by a department's printed tables (cents)."""
    sz, out, bas = tabs[SZ], _by_code(tabs[OUT]), _by_code(tabs[BAS])
    inc, exp = _labels(sz.rows, 1), _labels(sz.rows, 3)
    sg = _labels(tabs[SG].rows, 1)
    public = _val(bas, "合计", 5)
    return {
        "预算收入": cents(inc["本年收入合计"][2]),
        "一般公共预算收入": cents(inc["一、一般公共预算拨款收入"][2]),
        "事业收入": cents(inc["五、事业收入"][2]),
        "上年结转结余": cents(inc["上年结转结余"][2]),
        "支出预算": cents(exp["本年支出合计"][4]),
        "基本支出": _val(out, "合计", 4),
        "项目支出": _val(out, "合计", 5),
        "人员经费": _val(bas, "合计", 4),
        "日常公用经费": public,
        "机关运行经费": public,
        "三公经费": cents(sg["合计"][2]),
        "因公出国（境）费": cents(sg["一、因公出国（境）费"][2]),
        "公务用车购置及运维费": cents(sg["二、公务用车购置及运维费"][2]),
        "公务用车购置费": cents(sg["其中：公务用车购置费"][2]),
        "公务用车运行费": cents(sg["公务用车运行维护费"][2]),
        "公务接待费": cents(sg["三、公务接待费"][2]),
    }


def _check_scope(v: _Collector, tabs: dict[str, Sheet]) -> None:
    for sheet in tabs.values():
        if sheet.kind in TREE_KINDS:
            _check_tree(v, sheet)
        _check_rows(v, sheet)
    _check_function_cross(v, tabs)
    if SZ in tabs:
        _check_sz(v, tabs[SZ], tabs)
    if CZ in tabs:
        _check_cz(v, tabs[CZ], tabs)
    if SG in tabs:
        _check_sg(v, tabs[SG])


def violations(sheets: list[Sheet], narrative: dict[str, int]) -> list[Violation]:
    """Every balancing identity that fails on the printed values."""
    v = _Collector()
    scopes: dict[tuple[str, str], dict[str, Sheet]] = defaultdict(dict)
    for sheet in sheets:
        scopes[(sheet.scope, sheet.code)][sheet.kind] = sheet
    dept_key = next((k for k in scopes if k[0] == "部门"), None)
    for tabs in scopes.values():
        _check_scope(v, tabs)
    if dept_key is None:
        return v.found
    dept = scopes[dept_key]
    units = [tabs for key, tabs in scopes.items() if key[0] == "单位"]
    for kind, sheet in dept.items():
        parts = [u[kind] for u in units if kind in u]
        if kind not in EMPTY_KINDS and parts:
            _check_dept_units(v, sheet, parts)
    expected = headline(dept) if {SZ, OUT, BAS, SG} <= set(dept) else {}
    for label in sorted(narrative):
        if label in expected and narrative[label] != expected[label]:
            v.found.append(("narrative", "正文", dept_key[1], label, 0, narrative[label], expected[label]))
    return v.found
