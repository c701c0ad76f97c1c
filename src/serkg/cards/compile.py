"""Compiling a curation card into claim-bundle quads: the RDF a hand-written TriG would give.

Each group of facts (an ``identity`` or ``facts`` block, or one record such as a trial) becomes
one named graph, the bundle, whose provenance (``prov:wasDerivedFrom``, ``sk:sourceSection``,
``sk:evidenceLevel``) sits in the default graph; the loader then flattens bundles into claims as
for TriG. Nothing here knows a fact by name: :mod:`serkg.cards.model` says what maps to what.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import yaml

from serkg.cards import model
from serkg.cards.errors import CardError
from serkg.cards.nodes import (
    BOOL_TAG,
    FLOAT_TAG,
    INT_TAG,
    STR_TAG,
    Node,
    describe,
    line_of,
    read_nodes,
)
from serkg.prefixes import KG, KGSRC, PREFIX_MAP, SK, CurieError, expand

RDF_TYPE = ox.NamedNode(PREFIX_MAP["rdf"] + "type")
XSD = PREFIX_MAP["xsd"]
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
DECIMAL_TEXT = re.compile(r"^[+-]?[0-9]+(\.[0-9]+)?$")
DOI_TEXT = re.compile(r"^10\.[0-9]{4,}/\S+$")
TOP_KEYS = ("compound", "sources", "identity", "facts", *(f.name for f in model.RECORD_LISTS))


def compile_card(path: Path) -> list[ox.Quad]:
    """The quads of the card at PATH. Raises :class:`CardError` naming the line and field."""
    return compile_nodes(read_nodes(path))


def compile_nodes(root: Node) -> list[ox.Quad]:
    """The quads of a card already read as YAML nodes."""
    top = _mapping(root, "")
    _known_keys(top, TOP_KEYS, "")
    if "compound" not in top:
        raise CardError("'compound:' is missing: the id of the compound this card is about", 1)
    card = _Card(_ref(top["compound"][1], "compound"))
    card.ids[card.compound] = ("compound", line_of(top["compound"][1]))
    for index, item in enumerate(_items(top, "sources")):
        card.source(item, f"sources[{index}]")
    for index, item in enumerate(_items(top, "identity")):
        card.group(item, f"identity[{index}]", "identity", _identity_fields(), identity=True)
    for index, item in enumerate(_items(top, "facts")):
        card.group(item, f"facts[{index}]", "facts", model.COMPOUND_FACTS)
    for link in model.RECORD_LISTS:
        for index, item in enumerate(_items(top, link.name)):
            card.record_group(item, f"{link.name}[{index}]", link)
    return card.finish()


def _identity_fields() -> tuple[model.Field, ...]:
    return (*model.IDENTITY.fields, *model.IDENTITY_EXTRA)


Entry = tuple[Node, Node]  # (key node, value node)


@dataclass
class _Pending:
    """A record being compiled: where it is defined and what its items gave so far."""

    record: model.Record
    line: int
    where: str
    bundle: ox.NamedNode


@dataclass
class _Card:
    compound: ox.NamedNode
    quads: list[ox.Quad] = field(default_factory=list)
    #: record IRI -> (field path, line) where it was defined
    ids: dict[ox.NamedNode, tuple[str, int]] = field(default_factory=dict)
    #: bundle name -> the item that uses it
    bundles: dict[str, str] = field(default_factory=dict)
    #: record IRI -> what its defining item said, checked when the whole card is read
    pending: dict[ox.NamedNode, _Pending] = field(default_factory=dict)
    #: record IRI -> the keys all its items gave
    given: defaultdict[ox.NamedNode, set[str]] = field(default_factory=lambda: defaultdict(set))
    #: record IRI -> (line, path) of the first item that continues it
    continued: dict[ox.NamedNode, tuple[int, str]] = field(default_factory=dict)

    def group(
        self,
        node: Node,
        where: str,
        key: str,
        fields: Sequence[model.Field],
        *,
        identity: bool = False,
    ) -> None:
        """One block of facts about the compound, with its provenance: one bundle."""
        entries = _mapping(node, where)
        provenance = tuple(f.name for f in model.GROUP_PROVENANCE)
        _known_keys(entries, (*provenance, *(f.name for f in fields)), where)
        bundle = self.bundle(entries, node, where, f"bundle-{self.compound.value[len(KG) :]}-{key}")
        if identity and "label" in entries:
            self.add(self.compound, RDF_TYPE, ox.NamedNode(model.IDENTITY.rdf_type), bundle)
        self.fields(self.compound, entries, fields, where, bundle)

    def source(self, node: Node, where: str) -> None:
        """A source document the card's facts come from: plain facts in the default graph."""
        entries = _mapping(node, where)
        fields = model.SOURCE.fields
        _known_keys(entries, ("id", *(f.name for f in fields)), where)
        if "id" not in entries:
            raise CardError(
                "'id' is required: the source's name", line_of(node), _path(where, "id")
            )
        subject = _ref(entries["id"][1], _path(where, "id"), KGSRC)
        self.claim_id(subject, where, line_of(entries["id"][1]))
        for fld in fields:
            if fld.required and fld.name not in entries:
                raise CardError(f"'{fld.name}' is required", line_of(node), _path(where, fld.name))
        start = len(self.quads)
        self.fields(subject, entries, fields, where, None)
        self.quads[start:] = [ox.Quad(q.subject, q.predicate, q.object) for q in self.quads[start:]]

    def record_group(self, node: Node, where: str, link: model.Field) -> None:
        """One record (a trial, a mechanism...) with its provenance: one bundle."""
        record = model.RECORDS[link.record]
        entries = _mapping(node, where)
        provenance = tuple(f.name for f in model.GROUP_PROVENANCE)
        known = ("id", "continues", "link", *provenance, *(f.name for f in record.fields))
        _known_keys(entries, known, where)
        subject = self.record_id(entries, node, where, record, parent=None)
        bundle = self.bundle(entries, node, where, f"bundle-{subject.value[len(KG) :].lower()}")
        self.record(subject, entries, node, where, record, bundle, owner=self.compound, link=link)

    def record(
        self,
        subject: ox.NamedNode,
        entries: dict[str, Entry],
        node: Node,
        where: str,
        record: model.Record,
        bundle: ox.NamedNode,
        *,
        owner: ox.NamedNode,
        link: model.Field,
    ) -> None:
        continues = _continues(entries, where)
        if _flag(entries, "link", where, default=not continues):
            if link.predicate:
                self.add(owner, ox.NamedNode(link.predicate), subject, bundle)
            if record.owner_link:
                self.add(subject, ox.NamedNode(record.owner_link), owner, bundle)
            if record.back_link:
                self.add(subject, ox.NamedNode(record.back_link), owner, bundle)
        if not continues:
            self.pending[subject] = _Pending(record, line_of(node), where, bundle)
        self.given[subject].update(entries)
        self.fields(subject, entries, record.fields, where, bundle)

    def finish(self) -> list[ox.Quad]:
        """Check each record's required fields over all its items; type the untyped ones."""
        for subject, (line, path) in self.continued.items():
            if subject not in self.pending:
                raise CardError(
                    f"continues '{_local(subject)}', which no record of the card defines",
                    line,
                    path,
                )
        for subject, pending in self.pending.items():
            given = self.given[subject]
            for fld in pending.record.fields:
                if fld.required and fld.name not in given:
                    raise CardError(
                        f"'{fld.name}' is required", pending.line, _path(pending.where, fld.name)
                    )
            if "kind" not in given:
                self.add(subject, RDF_TYPE, ox.NamedNode(pending.record.rdf_type), pending.bundle)
        used = {q.graph_name for q in self.quads}
        bundles = {ox.NamedNode(KG + name) for name in self.bundles}
        # an item whose facts all sit elsewhere (in its records' items) leaves no empty bundle
        return [q for q in self.quads if q.subject in used or q.subject not in bundles]

    def fields(
        self,
        subject: ox.NamedNode,
        entries: dict[str, Entry],
        fields: Sequence[model.Field],
        where: str,
        bundle: ox.NamedNode | None,
    ) -> None:
        for fld in fields:
            if fld.name not in entries:
                continue
            value = entries[fld.name][1]
            path = _path(where, fld.name)
            if fld.kind == model.RECORD and bundle is not None:
                self.nested(subject, value, path, fld, bundle)
                continue
            for index, item in enumerate(_values(value, fld, path)):
                item_path = f"{path}[{index}]" if isinstance(value, yaml.SequenceNode) else path
                term = to_term(item, fld, item_path)
                predicate = RDF_TYPE if fld.kind == model.KIND else ox.NamedNode(fld.predicate)
                self.add(subject, predicate, term, bundle)

    def nested(
        self, owner: ox.NamedNode, value: Node, path: str, fld: model.Field, bundle: ox.NamedNode
    ) -> None:
        record = model.RECORDS[fld.record]
        for index, item in enumerate(_values(value, fld, path)):
            where = f"{path}[{index}]"
            entries = _mapping(item, where)
            _known_keys(
                entries, ("id", "continues", "link", *(f.name for f in record.fields)), where
            )
            subject = self.record_id(entries, item, where, record, parent=owner)
            self.record(subject, entries, item, where, record, bundle, owner=owner, link=fld)

    def record_id(
        self,
        entries: dict[str, Entry],
        node: Node,
        where: str,
        record: model.Record,
        parent: ox.NamedNode | None,
    ) -> ox.NamedNode:
        """The record's IRI: its ``id``, else its registry id, else (a status) made from its parts."""
        if "id" in entries:
            subject = _ref(entries["id"][1], _path(where, "id"))
            line = line_of(entries["id"][1])
        elif record.id_from and record.id_from in entries:
            subject = _ref(entries[record.id_from][1], _path(where, record.id_from))
            line = line_of(entries[record.id_from][1])
        elif (
            record is model.STATUS_RECORD
            and parent is not None
            and {"status", "date"} <= set(entries)
        ):
            status = str(entries["status"][1].value).lower()
            date = str(entries["date"][1].value)
            subject = ox.NamedNode(f"{KG}status-{parent.value[len(KG) :].lower()}-{date}-{status}")
            line = line_of(node)
        else:
            raise CardError(
                "'id' is required: the record's name", line_of(node), _path(where, "id")
            )
        if _continues(entries, where):
            self.continued.setdefault(subject, (line, _path(where, "continues")))
            return subject
        self.claim_id(subject, where, line)
        return subject

    def claim_id(self, subject: ox.NamedNode, where: str, line: int) -> None:
        """Refuse a second thing with the same id in one card."""
        if subject in self.ids:
            first, first_line = self.ids[subject]
            raise CardError(
                f"'{_local(subject)}' is already the id of {first} (line {first_line}); "
                "one id names one thing",
                line,
                _path(where, "id"),
            )
        self.ids[subject] = (where, line)

    def bundle(
        self, entries: dict[str, Entry], node: Node, where: str, default: str
    ) -> ox.NamedNode:
        """The group's bundle, with its provenance in the default graph."""
        for fld in model.GROUP_PROVENANCE:
            if fld.required and fld.name not in entries:
                raise CardError(
                    f"'{fld.name}' is required: "
                    + (
                        "the document these facts come from (a kgsrc: id, a DOI or a URL)"
                        if fld.name == "source"
                        else "the part of the source they come from"
                    ),
                    line_of(node),
                    _path(where, fld.name),
                )
        if "bundle" in entries:
            path = _path(where, "bundle")
            name = str(to_term(entries["bundle"][1], model.GROUP_PROVENANCE[3], path).value)
            if name in self.bundles:
                raise CardError(
                    f"'{name}' is already the bundle of {self.bundles[name]}; "
                    "one bundle per group of facts",
                    line_of(entries["bundle"][1]),
                    path,
                )
        else:
            name, count = default, 1
            while name in self.bundles:
                count += 1
                name = f"{default}-{count}"
        self.bundles[name] = where
        bundle = ox.NamedNode(KG + name)
        provenance: list[ox.Quad] = []
        for fld in model.GROUP_PROVENANCE[:3]:
            if fld.name not in entries:
                continue
            value = entries[fld.name][1]
            path = _path(where, fld.name)
            for index, item in enumerate(_values(value, fld, path)):
                item_path = f"{path}[{index}]" if isinstance(value, yaml.SequenceNode) else path
                term = to_term(item, fld, item_path)
                provenance.append(
                    ox.Quad(bundle, ox.NamedNode(fld.predicate), term, ox.DefaultGraph())
                )
        self.quads.extend(provenance)
        return bundle

    def add(
        self,
        s: ox.NamedNode,
        p: ox.NamedNode,
        o: ox.NamedNode | ox.Literal,
        g: ox.NamedNode | None,
    ) -> None:
        graph = g if g is not None else ox.DefaultGraph()
        self.quads.append(ox.Quad(s, p, o, graph))


