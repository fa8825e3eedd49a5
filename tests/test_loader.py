"""The raw load: one transaction per document, idempotent, failures contained."""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import duckdb
import pytest

from budgetwh import pipeline
from budgetwh.load import loader
from tests.conftest import RAW, SAMPLE_000, SAMPLE_001, SAMPLE_002, SAMPLE_004
from tests.test_realdocs import REALDOCS

COUNTS = """select (select count(*) from raw.source_document), (select count(*) from raw.budget_table),
                   (select count(*) from raw.budget_cell), (select count(*) from raw.narrative_figure)"""


def counts(warehouse: Path) -> tuple:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(COUNTS).fetchone()


def ingest(raw: Path, warehouse: Path) -> pipeline.LoadSummary:
    return pipeline.load(warehouse, pipeline.parse_many(pipeline.discover(raw), pipeline.current_ids(warehouse)))


def test_load_is_idempotent(tmp_path: Path) -> None:
    wh = tmp_path / "wh.duckdb"
    first = ingest(RAW, wh)
    before = counts(wh)
    second = ingest(RAW, wh)
    # raw/ holds the four samples and four real PDFs (三 预算, one of them split in two files, a 决算)
    assert (len(first.loaded), len(second.loaded), len(second.unchanged)) == (8, 0, 8)
    assert counts(wh) == before
    with duckdb.connect(str(wh), read_only=True) as con:
        per_file = dict(
            con.execute(
                """select d.file_name, count(c.document_id) from raw.source_document d
                   left join raw.budget_cell c using (document_id) group by all"""
            ).fetchall()
        )
    # 598 table cells in 000 + 001 (the independent list), none in 002/004 (narrative
    # only), 205 in the 决算 PDF (fixtures/realdocs/shanghai_shehuigongzuobu_2024.cells.csv)
    assert per_file[SAMPLE_000.name] + per_file[SAMPLE_001.name] == 598
    assert per_file["002_008befaf5c3092e7.txt"] == per_file["004_c475e0477e87c15d.txt"] == 0
    assert per_file["中共上海市普陀区委社会工作部 2024 年度部门决算.pdf"] == 205


def test_money_columns_are_decimal(tmp_path: Path) -> None:
    wh = tmp_path / "wh.duckdb"
    ingest(RAW, wh)
    with duckdb.connect(str(wh), read_only=True) as con:
        types = con.execute(
            """select table_name, column_name, data_type from information_schema.columns
               where table_schema = 'raw' and column_name in ('amount', 'percent')"""
        ).fetchall()
    assert types and all(t[2].startswith("DECIMAL") for t in types), types


