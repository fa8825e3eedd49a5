"""Self-test for expectations.checkpoint (GX 1.x pandas route over a DuckDB file)."""

from __future__ import annotations

import socket
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from expectations.checkpoint import run_checkpoint

DDL = """
create schema marts;
create table marts.fct_rule_check (
    check_id varchar, rule_id varchar, rule_family varchar, severity varchar, document_id varchar,
    unit_code varchar, table_code varchar, line_label varchar,
    lhs decimal(18,2), rhs decimal(18,2), diff decimal(18,2), tolerance decimal(18,2),
    status varchar, message varchar
);
"""

# check_id rule_id severity document_id line_label lhs rhs diff tolerance status
# ("-" = NULL).  c2 sits exactly at tolerance; warning (c3) and skipped (c4) rows
# are not held to the tolerance.
GOOD_ROWS = """
c1  R1  error    D1  Total     100.00  100.00   0.00  0.01  pass
c2  R2  error    D1  Subtotal  100.01  100.00   0.01  0.01  rounding
c3  R3  warning  D1  Memo      105.00  100.00   5.00  0.01  fail
c4  R4  error    D2  Missing   -       -        -     0.01  skipped
"""
BAD_ROW = "c5  R5  error  D2  GrandTotal  110.00  100.00  10.00  0.01  fail"


def _rows(text: str) -> list[tuple]:
    out = []
    for line in text.strip().splitlines():
        f = [None if v == "-" else v for v in line.split()]
        money = [None if v is None else Decimal(v) for v in f[5:9]]
        out.append((*f[:5], *money, f[9]))
    return out


def _warehouse(path: Path, text: str) -> Path:
    con = duckdb.connect(str(path))
    try:
        con.execute(DDL)
        con.executemany(
            "insert into marts.fct_rule_check values (?, ?, ?, ?, ?, 'U1', 'T1', ?, ?, ?, ?, ?, ?, null)",
            # error rules in a table family, warnings in the narrative family
            [(r[0], r[1], "summary" if r[2] == "error" else "narrative", *r[2:]) for r in _rows(text)],
        )
    finally:
        con.close()
    return path


@pytest.fixture
def no_network(monkeypatch):
    def deny(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args[1:]}")

    monkeypatch.setattr(socket.socket, "connect", deny)
    monkeypatch.setattr(socket, "getaddrinfo", deny)


def test_error_row_outside_tolerance_fails(tmp_path, no_network):
    wh = _warehouse(tmp_path / "wh.duckdb", GOOD_ROWS + BAD_ROW)
    outcome = run_checkpoint(wh, tmp_path / "build")

    assert outcome.success is False
    # c1 (diff exactly 0) cannot exceed any tolerance and is not sent to GX
    assert outcome.evaluated > 0 and outcome.rows == 4
    assert any("excess" in name for name in outcome.failed_expectations)
    bad = [r for r in outcome.unexpected if r["check_id"] == "c5"]
    assert bad, outcome.unexpected
    assert bad[0]["rule_id"] == "R5" and bad[0]["document_id"] == "D2"
    assert bad[0]["line_label"] == "GrandTotal"
    assert bad[0]["diff"] == Decimal("10.00") and isinstance(bad[0]["diff"], Decimal)
    # only the bad row fails an error expectation (warning / skipped / at-tolerance rows are fine)
    errors = [r for r in outcome.unexpected if r["expectation"] != "rule family narrative"]
    assert {r["check_id"] for r in errors} == {"c5"}
    assert "rule family summary" in outcome.failed_expectations
    # DuckDB connection was closed: the file can be opened read-write again
    duckdb.connect(str(wh)).close()


