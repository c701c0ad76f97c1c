"""Every output format serkg writes, in one place: its name, media types, file extension, the
answers it can carry and pyoxigraph's syntax for it.

The CLI's ``--format`` choices, the endpoint's content negotiation and ``format=`` names, the
export command and the VoID distributions all read this table, so a new format is one entry here,
its key in the lists below where it applies, and its writer (``results`` for query results,
``export`` for RDF).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyoxigraph as ox


@dataclass(frozen=True)
class Format:
    """One serialisation. ``media_types[0]`` is what serkg sends; the others are accepted."""

    key: str
    title: str
    media_types: tuple[str, ...]
    extension: str
    #: other spellings accepted in an HTTP ``format=`` parameter (Virtuoso's and Fuseki's)
    aliases: tuple[str, ...] = ()
    #: the name of pyoxigraph's ``RdfFormat`` for RDF formats (named, so that the CLI can read
    #: this table without importing pyoxigraph)
    syntax_name: str | None = None
    #: the key of the format whose bytes are sent (N3 is answered as Turtle, which is N3)
    written_as: str | None = None

    @property
    def media_type(self) -> str:
        return self.media_types[0]

    @property
    def writer_key(self) -> str:
        return self.written_as or self.key

    @property
    def is_rdf(self) -> bool:
        return self.syntax_name is not None

    def syntax(self) -> ox.RdfFormat:
        """pyoxigraph's syntax for this RDF format."""
        import pyoxigraph

        if self.syntax_name is None:
            raise ValueError(f"{self.key} is not an RDF format")
        syntax: ox.RdfFormat = getattr(pyoxigraph.RdfFormat, self.syntax_name)
        return syntax


FORMATS: dict[str, Format] = {
    f.key: f
    for f in (
        Format(
            "json",
            "SPARQL 1.1 Query Results JSON",
            ("application/sparql-results+json", "application/json"),
            ".srj",
        ),
        Format(
            "xml",
            "SPARQL Query Results XML",
            ("application/sparql-results+xml", "application/xml", "text/xml"),
            ".srx",
        ),
        Format("csv", "SPARQL 1.1 Query Results CSV", ("text/csv",), ".csv"),
        Format("tsv", "SPARQL 1.1 Query Results TSV", ("text/tab-separated-values",), ".tsv"),
        Format(
            "ttl",
            "Turtle",
            ("text/turtle", "application/x-turtle", "application/turtle"),
            ".ttl",
            aliases=("turtle",),
            syntax_name="TURTLE",
        ),
        Format(
            "nt",
            "N-Triples",
            ("application/n-triples", "text/plain"),
            ".nt",
            aliases=("ntriples", "n-triples"),
            syntax_name="N_TRIPLES",
        ),
        Format(
            "jsonld",
            "JSON-LD (compacted with the serkg context)",
            ("application/ld+json", "application/json", "application/x-json+ld"),
            ".jsonld",
            aliases=("json-ld", "json"),
            syntax_name="JSON_LD",
        ),
        Format(
            "rdfxml",
            "RDF/XML",
            ("application/rdf+xml", "application/xml", "text/xml"),
            ".rdf",
            aliases=("rdf", "rdf+xml", "xml"),
            syntax_name="RDF_XML",
        ),
        Format(
            "n3",
            "N3 (written as Turtle)",
            ("text/n3", "text/rdf+n3", "application/n3"),
            ".n3",
            syntax_name="N3",
            written_as="ttl",
        ),
        Format("trig", "TriG", ("application/trig",), ".trig", syntax_name="TRIG"),
        Format("nq", "N-Quads", ("application/n-quads",), ".nq", syntax_name="N_QUADS"),
        Format(
            "sssom",
            "SSSOM mapping set (TSV with a YAML metadata block) of the cross-links",
            ("text/tab-separated-values",),
            ".sssom.tsv",
        ),
    )
}

#: SELECT and ASK answers, in the order content negotiation prefers them
RESULT_FORMATS = ("json", "csv", "tsv", "xml")
#: CONSTRUCT and DESCRIBE answers (``serkg query`` and the endpoint)
GRAPH_FORMATS = ("ttl", "jsonld", "nt", "rdfxml")
#: graph answers over HTTP, in the order content negotiation prefers them (a wildcard such as
#: ``application/*`` gets N-Triples before JSON-LD); N3 too, as SPARQL clients ask for it
HTTP_GRAPH_FORMATS = ("ttl", "nt", "jsonld", "rdfxml", "n3")
#: ``serkg export``: one graph, or the asserted and inferred graphs as a dataset (TriG, N-Quads),
#: or the SSSOM mapping set of the asserted cross-links
EXPORT_FORMATS = ("ttl", "jsonld", "nt", "trig", "nq", "sssom")
#: ``serkg export --format F --out DIR``: a folder of files: one nanopublication per claim bundle
#: as TriG, written from the data files (docs/nanopublications.md); the graph in Biolink terms as
#: KGX nodes and edges, TSV or JSON Lines, read from the store (docs/exports.md)
FOLDER_EXPORT_FORMATS = ("nanopub", "kgx", "kgx-jsonl")
#: the graphs ``serkg export --graph`` writes: "all" is our facts (asserted and inferred);
#: "imports" the external ontologies' import modules, kept and exported apart from them
EXPORT_GRAPHS = ("asserted", "inferred", "all", "imports")
#: formats of files a build writes that are not RDF (their media type is still in void.ttl)
TABLE_FILE_FORMATS = ("sssom",)
#: formats that hold named graphs
DATASET_FORMATS = ("trig", "nq")


def media_type_of(key: str) -> str:
    """The media type serkg sends for the format KEY."""
    return FORMATS[key].media_type


def media_type_of_file(name: str) -> str:
    """The media type of an artefact by its file name's extension (the longest that fits)."""
    candidates = [
        fmt
        for fmt in FORMATS.values()
        if (fmt.is_rdf or fmt.key in TABLE_FILE_FORMATS) and fmt.written_as is None
    ]
    for fmt in sorted(candidates, key=lambda f: -len(f.extension)):
        if name.endswith(fmt.extension):
            return fmt.media_type
    raise KeyError(f"no format writes {name!r}")


def negotiation_table(keys: tuple[str, ...]) -> list[tuple[str, list[str]]]:
    """(key, media types) for content negotiation over the formats KEYS, in their order."""
    return [(key, list(FORMATS[key].media_types)) for key in keys]


def format_names(keys: tuple[str, ...]) -> dict[str, str]:
    """Every name an HTTP ``format=`` parameter may use for the formats KEYS -> the key."""
    names: dict[str, str] = {}
    for key in keys:
        names[key] = key
        for alias in FORMATS[key].aliases:
            names.setdefault(alias, key)
    return names
