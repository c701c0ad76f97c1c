"""Neighbourhood diagrams: every entity of the neighbourhood query is drawn, with its label."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest

from serkg.store import EmbeddedStore
from serkg.views.diagram import KINDS, DiagramError, neighbourhood, nodes_of, render_diagram, to_dot
from serkg.views.run import run_view
from tests.conftest import ValuesStore

L_SERINE = "https://w3id.org/serkg/id/l-serine"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def store(built_store: EmbeddedStore) -> EmbeddedStore:
    return built_store


@pytest.fixture(scope="module")
def svg(store: EmbeddedStore) -> ET.Element:
    return ET.fromstring(render_diagram(store, L_SERINE, "svg"))


def _query_entities(store: EmbeddedStore) -> dict[str, str]:
    """IRI -> kind straight from the view query, independent of the diagram module."""
    rows = run_view(store, "compound-neighbourhood", {"compound": ox.NamedNode(L_SERINE)})
    out: dict[str, str] = {}
    for row in rows:
        for end in ("from", "to"):
            term, kind = row[end], row[end + "Kind"]
            assert term is not None and kind is not None
            out.setdefault(term.value, kind.value)
    return out


def _drawn_nodes(svg: ET.Element) -> dict[str, str]:
    """Tooltip (CURIE) -> the node's text, lines joined by spaces, for every drawn node."""
    drawn: dict[str, str] = {}
    for group in svg.iter(f"{SVG}g"):
        if group.get("class") != "node":
            continue
        texts = [t.text or "" for t in group.iter(f"{SVG}text")]
        anchors = [a.get("{http://www.w3.org/1999/xlink}title") for a in group.iter(f"{SVG}a")]
        key = next((a for a in anchors if a), None) or (group.findtext(f"{SVG}title") or "")
        drawn[key] = " ".join(texts)
    return drawn


def test_neighbourhood_has_every_kind_of_the_issue(store: EmbeddedStore) -> None:
    kinds = {node.kind for node in nodes_of(neighbourhood(store, L_SERINE))}
    assert {"compound", "mechanism", "target", "process", "trial", "disease", "related"} <= kinds


def test_neighbourhood_labels_are_the_graphs(store: EmbeddedStore) -> None:
    nodes = {n.iri: n for n in nodes_of(neighbourhood(store, L_SERINE))}
    assert nodes[L_SERINE].label == "L-serine"
    assert nodes["https://w3id.org/serkg/id/d-serine"].kind == "related"
    assert nodes["https://w3id.org/serkg/id/NCT03580616"].kind == "trial"
    assert set(nodes) == set(_query_entities(store))


def test_svg_draws_every_entity_of_the_query_with_its_label(
    store: EmbeddedStore, svg: ET.Element
) -> None:
    from serkg.prefixes import compress

    drawn = _drawn_nodes(svg)
    nodes = nodes_of(neighbourhood(store, L_SERINE))
    assert len(nodes) >= 15
    for node in nodes:
        key = compress(node.iri)
        assert key in drawn, f"{key} ({node.label}) is not drawn"
        assert drawn[key] == " ".join(node.label.split()), (key, drawn[key], node.label)


def test_svg_has_a_legend_for_the_kinds_drawn(store: EmbeddedStore, svg: ET.Element) -> None:
    texts = {t.text for t in svg.iter(f"{SVG}text")}
    assert "Legend" in texts
    for kind in {n.kind for n in nodes_of(neighbourhood(store, L_SERINE))}:
        assert KINDS[kind][0] in texts, kind


def test_svg_edges_carry_the_ontologys_labels(store: EmbeddedStore, svg: ET.Element) -> None:
    edge_texts = [
        " ".join(t.text or "" for t in g.iter(f"{SVG}text"))
        for g in svg.iter(f"{SVG}g")
        if g.get("class") == "edge"
    ]
    edges = neighbourhood(store, L_SERINE)
    assert len(edge_texts) == len(edges)
    assert "has mechanism" in edge_texts and "has target" in edge_texts


def test_diagram_is_the_same_through_values_binding(store: EmbeddedStore) -> None:
    assert to_dot(L_SERINE, neighbourhood(ValuesStore(store), L_SERINE)) == to_dot(
        L_SERINE, neighbourhood(store, L_SERINE)
    )


def test_png_is_a_png(store: EmbeddedStore) -> None:
    assert render_diagram(store, L_SERINE, "png")[:8] == b"\x89PNG\r\n\x1a\n"


def test_labels_with_quotes_are_escaped_for_dot() -> None:
    from serkg.views.diagram import Edge, Node, run_dot

    a = Node("https://w3id.org/serkg/id/a", "compound", 'say "hi" \\ bye')
    b = Node("https://w3id.org/serkg/id/b", "mechanism", "line\nbreak")
    root = ET.fromstring(
        run_dot(
            to_dot(
                a.iri, [Edge(a, b, "https://w3id.org/serkg/vocab/hasMechanism", "has mechanism")]
            ),
            "svg",
        )
    )
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert 'say "hi" \\ bye' in texts and "line break" in texts


def test_missing_dot_says_how_to_install_it(
    store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(DiagramError, match="make system-deps"):
        render_diagram(store, L_SERINE, "svg")
    assert os.environ["PATH"] == str(tmp_path)


def test_unknown_format_is_refused(store: EmbeddedStore) -> None:
    with pytest.raises(DiagramError, match="unknown diagram format 'gif'"):
        render_diagram(store, L_SERINE, "gif")
