"""Deterministic synthetic corpus of 部门预算公开 documents for scale benchmarks.

Usage::

    python bench/generate.py --n 1000 --seed 7 --out DIR [--jobs J] [--check]
    python bench/generate.py --n 1000 --base-seed 7 --changed 10 [--seed 1] --out DIR2
    python bench/generate.py --check --out DIR

Every document is a department's budget disclosure in one of the two text
layouts of the real samples (``pdf_text`` like raw/000, ``docx_text`` like
raw/001): the nine department tables, the narrative (情况说明) quoting the
headline figures, then ``第二部分 部门所属单位预算`` with the same nine tables
for each of its 1-4 units.  Amounts are integer yuan internally and printed in
万元 rounded half-up, so every identity of ``balances.py`` holds on the printed
values, except where the manifest says otherwise.

manifest.json::

    {seed, n, generator_version,
     documents: [{file, layout, region, region_level, department, department_code,
                  department_kind, fiscal_year, units: [{code, name}], bytes}],
     errors: [{file, kind: "table_cell"|"narrative", table_title, unit_code, row_seq,
               column_no, line_label, original, printed, description, breaks}],
     roundings: [{file, unit_code, kind, subjects, description, cells}],
     changed: {change_seed, count, documents: [{index, file, base_file}]}   # --changed only}

* errors (~3% of documents): one printed amount in one table, or one figure of
  the narrative, differs from the generated value so that at least one identity
  is off by more than 0.05 万元.  ``table_title`` is the printed title (null for
  narrative), ``row_seq``/``column_no`` the printed 序号 and 栏次, ``line_label``
  the row's code and name (or the narrative figure's name); ``breaks`` lists
  every failing identity as [identity, table_title, unit_code, row_seq, column_no]
  (narrative: ["narrative", "正文", dept_code, figure_name, 0]).
* roundings (~5%): NOT errors.  One unit gets +0.004 万元 on two unrounded
  amounts: ``parts`` (two 项 of one 款, project column), ``parts_basic``
  (2080505/2080506 and 30108/30109) or ``row_total`` (基本 and 项目 of one 项).
  Printed parents/totals are rounded from the unrounded sums, so they differ
  from the sum of printed parts by exactly 0.01; ``cells`` lists each such cell
  with {identity, table_title, unit_code, row_seq, column_no, line_label,
  printed, sum_of_parts}.

``--changed K --base-seed S`` writes the corpus of seed S with the figures of K
documents (chosen by --seed, default 1) redrawn: same department, units, year
and layout, new amounts, hence new content hash and file name; all other files
are byte-identical to the base corpus.

``--check`` re-reads the files with the independent reader of ``reader.py``
and asserts that the identities fail exactly at the manifest's errors and
roundings.  Content depends only on (seed, index[, revision]), so output is
byte-identical for the same arguments, whatever --jobs is.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial
from multiprocessing import Pool
from pathlib import Path
from random import Random

from balances import (
    AMOUNT_COLS,
    BAS,
    CZ,
    EMPTY_KINDS,
    GF,
    GP,
    IDENTITY_TEXT,
    IN,
    KINDS,
    NARRATIVE_SOURCES,
    OUT,
    SG,
    SOE,
    SZ,
    TREE_KINDS,
    Sheet,
    cents,
    headline,
    norm,
    violations,
)
from classification import ECONOMIC_SUBJECTS, PERSONNEL_CLASSES, class_rows, function_name
from layout import (
    EMPTY_NOTES,
    PAGE_ROWS,
    docx_narrative,
    docx_table,
    pdf_narrative_lines,
    pdf_table_pages,
)
from narrative import Context, build
from vocab import DEPT_KINDS, NORTHERN, PURCHASE_ITEMS, REGIONS, DeptKind

GENERATOR_VERSION = "1.0.0"
WAN = 10_000  # yuan per 万元
ERROR_RATE = 0.03
ROUNDING_RATE = 0.05
MAX_BYTES = 70_000  # documents above this get the compact narrative
FILE_RE = re.compile(r"^\d{6}_[0-9a-f]{16}\.txt$")


# --------------------------------------------------------------------------- identity


@dataclass(frozen=True)
class UnitId:
    """A unit's stable attributes (same across --changed revisions)."""

    code: str
    name: str
    main_item: str
    admin: bool
    nature: str
    grade: str
    funding: str


@dataclass(frozen=True)
class Identity:
    """Who/what/when of a document: everything but the figures."""

    index: int
    layout: str
    year: int
    region: str
    level: str
    place: str
    lvl: str
    north: bool
    kind: DeptKind
    dept_name: str
    dept_code: str
    units: tuple[UnitId, ...]
    flag: str
    sangong_variant: str
    bookmark_base: int
    target_bytes: int


def _pick_region(rng: Random) -> tuple[str, str, str, str]:
    province = rng.choice(sorted(REGIONS))
    city = rng.choice(sorted(REGIONS[province]))
    county = rng.choice(REGIONS[province][city])
    roll = rng.random()
    if roll < 0.08:
        return "province", province, province, "省"
    if roll < 0.5:
        return "city", f"{province} {city}", city, "市"
    return "county", f"{province} {city} {county}", county, county[-1]


GRADES = {"province": ("正厅级", "正处级"), "city": ("正处（县）级", "正科级"), "county": ("正科级", "股级")}


def _units(rng: Random, kind: DeptKind, level: str, place: str, dept: str, code: str) -> tuple[UnitId, ...]:
    n = min(rng.choices((1, 2, 3, 4), weights=(35, 30, 20, 15))[0], 1 + len(kind.subunits))
    top, sub = GRADES[level]
    nature = "事业" if kind.key == "kx" and rng.random() < 0.5 else "行政"
    units = [
        UnitId(
            f"{code}001",
            f"{dept}本级",
            kind.admin_item,
            True,
            nature,
            top,
            rng.choice(("财政拨款", "财政性资金基本保证")),
        )
    ]
    for k, (suffix, item) in enumerate(rng.sample(kind.subunits, n - 1)):
        funding = rng.choice(("财政性资金基本保证", "财政性资金定额或定项补助"))
        units.append(UnitId(f"{code}{k + 2:03d}", place + suffix, item, False, "事业", sub, funding))
    return tuple(units)


