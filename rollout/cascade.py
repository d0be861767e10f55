"""The cascade tree, built in memory from what the selectors loaded (pure: no
database).

Lead trainers are the roots. Under a trainer: the people certified in the
cohorts they led (the next wave); under each of those who led cohorts in turn,
the people certified in theirs, and so on. Each node counts the members of the
cohorts its person led and how many of them are certified. A person already on
the path from the root is not expanded again (a cycle in the records: A trained
B who later trained A), so the tree is always finite.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CohortFacts:
    pk: int
    name: str
    trainer_ids: tuple[int, ...]
    member_ids: tuple[int, ...]


@dataclass
class Node:
    person_id: int
    wave: int  # 0: a lead trainer; 1: certified in a lead trainer's cohort …
    multiplicador: bool = False
    cohorts: list[CohortFacts] = field(default_factory=list)
    members: int = 0
    certified: int = 0
    children: list[Node] = field(default_factory=list)
    cycle: bool = False  # already above on the path: not expanded again

    @property
    def subtree_certified(self) -> int:
        return len(self.children) + sum(c.subtree_certified for c in self.children)


@dataclass(frozen=True)
class Edge:
    trainer_id: int
    cohort: CohortFacts
    member_id: int
    certified: bool
    wave: int


@dataclass
class Cascade:
    roots: list[Node]
    edges: list[Edge]


def build(
    *,
    cohorts: list[CohortFacts],
    lead_ids: set[int],
    certified_ids: set[int],
    multiplicador_ids: set[int],
    order: dict[int, tuple] | None = None,
) -> Cascade:
    """``order`` sorts people (e.g. by name); by id otherwise."""
    order = order or {}

    def key(pk: int):
        return order.get(pk, ()), pk

    led: dict[int, list[CohortFacts]] = {}
    for cohort in cohorts:
        for trainer_id in cohort.trainer_ids:
            led.setdefault(trainer_id, []).append(cohort)
    edges: list[Edge] = []
    edged: set[int] = set()  # a trainer's edges are listed once

    def expand(person_id: int, wave: int, path: frozenset[int]) -> Node:
        node = Node(
            person_id=person_id,
            wave=wave,
            multiplicador=person_id in multiplicador_ids,
            cohorts=led.get(person_id, []),
        )
        if person_id in path:
            node.cycle = True
            return node
        members: set[int] = set()
        first = person_id not in edged
        edged.add(person_id)
        for cohort in node.cohorts:
            for member_id in cohort.member_ids:
                members.add(member_id)
                if first:
                    edges.append(
                        Edge(
                            trainer_id=person_id,
                            cohort=cohort,
                            member_id=member_id,
                            certified=member_id in certified_ids,
                            wave=wave + 1,
                        )
                    )
        members.discard(person_id)
        certified = sorted(members & certified_ids, key=key)
        node.members, node.certified = len(members), len(certified)
        inner = path | {person_id}
        node.children = [expand(pk, wave + 1, inner) for pk in certified]
        return node

    roots = [expand(pk, 0, frozenset()) for pk in sorted(lead_ids & set(led), key=key)]
    return Cascade(roots=roots, edges=edges)
