"""OWL 2 RL clash detection on the closure, run the same way for both engines so they agree."""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import pyoxigraph as ox

from serkg.prefixes import compress
from serkg.reasoning.index import TripleIndex
from serkg.reasoning.ontology import Ontology
from serkg.reasoning.results import InconsistencyError
from serkg.reasoning.trivia import literal_value
from serkg.reasoning.vocabulary import (
    OWL_DIFFERENT_FROM,
    OWL_NOTHING,
    OWL_SAME_AS,
    RDF_TYPE,
)


class _Clashes:
    """The clashes found so far, in the order the checks run, and the entities they name."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.entities: set[str] = set()

    def add(self, message: str, *terms: Any) -> None:
        self.problems.append(message)
        self.entities.update(term.value for term in terms if isinstance(term, ox.NamedNode))


def check_consistency(
    closure: TripleIndex, ontology: Ontology, engine_errors: Sequence[str] = ()
) -> None:
    """Raise :class:`InconsistencyError` for OWL 2 RL clashes in the closure.

    Checked here for both engines (so they agree): owl:Nothing members (cls-nothing2), disjoint
    classes (cax-dw, cax-adc), sameAs with differentFrom (eq-diff1..3), asymmetric (prp-asyp),
    irreflexive (prp-irp) and disjoint properties (prp-pdw). owlrl's own error messages are
    reported as well when our checks find nothing (e.g. ill-typed literals).
    """
    clashes = _Clashes()
    for check in (
        _disjoint_classes,
        _same_and_different,
        _asymmetric_properties,
        _irreflexive_properties,
        _disjoint_properties,
        _functional_properties,
    ):
        check(closure, ontology, clashes)
    if not clashes.problems and engine_errors:
        for message in sorted(set(engine_errors)):
            clashes.problems.append(message)
            clashes.entities.update(re.findall(r"https?://[^\s,()'\"]+", message))
    problems = clashes.problems
    if problems:
        shown = "; ".join(problems[:20]) + (
            f"; and {len(problems) - 20} more" if len(problems) > 20 else ""
        )
        raise InconsistencyError(f"{len(problems)} clash(es): {shown}", sorted(clashes.entities))


def _disjoint_classes(closure: TripleIndex, ontology: Ontology, clashes: _Clashes) -> None:
    """cls-nothing2, cax-dw, cax-adc."""
    nothing = closure.subjects(RDF_TYPE, OWL_NOTHING)
    for member in sorted(nothing, key=str):
        clashes.add(f"{_c(member)} is a member of owl:Nothing", member)
    types_by_subject: dict[Any, set[Any]] = defaultdict(set)
    for t in closure.with_predicate(RDF_TYPE):
        types_by_subject[t.subject].add(t.object)
    for member, types in sorted(types_by_subject.items(), key=lambda kv: str(kv[0])):
        if member in nothing:
            continue  # owlrl types members of owl:Nothing with every class: one clash is enough
        for cls in sorted(types, key=str):
            for other in sorted(set(ontology.disjoint.get(cls, {})) & types, key=str):
                if str(cls) < str(other):
                    clashes.add(
                        f"{_c(member)} is an instance of the disjoint classes "
                        f"{_c(cls)} and {_c(other)}",
                        member,
                        cls,
                        other,
                    )


def _same_and_different(closure: TripleIndex, ontology: Ontology, clashes: _Clashes) -> None:
    """eq-diff1..3."""
    different = {(t.subject, t.object) for t in closure.with_predicate(OWL_DIFFERENT_FROM)}
    for members, _axiom in ontology.all_different:
        different.update(itertools.permutations(members, 2))
    for a, b in sorted(different, key=str):
        # x differentFrom x only follows from another clash by sameAs substitution: not reported
        report_pair = str(a) < str(b) or (b, a) not in different
        if a != b and report_pair and ox.Triple(a, OWL_SAME_AS, b) in closure:
            clashes.add(f"{_c(a)} is both owl:sameAs and owl:differentFrom {_c(b)}", a, b)


def _asymmetric_properties(closure: TripleIndex, ontology: Ontology, clashes: _Clashes) -> None:
    """prp-asyp."""
    for prop in sorted(ontology.asymmetric, key=str):
        for t in closure.with_predicate(prop):
            mirrored = ox.Triple(t.object, prop, t.subject)  # type: ignore[arg-type]
            if mirrored in closure and str(t.subject) <= str(t.object):
                clashes.add(
                    f"{_c(prop)} is asymmetric but {_c(t.subject)} and {_c(t.object)} "
                    "point at each other",
                    t.subject,
                    t.object,
                    prop,
                )


def _irreflexive_properties(closure: TripleIndex, ontology: Ontology, clashes: _Clashes) -> None:
    """prp-irp."""
    for prop in sorted(ontology.irreflexive, key=str):
        for t in closure.with_predicate(prop):
            if t.subject == t.object:
                clashes.add(
                    f"{_c(prop)} is irreflexive but {_c(t.subject)} {_c(prop)} itself",
                    t.subject,
                    prop,
                )


def _disjoint_properties(closure: TripleIndex, ontology: Ontology, clashes: _Clashes) -> None:
    """prp-pdw."""
    for prop, others in sorted(ontology.property_disjoint.items(), key=lambda kv: str(kv[0])):
        for t in closure.with_predicate(prop):
            for other in others:
                if str(prop) < str(other) and ox.Triple(t.subject, other, t.object) in closure:
                    clashes.add(
                        f"{_c(t.subject)} is linked to {_c(t.object)} by the disjoint properties "
                        f"{_c(prop)} and {_c(other)}",
                        t.subject,
                        t.object,
                    )


def _functional_properties(closure: TripleIndex, ontology: Ontology, clashes: _Clashes) -> None:
    """prp-fp on literal values: two distinct values (by value, not lexical form) clash."""
    for prop in sorted(ontology.functional, key=str):
        values: dict[Any, dict[Any, ox.Literal]] = defaultdict(dict)
        for t in closure.with_predicate(prop):
            if isinstance(t.object, ox.Literal):
                values[t.subject].setdefault(literal_value(t.object), t.object)
        for holder, distinct in sorted(values.items(), key=lambda kv: str(kv[0])):
            if len(distinct) > 1:
                shown = ", ".join(sorted(str(v) for v in distinct.values()))
                clashes.add(
                    f"{_c(holder)} has {len(distinct)} values for the functional property "
                    f"{_c(prop)}: {shown}",
                    holder,
                    prop,
                )


def _c(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return compress(term.value)
    return str(term)