def test_all_within_tolerance_passes_and_writes_data_docs(tmp_path, no_network):
    wh = _warehouse(tmp_path / "wh.duckdb", GOOD_ROWS)
    build_dir = tmp_path / "build"
    outcome = run_checkpoint(wh, build_dir)

    assert outcome.success is True, outcome.failed_expectations
    # c3, a warning beyond its tolerance, is reported under its family and fails nothing
    assert outcome.failed_expectations == ["rule family narrative"]
    assert [(r["check_id"], r["expectation"]) for r in outcome.unexpected] == [("c3", "rule family narrative")]
    assert outcome.evaluated > 0 and outcome.rows == 3
    assert outcome.docs_index is not None and outcome.docs_index.name == "index.html"
    assert outcome.docs_index.is_file()
    assert outcome.docs_index.resolve().is_relative_to(build_dir.resolve())
    assert list((build_dir / "gx" / "uncommitted" / "validations").rglob("*.json"))
    # second run into the same build dir (config re-registered from code) still works
    assert run_checkpoint(wh, build_dir).success is True
    _assert_docs_load_nothing_remote(outcome.docs_index.parent)


def _assert_docs_load_nothing_remote(site: Path) -> None:
    """Every page styles and scripts itself from files in the site (GX links them to CDNs,
    which left the pages unstyled offline); only plain hyperlinks point outside."""
    import re

    pages = list(site.rglob("*.html"))
    assert len(pages) >= 3  # index, suite, validations
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"""<(link|script|img)[^>]*(href|src)\s*=\s*["']https?://""", text, re.I), page
        # (GX's own favicon link on validation pages is one level short; not ours to fix)
        for ref in re.findall(r"""<(?:link rel="stylesheet"|script)[^>]*(?:href|src)\s*=\s*["']([^"'#?]+)""", text):
            assert (page.parent / ref).exists(), (page, ref)
    assert "bootstrap.min.css" in (site / "index.html").read_text(encoding="utf-8")


def test_one_expectation_per_rule_family() -> None:
    """Issue 9: the data docs show which rule family failed where; the families and their
    severities are the rule catalog's (data), one severity each."""
    from expectations.checkpoint import rule_families, suite_expectations

    families = rule_families()
    assert families == {
        "cross": "error", "hierarchy": "error", "identity": "error", "row": "error", "summary": "error",
        "three_public": "error", "narrative": "warning", "consistency": "warning",
    }  # fmt: skip
    tagged = [e for e in suite_expectations() if (e.meta or {}).get("family")]
    assert sorted(e.meta["family"] for e in tagged) == sorted(families)
    assert {e.meta["family"]: str(e.severity) for e in tagged}["narrative"].endswith("WARNING")


def test_a_family_of_two_severities_is_refused(tmp_path: Path) -> None:
    from expectations.checkpoint import rule_families

    catalog = tmp_path / "rule_catalog.csv"
    catalog.write_text("rule_id,family,severity,statement,tolerance_per_term\na,f,error,x,0\nb,f,warning,y,0\n")
    with pytest.raises(ValueError, match="one severity"):
        rule_families(catalog)


def test_the_tolerance_holds_to_the_fen(tmp_path, no_network):
    # The expectations compare whole fen (0.000001 万元, the sixth decimal of fct_rule_check):
    # one fen over the tolerance fails, exactly at it passes, however large the amounts.
    rows = """
    c1  R1  error  D1  AtTolerance  123456789012.345678  123456789012.335678  0.010000  0.010000  rounding
    c2  R2  error  D1  OneFenOver   123456789012.345679  123456789012.335678  0.010001  0.010000  fail
    """
    path = tmp_path / "wh.duckdb"
    con = duckdb.connect(str(path))
    try:
        con.execute(DDL.replace("decimal(18,2)", "decimal(24,6)"))
        con.executemany(
            "insert into marts.fct_rule_check values (?, ?, 'summary', ?, ?, 'U1', 'T1', ?, ?, ?, ?, ?, ?, null)",
            _rows(rows),
        )
    finally:
        con.close()
    outcome = run_checkpoint(path, tmp_path / "build")
    assert outcome.success is False
    assert {r["check_id"] for r in outcome.unexpected} == {"c2"}
