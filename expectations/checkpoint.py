"""Great Expectations (GX Core 1.x) checkpoint over ``marts.fct_rule_check``.

Pipeline: DuckDB file (opened read_only) -> one SQL query -> pandas DataFrame
-> GX *pandas* data source (dataframe asset, whole-dataframe batch definition,
the frame passed as the ``dataframe`` batch parameter) -> Checkpoint with an
``UpdateDataDocsAction``.  Validation results and Data Docs live in a FILE
data context under ``<build_dir>/gx`` (``build/`` is gitignored).

Why not GX's SQL data source over duckdb-engine: in an earlier trial GX 1.24
over SQLAlchemy/duckdb-engine 0.17 returned empty metric results; the pandas
route is the one that was verified to produce real, correct results.

Money: DECIMAL columns are fetched with ``fetchall()`` so they arrive as
``decimal.Decimal`` objects (object dtype) -- they never become float, not even
in the frame.  (``DuckDBPyConnection.df()`` would silently turn DECIMAL into
float64.)  The expectations compare ``excess_fen = (abs(diff) - tolerance)`` in
fen (0.01 yuan: diff and tolerance are 万元 with 6 decimals, so this is an exact
integer, computed in DuckDB) against 0: an integer column, not Decimals, because
GX serialises every unexpected Decimal through ``convert_decimal_to_float``, which
walks the interpreter stack each time (~3 ms a value: 9 of the checkpoint's 12 s
at 10,000 documents). The unexpected-row report carries the exact ``diff``.

Pinned/verified stack (Python 3.11): great-expectations==1.24.1,
pandas==3.1.1, numpy==2.4.6, duckdb==2.0.0.

Usage::

    python -m expectations.checkpoint --warehouse warehouse/budget.duckdb \
        --build-dir build
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

# Never phone home.  GX 1.24 no longer ships an analytics client at all, but other
# 1.x releases read this variable, so force it before great_expectations is imported.
# The context config is also written with ``analytics_enabled: false`` below.
os.environ["GX_ANALYTICS_ENABLED"] = "false"

RULE_CATALOG = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds" / "rule_catalog.csv"
SUITE_NAME = "fct_rule_check"
DATASOURCE_NAME = "budgetwh_frames"
ASSET_NAME = "fct_rule_check"
BATCH_DEFINITION_NAME = "whole_frame"
VALIDATION_DEFINITION_NAME = "fct_rule_check"
CHECKPOINT_NAME = "budgetwh_rule_checks"
DATA_DOCS_SITE = "local_site"  # the default site GX scaffolds in a file context

STATUSES = ("pass", "rounding", "fail", "skipped")
SEVERITIES = ("error", "warning")

# Columns reported for every unexpected row (contract), in this order.
ROW_KEYS = ("check_id", "rule_id", "document_id", "line_label", "diff")

# One batch = one query.  ``row_no`` is only a stable handle to map GX's
# unexpected_index_list back to frame rows (check_id may itself be null/duplicated,
# which is exactly what some expectations look for).
# Only rows whose diff is not exactly zero can exceed a tolerance, so only they go
# to GX: the filter does not depend on dbt's status logic, and it keeps the pandas
# batch (exact Decimals, object dtype) small at scale. Keys and accepted values of
# the whole table are dbt tests on fct_rule_check.
FCT_RULE_CHECK_SQL = """
select
    row_number() over (order by check_id, rule_id, document_id) as row_no,
    check_id, rule_id, rule_family, severity, document_id, unit_code, table_code, line_label,
    lhs, rhs, diff, tolerance, status, message,
    -- exact: diff and tolerance have 6 decimals of 万元, i.e. whole fen; NULL if an input is NULL
    cast((abs(diff) - tolerance) * 1000000 as hugeint) as excess_fen
