"""The graph as KGX, the Biolink Model's exchange format: ``nodes.tsv`` and ``edges.tsv`` (or
``nodes.jsonl`` and ``edges.jsonl``), for KG-Hub, the Translator tools and anyone who merges
knowledge graphs on standard identifiers (docs/exports.md).

Everything Biolink-specific is data, in ``data/mappings/biolink.json``: which of our classes is
which Biolink category, which of our relations is which Biolink predicate (with the knowledge
level and agent type Biolink requires on an edge), our trial phases and statuses as Biolink
enumeration values, and the prefixes a node's id is taken from. What the export reads from the
store is in ``queries/kgx/``, one query per file. A node's id is its standard identifier (the first
exact match in its category's preferred prefixes) so that a KGX merge joins it with the same
entity from other sources; an entity with no such match keeps its ``kg:`` CURIE. The files are
written here, without kgx: reading and validating them is kgx's job, in the tests.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from serkg import __version__, resources, safe_write
from serkg.prefixes import CurieError, compact_iri, expand

#: ``serkg export --format F``: the file suffix of each KGX form
SUFFIXES = {"kgx": "tsv", "kgx-jsonl": "jsonl"}
NODE_COLUMNS = (
    "id",
    "category",
    "name",
    "description",
    "xref",
    "provided_by",
    "clinical_trial_phase",
    "clinical_trial_overall_status",
)
EDGE_COLUMNS = (
    "id",
    "subject",
    "predicate",
    "object",
    "knowledge_level",
    "agent_type",
    "primary_knowledge_source",
    "original_predicate",
    "publications",
    "has_supporting_studies",
    "max_research_phase",
    "serkg_context",
    "serkg_sources",
    "serkg_evidence_level",
)
#: KGX's separator inside a multivalued TSV cell
LIST_SEPARATOR = "|"
MULTIVALUED = frozenset(
    {"category", "xref", "provided_by", "publications", "has_supporting_studies"}
    | {"serkg_sources", "serkg_evidence_level"}
)
#: the namespace of the deterministic edge ids (a UUID 5 of the edge's parts)
_EDGE_NAMESPACE = uuid.UUID("6f1d5a52-6c1e-5b8e-9d0e-2f3b0c7a4e19")

Row = dict[str, str | list[str]]


class KgxError(ValueError):
    """The Biolink mapping is broken, or the graph holds what it cannot map. Exit code 2."""


@dataclass(frozen=True)
class EdgeKind:
    """One kind of edge: the query that reads it and its Biolink predicate and slots."""

    query: str
    serkg_property: str
    predicate: str
    knowledge_level: str
    agent_type: str


@dataclass(frozen=True)
class BiolinkMapping:
    """``data/mappings/biolink.json``, with our terms expanded to IRIs."""

    biolink_model_version: str
    knowledge_source: str
    #: (class IRI, Biolink category, preferred id prefixes), the most specific class first
    categories: list[tuple[str, str, tuple[str, ...]]]
    edges: list[EdgeKind]
    #: trial phase IRI -> ResearchPhaseEnum value, from the lowest phase to the highest
    research_phases: dict[str, str]
    trial_statuses: dict[str, str]
    prefix_spellings: dict[str, str]
    publication_prefixes: tuple[str, ...]

    def curie(self, iri: str) -> str:
        """IRI as a CURIE with Biolink's spelling of its prefix."""
        curie = compact_iri(iri)
        prefix, sep, local = curie.partition(":")
        return f"{self.prefix_spellings.get(prefix, prefix)}:{local}" if sep else curie


def load_biolink_mapping(path: Path | None = None) -> BiolinkMapping:
    """The Biolink mapping file; a broken one is named with its line or key."""
    path = path or resources.biolink_mapping_file()
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise KgxError(f"{path}: cannot read the Biolink mapping: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise KgxError(f"{path}:{exc.lineno}: not JSON: {exc.msg}") from None
    try:
        return _mapping(document)
    except (KeyError, TypeError, CurieError) as exc:
        raise KgxError(f"{path}: {exc} (see docs/exports.md)") from None


def _mapping(document: dict[str, Any]) -> BiolinkMapping:
    categories = [
        (expand(row["serkg_class"]), row["category"], tuple(row["id_prefixes"]))
        for row in document["categories"]
    ]
    edges = [
        EdgeKind(
            row["query"],
            row["serkg_property"],
            row["predicate"],
            row["knowledge_level"],
            row["agent_type"],
        )
        for row in document["edges"]
    ]
    return BiolinkMapping(
        biolink_model_version=str(document["biolink_model_version"]),
        knowledge_source=str(document["knowledge_source"]),
        categories=categories,
        edges=edges,
        research_phases={expand(k): v for k, v in document["research_phases"].items()},
        trial_statuses={expand(k): v for k, v in document["trial_statuses"].items()},
        prefix_spellings=dict(document["prefix_spellings"]),
        publication_prefixes=tuple(document["publication_prefixes"]),
    )


@dataclass
class KgxGraph:
    """The nodes and edges of the export, as KGX records, sorted."""

    nodes: list[Row] = field(default_factory=list)
    edges: list[Row] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)


