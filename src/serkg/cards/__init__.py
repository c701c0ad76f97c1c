"""Curation cards: YAML files a curator fills in without writing RDF, compiled to claim bundles.

See docs/curating.md. The loader (:mod:`serkg.loading`) compiles every ``.yaml`` data file with
:func:`compile_card`; :func:`card_schema` is the JSON Schema editors check cards against.
"""

from __future__ import annotations

from serkg.cards.compile import compile_card
from serkg.cards.errors import CardError
from serkg.cards.schema import card_schema, card_schema_text

CARD_SUFFIXES = (".yaml", ".yml")

__all__ = ["CARD_SUFFIXES", "CardError", "card_schema", "card_schema_text", "compile_card"]
