"""Neighbourhood diagrams: a compound, its mechanisms, targets, processes, trials, diseases and
related compounds, drawn by Graphviz ``dot`` so that a researcher reads it at a glance.

The edges come from one view query (``queries/views/compound-neighbourhood.rq``) through the
:class:`~serkg.store.QueryStore` interface; this module only lays them out. Nodes are coloured by
kind with a legend, edges carry the ontology's label of their property, and precursors sit left
of the compound, everything it acts on or is tested in sits right of it.
"""

from __future__ import annotations

import shutil
import subprocess
import textwrap
from dataclasses import dataclass

import pyoxigraph as ox

from serkg.prefixes import KG, KGSRC, SK, compress
from serkg.store import QueryStore
from serkg.views.run import run_view

DIAGRAM_FORMATS = ("svg", "png")
DOT_TIMEOUT_S = 60

#: kind -> (legend text, fill colour, font colour, shape), in legend order
KINDS: dict[str, tuple[str, str, str, str]] = {
    "compound": ("compound", "#0b5394", "#ffffff", "box"),
    "related": ("related compound", "#cfe2f3", "#0b2540", "box"),
    "mechanism": ("mechanism of action", "#f6b26b", "#1b1f24", "box"),
    "target": ("target protein", "#b6d7a8", "#1b1f24", "ellipse"),
    "process": ("biological process (GO)", "#d9d2e9", "#1b1f24", "ellipse"),
    "pathway": ("pathway", "#a2c4c9", "#1b1f24", "ellipse"),
    "trial": ("clinical trial", "#eeeeee", "#1b1f24", "note"),
    "indication": ("indication", "#f4cccc", "#1b1f24", "box"),
    "disease": ("disease", "#ea9999", "#1b1f24", "ellipse"),
}
WRAP_AT = 24


class DiagramError(ValueError):
    """The diagram cannot be drawn here (Graphviz missing or failing); the message says why."""


@dataclass(frozen=True)
class Node:
    """One entity of the neighbourhood: IRI, kind (a key of :data:`KINDS`) and display label."""

    iri: str
    kind: str
    label: str


@dataclass(frozen=True)
class Edge:
    """A labelled relation between two nodes, in the direction the graph states it."""

    source: Node
    target: Node
    relation: str
    label: str


def neighbourhood(store: QueryStore, compound_iri: str) -> list[Edge]:
    """The edges around COMPOUND_IRI, each end with its kind and label (first label wins)."""
    rows = run_view(store, "compound-neighbourhood", {"compound": ox.NamedNode(compound_iri)})
    labels: dict[str, str] = {}
    kinds: dict[str, str] = {compound_iri: "compound"}
    relation_labels: dict[str, str] = {}
    keys: list[tuple[str, str, str]] = []
    for row in rows:
        source, target, relation = (row["from"], row["to"], row["relation"])
        assert source is not None and target is not None and relation is not None
        for term, label, kind in (
            (source, row["fromLabel"], row["fromKind"]),
            (target, row["toLabel"], row["toKind"]),
        ):
            if label is not None:
                labels.setdefault(term.value, label.value)
            if kind is not None:
                kinds.setdefault(term.value, kind.value)
        if row["relationLabel"] is not None:
            relation_labels.setdefault(relation.value, row["relationLabel"].value)
        key = (source.value, relation.value, target.value)
        if key not in keys:
            keys.append(key)

    def node(iri: str) -> Node:
        return Node(iri, kinds.get(iri, "related"), labels.get(iri) or compress(iri))

    return [
        Edge(node(s), node(o), p, relation_labels.get(p) or _humanise_property(p))
        for s, p, o in keys
    ]


def nodes_of(edges: list[Edge]) -> list[Node]:
    """The distinct nodes of EDGES, in first-seen order."""
    seen: dict[str, Node] = {}
    for edge in edges:
        seen.setdefault(edge.source.iri, edge.source)
        seen.setdefault(edge.target.iri, edge.target)
    return list(seen.values())


