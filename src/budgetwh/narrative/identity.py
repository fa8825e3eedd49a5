"""Who published a document, for which year, and where.

Tables print the unit line (code, name, 预算年度). Narrative-only documents state
the department and year in their title or forms; the region comes from the
department's name, resolved against the region gazetteer seed so that a county
knows its city and province.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from budgetwh.narrative.stream import Stream
from budgetwh.settings import REPO_ROOT
from budgetwh.tables.recognize import Table

DIVISIONS_SEED = REPO_ROOT / "dbt_project" / "seeds" / "admin_divisions.csv"
ORG_SUFFIX = r"(?:协会|委员会|局|委|办公室|中心|研究院|院|联合会|会|厅|部|处|所|馆|站|队|学校|医院)"
YEAR_PATTERNS = (
    re.compile(r"(?P<y>\d{4})年(?:度)?(?:部门|单位)?[预决]算"),
    re.compile(r"(?P<y>\d{4})年度"),
)
NAME_PATTERNS = (
    re.compile(rf"部门名称(?P<name>\S{{2,30}}?{ORG_SUFFIX})"),
    re.compile(rf"^(?P<name>\S{{2,30}}?{ORG_SUFFIX})(?:部门)?\d{{4}}年(?:度)?部门[预决]算"),
    re.compile(rf"(?P<name>\S{{2,30}}?{ORG_SUFFIX})\d{{4}}年(?:度)?部门[预决]算"),
)
CODE_PATTERNS = (
    re.compile(r"主管部门及编码(?P<code>\d{3,12})"),
    re.compile(r"(?P<code>\d{3,9})[^\d\s：:]{1,12}?单位：万元"),
)


@dataclass(frozen=True)
class Region:
    """A place of the administrative division list: county → city → province, with its code."""

    province: str | None
    city: str | None
    county: str | None
    code: str | None = None  # GB/T 2260 (six digits) of the most specific level resolved
    # A place name found in several places the document does not tell apart: their paths.
    ambiguous: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """A stable natural key: the path of names, e.g. 河北省/秦皇岛市/山海关区."""
        if self.ambiguous:
            return f"unresolved/{self.county or self.city}"
        return "/".join(p for p in (self.province, self.city, self.county) if p) or "unknown"


@dataclass(frozen=True)
class Identity:
    """A document's publisher, year and region, with where each came from."""

    fiscal_year: int | None
    department_code: str | None
    department_name: str | None
    region: Region
    evidence: str


@cache
def _gazetteer(path: Path = DIVISIONS_SEED) -> dict[str, list[dict[str, str]]]:
    """Place name → its divisions (鼓楼区 is a district of 南京, 徐州, 福州 and 开封)."""
    places: dict[str, list[dict[str, str]]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            places.setdefault(row["name"], []).append(row)
    return places


@cache
def _places_by_length() -> tuple[tuple[int, frozenset[str]], ...]:
    """Place names grouped by length, longest first, so 武汉市青山区 wins over a shorter prefix.

    A name's prefix of each length is looked up, not every place tried in turn (there
    are ~3,000: a scan cost half a millisecond per document).
    """
    names = _gazetteer()
    lengths = sorted({len(n) for n in names}, reverse=True)
    return tuple((n, frozenset(p for p in names if len(p) == n)) for n in lengths)


def _longest_place(name: str) -> str | None:
    """The longest place name `name` starts with, if any."""
    return next((name[:n] for n, places in _places_by_length() if name[:n] in places), None)


# Places not in the list are still told apart by the names printed at the start of the
# department's name, classified by their suffix.
PLACE_PREFIX = re.compile(
    r"^(?P<province>\S{2,8}?(?:省|自治区))?(?P<city>\S{2,5}?(?:市|自治州|地区|盟))?(?P<county>\S{1,6}?(?:区|县|旗))?"
)
# Party organs print their place after 中共 (中共上海市普陀区委…).
PARTY_PREFIX = re.compile(r"^(?:中共|中国共产党)")


def _fits(row: dict[str, str], province: str | None, city: str | None) -> bool:
    return (not city or row["city"] == city or row["name"] == city) and (not province or row["province"] == province)


def resolve_region(name: str | None, text: str = "") -> Region:
    """Resolve the places a department's name starts with (秦皇岛市…, 武汉市青山区…).

    A name that several divisions share takes the one under the city or province the name
    prints first, else the one whose city or province the document's text names; when
    neither tells them apart the region stays unresolved and lists the candidates.
    """
    gaz = _gazetteer()
    stripped = PARTY_PREFIX.sub("", name or "")
    rest = stripped
    found: list[str] = []
    while rest:
        place = _longest_place(rest)
        if place is None:
            break
        found.append(place)
        rest = rest[len(place) :]
    if not found:
        m = PLACE_PREFIX.match(stripped)
        if not m or not any(m.groupdict().values()):
            return Region(None, None, None)
        return Region(m.group("province"), m.group("city"), m.group("county"))
    province = city = None
    row: dict[str, str] | None = None
    for place in found:
        rows = [r for r in gaz[place] if _fits(r, province, city)] or gaz[place]
        if len(rows) > 1:
            named = [r for r in rows if (r["city"] and r["city"] in text) or r["province"] in text]
            rows = named if len(named) == 1 else rows
        if len(rows) > 1:
            return Region(province, city, place, ambiguous=tuple(sorted(r["region_key"] for r in rows)))
        row = rows[0]
        province = row["province"]
        city = row["name"] if row["level"] == "city" else row["city"] or city
    assert row is not None
    county = row["name"] if row["level"] == "county" else None
    return Region(province, city or None, county, code=row["code"])


def identify(tables: list[Table], stream: Stream, file_hint: str = "") -> Identity:
    """Work out the document's year, department and region from tables, else narrative.

    `file_hint` (the file's name) is the last resort for the department, for a cover
    that prints only 2019部门预算: what the document prints always wins.
    """
    evidence = []
    years = Counter(t.fiscal_year for t in tables if t.fiscal_year)
    year = years.most_common(1)[0][0] if years else None
    if year:
        evidence.append("year: table unit lines")
    else:
        for pat in YEAR_PATTERNS:
            m = pat.search(stream.text[:3000])
            if m:
                year = int(m.group("y"))
                evidence.append(f"year: narrative line {stream.line_at(m.start())}")
                break
    dept = next((t for t in tables if t.scope == "department"), None)
    code = dept.unit_code if dept else None
    name = dept.unit_name if dept else None
    if name:
        evidence.append("department: table unit line")
    else:
        for pat in NAME_PATTERNS:
            m = pat.search(stream.text[:5000])
            if m:
                name = m.group("name")
                evidence.append(f"department: narrative line {stream.line_at(m.start())}")
                break
    if not name and file_hint:
        m = NAME_PATTERNS[2].search(re.sub(r"\s+", "", file_hint))
        if m:
            name = m.group("name")
            evidence.append("department: file name")
    if not code:
        for pat in CODE_PATTERNS:
            m = pat.search(stream.text)
            if m:
                code = m.group("code")
                evidence.append(f"code: narrative line {stream.line_at(m.start())}")
                break
    return Identity(year, code, name, resolve_region(name, stream.text[:5000]), "; ".join(evidence))