def _select(store: ox.Store, name: str) -> list[dict[str, str]]:
    """The rows of ``queries/kgx/NAME.rq`` as {variable: term value} (unbound ones left out)."""
    solutions = store.query(resources.kgx_query(name))
    if not isinstance(solutions, ox.QuerySolutions):
        raise KgxError(f"queries/kgx/{name}.rq must be a SELECT query")
    names = [v.value for v in solutions.variables]
    return [
        {
            var: term.value
            for var, term in zip(names, (solution[i] for i in range(len(names))), strict=True)
            if term is not None
        }
        for solution in solutions
    ]


def kgx_graph(
    store: ox.Store, mapping: BiolinkMapping | None = None, *, version: str = __version__
) -> KgxGraph:
    """The graph in STORE as KGX nodes and edges, through MAPPING (the packaged one)."""
    mapping = mapping or load_biolink_mapping()
    matches: dict[str, list[str]] = {}
    for row in _select(store, "exact-matches"):
        matches.setdefault(row["entity"], []).append(row["match"])
    nodes = _nodes(store, mapping, matches)
    edges = [
        edge for kind in mapping.edges for edge in _edges(store, mapping, kind, nodes, matches)
    ]
    edges.sort(key=lambda e: (e["subject"], e["predicate"], e["object"], e["id"]))
    records = sorted(nodes.values(), key=lambda n: str(n["id"]))
    metadata = {
        "name": "serkg",
        "version": version,
        "biolink_model_version": mapping.biolink_model_version,
        "knowledge_source": mapping.knowledge_source,
        "node_count": len(records),
        "edge_count": len(edges),
    }
    return KgxGraph(records, edges, metadata)


def _nodes(
    store: ox.Store, mapping: BiolinkMapping, matches: dict[str, list[str]]
) -> dict[str, Row]:
    """Node records by entity IRI: the entities of a mapped class."""
    classes: dict[str, set[str]] = {}
    labels: dict[str, set[str]] = {}
    definitions: dict[str, set[str]] = {}
    for row in _select(store, "nodes"):
        entity = row["entity"]
        classes.setdefault(entity, set()).add(row["class"])
        if "label" in row:
            labels.setdefault(entity, set()).add(row["label"])
        if "definition" in row:
            definitions.setdefault(entity, set()).add(row["definition"])
    trials = {row["trial"]: row for row in _select(store, "trials")}
    nodes: dict[str, Row] = {}
    for entity, asserted in classes.items():
        found = next((c for c in mapping.categories if c[0] in asserted), None)
        if found is None:
            continue
        _, category, prefixes = found
        node_id = _node_id(mapping, entity, matches.get(entity, []), prefixes)
        xrefs = {mapping.curie(m) for m in matches.get(entity, [])} | {mapping.curie(entity)}
        node: Row = {
            "id": node_id,
            "category": [category],
            "name": min(labels.get(entity, {""})),
            "description": min(definitions.get(entity, {""})),
            "xref": sorted(xrefs - {node_id}),
            "provided_by": [mapping.knowledge_source],
        }
        if entity in trials:
            node.update(_trial_slots(mapping, trials[entity]))
        nodes[entity] = node
    return nodes


def _node_id(
    mapping: BiolinkMapping, entity: str, matches: list[str], prefixes: tuple[str, ...]
) -> str:
    """The entity's own CURIE where it is a standard term (GO:, HP:), else its first exact match
    in PREFIXES, else its own ``kg:`` CURIE."""
    own = compact_iri(entity)
    if not own.startswith("kg:"):
        return mapping.curie(entity)
    curies = sorted(compact_iri(m) for m in matches)
    for prefix in prefixes:
        for curie in curies:
            if curie.split(":", 1)[0] == prefix:
                return mapping.curie(expand(curie))
    return own


def _trial_slots(mapping: BiolinkMapping, row: dict[str, str]) -> dict[str, str | list[str]]:
    slots: dict[str, str | list[str]] = {}
    for key, table, slot in (
        ("phase", mapping.research_phases, "clinical_trial_phase"),
        ("status", mapping.trial_statuses, "clinical_trial_overall_status"),
    ):
        if key in row:
            if row[key] not in table:
                raise KgxError(
                    f"{compact_iri(row['trial'])}: {key} {compact_iri(row[key])} has no Biolink "
                    f"value in {resources.biolink_mapping_file()}"
                )
            slots[slot] = table[row[key]]
    return slots


