"""Every command's --help: each flag says what it is for, and a default is shown once (the
formatter adds "(default: ...)"; a help text that ends in its own parenthesis would read as
two)."""

from __future__ import annotations

import argparse
import importlib
import re

import pytest

from acme_gen.__main__ import COMMANDS


class _Built(Exception):
    """Raised instead of parsing, carrying the command's parser."""


def _parser(module: str, monkeypatch: pytest.MonkeyPatch) -> argparse.ArgumentParser:
    def grab(self: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        raise _Built(self)

    monkeypatch.setattr(argparse.ArgumentParser, "parse_args", grab)
    monkeypatch.setattr(argparse.ArgumentParser, "parse_known_args", grab)
    with pytest.raises(_Built) as built:
        importlib.import_module(module).main([])
    parser = built.value.args[0]
    assert isinstance(parser, argparse.ArgumentParser)
    return parser


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_flag_has_help_and_one_default(command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    parser = _parser(COMMANDS[command][0], monkeypatch)
    flags = [a for a in parser._actions if a.option_strings and a.help != argparse.SUPPRESS]
    assert len(flags) > 1
    for action in flags:
        if "-h" in action.option_strings:
            continue
        text = action.help or ""
        assert text.strip(), f"{command} {action.option_strings[0]} has no help"
        shown = action.default not in (None, False, argparse.SUPPRESS) and "default" not in text
        assert not (shown and re.search(r"\([^)]*\)\s*$", text)), (
            f"{command} {action.option_strings[0]}: {text!r} then (default: {action.default})"
        )