def make_identity(seed: int, index: int) -> Identity:
    """Stable attributes of document ``index`` of the corpus ``seed``."""
    rng = Random(f"budgetwh:{seed}:{index}:id")
    layout = rng.choice(("pdf_text", "docx_text"))
    year = rng.randint(2019, 2024)
    level, region, place, lvl = _pick_region(rng)
    kind = rng.choice(DEPT_KINDS)
    dept = place + (kind.prov_name if level == "province" else kind.name)
    code = str(rng.randint(101, 999))
    roll = rng.random()
    flag = "error" if roll < ERROR_RATE else "rounding" if roll < ERROR_RATE + ROUNDING_RATE else ""
    return Identity(
        index,
        layout,
        year,
        region,
        level,
        place,
        lvl,
        region.split()[0] in NORTHERN,
        kind,
        dept,
        code,
        _units(rng, kind, level, place, dept, code),
        flag,
        rng.choice("AB"),
        rng.randint(100_000_000, 199_000_000),
        rng.randint(24_000, 60_000),
    )


# --------------------------------------------------------------------------- figures


@dataclass
class Item:
    """Amounts (yuan) of one function 项 in one unit."""

    basic: int = 0
    proj: int = 0
    other: int = 0
    carry: int = 0

    @property
    def total(self) -> int:
        """All spending on the item."""
        return self.basic + self.proj + self.other

    @property
    def fiscal(self) -> int:
        """Spending financed by the general public budget (incl. carry-over)."""
        return self.basic + self.proj


@dataclass
class Unit:
    """Figures of one unit (yuan)."""

    uid: UnitId
    staff: int
    items: dict[str, Item] = field(default_factory=lambda: defaultdict(Item))
    econ: dict[str, int] = field(default_factory=dict)
    projects: list[tuple[str, int, str]] = field(default_factory=list)
    sangong: dict[str, int] = field(default_factory=dict)
    cars: int = 0


def _wan(rng: Random, lo: float, hi: float) -> int:
    """Random amount in [lo, hi] 万元, as yuan rounded to 0.01 万元."""
    return max(1, round(rng.uniform(lo, hi) * 100)) * 100


def _share(rng: Random, base: int, lo: float, hi: float) -> int:
    return max(100, round(base * rng.uniform(lo, hi) / 100) * 100)


def _personnel(rng: Random, staff: int, admin: bool) -> dict[str, int]:
    e = {"30101": _wan(rng, 2.0 * staff, 3.4 * staff), "30102": _wan(rng, 1.2 * staff, 3.2 * staff)}
    if rng.random() < 0.7:
        e["30103"] = _wan(rng, 0.1 * staff, 0.6 * staff)
    if rng.random() < (0.4 if admin else 0.85):
        e["30107"] = _wan(rng, 0.5 * staff, 2.5 * staff)
    base = sum(e.values())
    e["30108"] = _share(rng, base, 0.15, 0.17)
    if rng.random() < 0.9:
        e["30109"] = _share(rng, base, 0.075, 0.085)
    e["30110"] = _share(rng, base, 0.06, 0.09)
    if admin and rng.random() < 0.8:
        e["30111"] = _share(rng, base, 0.02, 0.05)
    if rng.random() < 0.8:
        e["30112"] = _share(rng, base, 0.003, 0.015)
    e["30113"] = _share(rng, base, 0.11, 0.12)
    if rng.random() < 0.4:
        e["30199"] = _wan(rng, 0.05, 0.2 * staff**0.5)
    retirees = round(staff * rng.uniform(0.0, 0.7))
    if retirees:
        e["30302"] = _wan(rng, 4.0 * retirees, 7.0 * retirees)
    for code, p, lo, hi in (
        ("30301", 0.12, 3, 12),
        ("30304", 0.25, 0.5, 5),
        ("30305", 0.2, 0.2, 3),
        ("30309", 0.4, 0.02, 0.4),
        ("30399", 0.3, 0.1, 2),
    ):
        if rng.random() < p:
            e[code] = _wan(rng, lo, hi)
    return e


PUBLIC_WEIGHTS = (
    ("30201", 1.0, 3),
    ("30202", 0.8, 1),
    ("30205", 0.7, 0.5),
    ("30206", 0.9, 1.2),
    ("30207", 0.9, 1),
    ("30209", 0.6, 1.5),
    ("30211", 1.0, 2),
    ("30213", 0.7, 1),
    ("30214", 0.15, 2),
    ("30215", 0.5, 0.5),
    ("30216", 0.6, 0.6),
    ("30218", 0.3, 1),
    ("30226", 0.4, 1),
    ("30227", 0.3, 1.5),
    ("30240", 0.1, 0.2),
    ("30299", 0.8, 1.5),
)


