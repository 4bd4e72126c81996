"""A real SoftHSM2 for the PKCS#11 tests: its own token folder and configuration in a temporary directory.

SoftHSM2 reads `SOFTHSM2_CONF` and lists its tokens once, when a process first initialises the library; tokens
made later by `softhsm2-util` are not seen by that process. So the session makes a pool of fresh tokens up front
(`softhsm2-util --init-token --free`, about 50 ms each), and each test that changes a token's KEKs takes an unused
one (`SoftHsm.neem`).

Skipped with a message where softhsm2 is missing, unless `DEELPOORT_TEST_REQUIRE_SOFTHSM=1` (CI sets it), which
turns the skip into a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from service.settings import DEVELOPMENT_PKCS11_MODULE

REQUIRED = os.environ.get("DEELPOORT_TEST_REQUIRE_SOFTHSM") == "1"
UTIL = "softhsm2-util"
PIN = "testpin-4711"  # synthetic, for the tokens these tests make in a temporary folder
SO_PIN = "testso-4711-so"
POOL = 32


def softhsm_or_skip() -> Path:
    """The SoftHSM2 module, or a skip (a failure when required)."""
    if shutil.which(UTIL) is None or not DEVELOPMENT_PKCS11_MODULE.exists():
        if REQUIRED:
            pytest.fail(
                f"DEELPOORT_TEST_REQUIRE_SOFTHSM=1 but softhsm2 ({UTIL}, {DEVELOPMENT_PKCS11_MODULE}) is missing"
            )
        pytest.skip("the PKCS#11 tests need SoftHSM2 (apt-get install softhsm2; CI requires them)")
    return DEVELOPMENT_PKCS11_MODULE


@dataclass
class SoftHsm:
    """SoftHSM2 in `folder`: the configuration file and a pool of initialised, empty tokens."""

    folder: Path
    module: Path
    labels: list[str] = field(default_factory=list)

    @property
    def conf(self) -> Path:
        return self.folder / "softhsm2.conf"

    def environ(self) -> dict[str, str]:
        """The environment a child process needs to see these tokens."""
        return {**os.environ, "SOFTHSM2_CONF": str(self.conf)}

    def neem(self) -> str:
        """The label of a fresh token nobody used yet (no key objects, user PIN `PIN`)."""
        if not self.labels:
            pytest.fail(f"the SoftHSM2 pool of {POOL} tokens is used up: raise tests/helpers/softhsm.POOL")
        return self.labels.pop(0)


def start(folder: Path, pool: int = POOL) -> SoftHsm:
    """Write the configuration, point `SOFTHSM2_CONF` at it (before the library is loaded) and make `pool` fresh
    tokens (the benchmark uses this too)."""
    module = softhsm_or_skip()
    tokens = folder / "tokens"
    tokens.mkdir(parents=True)
    hsm = SoftHsm(folder, module)
    hsm.conf.write_text(
        f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n",
        encoding="utf-8",
    )
    os.environ["SOFTHSM2_CONF"] = str(hsm.conf)
    for n in range(pool):
        label = f"deelpoort-test-{n}"
        subprocess.run(
            [UTIL, "--init-token", "--free", "--label", label, "--so-pin", SO_PIN, "--pin", PIN],
            env=hsm.environ(),
            check=True,
            capture_output=True,
        )
        hsm.labels.append(label)
    return hsm
