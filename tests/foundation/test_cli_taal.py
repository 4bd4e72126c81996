"""The `deelpoort` command line speaks Dutch, like the pages (issue 24.5): every command and option has a help
text, and none is English (no English function word in it). Click's own words ("Usage", "--help") are click's."""

from __future__ import annotations

import re
from collections.abc import Iterator

import click
import pytest

from service.cli import main

# Words English sentences are made of and Dutch ones are not (names such as "OpenID Connect" contain none).
ENGELS = re.compile(r"\b(the|and|with|from|without|every|which|only|into|when|are|its)\b", re.IGNORECASE)


def commands(command: click.Command, path: tuple[str, ...] = ("deelpoort",)) -> Iterator[tuple[str, click.Command]]:
    yield " ".join(path), command
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from commands(sub, (*path, name))


ALLE = list(commands(main))


def test_the_tree_holds_the_commands_translated_last() -> None:
    names = {name for name, _ in ALLE}
    assert {"deelpoort keys rotate", "deelpoort backup", "deelpoort restore", "deelpoort serve"} <= names


@pytest.mark.parametrize(("name", "command"), ALLE, ids=[name for name, _ in ALLE])
def test_help_texts_are_dutch(name: str, command: click.Command) -> None:
    assert command.help, f"{name} has no help text"
    unexplained = [p.opts[0] for p in command.params if isinstance(p, click.Option) and not p.help]
    assert not unexplained, f"{name}: options without a help text: {unexplained}"
    texts = [(name, command.help)] + [
        (f"{name} {p.opts[0]}", p.help) for p in command.params if isinstance(p, click.Option) and p.help
    ]
    english = [(where, text) for where, text in texts if ENGELS.search(text)]
    assert not english, english


def test_the_check_finds_english() -> None:
    """The pattern flags the help texts these commands had before (so the test above can fail)."""
    for text in ("Serve the API with gunicorn.", "the new file", "Restore a backup, re-apply every destruction"):
        assert ENGELS.search(text), text
