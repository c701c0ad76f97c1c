"""SHACL validation: the shapes on small examples, on the real data, under mutation, and in Jena."""

from __future__ import annotations

import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, URIRef

from serkg import resources
from serkg.checks import SH, SHP, knowledge_graphs, shapes_graph, validate_files, validate_graph
from serkg.loading import InputError, load_knowledge
from serkg.prefixes import expand
from serkg.terms import ox_to_rdflib

EXAMPLES = Path(__file__).resolve().parent / "shapes"
SK = "https://w3id.org/serkg/vocab/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
EXAMPLE_NAMES = sorted(p.stem for p in (EXAMPLES / "invalid").glob("*.ttl"))
EXPECT = re.compile(r"^# expect: focus=(\S+) path=(\S+) component=sh:(\S+)\s*$")


@cache
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(resources.ontology_file(), format="turtle")


def expectations(path: Path) -> set[tuple[str, str | None, str]]:
    """The (focus, path, component) triples an invalid example declares in `# expect:` lines."""
    found = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        match = EXPECT.match(line)
        if match:
            focus, prop, component = match.groups()
            found.add((expand(focus), None if prop == "-" else expand(prop), component))
    return found


# --- one example per shape


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_valid_example_conforms(name: str) -> None:
    data = rdflib.Graph().parse(EXAMPLES / "valid" / f"{name}.ttl", format="turtle")
    outcome = validate_graph(data, ontology())
    assert outcome.conforms, outcome.to_text()


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_invalid_example_triggers_exactly_what_it_declares(name: str) -> None:
    path = EXAMPLES / "invalid" / f"{name}.ttl"
    expected = expectations(path)
    assert expected, f"{path} declares no `# expect:` line"
    outcome = validate_graph(rdflib.Graph().parse(path, format="turtle"), ontology())
    got = {(v.focus, v.path, v.component) for v in outcome.violations}
    assert got == expected, outcome.to_text()
    assert all(v.message and "Value " not in v.message[:6] for v in outcome.violations)


def test_every_targeting_shape_has_a_valid_and_an_invalid_example() -> None:
    graph = shapes_graph("all")
    targets = [
        URIRef(SH + t) for t in ("targetClass", "targetSubjectsOf", "targetObjectsOf", "targetNode")
    ]
    named = {
        str(s)[len(SHP) :]
        for t in targets
        for s in graph.subjects(t, None)
        if str(s).startswith(SHP)
    }
    assert named == set(EXAMPLE_NAMES)
    assert {p.stem for p in (EXAMPLES / "valid").glob("*.ttl")} == named


# --- the shapes themselves


def test_shapes_conform_to_shacl_for_shacl() -> None:
    import pyshacl

    shsh = Path(pyshacl.__file__).parent / "assets" / "shacl-shacl.ttl"
    for choice in ("core", "all"):
        conforms, _, text = pyshacl.validate(shapes_graph(choice), shacl_graph=str(shsh))
        assert conforms, text
    conforms, _, text = pyshacl.validate(
        rdflib.Graph(), shacl_graph=shapes_graph("all"), meta_shacl=True
    )
    assert conforms, text


def test_core_file_uses_only_shacl_core() -> None:
    core = rdflib.Graph().parse(resources.shapes_core_file(), format="turtle")
    sparql_terms = {
        URIRef(SH + t) for t in ("sparql", "select", "ask", "SPARQLConstraint", "target", "rule")
    }
    used = {p for p in core.predicates()} | {o for o in core.objects() if isinstance(o, URIRef)}
    assert not used & sparql_terms


def test_every_class_with_instances_has_a_node_shape() -> None:
    kb = load_knowledge([resources.ontology_file()], resources.data_files())
    data, onto = knowledge_graphs(kb)
    graph = shapes_graph("core") + shapes_graph("sparql")
    targeted = set(graph.objects(None, URIRef(SH + "targetClass")))
    both = data + onto
    used = {o for o in both.objects(None, RDF.type) if str(o).startswith(SK)}
    missing = []
    for cls in sorted(used):
        supers = set(onto.transitive_objects(cls, RDFS.subClassOf))
        if not supers & targeted:
            missing.append(str(cls))
    assert missing == []


