"""Click's frame in Dutch: the usage line, the section titles, the help option, the metavars and every error
click itself reports ("Missing argument", "No such option", "'x' is not a valid integer", ...).

Click wraps its English in gettext but ships no Dutch catalogue, and installing one would change the process's
global gettext domain. So the frame is ours through click's supported hooks: a `HelpFormatter` (usage prefix,
headings, the help option's text and the `[default: ...]` notes) reached through a `Context` class set on every
command of the tree once (`nederlands`), Dutch metavars, and a root group whose `main` renders a
`click.ClickException` itself instead of letting click print it in English.

Invariants:
- `TEKSTEN` holds click's own English texts exactly as click passes them to gettext (its msgids), each with our
  Dutch; a test checks that every one is still a string in click's source and that click has no msgid in the
  modules we use that is neither here nor in `NIET_GEBRUIKT`, so a click upgrade that rewords or adds a text fails
  loudly instead of printing English.
- A usage error still ends with exit status 2 (click's `exit_code` of each exception is kept); `--help` with 0.
- A text click produced that no entry matches is shown as it is (a command's own Dutch `BadParameter` or
  `UsageError` passes through like that).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import click
from click.exceptions import NoArgsIsHelpError

# Click's msgids (verbatim) and our Dutch; a placeholder of the Dutch takes the value click put in the English,
# already quoted where click quoted it ({name!r}).
TEKSTEN: dict[str, str] = {
    # help pages
    "Usage:": "Gebruik:",
    "Options": "Opties",
    "Commands": "Opdrachten",
    "Positional arguments": "Argumenten",
    "Show this message and exit.": "Toon deze hulp en stop.",
    "default: {default}": "standaard: {default}",
    "required": "verplicht",
    "env var: {var}": "omgevingsvariabele: {var}",
    "(dynamic)": "(wisselend)",
    # how an error is shown
    "Error: {message}": "Fout: {message}",
    "Try '{command} {option}' for help.": "Zie '{command} {option}' voor hulp.",
    "Aborted!": "Afgebroken.",
    # the errors
    "Missing argument": "Ontbrekend argument",
    "Missing option": "Ontbrekende optie",
    "Missing parameter": "Ontbrekende parameter",
    "Missing {param_type}": "Ontbrekend(e) {param_type}",
    "Missing parameter: {param_name}": "Ontbrekende parameter: {param_name}",
    "Missing command.": "Ontbrekende opdracht.",
    "No such option {name!r}.": "Onbekende optie {name}.",
    "No such command {name!r}.": "Onbekende opdracht {name}.",
    "Did you mean {possibility}?": "Bedoelt u {possibility}?",
    "(Did you mean one of: {possibilities}?)": "(Bedoelt u een van: {possibilities}?)",
    "Got unexpected extra argument ({args})": "Onverwacht extra argument ({args})",
    "Got unexpected extra arguments ({args})": "Onverwachte extra argumenten ({args})",
    "Option {name!r} requires an argument.": "Optie {name} vraagt een waarde.",
    "Option {name!r} requires {nargs} arguments.": "Optie {name} vraagt {nargs} waarden.",
    "Option {name!r} does not take a value.": "Optie {name} neemt geen waarde.",
    "Argument {name!r} takes {nargs} values.": "Argument {name} neemt {nargs} waarden.",
    "Takes {nargs} values but 1 was given.": "Neemt {nargs} waarden, maar er is er 1 gegeven.",
    "Takes {nargs} values but {len} were given.": "Neemt {nargs} waarden, maar er zijn er {len} gegeven.",
    "Value must be an iterable.": "De waarde moet een reeks zijn.",
    "Invalid value for {param_hint}: {message}": "Ongeldige waarde voor {param_hint}: {message}",
    "Invalid value: {message}": "Ongeldige waarde: {message}",
    "{value!r} is not a valid {number_type}.": "{value} is geen geldig {number_type}.",
    "{value} is not in the range {range}.": "{value} ligt niet in het bereik {range}.",
    "{value!r} is not {choice}.": "{value} is niet {choice}.",
    "{value!r} is not one of {choices}.": "{value} is niet een van {choices}.",
    "Choose from:\n\t{choices}": "Kies uit:\n\t{choices}",
    "{value!r} does not match the format {format}.": "{value} past niet bij het formaat {format}.",
    "{value!r} does not match the formats {formats}.": "{value} past niet bij de formaten {formats}.",
    "{value!r} is not a valid boolean. Recognized values: {states}": "{value} is geen ja of nee; geldig: {states}",
    "{value!r} is not a valid UUID.": "{value} is geen geldige UUID.",
    "{len_type} values are required, but {len_value} was given.": "{len_type} waarden nodig, {len_value} gegeven.",
    "{len_type} values are required, but {len_value} were given.": "{len_type} waarden nodig, {len_value} gegeven.",
    "{name} {filename!r} does not exist.": "{name} {filename} bestaat niet.",
    "{name} {filename!r} is a file.": "{name} {filename} is een bestand.",
    "{name} {filename!r} is a directory.": "{name} {filename} is een map.",
    "{name} {filename!r} is not readable.": "{name} {filename} is niet leesbaar.",
    "{name} {filename!r} is not writable.": "{name} {filename} is niet schrijfbaar.",
    "{name} {filename!r} is not executable.": "{name} {filename} is niet uitvoerbaar.",
    "Could not open file {filename!r}: {message}": "Bestand {filename} kan niet geopend worden: {message}",
    "unknown error": "onbekende fout",
    "file": "bestand",
    "directory": "map",
    "path": "pad",
}

# Click's msgids in the modules it runs for us that no deelpoort command can reach, and why; with `TEKSTEN` they
# are every msgid of those modules (the test that guards an upgrade compares).
NIET_GEBRUIKT: dict[str, str] = {
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}": "no command is deprecated",
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}": "no parameter is deprecated",
    "deprecated": "no command or parameter is deprecated",
    "Name '{name}' defined twice": "a programming error, raised when the tree is built",
    "Arguments take exactly one parameter declaration, got {length}: {decls}.": "a programming error",
    "Invalid start character for option ({option})": "a programming error",
    "Boolean option {decl!r} cannot use the same flag for true/false.": "a programming error",
    "Could not determine name for option with declarations {decls!r}": "a programming error",
    "No options defined but a name was passed ({name}). Did you mean to declare an argument instead? Did you mean to "
    "pass '--{name}'?": "a programming error",
    "Do you want to continue?": "no command asks for confirmation",
    "Confirm the action without prompting.": "no command asks for confirmation",
    "%(prog)s, version %(version)s": "there is no --version option",
    "Show the version and exit.": "there is no --version option",
    "Choice({choices})": "a repr, never shown",
}

# The values click fills in that are words of its own: a type's name, a path's kind ("File" of "File 'x' does
# not exist.").
_WOORDEN: dict[str, dict[str, str]] = {
    "number_type": {
        "integer": "geheel getal",
        "integer range": "geheel getal",
        "float": "getal",
        "float range": "getal",
    },
    "name": {"File": "Bestand", "Directory": "Map", "Path": "Pad"},
}

# A type's metavar when the option names none (click shows the type's English name: TEXT, INTEGER, PATH...).
_METAVARS: dict[str, str] = {
    "text": "TEKST",
    "integer": "GETAL",
    "integer range": "GETAL",
    "float": "GETAL",
    "float range": "GETAL",
    "file": "BESTAND",
    "directory": "MAP",
    "path": "PAD",
    "filename": "BESTAND",
    "boolean": "JA|NEE",
    "uuid": "UUID",
}

# The msgids that are pieces of what `toon` and the formatter build themselves, never a whole message.
_BOUWSTENEN = frozenset(
    {
        "Usage:",
        "Options",
        "Commands",
        "Positional arguments",
        "Show this message and exit.",
        "default: {default}",
        "required",
        "env var: {var}",
        "(dynamic)",
        "Error: {message}",
        "Try '{command} {option}' for help.",
        "Aborted!",
        "Missing argument",
        "Missing option",
        "Missing parameter",
        "Missing {param_type}",
        "Did you mean {possibility}?",
        "(Did you mean one of: {possibilities}?)",
        "unknown error",
        "file",
        "directory",
        "path",
    }
)


def tekst(msgid: str, **waarden: object) -> str:
    """Our Dutch for click's `msgid`, its placeholders filled in (a KeyError for a msgid we do not know)."""
    return TEKSTEN[msgid].format(**waarden)


