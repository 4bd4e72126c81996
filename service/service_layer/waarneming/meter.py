"""The port through which the service layer and the entry points count what happens (`Meter`), and the meter
that counts nothing (`GeenMeter`, for commands and use cases run without a server).

The one implementation that counts is `service.adapters.metingen.PrometheusMeter`, chosen by the composition
root (`create_app`); nothing else imports `prometheus_client`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

# The scrape-time reading of the log (`gereedheid.checkpointstand`): (seconds since the newest checkpoint or
# None without one, records after it). Computed when /metrics is read, so it is right whichever process signed.
Checkpointstand = tuple[float | None, int]


class Meter(Protocol):
    """What is counted. Every argument is a code, a count or a duration (see the package invariants)."""

    def verzoek(self, route: str, methode: str, status: int, seconden: float) -> None:
        """A request answered: its route template (never the path), method, status and duration."""

    def weigering(self, soort: str, reden: str) -> None:
        """A logged refusal (`Weigering` code) of a verstrekking or aanlevering (`soort`)."""

    def logbatch(self, records: int, seconden: float) -> None:
        """A batch of the verstrekking log committed: how many records, how long the transaction took."""

    def logfout(self) -> None:
        """A batch of the verstrekking log failed (every request in it got 503)."""

    def checkpoint(self) -> None:
        """A checkpoint was signed by this process."""

    def dek(self, geraakt: bool) -> None:
        """A data key was asked of the cache: found (`geraakt`) or unwrapped."""

    def tokenfout(self, reden: str) -> None:
        """A bearer token was refused, with its reason code (`authentication.Tokenfout`)."""

    def blootstelling(self, stand: Callable[[], Checkpointstand | None]) -> tuple[bytes, str]:
        """The text exposition of everything counted (all workers of a server), with `stand` read now: the body
        and its content type."""


class GeenMeter:
    """Counts nothing (commands, tests of use cases); its exposition is empty."""

    def verzoek(self, route: str, methode: str, status: int, seconden: float) -> None:
        pass

    def weigering(self, soort: str, reden: str) -> None:
        pass

    def logbatch(self, records: int, seconden: float) -> None:
        pass

    def logfout(self) -> None:
        pass

    def checkpoint(self) -> None:
        pass

    def dek(self, geraakt: bool) -> None:
        pass

    def tokenfout(self, reden: str) -> None:
        pass

    def blootstelling(self, stand: Callable[[], Checkpointstand | None]) -> tuple[bytes, str]:
        return b"", "text/plain; version=0.0.4; charset=utf-8"
