"""The way back: what the graph holds about a compound, written as a curation card.

``serkg card NAME --format yaml`` gives a curator the current state to start from. Each group of
claims with the same sources, sections and evidence level becomes one card item; a record whose
facts come from several sources gets one item per source, the later ones marked
``continues: true``. Only what :mod:`serkg.cards.model` can express is written, so compiling the
card gives back those facts and claims (tests/cards/test_card_roundtrip.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
import yaml

from serkg.cards import model
from serkg.prefixes import KG, KGSRC, PREFIX_MAP, compact_iri
from serkg.store import QueryStore
from serkg.views.run import run_view

RDF_TYPE = PREFIX_MAP["rdf"] + "type"
Provenance = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]


@dataclass
class _Claim:
    subject: ox.NamedNode
    predicate: str
    object: Any
    sources: set[str] = field(default_factory=set)
    sections: set[str] = field(default_factory=set)
    evidence: set[str] = field(default_factory=set)

    @property
    def provenance(self) -> Provenance:
        return (
            tuple(sorted(self.sources)),
            tuple(sorted(self.sections)),
            tuple(sorted(self.evidence)),
        )


def card_as_yaml(store: QueryStore, compound_iri: str) -> str:
    """The card of COMPOUND_IRI as YAML text."""
    claims = _claims(store, compound_iri)
    return _dump(card_from_claims(compound_iri, claims))


def _claims(store: QueryStore, compound_iri: str) -> list[_Claim]:
    rows = run_view(store, "card-facts", {"compound": ox.NamedNode(compound_iri)})
    by_claim: dict[str, _Claim] = {}
    for row in rows:
        subject, predicate, source = row["subject"], row["predicate"], row["source"]
        if not isinstance(subject, ox.NamedNode) or predicate is None or source is None:
            continue
        claim = by_claim.setdefault(
            str(row["claim"]), _Claim(subject, predicate.value, row["object"])
        )
        claim.sources.add(source.value)
        section, evidence = row.get("section"), row.get("evidence")
        if section is not None:
            claim.sections.add(section.value)
        if evidence is not None:
            claim.evidence.add(evidence.value)
    return list(by_claim.values())


#: predicate IRI -> field, for the compound's own identity and facts
_IDENTITY = {f.predicate: f for f in (*model.IDENTITY.fields, *model.IDENTITY_EXTRA)}
_FACTS = {f.predicate: f for f in model.COMPOUND_FACTS if f not in model.IDENTITY_EXTRA}
_LINKS = {f.predicate: f for f in model.RECORD_LISTS if f.predicate}
_BACK = {model.RECORDS[f.record].owner_link for f in model.RECORD_LISTS if not f.predicate}


def card_from_claims(compound_iri: str, claims: list[_Claim]) -> dict[str, Any]:
    """The card as plain data (what YAML writes)."""
    compound = ox.NamedNode(compound_iri)
    kinds = _record_kinds(compound, claims)
    groups: dict[tuple[str, Provenance], dict[str, Any]] = {}
    items: dict[tuple[ox.NamedNode, Provenance], dict[str, Any]] = {}
    links = _link_provenances(compound, claims, kinds)
    defining: dict[ox.NamedNode, Provenance] = {node: min(provs) for node, provs in links.items()}
    for claim in sorted(claims, key=_order):
        if claim.subject in kinds and claim.predicate == RDF_TYPE:
            defining.setdefault(claim.subject, claim.provenance)
    for node, provs in sorted(links.items(), key=lambda pair: pair[0].value):
        for prov in sorted(provs):
            _item(node, prov, kinds, items, defining, links)
    for claim in sorted(claims, key=_order):
        if claim.subject == compound:
            _compound_fact(claim, groups)
        elif claim.subject in kinds:
            _record_fact(compound, claims, claim, kinds, items, defining, links)
    card: dict[str, Any] = {"compound": _ref(compound)}
    for key, fields in (("identity", _IDENTITY_ORDER), ("facts", _FACTS_ORDER)):
        listed = [_ordered(g, fields) for (k, _), g in groups.items() if k == key]
        if listed:
            card[key] = listed
    for link in model.RECORD_LISTS:
        listed = [
            item for (node, prov), item in items.items() if kinds[node] == (link.record, None)
        ]
        listed.sort(key=lambda item: (str(item.get("id")), "continues" in item))
        if listed:
            card[link.name] = [_ordered(item, _record_order(link.record)) for item in listed]
    return card


_PROVENANCE_ORDER = tuple(f.name for f in model.GROUP_PROVENANCE)
_IDENTITY_ORDER = (
    *_PROVENANCE_ORDER,
    *(f.name for f in (*model.IDENTITY.fields, *model.IDENTITY_EXTRA)),
)
_FACTS_ORDER = (*_PROVENANCE_ORDER, *(f.name for f in model.COMPOUND_FACTS))


def _record_order(record_name: str) -> tuple[str, ...]:
    fields = tuple(f.name for f in model.RECORDS[record_name].fields)
    return ("id", "continues", "link", *_PROVENANCE_ORDER, *fields)


def _ordered(item: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    """ITEM with its keys in the model's order (nested records too), as a curator reads them."""
    out = {name: item[name] for name in order if name in item}
    for fld in model.RECORDS.get("trial", model.SOURCE).fields:
        if fld.kind == model.RECORD and fld.name in out:
            out[fld.name] = [_ordered(x, _record_order(fld.record)) for x in out[fld.name]]
    return out


