"""What must hold whatever the input, checked where it is made: a broken one is a bug in
acme_gen, raised as InvariantError (named, and not stripped by `python -O` as assert is)."""

from __future__ import annotations


class InvariantError(RuntimeError):
    """Something acme_gen guarantees did not hold: a bug, never bad input."""


def check(condition: bool, message: str) -> None:
    if not condition:
        raise InvariantError(message)
