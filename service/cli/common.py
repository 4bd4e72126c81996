"""What every `deelpoort` command shares: reading the settings, the services for one command, and ending on a
configuration problem with a clear message.

Invariants:
- A configuration problem (settings, convenant files, key material, policy files; see
  `service_layer.installatie.configuratiefout`) ends the command with "deelpoort: <message>" on standard error
  and exit status 2, never a traceback; any other error is a fault and propagates unchanged.
- The database engine of a command's services is disposed when the command ends, whatever happened.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from service.service_layer.installatie import configuratiefout
from service.service_layer.services import Services
from service.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str) -> NoReturn:
    """End the command: the message on standard error, exit status 2."""
    click.echo(f"deelpoort: {message}", err=True)
    sys.exit(2)


def clear_errors(command: F) -> F:
    """Turn a configuration problem raised by `command` into `fail` with its message."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except Exception as exc:
            message = configuratiefout(exc)
            if message is None:
                raise
            fail(message)

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
            fail(str(exc))
    click.echo(f"{soort} {versie} written to {target}/: {vast}{', '.join(written)}")
    if removed:
        click.echo(f"removed (not in {welke}): {', '.join(removed)}")
