"""Text layouts of the two real samples, reproduced for synthetic documents.

``pdf_text`` follows raw/000 (pdftotext of a PDF): one line per table row,
cells joined by single spaces and every row line ending with one space (so an
empty cell is an extra space); long subject names wrap onto following lines
(a broken piece has no trailing space, the last piece has one); pages start
with a space and each table page repeats the unit line, header and 栏次 line;
lines are separated by blank lines.

``docx_text`` follows raw/001 (text of a DOCX): titles behind ``[bookmark:
_TocNNN]`` markers, one TAB-prefixed line per cell, blank line between rows.

Header blocks are copied verbatim from the samples.
"""

from __future__ import annotations

from functools import lru_cache

from balances import GF, SG, SOE, Sheet

PDF_HEADERS = {
    "收支总表": "序号 \n收入 支出 \n\n项  目 预算数 项  目 预算数 \n\n栏次 1 2 3 4 ",
    "收入总表": (
        "序号 \n\n功能分类科目 \n\n合计 \n\n本年收入 \n\n上年结转 科目    \n\n编码 \n科目名称 小计 "
        "\n\n财政拨款 \n\n收入 \n\n财政专户 \n\n收入 \n事业收入 经营收入 \n\n上级补助\n\n收入 "
        "\n\n附属单位\n\n上缴收入 \n其他收入 \n\n栏次 1 2 3 4 5 6 7 8 9 10 11 12 "
    ),
    "支出总表": (
        "序号 \n\n功能分类科目 \n\n合计 基本支出 项目支出 经营支出 \n上解上级     \n\n支出 "
        "\n\n对附属单位\n\n补助支出 科目    \n\n编码 \n科目名称 \n\n栏次 1 2 3 4 5 6 7 8 "
    ),
    "财政拨款收支总表": (
        "序号 \n\n收入 支出 \n\n项  目 金额 项  目 合计 \n一般公共预\n\n算财政拨款 \n\n政府性基金"
        "\n\n预算财政    \n\n拨款 \n\n国有资本经\n\n营预算财政\n\n拨款 \n\n栏次 1 2 3 4 5 6 7 "
    ),
    "一般公共预算财政拨款支出表": (
        "序号 \n功能分类科目 \n\n合计 基本支出 项目支出 \n科目编码 科目名称 \n\n栏次 1 2 3 4 5 "
    ),
    "一般公共预算财政拨款基本支出表": (
        "序号 \n支出部门经济分类科目 一般公共预算基本支出 \n\n科目编码 科目名称 合计 人员经费 公用经费 "
        "\n\n栏次 1 2 3 4 5 "
    ),
    "财政拨款“三公”经费支出表": (
        "序号 项  目 \n\n资 金 性 质 \n\n合计 \n一般公共预算              \n\n财政拨款 "
        "\n\n政府性基金                  \n\n预算拨款 \n\n国有资本经营              \n\n预算财政拨款 "
        "\n\n栏次 1 2 3 4 5 "
    ),
}
PDF_HEADERS[GF] = PDF_HEADERS[SOE] = PDF_HEADERS["一般公共预算财政拨款支出表"]

