"""PDF reading speed on real disclosures: pages per second per core, by stage.

Runs on every PDF under ../shared/realdocs (or --pdfs DIR), in one process, and
times three stages on the same pages, each the best of --repeat rounds of CPU time:
- words: PyMuPDF opening the file and extracting words with coordinates (the floor);
- read: `read_document` (words → lines → cells with boxes, rules, scan detection);
- parse: `parse_file` (read + table recognition + narrative figures), what a run does.

Writes bench/pdf_results.json and bench/pdf_results.md; prints the markdown.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import pymupdf

from budgetwh.parse import parse_file
from budgetwh.readers import read_document

BENCH = Path(__file__).resolve().parent
REALDOCS = BENCH.parents[1] / "shared" / "realdocs"


def _words(path: Path) -> int:
    with pymupdf.open(path) as pdf:
        for page in pdf:
            page.get_text("words")
        return pdf.page_count


def _read(path: Path) -> int:
    return read_document(path).page_count or 0


def _parse(path: Path) -> int:
    return parse_file(path).page_count or 0


STAGES = {"words": _words, "read": _read, "parse": _parse}


def measure(pdfs: list[Path], repeat: int) -> dict:
    """CPU seconds per stage over all PDFs (best round) and pages per second per core."""
    pages = sum(_words(p) for p in pdfs)
    stages = {}
    for name, stage in STAGES.items():
        best = float("inf")
        for _ in range(repeat):
            started = time.process_time()
            for path in pdfs:
                stage(path)
            best = min(best, time.process_time() - started)
        stages[name] = {"cpu_s": round(best, 3), "pages_per_s_per_core": round(pages / best, 1)}
    return {"files": len(pdfs), "pages": pages, "stages": stages}


def write_markdown(results: dict, path: Path) -> None:
    """The figures as a table, for the README."""
    s = results["stages"]
    lines = [
        f"Measured {results['date']} on {results['python']}, {results['platform']}: "
        f"{results['files']} PDFs, {results['pages']} pages, one process, best of {results['repeat']} (CPU time).",
        "",
        "| stage | CPU s | pages/s/core |",
        "|---|---:|---:|",
        *(f"| {name} | {v['cpu_s']} | {v['pages_per_s_per_core']} |" for name, v in s.items()),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    """Measure and write the results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pdfs", type=Path, default=REALDOCS)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    pdfs = sorted(args.pdfs.rglob("*.pdf"))
    if not pdfs:
        raise SystemExit(f"no PDFs under {args.pdfs}")
    results = {
        "date": time.strftime("%Y-%m-%d"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "pymupdf": pymupdf.__version__,
        "repeat": args.repeat,
        **measure(pdfs, args.repeat),
    }
    (BENCH / "pdf_results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    write_markdown(results, BENCH / "pdf_results.md")
    print((BENCH / "pdf_results.md").read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