def to_term(node: Node, fld: model.Field, path: str) -> ox.NamedNode | ox.Literal:
    """One YAML scalar as the RDF term FLD calls for."""
    if not isinstance(node, yaml.ScalarNode):
        raise CardError(f"expected {_expected(fld)}, got {describe(node)}", line_of(node), path)
    convert = _CONVERTERS.get(fld.kind)
    if convert is None:
        return _ref(node, path, KGSRC if fld.name == "source" else KG)
    return convert(node, fld, str(node.value), line_of(node), path)


def _text(node: Node, fld: model.Field, text: str, line: int, path: str) -> ox.Literal:
    if node.tag != STR_TAG or not text.strip():
        raise CardError(f"expected {_expected(fld)}, got {describe(node)}", line, path)
    if fld.pattern and not re.search(fld.pattern, text):
        raise CardError(f"{text!r} is not {_expected(fld)}", line, path)
    if fld.kind == model.CAS:
        _check_cas(text, line, path)
    return ox.Literal(text, language="en") if fld.kind == model.TEXT else ox.Literal(text)


def _decimal(node: Node, fld: model.Field, text: str, line: int, path: str) -> ox.Literal:
    if node.tag not in (INT_TAG, FLOAT_TAG) or not DECIMAL_TEXT.match(text):
        raise CardError(
            f"expected a decimal number (like 105.09), got {describe(node)}", line, path
        )
    return ox.Literal(text, datatype=ox.NamedNode(XSD + "decimal"))


