"""The project's own generic dbt tests, run as the SQL dbt would compile them, on small tables."""

from __future__ import annotations

import re

import duckdb
import jinja2
import pytest

from tests.conftest import REPO_ROOT

MACROS = REPO_ROOT / "dbt_project" / "macros"


def generic_test_sql(name: str, **arguments: object) -> str:
    """The body of `{% test name(...) %}` rendered with `arguments` (model: a table name)."""
    text = (MACROS / f"test_{name}.sql").read_text(encoding="utf-8")
    body = re.search(r"{%\s*test " + name + r"\(.*?\)\s*%}(.*?){%\s*endtest\s*%}", text, re.S)
    assert body is not None, f"no generic test {name} in {MACROS}"
    return jinja2.Template(body.group(1)).render(**arguments)


@pytest.mark.parametrize(
    ("keys", "failing"),
    [
        ([1, 2, 3], 0),
        ([1, 2, 2], 1),  # a duplicate
        ([1, None, 3], 1),  # a null
        ([None, None, 3], 1),  # two nulls: one failing group
        ([1, 1, None], 2),
    ],
)
def test_primary_key_fails_on_a_duplicate_or_a_null(keys: list[int | None], failing: int) -> None:
    con = duckdb.connect()
    con.execute("create table t (k integer)")
    con.executemany("insert into t values (?)", [[k] for k in keys])
    rows = con.execute(generic_test_sql("primary_key", model="t", column_name="k")).fetchall()
    assert len(rows) == failing, rows