def to_dot(compound_iri: str, edges: list[Edge], title: str = "") -> str:
    """The DOT text of the diagram (left-to-right, coloured by kind, with a legend)."""
    nodes = nodes_of(edges)
    if not any(n.iri == compound_iri for n in nodes):
        nodes.insert(0, Node(compound_iri, "compound", title or compress(compound_iri)))
    ids = {n.iri: f"n{i}" for i, n in enumerate(nodes)}
    lines = [
        "digraph neighbourhood {",
        '  graph [rankdir=LR, ranksep=0.9, nodesep=0.25, pad=0.3, fontname="Helvetica", '
        f'fontsize=18, labelloc=t, label={_quote(title)}, bgcolor="white"];',
        '  node [fontname="Helvetica", fontsize=11, style="filled,rounded", penwidth=1.2, '
        'color="#5f6368", margin="0.12,0.06"];',
        '  edge [fontname="Helvetica", fontsize=9, color="#7f8790", fontcolor="#3c4043", '
        "arrowsize=0.7];",
    ]
    for node in nodes:
        _, fill, font, shape = KINDS.get(node.kind, KINDS["related"])
        style = '"filled"' if shape in {"ellipse", "note"} else '"filled,rounded"'
        attrs = [
            f"label={_quote(_wrap(node.label))}",
            f"shape={shape}",
            f"style={style}",
            f'fillcolor="{fill}"',
            f'fontcolor="{font}"',
            f"tooltip={_quote(compress(node.iri))}",
        ]
        if node.iri == compound_iri:
            attrs += ["fontsize=15", "penwidth=2.5", 'color="#073763"']
        link = _web_link(node.iri)
        if link:
            attrs.append(f"URL={_quote(link)}")
        lines.append(f"  {ids[node.iri]} [{', '.join(attrs)}];")
    for edge in edges:
        source, target = ids[edge.source.iri], ids[edge.target.iri]
        label = _quote(_wrap(edge.label, 18))
        if edge.target.iri == compound_iri and edge.source.kind == "trial":
            # a trial points at its intervention; draw it right of the compound, arrow kept
            lines.append(f"  {target} -> {source} [label={label}, dir=back];")
        else:
            lines.append(f"  {source} -> {target} [label={label}];")
    lines += _legend([n.kind for n in nodes])
    lines.append("}")
    return "\n".join(lines) + "\n"


def render_diagram(store: QueryStore, compound_iri: str, fmt: str = "svg") -> bytes:
    """The neighbourhood of COMPOUND_IRI drawn as SVG or PNG by Graphviz ``dot``."""
    if fmt not in DIAGRAM_FORMATS:
        raise DiagramError(
            f"unknown diagram format {fmt!r}; choose one of {', '.join(DIAGRAM_FORMATS)}"
        )
    edges = neighbourhood(store, compound_iri)
    title = next(
        (n.label for n in nodes_of(edges) if n.iri == compound_iri), ""
    ) or _compound_label(store, compound_iri)
    return run_dot(to_dot(compound_iri, edges, f"Neighbourhood of {title}"), fmt)


def run_dot(dot_text: str, fmt: str) -> bytes:
    """Lay out DOT_TEXT with Graphviz (text on stdin, image on stdout)."""
    executable = shutil.which("dot")
    if executable is None:
        raise DiagramError("Graphviz `dot` was not found on PATH; `make system-deps` installs it")
    args = [executable, f"-T{fmt}"] + (["-Gdpi=144"] if fmt == "png" else [])
    try:
        done = subprocess.run(
            args,
            input=dot_text.encode("utf-8"),
            capture_output=True,
            timeout=DOT_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise DiagramError(f"Graphviz `dot` did not finish within {DOT_TIMEOUT_S} s") from exc
    except OSError as exc:
        raise DiagramError(f"Graphviz `dot` could not be run: {exc}") from exc
    if done.returncode != 0 or not done.stdout:
        message = done.stderr.decode("utf-8", "replace").strip() or f"exit code {done.returncode}"
        raise DiagramError(f"Graphviz `dot` failed: {message}")
    return done.stdout


def _legend(kinds: list[str]) -> list[str]:
    present = [k for k in KINDS if k in set(kinds)]
    if not present:
        return []
    rows = "".join(
        f'<TR><TD BGCOLOR="{KINDS[k][1]}" WIDTH="18" HEIGHT="12" FIXEDSIZE="TRUE"></TD>'
        f'<TD ALIGN="LEFT"><FONT POINT-SIZE="10">{KINDS[k][0]}</FONT></TD></TR>'
        for k in present
    )
    table = (
        '<<TABLE BORDER="1" COLOR="#bdc1c6" CELLBORDER="0" CELLSPACING="3" CELLPADDING="2">'
        f'<TR><TD COLSPAN="2" ALIGN="LEFT"><B>Legend</B></TD></TR>{rows}</TABLE>>'
    )
    return [
        '  subgraph cluster_legend { label=""; style=invis;',
        f'    legend [shape=plaintext, style="", label={table}, tooltip="legend"];',
        "  }",
    ]


def _compound_label(store: QueryStore, compound_iri: str) -> str:
    for row in run_view(store, "compound-properties", {"compound": ox.NamedNode(compound_iri)}):
        if (
            row["property"] is not None
            and row["property"].value.endswith("#label")
            and row["value"] is not None
        ):
            return row["value"].value
    return compress(compound_iri)


def _wrap(text: str, width: int = WRAP_AT) -> str:
    return (
        "\n".join(
            textwrap.wrap(
                " ".join(text.split()), width=width, break_long_words=False, break_on_hyphens=False
            )
        )
        or text
    )


def _quote(text: str) -> str:
    """A DOT double-quoted string; newlines become centred line breaks."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _humanise_property(iri: str) -> str:
    local = iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    words = []
    current = ""
    for ch in local:
        if ch.isupper() and current:
            words.append(current)
            current = ch.lower()
        else:
            current += ch
    words.append(current)
    return " ".join(words)


def _web_link(iri: str) -> str | None:
    if not iri.startswith(("http://", "https://")) or iri.startswith((KG, KGSRC, SK)):
        return None
    return iri
