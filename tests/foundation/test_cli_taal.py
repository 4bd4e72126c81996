"""The `deelpoort` command line speaks Dutch, like the pages (issue 24.5): every command and option has a help
text, and none is English (no English function word in it). Click's own frame and the commands' failures are
checked in `test_cli_taal_fouten.py` with the same pattern."""

from __future__ import annotations

import re
from collections.abc import Iterator

import click
import pytest

from service.cli import main

# Words English sentences are made of and Dutch ones are not (names such as "OpenID Connect" contain none), and
# the words of click's English frame and of the service layer's messages ("Usage", "Missing", "no such casus").
# Not "of", "is", "in", "was" or "help": Dutch words too, or part of a path ("pytest-of-root") or "--help".
ENGELS = re.compile(
    r"\b(the|and|with|from|without|every|which|only|into|when|are|its|usage|options|commands|error|missing|"
    r"invalid|try|such|no|not|does|exist|this|message|show|default|required|choose|valid|integer|cannot|must|"
    r"for|has|were|holds|needs|refuses|already|unknown|found|given|set up|mean|expected|empty|value|values)\b",
    re.IGNORECASE,
)


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


# What the commands printed before click's frame and the service layer's messages spoke Dutch (issue 24.5).
ENGELS_VAN_VROEGER = [
    "Usage: deelpoort policy diff [OPTIONS] OLD NEW",
    "Try 'deelpoort policy diff --help' for help.",
    "Error: Missing argument 'OLD'.",
    "Error: No such option: --onbekend",
    "Error: Invalid value for '--port': 'acht' is not a valid integer.",
    "Error: Invalid value for '--regime': 'x' is not one of 'regulier', 'cter'.",
    "Error: Invalid value for 'BESTAND': File '/x' does not exist.",
    "Options:\n  --help  Show this message and exit.",
    "--port INTEGER  de poort  [default: 8000]",
    "deelpoort: production needs key material: set DEELPOORT_KEYS_FILE (a secrets file) or DEELPOORT_KEYS_JSON",
    "  - index 5: stored leaf hash does not match the record",
    "deelpoort: the field policy is invalid (1 problem(s))",
    "  - beleid/zvh.csv:1: unknown rol 'stagiair'",
    "  regel 1  (de regel)  not valid JSON",
    "deelpoort: only a beheerder may import",
    "deelpoort: /tmp/x holds no manifest.json: not a Deelpoort backup",
    "deelpoort: vernietiging.casus: no such casus",
]


@pytest.mark.parametrize("text", ENGELS_VAN_VROEGER)
def test_the_pattern_flags_the_english_the_commands_printed(text: str) -> None:
    assert ENGELS.search(text), text
