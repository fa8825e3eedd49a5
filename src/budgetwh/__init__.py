"""budgetwh: a warehouse for Chinese public departmental budget disclosures."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from budgetwh.notebook import Marts

__version__ = "0.1.0"

# The raw schema's generation: bumped by hand with schema.sql (see loader.SCHEMA_MARKER).
RAW_SCHEMA = "2"
PACKAGE = Path(__file__).resolve().parent
SEEDS = PACKAGE.parents[1] / "dbt_project" / "seeds"


# Modules that run only after the raw tables are written (dbt, GX's audit, reports, the CLI):
# a change to them cannot change what a parse produces, and a new one would re-parse a year's
# 350,000 documents for nothing. Named here, not the other way round, so a new module counts
# as parser code until someone says it is not.
NOT_PARSER_CODE = frozenset(
    {
        "accept.py",
        "audit.py",
        "build_phases.py",
        "cli.py",
        "dbt_build.py",
        "export.py",
        "notebook.py",
        "prewarm.py",
        "progress.py",
        "report.py",
        "runlog.py",
        "state.py",
    }
)


def parser_version(package: Path = PACKAGE, seeds: Path = SEEDS) -> str:
    """The raw schema generation plus a hash of the parser's code and the seeds it reads.

    Re-ingesting the same bytes is a no-op only for the same parser: any change to
    the readers, the recognisers or the catalog re-parses every document (and gives
    a quarantined one another try) instead of leaving stale facts in place. The modules
    in `NOT_PARSER_CODE` (top level of the package) are left out.
    """
    digest = hashlib.sha256(RAW_SCHEMA.encode())
    code = sorted(
        (
            f
            for f in [*package.rglob("*.py"), *package.rglob("*.sql")]
            if f.relative_to(package).as_posix() not in NOT_PARSER_CODE
        ),
        key=lambda f: f.relative_to(package).as_posix(),
    )
    data = sorted(seeds.glob("*.csv")) if seeds.is_dir() else []
    for f in [*code, *data]:
        digest.update(f.name.encode())
        digest.update(f.read_bytes())
    return f"{RAW_SCHEMA}.{digest.hexdigest()[:12]}"


PARSER_VERSION = parser_version()


def open(warehouse: Path | str | None = None) -> Marts:
    """The published marts as polars frames, read-only: `budgetwh.open().facts`.

    See `budgetwh.notebook.Marts` for the marts it offers.
    """
    from budgetwh.notebook import open_marts

    return open_marts(warehouse)