def _integer(node: Node, fld: model.Field, text: str, line: int, path: str) -> ox.Literal:
    if node.tag != INT_TAG or not re.match(r"^[+-]?[0-9]+$", text):
        raise CardError(f"expected a whole number, got {describe(node)}", line, path)
    return ox.Literal(text, datatype=ox.NamedNode(XSD + "integer"))


def _boolean(node: Node, fld: model.Field, text: str, line: int, path: str) -> ox.Literal:
    if node.tag != BOOL_TAG:
        raise CardError(f"expected true or false, got {describe(node)}", line, path)
    return ox.Literal(text.lower(), datatype=ox.NamedNode(XSD + "boolean"))


def _closed(node: Node, fld: model.Field, text: str, line: int, path: str) -> ox.NamedNode:
    allowed, namespace = _closed_list(fld)
    if text not in allowed:
        raise CardError(f"{text!r} is not one of {', '.join(allowed)}", line, path)
    return ox.NamedNode(namespace + text)


def _web_address(node: Node, fld: model.Field, text: str, line: int, path: str) -> ox.NamedNode:
    if node.tag != STR_TAG or not re.match(r"^https?://\S+$", text):
        raise CardError(f"expected a web address (https://...), got {describe(node)}", line, path)
    return ox.NamedNode(text)


