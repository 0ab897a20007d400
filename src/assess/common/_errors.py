"""Exceptions of ``assess``: one base class, small subclasses that carry the facts.

Input problems (:class:`assess.intake._problems.Problem`, ``InputError``) live with the intake."""

from __future__ import annotations

__all__ = ["AssessError", "OptionError", "SchemeError"]


class AssessError(Exception):
    """Base of every error ``assess`` raises on purpose (bad input, bad scheme)."""


class SchemeError(AssessError):
    """The scheme file is invalid; ``lines`` names each bad key, value and fix."""

    def __init__(self, source: str, lines: list[str]) -> None:
        self.source = source
        self.lines = lines
        super().__init__(f"invalid scheme {source}:\n" + "\n".join(f"  - {line}" for line in lines))


class OptionError(AssessError):
    """An option or setting does not fit the data or the outputs (a date outside the year,
    an output that would replace an input); nothing was written. ``lines`` lists each."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        super().__init__("\n".join(lines) + "\nNothing was written.")
