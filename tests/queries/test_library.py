"""The query files and the library that reads them: headers, portability, binding, errors, docs."""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from serkg import querylib, resources
from serkg.query_header import parse_query_text, read_header, without_header
from serkg.query_model import (
    NamedQuery,
    QueryHeaderError,
    QueryParameter,
    QueryParameterError,
    UnknownQueryError,
)
from serkg.querylib import load_query
from serkg.sparql_text import words

XSD = "http://www.w3.org/2001/XMLSchema#"
QUERIES = querylib.list_queries()
NAMES = [q.name for q in QUERIES]


def _query(name: str) -> NamedQuery:
    return load_query(name)


# ------------------------------------------------------------------------------ the query files
def test_the_library_covers_the_issue() -> None:
    assert len(QUERIES) >= 15
    assert [p.stem for p in resources.named_query_files()] == NAMES
    assert {"compound-profile", "label-search", "compound-neighbourhood"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_header_is_complete(name: str) -> None:
    query = _query(name)
    assert query.summary and query.description and query.tags
    assert query.form in {"select", "ask", "graph"}
    for param in query.params:
        assert param.description, f"{name}: parameter {param.name} has no description"
        assert (param.type == "enum") == bool(param.values)
        if param.type == "enum":
            assert param.default is None or param.default in param.values
    required = {p.name for p in query.params if p.required}
    assert required <= set(query.example), f"{name}: the example lacks required parameters"


@pytest.mark.parametrize("name", NAMES)
def test_header_reads_the_same_with_pyyaml(name: str) -> None:
    """The #+ header is YAML for grlc-style tools: PyYAML must read what we read."""
    yaml = pytest.importorskip("yaml")
    query = _query(name)
    lines = [
        re.sub(r"^#\+ ?", "", line.strip())
        for line in query.text.splitlines()
        if line.strip().startswith("#+")
    ]

    def norm(value: object) -> object:
        if isinstance(value, str):
            return value.strip()
        if isinstance(value, list):
            return [norm(v) for v in value]
        if isinstance(value, dict):
            return {k: norm(v) for k, v in value.items()}
        return value

    theirs = yaml.safe_load("\n".join(lines))
    theirs = norm({k: (str(v) if isinstance(v, int | float) else v) for k, v in theirs.items()})
    assert norm(read_header(query.text, query.path)) == theirs


@pytest.mark.parametrize("name", NAMES)
def test_parses_in_pyoxigraph_and_rdflib(name: str) -> None:
    """Two independent parsers: the text is standard SPARQL 1.1, not one engine's dialect."""
    from rdflib.plugins.sparql import prepareQuery

    text = _query(name).text
    ox.Store().query(text)  # raises SyntaxError on a parse error
    prepareQuery(text)


@pytest.mark.parametrize("name", NAMES)
def test_rows_have_a_stable_order(name: str) -> None:
    query = _query(name)
    tokens = [t.upper() for t in words(query.text)]
    if query.form == "select":
        assert any(a == "ORDER" and b == "BY" for a, b in itertools.pairwise(tokens)), (
            f"{name} has no ORDER BY"
        )


@pytest.mark.parametrize("name", NAMES)
def test_parameters_are_projected_and_used_at_top_level(name: str) -> None:
    """SEP-0007 keeps bound variables in the results, so a SELECT projects each parameter; and a
    parameter must occur outside OPTIONAL/sub-queries for VALUES binding to behave the same."""
    query = _query(name)
    body = without_header(query.text)
    if query.form == "select":
        projection = body[body.upper().index("SELECT") : body.upper().index("WHERE")]
        for param in query.params:
            assert re.search(rf"\?{param.name}\b", projection), (
                f"{name}: ?{param.name} not projected"
            )
    main_where = re.search(r"\bWHERE\s*\{", body, re.IGNORECASE)  # the first; sub-queries follow
    assert main_where, f"{name}: no WHERE clause"
    top_level = _top_level_text(body[main_where.end() :])
    for param in query.params:
        assert re.search(rf"\?{param.name}\b", top_level), (
            f"{name}: ?{param.name} only in nested groups"
        )


def _top_level_text(group: str) -> str:
    """A group's text without its nested {...} groups (our queries hold no braces in strings).

    The body of a ``GRAPH <iri> { ... }`` at the top level counts as top level: it is joined
    with the rest of the group like a triple pattern (not optional, not a sub-query)."""
    out, depth, joined = [], 0, False
    for index, ch in enumerate(group):
        if ch == "{":
            if depth == 0:
                joined = bool(re.search(r"GRAPH\s*<[^>]*>\s*$", group[:index]))
            depth += 1
        elif ch == "}":
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 or (depth == 1 and joined):
            out.append(ch)
    return "".join(out)


@pytest.mark.parametrize("name", NAMES)
def test_no_engine_extensions_or_whole_graph_subclass_paths(name: str) -> None:
    """Class membership uses the inferred rdf:type; the one subClassOf* path allowed climbs an
    import module (the imports graph) up to a class given as a parameter, which bounds it."""
    query = _query(name)
    body = without_header(query.text)
    anchored = "|".join(re.escape(p.name) for p in query.params) or "$^"
    for path in re.finditer(r"subClassOf\s*\*\s*(\S+)", body):
        assert re.fullmatch(rf"\?({anchored})", path.group(1)), (
            f"{name}: use the inferred rdf:type, not a/rdfs:subClassOf* (a path over an import "
            "module must end at a class parameter)"
        )
        before = body[: path.start()]
        assert before.rfind("GRAPH <https://w3id.org/serkg/graph/imports>") > before.rfind("}"), (
            f"{name}: a subClassOf* path must climb the imports graph only"
        )
    for prefix in ("ofn:", "spif:", "bif:", "fn:", "apf:", "jena:", "oxigraph"):
        assert prefix not in body.lower()


# ---------------------------------------------------------------------------------- parameters
def _param(kind: str, **kw: object) -> QueryParameter:
    return QueryParameter(name="p", type=kind, query="q", **kw)  # type: ignore[arg-type]


def test_iri_parameter_accepts_iris_and_curies() -> None:
    param = _param("iri")
    assert param.parse("kg:l-serine") == ox.NamedNode("https://w3id.org/serkg/id/l-serine")
    assert param.parse("CHEBI:17115") == ox.NamedNode("http://purl.obolibrary.org/obo/CHEBI_17115")
    assert param.parse("chebi:17115") == ox.NamedNode("http://purl.obolibrary.org/obo/CHEBI_17115")
    assert param.parse("<https://w3id.org/serkg/id/x>") == ox.NamedNode(
        "https://w3id.org/serkg/id/x"
    )
    assert param.parse("http://purl.uniprot.org/uniprot/P78330") == ox.NamedNode(
        "http://purl.uniprot.org/uniprot/P78330"
    )


@pytest.mark.parametrize(
    "bad",
    [
        "https://w3id.org/serkg/id/a b",
        "https://w3id.org/serkg/id/a> } UNION { ?s ?p ?o } #",
        "kg:l-serine> ?p ?o . #",
        'kg:x"y',
        "kg:a{b}",
        "nosuchprefix:123",
        "l-serine",
        "",
        "https://example.org/\nx",
    ],
)
def test_iri_parameter_rejects_what_is_not_an_iri(bad: str) -> None:
    with pytest.raises(QueryParameterError) as info:
        _param("iri").parse(bad)
    assert info.value.parameter == "p" and info.value.expected == "iri"
    assert "'q'" in str(info.value) and "'p'" in str(info.value)


def test_typed_literals() -> None:
    assert _param("integer").parse("20") == ox.Literal("20", datatype=ox.NamedNode(XSD + "integer"))
    assert _param("integer").parse(7) == ox.Literal("7", datatype=ox.NamedNode(XSD + "integer"))
    assert _param("decimal").parse("2.50") == ox.Literal(
        "2.5", datatype=ox.NamedNode(XSD + "decimal")
    )
    assert _param("decimal").parse("30") == ox.Literal("30", datatype=ox.NamedNode(XSD + "decimal"))
    assert _param("decimal").parse(1.5) == ox.Literal("1.5", datatype=ox.NamedNode(XSD + "decimal"))
    assert _param("date").parse("2022-12-31") == ox.Literal(
        "2022-12-31", datatype=ox.NamedNode(XSD + "date")
    )
    assert _param("string").parse('a "b" } #') == ox.Literal('a "b" } #')
    enum = _param("enum", values=["any", "Terminated"])
    assert enum.parse("terminated") == ox.Literal("Terminated")


@pytest.mark.parametrize(
    ("kind", "bad"),
    [
        ("integer", "1.5"),
        ("integer", "20 } UNION {"),
        ("integer", True),
        ("decimal", "1e3"),
        ("decimal", "NaN"),
        ("decimal", "2,5"),
        ("date", "2022-13-01"),
        ("date", "31/12/2022"),
        ("date", "2022-12-31T00:00:00"),
        ("string", "x" * 501),
        ("string", 5),
        ("enum", "Phase9"),
        ("enum", 'any" || true || "'),
    ],
)
def test_wrong_types_are_refused(kind: str, bad: object) -> None:
    param = _param(kind, values=["any", "Terminated"] if kind == "enum" else [])
    with pytest.raises(QueryParameterError, match=r"query 'q', parameter 'p'"):
        param.parse(bad)


def test_bind_fills_defaults_and_refuses_unknown_or_missing() -> None:
    query = _query("trials-by-status")
    bound = query.bind({"status": "Terminated"})
    assert bound == {
        "status": ox.Literal("Terminated"),
        "phase": ox.Literal("any"),
        "condition": ox.Literal(""),
    }
    with pytest.raises(
        QueryParameterError,
        match=r"unknown parameter \(this query takes: status, phase, condition",
    ) as info:
        query.bind({"stauts": "Terminated"})
    assert info.value.parameter == "stauts"
    profile = _query("compound-profile")
    with pytest.raises(
        QueryParameterError, match=r"query 'compound-profile', parameter 'compound': missing"
    ):
        profile.bind({})
    assert profile.bind({"compound": "kg:l-serine"}) == {
        "compound": ox.NamedNode("https://w3id.org/serkg/id/l-serine")
    }
    assert query.bind({"status": None})["status"] == ox.Literal("any")  # None = the default


def test_unknown_query_suggests_close_names() -> None:
    with pytest.raises(UnknownQueryError, match="did you mean compound-profile") as info:
        load_query("compound-profil")
    assert isinstance(info.value, ValueError)
    with pytest.raises(UnknownQueryError, match="serkg queries"):
        load_query("../../etc/passwd")


# ------------------------------------------------------------------------------ header parsing
def _header_error(text: str) -> str:
    with pytest.raises(QueryHeaderError) as info:
        parse_query_text(text, Path("/q/bad-query.rq"))
    return str(info.value)


GOOD_HEADER = """#+ summary: s
#+ description: d
#+ params:
#+   - name: x
#+     type: iri
#+     description: an x
#+ example:
#+   x: kg:a
#+ tags: [t]
#+ inference: not required
SELECT ?x WHERE { ?x ?p ?o } ORDER BY ?x
"""


def test_a_good_header() -> None:
    query = parse_query_text(GOOD_HEADER, Path("/q/good-query.rq"))
    assert query.params[0].required and query.example == {"x": "kg:a"} and not query.needs_inference


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("#+ tags: [t]\n", ""), "lacks tags"),
        (("type: iri", "type: uri"), "type must be one of"),
        (("#+ inference: not required", "#+ inference: maybe"), "inference"),
        (("#+ summary: s", "#+ sumary: s"), "bad-query.rq:1: unknown header key 'sumary'"),
        (("x: kg:a", "x: nope"), "example"),
        (
            (
                "SELECT ?x WHERE { ?x ?p ?o } ORDER BY ?x",
                "SELECT ?y WHERE { ?y ?p ?o } ORDER BY ?y",
            ),
            "not used as ?x",
        ),
        (("#+ description: d", "#+ description: a: b"), "quote a value"),
    ],
)
def test_header_errors_name_the_file(change: tuple[str, str], message: str) -> None:
    assert message in _header_error(GOOD_HEADER.replace(*change))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("#+ tags: [t]", "#+ tags: [t"),
            "/q/bad-query.rq:10: the #+ header is not YAML: expected ',' or ']', but got ':' "
            "(while parsing a flow sequence on line 9)",
        ),
        (
            ("#+     type: iri", "#+     type: iri\n#+     type: enum"),
            "/q/bad-query.rq:6: key 'type' given twice in the #+ header",
        ),
        (
            ("#+ inference: not required", "#+ inference: not required\n#+ summary: again"),
            "/q/bad-query.rq:11: header key 'summary' given twice",
        ),
        (
            ("#+ summary: s", "#+ summary: !!python/object:os.system s"),
            "/q/bad-query.rq:1: could not determine a constructor for the tag "
            "'tag:yaml.org,2002:python/object:os.system' in the #+ header",
        ),
        (
            # plain comments between the #+ lines are not YAML lines: the file line still counts
            ("#+   x: kg:a", "# a plain comment\n#\n#+   x: kg:a\n#+   x: kg:b"),
            "/q/bad-query.rq:11: key 'x' given twice in the #+ header",
        ),
    ],
)
def test_yaml_errors_are_one_line_naming_the_file_line(
    change: tuple[str, str], message: str
) -> None:
    """PyYAML reads the header; its errors, and a key given twice (which PyYAML alone would let
    the last one win), are reported at the line of the .rq file, not of the YAML text."""
    assert _header_error(GOOD_HEADER.replace(*change)) == message


