"""Build dbt_project/seeds/admin_divisions.csv from a published administrative division list.

Source: `cpca/resources/adcodes.csv` in the cpca 0.5.5 wheel on PyPI (MIT licence; the file is
dated 2020-11-07 in the wheel): the 统计用区划代码 of 国家统计局 to county level, whose first six
digits are the GB/T 2260 codes 民政部 publishes. To rebuild:

    pip download cpca==0.5.5 --no-deps -d /tmp/cpca && \\
    python tools/build_admin_divisions.py /tmp/cpca/cpca-0.5.5-py3-none-any.whl

Pseudo-cities (市辖区, 县 of a municipality, 省直辖县级行政区划) are not places: their
counties hang directly under the province, with no city.
"""

from __future__ import annotations

import csv
import io
import sys
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds" / "admin_divisions.csv"
PSEUDO_CITIES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


def main(wheel: Path) -> None:
    """Read the wheel's adcodes.csv and write the seed, sorted by code."""
    with zipfile.ZipFile(wheel) as zf:
        text = zf.read("cpca/resources/adcodes.csv").decode("utf-8")
    rows = {r["adcode"][:6]: r["name"] for r in csv.DictReader(io.StringIO(text))}
    out = []
    for code, name in sorted(rows.items()):
        if code[2:] == "0000":
            level, parent = "province", None
        elif code[4:] == "00":
            level, parent = "city", code[:2] + "0000"
        else:
            level, parent = "county", code[:4] + "00"
        if level == "city" and name in PSEUDO_CITIES:
            continue
        if parent and rows.get(parent) in PSEUDO_CITIES:
            parent = code[:2] + "0000"
        province = rows[code[:2] + "0000"]
        city = rows.get(parent) if level == "county" and parent != code[:2] + "0000" else None
        path = [province, city, name] if level == "county" else [province, name] if level == "city" else [province]
        out.append(
            {
                "code": code,
                "name": name,
                "level": level,
                "parent_code": parent or "",
                "province": province,
                "city": city or "",
                "region_key": "/".join(p for p in path if p),
            }
        )
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(out[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(out)
    print(f"{len(out)} divisions → {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
