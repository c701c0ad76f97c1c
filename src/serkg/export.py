"""Writing the graph in the formats researchers load: Turtle, N-Triples, TriG, compact JSON-LD.

Turtle, N-Triples and TriG are streamed by pyoxigraph (tens of times faster than rdflib);
JSON-LD is compacted here with the curated ``@context`` in ``ontology/context.jsonld`` (pyoxigraph
writes only expanded JSON-LD; rdflib's compaction was the slowest step of a build). Every file is
written atomically.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from serkg import __version__, formats, mappings, resources, safe_write
from serkg.gc_pause import cyclic_gc_paused
from serkg.prefixes import (
    ASSERTED_GRAPH,
    IMPORTS_GRAPH,
    INFERRED_GRAPH,
    PREFIX_MAP,
    SERIALISATION_PREFIXES,
)
from serkg.vocab import RDF, XSD

GRAPH_CHOICES = formats.EXPORT_GRAPHS
#: the files a build writes (serkg.build) and a release copies (serkg.releases.bundle)
ARTEFACTS = (
    "serkg.ttl",
    "serkg-inferred.ttl",
    "serkg-imports.ttl",
    "serkg.jsonld",
    "serkg.nt",
    "serkg.trig",
    "validation-report.ttl",
    "validation-report.txt",
    "void.ttl",
    "serkg.sssom.tsv",
    "serkg-vocab.sssom.tsv",
)


def _prefixes() -> dict[str, str]:
    return {p: PREFIX_MAP[p] for p in SERIALISATION_PREFIXES}


def jsonld_context() -> dict[str, Any]:
    """The curated JSON-LD ``@context`` (prefixes and a few short aliases)."""
    with resources.jsonld_context_file().open(encoding="utf-8") as handle:
        context: dict[str, Any] = json.load(handle)["@context"]
    return context


def serialize_triples(triples: Iterable[ox.Triple], fmt: str) -> bytes:
    """Triples in the RDF format FMT (a key of :data:`formats.FORMATS` that holds one graph):
    Turtle and RDF/XML with the project's prefixes, compact JSON-LD with the curated context."""
    spec = formats.FORMATS.get(fmt)
    if spec is None or not spec.is_rdf or spec.key in formats.DATASET_FORMATS:
        raise ValueError(f"{fmt!r} is not a format for one graph")
    if spec.writer_key == "jsonld":
        return serialize_jsonld(triples)
    writer = formats.FORMATS[spec.writer_key]
    prefixes = _prefixes() if writer.key in {"ttl", "rdfxml"} else None
    return ox.serialize(list(triples), format=writer.syntax(), prefixes=prefixes) or b""


def serialize_jsonld(triples: Iterable[ox.Triple]) -> bytes:
    """Compact JSON-LD with the curated context inline; no remote context is ever fetched.

    Written here from the triples (rdflib's compaction took 4 s at 100k triples, this about a
    tenth of that): one node object per subject, one node per line, ``rdf:type`` as ``@type``,
    IRIs compacted with the context's prefixes. A property is written with its context term where
    the term's coercion fits the value, so the value is plain JSON: an IRI string under an
    ``"@id"`` term, a string under a language term, the lexical form under a datatype term, and a
    native number or boolean only where that is lossless (an xsd:integer or xsd:boolean in its
    canonical form, integers within 2^53). A value the term does not fit goes under the prefixed
    property name as a value object, so nothing is rewritten: "1.50"^^xsd:decimal stays a string.
    """
    with cyclic_gc_paused():
        return _compact_jsonld(triples)


def _compact_jsonld(triples: Iterable[ox.Triple]) -> bytes:
    context = jsonld_context()
    compactor = _JsonLdCompactor(context)
    by_subject: dict[Any, dict[str, list[Any]]] = {}
    for t in triples:
        node = by_subject.get(t.subject)
        if node is None:
            node = by_subject[t.subject] = {}
        node.setdefault(t.predicate.value, []).append(t.object)
    nodes = {compactor.node_id(subject): node for subject, node in by_subject.items()}
    encode = json.JSONEncoder(ensure_ascii=False).encode
    lines = [encode(compactor.node(subject, nodes[subject])) for subject in sorted(nodes)]
    head = _context_text(context)
    graph = ",\n".join(lines)
    text = f'{head},\n "@graph": [\n{graph}\n ]\n}}\n' if lines else f'{head},\n "@graph": []\n}}\n'
    return text.encode("utf-8")


def _context_text(context: dict[str, Any]) -> str:
    """The document's opening with the context, one term per line (the graph follows)."""
    encode = json.JSONEncoder(ensure_ascii=False).encode
    terms = ",\n".join(f"  {encode(term)}: {encode(value)}" for term, value in context.items())
    return f'{{\n "@context": {{\n{terms}\n }}'


