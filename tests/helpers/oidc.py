"""OpenID Connect in tests: registering a person with an identity, and a real OpenID Provider (panva's
oidc-provider under the machine's Node.js, `tests/oidc/provider/`).

The provider is installed (`npm ci`, once, under a file lock so xdist workers do not collide) and started once
per test session and worker; it is skipped with a message when node or npm is missing, unless
`DEELPOORT_TEST_REQUIRE_OIDC=1` (CI sets it), which turns the skip into a failure.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from service.domain.casus import new_id, utcnow
from service.domain.identiteit import Gebruikersgegevens, GebruikerStatus, OidcIdentiteit, SoortGebruiker
from service.service_layer.services import Services
from tests.helpers import npm

PROVIDER_DIR = Path(__file__).resolve().parents[1] / "oidc" / "provider"
REQUIRED = os.environ.get("DEELPOORT_TEST_REQUIRE_OIDC") == "1"
START_SECONDS = 30


def add_persoon(
    services: Services,
    partner_id: str,
    rol: str,
    identiteit: OidcIdentiteit,
    *,
    status: GebruikerStatus = GebruikerStatus.ACTIEF,
    soort: SoortGebruiker = SoortGebruiker.PERSOON,
) -> str:
    """Register a person of `partner_id` in `rol` who logs in as `identiteit`; returns the gebruiker's id."""
    ident = new_id()
    with services.uow() as uow:
        uow.gebruikers.add(
            Gebruikersgegevens(ident, partner_id, rol, soort, f"{rol} oidc", status, utcnow(), identiteit)
        )
        uow.commit()
    return ident


@dataclass(frozen=True)
class OpenIdProvider:
    """A running test provider: its issuer, and the clients registered at it."""

    issuer: str
    client_id: str  # confidential: authenticates with `client_secret` (client_secret_basic)
    client_secret: str
    public_client_id: str  # public: PKCE is its only proof


def unavailable(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"DEELPOORT_TEST_REQUIRE_OIDC=1 but {reason}")
    pytest.skip(
        f"OpenID Connect tests need {reason.removesuffix(' is missing')} (Node.js 20+ with npm; CI requires it)"
    )


def npm_ci() -> None:
    """Install the provider's locked dependencies once (when missing or another version), under a file lock."""
    npm.npm_ci(PROVIDER_DIR, "oidc-provider", unavailable)


class ProviderProcess:
    """`node provider.mjs` with the given clients; `issuer` once it printed READY. Ends when stdin closes."""

    def __init__(self, clients: list[dict[str, object]], log: Path, *, tls: tuple[Path, Path] | None = None) -> None:
        """`tls`: (certificate chain, key) in PEM: the provider then serves https (a production-like issuer)."""
        env = {**os.environ, "OP_HOST": "localhost", "OP_CLIENTS": json.dumps(clients)}
        if tls is not None:
            env.update(OP_TLS_CERT=str(tls[0]), OP_TLS_KEY=str(tls[1]))
        self._log = log.open("w")
        self._process = subprocess.Popen(
            ["node", "provider.mjs"],
            cwd=PROVIDER_DIR,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
        )
        lines: queue.Queue[str] = queue.Queue()

        def read() -> None:
            assert self._process.stdout is not None
            for line in self._process.stdout:
                lines.put(line)

        self._reader = threading.Thread(target=read, daemon=True)
        self._reader.start()
        self.issuer = ""
        try:
            while not self.issuer:
                line = lines.get(timeout=START_SECONDS)
                if line.startswith("READY "):
                    self.issuer = line.split()[1]
        except queue.Empty:
            self.stop()
            unavailable(f"the test OpenID Provider did not start in {START_SECONDS} s (see {log})")

    def stop(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=5)
        self._reader.join(timeout=5)
        if self._process.stdout is not None:
            self._process.stdout.close()
        self._log.close()
