"""Domain errors: what a use case refuses with, in domain words. How an entry point answers each (an HTTP
status) is not the domain's concern: see `service.http_status`.

Messages name fields, rules and ids, never a value about a person.
"""

from __future__ import annotations

from collections.abc import Sequence


class DeelpoortError(Exception):
    """Base of the errors a use case raises on purpose."""


class OngeldigeInvoerError(DeelpoortError):
    """The input is invalid; `problemen` lists every (name, reason) at once (answered as 400)."""

    def __init__(self, problemen: Sequence[tuple[str, str]]) -> None:
        self.problemen = tuple(problemen)
        super().__init__("; ".join(f"{n}: {r}" for n, r in self.problemen))


class NietGevondenError(DeelpoortError):
    """Not found, or not visible to this partner (answered as 404: existence is not revealed)."""


class NietToegestaanError(DeelpoortError):
    """The caller is known but may not do this (answered as 403 with the reason)."""


class ConflictError(DeelpoortError):
    """The action does not fit the current state (answered as 409)."""


class OngeldigeOvergangError(ConflictError):
    """A lifecycle action the casus's current fase does not allow (409, naming the transitions that are allowed
    and the triage besluiten the fase accepts)."""

    def __init__(self, fase: str, toegestaan: Sequence[str], besluiten: Sequence[str] = ()) -> None:
        self.fase = fase
        self.toegestaan = tuple(toegestaan)
        self.besluiten = tuple(besluiten)
        allowed = ", ".join(self.toegestaan) or "none (the fase is final)"
        accepted = ", ".join(self.besluiten) or "none"
        super().__init__(
            f"not allowed in fase '{fase}'; allowed transitions: {allowed}; besluiten accepted: {accepted}"
        )


class CasusVernietigdError(DeelpoortError):
    """The casus's data key was destroyed: its field values are gone for good (answered as 410)."""


class NietBeschikbaarError(DeelpoortError):
    """A part the answer depends on is unavailable; nothing was disclosed (answered as 503)."""


class GeenBeleidError(NietBeschikbaarError):
    """There is no usable active field policy: nothing is shared."""


class DatabaseNietBeschikbaarError(NietBeschikbaarError):
    """The database could not do its part (connection lost, refused or terminated; read-only, locked beyond the
    busy timeout, full, a disk error; no free connection): nothing was disclosed, a transaction that did not
    commit changed nothing, and a later attempt may succeed. Never carries the database's own message."""


class LogNietBeschikbaarError(NietBeschikbaarError):
    """The verstrekking log could not record durably: the request fails closed, nothing is disclosed."""
