"""A 预算 derived from a real 决算, for the rules that link a budget to its final accounts.

No 预算 and 决算 of the same department and year exist among the samples or
`../shared/realdocs/`. 上海市普陀区规划和自然资源局's 2024 决算 states, for each 项 of its
一般公共预算财政拨款支出, the 年初预算 it was given (pp. 22–23, read by eye: 年初预算为A万元，支出决算为B
万元): that is the budget the department published for 2024. This prints it as the
一般公共预算支出预算表 of a 2024 部门预算, with codes and names as the 决算's table (p. 14)
prints them and 类/款 lines the sums of their 项.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pymupdf

DEPARTMENT = "上海市普陀区规划和自然资源局"
# (code, name, 年初预算) for each 项, as the 决算 states it (p. 22–23)
ITEMS = (
    ("2080501", "行政单位离退休", "54.53"),
    ("2080502", "事业单位离退休", "28.11"),
    ("2080505", "机关事业单位基本养老保险缴费支出", "452.40"),
    ("2080506", "机关事业单位职业年金缴费支出", "226.25"),
    ("2080599", "其他行政事业单位养老支出", "0.88"),
    ("2101101", "行政单位医疗", "42.73"),
    ("2101102", "事业单位医疗", "196.40"),
    ("2120101", "行政运行", "1115.48"),
    ("2120201", "城乡社区规划与管理", "3110.14"),
    ("2200150", "事业运行", "4477.33"),
    ("2200199", "其他自然资源事务支出", "45.00"),
    ("2210201", "住房公积金", "289.59"),
    ("2210203", "购房补贴", "171.49"),
)
PARENTS = {
    "208": "社会保障和就业支出", "20805": "行政事业单位养老支出", "210": "卫生健康支出",
    "21011": "行政事业单位医疗", "212": "城乡社区支出", "21201": "城乡社区管理事务",
    "21202": "城乡社区规划与管理", "220": "自然资源海洋气象等支出", "22001": "自然资源事务",
    "221": "住房保障支出", "22102": "住房改革支出",
}  # fmt: skip
FONT = "china-s"


def budget_lines(changes: dict[str, str] | None = None) -> list[tuple[str, str, Decimal]]:
    """The table's lines in print order: 类, 款, 项 with amounts (项 as stated, parents summed)."""
    items = {code: Decimal((changes or {}).get(code, amount)) for code, _, amount in ITEMS}
    names = {code: name for code, name, _ in ITEMS} | PARENTS
    codes = sorted(set(items) | {c[:3] for c in items} | {c[:5] for c in items})
    return [(c, names[c], sum(v for k, v in items.items() if k.startswith(c))) for c in codes]


def budget_pdf(out: Path, changes: dict[str, str] | None = None) -> Path:
    """Write the derived 2024 预算 (a cover line and one table) to `out`."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((72, 90), f"{DEPARTMENT}2024年度部门预算", fontname=FONT, fontsize=16)
    page.insert_text((72, 130), "一、部门预算情况说明", fontname=FONT, fontsize=11)
    page = doc.new_page(width=842, height=595)
    page.insert_text((300, 50), "一般公共预算支出预算表", fontname=FONT, fontsize=14)
    page.insert_text((40, 75), f"编制部门：{DEPARTMENT}", fontname=FONT, fontsize=9)
    page.insert_text((720, 75), "单位：万元", fontname=FONT, fontsize=9)
    cols = (40, 160, 560, 800)  # 科目编码 | 科目名称 | 合计
    y = 100.0
    page.draw_line((cols[0], y - 14), (cols[-1], y - 14))
    page.insert_text((cols[0] + 4, y), "科目编码", fontname=FONT, fontsize=9)
    page.insert_text((cols[1] + 4, y), "科目名称", fontname=FONT, fontsize=9)
    page.insert_text((cols[2] + 100, y), "合计", fontname=FONT, fontsize=9)
    lines = budget_lines(changes)
    total = sum(amount for code, _, amount in lines if len(code) == 3)
    for code, name, amount in [*lines, ("", "合计", total)]:
        page.draw_line((cols[0], y + 5), (cols[-1], y + 5))
        y += 18
        page.insert_text((cols[0] + 4, y), code, fontname="helv", fontsize=9)
        page.insert_text((cols[1] + 4, y), name, fontname=FONT, fontsize=9)
        text = f"{amount:.2f}"
        page.insert_text((cols[3] - 6 - pymupdf.get_text_length(text, "helv", 9), y), text, fontname="helv", fontsize=9)
    page.draw_line((cols[0], y + 5), (cols[-1], y + 5))
    for x in cols:
        page.draw_line((x, 86), (x, y + 5))
    doc.save(out)
    return out
