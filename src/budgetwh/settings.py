"""Settings read once from the environment, shared by the CLI, the flow and dbt."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def duckdb_config() -> dict[str, str]:
    """Connection settings for every writer: a bounded buffer pool (BUDGETWH_MEMORY_LIMIT).

    DuckDB otherwise takes 80% of RAM, so a large build's memory grows with the
    corpus; with a limit it spills to disk. dbt reads the same variable (profiles.yml).
    """
    return {"memory_limit": os.environ.get("BUDGETWH_MEMORY_LIMIT", "4GB")}


def whole_number(var: str, default: int, least: int = 0, meaning: str = "") -> int:
    """The whole number an environment variable sets (`default` when unset); a value that is
    not one, or under `least`, is refused naming the variable (and `meaning`, why the bound)."""
    value = os.environ.get(var)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"{var}={value!r} is not a whole number") from None
    if number < least:
        raise ValueError(f"{var}={value!r}: {meaning or f'at least {least}'}")
    return number


SLICE_VAR = "BUDGETWH_SLICE_DOCUMENTS"
# 10,000 documents build in one pass under the default 4 GB pool (the bench's 10,000 row), so
# builds up to that size stay one pass; 100,000 built in 10 slices of this size under an 8 GB
# pool, and ran out of 4 GB in 20 slices of 5,000 (docs/decisions.md, "Sliced builds").
DEFAULT_SLICE_DOCUMENTS = 10000


def slice_documents() -> int:
    """How many documents a dbt build rebuilds in one pass of its incremental models
    (BUDGETWH_SLICE_DOCUMENTS): a larger build runs them slice by slice, so its memory is bounded
    by the slice, not by the warehouse (budgetwh.dbt_build.dbt_build_sliced)."""
    return whole_number(SLICE_VAR, DEFAULT_SLICE_DOCUMENTS, 1, "a slice holds at least one document")


@dataclass(frozen=True)
class Settings:
    """Paths the pipeline works with; every path is absolute."""

    raw_dir: Path
    warehouse: Path
    build_dir: Path
    repo_root: Path = REPO_ROOT

    @property
    def work_dir(self) -> Path:
        """This warehouse's own folder under the build folder: dbt's target and logs, the GX
        context and data docs. Runs on different warehouse files (each under its own run
        lock) then never write the same dbt manifest or GX store at once."""
        digest = hashlib.sha256(str(self.warehouse).encode()).hexdigest()[:8]
        return self.build_dir / f"{self.warehouse.stem}-{digest}"

    @property
    def dbt_project_dir(self) -> Path:
        """The dbt project lives at the repo root (`dbt_project.yml`)."""
        return self.repo_root


def load_settings(raw_dir: Path | None = None, warehouse: Path | None = None) -> Settings:
    """Resolve settings: explicit arguments win, then environment, then defaults."""
    env_wh = os.environ.get("BUDGETWH_WAREHOUSE")
    env_raw = os.environ.get("BUDGETWH_RAW")
    env_build = os.environ.get("BUDGETWH_BUILD")
    wh = warehouse or (Path(env_wh) if env_wh else REPO_ROOT / "warehouse" / "budget.duckdb")
    raw = raw_dir or (Path(env_raw) if env_raw else REPO_ROOT / "raw")
    build = Path(env_build) if env_build else REPO_ROOT / "build"
    return Settings(raw_dir=raw.resolve(), warehouse=wh.resolve(), build_dir=build.resolve())