def _date_term(node: Node, fld: model.Field, text: str, line: int, path: str) -> ox.Literal:
    return _date(text, line, path)


_CONVERTERS: dict[str, Callable[[Node, model.Field, str, int, str], ox.NamedNode | ox.Literal]] = {
    model.TEXT: _text,
    model.STRING: _text,
    model.CAS: _text,
    model.DECIMAL: _decimal,
    model.INTEGER: _integer,
    model.BOOLEAN: _boolean,
    model.DATE: _date_term,
    model.ENUM: _closed,
    model.UNIT_KIND: _closed,
    model.KIND: _closed,
    model.IRI: _web_address,
}


def _closed_list(fld: model.Field) -> tuple[tuple[str, ...], str]:
    if fld.kind == model.UNIT_KIND:
        return model.UNITS, model.UNIT
    if fld.kind == model.KIND:
        return model.CLASS_LISTS[fld.enum], SK
    return model.ENUMS[fld.enum], SK


def _expected(fld: model.Field) -> str:
    return {
        model.TEXT: "text",
        model.STRING: "text" if not fld.pattern else f"text matching {fld.pattern}",
        model.CAS: "a CAS registry number (like 56-40-6)",
    }.get(fld.kind, "a single value")


def _date(text: str, line: int, path: str) -> ox.Literal:
    """YYYY, YYYY-MM or YYYY-MM-DD as xsd:gYear, xsd:gYearMonth or xsd:date."""
    try:
        if re.fullmatch(r"[0-9]{4}", text):
            return ox.Literal(text, datatype=ox.NamedNode(XSD + "gYear"))
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}", text):
            dt.date.fromisoformat(text + "-01")
            return ox.Literal(text, datatype=ox.NamedNode(XSD + "gYearMonth"))
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
            dt.date.fromisoformat(text)
            return ox.Literal(text, datatype=ox.NamedNode(XSD + "date"))
    except ValueError:
        pass
    raise CardError(f"{text!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)", line, path)