from marts.fct_rule_check
where diff is distinct from 0
order by row_no
"""
INDEX_COLUMNS = ["row_no", "check_id"]


@dataclass
class CheckpointOutcome:
    success: bool
    evaluated: int  # number of expectations GX evaluated
    failed_expectations: list[str] = field(default_factory=list)
    unexpected: list[dict[str, Any]] = field(default_factory=list)
    docs_index: Path | None = None
    rows: int = 0  # rows in the validated batch
    seconds: dict[str, float] = field(default_factory=dict)  # load / gx_import / validate


def rule_families(catalog: Path = RULE_CATALOG) -> dict[str, str]:
    """Rule family → severity, from the rule catalog seed (one severity per family)."""
    import csv

    families: dict[str, set[str]] = {}
    with catalog.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            families.setdefault(row["family"], set()).add(row["severity"])
    mixed = {f: s for f, s in families.items() if len(s) > 1}
    if mixed:
        raise ValueError(f"{catalog}: a rule family must have one severity: {mixed}")
    return {f: s.pop() for f, s in families.items()}


def suite_expectations() -> list:
    """The expectation suite over fct_rule_check, as code: the table's contract, then one
    expectation per rule family (|diff| within tolerance wherever it was evaluated), so the
    data docs show which family failed where. Warning families are GX warnings: they are
    reported, and do not fail the checkpoint."""
    import great_expectations.expectations as gxe
    from great_expectations.expectations.metadata_types import FailureSeverity
    from great_expectations.expectations.row_conditions import Column

    # Error-level checks that were actually evaluated.
    evaluated_error = (Column("severity") == "error") & (Column("status") != "skipped")
    per_family = [
        gxe.ExpectColumnValuesToBeBetween(
            column="excess_fen",
            max_value=0,
            row_condition=(Column("rule_family") == family) & (Column("status") != "skipped"),
            severity=FailureSeverity.CRITICAL if severity == "error" else FailureSeverity.WARNING,
            description=f"rule family {family} ({severity}): every evaluated check within its tolerance",
            meta={"family": family},
        )
        for family, severity in sorted(rule_families().items())
    ]
    return [
        gxe.ExpectColumnValuesToNotBeNull(column="check_id"),
        gxe.ExpectColumnValuesToBeUnique(column="check_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="rule_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="document_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="severity"),
        gxe.ExpectColumnValuesToBeInSet(column="severity", value_set=list(SEVERITIES)),
        gxe.ExpectColumnValuesToNotBeNull(column="status"),
        gxe.ExpectColumnValuesToBeInSet(column="status", value_set=list(STATUSES)),
        # Map expectations ignore NULLs, so an evaluated error row with a NULL
        # diff/tolerance would otherwise pass the between-check silently.
        gxe.ExpectColumnValuesToNotBeNull(column="excess_fen", row_condition=evaluated_error),
        # |diff| - tolerance <= 0, in whole fen (exact)
        gxe.ExpectColumnValuesToBeBetween(column="excess_fen", max_value=0, row_condition=evaluated_error),
        *per_family,
    ]


def load_rule_checks(warehouse: Path) -> pd.DataFrame:
    """Read fct_rule_check (+ helper columns) read-only; connection closed on return."""
    import duckdb
    import pandas as pd

    warehouse = Path(warehouse)
    if not warehouse.is_file():
        raise FileNotFoundError(f"warehouse not found: {warehouse}")
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        cur = con.execute(FCT_RULE_CHECK_SQL)
        columns = [d[0] for d in cur.description]
        rows = cur.fetchall()  # DECIMAL -> decimal.Decimal, never float
    finally:
        con.close()
    frame = pd.DataFrame.from_records(rows, columns=columns)
    # Whole fen as integers with <NA> for NULL: left to from_records, a column with a NULL
    # becomes float64. Beyond int64 (no real budget) the Python ints stay as objects.
    at = columns.index("excess_fen")
    fen = [r[at] for r in rows]
    try:
        frame["excess_fen"] = pd.array(fen, dtype="Int64")
    except (OverflowError, TypeError):
        frame["excess_fen"] = pd.Series(fen, dtype=object)
    return frame


def _context(build_dir: Path):
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    build_dir.mkdir(parents=True, exist_ok=True)
    # FILE context rooted at <build_dir>/gx (scaffolded on first use).
    ctx = gx.get_context(mode="file", project_root_dir=build_dir)
    ctx.variables.analytics_enabled = False
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    ctx.variables.save()
    return ctx


def _checkpoint(ctx):
    """(Re)register datasource, asset, suite, validation and checkpoint from code."""
    import great_expectations as gx
    from great_expectations.checkpoint import UpdateDataDocsAction

    # add_or_update replaces the stored datasource (dropping old assets), so the
    # stored config always mirrors this module.
    ds = ctx.data_sources.add_or_update_pandas(name=DATASOURCE_NAME)
    asset = ds.add_dataframe_asset(name=ASSET_NAME)
    batch_definition = asset.add_batch_definition_whole_dataframe(BATCH_DEFINITION_NAME)

    suite = ctx.suites.add_or_update(gx.ExpectationSuite(name=SUITE_NAME, expectations=suite_expectations()))
    validation = ctx.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=VALIDATION_DEFINITION_NAME, data=batch_definition, suite=suite)
    )
    return ctx.checkpoints.add_or_update(
        gx.Checkpoint(
            name=CHECKPOINT_NAME,
            validation_definitions=[validation],
            actions=[UpdateDataDocsAction(name="update_data_docs", site_names=[DATA_DOCS_SITE])],
            result_format={
                "result_format": "COMPLETE",
                "unexpected_index_column_names": INDEX_COLUMNS,
            },
        )
    )


def _docs_index(ctx) -> Path | None:
    for site in ctx.get_docs_sites_urls(site_name=DATA_DOCS_SITE):
        url = site.get("site_url") or ""
        if url.startswith("file://"):
            path = Path(unquote(urlparse(url).path))
            if path.is_file():
                return path
    return None


def _plain(value: Any) -> Any:
    """pandas missing markers (NaN / NA) -> None; everything else unchanged."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        import pandas as pd

        if value is pd.NA:
            return None
    except ImportError:  # pragma: no cover
        pass
    return value


