"""A real witness (getuige) process for tests: `deelpoort getuige serve` (gunicorn) on a free port, with its key,
configuration and storage in a directory of its own.

Use it once per test session (per xdist worker), not per test: starting one costs about a second.

    from tests.helpers.getuige import getuigen  # noqa: F401  (the session fixture, in a conftest.py)

    def test_cosigned(getuigen):
        witness = getuigen("getuige.example/fg", [(origin, log_vkey)])   # started once, then reused
        witness.vers()                        # optional: restart on empty storage (forgets what it cosigned)
        requests.post(witness.url + "/add-checkpoint", data=body)      # witness.url has no trailing slash
        CosignatureVerifier.from_verifier_key(witness.vkey)             # witness.naam is its key name

Or, outside pytest's fixtures, as a context manager: ``with getuige(tmp_dir, [(origin, vkey)]) as witness: ...``.

`Getuigeproces.stop()` and `.start()` restart the same witness on the same port with the same storage (what it
cosigned persists); `.vers()` does the same on fresh storage. A witness that the session fixture handed out is
shared by every test that asks for the same name and logs: a test that needs a known starting state calls
`.vers()` first, or submits with the old size the witness reports (a 409 tells it).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from service.service_layer.getuige import nieuwe_sleutel
from tests.helpers.dienst import dienst
from tests.helpers.nginx import free_port

_CODE = "import sys; from service.cli import main; sys.exit(main())"


@dataclass
class Getuigeproces:
    """One witness process (see the module docstring). `logs` are (origin, the log's checkpoint vkey) pairs."""

    werkmap: Path
    naam: str
    vkey: str
    logs: tuple[tuple[str, str], ...]
    port: int
    workers: int = 1
    _stack: contextlib.ExitStack | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        """The base URL, without a trailing slash (``<url>/add-checkpoint``, ``<url>/checkpoint?origin=...``)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def config(self) -> Path:
        """The witness's TOML configuration file."""
        return self.werkmap / "getuige.toml"

    @property
    def opslag(self) -> Path:
        """The witness's SQLite storage file."""
        return self.werkmap / "getuige.sqlite3"

    def start(self) -> None:
        """Start the process (a no-op when it runs); returns when it answers ``GET /status``."""
        if self._stack is not None:
            return
        env = {k: v for k, v in os.environ.items() if not k.startswith("DEELPOORT_")}
        argv = [sys.executable, "-c", _CODE, "getuige", "serve", "--config", str(self.config)]
        argv += ["--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers)]
        stack = contextlib.ExitStack()
        stack.enter_context(dienst(argv, env=env, port=self.port, klaar="/status"))
        self._stack = stack

    def stop(self) -> None:
        """Stop the process (its storage stays)."""
        if self._stack is not None:
            stack, self._stack = self._stack, None
            stack.close()

    def vers(self) -> None:
        """Restart on fresh, empty storage: the witness forgets every checkpoint it cosigned."""
        self.stop()
        for pad in self.werkmap.glob(self.opslag.name + "*"):  # the file and SQLite's -wal and -shm beside it
            pad.unlink()
        self.start()


def maak_getuige(
    werkmap: Path, logs: Sequence[tuple[str, str]], *, naam: str = "getuige.example/w1", workers: int = 1
) -> Getuigeproces:
    """Prepare (not start) a witness in the empty directory `werkmap`: its key file and its configuration."""
    werkmap.mkdir(parents=True, exist_ok=True)
    vkey = nieuwe_sleutel(naam, werkmap / "getuige-sleutel.json")
    regels = ['sleutelbestand = "getuige-sleutel.json"', 'opslag = "getuige.sqlite3"']
    for origin, log_vkey in logs:
        regels += ["", "[[log]]", f"origin = {json.dumps(origin)}", f"vkey = {json.dumps(log_vkey)}"]
    proces = Getuigeproces(werkmap, naam, vkey, tuple(logs), free_port(), workers)
    proces.config.write_text("\n".join(regels) + "\n", encoding="utf-8")
    return proces


@contextlib.contextmanager
def getuige(
    werkmap: Path, logs: Sequence[tuple[str, str]], *, naam: str = "getuige.example/w1", workers: int = 1
) -> Iterator[Getuigeproces]:
    """A started witness in `werkmap` for `logs`, stopped when the block ends."""
    proces = maak_getuige(werkmap, logs, naam=naam, workers=workers)
    proces.start()
    try:
        yield proces
    finally:
        proces.stop()


Getuigen = Callable[..., Getuigeproces]


@pytest.fixture(scope="session")
def getuigen(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Getuigen]:
    """``getuigen(naam, logs, workers=1)``: a started witness, started once per session (and xdist worker) for
    each distinct (naam, logs, workers) and reused after; all stopped at the end of the session."""
    gestart: dict[tuple[str, tuple[tuple[str, str], ...], int], Getuigeproces] = {}

    def geef(naam: str, logs: Sequence[tuple[str, str]], workers: int = 1) -> Getuigeproces:
        sleutel = (naam, tuple(logs), workers)
        if sleutel not in gestart:
            proces = maak_getuige(tmp_path_factory.mktemp("getuige"), logs, naam=naam, workers=workers)
            proces.start()
            gestart[sleutel] = proces
        gevonden = gestart[sleutel]
        gevonden.start()  # a test may have stopped it
        return gevonden

    yield geef
    for proces in gestart.values():
        proces.stop()
