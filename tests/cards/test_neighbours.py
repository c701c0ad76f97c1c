"""D-serine and glycine come from cards (data/cards/): the same facts, claims and answers as
when they were written in TriG, and the packaged data still validates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from serkg import resources
from serkg.store import EmbeddedStore
from tests.cards.neighbour_answers import (
    COMPOUNDS,
    answer_rows,
    compound_queries,
    golden_file,
    params_for,
)
from tests.cards.neighbours import FIXTURE, neighbour_lines

CARDS = [resources.asset_root() / "data" / "cards" / f"{name}.yaml" for name in COMPOUNDS]


def test_the_cards_are_packaged_data_files() -> None:
    assert set(CARDS) <= set(resources.data_files())


def test_the_cards_give_the_facts_and_claims_the_trig_gave() -> None:
    """Graph comparison, claims and their sources included (the fixture is N-Triples without
    blank nodes, so equal line sets are isomorphic graphs)."""
    before = FIXTURE.read_text(encoding="utf-8").splitlines()
    now = neighbour_lines()
    assert [line for line in before if line not in now] == []
    assert [line for line in now if line not in before] == []


def test_no_trig_file_mentions_what_the_cards_now_hold() -> None:
    """The moved bundles live in one place: no TriG file still states a D-serine or glycine fact
    as its subject."""
    for path in resources.data_files():
        if path.suffix == ".trig":
            text = path.read_text(encoding="utf-8")
            assert "    kg:d-serine " not in text and "    kg:glycine " not in text, path


CASES = [(q.name, c) for q in compound_queries() for c in COMPOUNDS]


@pytest.mark.parametrize(("name", "compound"), CASES)
def test_named_queries_answer_as_before(
    built_store: EmbeddedStore, name: str, compound: str
) -> None:
    query = next(q for q in compound_queries() if q.name == name)
    answer = built_store.query(query.text, query.bind(params_for(query, compound)))
    expected = json.loads(golden_file(query, compound).read_text(encoding="utf-8"))
    assert json.loads(json.dumps(answer_rows(answer))) == expected


def test_compound_comparison_compares_l_and_d_serine(built_store: EmbeddedStore) -> None:
    query = next(q for q in compound_queries() if q.name == "compound-comparison")
    answer = built_store.query(query.text, query.bind(dict(query.example)))
    rows = json.loads(answer.serialize("json"))["results"]["bindings"]
    same = {r["field"]["value"].rsplit("/", 1)[1]: r["same"]["value"] for r in rows if "same" in r}
    assert same["molecularFormula"] == "true" and same["averageMass"] == "true"
    assert same["inchiKey"] == "false" and same["smiles"] == "false"


@pytest.mark.parametrize("card", CARDS, ids=COMPOUNDS)
def test_the_cards_validate_with_no_qc_rows(card: Path) -> None:
    from serkg.checks.validate import validate_files

    outcome, qc_rows = validate_files([card])
    assert (outcome.conforms, outcome.violations, qc_rows) == (True, [], [])