def test_header_yaml_features_beyond_the_old_subset() -> None:
    """Flow mappings, folded text over several lines and comments after values are YAML too."""
    text = (
        GOOD_HEADER.replace("#+ description: d", "#+ description: >\n#+   folded over\n#+   lines")
        .replace("#+ example:\n#+   x: kg:a", "#+ example: {x: kg:a}")
        .replace("#+ tags: [t]", "#+ tags: [t, u]  # two tags")
    )
    query = parse_query_text(text, Path("/q/good-query.rq"))
    assert query.description == "folded over lines"
    assert query.example == {"x": "kg:a"}
    assert query.tags == ["t", "u"]


def test_header_scalars_stay_text_as_written() -> None:
    """YAML 1.1 would read `no` as false and `010` as 8: a parameter's type decides instead."""
    text = GOOD_HEADER.replace(
        "#+     type: iri\n#+     description: an x",
        "#+     type: enum\n#+     values: [yes, no, 010]\n#+     default: no\n"
        "#+     description: an x",
    ).replace("#+   x: kg:a", "#+   x: 010")
    query = parse_query_text(text, Path("/q/good-query.rq"))
    assert query.params[0].values == ["yes", "no", "010"]
    assert query.params[0].default == "no"
    assert query.example == {"x": "010"}


