"""What a check finds: one SHACL result or one QC row, as a curator reads it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from serkg.checks.nodes import (
    shorten,
)

if TYPE_CHECKING:
    pass


@dataclass
class Violation:
    """One SHACL result, with what a curator needs to find and fix it."""

    focus: str
    focus_curie: str
    focus_label: str | None
    path: str | None
    path_curie: str | None
    value: str | None
    component: str
    severity: str
    source_shape: str
    message: str
    file: str | None = None
    line: int | None = None

    def where(self) -> str:
        """'FILE, stated near line N' or 'FILE' or '' when the origin is unknown."""
        if self.file is None:
            return ""
        return f"{self.file}, stated near line {self.line}" if self.line else self.file

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class QcViolation:
    """One row of a QC query that must return nothing."""

    check: str
    entity: str
    property: str
    value: str

    def __str__(self) -> str:
        return (
            f"{self.check}: {shorten(self.entity)} {shorten(self.property)} {shorten(self.value)}"
        )

    def to_dict(self) -> dict[str, str]:
        return asdict(self)
