"""Read the published marts into polars from a notebook: `budgetwh.open()`.

The warehouse is opened read-only and each mart is read whole into a polars frame
when first asked for, so a notebook never holds a lock a run would wait on.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from budgetwh.settings import load_settings

MARTS = {
    "figures": "fct_budget_figure",
    "unit_figures": "fct_unit_budget_figure",
    "year_on_year": "fct_figure_year_on_year",
    "composition": "fct_figure_composition",
    "findings": "fct_rule_findings_by_publisher",
    "execution": "fct_budget_execution",
    "budget_vs_final": "fct_budget_vs_final",
    "facts": "fact_budget_line",
    "facts_all": "fact_budget_line_all",
    "checks": "fct_rule_check",
    "documents": "dim_document",
    "disclosures": "dim_disclosure",
    "files": "dim_file",
    "units": "dim_unit",
    "subjects": "dim_subject",
    "years": "dim_year",
}


class Marts:
    """The published marts as polars frames: `m.facts`, `m.documents`, … or `m.sql("…")`."""

    def __init__(self, warehouse: Path) -> None:
        if not warehouse.exists():
            raise FileNotFoundError(f"no warehouse at {warehouse}: run `budgetwh run` first")
        self.warehouse = warehouse
        self._frames: dict[str, pl.DataFrame] = {}

    def sql(self, query: str, params: list | None = None) -> pl.DataFrame:
        """Any read-only query over the warehouse, as a polars frame (DECIMAL stays Decimal)."""
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return con.execute(query, params or []).pl()

    def __getattr__(self, name: str) -> pl.DataFrame:
        if name not in MARTS:
            raise AttributeError(f"{name!r}: the marts are {', '.join(MARTS)}")
        if name not in self._frames:
            self._frames[name] = self.sql(f"select * from marts.{MARTS[name]}")
        return self._frames[name]

    def __dir__(self) -> list[str]:
        return [*super().__dir__(), *MARTS]


def open_marts(warehouse: Path | str | None = None) -> Marts:
    """The published warehouse (default: BUDGETWH_WAREHOUSE, else warehouse/budget.duckdb)."""
    return Marts(load_settings(warehouse=Path(warehouse) if warehouse else None).warehouse)