# --- the real data


def test_packaged_data_conforms_and_is_qc_clean() -> None:
    outcome, qc = validate_files([])
    assert outcome.conforms, outcome.to_text()
    assert qc == [], "\n".join(str(r) for r in qc)


def test_a_wrong_cas_check_digit_in_a_copied_data_file_is_reported_at_its_line(
    tmp_path: Path,
) -> None:
    source = next(p for p in resources.data_files() if '"56-45-1"' in p.read_text(encoding="utf-8"))
    text = source.read_text(encoding="utf-8").replace('"56-45-1"', '"56-45-2"', 1)
    broken = tmp_path / source.name
    broken.write_text(text, encoding="utf-8")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if '"56-45-2"' in t)
    outcome, _qc = validate_files([broken])
    assert not outcome.conforms
    hits = [
        v
        for v in outcome.violations
        if v.component == "SPARQLConstraintComponent" and v.path == SK + "casNumber"
    ]
    assert [(h.focus_curie, h.value, h.file, h.line) for h in hits] == [
        ("kg:l-serine", '"56-45-2"', str(broken), line)
    ]
    assert "check digit" in hits[0].message and "56-45-2" in hits[0].message
    assert f"{broken}, stated near line {line}" in outcome.to_text()


@pytest.mark.parametrize(
    ("content", "suffix", "reason"),
    [
        (None, ".trig", "no such file"),
        ("kg:x a sk:Gene", ".ttl", "syntax error"),
        ("", ".docx", "unknown RDF format"),
    ],
)
def test_unusable_files_raise_input_error_naming_the_file(
    tmp_path: Path, content: str | None, suffix: str, reason: str
) -> None:
    path = tmp_path / f"input{suffix}"
    if content is not None:
        path.write_text("@prefix kg: <https://w3id.org/serkg/id/> .\n" + content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        validate_files([path])
    assert str(path) in str(caught.value) and reason in str(caught.value)
    if suffix == ".ttl":
        assert caught.value.line == 2


def test_cli_exit_codes_and_formats(tmp_path: Path) -> None:
    invalid = EXAMPLES / "invalid" / "ClinicalTrialShape.ttl"
    run = [sys.executable, "-m", "serkg", "validate"]
    bad = subprocess.run(
        [*run, str(invalid), "--format", "json"], capture_output=True, text=True, timeout=300
    )
    assert bad.returncode == 1, bad.stderr
    assert '"conforms": false' in bad.stdout and "Traceback" not in bad.stderr
    missing = subprocess.run(
        [*run, str(tmp_path / "nope.trig")], capture_output=True, text=True, timeout=300
    )
    assert (
        missing.returncode == 2
        and "nope.trig" in missing.stderr
        and "Traceback" not in missing.stderr
    )


def test_reports_in_all_three_formats() -> None:
    path = EXAMPLES / "invalid" / "DoseRegimenShape.ttl"
    outcome = validate_graph(rdflib.Graph().parse(path, format="turtle"), ontology())
    report = rdflib.Graph().parse(data=outcome.to_turtle(), format="turtle")
    assert (None, URIRef(SH + "conforms"), rdflib.Literal(False)) in report
    import json

    doc = json.loads(outcome.to_json())
    assert doc["conforms"] is False and len(doc["violations"]) == 2
    assert {v["path_curie"] for v in doc["violations"]} == {"sk:doseMin", "sk:doseUnit"}
    text = outcome.to_text()
    assert 'kg:dose "0.5-15 g twice daily"' in text and "sh:" not in text.split("\n")[2]


# --- mutations of the real data


@cache
def real_graph() -> tuple[rdflib.Graph, list[tuple[str, str, str, str]]]:
    """The packaged data with the ontology mixed in, and the mutations to try on it."""
    kb = load_knowledge([resources.ontology_file()], resources.data_files())
    data, onto = knowledge_graphs(kb)
    graph = data + onto
    shapes = shapes_graph("core")
    # curated statements only: generated claims are not written by anyone (their bundle is)
    curated = {ox_to_rdflib(t.subject) for t in kb.facts}
    mutations: list[tuple[str, str, str, str]] = []
    for node_shape, cls in shapes.subject_objects(URIRef(SH + "targetClass")):
        members = {
            s
            for c in onto.transitive_subjects(RDFS.subClassOf, cls)
            for s in data.subjects(RDF.type, c)
        }
        for prop in shapes.objects(node_shape, URIRef(SH + "property")):
            path = shapes.value(prop, URIRef(SH + "path"))
            required = shapes.value(prop, URIRef(SH + "minCount")) or shapes.value(
                prop, URIRef(SH + "qualifiedMinCount")
            )
            if not isinstance(path, URIRef) or required is None or int(required) < 1:
                continue
            for member in sorted(members):
                if (
                    member in curated
                    and (member, path, None) in data
                    and isinstance(member, URIRef)
                ):
                    mutations.append(("remove", str(member), str(path), ""))
    identifier_properties = [
        URIRef(SK + p) for p in ("casNumber", "registryId", "inchiKey", "doi", "molecularFormula")
    ]
    for prop in identifier_properties:
        for s, o in sorted(data.subject_objects(prop)):
            mutations.append(("corrupt-literal", str(s), str(prop), str(o)))
    for match in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch"):
        for s, o in sorted(data.subject_objects(URIRef(SKOS + match))):
            mutations.append(("corrupt-iri", str(s), SKOS + match, str(o)))
    return graph, sorted(set(mutations))


def _mutation_ids() -> list[tuple[str, str, str, str]]:
    try:
        return real_graph()[1]
    except (
        FileNotFoundError,
        InputError,
    ):  # reported by test_packaged_data_conforms_and_is_qc_clean
        return []


def _corrupt_iri(iri: str) -> str:
    """Insert 'X' where the identifier starts (after the scheme's namespace)."""
    cut = max(iri.rfind("/"), iri.rfind("_")) + 1
    if iri.startswith("https://doi.org/"):
        cut = len("https://doi.org/")
    return iri[:cut] + "X" + iri[cut:]


@pytest.mark.slow
@pytest.mark.parametrize(
    "mutation",
    _mutation_ids(),
    ids=lambda m: f"{m[0]}:{m[1].rsplit('/', 1)[-1]}:{m[2].rsplit('/', 1)[-1]}",
)
def test_mutation_of_the_real_data_is_caught(mutation: tuple[str, str, str, str]) -> None:
    graph, _ = real_graph()
    kind, subject, prop, value = mutation
    s, p = URIRef(subject), URIRef(prop)
    removed = list(graph.triples((s, p, None))) if kind == "remove" else []
    if kind == "corrupt-literal":
        old = next(o for o in graph.objects(s, p) if str(o) == value)
        removed = [(s, p, old)]
        added = [(s, p, rdflib.Literal("?" + value, datatype=old.datatype, lang=old.language))]
    elif kind == "corrupt-iri":
        removed = [(s, p, URIRef(value))]
        added = [(s, p, URIRef(_corrupt_iri(value)))]
    else:
        added = []
    for t in removed:
        graph.remove(t)
    for t in added:
        graph.add(t)
    try:
        # pySHACL 0.40 applies focus_nodes to nested shapes too (sh:node on a cross-link IRI):
        # the corrupted IRI must be a focus node for its scheme check to run
        focus = [subject] + [str(o) for _, _, o in added if isinstance(o, URIRef)]
        outcome = validate_graph(graph, None, focus_nodes=focus)
        reference = validate_graph(graph, None, focus_nodes=focus, engine="pyshacl")
    finally:
        for t in added:
            graph.remove(t)
        for t in removed:
            graph.add(t)
    named = [v for v in outcome.violations if v.focus == subject and v.path == prop]
    assert named, f"{mutation} was not caught:\n{outcome.to_text()}"
    assert [v.to_dict() for v in outcome.violations] == [v.to_dict() for v in reference.violations]
    assert _result_keys(outcome.report_graph) == _result_keys(reference.report_graph)


def test_mutations_cover_required_facts_and_identifiers() -> None:
    kinds = {m[0] for m in _mutation_ids()}
    assert kinds == {"remove", "corrupt-literal", "corrupt-iri"}


# --- a second SHACL engine


def _jena_conforms(shapes: Path, data: Path, work: Path) -> bool:
    from tests import jena

    result = jena.run(
        "shacl.shacl", "validate", "--shapes", str(shapes), "--data", str(data), work_dir=work
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = rdflib.Graph().parse(data=result.stdout, format="turtle")
    values = set(report.objects(None, URIRef(SH + "conforms")))
    assert len(values) == 1, result.stdout[-2000:]
    return bool(next(iter(values)).toPython())


@pytest.mark.java
@pytest.mark.slow
def test_jena_agrees_with_pyshacl_on_the_core_shapes(tmp_path: Path) -> None:
    from tests.conftest import require_tool

    require_tool("java", "Jena SHACL is the second engine")  # skip locally, fail in CI
    kb = load_knowledge([resources.ontology_file()], resources.data_files())
    data, onto = knowledge_graphs(kb)
    full = tmp_path / "full.ttl"
    (data + onto).serialize(full, format="turtle")
    ours = validate_graph(data + onto, None, shapes="core")  # the very graph Jena reads
    assert (
        _jena_conforms(resources.shapes_core_file(), full, tmp_path / "jena")
        is ours.conforms
        is True
    )

    broken = tmp_path / "broken.ttl"
    (rdflib.Graph().parse(EXAMPLES / "invalid" / "ClinicalTrialShape.ttl") + onto).serialize(
        broken, format="turtle"
    )
    assert _jena_conforms(resources.shapes_core_file(), broken, tmp_path / "jena") is False


def test_owl_class_declarations_are_not_validated_as_data() -> None:
    graph = rdflib.Graph()
    graph.add((URIRef(SK + "NewThing"), RDF.type, OWL.Class))
    assert validate_graph(graph, ontology()).conforms


def test_a_plain_string_is_accepted_where_xsd_string_is_required() -> None:
    # rdflib keeps plain literals untyped, pyoxigraph types them xsd:string: both must conform
    for literal in (
        rdflib.Literal("56-45-1"),
        rdflib.Literal("56-45-1", datatype=rdflib.XSD.string),
    ):
        graph = rdflib.Graph()
        node = URIRef("https://w3id.org/serkg/id/c")
        graph.add((node, RDF.type, URIRef(SK + "ChemicalCompound")))
        graph.add((node, RDFS.label, rdflib.Literal("c", lang="en")))
        graph.add((node, URIRef(SK + "casNumber"), literal))
        assert validate_graph(graph, ontology()).conforms


def test_oxigraph_terms_round_trip_into_validation() -> None:
    quads = ox.parse(
        b'<https://w3id.org/serkg/id/c> <https://w3id.org/serkg/vocab/casNumber> "56-45-1" .',
        format=ox.RdfFormat.N_TRIPLES,
    )
    from serkg.terms import triples_to_rdflib_graph

    graph = triples_to_rdflib_graph(q.triple for q in quads)
    assert next(iter(graph.objects())).datatype is None


# --- the fast engine gives pySHACL's results


def _result_keys(report: rdflib.Graph) -> list[tuple[object, ...]]:
    """Every sh:result of a report with all it says (constraints compared by their query)."""

    def one(result: Any, name: str) -> Any:
        return report.value(result, URIRef(SH + name))

    keys = []
    for result in report.objects(None, URIRef(SH + "result")):
        constraint = one(result, "sourceConstraint")
        keys.append(
            (
                one(result, "focusNode"),
                one(result, "resultPath"),
                one(result, "value"),
                one(result, "sourceConstraintComponent"),
                one(result, "sourceShape"),
                None if constraint is None else str(one(constraint, "select")),
                one(result, "resultSeverity"),
                tuple(sorted(str(m) for m in report.objects(result, URIRef(SH + "resultMessage")))),
            )
        )
    return sorted(keys, key=str)


def assert_same_as_pyshacl(
    data: rdflib.Graph, onto: rdflib.Graph | None, **options: object
) -> list[str]:
    """Validate with both engines, assert identical outcomes, return the violated components."""
    reference = validate_graph(data, onto, engine="pyshacl", **options)  # type: ignore[arg-type]
    fast = validate_graph(data, onto, **options)  # type: ignore[arg-type]
    assert fast.conforms is reference.conforms
    assert _result_keys(fast.report_graph) == _result_keys(reference.report_graph)
    assert [v.to_dict() for v in fast.violations] == [v.to_dict() for v in reference.violations]
    return sorted(v.component for v in fast.violations)


@pytest.mark.parametrize("kind", ["valid", "invalid"])
@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_fast_engine_matches_pyshacl_on_every_example(kind: str, name: str) -> None:
    data = rdflib.Graph().parse(EXAMPLES / kind / f"{name}.ttl", format="turtle")
    components = assert_same_as_pyshacl(data, ontology())
    assert (components == []) is (kind == "valid")


def test_fast_engine_matches_pyshacl_for_each_choice_of_shapes() -> None:
    data = rdflib.Graph()
    for name in ("CASCheckDigitShape", "ClaimShape", "TrialStatusHistoryShape"):
        data.parse(EXAMPLES / "invalid" / f"{name}.ttl", format="turtle")
    assert (
        assert_same_as_pyshacl(data, ontology(), shapes="sparql")
        == ["SPARQLConstraintComponent"] * 3
    )
    core = assert_same_as_pyshacl(data, ontology(), shapes="core")
    assert core and "SPARQLConstraintComponent" not in core
    assert assert_same_as_pyshacl(data, ontology(), shapes="all") == sorted(
        core + ["SPARQLConstraintComponent"] * 3
    )


def test_every_sparql_constraint_runs_once_for_all_focus_nodes() -> None:
    from serkg.checks.sparql_constraints import sparql_constraints

    constraints = sparql_constraints(shapes_graph("sparql"))
    assert sorted(str(c.shape)[len(SHP) :] for c in constraints) == [
        "CASCheckDigitShape",
        "ClinicalEvidenceLevelShape",
        "TrialIdentifierAgreementShape",
        "TrialStatusHistoryShape",
    ]
    assert all(c.joinable for c in constraints)
    assert all("PREFIX sk: <https://w3id.org/serkg/vocab/>" in c.query for c in constraints)


def test_a_constraint_run_per_focus_node_gives_the_same_results() -> None:
    from serkg.checks.sparql_constraints import (
        oxigraph_store,
        run_sparql_constraints,
        sparql_constraints,
    )

    shapes = shapes_graph("sparql")
    select = URIRef(SH + "select")
    for constraint, text in list(shapes.subject_objects(select)):  # ORDER BY: not joinable
        shapes.set((constraint, select, rdflib.Literal(str(text) + " ORDER BY ?value")))
    assert not any(c.joinable for c in sparql_constraints(shapes))
    from serkg.terms import rdflib_graph_to_triples

    data = rdflib.Graph().parse(EXAMPLES / "invalid" / "CASCheckDigitShape.ttl", format="turtle")
    triples = [*rdflib_graph_to_triples(data), *rdflib_graph_to_triples(ontology())]
    per_focus = run_sparql_constraints(oxigraph_store(triples), shapes)
    joined = run_sparql_constraints(oxigraph_store(triples), shapes_graph("sparql"))

    def plain(results: list[tuple[object, list[tuple[object, object]]]]) -> list[object]:
        return sorted((sorted(map(str, t)) for _, t in results), key=str)

    assert plain(per_focus) == plain(joined)
    assert len(joined) == 2


@cache
def real_parts() -> tuple[rdflib.Graph, rdflib.Graph]:
    kb = load_knowledge([resources.ontology_file()], resources.data_files())
    return knowledge_graphs(kb)


def _bundle_claims(data: rdflib.Graph) -> list[URIRef]:
    """The generated claims of the largest bundle that has an evidence level."""
    from collections import defaultdict

    by_source: dict[object, list[URIRef]] = defaultdict(list)
    for claim in data.subjects(URIRef(SK + "evidenceLevel"), None, unique=True):
        if (None, None, claim) not in data and isinstance(claim, URIRef):
            key = frozenset(
                (p, o)
                for p, o in data.predicate_objects(claim)
                if not str(p).startswith(SK + "claim")
            )
            by_source[key].append(claim)
    biggest = max(len(members) for members in by_source.values())
    return sorted(next(m for m in by_source.values() if len(m) == biggest))


@pytest.mark.parametrize("workers", [1, 2])
def test_fast_engine_matches_pyshacl_on_the_real_data_with_broken_claims(
    workers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Also with the Core shapes split over two processes (each validating half the focus nodes)."""
    from serkg.checks import core_parallel

    monkeypatch.setattr(core_parallel, "default_workers", lambda: workers)
    monkeypatch.setattr(core_parallel, "PARALLEL_MIN_TRIPLES", 0)
    data, onto = real_parts()
    graph = rdflib.Graph()
    for triple in data:
        graph.add(triple)
    claims = _bundle_claims(graph)
    assert len(claims) > 2
    evidence, derived = (
        URIRef(SK + "evidenceLevel"),
        URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"),
    )
    for claim in claims:  # a whole bundle with a wrong evidence level
        graph.set((claim, evidence, URIRef(SK + "NoSuchEvidence")))
    other = next(
        c
        for c in sorted(graph.subjects(RDF.type, URIRef(SK + "Claim")), key=str)
        if c not in claims and (None, None, c) not in graph and (c, derived, None) in graph
    )
    graph.remove((other, derived, None))  # one claim without its source
    cas = next(iter(sorted(graph.subject_objects(URIRef(SK + "casNumber")))))
    graph.set((cas[0], URIRef(SK + "casNumber"), rdflib.Literal("56-45-2")))
    components = assert_same_as_pyshacl(graph, onto)
    assert components.count("ClassConstraintComponent") == len(claims)
    assert components.count("MinCountConstraintComponent") == 1
    assert "SPARQLConstraintComponent" in components


def test_claims_are_grouped_only_when_the_shapes_allow_it() -> None:
    from serkg.checks.core_parallel import claims_by_bundle

    data = load_knowledge([resources.ontology_file()], resources.data_files()).data
    core = shapes_graph("core")
    groups = claims_by_bundle(data, core)
    assert groups is not None
    generated = {c for members in groups for c in members}
    assert generated and not generated & {t.object for t in data}
    assert len(groups) < len(generated) / 5
    part = next(iter(core.subjects(URIRef(SH + "path"), URIRef(SK + "claimObject"))))
    core.add((part, URIRef(SH + "datatype"), rdflib.XSD.string))  # now values matter
    assert claims_by_bundle(data, core) is None


# --- one file in the context of the dataset (issue 21)


def test_an_unmodified_packaged_file_validates_alone_in_the_context_of_the_dataset() -> None:
    path = resources.asset_root() / "data" / "l-serine" / "clinical-trials.trig"
    done = subprocess.run(
        [sys.executable, "-m", "serkg", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    others = len(resources.data_files()) - 1
    assert f"in the context of {others} other packaged data file(s)" in done.stderr
    assert "conforms, no violations" in done.stdout


def test_a_broken_copy_of_a_packaged_file_is_reported_at_its_line(tmp_path: Path) -> None:
    source = resources.asset_root() / "data" / "l-serine" / "clinical-trials.trig"
    text = source.read_text(encoding="utf-8")
    wrong = "sk:enrollment 20.5 ;"
    text = text.replace("sk:enrollment 20 ;", wrong, 1)
    broken = tmp_path / source.name
    broken.write_text(text, encoding="utf-8")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if wrong in t)
    done = subprocess.run(
        [sys.executable, "-m", "serkg", "validate", str(broken), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 1, done.stderr
    import json

    found = [
        (v["path"], v["component"], v["file"], v["line"])
        for v in json.loads(done.stdout)["violations"]
    ]
    assert found == [(SK + "enrollment", "DatatypeConstraintComponent", str(broken), line)]


# --- the engine at its boundaries


def test_an_ill_typed_boolean_stays_ill_typed_between_rdflib_and_pyoxigraph() -> None:
    from serkg.terms import rdflib_to_ox

    parsed = next(
        ox.parse(
            input=b'<http://e/x> <http://e/p> "none"^^<http://www.w3.org/2001/XMLSchema#boolean> .',
            format=ox.RdfFormat.N_TRIPLES,
        )
    )
    as_rdflib = ox_to_rdflib(parsed.object)
    assert as_rdflib.ill_typed and str(as_rdflib) == "none"
    assert rdflib_to_ox(as_rdflib) == parsed.object
    rewritten = rdflib.Literal("none", datatype=rdflib.XSD.boolean)  # rdflib's parse: "false"
    with pytest.raises(ValueError, match="ill-typed"):
        rdflib_to_ox(rewritten)


def test_worker_reports_merge_without_corrupting_a_sequence_path() -> None:
    from rdflib.collection import Collection

    from serkg.checks import validate_triples

    shapes = rdflib.Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://e/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
            sh:property [ sh:path ( ex:p ex:q ) ; sh:minCount 1 ] .
        """,
        format="turtle",
    )
    data = [
        ox.Triple(
            ox.NamedNode(f"http://e/n{i}"), ox.NamedNode(str(RDF.type)), ox.NamedNode("http://e/C")
        )
        for i in range(8)
    ]
    outcome = validate_triples(
        data, custom_shapes=shapes, workers=2, parallel_min_triples=0, core_engine="pyshacl"
    )
    report = outcome.report_graph
    paths = set(report.objects(None, URIRef(SH + "resultPath")))
    assert len(paths) == 1 and len(outcome.violations) == 8
    (path,) = paths
    assert list(Collection(report, path)) == [URIRef("http://e/p"), URIRef("http://e/q")]
    assert len(list(report.objects(path, RDF.rest))) == 1


@pytest.mark.parametrize(
    ("where", "reason"),
    [
        ("$this ?p ?o . MINUS { $this a ?c }", "uses MINUS"),
        ("$this ?p ?o . VALUES ?o { 1 }", "uses VALUES"),
        ("$this ?p ?o . { SELECT * WHERE { ?s ?p ?o } }", "SELECT *"),
        ("$this ?p ?o . { SELECT ?s WHERE { ?s ?p ?o } }", "does not project $this"),
        ("BIND (1 AS $this)", "assigns the pre-bound variable $this"),
    ],
)
def test_a_sparql_query_shacl_forbids_is_refused_naming_the_shape(where: str, reason: str) -> None:
    from serkg.checks import ShapesError
    from serkg.checks.sparql_constraints import sparql_constraints

    shapes = rdflib.Graph().parse(
        data=f"""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://e/> .
        ex:Forbidden a sh:NodeShape ; sh:targetClass ex:C ;
            sh:sparql [ sh:select "SELECT $this WHERE {{ {where} }}" ] .
        """,
        format="turtle",
    )
    with pytest.raises(ShapesError, match="http://e/Forbidden") as caught:
        sparql_constraints(shapes)
    assert reason in str(caught.value)