def _public(rng: Random, unit: Unit, ident: Identity, wages: int) -> dict[str, int]:
    staff, admin = unit.staff, unit.uid.admin
    damp = 1.0 if admin else 0.6
    chosen = [(c, w) for c, p, w in PUBLIC_WEIGHTS if rng.random() < (p if p == 1.0 else p * damp)]
    if ident.north:
        chosen.append(("30208", 2.0))
    pool = staff * rng.uniform(0.5, 1.8) * WAN
    weight = sum(w for _, w in chosen)
    e = {c: max(100, round(pool * w / weight / 100) * 100) for c, w in chosen}
    e["30228"] = _share(rng, wages, 0.018, 0.02)
    if rng.random() < 0.8:
        e["30229"] = _share(rng, wages, 0.01, 0.02)
    if admin:
        e["30239"] = _wan(rng, 0.25 * staff, 0.7 * staff)
    recep = _wan(rng, 0.05, max(0.2, min(3.0, staff * 0.08))) if rng.random() < 0.85 else 0
    unit.cars = rng.choice((0, 0, 1, 1, 1, 2, 3))
    run = _wan(rng, 0.8 * unit.cars, 2.5 * unit.cars) if unit.cars else 0
    abroad = _wan(rng, 2, 12) if ident.level != "county" and rng.random() < 0.05 else 0
    for code, value in (("30217", recep), ("30231", run), ("30212", abroad)):
        if value:
            e[code] = value
    if rng.random() < 0.35:
        e["31002"] = _wan(rng, 0.1, 3)
    if rng.random() < 0.1:
        e["31007"] = _wan(rng, 0.5, 5)
    unit.sangong = {"abroad": abroad, "buy": 0, "run": run, "recep": recep}
    return e


def _map_basic(unit: Unit) -> None:
    """Spread the basic (economic) budget over function 项 like real ones do."""
    e, admin = unit.econ, unit.uid.admin
    mapped = {
        "2080505": e.get("30108", 0),
        "2080506": e.get("30109", 0),
        "2210201": e.get("30113", 0),
        ("2080501" if admin else "2080502"): e.get("30301", 0) + e.get("30302", 0),
    }
    if admin:
        mapped["2101101"] = e.get("30110", 0)
        mapped["2101103"] = e.get("30111", 0)
    else:
        mapped["2101102"] = e.get("30110", 0) + e.get("30111", 0)
    for code, value in mapped.items():
        if value:
            unit.items[code].basic += value
    unit.items[unit.uid.main_item].basic += sum(e.values()) - sum(mapped.values())


ROUND_AMOUNTS = (2, 3, 5, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100, 120, 150, 200, 300)


def _projects(rng: Random, unit: Unit, kind: DeptKind) -> None:
    n = rng.choice((0, 1, 1, 2, 2, 3, 3, 4, 5) if unit.uid.admin else (0, 0, 1, 1, 2, 3))
    scale = 1 if unit.staff < 30 else 2
    for project in rng.sample(kind.projects, min(n, len(kind.projects))):
        amount = rng.choice(ROUND_AMOUNTS) * scale * WAN if rng.random() < 0.55 else _wan(rng, 1, 250)
        code = unit.uid.main_item if rng.random() < 0.15 else project.code
        unit.items[code].proj += amount
        unit.projects.append((project.name, amount, project.activity))
    if rng.random() < 0.04:
        buy = _wan(rng, 15, 30)
        unit.items[unit.uid.main_item].proj += buy
        unit.sangong["buy"] = buy
        unit.projects.append(("公务用车购置经费", buy, "公务用车更新购置"))


def _other_and_carry(rng: Random, unit: Unit) -> None:
    if not unit.uid.admin and rng.random() < 0.2:
        other = _wan(rng, 5, 150)
        unit.items[unit.uid.main_item].other += other
        unit.projects.append((f"{unit.uid.name}事业收入安排项目", other, "事业收入安排的业务活动"))
    if rng.random() < 0.3:
        funded = sorted(c for c, it in unit.items.items() if it.proj > 0) or [unit.uid.main_item]
        for code in rng.sample(funded, min(len(funded), rng.choice((1, 1, 2)))):
            item = unit.items[code]
            item.carry = min(item.fiscal, _share(rng, item.fiscal, 0.05, 0.5))


def make_units(ident: Identity, rng: Random) -> list[Unit]:
    """Figures of every unit of the department."""
    units = []
    for uid in ident.units:
        unit = Unit(uid, rng.randint(6, 45) if uid.admin else rng.randint(4, 70))
        personnel = _personnel(rng, unit.staff, uid.admin)
        wages = sum(v for c, v in personnel.items() if c in ("30101", "30102", "30103", "30107"))
        unit.econ = {**personnel, **_public(rng, unit, ident, wages)}
        _map_basic(unit)
        _projects(rng, unit, ident.kind)
        _other_and_carry(rng, unit)
        units.append(unit)
    return units


# --------------------------------------------------------------------------- tables


def fmt(yuan: int) -> str:
    """Yuan -> printed 万元 with 2 decimals, rounded half up; 0 prints empty."""
    if yuan == 0:
        return ""
    c = (yuan + 50) // 100
    return f"{c // 100}.{c % 100:02d}"


def fmt_cents(value: int) -> str:
    """Hundredths of 万元 -> printed amount."""
    return f"{value // 100}.{value % 100:02d}"


def _tree(leaves: dict[str, tuple[int, ...]], levels: tuple[int, ...], namer) -> list[list[str]]:
    width = len(next(iter(leaves.values())))
    sums: dict[str, list[int]] = {}
    total = [0] * width
    for code, vals in leaves.items():
        if not any(vals):
            continue
        for key in {code[:n] for n in levels}:
            acc = sums.setdefault(key, [0] * width)
            for k, v in enumerate(vals):
                acc[k] += v
        for k, v in enumerate(vals):
            total[k] += v
    rows = [["1", "", "合计", *map(fmt, total)]]
    for code in sorted(sums):
        rows.append([str(len(rows) + 1), code, namer(code), *map(fmt, sums[code])])
    return rows


def _function_sheets(scope: tuple[str, str, str], items: dict[str, Item], year: int) -> list[Sheet]:
    def namer(code: str) -> str:
        return function_name(code, year)

    inc, out, gp = {}, {}, {}
    for code, it in items.items():
        a = it.fiscal - it.carry
        inc[code] = (it.total, a + it.other, a, 0, it.other, 0, 0, 0, 0, it.carry)
        out[code] = (it.total, it.basic, it.proj + it.other, 0, 0, 0)
        gp[code] = (it.fiscal, it.basic, it.proj)
    levels = (3, 5, 7)
    return [
        Sheet(*scope, IN, _tree(inc, levels, namer)),
        Sheet(*scope, OUT, _tree(out, levels, namer)),
        Sheet(*scope, GP, _tree(gp, levels, namer)),
    ]


