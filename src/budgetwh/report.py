"""`budgetwh report`: one static HTML file people open without a database or a network.

Charts are Vega-Lite specs made with Altair and drawn in the page by Vega, whose JavaScript
(vl-convert's bundle) is inlined, so the file works offline and keeps tooltips. Every figure
comes from the canonical marts (fct_budget_figure and the analysis marts), so nothing is
counted twice; findings list the file and line or page they come from.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import duckdb

PHASE_NAMES = {"budget": "预算", "final": "决算"}
# Each disclosure's total expense, once: the 合计 of its 支出总表, else the 本年支出合计 of its
# 收支总表 or its 情况说明 (fct_budget_figure takes the narrative only where no table prints it).
# Hebei documents print both; taking either would list them twice.
TOTAL_EXPENSE_SQL = """
    select * from marts.fct_budget_figure
    where figure = 'expense_total' and fund_scope = 'all_funds'
      and subject_key in ('balance:total', 'balance:expense_current_total')
    qualify row_number() over (partition by disclosure_key order by subject_key != 'balance:total') = 1
"""

STYLE = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif;
       margin: 2rem auto; max-width: 72rem; color: #222; line-height: 1.45; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { margin-top: 2.5rem; border-bottom: 1px solid #ccc; }
h3 { margin-top: 1.5rem; } .meta { color: #666; font-size: .9rem; }
table { border-collapse: collapse; font-size: .85rem; margin: .5rem 0 1rem; }
th, td { border: 1px solid #ddd; padding: .25rem .5rem; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.fail { color: #b00020; font-weight: bold; } .rounding { color: #a06000; }
.chart { margin: .5rem 0 1rem; } .note { color: #555; font-size: .9rem; }
"""


class ReportError(Exception):
    """A report that cannot be written (no warehouse)."""


@dataclass
class Report:
    """The written report and what it shows."""

    path: Path
    disclosures: int
    charts: int
    findings: int


