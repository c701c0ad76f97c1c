"""The facts (and generated claims) about D-serine and glycine, as N-Triples lines: what moving
them from TriG to cards must keep. ``python tests/cards/neighbours.py`` rewrites the fixture."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from serkg import resources
from serkg.loading import load_knowledge
from serkg.prefixes import KG, SK

FIXTURE = Path(__file__).parent / "neighbours-before-cards.nt"

#: the compounds and the records only they own
NODES = frozenset(
    ox.NamedNode(KG + name)
    for name in (
        "d-serine",
        "glycine",
        "mechanism-d-serine-nmda-coagonism",
        "regstatus-d-serine-us-not-approved-drug",
    )
)
PARTS = (ox.NamedNode(SK + "claimSubject"), ox.NamedNode(SK + "claimObject"))


def neighbour_lines(data_files: list[Path] | None = None) -> list[str]:
    """Every asserted triple with a node of NODES as subject or object, and every triple about a
    claim whose subject or object is one of them, as sorted N-Triples lines."""
    kb = load_knowledge([resources.ontology_file()], data_files or resources.data_files())
    triples = kb.facts + kb.claims
    claims = {t.subject for t in kb.claims if t.predicate in PARTS and t.object in NODES}
    kept = {t for t in triples if t.subject in NODES or t.object in NODES or t.subject in claims}
    return sorted(f"{t.subject} {t.predicate} {t.object} ." for t in kept)


if __name__ == "__main__":
    FIXTURE.write_text("\n".join(neighbour_lines()) + "\n", encoding="utf-8")
