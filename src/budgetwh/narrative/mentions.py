"""What a document says about itself: the years in its headings, its as-of dates, placeholder
names left from a template, and the tables its 目录 lists.

These are the inputs of the consistency rules (`int_checks__document_consistency`): a 2024
决算 whose section says 2023年度部门决算, an as-of date 截至2023年12月31日 in it, a cover that
still reads XX局, a table listed but printed nowhere in the disclosure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from budgetwh.document import Document
from budgetwh.narrative.stream import Stream

# 截至2023年12月31日, 截止时间：2021-12-31, 截至2018年12月31日
AS_OF = re.compile(
    r"截(?:至|止)(?:时间)?[：:]?\s*(?P<y>(?:19|20)\d{2})\s*(?:年|-|/|\.)\s*(?P<m>\d{1,2})\s*(?:月|-|/|\.)\s*(?P<d>\d{1,2})"
)
# A heading naming the disclosure's year: 2022 年部门预算信息公开情况说明, 2024 年度部门决算表,
# 2019年预算公开. A table column (2016年预算数) or a comparison (比2023年预算增加) is not one.
HEADING_YEAR = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*年\s*度?\s*(?:(?:部门|单位)\s*(?:预算|决算)|(?:预算|决算)\s*(?:公开|情况说明|编制说明))"
)
HEADING_MAX_CHARS = 60  # longer lines are sentences, which may name other years
SENTENCE_MARK = re.compile(r"[，。；,;%]")
# XX局, ××单位, 某某部门: a template's placeholder where the department's name belongs
PLACEHOLDER = re.compile(
    r"(?:[XＸxｘ×✕*＊]{2,}|某某)\s*(?:局|委员会|委|办公室|办|厅|部门|部|中心|单位|院|所|站|协会|公司)"
)
# The publisher's name a heading prints before the year (上海市普陀区规划和自然资源局2024年度部门决算),
# without the part number or lead-in words around it.
NAME_LEAD = re.compile(r"^(?:第[一二三四五六七八九十]+部分|附件\d*[：:]?|纳入|[一二三四五六七八九十\d]+[、.．])+")
ORG_END = re.compile(r"(?:局|委员会|委|办公厅|办公室|办|厅|部|中心|协会|会|院|所|站|队|馆|社|政府|科协)(?:部门|机关)?$")


@dataclass(frozen=True)
class Mention:
    """One thing a document prints about itself, with where."""

    kind: str  # as_of_date | heading_year | placeholder_name | contents_entry | department_name
    value: str  # 2023-12-31 | 2024 | XX局 | the listed table's code | the name a heading prints
    text: str  # as printed
    source_line: int
    source_page: int | None


def document_mentions(
    doc: Document, stream: Stream, used: set[int], contents: list[tuple[int, int | None, str, str]]
) -> list[Mention]:
    """Years, as-of dates and placeholders outside the tables, and the 目录's entries, in order."""
    page_of = doc.page_of_line
    out: list[tuple[int, Mention]] = []
    for m in AS_OF.finditer(stream.text):
        line = stream.line_at(m.start())
        value = f"{m.group('y')}-{int(m.group('m')):02d}-{int(m.group('d')):02d}"
        out.append((line, Mention("as_of_date", value, m.group(0), line, page_of.get(line))))
    for m in PLACEHOLDER.finditer(stream.text):
        line = stream.line_at(m.start())
        name = re.sub(r"\s+", "", m.group(0))
        out.append((line, Mention("placeholder_name", name, m.group(0), line, page_of.get(line))))
    for line in doc.lines:
        if line.first_line in used or len(re.sub(r"\s+", "", line.text)) > HEADING_MAX_CHARS:
            continue
        if SENTENCE_MARK.search(line.text):
            continue  # part of a sentence wrapped onto a short line: 2020 年部门预算绩效目标已 100%完成，
        for m in HEADING_YEAR.finditer(line.text):
            out.append(
                (line.first_line, Mention("heading_year", m.group("y"), line.text.strip(), line.first_line, line.page))
            )
            name = NAME_LEAD.sub("", re.sub(r"\s+", "", line.text[: m.start()]))
            if ORG_END.search(name) and "《" not in name:
                mention = Mention("department_name", name, line.text.strip(), line.first_line, line.page)
                out.append((line.first_line, mention))
    for first_line, page, code, printed in contents:
        out.append((first_line, Mention("contents_entry", code, printed, first_line, page)))
    out.sort(key=lambda pair: pair[0])
    return [m for _, m in out]
