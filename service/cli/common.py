"""What every `deelpoort` command shares: reading the settings, the services for one command, and ending on a
configuration problem with a clear message.

Invariants:
- A configuration problem (settings, convenant files, key material, policy files; see
  `service_layer.installatie.configuratiefout`) ends the command with "deelpoort: <message>" on standard error
  and exit status 2, never a traceback; any other error is a fault and propagates unchanged.
- The database engine of a command's services is disposed when the command ends, whatever happened.
- Progress (`voortgang`) goes to standard error and only when that is a terminal: piped or logged output holds
  the results alone.
- A command acting as a beheerder (`als_beheerder`) reads its bearer token from a file, so the token is in
  neither the shell history nor the process list; a refusal of the service layer ends with
  "deelpoort: <reason>" and exit status 1, nothing changed.
- What the commands print for a person speaks Dutch, in the words of the pages (logboek, record, checkpoint,
  getuige, beheerder, ...): a service-layer message is passed on in the Dutch of `service.meldingen` (the table
  the pages read too), never in its English; machine-readable output (JSON) is never translated.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from service.domain.casus import Gebruiker
from service.domain.errors import DeelpoortError
from service.domain.identiteit import Weigering
from service.meldingen.configuratie import configuratie
from service.meldingen.opdrachten import fout
from service.service_layer.installatie import configuratiefout
from service.service_layer.services import Services
from service.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str) -> NoReturn:
    """End the command: the (Dutch) message on standard error, exit status 2."""
    click.echo(f"deelpoort: {message}", err=True)
    sys.exit(2)


def clear_errors(command: F) -> F:
    """Turn a configuration problem raised by `command` into `fail` with its message in Dutch."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except Exception as exc:
            message = configuratiefout(exc)
            if message is None:
                raise
            fail(configuratie(message))

    return wrapper  # type: ignore[return-value]


def settings() -> Settings:
    """The settings from the environment, read when a command runs (never at import)."""
    return Settings.from_env()


@contextmanager
def services_for(settings: Settings) -> Iterator[Services]:
    """The services for one command; the database engine is disposed when the command ends."""
    from service.bootstrap import build_services

    services = build_services(settings)
    try:
        yield services
    finally:
        services.engine.dispose()


@contextmanager
def voortgang(lengte: int, label: str) -> Iterator[Iterator[None]]:
    """A progress bar of `lengte` steps on standard error when it is a terminal, else nothing; yields the iterator
    a use case advances once per step (`voortgang=` of `retention_run`, `integriteit.controleer`)."""
    if lengte <= 0 or not sys.stderr.isatty():
        yield iter(lambda: None, 0)  # advancing it does nothing, forever
        return
    with click.progressbar(length=lengte, label=label, file=sys.stderr) as bar:

        def stappen() -> Iterator[None]:
            while True:
                bar.update(1)
                yield None

        yield stappen()


# Why a token file's token is refused, as the command says it.
_WEIGERINGEN = {
    Weigering.ONGELDIG: "het token is ongeldig",
    Weigering.VERLOPEN: "het token is verlopen",
    Weigering.INGETROKKEN: "het token is ingetrokken",
}


def weiger(message: str) -> NoReturn:
    """End the command refused by the service layer: the message on standard error, exit status 1."""
    click.echo(f"deelpoort: {message}", err=True)
    sys.exit(1)


@contextmanager
def als_beheerder(token_bestand: Path | None) -> Iterator[tuple[Services, Gebruiker | None]]:
    """The services and the gebruiker whose bearer token is in `token_bestand` (None: nobody, for bootstrap); a
    refused token, or a refusal of the service layer in the block, ends the command with exit status 1."""
    from service.service_layer.identiteit.authentication import controleer

    with services_for(settings()) as services:
        door = None
        if token_bestand is not None:
            uitslag = controleer(services.uow(), token_bestand.read_text(encoding="ascii", errors="replace").strip())
            if uitslag.gebruiker is None:
                reden = _WEIGERINGEN[uitslag.weigering or Weigering.ONGELDIG]
                if uitslag.retry_after:
                    reden = f"te veel mislukte pogingen; probeer het over {uitslag.retry_after} s opnieuw"
                weiger(f"het token in --token-bestand wordt geweigerd: {reden}")
            door = uitslag.gebruiker
        try:
            yield services, door
        except DeelpoortError as exc:
            weiger(fout(exc))


def export(
    settings: Settings,
    target: Path,
    exporteer: Callable[[Services, Path], tuple[str, list[str], list[str]]],
    geen: type[Exception],
    woorden: tuple[str, str, str],
) -> None:
    """Write what is in force from the database to `target` and say what was written and removed (the policy and
    convenant exports); `geen` is the error of there being nothing in force."""
    soort, vast, welke = woorden
    with services_for(settings) as services:
        try:
            versie, written, removed = exporteer(services, target)
        except geen as exc:
            fail(fout(exc) if isinstance(exc, DeelpoortError) else str(exc))
    click.echo(f"{soort} {versie} geschreven naar {target}/: {vast}{', '.join(written)}")
    if removed:
        click.echo(f"verwijderd (niet in {welke}): {', '.join(removed)}")
