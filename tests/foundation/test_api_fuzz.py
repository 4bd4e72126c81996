"""Every operation of the OpenAPI document fuzzed against a served Deelpoort holding the demo region: bad input
gets a clear answer, never a 500, and every answer is one the document promises (status, content type, headers,
body schema). A partner system's developer builds on `GET /v1/openapi.json`; what it leaves out they cannot
handle.

The fuzzer is Schemathesis (its own command, against a real HTTP server on the test's own copy of the demo):
the schema's examples, boundary values of every parameter and body field (its coverage phase), random values
(NUL characters and other text PostgreSQL refuses included), and request sequences that follow the document's
links. One run per kind of user, since each reaches other operations past the rol check: a partner's
casusregisseur (the API's main user), the Bureau's procesregisseur (the regie of most casussen), an FG and a
beheerder. A fixed seed keeps a run reproducible; a failure prints the command that repeats it.

The two operations that can end the fuzzer's own access (revoking a token, suspending or removing a gebruiker:
its links lead the fuzzer to its own token and gebruiker) run after all others, in a run of their own, so that
what comes after them is not only 401s.

Checks left out on purpose: `positive_data_acceptance` (the convenant's codes, dates within the demo's year and
rules across fields are stricter than a JSON schema can say: a request the schema allows may still be a 400) and
`negative_data_rejection` (a body over the size limit is refused with 413 before it is read, which the check
does not count as a rejection).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask

from tests.helpers.browser import serveer
from tests.helpers.databases import Demo

CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
)
GEBRUIKERS = {
    "partner": ("politie-noord-nederland", "casusregisseur"),
    "regie": ("bureau-zvh-drenthe", "procesregisseur"),
    "fg": ("bureau-zvh-drenthe", "fg"),
    "beheerder": ("bureau-zvh-drenthe", "beheerder"),
}
SEED = 20261207
# Examples per operation and phase: 10 in every run; a deeper search on demand, e.g.
# `DEELPOORT_TEST_FUZZ_VOORBEELDEN=200 .venv/bin/pytest tests/foundation/test_api_fuzz.py`.
VOORBEELDEN = int(os.environ.get("DEELPOORT_TEST_FUZZ_VOORBEELDEN", "10"))
LAATST = ("DELETE /gebruikers/{gebruiker_id}/tokens/{token_id}", "POST /gebruikers/{gebruiker_id}/statuswijzigingen")
RUNS = {
    "eerst": [arg for naam in LAATST for arg in ("--exclude-name", naam)],
    "laatst": [arg for naam in LAATST for arg in ("--include-name", naam)],
}


def schemathesis(url: str, token: str, selectie: list[str], junit: Path) -> subprocess.CompletedProcess[str]:
    """Run Schemathesis's command against `url` as the holder of `token`; its report is written to `junit`."""
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        f"{url}/v1/openapi.json",
        "--header",
        f"Authorization: Bearer {token}",
        "--checks",
        ",".join(CHECKS),
        "--max-examples",
        str(VOORBEELDEN),
        "--seed",
        str(SEED),
        "--generation-deterministic",
        "--workers",
        "1",
        "--warnings",
        "off",
        "--report",
        "junit",
        "--report-junit-path",
        str(junit),
        *selectie,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=junit.parent, check=False)


@pytest.mark.parametrize("wie", list(GEBRUIKERS))
def test_every_operation_answers_as_documented_and_never_with_a_server_error(
    app: Flask, demo: Demo, wie: str, tmp_path: Path
) -> None:
    token = demo.credential(*GEBRUIKERS[wie]).token
    werkmap = tmp_path / "schemathesis"  # its caches and reports, beside the test's database
    werkmap.mkdir()
    getest = 0
    with serveer(app) as url:
        for naam, selectie in RUNS.items():
            junit = werkmap / f"{naam}.xml"
            uitslag = schemathesis(url, token, selectie, junit)
            assert uitslag.returncode == 0, uitslag.stdout[-20_000:].replace(token, "<token>")
            getest += junit.read_text(encoding="utf-8").count("<testcase")
    assert getest >= 81, "every operation of the document was tested"