def _edges(
    store: ox.Store,
    mapping: BiolinkMapping,
    kind: EdgeKind,
    nodes: dict[str, Row],
    matches: dict[str, list[str]],
) -> list[Row]:
    """One edge per (subject, context, object) the query of KIND returns."""
    grouped: dict[tuple[str, str, str], dict[str, set[str]]] = {}
    for row in _select(store, kind.query):
        key = (row["subject"], row["context"], row["object"])
        parts = grouped.setdefault(key, {"source": set(), "level": set(), "study": set()})
        parts.setdefault("phase", set())
        for var in ("source", "level", "study", "phase"):
            if var in row:
                parts[var].add(row[var])
    edges: list[Row] = []
    for (subject, context, obj), parts in grouped.items():
        for end in (subject, obj):
            if end not in nodes:
                raise KgxError(
                    f"queries/kgx/{kind.query}.rq: {compact_iri(end)} is an end of a "
                    f"{kind.predicate} edge but no node: its class has no Biolink category in "
                    f"{resources.biolink_mapping_file()}"
                )
        edge_id = uuid.uuid5(_EDGE_NAMESPACE, f"{kind.predicate} {subject} {context} {obj}")
        edges.append(
            {
                "id": f"urn:uuid:{edge_id}",
                "subject": str(nodes[subject]["id"]),
                "predicate": kind.predicate,
                "object": str(nodes[obj]["id"]),
                "knowledge_level": kind.knowledge_level,
                "agent_type": kind.agent_type,
                "primary_knowledge_source": mapping.knowledge_source,
                "original_predicate": kind.serkg_property,
                "publications": _publications(mapping, parts["source"], matches),
                "has_supporting_studies": sorted(
                    str(nodes[s]["id"]) if s in nodes else mapping.curie(s) for s in parts["study"]
                ),
                "max_research_phase": _max_phase(mapping, parts["phase"]),
                "serkg_context": compact_iri(context),
                "serkg_sources": sorted(compact_iri(source) for source in parts["source"]),
                "serkg_evidence_level": sorted(compact_iri(level) for level in parts["level"]),
            }
        )
    return edges


def _publications(
    mapping: BiolinkMapping, sources: Iterable[str], matches: dict[str, list[str]]
) -> list[str]:
    """The DOI and PubMed identifiers of the source documents."""
    found = set()
    for source in sources:
        for match in matches.get(source, []):
            curie = compact_iri(match)
            if curie.split(":", 1)[0] in mapping.publication_prefixes:
                found.add(mapping.curie(match))
    return sorted(found)


def _max_phase(mapping: BiolinkMapping, phases: set[str]) -> str:
    unknown = sorted(compact_iri(p) for p in phases - mapping.research_phases.keys())
    if unknown:
        raise KgxError(
            f"trial phase {', '.join(unknown)} has no Biolink research phase in "
            f"{resources.biolink_mapping_file()}"
        )
    order = list(mapping.research_phases)
    return mapping.research_phases[max(phases, key=order.index)] if phases else ""


def kgx_files(graph: KgxGraph, fmt: str) -> list[tuple[str, bytes]]:
    """The files of the export in the form FMT (a key of :data:`SUFFIXES`): nodes, edges and
    ``kgx-metadata.json`` (the serkg and Biolink Model versions and the counts)."""
    if fmt not in SUFFIXES:
        raise KgxError(f"{fmt!r} is not a KGX form; choose one of {', '.join(SUFFIXES)}")
    suffix = SUFFIXES[fmt]
    write = _tsv if suffix == "tsv" else _jsonl
    metadata = json.dumps(graph.metadata, indent=2, ensure_ascii=False) + "\n"
    return [
        (f"nodes.{suffix}", write(graph.nodes, NODE_COLUMNS)),
        (f"edges.{suffix}", write(graph.edges, EDGE_COLUMNS)),
        ("kgx-metadata.json", metadata.encode("utf-8")),
    ]


def _tsv(records: Sequence[Row], columns: Sequence[str]) -> bytes:
    lines = ["\t".join(columns)]
    for record in records:
        cells = []
        for column in columns:
            value = record.get(column, "")
            values = value if isinstance(value, list) else [value]
            for text in values:
                if any(c in text for c in "\t\n\r") or (
                    isinstance(value, list) and LIST_SEPARATOR in text
                ):
                    raise KgxError(
                        f"{record['id']}: {column} {text!r} holds a tab, a line break or, in a "
                        f"list, {LIST_SEPARATOR!r}: it cannot be written as KGX TSV"
                    )
            cells.append(LIST_SEPARATOR.join(values))
        lines.append("\t".join(cells))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _jsonl(records: Sequence[Row], columns: Sequence[str]) -> bytes:
    encode = json.JSONEncoder(ensure_ascii=False).encode
    lines = [
        encode({c: record[c] for c in columns if c in record and record[c] not in ("", [])})
        for record in records
    ]
    return "".join(f"{line}\n" for line in lines).encode("utf-8")


def write_kgx(out_dir: Path, graph: KgxGraph, fmt: str) -> list[Path]:
    """Write the export into the new folder OUT_DIR, all or nothing."""
    return safe_write.write_new_folder(out_dir, kgx_files(graph, fmt), "the KGX export")
