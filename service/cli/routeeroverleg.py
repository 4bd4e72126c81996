"""`deelpoort routeeroverleg`: the participants' client helpers (their shared key, their pseudonyms).

Both run on a participant's machine and never contact the service; persons are read from standard input,
never from the command line, and no message repeats an input line.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from service.cli.common import fail


@click.group()
def routeeroverleg() -> None:
    """Routeeroverleg client helpers: the shared key and the pseudonym (computed locally, never by the service)."""


@routeeroverleg.command("sleutel")
@click.argument("bestand", type=click.Path(dir_okay=False, exists=False))
def routeeroverleg_sleutel(bestand: str) -> None:
    """Write a new routeeroverleg key (64 hex characters) to BESTAND, mode 0600, for the participants to share."""
    from service.service_layer.routeeroverleg.deelnemer import nieuwe_sleutel

    path = Path(bestand)
    if path.exists():
        fail(f"{path} exists; a key is never overwritten (pseudonyms under it would stop matching)")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(nieuwe_sleutel().hex() + "\n")
    click.echo(f"routeeroverleg key written to {path}: share it with the participants only, never with Deelpoort")


@routeeroverleg.command("pseudoniem")
@click.option(
    "--sleutelbestand",
    required=True,
    type=click.Path(dir_okay=False, exists=True),
    help="file holding the participants' shared key as hex (at least 64 characters)",
)
@click.option(
    "--soort",
    type=click.Choice(["bsn", "naam"]),
    default="bsn",
    show_default=True,
    help="bsn: one BSN per line; naam: 'naam;YYYY-MM-DD' per line",
)
def routeeroverleg_pseudoniem(sleutelbestand: str, soort: str) -> None:
    """Read persons from standard input (never the command line) and print one pseudonym per line.

    Exit status 1 when a line cannot be used; the message names the line number, never its content.
    """
    from service.service_layer.routeeroverleg.deelnemer import SLEUTEL_MIN_BYTES, pseudoniem_van_regel

    try:
        sleutel = bytes.fromhex(Path(sleutelbestand).read_text(encoding="ascii").strip())
    except (ValueError, UnicodeDecodeError):
        sleutel = b""
    if len(sleutel) < SLEUTEL_MIN_BYTES:
        fail(f"the key file must hold a key of at least {SLEUTEL_MIN_BYTES} bytes as hex")
    failed = False
    for number, line in enumerate(sys.stdin, start=1):
        text = line.strip()
        if not text:
            continue
        try:
            click.echo(pseudoniem_van_regel(sleutel, soort, text))
        except ValueError:
            wanted = "BSN (nine digits)" if soort == "bsn" else "'naam;YYYY-MM-DD'"
            click.echo(f"deelpoort: line {number}: not a usable {wanted}", err=True)
            failed = True
    if failed:
        sys.exit(1)
