"""The table catalog: which standard tables exist and what their columns mean.

The catalog is data (`dbt_project/seeds/table_catalog.csv` and `table_columns.csv`),
shared by the parser and dbt so the two never disagree.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from budgetwh.settings import REPO_ROOT

SEEDS = REPO_ROOT / "dbt_project" / "seeds"


@dataclass(frozen=True)
class Column:
    """One printed column (栏次) of a standard table."""

    column_no: int
    role: str  # code | label | amount
    side: str | None  # income | expense for two-sided tables
    measure: str | None
    label: str


@dataclass(frozen=True)
class TableDef:
    """A standard table: its code, shape, printed title variants and columns."""

    code: str
    shape: str  # two_sided | subject | item
    classification: str
    titles: tuple[str, ...]
    columns: tuple[Column, ...]

    @property
    def amount_columns(self) -> tuple[Column, ...]:
        """The columns that hold money, in printed order."""
        return tuple(c for c in self.columns if c.role == "amount")


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@cache
def load_catalog(seeds: Path = SEEDS) -> tuple[TableDef, ...]:
    """Load the catalog seeds into table definitions."""
    columns: dict[str, list[Column]] = {}
    for row in _read(seeds / "table_columns.csv"):
        columns.setdefault(row["table_code"], []).append(
            Column(
                column_no=int(row["column_no"]),
                role=row["role"],
                side=row["side"] or None,
                measure=row["measure"] or None,
                label=row["column_label"],
            )
        )
    tables = []
    for row in _read(seeds / "table_catalog.csv"):
        # Tables read only by header labels (native layouts) have no fixed 栏次 columns.
        cols = tuple(sorted(columns.get(row["table_code"], []), key=lambda c: c.column_no))
        tables.append(
            TableDef(
                code=row["table_code"],
                shape=row["shape"],
                classification=row["classification"],
                titles=tuple(row["title_variants"].split("|")),
                columns=cols,
            )
        )
    return tuple(tables)


@dataclass(frozen=True)
class LabelMeaning:
    """What a printed column header means: its role and measure."""

    label: str
    role: str  # amount | code | label
    measure: str | None


@cache
def load_column_labels(seeds: Path = SEEDS) -> dict[str, LabelMeaning]:
    """The header vocabulary (`column_labels.csv`): printed label → meaning."""
    out: dict[str, LabelMeaning] = {}
    for row in _read(seeds / "column_labels.csv"):
        for variant in row["label_variants"].split("|"):
            out[variant] = LabelMeaning(variant, row["role"], row["measure"] or None)
    return out


@cache
def load_line_labels(seeds: Path = SEEDS) -> frozenset[str]:
    """Every line label the classification seed knows (`line_items.csv`: names and variants).

    The layout reader uses it to tell a label wrapped over two printed lines
    (八、社会保障和就 / 业支出) from two rows, where the page draws no rules to say so.
    """
    labels: set[str] = set()
    for row in _read(seeds / "line_items.csv"):
        labels.add(row["name"])
        labels.update(v for v in row["variants"].split("|") if v)
        labels.update(v for v in row["sided_variants"].split("|") if v)
    return frozenset(labels)
