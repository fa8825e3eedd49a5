"""The order a sliced dbt build runs the project in (issue 10: builds larger than memory).

A sliced build runs each incremental model once per slice of the documents it rebuilds, so no
statement holds more than a slice. The other models (tables, views, seeds) read every document
and run once, between: a table built from an incremental model (int_execution_statements from
the classified cells) must be whole before an incremental model reads it. The phases follow
from the dbt graph alone: a run of models that run once, then a run of incremental models that
run per slice, and so on, each phase as large as the graph allows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Phase:
    """Nodes (seeds and models, by name) dbt builds together; `sliced`: once per slice."""

    names: tuple[str, ...]
    sliced: bool


@dataclass(frozen=True)
class Node:
    """What the plan needs of a dbt node: its name, whether it is built per slice, its parents."""

    unique_id: str
    name: str
    sliced: bool
    parents: tuple[str, ...]


def nodes_of(manifest: object) -> list[Node]:
    """The seeds and models of a parsed dbt manifest (`dbt parse`'s result); an incremental
    model is built per slice."""
    found = []
    for unique_id, node in manifest.nodes.items():  # type: ignore[attr-defined]
        if node.resource_type not in ("model", "seed"):
            continue
        parents = tuple(getattr(getattr(node, "depends_on", None), "nodes", ()) or ())
        found.append(Node(unique_id, node.name, node.config.materialized == "incremental", parents))
    return found


def plan(nodes: Iterable[Node]) -> list[Phase]:
    """Phases in build order: each takes every node of its kind whose parents are built by then
    (earlier phases or the same one). Parents that are not seeds or models (sources) are ignored.
    Raises ValueError if the graph has a cycle (dbt refuses one first)."""
    by_id: Mapping[str, Node] = {node.unique_id: node for node in nodes}
    done: set[str] = set()
    phases: list[Phase] = []
    sliced = False
    idle = 0  # consecutive empty phases: two in a row means nothing can be built
    while len(done) < len(by_id):
        taken: list[str] = []
        grew = True
        while grew:  # a phase takes nodes whose parents it has just taken too
            grew = False
            for unique_id, node in by_id.items():
                if unique_id in done or node.sliced != sliced:
                    continue
                if all(parent in done or parent not in by_id for parent in node.parents):
                    done.add(unique_id)
                    taken.append(node.name)
                    grew = True
        if taken:
            phases.append(Phase(tuple(sorted(taken)), sliced))
            idle = 0
        else:
            idle += 1
            if idle == 2:
                raise ValueError("the dbt graph has a cycle: " + ", ".join(sorted(set(by_id) - done)))
        sliced = not sliced
    return phases
