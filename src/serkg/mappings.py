"""The graph's cross-links as an SSSOM mapping set (``serkg.sssom.tsv``, docs/mappings.md).

OBO projects exchange mappings as SSSOM tables, not as bare ``skos:exactMatch`` triples: this
module writes one row per cross-link of a ``kg:`` entity, read from the asserted triples (so the
table never drifts from the graph), with the sources and grade its claim bundle records, plus the
negative mappings curated in ``data/mappings/negative-mappings.tsv``. The set's metadata comes from
``data/mappings/mapping-set.json``. The writer is plain Python: reading the table back and
validating it is sssom-py's job, in the tests.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from serkg import resources
from serkg.prefixes import KG, ONTOLOGY_IRI, PREFIX_MAP, CurieError, compact_iri, expand
from serkg.vocab import PROV, RDFS, SCHEMA, SK, SKOS

#: the SKOS mapping properties a cross-link uses (DESIGN.md, "IRIs")
MATCH_PROPERTIES = (
    SKOS.exactMatch,
    SKOS.closeMatch,
    SKOS.broadMatch,
    SKOS.narrowMatch,
    SKOS.relatedMatch,
)
#: how the ontology says one of its terms specialises a standard term (the vocabulary set)
SPECIALISATION_PROPERTIES = (RDFS.subClassOf, RDFS.subPropertyOf)
#: namespaces of the languages the ontology is written in: not standard terms it maps to
_LANGUAGE_NAMESPACES = tuple(PREFIX_MAP[p] for p in ("rdf", "rdfs", "owl", "xsd"))
#: the columns of the table, in order (SSSOM slot names)
COLUMNS = (
    "subject_id",
    "subject_label",
    "predicate_id",
    "predicate_modifier",
    "object_id",
    "object_label",
    "mapping_justification",
    "mapping_date",
    "confidence",
    "see_also",
    "comment",
)
#: SSSOM's separator inside a multivalued cell
MULTIVALUE_SEPARATOR = "|"
NEGATIVE_COLUMNS = (
    "subject_id",
    "predicate_id",
    "object_id",
    "object_label",
    "confidence",
    "sources",
    "comment",
)


class MappingError(ValueError):
    """The mapping-set metadata, the negative mappings or a cross-link cannot be written."""


@dataclass(frozen=True)
class MappingSetMetadata:
    """``data/mappings/mapping-set.json``: SSSOM set slots, per-row defaults, confidences."""

    mapping_set: dict[str, Any]
    mapping: dict[str, str]
    confidence_by_evidence_level: dict[str, str]


def load_metadata(path: Path | None = None) -> MappingSetMetadata:
    """The mapping-set metadata file; a broken one is named with its line."""
    path = path or resources.mapping_set_metadata_file()
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise MappingError(
            f"{path}: cannot read the mapping-set metadata: {exc.strerror}"
        ) from None
    except json.JSONDecodeError as exc:
        raise MappingError(f"{path}:{exc.lineno}: not JSON: {exc.msg}") from None
    parts = {}
    for key in ("mapping_set", "mapping", "confidence_by_evidence_level"):
        value = document.get(key) if isinstance(document, dict) else None
        if not isinstance(value, dict):
            raise MappingError(f"{path}: needs an object {key!r} (docs/mappings.md)")
        parts[key] = value
    if "mapping_set_id" not in parts["mapping_set"]:
        raise MappingError(f"{path}: mapping_set needs a mapping_set_id")
    return MappingSetMetadata(**parts)


def load_negative_mappings(path: Path | None = None) -> list[dict[str, str]]:
    """The curated negative mappings (one dict per row, keyed by :data:`NEGATIVE_COLUMNS`)."""
    path = path or resources.negative_mappings_file()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise MappingError(f"{path}: cannot read the negative mappings: {exc.strerror}") from None
    rows: list[dict[str, str]] = []
    header: list[str] | None = None
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            if tuple(cells) != NEGATIVE_COLUMNS:
                raise MappingError(
                    f"{path}:{number}: the header must be {' '.join(NEGATIVE_COLUMNS)} (tab-separated)"
                )
            header = cells
            continue
        if len(cells) != len(header):
            raise MappingError(
                f"{path}:{number}: {len(cells)} cells, the header has {len(header)} (tab-separated)"
            )
        row = dict(zip(header, cells, strict=True))
        for column in ("subject_id", "predicate_id", "object_id", "sources"):
            for curie in _split(row[column]):
                try:
                    expand(curie)
                except CurieError as exc:
                    raise MappingError(f"{path}:{number}: {column}: {exc}") from None
        if not row["confidence"] or not _is_confidence(row["confidence"]):
            raise MappingError(f"{path}:{number}: confidence must be a number from 0 to 1")
        rows.append(row)
    return rows


def _is_confidence(text: str) -> bool:
    try:
        return 0.0 <= float(text) <= 1.0
    except ValueError:
        return False


def _split(cell: str) -> list[str]:
    return [part for part in cell.split(MULTIVALUE_SEPARATOR) if part]


#: what a triple's predicate makes it for the mapping sets (triples of other predicates are skipped)
_LINK, _SPECIALISATION, _LABEL, _URL = "link", "specialisation", "label", "url"
#: the triples of a claim a mapping row reads, by the part of the claim they give
_CLAIM_PARTS = {
    SK.claimSubject: "s",
    SK.claimPredicate: "p",
    SK.claimObject: "o",
    PROV.wasDerivedFrom: "sources",
    SK.evidenceLevel: "level",
}

_CLAIM_ROLES = frozenset(_CLAIM_PARTS.values())


def _claims_by_statement(
    parts: Iterable[tuple[Any, str, Any]], kept: set[Any]
) -> dict[tuple[str, str, str], list[dict[str, list[str]]]]:
    """The claims in KEPT grouped by what they state: (subject, predicate, object) -> the parts
    (``s``, ``p``, ``o``, ``sources``, ``level``) of each, from PARTS (claim, part, value)."""
    claims: dict[Any, dict[str, list[str]]] = {}
    for claim, part, value in parts:
        if claim in kept:
            claims.setdefault(claim, {}).setdefault(part, []).append(value.value)
    found: dict[tuple[str, str, str], list[dict[str, list[str]]]] = {}
    for claim_parts in claims.values():
        if {"s", "p", "o"} <= claim_parts.keys():
            key = (claim_parts["s"][0], claim_parts["p"][0], claim_parts["o"][0])
            found.setdefault(key, []).append(claim_parts)
    return found


class _Graph:
    """The asserted triples, indexed for what a mapping row needs.

    One pass over the triples, which skips those of other predicates after one lookup (reading
    the triples is nearly all the mapping sets' time at 1M); only the claims about a cross-link
    (claim predicate a SKOS mapping property) are grouped, since only those are ever asked for.
    """

    def __init__(self, triples: Iterable[ox.Triple]) -> None:
        self.links: list[ox.Triple] = []
        self.specialisations: list[ox.Triple] = []
        self.labels: dict[str, list[ox.Literal]] = {}
        self.urls: dict[str, set[str]] = {}
        roles: dict[ox.NamedNode, str] = {
            **{p.node: _LINK for p in MATCH_PROPERTIES},
            **{p.node: _SPECIALISATION for p in SPECIALISATION_PROPERTIES},
            RDFS.label.node: _LABEL,
            SCHEMA.url.node: _URL,
            **{p.node: part for p, part in _CLAIM_PARTS.items()},
        }
        match_nodes = {p.node for p in MATCH_PROPERTIES}
        parts: list[tuple[Any, str, Any]] = []  # (claim, part, value) of every claim
        about_links: set[Any] = set()  # the claims whose predicate is a mapping property
        for t in triples:
            role = roles.get(t.predicate)
            if role is None:
                continue
            subject, obj = t.subject, t.object
            if isinstance(subject, ox.Triple) or isinstance(obj, ox.Triple):
                continue  # RDF-star: no cross-link is quoted
            if role in _CLAIM_ROLES:
                parts.append((subject, role, obj))
                if role == "p" and obj in match_nodes:
                    about_links.add(subject)
            else:
                self._index(role, t, subject, obj)
        #: (subject, predicate, object) of a cross-link -> what its claims say (parts as above)
        self.claims = _claims_by_statement(parts, about_links)

    def _index(
        self,
        role: str,
        t: ox.Triple,
        subject: ox.NamedNode | ox.BlankNode,
        obj: ox.NamedNode | ox.BlankNode | ox.Literal,
    ) -> None:
        if role == _LINK and isinstance(obj, ox.NamedNode):
            self.links.append(t)
        elif role == _SPECIALISATION and isinstance(obj, ox.NamedNode):
            self.specialisations.append(t)
        elif role == _LABEL and isinstance(obj, ox.Literal):
            self.labels.setdefault(subject.value, []).append(obj)
        elif role == _URL:
            self.urls.setdefault(subject.value, set()).add(obj.value)

    def label(self, iri: str) -> str:
        """The English label of IRI (any label if none is English), or ""."""
        labels = sorted(self.labels.get(iri, []), key=lambda lit: (lit.language != "en", lit.value))
        return labels[0].value if labels else ""

    def source_cells(self, sources: Iterable[str]) -> tuple[str, str]:
        """(see_also, comment) for the sources a mapping was checked against."""
        sources = sorted(set(sources))
        links = sorted({*sources, *(url for s in sources for url in self.urls.get(s, ()))})
        names = "; ".join(self.label(s) or compact_iri(s) for s in sources)
        return MULTIVALUE_SEPARATOR.join(links), f"checked against: {names}" if names else ""


def mapping_rows(
    asserted: Iterable[ox.Triple], metadata: MappingSetMetadata | None = None
) -> list[dict[str, str]]:
    """The rows of the mapping set: every cross-link of a ``kg:`` entity, then the negative
    mappings, sorted by subject, modifier, predicate and object."""
    return _mapping_rows(_Graph(asserted), metadata or load_metadata())


def _mapping_rows(graph: _Graph, metadata: MappingSetMetadata) -> list[dict[str, str]]:
    rows = [
        _positive_row(graph, link, metadata)
        for link in graph.links
        if _iri(link.subject).startswith(KG)
    ]
    negatives = (_negative_row(graph, negative, metadata) for negative in load_negative_mappings())
    rows += [row for row in negatives if row is not None]
    rows.sort(
        key=lambda r: (r["subject_id"], r["predicate_modifier"], r["predicate_id"], r["object_id"])
    )
    return rows


def _iri(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    if isinstance(term, ox.Triple):
        raise MappingError(f"a quoted triple is not a mapping term: {term}")
    return term.value


def _curie(iri: str) -> str:
    curie = compact_iri(iri)
    if curie == iri:
        raise MappingError(f"no prefix of serkg.prefixes fits {iri}: add one to PREFIX_MAP")
    return curie


def _positive_row(graph: _Graph, link: ox.Triple, metadata: MappingSetMetadata) -> dict[str, str]:
    s, p, o = _iri(link.subject), link.predicate.value, _iri(link.object)
    claims = graph.claims.get((s, p, o), [])
    where = f"{compact_iri(s)} {compact_iri(p)} {compact_iri(o)}"
    if not claims:
        raise MappingError(f"cross-link {where} has no claim bundle")
    levels = {compact_iri(level) for claim in claims for level in claim.get("level", [])}
    # confidence is optional in SSSOM: a link whose bundles are ungraded (an evidence level is
    # optional outside clinical and mechanistic bundles), or graded at a level the table does not
    # rate, is written without one rather than failing a build the shapes accepted
    known = metadata.confidence_by_evidence_level
    rated = [known[level] for level in levels if level in known]
    see_also, comment = graph.source_cells(
        source for claim in claims for source in claim.get("sources", [])
    )
    return {
        "subject_id": _curie(s),
        "subject_label": graph.label(s),
        "predicate_id": _curie(p),
        "predicate_modifier": "",
        "object_id": _curie(o),
        "object_label": graph.label(o),
        **_defaults(metadata),
        "confidence": max(rated, key=float) if rated else "",
        "see_also": see_also,
        "comment": comment,
    }


def _negative_row(
    graph: _Graph, negative: dict[str, str], metadata: MappingSetMetadata
) -> dict[str, str] | None:
    """The Not row of NEGATIVE, or None when the graph does not hold its subject (a catalogue
    or project built without that entity); its sources must be in a graph that holds it."""
    subject = expand(negative["subject_id"])
    if subject not in graph.labels:
        return None
    sources = [expand(s) for s in _split(negative["sources"])]
    unknown = [compact_iri(s) for s in sources if s not in graph.labels]
    if unknown or not sources:
        raise MappingError(
            f"{resources.negative_mappings_file()}: {negative['object_id']}: sources "
            f"{', '.join(unknown) or '(none)'} must be source documents of the graph"
        )
    see_also, checked = graph.source_cells(sources)
    return {
        "subject_id": _curie(subject),
        "subject_label": graph.label(subject),
        "predicate_id": _curie(expand(negative["predicate_id"])),
        "predicate_modifier": "Not",
        "object_id": _curie(expand(negative["object_id"])),
        "object_label": negative["object_label"],
        **_defaults(metadata),
        "confidence": negative["confidence"],
        "see_also": see_also,
        "comment": f"{negative['comment']} {checked}".strip(),
    }


def _defaults(metadata: MappingSetMetadata) -> dict[str, str]:
    return {
        "mapping_justification": metadata.mapping.get("mapping_justification", ""),
        "mapping_date": metadata.mapping.get("mapping_date", ""),
    }


def sssom_tsv(
    asserted: Iterable[ox.Triple], version: str, metadata: MappingSetMetadata | None = None
) -> str:
    """The mapping set as SSSOM/TSV: the YAML metadata block (``#`` lines), then the table.

    VERSION (the package version, ``mapping_set_version``) is passed in: this floor cannot
    import the package root, which imports the query library.
    """
    metadata = metadata or load_metadata()
    return _table(mapping_rows(asserted, metadata), metadata, version)


def vocabulary_rows(
    asserted: Iterable[ox.Triple], metadata: MappingSetMetadata
) -> list[dict[str, str]]:
    """The rows of the vocabulary set: each statement of the ontology that an ``sk:`` term
    matches or specialises a standard term (schema.org, PROV, RO, ChEBI), sorted."""
    return _vocabulary_rows(_Graph(asserted), metadata)


def _vocabulary_rows(graph: _Graph, metadata: MappingSetMetadata) -> list[dict[str, str]]:
    rows = []
    for t in [*graph.links, *graph.specialisations]:
        s, o = _iri(t.subject), _iri(t.object)
        if not s.startswith(PREFIX_MAP["sk"]) or o.startswith(
            (PREFIX_MAP["sk"], *_LANGUAGE_NAMESPACES)
        ):
            continue
        rows.append(
            {
                "subject_id": _curie(s),
                "subject_label": graph.label(s),
                "predicate_id": _curie(t.predicate.value),
                "predicate_modifier": "",
                "object_id": _curie(o),
                "object_label": "",
                **_defaults(metadata),
                "confidence": metadata.mapping.get("confidence", ""),
                "see_also": ONTOLOGY_IRI,
                "comment": "stated in the serkg ontology (ontology/serkg.ttl)",
            }
        )
    rows.sort(key=lambda r: (r["subject_id"], r["predicate_id"], r["object_id"]))
    return rows


def vocabulary_sssom_tsv(
    asserted: Iterable[ox.Triple], version: str, metadata: MappingSetMetadata | None = None
) -> str:
    """The vocabulary mapping set (``serkg-vocab.sssom.tsv``) as SSSOM/TSV."""
    metadata = metadata or load_metadata(resources.vocabulary_mapping_set_metadata_file())
    return _table(vocabulary_rows(asserted, metadata), metadata, version)


def both_sssom_tsv(asserted: Iterable[ox.Triple], version: str) -> tuple[str, str]:
    """(:func:`sssom_tsv`, :func:`vocabulary_sssom_tsv`) of ASSERTED with their packaged
    metadata, from one reading of the triples (what a build writes)."""
    graph = _Graph(asserted)
    metadata = load_metadata()
    mapping_set = _table(_mapping_rows(graph, metadata), metadata, version)
    metadata = load_metadata(resources.vocabulary_mapping_set_metadata_file())
    return mapping_set, _table(_vocabulary_rows(graph, metadata), metadata, version)


def _table(rows: Sequence[dict[str, str]], metadata: MappingSetMetadata, version: str) -> str:
    header = _metadata_block(metadata, rows, version)
    lines = ["\t".join(COLUMNS)]
    for row in rows:
        for column, value in row.items():
            if "\t" in value or "\n" in value:
                raise MappingError(
                    f"{row['subject_id']} {row['object_id']}: {column} holds a tab or newline"
                )
        lines.append("\t".join(row[column] for column in COLUMNS))
    return header + "\n".join(lines) + "\n"


def _metadata_block(
    metadata: MappingSetMetadata, rows: Sequence[dict[str, str]], version: str
) -> str:
    """The YAML block: set slots, the package version and a curie_map of the prefixes used."""
    used = {
        curie.split(":", 1)[0]
        for row in rows
        for column in ("subject_id", "predicate_id", "object_id", "mapping_justification")
        for curie in [row[column]]
        if curie
    }
    for value in metadata.mapping_set.get("creator_id", []):
        used.add(str(value).split(":", 1)[0])
    unknown = sorted(used - PREFIX_MAP.keys())
    if unknown:
        raise MappingError(f"prefixes {', '.join(unknown)} are not in serkg.prefixes.PREFIX_MAP")
    yaml: list[str] = ["curie_map:"]
    yaml += [f"  {prefix}: {_scalar(PREFIX_MAP[prefix])}" for prefix in sorted(used, key=str.lower)]
    slots = dict(metadata.mapping_set)
    slots["mapping_set_version"] = version
    for key in sorted(slots, key=_slot_order):
        value = slots[key]
        if isinstance(value, list):
            yaml.append(f"{key}:")
            yaml += [f"  - {_scalar(str(item))}" for item in value]
        else:
            yaml.append(f"{key}: {_scalar(str(value))}")
    return "".join(f"#{line}\n" for line in yaml)


_FIRST_SLOTS = ("mapping_set_id", "mapping_set_version", "mapping_set_title")


def _slot_order(key: str) -> tuple[int, str]:
    return (_FIRST_SLOTS.index(key) if key in _FIRST_SLOTS else len(_FIRST_SLOTS), key)


def _scalar(text: str) -> str:
    """TEXT as a YAML double-quoted scalar (a JSON string is one)."""
    return json.dumps(text, ensure_ascii=False)