def _sort_key(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


#: the largest integer every JSON reader holds exactly (IEEE doubles)
_EXACT_JSON_INTEGER = 2**53
#: a term's coercion: "@id", ("@type", datatype IRI), ("@language", tag) or None (no coercion)
Coercion = str | tuple[str, str] | None


class _JsonLdCompactor:
    """IRI and value compaction against one curated context (prefixes and typed terms)."""

    def __init__(self, context: dict[str, Any]) -> None:
        self.prefixes: list[tuple[str, str]] = []
        #: property IRI -> (term, its coercion)
        self.terms: dict[str, tuple[str, Coercion]] = {}
        for term, definition in context.items():
            if term.startswith("@") or ":" in term:
                continue
            if isinstance(definition, str):
                if definition.endswith(("/", "#")):
                    self.prefixes.append((term, definition))
                else:
                    self.terms.setdefault(self._expand(definition, context), (term, None))
            elif isinstance(definition, dict) and isinstance(definition.get("@id"), str):
                iri = self._expand(definition["@id"], context)
                self.terms.setdefault(iri, (term, self._coercion(definition, context)))
        self.prefixes.sort(key=lambda pair: -len(pair[1]))  # the longest namespace wins
        self.schemes = set(context)
        self.cache: dict[str, str] = {}

    @classmethod
    def _coercion(cls, definition: dict[str, Any], context: dict[str, Any]) -> Coercion:
        kind = definition.get("@type")
        if kind == "@id":
            return "@id"
        if isinstance(kind, str):
            return ("@type", cls._expand(kind, context))
        language = definition.get("@language")
        if isinstance(language, str):
            return ("@language", language.lower())
        return None

    @staticmethod
    def _expand(value: str, context: dict[str, Any]) -> str:
        prefix, sep, suffix = value.partition(":")
        namespace = context.get(prefix)
        if sep and isinstance(namespace, str) and not suffix.startswith("//"):
            return namespace + suffix
        return value

    def iri(self, iri: str) -> str:
        """IRI as a compact IRI where a prefix fits, else in full."""
        compact = self.cache.get(iri)
        if compact is None:
            compact = iri
            for prefix, namespace in self.prefixes:
                suffix = iri[len(namespace) :]
                if iri.startswith(namespace) and suffix and not suffix.startswith("//"):
                    compact = f"{prefix}:{suffix}"
                    break
            else:
                if iri.partition(":")[0] in self.schemes:
                    raise ValueError(f"IRI {iri!r} cannot be written: its scheme is a context term")
            self.cache[iri] = compact
        return compact

    def node_id(self, term: Any) -> str:
        if isinstance(term, ox.BlankNode):
            return f"_:{term.value}"
        return self.iri(term.value)

    def value(self, term: Any) -> Any:
        """A value under a prefixed property name (no coercion): strings plain, others objects."""
        if isinstance(term, ox.Literal):
            if term.language:
                return {"@value": term.value, "@language": term.language}
            datatype = term.datatype.value
            if datatype == XSD.string:
                return term.value
            return {"@value": term.value, "@type": self.iri(datatype)}
        return {"@id": self.node_id(term)}

    def coerced(self, coercion: Coercion, term: Any) -> Any:
        """TERM as plain JSON under a term with COERCION, or None where the coercion does not fit."""
        if coercion is None:
            return self.value(term)
        if isinstance(coercion, str):  # "@id"
            return None if isinstance(term, ox.Literal) else self.node_id(term)
        if not isinstance(term, ox.Literal):
            return None
        kind, wanted = coercion
        if kind == "@language":
            return term.value if term.language == wanted else None
        if term.language or term.datatype.value != wanted:
            return None
        return _native(wanted, term.value)

    def node(self, subject: str, properties: dict[str, list[Any]]) -> dict[str, Any]:
        node: dict[str, Any] = {"@id": subject}
        entries: dict[str, list[Any]] = {}
        for predicate, objects in properties.items():
            if predicate == RDF.type and not any(isinstance(o, ox.Literal) for o in objects):
                types = sorted(self.node_id(o) for o in objects)
                node["@type"] = types[0] if len(types) == 1 else types
                continue
            term = self.terms.get(predicate)
            for o in objects:
                plain = None if term is None else self.coerced(term[1], o)
                if plain is not None:
                    entries.setdefault(term[0], []).append(plain)  # type: ignore[index]
                else:
                    entries.setdefault(self.iri(predicate), []).append(self.value(o))
        for key in sorted(entries):
            values = entries[key]
            if len(values) > 1:
                values.sort(key=_sort_key)
            node[key] = values[0] if len(values) == 1 else values
        return node


def _native(datatype: str, lexical: str) -> Any:
    """A JSON number or boolean where it reads back as exactly this literal, else the string."""
    if datatype == XSD.boolean and lexical in {"true", "false"}:
        return lexical == "true"
    if datatype == XSD.integer:
        try:
            number = int(lexical)
        except ValueError:
            return lexical
        if str(number) == lexical and abs(number) <= _EXACT_JSON_INTEGER:
            return number
    return lexical


def serialize_dataset(
    asserted: Sequence[ox.Triple], inferred: Sequence[ox.Triple], fmt: str = "trig"
) -> bytes:
    """Asserted and inferred triples in their two named graphs (TriG or N-Quads)."""
    if fmt == "trig":
        return trig_of_turtle(
            [
                (ASSERTED_GRAPH, serialize_triples(asserted, "ttl")),
                (INFERRED_GRAPH, serialize_triples(inferred, "ttl")),
            ]
        )
    with cyclic_gc_paused():
        return _serialize_quads(asserted, inferred, fmt)


def trig_of_turtle(graphs: Sequence[tuple[str, bytes]]) -> bytes:
    """TriG of named graphs given as (graph IRI, Turtle of its triples from
    :func:`serialize_triples`): the bytes pyoxigraph's TriG writer gives for their quads.

    Made from the Turtle the build writes anyway (at 1M triples the quads took 3 s to make and
    write, this a tenth of a second): the shared prefix lines, then each graph's statements,
    indented, in a block. The Turtle writer escapes line breaks inside literals, so every line
    break in its output is between tokens and the indentation changes no value.
    """
    header = b""
    blocks: list[bytes] = []
    for graph, turtle in graphs:
        prefixes, statements = _split_prefix_lines(turtle)
        header = header or prefixes
        if statements:
            body = b"\t" + statements[:-1].replace(b"\n", b"\n\t") + b"\n"
            blocks.append(b"<" + graph.encode("utf-8") + b"> {\n" + body + b"}\n")
    return header + b"".join(blocks) if blocks else b""


def _split_prefix_lines(turtle: bytes) -> tuple[bytes, bytes]:
    """TURTLE's leading ``@prefix`` lines, and the rest."""
    end = 0
    while turtle.startswith(b"@prefix ", end):
        end = turtle.index(b"\n", end) + 1
    return turtle[:end], turtle[end:]


def _serialize_quads(
    asserted: Sequence[ox.Triple], inferred: Sequence[ox.Triple], fmt: str
) -> bytes:
    quads = [
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(ASSERTED_GRAPH)) for t in asserted
    ]
    quads += [
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(INFERRED_GRAPH)) for t in inferred
    ]
    return _serialize_named_quads(quads, fmt)