def _basic_sheet(scope: tuple[str, str, str], econ: dict[str, int]) -> Sheet:
    leaves = {}
    for code, v in econ.items():
        personnel = code[:3] in PERSONNEL_CLASSES
        leaves[code] = (v, v if personnel else 0, 0 if personnel else v)
    return Sheet(*scope, BAS, _tree(leaves, (3, 5), ECONOMIC_SUBJECTS.__getitem__))


INCOME_ROWS = (
    "一、一般公共预算拨款收入",
    "二、政府性基金预算拨款收入",
    "三、国有资本经营预算拨款收入",
    "四、财政专户管理资金收入",
    "五、事业收入",
    "六、事业单位经营收入",
    "七、上级补助收入",
    "八、附属单位上缴收入",
    "九、其他收入",
)
CZ_INCOME_ROWS = ("一、一般公共预算拨款", "二、政府性基金预算拨款", "三、国有资本经营预算拨款")


def _totals(items: dict[str, Item]) -> dict[str, int]:
    out = defaultdict(int)
    for code, it in items.items():
        out["A"] += it.fiscal - it.carry
        out["O"] += it.other
        out["C"] += it.carry
        out["T"] += it.total
        out["F"] += it.fiscal
        out["T" + code[:3]] += it.total
        out["F" + code[:3]] += it.fiscal
    return out


def _sz_sheet(scope: tuple[str, str, str], t: dict[str, int], year: int) -> Sheet:
    rows = []
    for k, (label, code) in enumerate(class_rows(year)):
        income = {0: t["A"], 4: t["O"]}.get(k, 0)
        spend = fmt(t["T" + code]) if code else ""
        rows.append([str(k + 1), INCOME_ROWS[k] if k < 9 else "", fmt(income), label, spend])
    n = len(rows)
    rows += [
        [str(n + 1), "本年收入合计", fmt(t["A"] + t["O"]), "本年支出合计", fmt(t["T"])],
        [str(n + 2), "上年结转结余", fmt(t["C"]), "年终结转结余", ""],
        [str(n + 3), "收入总计", fmt(t["A"] + t["O"] + t["C"]), "支出总计", fmt(t["T"])],
    ]
    return Sheet(*scope, SZ, rows)


def _cz_sheet(scope: tuple[str, str, str], t: dict[str, int], year: int) -> Sheet:
    rows = []
    for k, (label, code) in enumerate(class_rows(year)):
        income = t["A"] if k == 0 else 0
        spend = fmt(t["F" + code]) if code else ""
        rows.append([str(k + 1), CZ_INCOME_ROWS[k] if k < 3 else "", fmt(income), label, spend, spend, "", ""])
    n, total = len(rows), fmt(t["F"])
    rows += [
        [str(n + 1), "本年收入合计", fmt(t["A"]), "本年支出合计", total, total, "", ""],
        [str(n + 2), "年初财政拨款结转和结余", fmt(t["C"]), "年末财政拨款结转和结余", "", "", "", ""],
        [str(n + 3), CZ_INCOME_ROWS[0], fmt(t["C"]), "", "", "", "", ""],
        [str(n + 4), CZ_INCOME_ROWS[1], "", "", "", "", "", ""],
        [str(n + 5), CZ_INCOME_ROWS[2], "", "", "", "", "", ""],
        [str(n + 6), "收入总计", fmt(t["A"] + t["C"]), "支出总计", total, total, "", ""],
    ]
    return Sheet(*scope, CZ, rows)


SANGONG_ROWS = {
    "A": (
        ("合计", "total"),
        ("“三公”经费小计", "total"),
        ("一、因公出国（境）费", "abroad"),
        ("    其中：教学科研人员因公出国（境）费", "teach"),
        ("          其他因公出国（境）费", "abroad"),
        ("二、公务用车购置及运维费", "car"),
        ("    其中：公务用车购置费", "buy"),
        ("          公务用车运行维护费", "run"),
        ("三、公务接待费", "recep"),
    ),
    "B": (
        ("合计", "total"),
        ("一、因公出国（境）费", "abroad"),
        ("二、公务用车购置及运维费", "car"),
        ("    其中：公务用车购置费", "buy"),
        ("          公务用车运行维护费", "run"),
        ("三、公务接待费", "recep"),
    ),
}


def _sg_sheet(scope: tuple[str, str, str], sg: dict[str, int], variant: str) -> Sheet:
    values = dict(sg, teach=0, car=sg["buy"] + sg["run"])
    values["total"] = values["abroad"] + values["car"] + sg["recep"]
    rows = [
        [str(k + 1), label, fmt(values[key]), fmt(values[key]), "", ""]
        for k, (label, key) in enumerate(SANGONG_ROWS[variant])
    ]
    return Sheet(*scope, SG, rows)


def scope_sheets(scope: str, code: str, name: str, units: list[Unit], ident: Identity) -> list[Sheet]:
    """The nine printed tables of a department (all units) or of one unit."""
    items: dict[str, Item] = defaultdict(Item)
    econ: dict[str, int] = defaultdict(int)
    sangong: dict[str, int] = defaultdict(int)
    for unit in units:
        for c, it in unit.items.items():
            acc = items[c]
            acc.basic, acc.proj = acc.basic + it.basic, acc.proj + it.proj
            acc.other, acc.carry = acc.other + it.other, acc.carry + it.carry
        for c, v in unit.econ.items():
            econ[c] += v
        for c, v in unit.sangong.items():
            sangong[c] += v
    key = (scope, code, name)
    totals = _totals(items)
    fn_in, fn_out, fn_gp = _function_sheets(key, items, ident.year)
    empty = [["", "", "", "", "", ""]]
    return [
        _sz_sheet(key, totals, ident.year),
        fn_in,
        fn_out,
        _cz_sheet(key, totals, ident.year),
        fn_gp,
        _basic_sheet(key, econ),
        Sheet(*key, GF, list(empty)),
        Sheet(*key, SOE, list(empty)),
        _sg_sheet(key, sangong, ident.sangong_variant),
    ]


