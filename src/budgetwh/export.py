"""`budgetwh export`: the published marts as Parquet, CSV and Excel for people without a database.

Parquet is partitioned by fiscal year and phase where a mart has both; CSV is UTF-8 with a
byte-order mark so Excel shows the Chinese labels; Excel gives one workbook per disclosure
with each printed table laid out as printed, plus a flat sheet of its facts. Amounts stay
exact: DECIMAL in Parquet, the digits as stored in CSV, and numbers in Excel whose shortest
repr is the amount (a two-decimal figure survives a double), beside the text as printed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb

FORMATS = ("parquet", "csv", "xlsx")
# The marts exported, in the order a reader meets them.
MARTS = (
    "fct_budget_figure",
    "fct_unit_budget_figure",
    "fact_budget_line",
    "fct_rule_check",
    "dim_disclosure",
    "dim_document",
    "dim_unit",
    "dim_subject",
    "dim_year",
    "dim_file",
)
PHASE_NAMES = {"budget": "预算", "final": "决算"}
# Excel refuses these in sheet names and caps names at 31 characters.
_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")
_FILE_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


class ExportError(Exception):
    """An export that cannot be made: no warehouse, an unknown format."""


@dataclass
class Exported:
    """What an export wrote, per format."""

    out: Path
    files: dict[str, list[Path]] = field(default_factory=lambda: defaultdict(list))

    def summary(self) -> list[str]:
        """One line per format: how many files and where."""
        return [f"{fmt:<8} {len(paths)} files under {self.out / fmt}" for fmt, paths in self.files.items()]


def export(warehouse: Path, out: Path, formats: Iterable[str] = FORMATS) -> Exported:
    """Write the published marts of `warehouse` under `out/<format>/`; the warehouse is opened read-only."""
    formats = list(formats)
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise ExportError(f"unknown format {', '.join(unknown)}; formats are {', '.join(FORMATS)}")
    if not warehouse.exists():
        raise ExportError(f"no warehouse at {warehouse}: run `budgetwh run` first")
    done = Exported(out)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for fmt in formats:
            target = out / fmt
            target.mkdir(parents=True, exist_ok=True)
            writer = {"parquet": _parquet, "csv": _csv, "xlsx": _workbooks}[fmt]
            done.files[fmt] = writer(con, target)
    return done


def _columns(con: duckdb.DuckDBPyConnection, mart: str) -> list[tuple[str, str]]:
    return con.execute(
        """select column_name, data_type from information_schema.columns
           where table_schema = 'marts' and table_name = ? order by ordinal_position""",
        [mart],
    ).fetchall()


def _parquet(con: duckdb.DuckDBPyConnection, target: Path) -> list[Path]:
    written = []
    for mart in MARTS:
        names = {c for c, _ in _columns(con, mart)}
        if {"fiscal_year", "phase"} <= names:
            folder = target / mart
            con.execute(
                f"copy (select * from marts.{mart}) to '{folder}' "
                "(format parquet, partition_by (fiscal_year, phase), overwrite_or_ignore true)"
            )
            written += sorted(folder.rglob("*.parquet"))
        else:
            path = target / f"{mart}.parquet"
            con.execute(f"copy (select * from marts.{mart}) to '{path}' (format parquet)")
            written.append(path)
    return written


def _csv(con: duckdb.DuckDBPyConnection, target: Path) -> list[Path]:
    written = []
    for mart in MARTS:
        # CSV has no lists: join them with '|' (file names, table codes).
        select = ", ".join(
            f"array_to_string({_q(c)}, '|') as {_q(c)}" if t.endswith("[]") else _q(c) for c, t in _columns(con, mart)
        )
        frame = con.execute(f"select {select} from marts.{mart}").pl()
        path = target / f"{mart}.csv"
        frame.write_csv(path, include_bom=True)
        written.append(path)
    return written


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sheet_name(text: str, taken: set[str]) -> str:
    base = _SHEET_UNSAFE.sub("_", text)[:31]
    name, n = base, 2
    while name in taken:
        suffix = f"~{n}"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name)
    return name


def _number(amount: Decimal | None) -> float | None:
    # A DECIMAL(…, 6) of a two-decimal figure → the double whose shortest repr is that figure.
    return None if amount is None else float(amount)


FLAT_COLUMNS = (
    "file_name",
    "source_locator",
    "table_title",
    "unit_name",
    "line_label",
    "subject_code_printed",
    "column_label",
    "measure",
    "subject_key",
    "amount_text",
    "amount_unit",
    "amount_wan",
    "fact_id",
)


def _workbooks(con: duckdb.DuckDBPyConnection, target: Path) -> list[Path]:
    from openpyxl import Workbook

    disclosures = con.execute(
        """select disclosure_key, department_name, fiscal_year, phase, document_ids
           from marts.dim_disclosure where is_published order by department_name, fiscal_year, phase"""
    ).fetchall()
    written = []
    for key, department, year, phase, document_ids in disclosures:
        facts = con.execute(
            """select f.*, u.unit_name from marts.fact_budget_line f
                left join marts.dim_unit u using (unit_key)
                where f.document_id in (select unnest(?))
                order by f.file_name, f.table_seq, f.row_seq, f.column_no""",
            [document_ids],
        )
        cols = [d[0] for d in facts.description]
        rows = [dict(zip(cols, r, strict=True)) for r in facts.fetchall()]
        book = Workbook()
        book.remove(book.active)
        taken: set[str] = set()
        tables: dict[tuple[str, int], list[dict]] = defaultdict(list)
        for r in rows:
            if r["table_code"] != "narrative":
                tables[(r["file_name"], r["table_seq"])].append(r)
        for (_, seq), cells in tables.items():
            _table_sheet(book.create_sheet(_sheet_name(f"{seq:02d} {cells[0]['table_title']}", taken)), cells)
        narrative = [r for r in rows if r["table_code"] == "narrative"]
        if narrative:
            sheet = book.create_sheet(_sheet_name("情况说明", taken))
            sheet.append(["指标", "金额（万元）", "如印", "单位", "位置", "原句"])
            for r in narrative:
                sheet.append(
                    [r["line_label"], _number(r["amount_wan"]), r["amount_text"], r["amount_unit"],
                     r["source_locator"], r["sentence"]]
                )  # fmt: skip
        flat = book.create_sheet(_sheet_name("facts", taken))
        flat.append(list(FLAT_COLUMNS))
        for r in rows:
            flat.append([_number(r[c]) if c == "amount_wan" else r[c] for c in FLAT_COLUMNS])
        name = _FILE_UNSAFE.sub("_", f"{department or key[:12]}_{year}_{PHASE_NAMES.get(phase, phase)}")
        path = target / f"{name}.xlsx"
        if path in written:  # the same name in another region (鼓楼区科协 of 南京 and of 福州)
            path = target / f"{name}_{key[:8]}.xlsx"
        book.save(path)
        written.append(path)
    return written


def _table_sheet(sheet, cells: list[dict]) -> None:
    """One printed table as printed: title, unit, header row, then each line with its code,
    label and amounts under the column labels; a two-sided table keeps its sides side by side."""
    sides: dict[str | None, set[tuple[int, str]]] = defaultdict(set)
    for c in cells:
        sides[c["side"]].add((c["column_no"], c["column_label"]))
    order = sorted(sides, key=lambda s: {"income": 0, None: 1, "expense": 2}.get(s, 3))
    header: list[str] = []
    slots: dict[tuple[str | None, str], int] = {}
    for side in order:
        slots[(side, "code")] = len(header)
        header.append("科目编码")
        slots[(side, "label")] = len(header)
        header.append({"income": "收入项目", "expense": "支出项目"}.get(side, "项目"))
        for no, label in sorted(sides[side]):
            slots[(side, f"amount:{no}")] = len(header)
            header.append(label or f"栏{no}")
    first = cells[0]
    sheet.append([first["table_title"]])
    sheet.append([f"单位：{first['amount_unit']}", f"{first['file_name']} {first['source_locator']}"])
    sheet.append(header)
    lines: dict[int, list] = {}
    for c in cells:
        line = lines.setdefault(c["row_seq"], [None] * len(header))
        line[slots[(c["side"], "code")]] = c["subject_code_printed"]
        line[slots[(c["side"], "label")]] = c["line_label"]
        line[slots[(c["side"], f"amount:{c['column_no']}")]] = _number(c["amount_printed"])
    for seq in sorted(lines):
        sheet.append(lines[seq])
    for row in sheet.iter_rows(min_row=4):
        for cell in row:
            if isinstance(cell.value, float):
                cell.number_format = "#,##0.00"
