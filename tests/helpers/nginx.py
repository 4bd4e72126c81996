"""A real nginx running `deploy/nginx/deelpoort.conf`, for the mTLS tests.

The deployed file is used as it is, with only its site-specific values (marked so in the file: the paths of the
TLS files, the listen port and the upstream address) replaced by the test's; every replaced value must occur in
the file, and none may remain, so a change to the file either reaches the tests or fails them. What the file
leaves to the packaged `nginx.conf` (pid, error log, temp paths, events) is written here, inside the test's own
directory (`nginx -p`), so nothing of the host's nginx is touched.

Skipped with a message where /usr/sbin/nginx is missing, unless `DEELPOORT_TEST_REQUIRE_NGINX=1` (CI sets it),
which turns the skip into a failure.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import signal
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from service.settings import PROJECT_ROOT

NGINX = Path("/usr/sbin/nginx")
REQUIRED = os.environ.get("DEELPOORT_TEST_REQUIRE_NGINX") == "1"
DEPLOYED = PROJECT_ROOT / "deploy" / "nginx" / "deelpoort.conf"


def nginx_or_skip() -> Path:
    if not NGINX.exists():
        if REQUIRED:
            pytest.fail("DEELPOORT_TEST_REQUIRE_NGINX=1 but /usr/sbin/nginx is missing")
        pytest.skip("the nginx tests need /usr/sbin/nginx (apt-get install nginx; CI requires them)")
    return NGINX


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class Bestanden:
    """The site-specific files the deployed configuration names, as the test made them."""

    server_cert: Path
    server_sleutel: Path
    root: Path
    tussen: Path
    crl: Path


def render(
    upstream_port: int,
    port: int,
    bestanden: Bestanden,
    text: str | None = None,
    *,
    upstreams: Sequence[str] = (),
) -> str:
    """The deployed configuration with its site-specific values replaced (see the module docstring); the upstream
    is 127.0.0.1:`upstream_port`, or the servers `upstreams` ("address:port") when given (several hosts).

    Raises:
        AssertionError: a value to replace is not in the file, or a site-specific value remains.
    """
    text = DEPLOYED.read_text(encoding="utf-8") if text is None else text
    servers = list(upstreams) or [f"127.0.0.1:{upstream_port}"]
    vervangingen = {
        "server 127.0.0.1:8000;": "\n    ".join(f"server {server};" for server in servers),
        "listen 443 ssl;": f"listen 127.0.0.1:{port} ssl;",
        "/etc/deelpoort/tls/server.pem": str(bestanden.server_cert),
        "/etc/deelpoort/tls/server.key": str(bestanden.server_sleutel),
        "/etc/deelpoort/tls/pkioverheid-root.pem": str(bestanden.root),
        "/etc/deelpoort/tls/pkioverheid-ca.pem": str(bestanden.tussen),
        "/etc/deelpoort/tls/pkioverheid-crl.pem": str(bestanden.crl),
    }
    for oud, nieuw in vervangingen.items():
        assert oud in text, f"deploy/nginx/deelpoort.conf no longer contains {oud!r}: update tests/helpers/nginx.py"
        text = text.replace(oud, nieuw)
    assert "/etc/deelpoort" not in text, "a site-specific path was not replaced"
    upstream = re.findall(r"^\s*server\s+([^;\s{]+);", text, flags=re.M)
    assert upstream == servers, f"the upstream is {upstream}, not only the test's servers {servers}"
    return text


def _hoofdconfiguratie(map: Path, site: Path) -> str:
    """What Debian's /etc/nginx/nginx.conf provides around conf.d/*.conf, inside the test's directory."""
    gebruiker = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"    {naam}_temp_path {map / naam};" for naam in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""{gebruiker}daemon off;
master_process on;
worker_processes 1;
pid {map / "nginx.pid"};
error_log {map / "error.log"} info;
events {{ worker_connections 256; }}
http {{
    log_format deelpoort '$request_method $request_uri $status upstream=$upstream_addr|$upstream_status';
    access_log {map / "access.log"} deelpoort;
{temp}
    include {site};
}}
"""


@dataclass
class Nginx:
    map: Path
    port: int
    proces: subprocess.Popen[bytes]

    def toegangslog(self) -> list[str]:
        """The access log's lines: method, path, status, `upstream=` every server tried, `|` and their answers
        (each list comma-separated). nginx writes a line just after the answer went out: a client may see its
        answer first."""
        pad = self.map / "access.log"
        return pad.read_text(encoding="utf-8").splitlines() if pad.exists() else []

    def foutlog(self) -> str:
        pad = self.map / "error.log"
        return pad.read_text(encoding="utf-8", errors="replace")[-4000:] if pad.exists() else "(no error log)"


@contextlib.contextmanager
def nginx(
    map: Path,
    upstream_port: int,
    bestanden: Bestanden,
    *,
    ca: Path,
    limit_s: float = 10.0,
    port: int | None = None,
    upstreams: Sequence[str] = (),
) -> Iterator[Nginx]:
    """Run nginx with the deployed configuration until the block ends; `ca` verifies its server certificate.
    `port`: where it listens (default: a free port); `upstreams`: as for `render`."""
    binary = nginx_or_skip()
    map.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    site = map / "deelpoort.conf"
    site.write_text(render(upstream_port, port, bestanden, upstreams=upstreams), encoding="utf-8")
    hoofd = map / "nginx.conf"
    hoofd.write_text(_hoofdconfiguratie(map, site), encoding="utf-8")
    getest = subprocess.run(
        [str(binary), "-t", "-q", "-p", str(map), "-c", str(hoofd), "-e", str(map / "error.log")],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert getest.returncode == 0, f"nginx -t refused the configuration:\n{getest.stderr}"
    proces = subprocess.Popen(
        [str(binary), "-p", str(map), "-c", str(hoofd), "-e", str(map / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    draaiend = Nginx(map, port, proces)
    try:
        _wacht_op_tls(draaiend, ca, limit_s)
        yield draaiend
    finally:
        if proces.poll() is None:
            proces.send_signal(signal.SIGTERM)  # fast shutdown: the master ends its workers at once
            try:
                proces.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proces.pid, signal.SIGKILL)
                proces.wait(timeout=10)


def _wacht_op_tls(draaiend: Nginx, ca: Path, limit_s: float) -> None:
    context = ssl.create_default_context(cafile=str(ca))
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        assert draaiend.proces.poll() is None, f"nginx ended with {draaiend.proces.returncode}:\n{draaiend.foutlog()}"
        try:
            with (
                socket.create_connection(("127.0.0.1", draaiend.port), timeout=2) as raw,
                context.wrap_socket(raw, server_hostname="127.0.0.1"),
            ):
                return
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"nginx did not accept TLS connections in time:\n{draaiend.foutlog()}")