# --------------------------------------------------------------------------- roundings / errors


def _line_label(sheet: Sheet, row: list[str], col: int) -> str:
    if sheet.kind in TREE_KINDS:
        return f"{row[1]} {row[2]}".strip()
    if sheet.kind in (SZ, CZ):
        return norm(row[1] if col == 2 else row[3]) or norm(row[1])
    return norm(row[1])


def _find_row(sheets: list[Sheet], title: str, code: str, seq: str) -> tuple[Sheet, list[str]] | None:
    for sheet in sheets:
        if sheet.title == title and sheet.code == code:
            return next(((sheet, r) for r in sheet.rows if r[0] == seq), None)
    return None


def _cell_record(v: tuple, sheets: list[Sheet]) -> dict:
    ident, title, code, seq, col, printed, expected = v
    found = _find_row(sheets, title, code, seq) if title != "正文" else None
    label = _line_label(*found, col) if found else seq
    return {
        "identity": ident,
        "table_title": title,
        "unit_code": code,
        "row_seq": int(seq) if seq.isdigit() else None,
        "column_no": col or None,
        "line_label": label,
        "printed": fmt_cents(printed),
        "sum_of_parts": fmt_cents(expected),
    }


def _rounding_options(units: list[Unit]) -> list[tuple[str, Unit, list[str]]]:
    options = []
    for unit in units:
        groups: dict[str, list[str]] = defaultdict(list)
        for code in sorted(unit.items):
            if unit.items[code].proj > 0:
                groups[code[:5]].append(code)
        options += [("parts", unit, codes[:2]) for codes in groups.values() if len(codes) >= 2]
        options += [
            ("row_total", unit, [c]) for c in sorted(unit.items) if unit.items[c].basic > 0 and unit.items[c].proj > 0
        ]
        pension = unit.items.get("2080506")
        if unit.econ.get("30109") and pension is not None and pension.basic:
            options.append(("parts_basic", unit, ["2080505", "2080506"]))
    return options


def inject_rounding(rng: Random, units: list[Unit]) -> dict | None:
    """Add +0.004 万元 to two unrounded amounts of one unit (see module doc)."""
    options = _rounding_options(units)
    if not options:
        return None
    kind = rng.choice(sorted({o[0] for o in options}))
    _, unit, codes = rng.choice([o for o in options if o[0] == kind])
    items = unit.items
    if kind == "parts":
        for code in codes:
            items[code].proj += 40
        what = f"款 {codes[0][:5]} 项目支出 = rounded Σ of unrounded 项 {', '.join(codes)} (each +0.004)"
    elif kind == "row_total":
        items[codes[0]].basic += 40
        items[codes[0]].proj += 40
        unit.econ["30201"] = unit.econ.get("30201", 0) + 40
        what = f"项 {codes[0]} 合计 = rounded(基本+项目) with both parts +0.004"
    else:
        for code, econ in zip(codes, ("30108", "30109"), strict=True):
            items[code].basic += 40
            unit.econ[econ] += 40
        what = "款 20805 / 经济类 301 基本支出 = rounded Σ of unrounded parts (2080505, 2080506 each +0.004)"
    return {"unit_code": unit.uid.code, "kind": kind, "subjects": codes, "description": what}


def _perturb(rng: Random, value: int) -> int:
    digits = str(value)
    swaps = [k for k in range(len(digits) - 1) if digits[k] != digits[k + 1]]
    roll = rng.random()
    if roll < 0.4 and swaps:
        k = rng.choice(swaps)
        new = int(digits[:k] + digits[k + 1] + digits[k] + digits[k + 2 :])
    elif roll < 0.55 and len(digits) >= 4:
        k = rng.randrange(len(digits) - 2)
        new = int(digits[:k] + digits[k + 1 :])
    else:
        new = value + rng.choice((-1, 1)) * rng.choice((10, 100, 1000, 10000)) * rng.randint(1, 9)
    return new if new > 0 and abs(new - value) > 5 else value + 100


def _describe(where: str, original: int, printed: int, broken: list[tuple]) -> str:
    kinds = []
    for v in broken:
        if v[1] == "正文":
            text = f"{IDENTITY_TEXT[v[0]]} [正文 {v[3]} = 部门{NARRATIVE_SOURCES[v[3]]} {fmt_cents(v[6])}]"
        else:
            text = f"{IDENTITY_TEXT[v[0]]} [{v[1]} {v[2]} 序号{v[3]} 栏{v[4]}]"
        if text not in kinds:
            kinds.append(text)
    return (
        f"{where}: printed {fmt_cents(printed)} instead of {fmt_cents(original)}; breaks "
        + "; ".join(kinds[:6])
        + (f"; +{len(kinds) - 6} more" if len(kinds) > 6 else "")
    )


def _error_target(rng: Random, sheets: list[Sheet], figures: dict[str, int]):
    if rng.random() < 0.2:
        labels = sorted(k for k, v in figures.items() if v > 0)
        return None, None, 0, rng.choice(labels)
    cells = [
        (s, r, c)
        for s in sheets
        if s.kind not in EMPTY_KINDS
        for r in s.rows
        for c in AMOUNT_COLS[s.kind]
        if cents(r[c]) > 0
    ]
    sheet, row, col = rng.choice(cells)
    return sheet, row, col, None