def _link_provenances(
    compound: ox.NamedNode,
    claims: list[_Claim],
    kinds: dict[ox.NamedNode, tuple[str, ox.NamedNode | None]],
) -> dict[ox.NamedNode, set[Provenance]]:
    """Record node -> the provenances that state it belongs to its compound (or trial)."""
    nested = {f.predicate for f in model.RECORDS["trial"].fields if f.kind == model.RECORD}
    out: dict[ox.NamedNode, set[Provenance]] = defaultdict(set)
    for claim in claims:
        if claim.subject == compound and claim.predicate in _LINKS and claim.object in kinds:
            out[claim.object].add(claim.provenance)
        elif claim.object == compound and claim.predicate in _BACK and claim.subject in kinds:
            out[claim.subject].add(claim.provenance)
        elif claim.predicate in nested and claim.object in kinds:
            out[claim.object].add(claim.provenance)
    return out


def _order(claim: _Claim) -> tuple[str, str, str]:
    return (claim.subject.value, claim.predicate, str(claim.object))


def _record_kinds(
    compound: ox.NamedNode, claims: list[_Claim]
) -> dict[ox.NamedNode, tuple[str, ox.NamedNode | None]]:
    """Each record node -> (its record kind, its owner when nested under a trial)."""
    kinds: dict[ox.NamedNode, tuple[str, ox.NamedNode | None]] = {}
    types = {(c.subject, c.object.value) for c in claims if c.predicate == RDF_TYPE}
    for claim in claims:
        if claim.subject == compound and claim.predicate in _LINKS:
            kinds[claim.object] = (_LINKS[claim.predicate].record, None)
        elif claim.object == compound and claim.predicate in _BACK:
            candidates = [
                f.record
                for f in model.RECORD_LISTS
                if not f.predicate and model.RECORDS[f.record].owner_link == claim.predicate
            ]
            typed = [r for r in candidates if (claim.subject, model.RECORDS[r].rdf_type) in types]
            kinds[claim.subject] = ((typed or candidates)[0], None)
    for claim in claims:
        if claim.subject in kinds and kinds[claim.subject][0] == "trial":
            for fld in model.RECORDS["trial"].fields:
                if fld.kind == model.RECORD and claim.predicate == fld.predicate:
                    kinds[claim.object] = (fld.record, claim.subject)
    return kinds


def _provenance(item: dict[str, Any], prov: Provenance) -> None:
    sources, sections, evidence = prov
    item["source"] = _one_or_many([_ref(ox.NamedNode(s), KGSRC) for s in sources])
    item["section"] = _one_or_many(list(sections))
    if evidence:
        item["evidence"] = _one_or_many([e[len(model.SK_NS) :] for e in evidence])


def _compound_fact(claim: _Claim, groups: dict[tuple[str, Provenance], dict[str, Any]]) -> None:
    if claim.predicate == RDF_TYPE:
        return  # stated by the identity block that gives the label
    if claim.predicate in _IDENTITY:
        key, fld = "identity", _IDENTITY[claim.predicate]
    elif claim.predicate in _FACTS:
        key, fld = "facts", _FACTS[claim.predicate]
    else:
        return
    group = groups.get((key, claim.provenance))
    if group is None:
        group = groups[(key, claim.provenance)] = {}
        _provenance(group, claim.provenance)
    _put(group, fld, _value(claim.object, fld))


