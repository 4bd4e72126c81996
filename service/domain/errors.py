"""Domain errors, and the one table of the HTTP status each is answered with (`HTTP_STATUS`): the API's
problem+json (`service/api/errors.py`) and the pages (`service/web/beheermeldingen.py`) both read it.

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
    """A lifecycle action the casus's current fase does not allow (409, naming the transitions that are allowed)."""

    def __init__(self, fase: str, toegestaan: Sequence[str]) -> None:
        self.fase = fase
        self.toegestaan = tuple(toegestaan)
        allowed = ", ".join(self.toegestaan) or "none (the fase is final)"
        super().__init__(f"not allowed in fase '{fase}'; allowed transitions: {allowed}")


class CasusVernietigdError(DeelpoortError):
    """The casus's data key was destroyed: its field values are gone for good (answered as 410)."""


class NietBeschikbaarError(DeelpoortError):
    """A part the answer depends on is unavailable; nothing was disclosed (answered as 503)."""


class GeenBeleidError(NietBeschikbaarError):
    """There is no usable active field policy: nothing is shared."""


class LogNietBeschikbaarError(NietBeschikbaarError):
    """The verstrekking log could not record durably: the request fails closed, nothing is disclosed."""


# No listed class derives from another listed one, so the order does not matter; a subclass (GeenBeleidError,
# OngeldigeOvergangError, ...) is answered with its base's status.
HTTP_STATUS: tuple[tuple[type[DeelpoortError], int], ...] = (
    (OngeldigeInvoerError, 400),
    (NietToegestaanError, 403),
    (NietGevondenError, 404),
    (ConflictError, 409),
    (CasusVernietigdError, 410),
    (NietBeschikbaarError, 503),
)


def http_status(error: DeelpoortError) -> int | None:
    """The status `error` is answered with, or None for a DeelpoortError the table does not list."""
    return next((status for kind, status in HTTP_STATUS if isinstance(error, kind)), None)
