"""Several hosts on one machine: Linux network namespaces on a bridge, for the several-hosts test (issue 25).

What it builds, all under one random name so that parallel runs never collide:
- a bridge in the root namespace with the address `<net>.1/24` (a /24 of 198.18.0.0/15, the range RFC 2544 sets
  aside for network tests, that nothing here uses): the "LAN" of the installation. nginx runs in
  the root namespace and reaches the hosts from this address, so it is the trusted proxy
  (`DEELPOORT_VERTROUWDE_PROXIES`) as a load balancer on its own host would be;
- one namespace per host with a veth pair on the bridge and the address `<net>.<11 + n>/24` (and its own
  loopback), where a `deelpoort serve` binds as on a host of its own: nothing else listens there, and its only
  way out is the bridge;
- PostgreSQL, which listens on 127.0.0.1 of the root namespace only (unreachable from a namespace), is reached
  at `<net>.1:<port>` through socat, a TCP relay in the root namespace: a database host on the LAN. A server
  killed with SIGKILL closes its connections; socat passes the close on and PostgreSQL rolls back what was open.

Needs root (CAP_NET_ADMIN), iproute2 (`ip netns`) and socat. Where they are missing the test is skipped with a
message, unless `DEELPOORT_TEST_REQUIRE_NAMESPACES=1` (CI sets it), which turns the skip into a failure.
Everything is removed when the block ends (the namespaces take their veth ends with them).
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import pytest

REQUIRED = os.environ.get("DEELPOORT_TEST_REQUIRE_NAMESPACES") == "1"


def _ip(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["ip", *argv], capture_output=True, text=True, timeout=30, check=False)


def _ip_of_fout(*argv: str) -> None:
    done = _ip(*argv)
    assert done.returncode == 0, f"ip {' '.join(argv)}: {done.stderr.strip()}"


def namespaces_or_skip() -> None:
    """Fail or skip (see the module) unless network namespaces, veth pairs and socat can be used here."""
    reden = None
    if shutil.which("ip") is None or shutil.which("socat") is None:
        reden = "iproute2 (ip) and socat (apt-get install iproute2 socat)"
    else:
        probe = f"dpp{secrets.token_hex(4)}"
        if _ip("netns", "add", probe).returncode != 0:
            reden = "root, to create network namespaces (ip netns add)"
        else:
            _ip("netns", "del", probe)
    if reden is None:
        return
    if REQUIRED:
        pytest.fail(f"DEELPOORT_TEST_REQUIRE_NAMESPACES=1 but the several-hosts test lacks {reden}")
    pytest.skip(f"the several-hosts test needs {reden}; CI requires it")


@dataclass(frozen=True)
class Host:
    """One host: a namespace with its own address on the bridge."""

    naam: str  # the namespace
    adres: str

    def argv(self, argv: Sequence[str]) -> list[str]:
        """`argv` run inside this host (`ip netns exec` execs it: same process, same process group)."""
        return ["ip", "netns", "exec", self.naam, *argv]


@dataclass(frozen=True)
class Netwerk:
    brug: str
    proxy_adres: str  # the root namespace on the bridge: nginx, the test's own requests, the database relay
    hosts: tuple[Host, ...]
    database_poort: int  # socat on proxy_adres, relaying to PostgreSQL


def _vrij_net() -> ipaddress.IPv4Network:
    """A /24 of 198.18.0.0/15 (set aside for network tests, RFC 2544) that no address or route here uses."""
    bezet = [
        subprocess.run(["ip", "-o", *argv], capture_output=True, text=True, timeout=30, check=True).stdout
        for argv in (["addr"], ["route"])
    ]
    for _ in range(100):
        net = ipaddress.IPv4Network(f"198.{random.randint(18, 19)}.{random.randint(0, 255)}.0/24")
        voorvoegsel = str(net.network_address).rsplit(".", 1)[0] + "."
        if not any(voorvoegsel in tekst for tekst in bezet):
            return net
    raise AssertionError("no free 198.18.0.0/15 subnet for the test network")


def _vrije_poort(adres: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((adres, 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def netwerk(aantal: int, database: tuple[str, int]) -> Iterator[Netwerk]:
    """A bridge, `aantal` host namespaces on it and a relay to the PostgreSQL server at `database` (host, port),
    until the block ends (see the module)."""
    namespaces_or_skip()
    naam = f"dph{secrets.token_hex(3)}"
    net = _vrij_net()
    adressen = list(net.hosts())
    proxy = str(adressen[0])
    brug = f"{naam}br"
    hosts = tuple(Host(f"{naam}-{n}", str(adressen[10 + n])) for n in range(aantal))
    relay: subprocess.Popen[bytes] | None = None
    try:
        _ip_of_fout("link", "add", brug, "type", "bridge")
        _ip_of_fout("addr", "add", f"{proxy}/{net.prefixlen}", "dev", brug)
        _ip_of_fout("link", "set", brug, "up")
        for n, host in enumerate(hosts):
            buiten, binnen = f"{naam}v{n}", f"{naam}w{n}"
            _ip_of_fout("netns", "add", host.naam)
            _ip_of_fout("link", "add", buiten, "type", "veth", "peer", "name", binnen)
            _ip_of_fout("link", "set", binnen, "netns", host.naam)
            _ip_of_fout("link", "set", buiten, "master", brug, "up")
            _ip_of_fout("-n", host.naam, "addr", "add", f"{host.adres}/{net.prefixlen}", "dev", binnen)
            _ip_of_fout("-n", host.naam, "link", "set", binnen, "up")
            _ip_of_fout("-n", host.naam, "link", "set", "lo", "up")
        poort = _vrije_poort(proxy)
        relay = subprocess.Popen(
            [
                "socat",
                f"TCP-LISTEN:{poort},bind={proxy},fork,reuseaddr",
                f"TCP:{database[0]}:{database[1]}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own group: its children (one per connection) end with it
        )
        _wacht_op_poort(proxy, poort, relay)
        yield Netwerk(brug, proxy, hosts, poort)
    finally:
        if relay is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(relay.pid, signal.SIGKILL)
            relay.wait(timeout=10)
        for host in hosts:
            _ip("netns", "del", host.naam)
        _ip("link", "del", brug)


def _wacht_op_poort(adres: str, poort: int, proces: subprocess.Popen[bytes], limit_s: float = 10.0) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        assert proces.poll() is None, f"socat ended with {proces.returncode}"
        try:
            socket.create_connection((adres, poort), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"socat did not listen on {adres}:{poort} in time")
