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
    s = result.summary
    checks = s.checks
    print(f"warehouse  {result.warehouse}")
    print(
        f"documents  {s.documents} ({result.loaded} loaded now, {result.unchanged} unchanged, "
        f"{s.quarantined} quarantined, {s.published} published)"
    )
    if result.skipped:
        print(f"skipped    {len(result.skipped)} files not read: " + "; ".join(f"{n} ({r})" for n, r in result.skipped))
    print(f"tables     {s.tables}")
    print(f"facts      {s.facts} ({s.published_facts} in published documents)")
    print(
        f"checks     {checks.get('pass', 0)} passed / {checks.get('rounding', 0)} rounding / "
        f"{checks.get('fail', 0)} failed / {checks.get('skipped', 0)} skipped"
    )
    gx = "passed" if result.checkpoint_success else "FAILED: " + ", ".join(result.checkpoint_failures)
    print(f"GX         checkpoint {gx}" + (f" · data docs {result.data_docs}" if result.data_docs else ""))
    for name, error in result.quarantined:
        print(f"quarantined  {name}: {error}")


def cmd_run(args: argparse.Namespace) -> int:
    from flows.ingest import ingest

    result = ingest(raw_dir=args.raw, warehouse=args.warehouse)
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
        rel = con.execute(sql, params)
        rows = rel.fetchall()
        cols = [d[0] for d in rel.description]
        counts = con.execute("select status, count(*) from marts.fct_rule_check group by all order by 1").fetchall()
    print("  ".join(f"{s}={n}" for s, n in counts))
    if not rows:
        print(f"no checks with status {', '.join(statuses)}")
        return 0
    table = [cols, *[["" if v is None else str(v) for v in r] for r in rows]]
    widths = [max(len(r[i]) for r in table) for i in range(len(cols))]
    for r in table:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip())
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


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for all subcommands."""
    parser = argparse.ArgumentParser(prog="budgetwh", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="ingest a folder of documents and publish the warehouse")
    run.add_argument("--raw", type=Path, default=None, help="folder of source documents (default raw/)")
    run.add_argument("--warehouse", type=Path, default=None, help="warehouse file (default warehouse/budget.duckdb)")
    run.add_argument("--strict", action="store_true", help="exit 1 when a document is quarantined or GX fails")
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
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `budgetwh` console script."""
    # The temporary Prefect server's usage heartbeat has nowhere to go offline.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # Prefect waits 20 s for its temporary server; on a busy 2-core machine it
    # needs longer and the run would die before reading a file.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
