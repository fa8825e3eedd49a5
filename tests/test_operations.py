"""Issue 11: every file accounted for, limits with clear errors, files cut short.

Versions (a file re-uploaded in place, a document re-issued under a new name, a file
removed) are checked by the run after the killed runs in `test_processes.py`: one sequence
of runs proves both, at half the cost in test time."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from budgetwh import pipeline
from budgetwh.errors import ParseError
from budgetwh.parse import parse_file
from tests.conftest import RAW, SAMPLE_000, SAMPLE_001, SAMPLE_002

ZHENGXIE_2019 = RAW / "江苏省政协办公厅2019年预算公开表.pdf"


def _inventory(raw: Path) -> dict[str, pipeline.InventoryRow]:
    surveyed = pipeline.survey(raw)
    found = pipeline.documents(surveyed)
    prints = {p: pipeline.fingerprint(p) for p in found}
    kept, copies = pipeline.without_copies(found, raw, prints)
    return {r.path: r for r in pipeline.inventory(raw, surveyed, kept, copies, prints)}


def test_every_file_under_the_raw_folder_has_an_inventory_row_saying_what_it_is(tmp_path: Path) -> None:
    raw, outside = tmp_path / "raw", tmp_path / "secret.txt"
    raw.mkdir()
    outside.write_text("not for the warehouse", encoding="utf-8")
    shutil.copy(SAMPLE_002, raw / "a.txt")
    shutil.copy(SAMPLE_002, raw / "b_copy.txt")
    with zipfile.ZipFile(raw / "c.zip", "w") as zf:
        zf.writestr("one.txt", SAMPLE_000.read_bytes())
        zf.writestr("two.txt", SAMPLE_001.read_bytes())
    (raw / "notes.md").write_text("x", encoding="utf-8")
    (raw / ".hidden.txt").write_text("x", encoding="utf-8")
    (raw / "passwd.txt").symlink_to(outside)
    with (raw / "huge.txt").open("wb") as fh:  # 300 MB, sparse: refused by its size, never read
        fh.truncate(300 * 1024 * 1024)
    rows = _inventory(raw)
    got = {path: (r.status, r.document_id is not None, r.duplicate_of) for path, r in rows.items()}
    assert got == {
        "a.txt": ("document", True, None),
        "b_copy.txt": ("copy", True, "a.txt"),
        "c.zip": ("archive", True, None),
        "notes.md": ("skipped", False, None),
        ".hidden.txt": ("skipped", False, None),
        "passwd.txt": ("refused", False, None),
        "huge.txt": ("refused", False, None),
    }
    assert rows["b_copy.txt"].document_id == rows["a.txt"].document_id
    assert rows["c.zip"].reason == "2 documents inside"
    assert rows["huge.txt"].reason == "300.0 MB, over the limit of 200 MB (BUDGETWH_MAX_FILE_MB): not read"
    assert rows["huge.txt"].byte_size == 300 * 1024 * 1024
    assert rows["passwd.txt"].byte_size == len(str(outside))  # the link itself, not what it points at


def test_size_and_page_limits_are_settings_and_refuse_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(ZHENGXIE_2019, raw / ZHENGXIE_2019.name)
    shutil.copy(SAMPLE_000, raw / SAMPLE_000.name)
    monkeypatch.setenv("BUDGETWH_MAX_FILE_MB", "0")
    assert pipeline.discover(raw) == []
    assert {r for _, r in pipeline.skipped(raw)} == {
        f"{ZHENGXIE_2019.stat().st_size / 1048576:,.1f} MB, over the limit of 0 MB (BUDGETWH_MAX_FILE_MB): not read",
        f"{SAMPLE_000.stat().st_size / 1048576:,.1f} MB, over the limit of 0 MB (BUDGETWH_MAX_FILE_MB): not read",
    }
    monkeypatch.delenv("BUDGETWH_MAX_FILE_MB")
    monkeypatch.setenv("BUDGETWH_MAX_PAGES", "5")
    with pytest.raises(ParseError, match=r"预算公开表.pdf: 12 pages, over the limit of 5 \(BUDGETWH_MAX_PAGES\)"):
        parse_file(raw / ZHENGXIE_2019.name)


def test_a_number_setting_that_is_not_one_is_refused_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    from budgetwh import limits, settings

    monkeypatch.setenv("BUDGETWH_MAX_PAGES", "many")
    with pytest.raises(ValueError, match=r"BUDGETWH_MAX_PAGES='many' is not a whole number"):
        limits.pages()
    monkeypatch.setenv("BUDGETWH_SLICE_DOCUMENTS", "0")
    with pytest.raises(ValueError, match=r"BUDGETWH_SLICE_DOCUMENTS='0': a slice holds at least one document"):
        settings.slice_documents()
    monkeypatch.setenv("BUDGETWH_SLICE_DOCUMENTS", "2500")
    assert settings.slice_documents() == 2500


@pytest.mark.parametrize("sample", [SAMPLE_000, SAMPLE_001, SAMPLE_002], ids=lambda p: p.name[:3])
def test_text_cut_short_mid_line_or_mid_character_is_a_finding_and_whole_text_is_not(sample: Path) -> None:
    data = sample.read_bytes()
    assert [f for f in parse_file(sample, data).findings if f.kind == "file_cut_short"] == []
    middle = len(data) // 2
    while data[middle : middle + 1] in (b"\n", b"\r") or data[middle] & 0xC0 == 0x80:
        middle += 1  # a cut at a character boundary, mid-line
    mid_line = parse_file(sample, data[:middle])
    mid_character = parse_file(sample, data[: data.index("元".encode(), middle) + 1])
    reasons = [[f.reason for f in p.findings if f.kind == "file_cut_short"] for p in (mid_line, mid_character)]
    assert len(reasons[0]) == 1 and "stops mid-line" in reasons[0][0]
    assert reasons[1] == ["the file stops inside a character (its last UTF-8 sequence is incomplete): it was cut short"]


def test_only_io_that_can_fail_for_a_moment_is_retried() -> None:
    from prefect.states import Failed

    from flows.ingest import _transient_io

    assert _transient_io(None, None, Failed(data=OSError(5, "Input/output error")))
    assert not _transient_io(None, None, Failed(data=FileNotFoundError(2, "raw folder not found")))
    assert not _transient_io(None, None, Failed(data=PermissionError(13, "denied")))
    assert not _transient_io(None, None, Failed(data=ValueError("a parse or dbt failure is a finding")))


def test_runs_on_different_warehouses_write_dbt_and_gx_files_apart(tmp_path: Path) -> None:
    """Issue 11: two runs on two warehouse files shared target/ and build/gx."""
    from budgetwh.settings import load_settings

    a = load_settings(tmp_path / "raw", tmp_path / "a" / "budget.duckdb")
    b = load_settings(tmp_path / "raw", tmp_path / "b" / "budget.duckdb")
    assert a.work_dir != b.work_dir
    assert a.work_dir.parent == b.work_dir.parent == a.build_dir
    assert a.work_dir == load_settings(tmp_path / "raw", tmp_path / "a" / "budget.duckdb").work_dir


def test_the_run_summary_names_a_few_files_per_reason_and_counts_the_rest(tmp_path: Path) -> None:
    """1,000 unreadable links printed 1,000 names on the summary's `skipped` line; now a few per
    reason, the rest counted (`budgetwh status` lists every file)."""
    from budgetwh.audit import WarehouseSummary
    from flows.ingest import RunResult, summary_lines

    link = "a link to a file outside the raw folder: not followed"
    skipped = [(f"{i:03}.txt", link) for i in range(1000)] + [("notes.md", "not a document format (.md)")]
    quarantined = [(f"q{i:02}.pdf", "load failed: constraint violated") for i in range(25)]
    summary = WarehouseSummary(
        documents=25, quarantined=25, published=0, tables=0, facts=0, published_facts=0, checks={}
    )
    result = RunResult(tmp_path, 25, 0, quarantined, summary, checkpoint_success=True, skipped=skipped)
    lines = summary_lines(result)
    (line,) = [x for x in lines if x.startswith("skipped")]
    assert line == (
        f"skipped    1001 files not read: 1000 {link} (000.txt, 001.txt, 002.txt, … and 997 more); "
        "1 not a document format (.md) (notes.md)"
    )
    listed = [x for x in lines if x.startswith("quarantined")]
    assert listed[:2] == [
        "quarantined  q00.pdf: load failed: constraint violated",
        "quarantined  q01.pdf: load failed: constraint violated",
    ]
    assert len(listed) == 21 and listed[-1] == "quarantined  … and 5 more (budgetwh status lists every file)"


def test_prewarm_imports_in_the_background_and_a_failed_import_never_blocks_the_waiter() -> None:
    """Issue 10: dbt and GX are imported while a run copies and builds; a module that cannot be
    imported is recorded, not raised there, and `wait` returns (the caller's own import raises)."""
    import sys

    from budgetwh.prewarm import Prewarm

    sys.modules.pop("colorsys", None)
    warm = Prewarm(("budgetwh_no_such_module", "colorsys"))
    warm.wait()
    assert "colorsys" in sys.modules
    assert set(warm.seconds) == {"budgetwh_no_such_module", "colorsys"}
    assert isinstance(warm.errors["budgetwh_no_such_module"], ModuleNotFoundError)
    assert "colorsys" not in warm.errors
