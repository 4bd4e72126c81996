"""Benchmark of service.crypto against the bare AES-GCM primitive, measured in the same run.

(a) field cipher: encrypt and decrypt one 20-field record through `FieldCipher`, against a loop of raw
    `AESGCM.encrypt`/`decrypt` calls over the same 20 values (random nonce each, associated data prepared in
    advance: the most favourable baseline). Target: ratio <= 1.5.
(b) rotation: rewrap N wrapped data keys (100,000; 10,000 with --quick) to a new KEK version through
    `Keyring.rewrap`, against a raw unwrap+wrap AESGCM loop. Target: <= 10 s for 100,000.

Run: `.venv/bin/python bench/bench_crypto.py [--quick]`. Prints JSON only; timing is never asserted.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import platform
import statistics
import struct
import time
from collections.abc import Callable
from typing import Any

import cryptography
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from service.crypto import DataKey, FieldCipher, add_kek_version, generate_key_material, parse_key_material
from service.domain.convenant import Regime

CASUS = "9c1d2e3f4a5b6c7d8e9fa0b1c2d3e4f5"


def record() -> list[tuple[str, bytes]]:
    """A 20-field record with realistic value sizes (short identifiers up to a long situatieschets)."""
    values = {
        "bsn": "999900110",
        "voornamen": "Johanna Wilhelmina",
        "achternaam": "de Vries-Bakker",
        "geboortedatum": "1978-04-01",
        "geslacht": "v",
        "straat": "Brink 12a",
        "postcode": "9401 HS",
        "woonplaats": "Assen",
        "telefoon": "+31 6 12345678",
        "email": "j.devries@example.nl",
        "huisarts": "Huisartsenpraktijk De Es",
        "zorgverzekeraar": "Zilveren Kruis",
        "verblijfsstatus": "nederlander",
        "gezinssamenstelling": "alleenstaand, twee kinderen (8 en 11)",
        "risicotaxatie": "hoog",
        "signalen": "overlast, dreiging, verwarde uitingen",
        "hulpverlening": "FACT-team sinds 2023; eerder beschermd wonen (2019-2021)",
        "strafrechtelijk": "politiecontacten 2024: 3 meldingen, 1 aanhouding",
        "situatieschets": "Buurtbewoners melden al maanden overlast en dreigend gedrag. " * 12,
        "afspraken": "Wijkagent en FACT-team plannen een gezamenlijk huisbezoek binnen twee weken. " * 3,
    }
    return [(veld, value.encode("utf-8")) for veld, value in values.items()]


def median_seconds(function: Callable[[], object], repetitions: int) -> float:
    function()  # warm up
    timings = []
    for _ in range(repetitions):
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def bench_field_cipher(records: int, repetitions: int) -> dict[str, Any]:
    key = os.urandom(32)
    fields = record()
    cipher = FieldCipher(DataKey(Regime.REGULIER, CASUS, key))
    aead = AESGCM(key)
    associated = {veld: CASUS.encode() + veld.encode() for veld, _ in fields}

    def through_field_cipher() -> None:
        for _ in range(records):
            tokens = [(veld, cipher.encrypt(veld, value)) for veld, value in fields]
            for veld, token in tokens:
                cipher.decrypt(veld, token)

    def raw_aesgcm() -> None:
        for _ in range(records):
            sealed = []
            for veld, value in fields:
                nonce = os.urandom(12)
                sealed.append((veld, nonce, aead.encrypt(nonce, value, associated[veld])))
            for veld, nonce, ciphertext in sealed:
                aead.decrypt(nonce, ciphertext, associated[veld])

    ours = median_seconds(through_field_cipher, repetitions) / records
    baseline = median_seconds(raw_aesgcm, repetitions) / records
    return {
        "fields_per_record": len(fields),
        "record_bytes": sum(len(value) for _, value in fields),
        "records_per_repetition": records,
        "repetitions": repetitions,
        "field_cipher_us_per_record": round(ours * 1e6, 2),
        "raw_aesgcm_us_per_record": round(baseline * 1e6, 2),
        "ratio": round(ours / baseline, 3),
        "target_ratio": 1.5,
    }


def bench_rewrap(count: int, repetitions: int) -> dict[str, Any]:
    document = generate_key_material(development=True)
    old = parse_key_material(document).keyring
    rotated_document = add_kek_version(document, Regime.REGULIER)
    new = parse_key_material(rotated_document).keyring
    casussen = [f"{index:032x}" for index in range(count)]
    wrapped = [old.new_data_key(Regime.REGULIER, casus)[1] for casus in casussen]
    items = list(zip(casussen, wrapped, strict=True))

    def through_keyring() -> None:
        for casus, blob in items:
            new.rewrap(Regime.REGULIER, casus, blob)

    # The baseline gets the KEKs as ready AESGCM objects and every associated data prepared in advance.
    versions = rotated_document["kek"]["regulier"]["versions"]
    old_kek, new_kek = AESGCM(base64.b64decode(versions["1"])), AESGCM(base64.b64decode(versions["2"]))
    regime_ad = struct.pack(">I", len(b"regulier")) + b"regulier"
    raw_items = [
        (
            blob[5:17],
            blob[17:],
            blob[:5] + regime_ad + struct.pack(">I", len(casus)) + casus.encode(),
            b"\x01\x00\x00\x00\x02" + regime_ad + struct.pack(">I", len(casus)) + casus.encode(),
        )
        for casus, blob in items
    ]
    new_header = b"\x01\x00\x00\x00\x02"

    def raw_aesgcm() -> None:
        for nonce, ciphertext, old_ad, new_ad in raw_items:
            data_key = old_kek.decrypt(nonce, ciphertext, old_ad)
            fresh = os.urandom(12)
            _ = new_header + fresh + new_kek.encrypt(fresh, data_key, new_ad)

    ours = median_seconds(through_keyring, repetitions)
    baseline = median_seconds(raw_aesgcm, repetitions)
    return {
        "data_keys": count,
        "repetitions": repetitions,
        "keyring_rewrap_seconds": round(ours, 3),
        "raw_aesgcm_seconds": round(baseline, 3),
        "keyring_us_per_data_key": round(ours / count * 1e6, 2),
        "ratio": round(ours / baseline, 3),
        "target_seconds_for_100000": 10.0,
        "projected_seconds_for_100000": round(ours / count * 100_000, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="scale down for CI (10,000 data keys)")
    arguments = parser.parse_args()
    quick = arguments.quick
    result = {
        "benchmark": "crypto",
        "quick": quick,
        "python": platform.python_version(),
        "cryptography": cryptography.__version__,
        "cpus": os.cpu_count(),
        "field_cipher": bench_field_cipher(records=500 if quick else 2000, repetitions=5 if quick else 9),
        "rewrap": bench_rewrap(count=10_000 if quick else 100_000, repetitions=3 if quick else 5),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