# -------------------------------------------------------------------------------- presentation
def test_openapi_parameters() -> None:
    params = {p["name"]: p for p in _query("trials-by-status").to_openapi_parameters()}
    assert params["status"]["schema"]["enum"][0] == "any"
    assert params["status"]["schema"]["default"] == "any"
    assert params["status"]["required"] is False and params["status"]["in"] == "query"
    assert params["status"]["example"] == "Terminated"
    compound = _query("compound-profile").to_openapi_parameters()[0]
    assert compound["required"] is True and compound["schema"] == {
        "type": "string",
        "format": "iri",
    }


def test_compress_iri_agrees_with_the_prefix_map() -> None:
    from serkg.prefixes import compress

    for iri in (
        "https://w3id.org/serkg/id/l-serine",
        "http://purl.obolibrary.org/obo/CHEBI_17115",
        "http://purl.obolibrary.org/obo/GO_0006545",
        "https://w3id.org/serkg/vocab/Phase1",
        "http://identifiers.org/clinicaltrials/NCT03580616",
        "http://example.org/unknown",
        "https://doi.org/10.1080/21678421.2016.1221971",
    ):
        assert querylib.compress_iri(iri) == compress(iri)


def test_queries_json_and_table() -> None:
    import json

    from rich.console import Console

    listing = json.loads(querylib.queries_json())
    assert [q["name"] for q in listing] == NAMES
    assert listing[NAMES.index("trials-by-status")]["params"][0]["values"][0] == "any"
    console = Console(width=400, record=True)
    console.print(querylib.queries_table())
    text = console.export_text()
    assert "serkg query compound-profile --param compound=kg:l-serine" in text


def test_docs_are_in_sync() -> None:
    current = (
        querylib.docs_file().read_text(encoding="utf-8") if querylib.docs_file().exists() else ""
    )
    assert current == querylib.render_query_docs(), (
        "queries/README.md is out of date: run `python -m serkg.querylib --write-docs`"
    )


def test_import_cost_stays_small() -> None:
    """``serkg query`` starts fast: the library imports pyoxigraph, PyYAML (for the ``#+``
    headers; about 30 ms of the cold start, measured with ``python -X importtime``) and the
    standard library only."""
    code = (
        "import sys, serkg.querylib as q; q.list_queries(); "
        "q.load_query('compound-profile').bind({'compound': 'kg:l-serine'}); "
        "heavy = ('rdflib', 'pyshacl', 'owlrl', 'rich', 'curies', 'httpx', 'pandas'); "
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