def test_bad_file_is_quarantined_by_name_and_others_load(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    (raw / "scan.pdf").write_bytes(b"%PDF-1.7 binary")
    broken = raw / "broken.txt"
    broken.write_text(
        SAMPLE_000.read_text(encoding="utf-8").replace("栏次 1 2 3 4 5 6 7 8 9 10 11 12", "栏次 1 2 3", 1),
        encoding="utf-8",
    )
    wh = tmp_path / "wh.duckdb"
    summary = ingest(raw, wh)
    assert len(summary.loaded) == 8
    reasons = dict(summary.quarantined)
    assert set(reasons) == {"scan.pdf", "broken.txt"}
    assert "cannot open as PDF" in reasons["scan.pdf"]
    assert reasons["broken.txt"].startswith("broken.txt:") and "栏次 line lists 3 columns" in reasons["broken.txt"]
    with duckdb.connect(str(wh), read_only=True) as con:
        rows = con.execute(
            "select file_name, status, error is not null from raw.source_document where status = 'quarantined'"
        ).fetchall()
        leftovers = con.execute(
            """select count(*) from raw.budget_cell c join raw.source_document d using (document_id)
               where d.status = 'quarantined'"""
        ).fetchone()[0]
    assert sorted(rows) == [("broken.txt", "quarantined", True), ("scan.pdf", "quarantined", True)]
    assert leftovers == 0


def test_failure_mid_document_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wh = tmp_path / "wh.duckdb"
    parsed = pipeline.parse_many([SAMPLE_000, SAMPLE_001])

    class Boom(RuntimeError):
        pass

    def failing_insert(con: duckdb.DuckDBPyConnection) -> None:
        raise Boom("disk full while inserting figures")

    pipeline.load(wh, parsed[:1])  # 000 loads fine
    before = counts(wh)
    monkeypatch.setattr(loader, "_insert_figures", failing_insert)
    with pytest.raises(Boom):
        pipeline.load(wh, parsed[1:])
    assert counts(wh) == before  # 001's document, table and cell rows were rolled back


def test_changed_file_keeps_its_earlier_version_as_history(tmp_path: Path) -> None:
    """A document is its bytes: new bytes at a path are a new version, the old one stays
    (dbt's int_document_versions says which is the latest; the old one is no longer published)."""
    raw = tmp_path / "raw"
    raw.mkdir()
    doc = raw / SAMPLE_000.name
    shutil.copy(SAMPLE_000, doc)
    wh = tmp_path / "wh.duckdb"
    ingest(raw, wh)
    before = counts(wh)
    doc.write_text(
        doc.read_text(encoding="utf-8").replace(
            "30 30299 其他商品和服务支出 4.50  4.50", "30 30299 其他商品和服务支出 4.51  4.51"
        ),
        encoding="utf-8",
    )
    summary = ingest(raw, wh)
    assert len(summary.loaded) == 1
    assert counts(wh) == tuple(2 * n for n in before)
    with duckdb.connect(str(wh), read_only=True) as con:
        amounts = con.execute(
            """select distinct c.amount_text from raw.budget_cell c join raw.source_document d using (document_id)
               where subject_code = '30299' and d.document_id = ?""",
            [summary.loaded[0]],
        ).fetchall()
        paths = con.execute("select distinct source_path from raw.source_document").fetchall()
    assert amounts == [("4.51",)]
    assert paths == [(str(doc),)]


def test_a_document_failing_inside_a_batch_costs_only_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parsed = pipeline.parse_many(sorted(RAW.glob("*.txt")))
    real_insert = loader._insert

    def insert(con, frames):
        if SAMPLE_001.name in frames.documents["file_name"].to_list():
            raise RuntimeError("constraint violated")
        real_insert(con, frames)

    monkeypatch.setattr(loader, "_insert", insert)
    wh = tmp_path / "wh.duckdb"
    summary = pipeline.load(wh, parsed, batch=4)
    assert len(summary.loaded) == 3
    assert [name for name, _ in summary.quarantined] == [SAMPLE_001.name]
    assert "load failed: constraint violated" in summary.quarantined[0][1]
    assert counts(wh)[0] == 4  # three loaded, one recorded as quarantined
    with duckdb.connect(str(wh), read_only=True) as con:
        assert con.execute(
            """select count(*) from raw.budget_cell c join raw.source_document d using (document_id)
               where d.file_name = ?""",
            [SAMPLE_001.name],
        ).fetchone() == (0,)


def test_discover_takes_documents_only_and_says_why_of_every_other_file(tmp_path: Path) -> None:
    raw, outside = tmp_path / "raw", tmp_path / "secret.txt"
    raw.mkdir()
    outside.write_text("not for the warehouse", encoding="utf-8")
    for name in ("a.txt", "b.pdf", "c.docx", "manifest.json", "notes.md", ".hidden.txt"):
        (raw / name).write_text("x", encoding="utf-8")
    (raw / "d.xlsx.txt").mkdir()  # a folder with a document's name is a folder
    (raw / "d.xlsx.txt" / "e.txt").write_text("x", encoding="utf-8")
    (raw / "passwd.txt").symlink_to(outside)
    (raw / "inside.txt").symlink_to(raw / "a.txt")
    assert [str(p.relative_to(raw)) for p in pipeline.discover(raw)] == [
        "a.txt", "b.pdf", "c.docx", "d.xlsx.txt/e.txt", "inside.txt",
    ]  # fmt: skip
    assert dict(pipeline.skipped(raw)) == {
        ".hidden.txt": "hidden file",
        "manifest.json": "not a document format (.json)",
        "notes.md": "not a document format (.md)",
        "passwd.txt": "a link to a file outside the raw folder: not followed",
    }


class _GbkName(zipfile.ZipInfo):
    """A member name stored as GBK bytes without the UTF-8 flag, as Chinese zip tools write it."""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # zipfile's own hook
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


def _zip(path: Path, members: dict[str, bytes], gbk_names: bool = False) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            info = _GbkName(name) if gbk_names else zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return path


def test_zip_members_load_as_documents_and_a_bad_member_is_refused_alone(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    decision = REALDOCS / "shanghai/中共上海市普陀区委社会工作部 2024 年度部门决算.pdf"
    _zip(
        raw / "2024公开.zip",
        {
            "决算/社会工作部决算.pdf": decision.read_bytes(),
            "说明/000.txt": SAMPLE_000.read_bytes(),
            "坏文件.pdf": b"%PDF-1.7 truncated",
            "readme.md": b"not a document",
        },
        gbk_names=True,  # as Chinese zip tools write them
    )
    wh = tmp_path / "wh.duckdb"
    summary = ingest(raw, wh)
    assert len(summary.loaded) == 2
    assert [name for name, _ in summary.quarantined] == ["坏文件.pdf"]
    assert "2024公开.zip" in summary.quarantined[0][1] and "cannot open as PDF" in summary.quarantined[0][1]
    with duckdb.connect(str(wh), read_only=True) as con:
        paths = sorted(r[0] for r in con.execute("select source_path from raw.source_document").fetchall())
    assert [p.split("2024公开.zip/")[1] for p in paths] == ["决算/社会工作部决算.pdf", "坏文件.pdf", "说明/000.txt"]
    # a rerun finds every member already loaded: nothing to parse
    assert pipeline.changed_files(pipeline.discover(raw), pipeline.current_ids(wh)) == []


def test_zip_bomb_and_damaged_archive_are_refused_by_name(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    _zip(raw / "bomb.zip", {"big.txt": b"0" * 5_000_000})  # deflates ~1000:1
    (raw / "broken.zip").write_bytes(b"PK\x03\x04 not really")
    summary = ingest(raw, tmp_path / "wh.duckdb")
    reasons = dict(summary.quarantined)
    assert "zip bomb" in reasons["big.txt"]
    assert "broken.zip: damaged zip archive" in reasons["broken.zip"]
    assert summary.loaded == []


def test_a_parser_or_catalog_change_makes_every_document_stale(tmp_path: Path) -> None:
    """Issue 11: a parser fix must re-parse (and retry quarantined files), not keep stale facts."""
    import budgetwh

    package, seeds = tmp_path / "budgetwh", tmp_path / "seeds"
    shutil.copytree(budgetwh.PACKAGE, package)
    shutil.copytree(budgetwh.SEEDS, seeds)
    before = budgetwh.parser_version(package, seeds)
    assert before == budgetwh.PARSER_VERSION  # the same code and seeds
    with (seeds / "table_catalog.csv").open("a", encoding="utf-8") as fh:
        fh.write("new_table,subject,function,新表,a catalog change\n")
    after_seed = budgetwh.parser_version(package, seeds)
    (package / "tables" / "layout.py").write_text("# changed\n", encoding="utf-8")
    after_code = budgetwh.parser_version(package, seeds)
    assert len({before, after_seed, after_code}) == 3
    # code that runs after the raw tables are written is not the parser's: no re-parse
    (package / "dbt_build.py").write_text("# changed\n", encoding="utf-8")
    assert budgetwh.parser_version(package, seeds) == after_code
    (package / "new_module.py").write_text("# new\n", encoding="utf-8")
    assert budgetwh.parser_version(package, seeds) != after_code
    # same code: a quarantined file is not retried (nothing would change); new code retries it
    assert loader.is_current({"doc": (before, "quarantined")}, "doc")
    assert not loader.is_current({"doc": (after_seed, "quarantined")}, "doc")
    assert not loader.is_current({"doc": (after_code, "loaded")}, "doc")


def test_identical_bytes_under_two_names_are_one_document_kept_under_the_first(tmp_path: Path) -> None:
    """Issue 11: the first file vanished from the inventory, replaced by the last copy's name."""
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SAMPLE_002, raw / "a_first.txt")
    shutil.copy(SAMPLE_002, raw / "b_copy.txt")
    shutil.copy(SAMPLE_004, raw / "c_other.txt")
    kept, copies = pipeline.without_copies(pipeline.discover(raw), raw)
    assert [p.name for p in kept] == ["a_first.txt", "c_other.txt"]
    assert copies == [("b_copy.txt", "same bytes as a_first.txt: read once")]


def test_a_parse_batch_hands_over_columns_that_load_the_same_rows(tmp_path: Path) -> None:
    """Parse workers hand the loader frames, not object graphs (issue 10): the same rows
    land as when parsed documents are loaded, and failures and unchanged ids pass through."""
    broken = tmp_path / "broken.txt"
    broken.write_text(
        SAMPLE_000.read_text(encoding="utf-8").replace("栏次 1 2 3 4 5 6 7 8 9 10 11 12", "栏次 1 2 3", 1),
        encoding="utf-8",
    )
    paths = [*sorted(RAW.glob("*.txt")), broken]
    unchanged = pipeline.document_id(SAMPLE_001.read_bytes())
    batch = pipeline.parse_batch(paths, frozenset({unchanged}))
    frames = [r for r in batch if isinstance(r, loader.Frames)]
    assert len(frames) == 1 and len(frames[0].document_ids) == len(paths) - 2
    assert [r.path.name for r in batch if isinstance(r, pipeline.Failure)] == ["broken.txt"]
    assert [r for r in batch if isinstance(r, str)] == [unchanged]

    by_frames, by_objects = tmp_path / "frames.duckdb", tmp_path / "objects.duckdb"
    summary = pipeline.load(by_frames, batch)
    pipeline.load(by_objects, pipeline.parse_many(paths, frozenset({unchanged})))
    assert summary.unchanged == [unchanged] and [n for n, _ in summary.quarantined] == ["broken.txt"]
    assert counts(by_frames) == counts(by_objects)
    query = "select * exclude (ingested_at) from raw.source_document order by document_id"
    cells = "select * from raw.budget_cell order by document_id, table_seq, row_seq, column_no"
    with duckdb.connect(str(by_frames), read_only=True) as a, duckdb.connect(str(by_objects), read_only=True) as b:
        assert a.execute(query).fetchall() == b.execute(query).fetchall()
        assert a.execute(cells).fetchall() == b.execute(cells).fetchall()


def test_a_warehouse_whose_cells_carry_the_old_primary_key_keeps_its_rows_without_it(tmp_path: Path) -> None:
    """Earlier schemas indexed raw.budget_cell by its grain (the index tripled the table); the
    next load moves the rows to a table without it, and loading again still adds nothing."""
    wh = tmp_path / "wh.duckdb"
    ingest(RAW, wh)
    with duckdb.connect(str(wh)) as con:
        expected = con.execute("select * from raw.budget_cell order by all").fetchall()
        # rebuild the table as the earlier schema had it
        con.execute("create table raw.cells_copy as from raw.budget_cell")
        ddl = con.execute("select sql from duckdb_tables() where table_name = 'budget_cell'").fetchone()[0]
        con.execute("drop table raw.budget_cell")
        con.execute(
            ddl.rstrip().rstrip(";").rstrip(")") + ", primary key (document_id, table_seq, row_seq, column_no))"
        )
        con.execute("insert into raw.budget_cell from raw.cells_copy")
        con.execute("drop table raw.cells_copy")
    keyed = """select count(*) from duckdb_constraints()
               where table_name = 'budget_cell' and constraint_type = 'PRIMARY KEY'"""
    with duckdb.connect(str(wh), read_only=True) as con:
        assert con.execute(keyed).fetchone() == (1,)
    again = ingest(RAW, wh)
    assert (len(again.loaded), len(again.unchanged)) == (0, 8)
    with duckdb.connect(str(wh), read_only=True) as con:
        assert con.execute(keyed).fetchone() == (0,)
        assert con.execute("select * from raw.budget_cell order by all").fetchall() == expected
        assert con.execute(
            "select count(*) from duckdb_tables() where table_name = 'budget_cell_keyed'"
        ).fetchone() == (0,)


def test_a_parse_batch_pauses_the_cycle_collector_and_restores_it() -> None:
    import gc

    assert gc.isenabled()
    with pytest.raises(RuntimeError), pipeline.collector_paused():
        assert not gc.isenabled()
        raise RuntimeError("a reader bug")
    assert gc.isenabled()
    gc.disable()
    try:
        with pipeline.collector_paused():
            pass
        assert not gc.isenabled()  # a caller that turned it off keeps it off
    finally:
        gc.enable()


@pytest.mark.parametrize(
    "text",
    ["587.70", "-12.5", ".7", "0.0000005", "999999999999.999999", "1000000000000.25", "123456789012345678.123456"],
)
def test_amount_text_is_read_exactly_however_wide(text: str) -> None:
    # The loader takes a 64-bit cast where it fits and the 128-bit one where it does not.
    from decimal import ROUND_HALF_UP, Decimal

    value = duckdb.sql(f"select {loader.exact_amount('t')} from (select ?::varchar as t)", params=[text]).fetchone()[0]
    assert value == Decimal(text).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
    with pytest.raises(duckdb.ConversionException):
        duckdb.sql(f"select {loader.exact_amount('t')} from (select ?::varchar as t)", params=["12 万元"]).fetchone()


def _record_inventory(raw: Path, warehouse: Path) -> pipeline.InventoryChanges:
    """The flow's inventory step over `raw` (survey, fingerprints, copies, inventory)."""
    surveyed = pipeline.survey(raw)
    found = pipeline.documents(surveyed)
    prints = {p: pipeline.fingerprint(p) for p in found}
    paths, copies = pipeline.without_copies(found, raw, prints)
    files = pipeline.inventory(raw, surveyed, paths, copies, prints)
    return pipeline.record_inventory(warehouse, raw, files, pipeline.present_documents(paths, prints))


def test_the_inventory_counts_documents_moved_or_touched_for_the_rebuild(tmp_path: Path) -> None:
    """Same bytes at another path or with another modification time change the row dbt signs, so
    the run counts them among what it rebuilds (flows.ingest.rebuild_in_full); a document just
    loaded, or found as it was, is not counted."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for f in (SAMPLE_000, SAMPLE_001, SAMPLE_002):
        shutil.copy(f, raw / f.name)
    wh = tmp_path / "wh.duckdb"
    assert len(ingest(raw, wh).loaded) == 3
    ids = {f.name: pipeline.fingerprint(raw / f.name)[0] for f in (SAMPLE_000, SAMPLE_001, SAMPLE_002)}
    first = _record_inventory(raw, wh)
    assert (first.removed, first.moved_or_touched) == ([], [])
    assert _record_inventory(raw, wh).moved_or_touched == []
    (raw / SAMPLE_000.name).rename(raw / "renamed.txt")
    stat = (raw / SAMPLE_001.name).stat()
    os.utime(raw / SAMPLE_001.name, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    (raw / SAMPLE_002.name).unlink()
    changes = _record_inventory(raw, wh)
    assert changes.removed == [ids[SAMPLE_002.name]]
    assert sorted(changes.moved_or_touched) == sorted([ids[SAMPLE_000.name], ids[SAMPLE_001.name]])