class _Page:
    """Collects HTML and chart specs; charts are embedded by id once the bundle is loaded."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.specs: list[tuple[str, dict]] = []

    def add(self, markup: str) -> None:
        self.parts.append(markup)

    def chart(self, chart) -> None:
        chart_id = f"chart-{len(self.specs) + 1}"
        self.specs.append((chart_id, chart.to_dict()))
        self.add(f'<div class="chart" id="{chart_id}"></div>')

    def table(self, header: list[str], rows: list[list[object]], numeric: set[int] | None = None) -> None:
        numeric = numeric or set()
        cells = "".join(f"<th>{html.escape(h)}</th>" for h in header)
        body = []
        for row in rows:
            tds = []
            for i, v in enumerate(row):
                cls = ' class="num"' if i in numeric else ""
                text = _fmt(v)
                if text in ("fail", "rounding"):
                    cls = f' class="{text}"'
                tds.append(f"<td{cls}>{html.escape(text)}</td>")
            body.append("<tr>" + "".join(tds) + "</tr>")
        self.add(f"<table><thead><tr>{cells}</tr></thead><tbody>{''.join(body)}</tbody></table>")


def _fmt(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, Decimal):
        return f"{v:,.2f}"
    return str(v)


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    rel = con.execute(sql, params or [])
    cols = [d[0] for d in rel.description]
    return [dict(zip(cols, r, strict=True)) for r in rel.fetchall()]


def _frame(rows: list[dict]):
    """Rows for a chart: amounts as numbers to draw, with the exact amount as text for tooltips."""
    import polars as pl

    out = []
    for r in rows:
        r = dict(r)
        for k, v in list(r.items()):
            if isinstance(v, Decimal):
                r[k] = float(v)
                r[f"{k}_text"] = f"{v:,.2f}"
        out.append(r)
    return pl.DataFrame(out)


def build_report(warehouse: Path, out: Path, department: str | None = None) -> Report:
    """Write `out` (an .html file) from the published marts of `warehouse`, opened read-only.

    `department` keeps only departments whose name contains it.
    """
    if not warehouse.exists():
        raise ReportError(f"no warehouse at {warehouse}: run `budgetwh run` first")
    page = _Page()
    like = f"%{department}%" if department else "%"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        disclosures = _rows(
            con,
            """select disclosure_key, department_name, fiscal_year, phase, file_names, document_ids
               from marts.dim_disclosure where is_published and coalesce(department_name, '') like ?
               order by department_name, fiscal_year, phase""",
            [like],
        )
        counts = con.execute(
            """select (select count(*) from marts.dim_document where is_published),
                      (select count(*) from marts.fact_budget_line),
                      (select count(*) from marts.fct_budget_figure)"""
        ).fetchone()
        page.add("<h1>部门预算公开 · budgetwh report</h1>")
        page.add(
            f'<p class="meta">{html.escape(str(warehouse))} · written {datetime.now(UTC):%Y-%m-%d %H:%M} UTC · '
            f"{len(disclosures)} disclosures, {counts[0]} published documents, {counts[1]} printed amounts, "
            f"{counts[2]} canonical figures (each amount once; see fct_budget_figure)</p>"
        )
        if department and not disclosures:
            raise ReportError(f"no published disclosure of a department whose name contains {department!r}")
        keys = [d["disclosure_key"] for d in disclosures]
        _overview(con, page, keys)
        _trends(con, page, keys)
        _budget_against_final(con, page, keys)
        findings = 0
        for d in disclosures:
            findings += _disclosure(con, page, d)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(_html(page), encoding="utf-8")
    return Report(out, len(disclosures), len(page.specs), findings)


def _overview(con, page: _Page, keys: list[str]) -> None:
    import altair as alt

    rows = _rows(
        con,
        """select department_name || ' ' || fiscal_year || ' ' || phase as disclosure,
                  department_name, fiscal_year, phase, figure, amount_wan
           from marts.fct_budget_figure
           where disclosure_key in (select unnest(?)) and fund_scope = 'all_funds'
             and figure in ('expense_basic', 'expense_project') and subject_key = 'balance:total'
           order by all""",
        [keys],
    )
    page.add("<h2>支出总额：基本支出与项目支出 · Expense: basic and project (万元, all funds)</h2>")
    if not rows:
        page.add('<p class="note">No disclosure prints basic and project expense.</p>')
        return
    chart = (
        alt.Chart(_frame(rows))
        .mark_bar()
        .encode(
            y=alt.Y("disclosure:N", title=None, sort=None),
            x=alt.X("amount_wan:Q", title="万元", stack="zero"),
            color=alt.Color("figure:N", title=None),
            tooltip=["department_name", "fiscal_year", "phase", "figure", "amount_wan_text"],
        )
        .properties(width=720)
    )
    page.chart(chart)


def _trends(con, page: _Page, keys: list[str]) -> None:
    import altair as alt

    page.add("<h2>“三公”经费 by year · 三公 expense trend (万元)</h2>")
    rows = _rows(
        con,
        """select department_name, fiscal_year, phase, subject_name as item, amount_wan
           from marts.fct_budget_figure
           where disclosure_key in (select unnest(?)) and figure = 'three_public' and fund_scope = 'fiscal'
             and subject_key in ('three_public:total', 'three_public:abroad', 'three_public:vehicle',
                                 'three_public:reception')
           order by all""",
        [keys],
    )
    if rows:
        chart = (
            alt.Chart(_frame(rows))
            .mark_line(point=True)
            .encode(
                x=alt.X("fiscal_year:O", title="year"),
                y=alt.Y("amount_wan:Q", title="万元"),
                color=alt.Color("department_name:N", title=None),
                strokeDash=alt.StrokeDash("item:N", title=None),
                tooltip=["department_name", "fiscal_year", "phase", "item", "amount_wan_text"],
            )
            .properties(width=720, height=260)
        )
        page.chart(chart)
    else:
        page.add('<p class="note">No disclosure states its 三公 expense.</p>')
    page.add("<h2>Year on year · 与上年比较 (total expense, all funds)</h2>")
    yoy = _rows(
        con,
        f"""select department_name, phase, previous_year, fiscal_year, previous_amount_wan, amount_wan,
                  change_wan, change_pct
           from marts.fct_figure_year_on_year
           where figure_id in (select figure_id from ({TOTAL_EXPENSE_SQL}) where disclosure_key in (select unnest(?)))
           order by all""",
        [keys],
    )
    if yoy:
        page.table(
            ["department", "phase", "from", "to", "from 万元", "to 万元", "change 万元", "change %"],
            [list(r.values()) for r in yoy],
            numeric={4, 5, 6, 7},
        )
    else:
        page.add('<p class="note">No department has two years loaded: nothing to compare yet.</p>')


def _budget_against_final(con, page: _Page, keys: list[str]) -> None:
    page.add("<h2>预算 against 决算 · Budget against final (total expense, all funds)</h2>")
    rows = _rows(
        con,
        f"""with totals as (
               select coalesce(unit_key, department_name) as department_key, department_name, fiscal_year,
                      phase, amount_wan
               from ({TOTAL_EXPENSE_SQL})
               where disclosure_key in (select unnest(?))
           )
           select b.department_name, b.fiscal_year, b.amount_wan as budget_wan, f.amount_wan as final_wan,
                  case when b.amount_wan != 0
                       then cast(round(f.amount_wan * 100 / b.amount_wan, 2) as decimal(9, 2)) end as execution_pct
           from totals b join totals f using (department_key, fiscal_year)
           where b.phase = 'budget' and f.phase = 'final'
           order by all""",
        [keys],
    )
    if rows:
        page.table(
            ["department", "year", "预算 万元", "决算 万元", "execution %"],
            [list(r.values()) for r in rows],
            numeric={2, 3, 4},
        )
    else:
        page.add('<p class="note">No department has both a 预算 and a 决算 of the same year loaded.</p>')


def _disclosure(con, page: _Page, d: dict) -> int:
    import altair as alt

    key = d["disclosure_key"]
    title = f"{d['department_name'] or '(department not printed)'} · {d['fiscal_year']} {PHASE_NAMES.get(d['phase'])}"
    page.add(f"<h2>{html.escape(title)}</h2>")
    page.add(f'<p class="meta">files: {html.escape(", ".join(d["file_names"]))}</p>')
    composition = _rows(
        con,
        """select subject_code, subject_name, amount_wan, share_pct
           from marts.fct_figure_composition
           where disclosure_key = ? and fund_scope = 'all_funds' and figure = 'expense_total'
             and subject_classification = 'function'
           order by amount_wan desc""",
        [key],
    )
    if composition:
        page.add("<h3>支出功能分类 · Expense by function class (all funds)</h3>")
        chart = (
            alt.Chart(_frame(composition))
            .mark_bar()
            .encode(
                y=alt.Y("subject_name:N", title=None, sort="-x"),
                x=alt.X("amount_wan:Q", title="万元"),
                tooltip=["subject_code", "subject_name", "amount_wan_text", "share_pct"],
            )
            .properties(width=600, height=max(60, 24 * len(composition)))
        )
        page.chart(chart)
        page.table(
            ["code", "class", "万元", "share %"],
            [list(r.values()) for r in composition],
            numeric={2, 3},
        )
    findings = _rows(
        con,
        """select c.status, c.rule_id, c.file_name,
                  coalesce(f.source_locator, 'line ' || c.source_line) as locator,
                  c.line_label, c.measure, c.lhs, c.rhs, c.diff, c.message
           from marts.fct_rule_check c
           left join (select document_id, table_seq, row_seq, any_value(source_locator) as source_locator
                      from marts.fact_budget_line where document_id in (select unnest(?)) group by all) f
             on f.document_id = c.document_id and f.table_seq = c.table_seq and f.row_seq = c.row_seq
           where c.document_id in (select unnest(?)) and c.status in ('fail', 'rounding')
           order by c.status = 'fail' desc, c.file_name, c.source_line""",
        [d["document_ids"], d["document_ids"]],
    )
    page.add(f"<h3>Findings · 发现 ({len(findings)})</h3>")
    if findings:
        page.table(
            ["status", "rule", "file", "where", "label", "measure", "lhs", "rhs", "diff", "message"],
            [list(r.values()) for r in findings],
            numeric={6, 7, 8},
        )
    else:
        page.add('<p class="note">Every checked identity holds.</p>')
    return len(findings)


def _html(page: _Page) -> str:
    import altair as alt
    import vl_convert as vlc

    # The bundle matches the Vega-Lite version Altair writes specs for.
    bundle = vlc.javascript_bundle(vl_version=alt.SCHEMA_VERSION.rsplit(".", 1)[0])
    embeds = "\n".join(
        f"vegaEmbed({json.dumps('#' + chart_id)}, {json.dumps(spec, ensure_ascii=False)}, "
        '{"renderer": "svg", "actions": false});'
        for chart_id, spec in page.specs
    ).replace("</", "<\\/")
    bundle = bundle.replace("</script", "<\\/script")
    return (
        '<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>budgetwh report</title><style>{STYLE}</style>"
        f"<script>{bundle}</script></head>\n<body>\n"
        + "\n".join(page.parts)
        + f"\n<script>\n{embeds}\n</script>\n</body></html>\n"
    )
