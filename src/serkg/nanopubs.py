"""The claim bundles as nanopublications: one TriG file per bundle, for the nanopublication
network and the tools that read it.

A claim bundle already is a nanopublication in all but name: a small graph of triples (the
assertion) with its source, section and evidence level (the provenance). Each becomes
``NANOPUB_BASE + bundle name`` with four graphs (``…/Head``, ``…/assertion``, ``…/provenance``,
``…/pubinfo``): the assertion holds the bundle's triples as written; the provenance gives the
bundle's description to the assertion (``prov:wasDerivedFrom`` the source document,
``sk:sourceSection``, ``sk:evidenceLevel``) and points back to the bundle; the publication info
names the dataset release, the licence and the creator from ``data/dataset.ttl``.

The few facts a data file states outside any bundle (the descriptions of source documents in
``data/shared/sources.trig``) become one nanopublication per described document, attributed to
the dataset's creators and derived from the document itself, so that the assertions of all
nanopublications together are exactly the asserted facts. Nanopublications are unsigned; see
docs/nanopublications.md for signing them with a key of your own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from serkg import __version__, resources, safe_write
from serkg.loading import parse_stored_as_written
from serkg.prefixes import DATASET_IRI, KGSRC, NANOPUB_BASE, PREFIX_MAP, RELEASE_BASE
from serkg.terms import OxTerm
from serkg.vocab import DCTERMS, NP, PROV, RDF, RDFS

Subject = ox.NamedNode | ox.BlankNode


@dataclass
class Nanopublication:
    """One nanopublication: its name (the file stem), IRI and the triples of its four graphs."""

    name: str
    assertion: list[ox.Triple] = field(default_factory=list)
    provenance: list[ox.Triple] = field(default_factory=list)
    pubinfo: list[ox.Triple] = field(default_factory=list)

    @property
    def iri(self) -> ox.NamedNode:
        return ox.NamedNode(NANOPUB_BASE + self.name)

    def graph(self, part: str) -> ox.NamedNode:
        """The IRI of one of the four graphs (Head, assertion, provenance, pubinfo)."""
        return ox.NamedNode(f"{self.iri.value}/{part}")

    def head(self) -> list[ox.Triple]:
        iri = self.iri
        return [
            ox.Triple(iri, RDF.type.node, NP.Nanopublication.node),
            ox.Triple(iri, NP.hasAssertion.node, self.graph("assertion")),
            ox.Triple(iri, NP.hasProvenance.node, self.graph("provenance")),
            ox.Triple(iri, NP.hasPublicationInfo.node, self.graph("pubinfo")),
        ]

    def quads(self) -> list[ox.Quad]:
        parts = (
            ("Head", self.head()),
            ("assertion", self.assertion),
            ("provenance", self.provenance),
            ("pubinfo", self.pubinfo),
        )
        return [
            ox.Quad(t.subject, t.predicate, t.object, self.graph(part))
            for part, triples in parts
            for t in triples
        ]

    def to_trig(self) -> bytes:
        prefixes = {
            "this": self.iri.value + "/",
            "np": NP.Nanopublication.removesuffix("Nanopublication"),
            **{
                k: PREFIX_MAP[k]
                for k in ("sk", "kg", "kgsrc", "prov", "dcterms", "rdfs", "skos", "xsd")
            },
        }
        return ox.serialize(self.quads(), format=ox.RdfFormat.TRIG, prefixes=prefixes) or b""


def nanopublications(
    data_files: Sequence[Path] | None = None, *, version: str = __version__
) -> list[Nanopublication]:
    """The nanopublications of DATA_FILES (the packaged data by default), sorted by name."""
    files = list(data_files) if data_files is not None else resources.data_files()
    pubinfo = _publication_info(version)
    creators = [o for p, o in pubinfo if p == DCTERMS.creator.node]
    if not creators:
        raise ValueError(f"{resources.dataset_metadata_file()} names no dcterms:creator")
    by_name: dict[str, Nanopublication] = {}
    for path in files:
        for nanopub in _file_nanopublications(parse_stored_as_written(path), creators[0]):
            # a bundle may be stated in several files (a TriG file and a curation card): one
            # nanopublication, its assertion the union
            known = by_name.setdefault(nanopub.name, Nanopublication(nanopub.name))
            known.assertion += [t for t in nanopub.assertion if t not in known.assertion]
            known.provenance += [t for t in nanopub.provenance if t not in known.provenance]
    found = list(by_name.values())
    for nanopub in found:
        nanopub.pubinfo = [ox.Triple(nanopub.iri, p, o) for p, o in pubinfo]
    return sorted(found, key=lambda n: n.name)


def _file_nanopublications(quads: Sequence[ox.Quad], creator: OxTerm) -> list[Nanopublication]:
    bundles: dict[ox.NamedNode, Nanopublication] = {}
    for quad in quads:
        if isinstance(quad.graph_name, ox.NamedNode):
            bundle = quad.graph_name
            if bundle not in bundles:
                bundles[bundle] = Nanopublication(_local_name(bundle.value))
            bundles[bundle].assertion.append(quad.triple)
    documents: dict[Subject, Nanopublication] = defaultdict(lambda: Nanopublication(""))
    for quad in quads:
        if not isinstance(quad.graph_name, ox.DefaultGraph):
            continue
        subject = quad.subject
        nanopub = bundles.get(subject) if isinstance(subject, ox.NamedNode) else None
        if nanopub is not None:  # the bundle's description: the assertion's provenance
            target = nanopub.graph("assertion")
            nanopub.provenance.append(ox.Triple(target, quad.predicate, quad.object))
        elif isinstance(subject, ox.NamedNode):
            documents[subject].assertion.append(quad.triple)
    for bundle, nanopub in bundles.items():
        nanopub.provenance.append(ox.Triple(nanopub.graph("assertion"), RDFS.seeAlso.node, bundle))
    return [*bundles.values(), *_document_nanopublications(documents, creator)]


def _document_nanopublications(
    documents: dict[Subject, Nanopublication], creator: OxTerm
) -> list[Nanopublication]:
    """The curators' own description of each source document, derived from the document."""
    out = []
    for document, described in documents.items():
        nanopub = Nanopublication("source-" + _local_name(str(document.value)), described.assertion)
        assertion = nanopub.graph("assertion")
        nanopub.provenance = [
            ox.Triple(assertion, PROV.wasDerivedFrom.node, document),
            ox.Triple(assertion, DCTERMS.creator.node, creator),
        ]
        out.append(nanopub)
    return out