def _check_cas(text: str, line: int, path: str) -> None:
    """A CAS number's last digit is a checksum of the others (weights 1, 2, 3... from the right)."""
    match = re.fullmatch(r"([0-9]{2,7})-([0-9]{2})-([0-9])", text)
    if not match:
        raise CardError(f"{text!r} is not a CAS registry number (like 56-40-6)", line, path)
    digits = (match.group(1) + match.group(2))[::-1]
    expected = sum((i + 1) * int(d) for i, d in enumerate(digits)) % 10
    if expected != int(match.group(3)):
        raise CardError(
            f"{text!r} has a wrong check digit (expected {expected}): a typo in the CAS number?",
            line,
            path,
        )


def _ref(node: Node, path: str, namespace: str = KG) -> ox.NamedNode:
    """An entity: a bare name (in NAMESPACE, kg: unless a source), a CURIE, an IRI or a DOI."""
    if not isinstance(node, yaml.ScalarNode) or node.tag != STR_TAG:
        raise CardError(
            f"expected an id (a name, a CURIE or an IRI), got {describe(node)}", line_of(node), path
        )
    text = str(node.value).strip()
    if NAME.match(text):
        return ox.NamedNode(namespace + text)
    if DOI_TEXT.match(text):
        return ox.NamedNode(PREFIX_MAP["DOI"] + text)
    try:
        return ox.NamedNode(expand(text))
    except (CurieError, ValueError) as exc:
        raise CardError(str(exc), line_of(node), path) from exc


def _mapping(node: Node, where: str) -> dict[str, Entry]:
    if not isinstance(node, yaml.MappingNode):
        what = "a mapping (key: value lines)" if where else "a card: a mapping of keys"
        raise CardError(f"expected {what}, got {describe(node)}", line_of(node), where)
    return {str(k.value): (k, v) for k, v in node.value}


def _items(top: dict[str, Entry], key: str) -> list[Node]:
    if key not in top:
        return []
    value = top[key][1]
    if not isinstance(value, yaml.SequenceNode):
        raise CardError(
            f"expected a list (lines starting with '- '), got {describe(value)}",
            line_of(value),
            key,
        )
    return list(value.value)


def _values(node: Node, fld: model.Field, path: str) -> list[Node]:
    if isinstance(node, yaml.SequenceNode):
        if not fld.many:
            raise CardError("takes one value, not a list", line_of(node), path)
        return list(node.value)
    if fld.kind == model.RECORD:
        raise CardError(f"expected a list of records, got {describe(node)}", line_of(node), path)
    return [node]


def _known_keys(entries: dict[str, Entry], known: Sequence[str], where: str) -> None:
    for name, (key, _value) in entries.items():
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise CardError(
                f"unknown field{hint}; known here: {', '.join(known)}",
                line_of(key),
                _path(where, name),
            )


def _continues(entries: dict[str, Entry], where: str) -> bool:
    """Whether a record item adds facts, from another source, to a record the card defines."""
    return _flag(entries, "continues", where, default=False)


def _flag(entries: dict[str, Entry], name: str, where: str, *, default: bool) -> bool:
    """A true/false key of a record item (``continues``; ``link``: whether this source states
    that the record belongs to its owner, by default only the defining item does)."""
    if name not in entries:
        return default
    value = to_term(entries[name][1], model.Field(name, "", model.BOOLEAN), _path(where, name))
    return value.value == "true"


def _path(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


def _local(iri: ox.NamedNode) -> str:
    return iri.value[len(KG) :] if iri.value.startswith(KG) else iri.value