DOCX_HEADERS = {
    "收支总表": "\t序号\n\t收入\n\t支出\n\n\t\n\t项  目\n\t预算数\n\t项  目\n\t预算数\n\n\t栏次\n\t1\n\t2\n\t3\n\t4",
    "收入总表": (
        "\t序号\n\t功能分类科目\n\t合计\n\t本年收入\n\t上年结转\n\n\t\n\t科目    编码\n\t科目名称\n\t\n"
        "\t小计\n\t财政拨款 收入\n\t财政专户 收入\n\t事业收入\n\t经营收入\n\t上级补助收入\n"
        "\t附属单位上缴收入\n\t其他收入\n\t\n\n\t栏次\n\t1\n\t2\n\t3\n\t4\n\t5\n\t6\n\t7\n\t8\n\t9"
        "\n\t10\n\t11\n\t12"
    ),
    "支出总表": (
        "\t序号\n\t功能分类科目\n\t合计\n\t基本支出\n\t项目支出\n\t经营支出\n\t上解上级     支出\n"
        "\t对附属单位补助支出\n\n\t\n\t科目    编码\n\t科目名称\n\t\n\t\n\t\n\t\n\t\n\t\n\n\t栏次"
        "\n\t1\n\t2\n\t3\n\t4\n\t5\n\t6\n\t7\n\t8"
    ),
    "财政拨款收支总表": (
        "\t序号\n\t收入\n\t支出\n\n\t\n\t项  目\n\t金额\n\t项  目\n\t合计\n\t一般公共预算财政拨款\n"
        "\t政府性基金预算财政    拨款\n\t国有资本经营预算财政拨款\n\n\t栏次\n\t1\n\t2\n\t3\n\t4\n"
        "\t5\n\t6\n\t7"
    ),
    "一般公共预算财政拨款支出表": (
        "\t序号\n\t功能分类科目\n\t合计\n\t基本支出\n\t项目支出\n\n\t\n\t科目编码\n\t科目名称\n\t\n\t\n"
        "\t\n\n\t栏次\n\t1\n\t2\n\t3\n\t4\n\t5"
    ),
    "一般公共预算财政拨款基本支出表": (
        "\t序号\n\t支出部门经济分类科目\n\t一般公共预算基本支出\n\n\t\n\t科目编码\n\t科目名称\n\t合计\n"
        "\t人员经费\n\t公用经费\n\n\t栏次\n\t1\n\t2\n\t3\n\t4\n\t5"
    ),
    "财政拨款“三公”经费支出表": (
        "\t序号\n\t项  目\n\t资 金 性 质\n\n\t\n\t\n\t合计\n\t一般公共预算              财政拨款\n"
        "\t政府性基金                  预算拨款\n\t国有资本经营              预算财政拨款\n\n\t栏次\n"
        "\t1\n\t2\n\t3\n\t4\n\t5"
    ),
}
DOCX_HEADERS[GF] = DOCX_HEADERS[SOE] = DOCX_HEADERS["一般公共预算财政拨款支出表"]

EMPTY_NOTES = {
    GF: "注：无政府基金预算财政拨款预算，空表列示。",
    SOE: "注：无国有资本经营预算财政拨款预算，空表列示。",
}

# (cell index incl. 序号, characters per line) of the wrapping name column.
PDF_WRAP = {
    "收入总表": (2, 6),
    "支出总表": (2, 12),
    "一般公共预算财政拨款支出表": (2, 15),
    "一般公共预算财政拨款基本支出表": (2, 14),
    SG: (1, 13),
}
ROWS_PER_PAGE = {"财政拨款收支总表": 18}
PAGE_ROWS = 19
NARRATIVE_LINES_PER_PAGE = 24
NARRATIVE_WIDTH = 51


def pdf_row(row: list[str], wrap: tuple[int, int] | None) -> tuple[str, int]:
    """One printed row and the number of lines it occupies."""
    if wrap is None or len(row[wrap[0]].lstrip(" ")) <= wrap[1]:
        return " ".join(row) + " ", 1
    out: list[str] = []
    height = 1
    for i, cell in enumerate(row):
        body = cell.lstrip(" ")
        if i == wrap[0]:
            width = wrap[1]
            pieces = [body[k : k + width] for k in range(0, len(body), width)]
            pieces[0] = cell[: len(cell) - len(body)] + pieces[0]
            out.append("\n" + "\n\n".join(pieces) + " \n")
            height = len(pieces)
        else:
            out.append(cell + " ")
    return "".join(out), height


def pdf_unit_line(sheet: Sheet, year: int) -> str:
    """Unit line repeated at the top of every table page."""
    return f"{sheet.code} {sheet.name} 预算年度：{year} 单位：万元 "


def pdf_table_pages(sheet: Sheet, year: int, lead: list[str], first_rows: int = PAGE_ROWS) -> list[list[str]]:
    """Pages (lists of blank-line separated chunks) of one table."""
    head = [pdf_unit_line(sheet, year), PDF_HEADERS[sheet.kind]]
    if sheet.kind in EMPTY_NOTES:
        return [[*lead, *head, " " * 6, EMPTY_NOTES[sheet.kind]]]
    wrap = PDF_WRAP.get(sheet.kind)
    capacity = ROWS_PER_PAGE.get(sheet.kind, PAGE_ROWS)
    pages = [[*lead, *head]]
    used, limit = 0, min(first_rows, capacity)
    for row in sheet.rows:
        text, height = pdf_row(row, wrap)
        if used and used + height > limit:
            pages.append(list(head))
            used, limit = 0, capacity
        pages[-1].append(text)
        used += height
    return pages


