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

REGIONS_SEED = REPO_ROOT / "dbt_project" / "seeds" / "regions.csv"
ORG_SUFFIX = r"(?:协会|委员会|局|委|办公室|中心|研究院|院|联合会|会|厅|部|处|所|馆|站|队|学校|医院)"
YEAR_PATTERNS = (
    re.compile(r"(?P<y>\d{4})年(?:度)?部门预算"),
    re.compile(r"(?P<y>\d{4})年度"),
)
NAME_PATTERNS = (
    re.compile(rf"部门名称(?P<name>\S{{2,30}}?{ORG_SUFFIX})"),
    re.compile(rf"^(?P<name>\S{{2,30}}?{ORG_SUFFIX})(?:部门)?\d{{4}}年(?:度)?部门预算"),
    re.compile(rf"(?P<name>\S{{2,30}}?{ORG_SUFFIX})\d{{4}}年(?:度)?部门预算"),
)
CODE_PATTERNS = (
    re.compile(r"主管部门及编码(?P<code>\d{3,12})"),
    re.compile(r"(?P<code>\d{3,9})[^\d\s：:]{1,12}?单位：万元"),
)


@dataclass(frozen=True)
class Region:
    """A place in the gazetteer: county → city → province."""

    province: str | None
    city: str | None
    county: str | None

    @property
    def key(self) -> str:
        """A stable natural key: the path of names, e.g. 河北省/秦皇岛市/山海关区."""
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
def _gazetteer(path: Path = REGIONS_SEED) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["region_name"]: r for r in csv.DictReader(fh)}


def resolve_region(name: str | None) -> Region:
    """Resolve the places a department's name starts with (秦皇岛市…, 武汉市青山区…)."""
    gaz = _gazetteer()
    province = city = county = None
    rest = name or ""
    progressed = True
    while rest and progressed:
        progressed = False
        for place in sorted(gaz, key=len, reverse=True):
            if rest.startswith(place):
                level = gaz[place]["level"]
                if level == "province":
                    province = place
                elif level == "city":
                    city = place
                else:
                    county = place
                rest = rest[len(place) :]
                progressed = True
                break
    if county and not city:
        city = gaz[county]["parent_name"] or None
    if (city or county) and not province:
        province = gaz[city or county]["province"] or None  # type: ignore[index]
    return Region(province=province, city=city, county=county)


def identify(tables: list[Table], stream: Stream) -> Identity:
    """Work out the document's year, department and region from tables, else narrative."""
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
    if not code:
        for pat in CODE_PATTERNS:
            m = pat.search(stream.text)
            if m:
                code = m.group("code")
                evidence.append(f"code: narrative line {stream.line_at(m.start())}")
                break
    return Identity(year, code, name, resolve_region(name), "; ".join(evidence))