def _record_fact(
    compound: ox.NamedNode,
    claims: list[_Claim],
    claim: _Claim,
    kinds: dict[ox.NamedNode, tuple[str, ox.NamedNode | None]],
    items: dict[tuple[ox.NamedNode, Provenance], dict[str, Any]],
    defining: dict[ox.NamedNode, Provenance],
    links: dict[ox.NamedNode, set[Provenance]],
) -> None:
    record_name, owner = kinds[claim.subject]
    record = model.RECORDS[record_name]
    fields = {f.predicate: f for f in record.fields if f.predicate and f.kind != model.RECORD}
    kind_field = next((f for f in record.fields if f.kind == model.KIND), None)
    item = _item(claim.subject, claim.provenance, kinds, items, defining, links)
    if claim.predicate == RDF_TYPE:
        # the compiler types a record whose items name no kind itself, in its defining item
        typed_apart = {
            c.provenance for c in claims if c.subject == claim.subject and c.predicate == RDF_TYPE
        } != {defining[claim.subject]}
        if kind_field is not None and (claim.object.value != record.rdf_type or typed_apart):
            item["kind"] = claim.object.value[len(model.SK_NS) :]
        return
    if claim.predicate in (record.owner_link, record.back_link) and claim.object == (
        owner or compound
    ):
        return
    if claim.predicate in fields:
        _put(item, fields[claim.predicate], _value(claim.object, fields[claim.predicate]))


def _item(
    node: ox.NamedNode,
    prov: Provenance,
    kinds: dict[ox.NamedNode, tuple[str, ox.NamedNode | None]],
    items: dict[tuple[ox.NamedNode, Provenance], dict[str, Any]],
    defining: dict[ox.NamedNode, Provenance],
    links: dict[ox.NamedNode, set[Provenance]],
) -> dict[str, Any]:
    """The card item for NODE's facts from PROV (a nested record sits in its trial's item)."""
    if (node, prov) in items:
        return items[(node, prov)]
    record_name, owner = kinds[node]
    item: dict[str, Any] = {"id": _ref(node)}
    continues = defining.get(node, prov) != prov
    linked = prov in links.get(node, set())
    if continues:
        item["continues"] = True
    if linked == continues:
        item["link"] = linked
    if owner is None:
        _provenance(item, prov)
    else:
        parent = _item(owner, prov, kinds, items, defining, links)
        link = next(
            f
            for f in model.RECORDS["trial"].fields
            if f.kind == model.RECORD and f.record == record_name
        )
        parent.setdefault(link.name, []).append(item)
    items[(node, prov)] = item
    return item


def _put(item: dict[str, Any], fld: model.Field, value: Any) -> None:
    if fld.many:
        item.setdefault(fld.name, []).append(value)
    else:
        item[fld.name] = value


def _value(term: Any, fld: model.Field) -> Any:
    if isinstance(term, ox.Literal):
        if fld.kind == model.DECIMAL:
            return _Number(term.value)
        if fld.kind == model.INTEGER:
            return int(term.value)
        if fld.kind == model.BOOLEAN:
            return term.value == "true"
        return term.value
    if fld.kind in (model.ENUM, model.KIND):
        return term.value[len(model.SK_NS) :]
    if fld.kind == model.UNIT_KIND:
        return term.value[len(model.UNIT) :]
    if fld.kind == model.IRI:
        return term.value
    return _ref(term)


def _ref(node: ox.NamedNode, namespace: str = KG) -> str:
    """A bare name in the card's default namespace, else a CURIE, else the IRI."""
    local = node.value[len(namespace) :]
    if node.value.startswith(namespace) and local and "/" not in local and ":" not in local:
        return local
    return compact_iri(node.value)


def _one_or_many(values: list[str]) -> str | list[str]:
    return values[0] if len(values) == 1 else values


class _Number(str):
    """A decimal as written in the graph, so YAML keeps every digit."""


class _Dumper(yaml.SafeDumper):
    pass


def _represent_number(dumper: yaml.SafeDumper, value: _Number) -> yaml.Node:
    tag = "int" if value.lstrip("+-").isdigit() else "float"
    return dumper.represent_scalar(f"tag:yaml.org,2002:{tag}", str(value))


_Dumper.add_representer(_Number, _represent_number)


def _dump(card: dict[str, Any]) -> str:
    header = (
        "# serkg curation card, written from the graph by `serkg card --format yaml`.\n"
        "# Edit, then check with `serkg validate THIS-FILE` (docs/curating.md).\n"
    )
    body = yaml.dump(
        card,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )
    return header + body
