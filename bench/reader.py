"""Tiny reader of budget tables and headline figures from extracted text.

Independent of the generator's rendering code: it only knows the two text
layouts (PDF-extracted: space separated rows with wrapped cells and repeated
page headers; DOCX-extracted: one TAB-prefixed line per cell) and the table
titles.  Used by ``generate.py --check``; also reads raw/000 and raw/001.
"""

from __future__ import annotations

import re

from balances import KINDS, NCOLS, SG, Sheet, cents

_KIND_ALT = "|".join(re.escape(k) for k, _ in sorted(KINDS, key=lambda k: -len(k[0])))
TITLE_RE = re.compile(rf"^(?:\[bookmark: [^\]]*\])*\s*(部门|单位)预算({_KIND_ALT})\s*$")
PDF_UNIT_RE = re.compile(r"^ ?(\d+) (\S+) 预算年度：\d{4} 单位：万元 $")
PDF_STOP = ("注：", "第一部分", "第二部分")
NUM = r"([\d.]+)万元"
NARRATIVE_RES = {
    "预算收入": "年预算收入" + NUM,
    "一般公共预算收入": "其中：一般公共预算收入" + NUM,
    "事业收入": "，事业收入" + NUM,
    "上年结转结余": "，上年结转结余" + NUM,
    "支出预算": "年支出预算" + NUM,
    "基本支出": "其中基本支出" + NUM,
    "人员经费": "包括人员经费" + NUM,
    "日常公用经费": "和日常公用经费" + NUM,
    "项目支出": "；项目支出" + NUM,
    "机关运行经费": "运行经费共计安排" + NUM,
    "三公经费": "“三公”经费预算安排" + NUM,
    "因公出国（境）费": "其中因公出国（境）费" + NUM,
    "公务用车购置及运维费": "；公务用车购置及运维费" + NUM,
    "公务用车购置费": "公务用车购置费为" + NUM,
    "公务用车运行费": "公务用车运[行维]费" + NUM,
    "公务接待费": "；公务接待费" + NUM,
}


def _pdf_cells(kind: str, text: str) -> list[str]:
    body = text[:-1] if text.endswith(" ") else text
    if kind == SG:
        head, *amounts = body.rsplit(" ", 4)
        seq, _, label = head.partition(" ")
        return [seq, label, *amounts]
    cells = body.split(" ")
    if len(cells) != NCOLS[kind] + 1:
        raise ValueError(f"{kind}: cannot split row {text!r}")
    return cells


def _pdf_table(lines: list[str], i: int, scope: str, kind: str) -> tuple[Sheet, int]:
    sheet = Sheet(scope, "", "", kind)
    texts: list[str] = []
    cur: str | None = None
    blank, in_header = 0, True
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if TITLE_RE.match(line) or stripped.startswith(PDF_STOP) or stripped.endswith(("收支预算", "情况说明")):
            break
        i += 1
        if line == "":
            blank += 1
            continue
        unit = PDF_UNIT_RE.match(line)
        if unit:
            sheet.code, sheet.name = unit.group(1), unit.group(2)
            in_header = True
        elif in_header:
            in_header = not line.startswith("栏次")
        elif cur is None:
            cur = line
        elif not cur.endswith(" ") or blank == 0:
            cur += line
        else:
            texts.append(cur)
            cur = line
        if unit and cur is not None:
            texts.append(cur)
            cur = None
        blank = 0
    if cur is not None:
        texts.append(cur)
    sheet.rows = [_pdf_cells(kind, t) for t in texts if re.match(r"\d+ ", t) or not t.strip()]
    return sheet, i


def _docx_table(lines: list[str], i: int, scope: str, kind: str) -> tuple[Sheet, int]:
    groups: list[list[str]] = []
    cur: list[str] = []
    while i < len(lines):
        line = lines[i]
        if line.startswith("\t"):
            cur.append(line[1:])
        elif line == "":
            if cur:
                groups.append(cur)
            cur = []
        else:
            break
        i += 1
    if cur:
        groups.append(cur)
    code = re.match(r"\d+", groups[0][0]).group()
    sheet = Sheet(scope, code, groups[0][0][len(code) :], kind)
    start = next(k for k, g in enumerate(groups) if g[0] == "栏次") + 1
    sheet.rows = groups[start:]
    return sheet, i


def parse(text: str) -> tuple[list[Sheet], dict[str, int]]:
    """All budget tables and the narrative headline figures of a document."""
    lines = text.split("\n")
    docx = any(line.startswith("\t") for line in lines[:40])
    table = _docx_table if docx else _pdf_table
    sheets: list[Sheet] = []
    i = 0
    while i < len(lines):
        title = TITLE_RE.match(lines[i])
        if title:
            sheet, i = table(lines, i + 1, title.group(1), title.group(2))
            sheets.append(sheet)
        else:
            i += 1
    compact = "".join(text.split())
    figures = {}
    for label, pattern in NARRATIVE_RES.items():
        found = re.search(pattern, compact)
        if found:
            figures[label] = cents(found.group(1))
    return sheets, figures