def _patroon(msgid: str) -> re.Pattern[str]:
    """A regular expression matching what click's `msgid` becomes once formatted, a group per placeholder."""
    delen = re.split(r"\{(\w+)(?:![rs])?\}", msgid)
    regex = "".join(re.escape(deel) if i % 2 == 0 else f"(?P<{deel}>.*?)" for i, deel in enumerate(delen))
    return re.compile(f"^{regex}$", re.DOTALL)


# A text that wraps another ("Invalid value for {param_hint}: {message}") first, else its inner text's pattern
# would match the whole, wrapper and all; then the most literal text first ("{value!r} is not one of {choices}."
# before "{value!r} is not {choice}.").
_PATRONEN: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (_patroon(msgid), dutch)
    for msgid, dutch in sorted(
        TEKSTEN.items(),
        key=lambda item: ("{message}" not in item[0], -len(re.sub(r"\{\w+(?:![rs])?\}", "", item[0]))),
    )
    if msgid not in _BOUWSTENEN
)


def vertaal(text: str) -> str:
    """Click's English `text` in Dutch; a text no msgid matches (a command's own Dutch message) as it is."""
    for patroon, dutch in _PATRONEN:
        found = patroon.match(text)
        if found is None:
            continue
        waarden = {
            name: vertaal(value) if name == "message" else _WOORDEN.get(name, {}).get(value, value)
            for name, value in found.groupdict().items()
        }
        return dutch.format(**waarden)
    return text


