"""`budgetwh` command line: run the flow, read findings, accept documents."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

import duckdb

from budgetwh.settings import load_settings


def _print_run(result) -> None:
    from flows.ingest import summary_lines

    print("\n".join(summary_lines(result)))


# Exit code of a run refused because another is building the same warehouse
# (EX_TEMPFAIL: try again later), distinct from a failed run's 1.
EXIT_LOCKED = 75


def cmd_run(args: argparse.Namespace) -> int:
    from flows.ingest import ingest

    result = ingest(raw_dir=args.raw, warehouse=args.warehouse, full_rebuild=args.full_rebuild)
    _print_run(result)
    if args.strict and (not result.checkpoint_success or result.quarantined):
        return 1
    return 0


def cmd_checks(args: argparse.Namespace) -> int:
    settings = load_settings(warehouse=args.warehouse)
    statuses = [s.strip() for s in args.status.split(",")]
    where = ["status in (select unnest(?))"]
    params: list[object] = [statuses]
    if args.rule:
        where.append("rule_id = ?")
        params.append(args.rule)
    if args.document:
        where.append("(file_name = ? or starts_with(document_id, ?))")
        params += [args.document, args.document]
    sql = f"""select status, severity, rule_id, file_name, coalesce(table_title, table_code) as "table",
                     coalesce(source_line::varchar, '') as line, left(line_label, 40) as label, measure,
                     lhs, rhs, diff, tolerance, left(message, 60) as message
              from marts.fct_rule_check where {" and ".join(where)}
              order by status = 'fail' desc, severity, file_name, rule_id, source_line"""
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        # A filter naming nothing is a typo, not "no findings": say so instead of an empty table.
        if args.rule and not con.execute("select 1 from seeds.rule_catalog where rule_id = ?", [args.rule]).fetchone():
            rules = ", ".join(r[0] for r in con.execute("select rule_id from seeds.rule_catalog order by 1").fetchall())
            print(f"budgetwh checks: no rule {args.rule!r}; rules are: {rules}", file=sys.stderr)
            return 2
        if (
            args.document
            and not con.execute(
                "select 1 from marts.dim_document where file_name = ? or starts_with(document_id, ?)",
                [args.document, args.document],
            ).fetchone()
        ):
            print(f"budgetwh checks: no document named or with an id starting {args.document!r}", file=sys.stderr)
            return 2
        rel = con.execute(sql, params)
        rows = rel.fetchall()
        cols = [d[0] for d in rel.description]
        counts = con.execute("select status, count(*) from marts.fct_rule_check group by all order by 1").fetchall()
    print("  ".join(f"{s}={n}" for s, n in counts))
    if not rows:
        print(f"no checks with status {', '.join(statuses)}")
        return 0
    _print_table(cols, rows)
    return 0


def _print_table(cols: list[str], rows: list[tuple]) -> None:
    """A table whose columns line up with Chinese text (rich counts a Han character as two cells)."""
    from rich.cells import cell_len
    from rich.console import Console
    from rich.table import Table

    cells = [["" if v is None else str(v) for v in r] for r in rows]
    table = Table(box=None, pad_edge=False, header_style="bold")
    for col in cols:
        table.add_column(col, no_wrap=True)
    for r in cells:
        table.add_row(*r)
    # as wide as the widest line, so a row never wraps (a pager or a file takes it whole)
    width = sum(max(cell_len(x) for x in [c, *(r[i] for r in cells)]) + 2 for i, c in enumerate(cols))
    Console(width=max(80, width), soft_wrap=True).print(table)


def cmd_report(args: argparse.Namespace) -> int:
    from budgetwh.report import ReportError, build_report

    settings = load_settings(warehouse=args.warehouse)
    try:
        report = build_report(settings.warehouse, args.out, department=args.department)
    except ReportError as exc:
        print(f"budgetwh report: {exc}", file=sys.stderr)
        return 2
    print(
        f"report  {report.path}  ({report.disclosures} disclosures, {report.charts} charts, {report.findings} findings)"
    )
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    from budgetwh.dbt_build import DbtError, dbt_docs

    settings = load_settings(warehouse=args.warehouse)
    if not settings.warehouse.exists():
        print(f"budgetwh docs: no warehouse at {settings.warehouse}: run `budgetwh run` first", file=sys.stderr)
        return 2
    try:
        site = dbt_docs(settings.warehouse, args.out or settings.work_dir / "docs")
    except DbtError as exc:
        print(f"budgetwh docs: {exc}", file=sys.stderr)
        return 1
    print(f"docs       {site}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from budgetwh.export import ExportError, export

    settings = load_settings(warehouse=args.warehouse)
    try:
        done = export(settings.warehouse, args.out, [f.strip() for f in args.format.split(",")])
    except ExportError as exc:
        print(f"budgetwh export: {exc}", file=sys.stderr)
        return 2
    print("\n".join(done.summary()))
    return 0


def cmd_accept(args: argparse.Namespace) -> int:
    from budgetwh.accept import UnknownDocument, resolve
    from flows.ingest import ingest

    settings = load_settings(raw_dir=args.raw, warehouse=args.warehouse)
    try:
        document_id = resolve(settings.warehouse, args.document)
    except UnknownDocument as exc:
        print(f"budgetwh accept: {exc}", file=sys.stderr)
        return 2
    result = ingest(
        raw_dir=settings.raw_dir,
        warehouse=settings.warehouse,
        acceptances=[(document_id, args.reason, getpass.getuser())],
    )
    print(f"accepted {document_id[:12]}… ({args.reason})")
    _print_run(result)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from flows.serve import NoPrefectServer, serve

    try:
        serve(cron=args.cron, interval=args.interval, raw_dir=args.raw, warehouse=args.warehouse)
    except NoPrefectServer as exc:
        print(f"budgetwh serve: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from budgetwh import runlog

    settings = load_settings(warehouse=args.warehouse)
    console = Console(width=200)
    console.print(f"warehouse  {settings.warehouse}" + ("" if settings.warehouse.exists() else "  (not built yet)"))
    runs = runlog.recent(settings.warehouse, args.runs)
    table = Table(title=f"last {len(runs)} runs", title_justify="left")
    for col in ("ended (UTC)", "outcome", "s", "loaded", "quarantined", "published", "failed checks", "note"):
        table.add_column(col, overflow="fold")
    for r in runs:
        note = r.get("error") or "; ".join(r.get("dbt_warnings") or [])
        table.add_row(
            str(r.get("ended_at", "")),
            str(r.get("outcome", "")),
            str(r.get("seconds", "")),
            str(r.get("loaded", "")),
            ", ".join(r.get("quarantined") or []),
            str(r.get("published", "")),
            str((r.get("checks") or {}).get("fail", "")),
            note[:160],
        )
    console.print(table)
    if not settings.warehouse.exists():
        return 0
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        try:
            files = con.execute(
                """select path, file_status, coalesce(validation_status, ''), coalesce(reason, '')
                   from marts.dim_file
                   where file_status in ('skipped', 'refused')
                      or validation_status in ('quarantined', 'incomplete', 'failed')
                   order by file_status, path"""
            ).fetchall()
        except duckdb.CatalogException:
            files = []
    table = Table(title=f"{len(files)} files not published from the raw folder", title_justify="left")
    for col in ("path", "file", "document", "why"):
        table.add_column(col, overflow="fold")
    for row in files:
        table.add_row(*row)
    console.print(table)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for all subcommands."""
    parser = argparse.ArgumentParser(prog="budgetwh", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="ingest a folder of documents and publish the warehouse")
    run.add_argument("--raw", type=Path, default=None, help="folder of source documents (default raw/)")
    run.add_argument("--warehouse", type=Path, default=None, help="warehouse file (default warehouse/budget.duckdb)")
    run.add_argument("--strict", action="store_true", help="exit 1 when a document is quarantined or GX fails")
    run.add_argument(
        "--full-rebuild",
        action="store_true",
        help="rebuild every model from the raw rows, not only what changed (as after a code change)",
    )
    run.set_defaults(func=cmd_run)

    checks = sub.add_parser("checks", help="print rule-check findings as a table")
    checks.add_argument("--warehouse", type=Path, default=None)
    checks.add_argument("--status", default="fail,rounding", help="comma-separated statuses (default fail,rounding)")
    checks.add_argument("--rule", default=None, help="only this rule_id")
    checks.add_argument("--document", default=None, help="only this file name or document id prefix")
    checks.set_defaults(func=cmd_checks)

    accept = sub.add_parser("accept", help="publish a document despite failing checks (recorded, with a reason)")
    accept.add_argument("document", help="document id, id prefix or file name")
    accept.add_argument("--reason", required=True)
    accept.add_argument("--raw", type=Path, default=None)
    accept.add_argument("--warehouse", type=Path, default=None)
    accept.set_defaults(func=cmd_accept)

    status = sub.add_parser("status", help="last runs, files not published and warnings")
    status.add_argument("--warehouse", type=Path, default=None)
    status.add_argument("--runs", type=int, default=10, help="how many runs to show (default 10)")
    status.set_defaults(func=cmd_status)

    export = sub.add_parser("export", help="write the published marts as Parquet, CSV and Excel workbooks")
    export.add_argument("--warehouse", type=Path, default=None)
    export.add_argument("--out", type=Path, default=Path("export"), help="output folder (default export/)")
    export.add_argument(
        "--format", default="parquet,csv,xlsx", help="parquet, csv, xlsx, comma-separated (default all)"
    )
    export.set_defaults(func=cmd_export)

    docs = sub.add_parser("docs", help="write dbt's documentation of the marts as one static HTML file")
    docs.add_argument("--warehouse", type=Path, default=None)
    docs.add_argument("--out", type=Path, default=None, help="folder (default build/<warehouse>-<hash>/docs)")
    docs.set_defaults(func=cmd_docs)

    report = sub.add_parser("report", help="write a static HTML report (charts and findings) that opens offline")
    report.add_argument("--warehouse", type=Path, default=None)
    report.add_argument("--out", type=Path, default=Path("report/index.html"), help="default report/index.html")
    report.add_argument("--department", default=None, help="only departments whose name contains this")
    report.set_defaults(func=cmd_report)

    serve = sub.add_parser("serve", help="run the ingest on a schedule (needs a Prefect server, PREFECT_API_URL)")
    when = serve.add_mutually_exclusive_group()
    when.add_argument("--cron", default="0 2 * * *", help='cron schedule (default "0 2 * * *", nightly at 02:00)')
    when.add_argument("--interval", type=int, default=None, help="every N seconds instead of a cron schedule")
    serve.add_argument("--raw", type=Path, default=None)
    serve.add_argument("--warehouse", type=Path, default=None)
    serve.set_defaults(func=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `budgetwh` console script."""
    # The temporary Prefect server's usage heartbeat has nowhere to go offline.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # Prefect waits 20 s for its temporary server; on a busy 2-core machine it
    # needs longer and the run would die before reading a file.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    args = build_parser().parse_args(argv)
    from budgetwh.pipeline import RunLocked

    try:
        return args.func(args)
    except RunLocked as exc:
        print(f"budgetwh {args.command}: {exc}", file=sys.stderr)
        return EXIT_LOCKED


if __name__ == "__main__":
    sys.exit(main())
