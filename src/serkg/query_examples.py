"""The named queries published as RDF, the way the SIB endpoints (UniProt, Bgee, Rhea) publish
their SPARQL examples: so a SPARQL query, YASGUI and the tools that read
``/.well-known/sparql-examples`` can list the questions the endpoint answers.

Each query is an ``sh:SPARQLExecutable`` (and ``sh:SPARQLSelectExecutable`` etc. by its form)
named ``QUERY_BASE + name``, with one ``rdfs:comment`` (its summary), its description, its tags
as ``schema:keywords``, a ``schema:target`` and its text with the header removed and the
example's parameter values bound by a ``VALUES`` block, so the text runs as it is anywhere.
Parameters are described the way SHACL-AF describes a SPARQL function's: an ``sh:parameter``
whose ``sh:path`` has the variable's name as its local name, with ``sh:name``,
``sh:description``, ``sh:datatype`` or ``sh:nodeKind sh:IRI``, ``sh:in`` for a closed list,
``sh:defaultValue`` and ``sh:optional`` when a default exists.

Blank nodes get labels made from the query and parameter names, so two builds write the same
triples.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pyoxigraph as ox

from serkg.prefixes import DATASET_IRI, QUERY_BASE
from serkg.query_header import without_header
from serkg.query_model import NamedQuery, QueryParameter
from serkg.sparql_text import inject_values
from serkg.terms import OxTerm
from serkg.vocab import DCTERMS, RDF, RDFS, SCHEMA_HTTPS, SH, XSD

#: the class and the text property of each query form (DESCRIBE has no SHACL-AF class)
_FORMS: dict[str, tuple[str | None, str]] = {
    "SELECT": (SH.SPARQLSelectExecutable, SH.select),
    "CONSTRUCT": (SH.SPARQLConstructExecutable, SH.construct),
    "ASK": (SH.SPARQLAskExecutable, SH.ask),
    "DESCRIBE": (None, SH.describe),
}
#: the datatype of each parameter type that is a literal
_DATATYPES = {
    "string": XSD.string,
    "integer": XSD.integer,
    "decimal": XSD.decimal,
    "date": XSD.date,
}


def query_iri(name: str) -> str:
    """The IRI of the named query NAME (stable across releases; its text may change)."""
    return QUERY_BASE + name


def runnable_text(query: NamedQuery) -> str:
    """The query's SPARQL without its ``#+`` header, its example values bound by ``VALUES``."""
    text = without_header(query.text).strip() + "\n"
    try:
        bindings = query.bind(query.example)
    except ValueError:
        return text  # no example for a required parameter: the text with the variable unbound
    return inject_values(text, bindings) if bindings else text


def example_triples(queries: Iterable[NamedQuery], target: str = DATASET_IRI) -> list[ox.Triple]:
    """Every query of QUERIES as an ``sh:SPARQLExecutable``; TARGET is its ``schema:target``
    (the dataset in the store, the endpoint's own URL when a server publishes them)."""
    triples: list[ox.Triple] = []
    for query in sorted(queries, key=lambda q: q.name):
        triples += _query_triples(query, ox.NamedNode(target))
    return triples


def _query_triples(query: NamedQuery, target: ox.NamedNode) -> list[ox.Triple]:
    node = ox.NamedNode(query_iri(query.name))
    keyword = _form_keyword(query)
    form_class, text_property = _FORMS[keyword]
    triples = [ox.Triple(node, RDF.type.node, SH.SPARQLExecutable.node)]
    if form_class is not None:
        triples.append(ox.Triple(node, RDF.type.node, ox.NamedNode(form_class)))
    triples += [
        ox.Triple(node, RDFS.label.node, ox.Literal(query.name)),
        ox.Triple(node, RDFS.comment.node, ox.Literal(query.summary, language="en")),
        ox.Triple(node, DCTERMS.description.node, ox.Literal(query.description, language="en")),
        ox.Triple(node, ox.NamedNode(text_property), ox.Literal(runnable_text(query))),
        ox.Triple(node, SCHEMA_HTTPS.target.node, target),
    ]
    triples += [ox.Triple(node, SCHEMA_HTTPS.keywords.node, ox.Literal(tag)) for tag in query.tags]
    for order, param in enumerate(query.params):
        triples += _parameter_triples(node, query, param, order)
    return triples


def _form_keyword(query: NamedQuery) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the form's keyword (``query.form`` joins the last two)."""
    if query.form != "graph":
        return query.form.upper()
    from serkg.sparql_text import words

    for word in words(without_header(query.text)):
        if word.upper() in {"CONSTRUCT", "DESCRIBE"}:
            return word.upper()
    return "CONSTRUCT"


def _parameter_triples(
    node: ox.NamedNode, query: NamedQuery, param: QueryParameter, order: int
) -> list[ox.Triple]:
    described = ox.BlankNode(f"{_label(query.name)}_{_label(param.name)}")
    triples = [
        ox.Triple(node, SH.parameter.node, described),
        ox.Triple(described, SH.path.node, ox.NamedNode(f"{query_iri(query.name)}#{param.name}")),
        ox.Triple(described, SH.name.node, ox.Literal(param.name)),
        ox.Triple(described, SH.order.node, ox.Literal(str(order), datatype=XSD.integer.node)),
    ]
    if param.description:
        triples.append(
            ox.Triple(described, SH.description.node, ox.Literal(param.description, language="en"))
        )
    if param.type == "iri":
        triples.append(ox.Triple(described, SH.nodeKind.node, SH.IRI.node))
    elif param.type in _DATATYPES:
        triples.append(ox.Triple(described, SH.datatype.node, ox.NamedNode(_DATATYPES[param.type])))
    if param.type == "enum" and param.values:
        values = [param.parse(v) for v in param.values]
        head = _list_triples(described, values, triples)
        triples.append(ox.Triple(described, SH.in_.node, head))
        triples.append(ox.Triple(described, *_kind_of(values[0])))
    if param.default is not None:
        triples.append(ox.Triple(described, SH.defaultValue.node, param.parse(param.default)))
        triples.append(
            ox.Triple(described, SH.optional.node, ox.Literal("true", datatype=XSD.boolean.node))
        )
    return triples


def _kind_of(value: OxTerm) -> tuple[ox.NamedNode, ox.NamedNode]:
    """``sh:datatype D`` or ``sh:nodeKind sh:IRI`` for the values of a closed list."""
    if isinstance(value, ox.Literal):
        return SH.datatype.node, value.datatype
    return SH.nodeKind.node, SH.IRI.node


def _list_triples(
    owner: ox.BlankNode, items: Sequence[OxTerm], triples: list[ox.Triple]
) -> ox.BlankNode | ox.NamedNode:
    """Append an RDF list of ITEMS to TRIPLES; return its head."""
    head: ox.BlankNode | ox.NamedNode = RDF.nil.node
    for index in reversed(range(len(items))):
        cell = ox.BlankNode(f"{owner.value}_in{index}")
        triples.append(ox.Triple(cell, RDF.first.node, items[index]))
        triples.append(ox.Triple(cell, RDF.rest.node, head))
        head = cell
    return head


def _label(name: str) -> str:
    return name.replace("-", "_")