def _local_name(iri: str) -> str:
    """A file-safe name from the end of IRI (``kg:bundle-x`` -> ``bundle-x``)."""
    for namespace in (PREFIX_MAP["kg"], KGSRC):
        if iri.startswith(namespace):
            return iri[len(namespace) :].replace("/", "-")
    raise ValueError(f"{iri} is neither a serkg entity nor a source document IRI")


def _publication_info(version: str) -> list[tuple[ox.NamedNode, OxTerm]]:
    """License and creator from data/dataset.ttl; the release this nanopublication is part of."""
    dataset = ox.NamedNode(DATASET_IRI)
    metadata = [q.triple for q in parse_stored_as_written(resources.dataset_metadata_file())]
    wanted = {DCTERMS.license.node, DCTERMS.creator.node}
    info: list[tuple[ox.NamedNode, OxTerm]] = [
        (t.predicate, t.object)
        for t in metadata
        if t.subject == dataset and t.predicate in wanted and not isinstance(t.object, ox.Triple)
    ]
    info.append((DCTERMS.isPartOf.node, ox.NamedNode(RELEASE_BASE + version)))
    info.append((DCTERMS.isPartOf.node, dataset))
    return sorted(info, key=str)


def write_nanopublications(out_dir: Path, nanopubs: Sequence[Nanopublication]) -> list[Path]:
    """Write each nanopublication as ``OUT_DIR/NAME.trig``, all or nothing (OUT_DIR must not
    exist, or be an empty folder)."""
    files = [(f"{nanopub.name}.trig", nanopub.to_trig()) for nanopub in nanopubs]
    return safe_write.write_new_folder(out_dir, files, "the nanopublications")