class Formatter(click.HelpFormatter):
    """Click's help layout with Dutch words: usage prefix, headings, the help option's text, the notes."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, f"{tekst('Usage:')} " if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(TEKSTEN.get(heading, heading) if heading in _BOUWSTENEN else heading)

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(term, _hulp(uitleg)) for term, uitleg in rows], col_max, col_spacing)


_NOTITIES = re.compile(r"^(?P<hulp>.*?)(?:  )?\[(?P<notities>[^\[\]]*)\]$", re.DOTALL)
_NOTITIE_PATRONEN = tuple(
    (_patroon(msgid), TEKSTEN[msgid]) for msgid in ("default: {default}", "env var: {var}", "required")
)


def _hulp(uitleg: str) -> str:
    """An option's help column: click's help option text and its `[default: ...; required]` notes in Dutch."""
    if uitleg == "Show this message and exit.":
        return tekst(uitleg)
    found = _NOTITIES.match(uitleg)
    if found is None:
        return uitleg
    notities = "; ".join(_notitie(n) for n in found["notities"].split("; "))
    return f"{found['hulp']}  [{notities}]" if found["hulp"] else f"[{notities}]"


def _notitie(notitie: str) -> str:
    for patroon, dutch in _NOTITIE_PATRONEN:
        found = patroon.match(notitie)
        if found is not None:
            return dutch.format(**found.groupdict())
    return notitie


class Context(click.Context):
    """Every deelpoort command's context: help pages through the Dutch `Formatter`."""

    formatter_class = Formatter


class Deelpoort(click.Group):
    """The root group: renders click's exceptions in Dutch itself (`main`), with click's exit statuses."""

    context_class = Context

    def invoke(self, ctx: click.Context) -> None:
        # The commands' return values mean nothing; `main` reads a returned integer as an exit status (ctx.exit).
        super().invoke(ctx)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        """Click's `main`, but a usage error or any other `ClickException` is shown in Dutch (`toon`); outside
        standalone mode (a caller that handles the exceptions itself) it is click's `main` unchanged."""
        if not standalone_mode:
            return super().main(
                args, prog_name, complete_var, standalone_mode=False, windows_expand_args=windows_expand_args, **extra
            )
        try:
            status = super().main(
                args, prog_name, complete_var, standalone_mode=False, windows_expand_args=windows_expand_args, **extra
            )
        except click.ClickException as exc:
            toon(exc)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo(tekst("Aborted!"), err=True)
            sys.exit(1)
        sys.exit(status if isinstance(status, int) else 0)


