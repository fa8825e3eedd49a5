"""The phases of a sliced dbt build (issue 10): derived from the dbt graph, every node once,
after everything it reads, and only incremental models run per slice."""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetwh.build_phases import Node, Phase, nodes_of, plan
from tests.conftest import REPO_ROOT


def node(name: str, sliced: bool = False, parents: tuple[str, ...] = ()) -> Node:
    return Node(f"model.p.{name}", name, sliced, tuple(f"model.p.{p}" for p in parents))


def test_a_table_read_by_an_incremental_model_and_built_from_one_splits_the_slices() -> None:
    # cells (incremental) → statements (table over every document) → checks (incremental)
    nodes = [
        node("changes"),
        node("cells", True, ("changes",)),
        node("lines", True, ("cells",)),
        node("statements", False, ("cells",)),
        node("checks", True, ("statements", "changes")),
        node("report", False, ("checks", "lines")),
    ]
    assert plan(nodes) == [
        Phase(("changes",), False),
        Phase(("cells", "lines"), True),
        Phase(("statements",), False),
        Phase(("checks",), True),
        Phase(("report",), False),
    ]


def test_parents_outside_the_graph_are_sources_and_a_cycle_is_refused() -> None:
    assert plan([Node("model.p.a", "a", False, ("source.p.raw.cells",))]) == [Phase(("a",), False)]
    with pytest.raises(ValueError, match="cycle"):
        plan([node("a", False, ("b",)), node("b", False, ("a",))])


def test_the_projects_plan_builds_every_node_once_after_its_parents(tmp_path: Path) -> None:
    from dbt.cli.main import dbtRunner

    folders = ["--project-dir", str(REPO_ROOT), "--profiles-dir", str(REPO_ROOT)]
    folders += ["--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")]
    parsed = dbtRunner().invoke(["parse", *folders, "--quiet"])
    assert parsed.success, parsed.exception
    nodes = nodes_of(parsed.result)
    phases = plan(nodes)
    by_name = {n.name: n for n in nodes}
    ids = {n.unique_id: n.name for n in nodes}
    seen: dict[str, int] = {}
    for index, phase in enumerate(phases):
        for name in phase.names:
            assert name not in seen, name
            seen[name] = index
            assert by_name[name].sliced == phase.sliced, name
    assert set(seen) == set(by_name)
    for name, index in seen.items():
        for parent in by_name[name].parents:
            if parent in ids:
                assert seen[ids[parent]] <= index, (name, ids[parent])
    # what the slices are counted from is built first, and the slices come after it
    assert "int_document_changes" in phases[0].names and not phases[0].sliced
    assert "int_budget_cells_classified" in phases[1].names and phases[1].sliced
    # tables over every document sit between sliced phases (statements from the classified cells)
    assert not phases[seen["int_execution_statements"]].sliced
    assert seen["int_budget_cells_classified"] < seen["int_execution_statements"] < seen["int_checks__execution"]
