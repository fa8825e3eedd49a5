"""Issue 11 with real processes: `kill -9` of a run at every stage, a reader process
and a second run while one builds. The published file must stay exactly as it was,
readable, with no write-ahead log or lock left behind, and the next run must reach
the clean counts.

Each run is `budgetwh run` in its own process group, stopped at the start of a stage
by `pipeline.pause_point` (BUDGETWH_PAUSE_AT), optionally let go on for a moment so the
kill lands mid-stage, then killed with SIGKILL. The runs use the test session's Prefect
API, so they start no temporary server of their own.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from budgetwh import pipeline, runlog
from budgetwh.cli import EXIT_LOCKED
from tests.conftest import RAW, REPO_ROOT, SAMPLE_000, SAMPLE_002, Run, run_flow, tables_differing

ZHENGXIE_2019 = RAW / "江苏省政协办公厅2019年预算公开表.pdf"
BUDGETWH = [sys.executable, "-c", "import sys; from budgetwh.cli import main; sys.exit(main())"]


def _env(tmp: Path, **extra: str) -> dict[str, str]:
    from prefect.settings import PREFECT_API_URL

    env = dict(os.environ, PREFECT_API_URL=str(PREFECT_API_URL.value()), BUDGETWH_BUILD=str(tmp / "build"))
    env.update(extra)
    return env


def _stopped(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    return stat.rsplit(")", 1)[1].split()[0] == "T"


def _start_paused(raw: Path, wh: Path, tmp: Path, stage: str) -> subprocess.Popen:
    marker = tmp / f"paused-{stage}"
    marker.unlink(missing_ok=True)
    proc = subprocess.Popen(
        [*BUDGETWH, "run", "--raw", str(raw), "--warehouse", str(wh)],
        cwd=REPO_ROOT,
        env=_env(tmp, BUDGETWH_PAUSE_AT=stage, BUDGETWH_PAUSE_MARKER=str(marker)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: kill -9 takes the parse workers too
    )
    deadline = time.monotonic() + 240
    while not (marker.exists() and _stopped(proc.pid)):
        if proc.poll() is not None:
            raise AssertionError(f"the run ended before {stage}: {proc.stderr.read().decode()[-2000:]}")
        assert time.monotonic() < deadline, f"the run never reached {stage}"
        time.sleep(0.2)
    return proc


def _kill(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.stderr is not None
    proc.stderr.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _reader_counts(wh: Path) -> str:
    """Count documents from another process, read-only, as a BI tool would."""
    code = (
        "import duckdb, sys\n"
        "with duckdb.connect(sys.argv[1], read_only=True) as c:\n"
        "    print(c.execute('select count(*) from marts.dim_document').fetchone()[0])\n"
    )
    return _in_another_process(code, wh)


def _in_another_process(code: str, wh: Path) -> str:
    done = subprocess.run([sys.executable, "-c", code, str(wh)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _superset_reader(wh: Path) -> str:
    """What Superset does, from another process: SQLAlchemy through duckdb-engine with the URL
    docs/bi.md gives. It lists the marts, counts documents, and is refused a write."""
    code = (
        "import sys, sqlalchemy as sa\n"
        "engine = sa.create_engine(f'duckdb:///{sys.argv[1]}?access_mode=read_only')\n"
        "with engine.connect() as c:\n"
        "    assert 'dim_document' in sa.inspect(c).get_table_names(schema='marts')\n"
        "    assert 'fct_budget_figure' in sa.inspect(c).get_view_names(schema='marts')\n"
        "    try:\n"
        "        c.execute(sa.text('create table marts.bi_scratch (x int)'))\n"
        "        sys.exit('a BI connection could write')\n"
        "    except sa.exc.DBAPIError as exc:\n"
        "        assert 'read-only' in str(exc), exc\n"
        "        c.rollback()\n"
        "    print(c.execute(sa.text('select count(*) from marts.dim_document')).scalar())\n"
    )
    return _in_another_process(code, wh)


# stage, seconds it runs on after being stopped at its start before the kill; GX is imported
# while dbt builds (budgetwh.prewarm), so its stage on three documents lasts about a second
STAGES = [("parse", 0.0), ("load", 0.0), ("dbt", 4.0), ("gx", 0.4), ("publish", 0.0)]


def _versions_raw(raw: Path) -> None:
    """A 预算 PDF, a Hebei text and a Wuhan narrative: the published state before the kills."""
    raw.mkdir()
    for f in (ZHENGXIE_2019, SAMPLE_000, SAMPLE_002):
        shutil.copy(f, raw / f.name)


def _new_versions(raw: Path) -> None:
    """What arrives next: the PDF re-uploaded in place but cut off, a corrected 000 under a new
    name beside the original, and 002 deleted."""
    pdf = raw / ZHENGXIE_2019.name
    data = pdf.read_bytes()
    pdf.write_bytes(data[: int(len(data) * 0.9)])
    corrected = SAMPLE_000.read_text(encoding="utf-8").replace(
        "30 30299 其他商品和服务支出 4.50  4.50", "30 30299 其他商品和服务支出 4.51  4.51"
    )
    (raw / "000_更正.txt").write_text(corrected, encoding="utf-8")
    (raw / SAMPLE_002.name).unlink()


def test_killed_runs_leave_the_published_file_then_a_run_publishes_new_versions_once(
    prefect_harness, tmp_path: Path
) -> None:
    """Issue 11, with real processes: `kill -9` at every stage, a reader and a second run while
    one builds, a dead BI session's WAL; then the run that recovers meets new versions. Before,
    a truncated file re-uploaded in place replaced the good version, a corrected document under a
    new name was published beside the old one (sums doubled), a deleted file stayed published."""
    raw = tmp_path / "raw"
    _versions_raw(raw)
    wh = tmp_path / "wh" / "budget.duckdb"
    first = run_flow(raw, wh, tmp_path / "build")
    assert (first.result.summary.documents, first.result.summary.published) == (3, 3)
    ids = dict(first.sql("select file_name, document_id from marts.dim_document"))
    pdf_facts = first.sql("select count(*) from marts.fact_budget_line where file_name = ?", [ZHENGXIE_2019.name])
    published = _digest(wh)
    _new_versions(raw)  # work for the runs that are killed

    for stage, runs_on in STAGES:
        proc = _start_paused(raw, wh, tmp_path, stage)
        if stage == "dbt":
            # while it builds: readers read the published file; a second run is refused at once
            assert _reader_counts(wh) == "3"
            second = subprocess.run(
                [*BUDGETWH, "run", "--raw", str(raw), "--warehouse", str(wh)],
                cwd=REPO_ROOT,
                env=_env(tmp_path),
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert second.returncode == EXIT_LOCKED, second.stderr[-2000:]
            assert f"budgetwh run: another run is building {wh} (pid {proc.pid} since" in second.stderr
        if stage == "publish":
            assert _superset_reader(wh) == "3"  # while the run is about to swap the file in
        if runs_on:
            os.killpg(proc.pid, signal.SIGCONT)
            time.sleep(runs_on)
        _kill(proc)
        assert _digest(wh) == published, f"killed at {stage}: the published file changed"
        assert not wh.with_name(wh.name + ".wal").exists(), stage
        assert _reader_counts(wh) == "3", stage
        with pipeline.run_lock(wh):  # the lock died with the process
            pass

    # a BI session opened the published file read-write and died: its WAL stays beside it.
    # Replayed onto the next published file it put the old session's rows into the new one.
    code = (
        "import duckdb, os, sys\n"
        "c = duckdb.connect(sys.argv[1])\n"
        "c.execute(\"set checkpoint_threshold = '10GB'\")\n"
        'c.execute("create table main.bi_scratch as select 42 as x")\n'
        "os._exit(0)\n"  # dies without checkpointing
    )
    subprocess.run([sys.executable, "-c", code, str(wh)], check=True)
    wal = wh.with_name(wh.name + ".wal")
    assert wal.exists()

    after = run_flow(raw, wh, tmp_path / "build")
    assert not wal.exists()
    assert [p.name.split("-")[0] for p in wh.parent.glob("budget.duckdb.wal.stale-*")] == ["budget.duckdb.wal.stale"]
    assert after.sql("select table_name from information_schema.tables where table_name = 'bi_scratch'") == []
    # the run log: the killed runs left no line, the refused one and the two that published did
    assert [r["outcome"] for r in runlog.recent(wh)] == ["published", "refused", "published"]
    # and the summary printed is the flow run's artifact
    import httpx
    from prefect.settings import PREFECT_API_URL

    from flows.ingest import summary_lines

    query = {"artifacts": {"key": {"any_": ["budgetwh-run-summary"]}}, "limit": 200, "offset": 0}
    artifacts = httpx.post(f"{PREFECT_API_URL.value()}/artifacts/filter", json=query, timeout=10).json()
    assert "```\n" + "\n".join(summary_lines(after.result)) + "\n```" in [a["data"] for a in artifacts]
    _assert_new_versions(after, ids, pdf_facts)
    # the recovering run built incrementally (same code): what a full rebuild makes, row for row
    assert {kind for (kind,) in after.sql("select distinct build_kind from intermediate.int_document_changes")} == {
        "incremental"
    }
    assert tables_differing(wh, tmp_path / "full") == {}


def _assert_new_versions(after: Run, ids: dict[str, str], pdf_facts: list[tuple]) -> None:
    pdf = ZHENGXIE_2019.name
    assert after.result.loaded == 2
    docs = {
        (r[0], r[1]): r[2:]
        for r in after.sql(
            """select file_name, document_id, validation_status, is_latest, is_published, superseded_as,
                      superseded_by, removed_at is not null
               from marts.dim_document"""
        )
    }
    new_pdf = next(i for (name, i) in docs if name == pdf and i != ids[pdf])
    new_000 = next(i for (name, i) in docs if name == "000_更正.txt")
    assert docs == {
        (pdf, ids[pdf]): ("passed", True, True, None, None, False),  # the good version stays
        (pdf, new_pdf): ("incomplete", True, False, None, None, False),
        (SAMPLE_000.name, ids[SAMPLE_000.name]): ("passed", False, False, "reissued", new_000, False),
        # 4.51 is 0.01 off its parents' sums: a rounding warning, not an error
        ("000_更正.txt", new_000): ("passed_with_warnings", True, True, None, None, False),
        (SAMPLE_002.name, ids[SAMPLE_002.name]): ("passed", False, False, None, None, True),
    }
    finding = after.sql("select reason from raw.parse_finding where document_id = ?", [new_pdf])
    assert finding == [("the PDF stops before its end-of-file marker (%%EOF): it was cut short; pages may be missing",)]
    # one figure per line: the re-issue replaced the original, the good PDF is still there
    other = after.sql(
        """select file_name, amount_printed::varchar from marts.fact_budget_line
           where subject_key = 'economic:30299' and scope = 'department' and measure = 'total'"""
    )
    assert other == [("000_更正.txt", "4.510000")]
    assert after.sql("select count(*) from marts.fact_budget_line where file_name = ?", [pdf]) == pdf_facts
    assert after.result.summary.history == 2
    files = after.sql("select path, file_status, validation_status, is_published from marts.dim_file order by 1")
    assert files == [
        ("000_e4a04ce1a9052b5d.txt", "document", "passed", False),
        ("000_更正.txt", "document", "passed_with_warnings", True),
        (pdf, "document", "incomplete", False),
    ]


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(check, seconds: float, what: str, procs: list[subprocess.Popen]) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        for p in procs:
            assert p.poll() is None, f"{p.args[:3]} exited with {p.returncode} while waiting for {what}"
        assert time.monotonic() < deadline, f"no {what} within {seconds} s"
        time.sleep(1)


def test_budgetwh_serve_against_a_real_prefect_server_runs_on_schedule_and_publishes(tmp_path: Path) -> None:
    """Issue 11: the nightly schedule never ran (ephemeral server; sqlalchemy 2.1.9 broke the
    scheduler). A real `prefect server start`, `budgetwh serve` on a 15-second interval: a run
    is scheduled by the server, executed by the served deployment, and publishes."""
    import httpx

    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SAMPLE_002, raw / SAMPLE_002.name)
    wh = tmp_path / "wh" / "budget.duckdb"
    api = f"http://127.0.0.1:{_free_port()}/api"
    env = _env(tmp_path, PREFECT_API_URL=api, PREFECT_HOME=str(tmp_path / "prefect"))
    host, port = api.split("//")[1].split("/")[0].split(":")
    procs: list[subprocess.Popen] = []
    try:
        procs.append(
            subprocess.Popen(
                [str(Path(sys.executable).with_name("prefect")), "server", "start", "--host", host, "--port", port],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        )

        def healthy() -> bool:
            try:
                return httpx.get(f"{api}/health", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        _wait(healthy, 180, "Prefect server", procs)
        procs.append(
            subprocess.Popen(
                [*BUDGETWH, "serve", "--interval", "15", "--raw", str(raw), "--warehouse", str(wh)],
                cwd=REPO_ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        )
        _wait(lambda: wh.exists() and _reader_counts(wh) == "1", 300, "published warehouse", procs)
        done = {"flow_runs": {"state": {"type": {"any_": ["COMPLETED"]}}}, "limit": 50, "offset": 0}
        runs = httpx.post(f"{api}/flow_runs/filter", json=done, timeout=10).json()
        # created by the server's scheduler for the served deployment, run to completion
        assert [r for r in runs if r["deployment_id"] and r["auto_scheduled"]], runs
    finally:
        for p in reversed(procs):
            os.killpg(p.pid, signal.SIGKILL)
            p.wait(timeout=30)


def test_serve_without_a_prefect_server_says_what_to_do(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PREFECT_HOME"] = str(tmp_path / "prefect")  # no profile setting an API URL either
    done = subprocess.run([*BUDGETWH, "serve"], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "budgetwh serve: schedules need a Prefect server: start one with `prefect server start`" in done.stderr
