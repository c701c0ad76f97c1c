"""Every named query on the real data: golden answers, binding equivalence, injection attempts."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from golden_io import REGENERATE_COMMAND, answer_text, comparable, golden_path

from serkg import querylib
from serkg.query_model import NamedQuery, QueryParameterError
from serkg.sparql_text import inject_values
from serkg.store import EmbeddedStore

QUERIES = querylib.list_queries()
NAMES = [q.name for q in QUERIES]
NO_MATCH = "zz-no-such-text-zz"
STRING_ATTACKS = [
    'x" } UNION { ?s ?p ?o } #',
    "x' } UNION { ?s ?p ?o } #",
    'x"""} UNION { ?s ?p ?o }',
    "x\n} UNION { ?s ?p ?o }\n#",
    'x\\" } UNION { ?s ?p ?o } #',
    "# } UNION { ?s ?p ?o }",
    ") } UNION { ?s ?p ?o } SELECT * WHERE { (",
]
TERM_ATTACKS = [
    "https://w3id.org/serkg/id/l-serine> } UNION { ?s ?p ?o } #",
    "kg:l-serine> ?p ?o } UNION { ?s ?p ?o",
    "kg:l-serine } UNION { ?s ?p ?o }",
    '1" } UNION { ?s ?p ?o } #',
    "1 } UNION { ?s ?p ?o } #",
    "2022-01-01\n} UNION { ?s ?p ?o }",
    'any" || true || "',
    "<http://x> ?p ?o",
]


def _query(name: str) -> NamedQuery:
    return querylib.load_query(name)


def _run(store: EmbeddedStore, query: NamedQuery, params: dict[str, object]):  # type: ignore[no-untyped-def]
    return store.query(query.text, query.bind(params))


@pytest.mark.parametrize("name", NAMES)
def test_golden_answer(kg_store: EmbeddedStore, name: str) -> None:
    """The example of each query, on the packaged data, gives exactly the reviewed answer."""
    query = _query(name)
    path = golden_path(query)
    assert path.exists(), f"no golden answer {path.name}: run `{REGENERATE_COMMAND}` and review it"
    got = answer_text(_run(kg_store, query, dict(query.example)))
    expected = path.read_text(encoding="utf-8")
    assert comparable(query, got) == comparable(query, expected), (
        f"{name} differs from {path.name}; if the change is intended, "
        f"run `{REGENERATE_COMMAND}` and review the diff"
    )


@pytest.mark.parametrize("name", NAMES)
def test_golden_answers_are_not_empty(name: str) -> None:
    """An empty golden would pass against a broken query: each example must find something."""
    query = _query(name)
    text = golden_path(query).read_text(encoding="utf-8")
    if query.form == "graph":
        assert text.strip()
    else:
        rows = [json.dumps(b, sort_keys=True) for b in json.loads(text)["results"]["bindings"]]
        assert rows, f"{name}: the example returns no rows"
        assert len(set(rows)) == len(rows), f"{name}: repeated rows (a missing DISTINCT?)"


@pytest.mark.parametrize("name", NAMES)
def test_substitution_and_values_injection_agree(kg_store: EmbeddedStore, name: str) -> None:
    """The embedded store (SEP-0007) and the endpoint way (VALUES first in the top-level group)
    give the same rows, on the same pyoxigraph store."""
    query = _query(name)
    bindings = query.bind(dict(query.example))
    substituted = kg_store.query(query.text, bindings)
    injected = kg_store.query(inject_values(query.text, bindings))
    assert len(substituted) > 0
    if query.form == "graph":
        assert set(substituted.triples) == set(injected.triples)
    else:
        assert substituted.variables == injected.variables
        assert substituted.rows == injected.rows


@pytest.mark.parametrize("name", NAMES)
def test_defaults_agree_too(kg_store: EmbeddedStore, name: str) -> None:
    """Defaults ("no filter" values) behave the same both ways: the design of queries/README.md."""
    query = _query(name)
    params = {p.name: query.example[p.name] for p in query.params if p.required}
    bindings = query.bind(params)
    substituted = kg_store.query(query.text, bindings)
    injected = kg_store.query(inject_values(query.text, bindings))
    assert (substituted.rows, set(substituted.triples)) == (injected.rows, set(injected.triples))


