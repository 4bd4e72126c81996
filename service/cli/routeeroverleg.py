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
    """Hulpmiddelen voor de deelnemers aan het routeeroverleg: de gedeelde sleutel en het pseudoniem (op de eigen
    computer berekend, nooit door Deelpoort)."""


@routeeroverleg.command("sleutel")
@click.argument("bestand", type=click.Path(dir_okay=False, exists=False))
def routeeroverleg_sleutel(bestand: str) -> None:
    """Schrijf een nieuwe routeeroverlegsleutel (64 hexadecimale tekens) naar BESTAND, mode 0600, om met de
    deelnemers te delen."""
    from service.service_layer.routeeroverleg.deelnemer import nieuwe_sleutel

    path = Path(bestand)
    if path.exists():
        fail(f"{path} bestaat al; een sleutel wordt nooit overschreven (pseudoniemen eronder zouden niet meer matchen)")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(nieuwe_sleutel().hex() + "\n")
    click.echo(f"routeeroverlegsleutel geschreven naar {path}: deel hem alleen met de deelnemers, nooit met Deelpoort")


@routeeroverleg.command("pseudoniem")
@click.option(
    "--sleutelbestand",
    required=True,
    type=click.Path(dir_okay=False, exists=True),
    help="bestand met de gedeelde sleutel van de deelnemers als hex (minstens 64 tekens)",
)
@click.option(
    "--soort",
    type=click.Choice(["bsn", "naam"]),
    default="bsn",
    show_default=True,
    help="bsn: één BSN per regel; naam: 'naam;JJJJ-MM-DD' per regel",
)
def routeeroverleg_pseudoniem(sleutelbestand: str, soort: str) -> None:
    """Lees personen van standaardinvoer (nooit van de opdrachtregel) en toon één pseudoniem per regel.

    Exitcode 1 als een regel niet bruikbaar is; de melding noemt het regelnummer, nooit de inhoud.
    """
    from service.service_layer.routeeroverleg.deelnemer import SLEUTEL_MIN_BYTES, pseudoniem_van_regel

    try:
        sleutel = bytes.fromhex(Path(sleutelbestand).read_text(encoding="ascii").strip())
    except (ValueError, UnicodeDecodeError):
        sleutel = b""
    if len(sleutel) < SLEUTEL_MIN_BYTES:
        fail(f"het sleutelbestand moet een sleutel van minstens {SLEUTEL_MIN_BYTES} bytes als hex bevatten")
    failed = False
    for number, line in enumerate(sys.stdin, start=1):
        text = line.strip()
        if not text:
            continue
        try:
            click.echo(pseudoniem_van_regel(sleutel, soort, text))
        except ValueError:
            wanted = "geen bruikbaar BSN (negen cijfers)" if soort == "bsn" else "niet in de vorm 'naam;JJJJ-MM-DD'"
            click.echo(f"deelpoort: regel {number}: {wanted}", err=True)
            failed = True
    if failed:
        sys.exit(1)
