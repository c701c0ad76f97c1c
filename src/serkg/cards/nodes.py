"""Reading a card's YAML as nodes that remember their line, so every error names file:line."""

from __future__ import annotations

from pathlib import Path

import yaml

from serkg.cards.errors import CardError

Node = yaml.Node
STR_TAG = "tag:yaml.org,2002:str"
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
BOOL_TAG = "tag:yaml.org,2002:bool"
NULL_TAG = "tag:yaml.org,2002:null"


def line_of(node: Node) -> int:
    """The 1-based line where NODE starts."""
    return int(node.start_mark.line) + 1


def read_nodes(path: Path) -> Node:
    """The card's node tree; a syntax error, an empty file or a repeated key is a CardError."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CardError(f"cannot read: {exc}") from exc
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = int(mark.line) + 1 if mark is not None else None
        problem = exc.problem or "not valid YAML"
        raise CardError(f"YAML syntax error: {problem}", line) from exc
    except yaml.YAMLError as exc:
        raise CardError(f"YAML syntax error: {exc}") from exc
    if root is None:
        raise CardError("the card is empty; it needs at least 'compound:'", 1)
    _refuse_repeated_keys(root, "")
    return root


def _refuse_repeated_keys(node: Node, path: str) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = str(key.value)
            where = f"{path}.{name}" if path else name
            if name in seen:
                raise CardError("is given twice in the same block", line_of(key), where)
            seen.add(name)
            _refuse_repeated_keys(value, where)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _refuse_repeated_keys(item, f"{path}[{index}]")


def describe(node: Node) -> str:
    """What a YAML value is, for 'expected X, got Y' messages."""
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    kinds = {
        INT_TAG: "a number",
        FLOAT_TAG: "a number",
        BOOL_TAG: "true/false",
        NULL_TAG: "nothing",
    }
    if node.tag in kinds:
        return f"{kinds[node.tag]} ({node.value!r})" if node.tag != NULL_TAG else "nothing"
    return f"text ({node.value!r})"
