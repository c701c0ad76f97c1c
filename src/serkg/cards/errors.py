"""The one error a card can raise: where (line, field path) and what."""

from __future__ import annotations


class CardError(ValueError):
    """A card cannot be compiled. ``line`` is 1-based; ``field`` is the path (``trials[0].phase``).

    :mod:`serkg.loading` turns it into an input error naming the file (exit code 2).
    """

    def __init__(self, message: str, line: int | None = None, field: str = "") -> None:
        self.line = line
        self.field = field
        self.reason = f"{field}: {message}" if field else message
        super().__init__(self.reason)
