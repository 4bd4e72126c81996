"""The log's witnesses over HTTP (C2SP tlog-witness): submitting a checkpoint (`add-checkpoint`) and reading the
latest checkpoint a witness cosigned for this log (`GET /checkpoint?origin=`, Deelpoort's monitoring endpoint,
see `docs/getuige.md`). Nothing is decided here: the caller verifies every answer.

Invariants:
- Every request has a timeout, follows no redirect and reads at most `MAX_ANTWOORD` bytes; a network failure or
  an oversized answer is `GetuigeOnbereikbaarError` with a short reason (never a body).
- HTTP keep-alive: one `requests.Session` per process and thread pool (C2SP: clients SHOULD keep connections).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from urllib.parse import urlencode

import requests

MAX_ANTWOORD = 128 * 1024


class GetuigeOnbereikbaarError(RuntimeError):
    """The witness could not be reached or gave no usable answer."""


@dataclass(frozen=True, slots=True)
class Antwoord:
    """A witness's answer: HTTP status, its media type (without parameters) and its body as text."""

    status: int
    media_type: str
    tekst: str


class HttpGetuigen:
    """Talks to witnesses; thread-safe (one session per thread)."""

    def __init__(self, timeout: float = 5.0) -> None:
        self._timeout = timeout
        self._local = threading.local()

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    def add_checkpoint(self, url: str, body: bytes) -> Antwoord:
        """POST `body` to `<url>/add-checkpoint`."""
        return self._request("POST", f"{url}/add-checkpoint", body)

    def checkpoint(self, url: str, origin: str) -> Antwoord:
        """GET the latest checkpoint the witness at `url` cosigned for the log `origin`."""
        return self._request("GET", f"{url}/checkpoint?{urlencode({'origin': origin})}", None)

    def _request(self, method: str, url: str, body: bytes | None) -> Antwoord:
        try:
            with self._session().request(
                method,
                url,
                data=body,
                timeout=self._timeout,
                stream=True,
                allow_redirects=False,
                headers={"Content-Type": "text/plain; charset=utf-8"} if body is not None else {},
            ) as response:
                data = response.raw.read(MAX_ANTWOORD + 1, decode_content=True)
                status, media = response.status_code, response.headers.get("Content-Type", "")
        except requests.RequestException as exc:
            raise GetuigeOnbereikbaarError(f"no answer ({type(exc).__name__})") from None
        if len(data) > MAX_ANTWOORD:
            raise GetuigeOnbereikbaarError("answer too large")
        try:
            tekst = data.decode("utf-8")
        except UnicodeDecodeError:
            raise GetuigeOnbereikbaarError("answer is not UTF-8") from None
        return Antwoord(status, media.split(";")[0].strip().lower(), tekst)
