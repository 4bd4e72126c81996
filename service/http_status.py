"""The one table from domain errors to the HTTP status each is answered with.

Read by both HTTP entry points, the API's problem+json handlers (`service/api/errors.py`) and the pages
(`status_van`), so a refusal gets the same status on both; the domain knows no HTTP.
"""

from __future__ import annotations

from service.domain.errors import (
    CasusVernietigdError,
    ConflictError,
    DeelpoortError,
    NietBeschikbaarError,
    NietGevondenError,
    NietToegestaanError,
    OngeldigeInvoerError,
)

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


# Seconds a client is asked to wait before retrying a 503 (`Retry-After`): a lost connection is replaced at once,
# a locked database frees within its busy timeout, and a retry storm would only lengthen the fault.
RETRY_AFTER_SECONDS = 5


def retry_after(error: DeelpoortError) -> int | None:
    """The `Retry-After` seconds of the answer to `error`: every 503 (a part unavailable) has one, nothing else."""
    return RETRY_AFTER_SECONDS if http_status(error) == 503 else None


def http_status(error: DeelpoortError) -> int | None:
    """The status `error` is answered with, or None for a DeelpoortError the table does not list."""
    return next((status for kind, status in HTTP_STATUS if isinstance(error, kind)), None)


def status_van(error: DeelpoortError) -> int:
    """The status a page answers `error` with: the API's; 409 for a DeelpoortError the table does not list."""
    return http_status(error) or 409