def toon(exc: click.ClickException) -> None:
    """Show `exc` on standard error as click would, in Dutch: for a usage error the usage line and where to find
    help first (a group called without a command: its help page)."""
    if isinstance(exc, NoArgsIsHelpError):
        click.echo(exc.ctx.get_help(), err=True, color=exc.ctx.color)
        return
    if isinstance(exc, click.UsageError) and exc.ctx is not None:
        ctx = exc.ctx
        hint = ""
        if ctx.command.get_help_option(ctx) is not None:
            option = max(ctx.command.get_help_option_names(ctx), key=len)
            hint = tekst("Try '{command} {option}' for help.", command=ctx.command_path, option=option) + "\n"
        click.echo(f"{ctx.get_usage()}\n{hint}", err=True, color=ctx.color)
    click.echo(tekst("Error: {message}", message=bericht(exc)), err=True)


def bericht(exc: click.ClickException) -> str:
    """The Dutch of `exc.format_message()`."""
    if isinstance(exc, click.MissingParameter):
        return _ontbrekend(exc)
    if isinstance(exc, (click.NoSuchOption, click.exceptions.NoSuchCommand)) and exc.possibilities:
        mogelijk = ", ".join(repr(p) for p in sorted(exc.possibilities))
        if len(exc.possibilities) == 1:
            return f"{vertaal(exc.message)} {tekst('Did you mean {possibility}?', possibility=mogelijk)}"
        return f"{vertaal(exc.message)} {tekst('(Did you mean one of: {possibilities}?)', possibilities=mogelijk)}"
    return vertaal(exc.format_message())


def _ontbrekend(exc: click.MissingParameter) -> str:
    """`MissingParameter.format_message` in Dutch: which argument or option is missing, and its choices."""
    hint: str | Sequence[str] | None = exc.param_hint
    if hint is None and exc.param is not None:
        hint = exc.param.get_error_hint(exc.ctx) if exc.ctx is not None else exc.param.name
    if hint is not None and not isinstance(hint, str):
        hint = " / ".join(repr(x) for x in hint)
    soort = exc.param_type or (exc.param.param_type_name if exc.param is not None else "parameter")
    missing = {
        "argument": tekst("Missing argument"),
        "option": tekst("Missing option"),
        "parameter": tekst("Missing parameter"),
    }.get(soort) or tekst("Missing {param_type}", param_type=soort)
    extra = [vertaal(exc.message)] if exc.message else []
    if exc.param is not None:
        keuzes = exc.param.type.get_missing_message(param=exc.param, ctx=exc.ctx)
        if keuzes:
            extra.append(vertaal(keuzes))
    return f"{missing}{f' {hint}' if hint else ''}." + "".join(f" {e}" for e in extra)


def nederlands(root: click.Group) -> None:
    """Give every command under `root` the Dutch frame: its context class, Dutch usage metavars, and a Dutch
    metavar for every option whose type would show its English name."""
    for command in _alle(root):
        command.context_class = Context
        command.options_metavar = "[OPTIES]"
        if isinstance(command, click.Group):
            command.subcommand_metavar = "OPDRACHT [ARGUMENTEN]..."
        for param in command.params:
            eigen = isinstance(param.type, (click.Choice, click.DateTime))  # "[a|b]", the formats: no words
            if isinstance(param, click.Option) and param.metavar is None and not param.is_flag and not eigen:
                param.metavar = _METAVARS.get(param.type.name, param.type.name.upper())


def _alle(command: click.Command) -> Iterator[click.Command]:
    yield command
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            yield from _alle(sub)
