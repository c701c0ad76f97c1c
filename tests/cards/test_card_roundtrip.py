"""The way back: `serkg card NAME --format yaml` writes what the graph holds about a compound as
a card; compiling that card gives back the same facts and claims, for everything a card can
express (compared as RDF graphs, each claim a blank node with its triple and provenance)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from serkg import resources
from serkg.cards import model
from serkg.cli import app
from serkg.loading import KnowledgeBase, add_data_file, load_knowledge, parse_file
from serkg.prefixes import KG, PREFIX_MAP, SK

RDF_TYPE = PREFIX_MAP["rdf"] + "type"
PARTS = {SK + "claimSubject": "s", SK + "claimPredicate": "p", SK + "claimObject": "o"}


def _record_nodes(kb: KnowledgeBase, compound: str) -> dict[str, model.Record]:
    """The records a card about COMPOUND describes, found from the card model's links alone."""
    facts = kb.facts
    types = {(t.subject.value, t.object.value) for t in facts if t.predicate.value == RDF_TYPE}
    kinds: dict[str, model.Record] = {}
    for link in model.RECORD_LISTS:
        record = model.RECORDS[link.record]
        for t in facts:
            if t.subject.value == compound and t.predicate.value == link.predicate:
                kinds[t.object.value] = record
            elif not link.predicate and t.predicate.value == record.owner_link:
                typed = (t.subject.value, record.rdf_type) in types or record.name == "combination"
                if t.object.value == compound and typed:
                    kinds[t.subject.value] = record
    for node, record in list(kinds.items()):
        for fld in (f for f in record.fields if f.kind == model.RECORD):
            for t in facts:
                if t.subject.value == node and t.predicate.value == fld.predicate:
                    kinds[t.object.value] = model.RECORDS[fld.record]
    return kinds


def _expressible(kb: KnowledgeBase, compound: str) -> dict[str, set[str]]:
    """Subject IRI -> the predicates a card can state about it (from the card model only)."""
    own = {f.predicate for f in (*model.IDENTITY.fields, *model.COMPOUND_FACTS) if f.predicate}
    links = {f.predicate for f in model.RECORD_LISTS if f.predicate}
    out: dict[str, set[str]] = {compound: {RDF_TYPE, *own, *links}}
    for node, record in _record_nodes(kb, compound).items():
        allowed = {RDF_TYPE, record.owner_link, record.back_link}
        allowed |= {f.predicate for f in record.fields if f.predicate}
        out[node] = allowed - {""}
    return out


def _graph(kb: KnowledgeBase, keep: dict[str, set[str]]) -> rdflib.Graph:
    """The kept facts, and their generated claims as blank nodes with their provenance."""
    parts: dict[ox.NamedNode, dict[str, object]] = {}
    meta: dict[ox.NamedNode, list[tuple[str, object]]] = {}
    for t in kb.claims:
        if t.predicate.value in PARTS:
            parts.setdefault(t.subject, {})[PARTS[t.predicate.value]] = t.object
        elif t.predicate.value != RDF_TYPE:
            meta.setdefault(t.subject, []).append((t.predicate.value, t.object))
    graph = rdflib.Graph()
    for claim, spo in parts.items():
        s, p, o = spo["s"], spo["p"], spo["o"]
        if p.value not in keep.get(s.value, ()):  # type: ignore[attr-defined]
            continue
        node = rdflib.BNode()
        triple = tuple(_rdflib(x) for x in (s, p, o))
        graph.add(triple)  # type: ignore[arg-type]
        for name, term in zip(
            ("claimSubject", "claimPredicate", "claimObject"), triple, strict=True
        ):
            graph.add((node, rdflib.URIRef(SK + name), term))
        for predicate, value in meta.get(claim, []):
            graph.add((node, rdflib.URIRef(predicate), _rdflib(value)))
    return graph


def _rdflib(term: object) -> rdflib.term.Identifier:
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    assert isinstance(term, ox.Literal), term
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


@pytest.mark.parametrize("name", ["l-serine", "d-serine", "glycine"])
def test_the_card_written_from_the_graph_compiles_to_the_same_facts(
    built_dist: Path, tmp_path: Path, name: str
) -> None:
    result = CliRunner().invoke(
        app, ["card", f"kg:{name}", "--format", "yaml", "--store", str(built_dist / "store")]
    )
    assert result.exit_code == 0, result.stderr
    card = tmp_path / f"{name}.yaml"
    card.write_text(result.stdout, encoding="utf-8")

    graph_kb = load_knowledge([resources.ontology_file()], resources.data_files())
    keep = _expressible(graph_kb, KG + name)
    card_kb = KnowledgeBase()
    add_data_file(card_kb, card, parse_file(card))

    expected, got = _graph(graph_kb, keep), _graph(card_kb, keep)
    if not isomorphic(expected, got):
        _both, only_graph, only_card = graph_diff(to_isomorphic(expected), to_isomorphic(got))
        missing = sorted(
            f"{s} {p} {o}" for s, p, o in only_graph if not isinstance(s, rdflib.BNode)
        )
        extra = sorted(f"{s} {p} {o}" for s, p, o in only_card if not isinstance(s, rdflib.BNode))
        pytest.fail(
            f"{len(only_graph)} triple(s) only in the graph, {len(only_card)} only in the card; "
            f"facts missing: {missing[:15]}; facts added: {extra[:15]}"
        )
    # and the card states nothing beyond what was compared
    card_claims = {t.subject for t in card_kb.claims}
    assert len(card_claims) == len(set(got.subjects(rdflib.URIRef(SK + "claimSubject"))))