def _label(cfg) -> str:
    family = (getattr(cfg, "meta", None) or {}).get("family")
    if family:
        return f"rule family {family}"
    column = cfg.kwargs.get("column")
    label = f"{cfg.type}({column})" if column else cfg.type
    if cfg.kwargs.get("row_condition") is not None:
        description = getattr(cfg, "description", None)
        label += f" [{description}]" if description else " where severity='error' and status<>'skipped'"
    return label


def run_checkpoint(warehouse: Path, build_dir: Path, *, run_name: str | None = None) -> CheckpointOutcome:
    """Validate ``marts.fct_rule_check`` in ``warehouse``; results + Data Docs under
    ``build_dir/gx``.  DuckDB is opened read_only and closed before GX runs."""
    warehouse, build_dir = Path(warehouse), Path(build_dir)
    seconds: dict[str, float] = {}

    t = time.perf_counter()
    df = load_rule_checks(warehouse)  # connection already closed here
    seconds["load"] = time.perf_counter() - t

    t = time.perf_counter()
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.expectations.metadata_types import FailureSeverity

    seconds["gx_import"] = time.perf_counter() - t

    t = time.perf_counter()
    ctx = _context(build_dir)
    checkpoint = _checkpoint(ctx)
    run_id = RunIdentifier(run_name=run_name, run_time=dt.datetime.now(dt.UTC))
    result = checkpoint.run(batch_parameters={"dataframe": df}, run_id=run_id)
    site_dir = Path(ctx.root_directory) / "uncommitted" / "data_docs" / DATA_DOCS_SITE
    if site_dir.is_dir():
        from expectations.offline_docs import localize

        localize(site_dir)
    seconds["validate"] = time.perf_counter() - t

    # Only the reported rows become dicts: the whole frame as records took 0.8 s at 10,000
    # documents (39,000 rows) to report ~1,600.
    wanted = {
        int(idx["row_no"])
        for vr in result.run_results.values()
        for r in vr.results
        if not r.success
        for idx in (r.result or {}).get("unexpected_index_list") or []
        if isinstance(idx, dict)
    }
    by_row_no = {int(r["row_no"]): r for r in df[df["row_no"].isin(wanted)].to_dict("records")}
    expected = len(suite_expectations())
    evaluated = 0
    failed: list[str] = []
    unexpected: list[dict[str, Any]] = []
    for vr in result.run_results.values():
        evaluated += int(vr.statistics.get("evaluated_expectations", 0))
        for r in vr.results:
            if r.success:
                continue
            cfg = r.expectation_config
            label = _label(cfg)
            exc = (r.exception_info or {}).get("exception_message") if r.exception_info else None
            failed.append(f"{label}: {exc}" if exc else label)
            for idx in (r.result or {}).get("unexpected_index_list") or []:
                row = by_row_no.get(int(idx["row_no"])) if isinstance(idx, dict) else None
                if row is None:
                    continue
                item = {k: _plain(row.get(k)) for k in ROW_KEYS}
                item["expectation"] = label
                unexpected.append(item)

    # A failed warning-family expectation is reported, not a failed checkpoint.
    success = bool(result.success) or not any(
        not r.success and str(getattr(r.expectation_config, "severity", "critical")) != str(FailureSeverity.WARNING)
        for vr in result.run_results.values()
        for r in vr.results
    )
    # Guard against "GX ran but computed nothing" (seen earlier with the SQL route).
    if evaluated != expected:
        success = False
        failed.append(f"evaluated {evaluated} of {expected} expectations")

    return CheckpointOutcome(
        success=success,
        evaluated=evaluated,
        failed_expectations=failed,
        unexpected=unexpected,
        docs_index=_docs_index(ctx),
        rows=len(df),
        seconds=seconds,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m expectations.checkpoint",
        description="Run the GX checkpoint over marts.fct_rule_check in a DuckDB file.",
    )
    parser.add_argument("--warehouse", type=Path, required=True, help="DuckDB file")
    parser.add_argument("--build-dir", type=Path, default=Path("build"), help="default: build")
    parser.add_argument("--run-name", default=None)
    args = parser.parse_args(argv)

    outcome = run_checkpoint(args.warehouse, args.build_dir, run_name=args.run_name)
    print(
        f"{'PASS' if outcome.success else 'FAIL'}: {outcome.evaluated} expectations "
        f"over {outcome.rows} rows, {len(outcome.failed_expectations)} failed"
    )
    for name in outcome.failed_expectations:
        print(f"  failed: {name}")
    for row in outcome.unexpected[:50]:
        print("  unexpected: " + ", ".join(f"{k}={row[k]}" for k in ROW_KEYS))
    if len(outcome.unexpected) > 50:
        print(f"  ... {len(outcome.unexpected) - 50} more unexpected rows")
    print("timings: " + ", ".join(f"{k}={v:.2f}s" for k, v in outcome.seconds.items()))
    print(f"data docs: {outcome.docs_index}")
    return 0 if outcome.success else 1


if __name__ == "__main__":
    sys.exit(main())