def docx_table(sheet: Sheet, year: int, title_line: str) -> str:
    """One table in the DOCX text layout (no trailing newline)."""
    unit = f"\t{sheet.code}{sheet.name}\n\t预算年度：{year}\n\t单位：万元"
    rows = "\n\n".join("\n".join("\t" + c for c in row) for row in sheet.rows)
    text = f"{title_line}\n{unit}\n\n{DOCX_HEADERS[sheet.kind]}\n\n{rows}"
    if sheet.kind in EMPTY_NOTES:
        text += "\n\n\n" + EMPTY_NOTES[sheet.kind]
    return text


def _char_width(ch: str) -> float:
    return 0.5 if ch < "\u0100" else 1.0


def _is_word(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in ".%-")


@lru_cache(maxsize=65536)
def wrap(text: str, width: float = NARRATIVE_WIDTH) -> tuple[str, ...]:
    """Hard-wrap a paragraph like pdftotext does, never inside an ASCII word."""
    lines: list[str] = []
    start, used, i = 0, 0.0, 0
    while i < len(text):
        used += _char_width(text[i])
        if used > width and i > start:
            cut = i
            while cut > start and _is_word(text[cut]) and _is_word(text[cut - 1]):
                cut -= 1
            cut = i if cut == start else cut
            lines.append(text[start:cut].strip(" "))
            while cut < len(text) and text[cut] == " ":
                cut += 1
            start, used, i = cut, 0.0, cut
            continue
        i += 1
    lines.append(text[start:])
    return tuple(lines)


def pdf_narrative_lines(blocks: list[tuple]) -> list[list[str]]:
    """Narrative blocks -> pages of lines (PDF layout)."""
    pages: list[list[str]] = [[]]

    def put(line: str) -> None:
        if len(pages[-1]) >= NARRATIVE_LINES_PER_PAGE:
            pages.append([])
        pages[-1].append(line)

    for block in blocks:
        tag = block[0]
        if tag == "page":
            if pages[-1]:
                pages.append([])
        elif tag == "table":
            for row in block[1]:
                put(" ".join(row) + " ")
        elif tag == "raw":
            put(block[1])
        elif tag == "perf":
            if pages[-1]:
                pages.append([])
            _pdf_perf(block, put)
        else:
            pieces = wrap(block[1])
            for piece in pieces[:-1]:
                put(piece)
            put(pieces[-1] + " ")
    return [p for p in pages if p]


PERF_HEADER = ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"]


def _pdf_perf(block: tuple, put) -> None:
    _, title, goals, rows = block
    put(title + " ")
    put("绩效目标 ")
    for goal in goals:
        pieces = wrap(goal)
        for piece in pieces[:-1]:
            put(piece)
        put(pieces[-1] + " ")
    put(" ".join(PERF_HEADER) + " ")
    for row in rows:
        if row[0]:
            put(row[0] + " ")
        put(" ".join(row[1:]) + " ")


def _docx_perf(block: tuple) -> list[str]:
    _, title, goals, rows = block
    groups = "\n\n".join("\n".join("\t" + c for c in row) for row in [PERF_HEADER, *rows])
    return [title, "\t绩效目标\n\t" + "\n".join(goals) + "\n\n\n ", groups + "\n\n"]


def docx_narrative(blocks: list[tuple], next_bookmark) -> str:
    """Narrative blocks -> DOCX text (lines joined by newlines)."""
    out: list[str] = []
    for block in blocks:
        tag = block[0]
        if tag == "page":
            continue
        if tag == "table":
            out.append("\n\n".join("\n".join("\t" + c for c in row) for row in block[1]) + "\n\n")
        elif tag == "perf":
            out.extend(_docx_perf(block))
        elif tag == "heading" and block[2]:
            out.append(f"[bookmark: _Toc{next_bookmark()}]{block[1]}")
        else:
            out.append(block[1])
    return "\n".join(out)
