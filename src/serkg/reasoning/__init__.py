"""OWL 2 RL inference: run a reasoner, keep only new meaningful triples, stop on inconsistency.

Two engines sit behind :func:`infer`. ``owlrl`` is the reference (pure Python, complete for the
OWL 2 RL rules we use, but superlinear: minutes at 100k triples). ``reasonable`` (Rust) is about
50x faster but lacks two rules, ``prp-spo2`` (``owl:propertyChainAxiom``) and ``prp-key``
(``owl:hasKey``); we apply those two here and run it again until nothing changes. Both engines go
through the same filters and the same consistency checks, so their outputs can be compared
triple for triple (tests/test_reasoning.py does). See docs/reasoning.md.

The package's interface is re-exported here; each concern has its module: :mod:`.inference`
(orchestration), :mod:`.owlrl_engine` and :mod:`.reasonable_engine` (the two backends),
:mod:`.rules` (the rules ``reasonable`` lacks), :mod:`.claims` (claims reasoned over once),
:mod:`.trivia` (filters), :mod:`.consistency` (clashes), :mod:`.kinds` (counts by axiom kind),
:mod:`.ontology` and :mod:`.index` (lookups), :mod:`.incremental` (reasoning again over
only what a change reaches), :mod:`.results` (result types) and
:mod:`.vocabulary` (the OWL terms).
"""

from serkg.reasoning.claims import claims_reasoned_once
from serkg.reasoning.consistency import check_consistency
from serkg.reasoning.incremental import ReasoningChange, infer_change
from serkg.reasoning.index import TripleIndex
from serkg.reasoning.inference import DEFAULT_ENGINE, ENGINES, BackgroundInference, infer
from serkg.reasoning.kinds import KINDS, classify_kind
from serkg.reasoning.ontology import Ontology
from serkg.reasoning.results import InconsistencyError, Inference
from serkg.reasoning.rules import supplementary_rules
from serkg.reasoning.trivia import FILTERS, trivia_filter

__all__ = [
    "DEFAULT_ENGINE",
    "ENGINES",
    "FILTERS",
    "KINDS",
    "BackgroundInference",
    "InconsistencyError",
    "Inference",
    "Ontology",
    "ReasoningChange",
    "TripleIndex",
    "check_consistency",
    "claims_reasoned_once",
    "classify_kind",
    "infer",
    "infer_change",
    "supplementary_rules",
    "trivia_filter",
]