def inject_error(rng: Random, sheets: list[Sheet], figures: dict[str, int], dept_code: str) -> dict:
    """Change one printed number so that at least one identity breaks by > 0.05."""
    before = set(violations(sheets, figures))
    if before:
        raise AssertionError(f"document not clean before error injection: {sorted(before)[:3]}")
    while True:
        sheet, row, col, label = _error_target(rng, sheets, figures)
        original = figures[label] if label else cents(row[col])
        printed = _perturb(rng, original)
        if label:
            figures[label] = printed
        else:
            row[col] = fmt_cents(printed)
        broken = violations(sheets, figures)
        if any(abs(v[5] - v[6]) > 5 for v in broken):
            break
        if label:
            figures[label] = original
        else:
            row[col] = fmt_cents(original)
    if label:
        record = {
            "kind": "narrative",
            "table_title": None,
            "unit_code": dept_code,
            "row_seq": None,
            "column_no": None,
            "line_label": label,
        }
        where = f"正文 figure {label}"
    else:
        record = {
            "kind": "table_cell",
            "table_title": sheet.title,
            "unit_code": sheet.code,
            "row_seq": int(row[0]),
            "column_no": col,
            "line_label": _line_label(sheet, row, col),
        }
        where = f"{sheet.title} {sheet.code} 序号{row[0]} 栏{col} ({record['line_label']})"
    record.update(
        original=fmt_cents(original),
        printed=fmt_cents(printed),
        description=_describe(where, original, printed, broken),
        breaks=[list(v[:5]) for v in broken],
    )
    return record


# --------------------------------------------------------------------------- narrative


def narrative_figures(dept: list[Sheet]) -> dict[str, int]:
    """Headline figures quoted in the narrative (hundredths of 万元)."""
    figures = headline({s.kind: s for s in dept})
    for optional in ("事业收入", "上年结转结余"):
        if not figures[optional]:
            del figures[optional]
    return figures


