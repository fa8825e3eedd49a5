"""`make bench`: PDF pages/s on the real PDFs, then the whole pipeline on N = 100, 1,000, 10,000.

Writes bench/results.json, bench/results.md and bench/results.png. Every figure is
measured here, on this machine; nothing is asserted. Per N:
- floor: read the corpus bytes and split them into lines (one process);
- parse: read + parse only, on 2 worker processes, and on 1 core for a sample;
- a fresh flow run (Prefect flow, as `budgetwh run`) with its stage timings and peak RSS;
- correctness: documents with `fail` findings vs the generator's manifest of errors;
- a rerun with nothing changed, and a rerun with 10 changed documents.
`--fresh-only N` measures a size without the parse-only pass, the temporary-server rerun and the
rerun with 10 changed (each a second corpus or pass of the same size): how 100,000 is run.
The runs talk to one running Prefect server, as a scheduled deployment does; one more rerun
with nothing changed measures a one-off run, which starts Prefect's temporary server.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import duckdb

from budgetwh import pipeline, runlog

BENCH = Path(__file__).resolve().parent
PYTHON = sys.executable
SEED = 7


def sh(*args: str, env: dict[str, str] | None = None) -> str:
    """Run a command, return its stdout; fail loudly."""
    done = subprocess.run(args, capture_output=True, text=True, check=False, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def corpus(out: Path, n: int, changed: int = 0) -> tuple[Path, float]:
    """Generate (or reuse) a corpus; return its folder and generation seconds."""
    folder = out / (f"corpus_{n}" + (f"_changed{changed}" if changed else ""))
    manifest = folder / "manifest.json"
    if manifest.exists() and json.loads(manifest.read_text())["n"] == n:
        return folder, 0.0
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    args = [PYTHON, str(BENCH / "generate.py"), "--n", str(n), "--out", str(folder)]
    args += ["--seed", "1", "--base-seed", str(SEED), "--changed", str(changed)] if changed else ["--seed", str(SEED)]
    sh(*args)
    return folder, time.perf_counter() - started


@contextlib.contextmanager
def changes_applied(raw: Path, changed: Path, aside: Path) -> Iterator[int]:
    """Make `raw` hold what `changed` holds (its documents that differ or are new; the ones it
    lacks set aside), yield how many files changed, and put `raw` back as it was."""
    documents = {p.name for p in raw.glob("*.txt")}
    wanted = {p.name for p in changed.glob("*.txt")}
    replaced = sorted(
        name for name in documents if name not in wanted or (changed / name).read_bytes() != (raw / name).read_bytes()
    )
    added = sorted(wanted - documents)
    shutil.rmtree(aside, ignore_errors=True)
    aside.mkdir(parents=True)
    for name in replaced:
        shutil.move(raw / name, aside / name)
    for name in added + [n for n in replaced if n in wanted]:
        shutil.copy2(changed / name, raw / name)
    try:
        yield len(set(replaced) | set(added))
    finally:
        for name in added + [n for n in replaced if n in wanted]:
            (raw / name).unlink()
        for name in replaced:
            shutil.move(aside / name, raw / name)
        aside.rmdir()


def floor(paths: list[Path]) -> dict:
    """Read every byte and split into lines: the least any parser must do."""
    started = time.perf_counter()
    size = lines = 0
    for p in paths:
        data = p.read_bytes()
        size += len(data)
        lines += len(data.decode("utf-8").splitlines())
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 3), "bytes": size, "lines": lines, "mb_per_s": round(size / 1e6 / seconds, 1)}


def parse_only(paths: list[Path], workers: int = 2, batch: int = 200) -> dict:
    """Read + parse on `workers` processes, results discarded batch by batch."""
    batches = [paths[i : i + batch] for i in range(0, len(paths), batch)]
    started = time.perf_counter()
    failures = 0
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        for results in pool.map(pipeline.parse_batch, batches):
            failures += sum(1 for r in results if isinstance(r, pipeline.Failure))
    seconds = time.perf_counter() - started
    sample = paths[:200]
    one = time.perf_counter()
    pipeline.parse_batch(sample)
    one_core = time.perf_counter() - one
    size = sum(p.stat().st_size for p in paths)
    return {
        "seconds_2_workers": round(seconds, 2),
        "docs_per_s_per_core": round(len(paths) / seconds / workers, 1),
        "mb_per_s_per_core": round(size / 1e6 / seconds / workers, 2),
        "docs_per_s_one_core_sample200": round(len(sample) / one_core, 1),
        "failures": failures,
    }


@contextlib.contextmanager
def prefect_server(home: Path) -> Iterator[str]:
    """A Prefect API server for the measured runs, as a scheduled deployment has one
    (`docs/operations.md`); yields its URL. Without one, every run starts Prefect's temporary
    server (~6 s), which is measured apart."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    home.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    log = (home / "server.log").open("w")
    prefect = Path(PYTHON).parent / "prefect"
    server = subprocess.Popen(
        [str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"prefect server did not start: see {home / 'server.log'}")
            time.sleep(0.5)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()


def flow_run(raw: Path, warehouse: Path, build: Path, api: str | None = None) -> dict:
    """One measured flow run in its own process (bench/one_run.py); `api`: a running Prefect
    server's URL, else the run starts Prefect's temporary server."""
    started = time.perf_counter()
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    if api:
        env["PREFECT_API_URL"] = api
    out = sh(PYTHON, str(BENCH / "one_run.py"), str(raw), str(warehouse), str(build), env=env)
    result = json.loads(out.strip().splitlines()[-1])
    result["process_wall_s"] = round(time.perf_counter() - started, 2)
    return result


def last_run(warehouse: Path) -> dict | None:
    """Outcome, seconds and error of the last run recorded in the warehouse's run log, if any."""
    runs = runlog.recent(warehouse, 1)
    if not runs:
        return None
    run = runs[0]
    return {"outcome": run["outcome"], "seconds": run["seconds"], "error": run.get("error", "")}


def correctness(warehouse: Path, manifest: Path) -> dict:
    """Documents with `fail` findings against the manifest's deliberate errors."""
    m = json.loads(manifest.read_text())
    errors = {e["file"] for e in m["errors"]}
    roundings = {r["file"] for r in m["roundings"]}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        failing = {
            r[0]
            for r in con.execute("select distinct file_name from marts.fct_rule_check where status = 'fail'").fetchall()
        }
        rounding_fail = con.execute(
            "select count(*) from marts.fct_rule_check where status = 'fail' and file_name in (select unnest(?))",
            [sorted(roundings - errors)],
        ).fetchone()[0]
    return {
        "manifest_errors": len(errors),
        "documents_failing": len(failing),
        "missed": sorted(errors - failing)[:20],
        "unexpected": sorted(failing - errors)[:20],
        "exact_match": failing == errors,
        "fails_in_rounding_only_documents": rounding_fail,
    }


def measure(n: int, out: Path, fresh_only: bool = False) -> dict:
    """All figures for one corpus size; `fresh_only`: the fresh run, its correctness and a rerun
    with nothing changed, without the passes that cost as much again (see the module's doc)."""
    raw, gen_s = corpus(out, n)
    paths = pipeline.discover(raw)
    work = out / f"run_{n}"
    shutil.rmtree(work, ignore_errors=True)
    wh, build = work / "budget.duckdb", work / "build"
    print(f"[bench] N={n}: floor, parse …", flush=True)
    result = {"n": n, "generate_s": round(gen_s, 2), "floor": floor(paths), "fresh_only": fresh_only}
    if not fresh_only:
        result["parse"] = parse_only(paths)
    with prefect_server(out / "prefect") as api:
        print(f"[bench] N={n}: fresh run …", flush=True)
        try:
            result["fresh"] = flow_run(raw, wh, build, api)
        except RuntimeError:
            # A run that fails is a result too: what failed and after how long, from the run
            # log every run writes beside its warehouse (the other sizes still run). A process
            # that died before the flow could log it is no such result.
            failed = last_run(wh)
            if failed is None:
                raise
            result["failed"] = failed
            print(f"[bench] N={n}: the fresh run failed: {result['failed']['error']}", flush=True)
            return result
        result["correctness"] = correctness(wh, raw / "manifest.json")
        result["warehouse_mb"] = round(wh.stat().st_size / 1e6, 1)
        print(f"[bench] N={n}: rerun, nothing changed …", flush=True)
        result["rerun_unchanged"] = flow_run(raw, wh, build, api)
        if fresh_only:
            return _rates(result)
        print(f"[bench] N={n}: rerun, nothing changed, Prefect's temporary server …", flush=True)
        result["rerun_unchanged_temporary_server"] = flow_run(raw, wh, build)
        changed, _ = corpus(out, n, changed=10)
        print(f"[bench] N={n}: rerun, 10 changed …", flush=True)
        # in the same folder, as a scheduled run meets them: the other documents keep their paths
        with changes_applied(raw, changed, out / f"aside_{n}") as files_changed:
            result["rerun_10_changed"] = flow_run(raw, wh, build, api)
        result["rerun_10_changed"]["files_changed"] = files_changed
    result["parse_cost_vs_floor"] = round(result["parse"]["seconds_2_workers"] * 2 / result["floor"]["seconds"], 1)
    return _rates(result)


def _rates(result: dict) -> dict:
    """Per-document rates of a measured size, added to its result."""
    n, fresh = result["n"], result["fresh"]
    result["end_to_end_docs_per_s"] = round(n / fresh["wall_s"], 1)
    # Inside the pipeline: the flow's parse-and-load stage (Dask workers parsing while the
    # flow's process loads), per core of the machine.
    result["parse_in_pipeline_docs_per_s_per_core"] = round(
        n / fresh["stages_s"]["parse_and_load"] / multiprocessing.cpu_count(), 1
    )
    return result


def write_markdown(results: dict, path: Path) -> None:
    """A table of the figures, for the README."""
    rows = [
        "| N | parse docs/s/core | in the pipeline docs/s/core "
        "| parse MB/s/core | parse ÷ floor | parse+load s | load busy s | dbt build s "
        "| GX s | publish s | end-to-end s | rerun unchanged s (temporary server) | rerun 10 changed s "
        "| peak RSS main / worker MB | fails = manifest |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:--:|",
    ]
    failures = []
    for r in results["runs"]:
        if "failed" in r:
            seconds, error = r["failed"]["seconds"], " ".join(r["failed"]["error"].split())
            failures.append(f"- {r['n']:,}: the fresh run failed after {seconds} s: {error[:400]}")
            rows.append(f"| {r['n']:,} |" + " — |" * 9 + f" failed ({seconds} s) |" + " — |" * 4)
            continue
        f, s = r["fresh"], r["fresh"]["stages_s"]
        # a --fresh-only size has no parse-only pass and no reruns but the unchanged one
        parse = r.get("parse", {})
        one_off = r.get("rerun_unchanged_temporary_server", {}).get("wall_s", "—")
        parse_vs_floor = f"{r['parse_cost_vs_floor']}×" if "parse_cost_vs_floor" in r else "—"
        rows.append(
            f"| {r['n']:,} | {parse.get('docs_per_s_per_core', '—')} "
            f"| {r.get('parse_in_pipeline_docs_per_s_per_core', '—')} "
            f"| {parse.get('mb_per_s_per_core', '—')} "
            f"| {parse_vs_floor} | {s['parse_and_load']} | {s['load_busy']} | {s['dbt_build']} "
            f"| {s['gx_checkpoint']} | {s['publish']} | {f['wall_s']} | {r['rerun_unchanged']['wall_s']} ({one_off}) "
            f"| {r.get('rerun_10_changed', {}).get('wall_s', '—')} "
            f"| {f['peak_rss_main_mb']:.0f} / {f['peak_rss_workers_mb']:.0f} "
            f"| {'yes' if r['correctness']['exact_match'] else 'NO'} |"
        )
    m = results["machine"]
    head = (
        f"Measured {results['date']} on {m['cpus']} CPUs, {m['python']}, {m['platform']}. "
        f"Prefect task overhead: {results['prefect_task_overhead_ms']} ms per task run. Runs talk to a "
        "running Prefect server (as a deployment does); in brackets, a one-off run that starts "
        "Prefect's temporary server.\n\n"
    )
    notes = ("\n\n" + "\n".join(failures)) if failures else ""
    path.write_text(head + "\n".join(rows) + notes + "\n", encoding="utf-8")


def plot(results: dict, path: Path) -> None:
    """Stage seconds against N (log-log)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    runs = [r for r in results["runs"] if "failed" not in r]
    ns = [r["n"] for r in runs]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for stage in ("parse_and_load", "dbt_build", "gx_checkpoint", "publish"):
        ax.plot(ns, [r["fresh"]["stages_s"][stage] for r in runs], marker="o", label=stage)
    ax.plot(ns, [r["fresh"]["wall_s"] for r in runs], marker="s", linestyle="--", label="end to end")
    ax.plot(ns, [r["rerun_unchanged"]["wall_s"] for r in runs], marker="x", linestyle=":", label="rerun, unchanged")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("documents")
    ax.set_ylabel("seconds")
    ax.set_title("budgetwh: cost by stage (2 cores)")
    ax.legend(fontsize=8)
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    """Run the benchmark and write its results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--fresh-only", default="", help="sizes measured by a fresh run and an unchanged rerun only")
    parser.add_argument("--out", type=Path, default=BENCH / "out")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    # Real PDFs first: pages/s/core by stage (bench/pdf_results.md), a minute at most.
    print(sh(PYTHON, str(BENCH / "pdf_pages.py")))
    overhead = json.loads(sh(PYTHON, str(BENCH / "task_overhead.py")).strip().splitlines()[-1])
    fresh_only = {int(s) for s in args.fresh_only.split(",") if s}
    sizes = [int(s) for s in args.sizes.split(",") if s and int(s) not in fresh_only] + sorted(fresh_only)
    # Sizes not measured now keep their earlier figures, each with when it was taken.
    previous = json.loads((BENCH / "results.json").read_text()) if (BENCH / "results.json").exists() else {}
    results = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": {
            "cpus": multiprocessing.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        **overhead,
        "runs": [r for r in previous.get("runs", []) if r["n"] not in sizes],
    }
    for n in sizes:
        run = measure(n, args.out, fresh_only=n in fresh_only)
        run["measured"] = time.strftime("%Y-%m-%d %H:%M")
        results["runs"] = sorted([*results["runs"], run], key=lambda r: r["n"])
        (BENCH / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
        write_markdown(results, BENCH / "results.md")
        plot(results, BENCH / "results.png")
    print((BENCH / "results.md").read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