def _serialize_named_quads(quads: list[ox.Quad], fmt: str) -> bytes:
    if fmt not in formats.DATASET_FORMATS:
        raise ValueError(f"{fmt!r} is not a format for named graphs")
    syntax = formats.FORMATS[fmt].syntax()
    data = ox.serialize(quads, format=syntax, prefixes=_prefixes() if fmt == "trig" else None)
    return data or b""


def write_triples(path: Path, triples: Iterable[ox.Triple], fmt: str) -> None:
    safe_write.write_bytes(path, serialize_triples(triples, fmt))


def graph_triples(store: ox.Store, graph: str) -> list[ox.Triple]:
    """The triples of one named graph of a built store."""
    return [q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))]


def export_from_store(store: ox.Store, fmt: str, graph: str = "all") -> bytes:
    """What ``serkg export`` writes: one graph or both, in FMT, read from the built store."""
    if fmt not in formats.EXPORT_FORMATS:
        raise ValueError(
            f"unknown export format {fmt!r}; choose one of {', '.join(formats.EXPORT_FORMATS)}"
        )
    if graph not in GRAPH_CHOICES:
        raise ValueError(f"unknown graph {graph!r}; choose one of {', '.join(GRAPH_CHOICES)}")
    if fmt == "sssom":  # a mapping set holds curated cross-links: asserted ones, with their sources
        if graph in {"inferred", "imports"}:
            raise mappings.MappingError(
                "the SSSOM mapping set holds the curated cross-links, which are in the asserted "
                "graph; use --graph asserted or all"
            )
        return mappings.sssom_tsv(graph_triples(store, ASSERTED_GRAPH), __version__).encode("utf-8")
    if graph == "imports":
        if fmt in formats.DATASET_FORMATS:
            quads = [
                ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(IMPORTS_GRAPH))
                for t in graph_triples(store, IMPORTS_GRAPH)
            ]
            return _serialize_named_quads(quads, fmt)
        return serialize_triples(graph_triples(store, IMPORTS_GRAPH), fmt)
    asserted = graph_triples(store, ASSERTED_GRAPH) if graph in {"asserted", "all"} else []
    inferred = graph_triples(store, INFERRED_GRAPH) if graph in {"inferred", "all"} else []
    if fmt in formats.DATASET_FORMATS:
        return serialize_dataset(asserted, inferred, fmt)
    return serialize_triples([*asserted, *inferred], fmt)