@pytest.mark.parametrize("name", NAMES)
def test_inference_flag_tells_the_truth(
    kg_store: EmbeddedStore, asserted_store: EmbeddedStore, name: str
) -> None:
    """`inference: not required` means the asserted graph alone gives the same answer;
    `required` means it does not (so the flag warns endpoint users who load only serkg.ttl)."""
    query = _query(name)
    bindings = query.bind(dict(query.example))
    full = kg_store.query(query.text, bindings)
    asserted_only = asserted_store.query(query.text, bindings)
    same = (full.rows, set(full.triples)) == (asserted_only.rows, set(asserted_only.triples))
    assert same is not query.needs_inference


PARAMS = [(q.name, p.name) for q in QUERIES for p in q.params]


@pytest.mark.parametrize(("name", "param"), PARAMS, ids=[f"{n}:{p}" for n, p in PARAMS])
def test_injection_attempts_are_harmless(kg_store: EmbeddedStore, name: str, param: str) -> None:
    """Quotes, braces, UNION, newlines and # in any parameter: refused, or one inert literal."""
    query = _query(name)
    declared = query.parameter(param)
    base = dict(query.example)
    if declared.type == "string":
        base[param] = NO_MATCH
        reference = _strip_param(_run(kg_store, query, base), param)
        for attack in STRING_ATTACKS:
            bindings = query.bind({**base, param: attack})
            substituted = kg_store.query(query.text, bindings)
            injected = kg_store.query(inject_values(query.text, bindings))
            assert _strip_param(substituted, param) == reference
            assert _strip_param(injected, param) == reference
    else:
        for attack in TERM_ATTACKS:
            with pytest.raises(QueryParameterError) as info:
                query.bind({**base, param: attack})
            assert info.value.parameter == param and info.value.query == name


def _strip_param(answer, param: str):  # type: ignore[no-untyped-def]
    if answer.kind == "graph":
        return sorted(map(str, answer.triples))
    keep = [i for i, v in enumerate(answer.variables) if v != param]
    return [tuple(row[i] for i in keep) for row in answer.rows]


def test_label_search_injection_returns_nothing(kg_store: EmbeddedStore) -> None:
    """The issue's own example: the whole graph must not come back."""
    query = _query("label-search")
    attack = 'x" } UNION { ?s ?p ?o } #'
    assert len(_run(kg_store, query, {"text": attack})) == 0
    assert len(kg_store.query(inject_values(query.text, query.bind({"text": attack})))) == 0
    assert len(_run(kg_store, query, {"text": "serine"})) > 0


def test_string_parameters_match_case_insensitively(kg_store: EmbeddedStore) -> None:
    query = _query("label-search")
    lower = _run(kg_store, query, {"text": "l-serine"})
    upper = _run(kg_store, query, {"text": "L-SERINE"})
    assert _strip_param(lower, "text") == _strip_param(upper, "text")
    assert len(lower) > 0


def test_unknown_iri_gives_no_rows_not_an_error(kg_store: EmbeddedStore) -> None:
    query = _query("compound-profile")
    assert len(_run(kg_store, query, {"compound": "kg:no-such-compound"})) == 0


def test_status_filter_narrows(kg_store: EmbeddedStore) -> None:
    query = _query("trials-by-status")
    every = _run(kg_store, query, {})
    terminated = _run(kg_store, query, {"status": "Terminated"})
    status_column = every.variables.index("overallStatus")
    expected = [
        r
        for r in every.rows
        if r[status_column] == ox.NamedNode("https://w3id.org/serkg/vocab/Terminated")
    ]
    assert 0 < len(terminated) < len(every)
    assert [r[3:] for r in terminated.rows] == [r[3:] for r in expected]


def test_python_rows(kg_store: EmbeddedStore) -> None:
    answer = querylib.run_named_query(
        "compound-profile", {"compound": "kg:l-serine"}, store=kg_store
    )
    rows = answer.python_rows()
    cas = [r["value"] for r in rows if r["field"] == "https://w3id.org/serkg/vocab/casNumber"]
    assert cas == ["56-45-1"]
