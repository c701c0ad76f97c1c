"""The SHACL vocabulary and how the nodes of a report are named, shown and parsed back."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from serkg.prefixes import PREFIX_MAP, compress
from serkg.vocab import XSD

if TYPE_CHECKING:
    import rdflib

SH = PREFIX_MAP["sh"]


@contextmanager
def quiet_rdflib() -> Iterator[None]:
    """rdflib logs a traceback for every ill-typed literal; SHACL reports those as violations."""
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def rdflib_copy(graph: rdflib.Graph) -> rdflib.Graph:
    """A new rdflib graph with the triples of GRAPH."""
    import rdflib

    copy = rdflib.Graph()
    for triple in graph:
        copy.add(triple)
    return copy


def sh(name: str) -> Any:
    from rdflib import URIRef

    return URIRef(SH + name)


def local_name(iri: str) -> str:
    return re.split(r"[/#]", iri)[-1]


def shorten(text: str) -> str:
    return compress(text) if text.startswith(("http://", "https://")) else text


def node_id(node: Any) -> str:
    from rdflib import BNode

    if node is None:
        return ""
    return "_:" + str(node) if isinstance(node, BNode) else str(node)


def parse_node(text: str) -> Any:
    from rdflib import BNode, URIRef

    return BNode(text[2:]) if text.startswith("_:") else URIRef(text)


def display(node: Any) -> str:
    """A term as a curator reads it: CURIE for IRIs, Turtle-like for literals."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(node, URIRef):
        return compress(str(node))
    if isinstance(node, BNode):
        return "_:" + str(node)
    if isinstance(node, Literal):
        text = json.dumps(str(node), ensure_ascii=False)
        if node.language:
            return f"{text}@{node.language}"
        if node.datatype is not None and str(node.datatype) != XSD.string:
            return f"{text}^^{compress(str(node.datatype))}"
        return text
    return str(node)