def _dept_projects(units: list[Unit]) -> list[tuple[str, int, str]]:
    merged: dict[str, list] = {}
    for unit in units:
        for name, amount, activity in unit.projects:
            merged.setdefault(name, [name, 0, activity])[1] += amount
    return [(n, (a + 50) // 100, act) for n, a, act in merged.values()]


def _purchases(rng: Random, units: list[Unit]) -> list[tuple[str, str, str, int, int, int]]:
    out = []
    for name, code, unit_name in rng.sample(PURCHASE_ITEMS, rng.choice((0, 1, 2, 3, 4))):
        service = code.startswith("C")
        qty = 1 if service else rng.randint(1, 6 * len(units))
        price = rng.randint(10, 500) if service else rng.randint(1, 60)
        out.append((name, code, unit_name, qty, price, qty * price))
    return out


def _assets(rng: Random, units: list[Unit], purchases: list) -> dict[str, int]:
    """Fixed assets of last year-end (hundredths of 万元)."""
    staff = sum(u.staff for u in units)
    cars = sum(u.cars for u in units)
    area = staff * rng.randint(25, 60)
    office_area = int(area * rng.uniform(0.5, 0.9))
    house = _wan(rng, 0.1, 0.5) * area // 100 // 100
    return {
        "area": area,
        "office_area": office_area,
        "house": house,
        "office": house * office_area // area,
        "n_cars": cars,
        "cars": cars * _wan(rng, 12, 25) // 100,
        "n_other": staff * rng.randint(3, 9),
        "other": _wan(rng, 0.3, 1.2) * staff // 100,
        "purchase": sum(p[5] for p in purchases if p[1].startswith("A")),
    }


def narrative_context(
    ident: Identity, units: list[Unit], figures: dict[str, int], rng: Random, table_bytes: int, compact: bool = False
) -> Context:
    """Inputs of the narrative; the size budget decides how much filler text."""
    projects = _dept_projects(units)
    public = sorted({c for u in units for c in u.econ if c[:3] not in PERSONNEL_CLASSES})
    total, basic = figures["支出预算"], figures["基本支出"]
    prev_total = round(total * rng.uniform(0.82, 1.18))
    prev_basic = round(basic * rng.uniform(0.88, 1.1))
    purchases = _purchases(rng, units)
    assets = _assets(rng, units, purchases)
    room = ident.target_bytes - table_bytes - 12_000
    n_perf = 0 if compact else max(1, min(len(projects), room // 1_500))
    extra = -2 if compact else max(0, min(8, (room - n_perf * 1_500) // 450))
    abbr = ident.kind.abbr if ident.level == "province" else ident.lvl + ident.kind.abbr
    return Context(
        layout=ident.layout,
        dept=ident.dept_name,
        abbr=abbr,
        year=ident.year,
        lvl=ident.lvl,
        duties=ident.kind.duties,
        units=[(u.uid.name, u.uid.nature, u.uid.grade, u.uid.funding) for u in units],
        projects=projects,
        public_items=[ECONOMIC_SUBJECTS[c] for c in public],
        figures=figures,
        prev={
            "total": total - prev_total,
            "basic": basic - prev_basic,
            "project": (total - prev_total) - (basic - prev_basic),
            "sangong": rng.choice((0, 0, 1, -1)) * _wan(rng, 0.01, 0.5) // 100,
        },
        purchases=purchases,
        assets=assets,
        n_perf=n_perf,
        extra_goals=extra,
        compact=compact,
        rng=rng,
    )


# --------------------------------------------------------------------------- assembly


def _join_pages(pages: list[list[str]], first: bool) -> str:
    """Pages start with a space (two on the first page); chunks are blank-line separated."""
    return "\n".join(("  " if first and i == 0 else " ") + "\n\n".join(p) for i, p in enumerate(pages))


def pdf_frame(ident: Identity, dept: list[Sheet], units: list[list[Sheet]]) -> tuple[str, str]:
    """Department tables (ending with the 第一部分 line) and unit section, PDF layout."""
    pages: list[list[str]] = []
    for sheet in dept:
        pages += pdf_table_pages(sheet, ident.year, [f"{sheet.title} "])
    pages[-1].append(f"第一部分  {ident.dept_name} {ident.year} 年部门预算信息公开情况说明")
    tail: list[list[str]] = [["第二部分  部门所属单位预算"]]
    for sheets in units:
        for k, sheet in enumerate(sheets):
            lead = [f"{sheet.name}收支预算 ", f"{sheet.title} "] if k == 0 else [f"{sheet.title} "]
            tail += pdf_table_pages(sheet, ident.year, lead, PAGE_ROWS - 2 if k == 0 else PAGE_ROWS)
    return _join_pages(pages, True), _join_pages(tail, False) + "\n"


def _docx_tables(sheets: list[Sheet], year: int, bookmark, plain_first: bool) -> str:
    parts: list[str] = []
    for k, sheet in enumerate(sheets):
        title = " " + sheet.title if plain_first and k == 0 else f"[bookmark: _Toc{bookmark()}]{sheet.title}"
        if parts:
            parts.append("\n" if sheets[k - 1].kind in EMPTY_NOTES else "\n\n\n\n")
        parts.append(docx_table(sheet, year, title))
    return "".join(parts)


def docx_frame(ident: Identity, dept: list[Sheet], units: list[list[Sheet]]) -> tuple[str, str]:
    """Department tables (ending with the 第一部分 line) and unit section, DOCX layout.

    Bookmark numbers increase through the document: tables of the department
    from ``bookmark_base``, the narrative from +100, the units from +200.
    """
    head_marks = itertools.count(ident.bookmark_base)
    tail_marks = itertools.count(ident.bookmark_base + 200)
    head = _docx_tables(dept, ident.year, head_marks.__next__, True)
    part1 = f"第一部分  {ident.dept_name}{ident.year}年部门预算信息公开情况说明"
    tail = "\n\n\n".join(
        f"{s[0].name}收支预算\n" + _docx_tables(s, ident.year, tail_marks.__next__, False) for s in units
    )
    return f"{head}\n\n\n{part1}", f"第二部分  部门所属单位预算\n{tail}\n"


def assemble(ident: Identity, frame: tuple[str, str], blocks: list[tuple]) -> str:
    """Insert the narrative between the department tables and the unit section."""
    head, tail = frame
    if ident.layout == "pdf_text":
        return f"{head}\n{_join_pages(pdf_narrative_lines(blocks), False)}\n{tail}"
    marks = itertools.count(ident.bookmark_base + 100)
    return f"{head}\n{docx_narrative(blocks, marks.__next__)}\n{tail}"


# --------------------------------------------------------------------------- documents


@dataclass
class Built:
    """One generated document with its manifest entries."""

    index: int
    name: str
    data: bytes
    meta: dict
    errors: list[dict]
    roundings: list[dict]


def build_document(seed: int, index: int, rev: int = 0) -> Built:
    """Generate document ``index``; ``rev`` > 0 changes its figures only."""
    ident = make_identity(seed, index)
    rng = Random(f"budgetwh:{seed}:{index}:fig:{rev}")
    units = make_units(ident, rng)
    rounding = inject_rounding(rng, units) if ident.flag == "rounding" else None
    dept = scope_sheets("部门", ident.dept_code, ident.dept_name, units, ident)
    per_unit = [scope_sheets("单位", u.uid.code, u.uid.name, [u], ident) for u in units]
    sheets = dept + [s for group in per_unit for s in group]
    figures = narrative_figures(dept)
    roundings, errors = [], []
    if rounding:
        cells = violations(sheets, figures)
        assert all(abs(v[5] - v[6]) == 1 for v in cells), cells
        if cells:
            rounding["cells"] = [_cell_record(v, sheets) for v in cells]
            roundings.append(rounding)
    if ident.flag == "error":
        errors.append(inject_error(rng, sheets, figures, ident.dept_code))
    frame = (pdf_frame if ident.layout == "pdf_text" else docx_frame)(ident, dept, per_unit)
    size = len(frame[0].encode("utf-8")) + len(frame[1].encode("utf-8"))
    for compact in (False, True):
        text_rng = Random(f"budgetwh:{seed}:{index}:text:{rev}")
        blocks = build(narrative_context(ident, units, figures, text_rng, size, compact))
        data = assemble(ident, frame, blocks).encode("utf-8")
        if len(data) <= MAX_BYTES:
            break
    name = f"{index:06d}_{hashlib.sha256(data).hexdigest()[:16]}.txt"
    errors = [{"file": name, **r} for r in errors]
    roundings = [{"file": name, **r} for r in roundings]
    meta = {
        "file": name,
        "layout": ident.layout,
        "region": ident.region,
        "region_level": ident.level,
        "department": ident.dept_name,
        "department_code": ident.dept_code,
        "department_kind": ident.kind.name,
        "fiscal_year": ident.year,
        "units": [{"code": u.code, "name": u.name} for u in ident.units],
        "bytes": len(data),
    }
    return Built(index, name, data, meta, errors, roundings)


# --------------------------------------------------------------------------- corpus


def _work(seed: int, out: str, jobs: list[tuple[int, int]]) -> list[tuple]:
    results = []
    for index, rev in jobs:
        built = build_document(seed, index, rev)
        (Path(out) / built.name).write_bytes(built.data)
        base = build_document(seed, index, 0).name if rev else None
        results.append((built.index, built.meta, built.errors, built.roundings, base))
    return results


def _changed(n: int, count: int, base_seed: int, change_seed: int) -> list[int]:
    return sorted(Random(f"budgetwh:changed:{base_seed}:{change_seed}").sample(range(n), count))


def generate(n: int, seed: int, out: Path, jobs: int, changed: list[int], change_seed: int | None) -> dict:
    """Write the corpus and its manifest; returns the manifest."""
    out.mkdir(parents=True, exist_ok=True)
    plan = [(i, 1 if i in set(changed) else 0) for i in range(n)]
    chunks = [plan[k : k + 64] for k in range(0, n, 64)]
    work = partial(_work, seed, str(out))
    if jobs > 1:
        with Pool(jobs) as pool:
            results = [r for part in pool.imap(work, chunks) for r in part]
    else:
        results = [r for part in map(work, chunks) for r in part]
    results.sort(key=lambda r: r[0])
    manifest = {
        "seed": seed,
        "n": n,
        "generator_version": GENERATOR_VERSION,
        "documents": [r[1] for r in results],
        "errors": [e for r in results for e in r[2]],
        "roundings": [x for r in results for x in r[3]],
    }
    if changed:
        manifest["changed"] = {
            "change_seed": change_seed,
            "count": len(changed),
            "documents": [{"index": r[0], "file": r[1]["file"], "base_file": r[4]} for r in results if r[4]],
        }
    keep = {d["file"] for d in manifest["documents"]}
    for stale in out.iterdir():
        if FILE_RE.match(stale.name) and stale.name not in keep:
            stale.unlink()
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


# --------------------------------------------------------------------------- check


def _check_one(out: str, doc: dict, expected: set) -> list[str]:
    from reader import parse  # only needed by --check

    path = Path(out) / doc["file"]
    data = path.read_bytes()
    problems = []
    if len(data) != doc["bytes"] or not doc["file"].endswith(hashlib.sha256(data).hexdigest()[:16] + ".txt"):
        problems.append(f"{doc['file']}: size/hash mismatch")
    sheets, figures = parse(data.decode("utf-8"))
    codes = {s.code for s in sheets}
    want = {u["code"] for u in doc["units"]} | {doc["department_code"]}
    if codes != want or len(sheets) != len(KINDS) * len(want):
        problems.append(f"{doc['file']}: tables {len(sheets)} for {sorted(codes)}, expected {sorted(want)}")
    found = {tuple(v[:5]) for v in violations(sheets, figures)}
    if found != expected:
        problems.append(
            f"{doc['file']}: unexpected {sorted(found - expected)[:3]} missing {sorted(expected - found)[:3]}"
        )
    return problems


def _expected_breaks(manifest: dict) -> dict[str, set]:
    expected: dict[str, set] = defaultdict(set)
    for err in manifest["errors"]:
        expected[err["file"]] |= {tuple(b) for b in err["breaks"]}
    for rnd in manifest["roundings"]:
        for cell in rnd["cells"]:
            assert abs(cents(cell["printed"]) - cents(cell["sum_of_parts"])) == 1, cell
            seq = cell["row_seq"] if cell["row_seq"] is not None else cell["line_label"]
            expected[rnd["file"]].add(
                (cell["identity"], cell["table_title"], cell["unit_code"], str(seq), cell["column_no"] or 0)
            )
    return expected


def _check_chunk(out: str, items: list[tuple[dict, set]]) -> list[str]:
    return [p for doc, exp in items for p in _check_one(out, doc, exp)]


def check(out: Path, jobs: int) -> int:
    """Re-read every file and compare the failing identities with the manifest."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    expected = _expected_breaks(manifest)
    for err in manifest["errors"]:
        assert abs(cents(err["printed"]) - cents(err["original"])) > 5, err
    items = [(d, expected.get(d["file"], set())) for d in manifest["documents"]]
    chunks = [items[k : k + 64] for k in range(0, len(items), 64)]
    work = partial(_check_chunk, str(out))
    if jobs > 1:
        with Pool(jobs) as pool:
            problems = [p for part in pool.imap(work, chunks) for p in part]
    else:
        problems = [p for part in map(work, chunks) for p in part]
    for problem in problems[:20]:
        print("CHECK FAILED", problem, file=sys.stderr)
    print(
        f"checked {len(items)} documents, {len(manifest['errors'])} errors, "
        f"{len(manifest['roundings'])} roundings: {'OK' if not problems else f'{len(problems)} problems'}"
    )
    return 1 if problems else 0


# --------------------------------------------------------------------------- CLI


def _args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, help="number of documents")
    p.add_argument("--seed", type=int, help="corpus seed (with --changed: which documents change)")
    p.add_argument("--out", type=Path, required=True, help="output directory")
    p.add_argument("--base-seed", type=int, help="seed of the corpus that --changed modifies")
    p.add_argument("--changed", type=int, default=0, help="number of documents whose figures change")
    p.add_argument("--jobs", type=int, default=0, help="worker processes (default: all CPUs)")
    p.add_argument("--check", action="store_true", help="verify DIR against its manifest")
    args = p.parse_args(argv)
    if args.n is None and not args.check:
        p.error("--n is required unless only --check is given")
    if args.n is not None and args.seed is None and args.base_seed is None:
        p.error("--seed (or --base-seed with --changed) is required")
    if args.changed and args.base_seed is None:
        p.error("--changed needs --base-seed")
    return args


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    args = _args(argv)
    jobs = args.jobs or os.cpu_count() or 1
    if args.n is not None:
        seed = args.base_seed if args.changed else args.seed
        change_seed = args.seed if args.seed is not None else 1
        changed = _changed(args.n, args.changed, seed, change_seed) if args.changed else []
        start = time.perf_counter()
        manifest = generate(args.n, seed, args.out, jobs, changed, change_seed if changed else None)
        took = time.perf_counter() - start
        size = sum(d["bytes"] for d in manifest["documents"])
        print(
            f"wrote {args.n} documents ({size / 1e6:.1f} MB) to {args.out} in {took:.1f}s "
            f"({args.n / took:.0f} docs/s); {len(manifest['errors'])} errors, "
            f"{len(manifest['roundings'])} roundings"
        )
    return check(args.out, jobs) if args.check else 0


if __name__ == "__main__":
    sys.exit(main())
