"""Reading a forwarded client certificate (crypto) and the rule it must meet (domain): no nginx, no database."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from urllib.parse import quote

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import NameOID

from service.crypto import CertificaatError, lees_clientcertificaat
from service.crypto.certificaat import MAX_KOP
from service.domain.certificaat import (
    Aanbieding,
    Certificaatweigering,
    Clientcertificaat,
    MtlsModus,
    beoordeel,
)
from service.service_layer.identiteit.certificaten import aanbieding
from tests.helpers.pki import DAG, Pki, Sleutelpaar, pem

BUREAU_OIN = "00000099000000000101"
POLITIE_OIN = "00000099000000000116"


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return Pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def bureau(pki: Pki) -> Sleutelpaar:
    return pki.client("bureau", BUREAU_OIN)


# --- reading (service.crypto) ----------------------------------------------------------------------------------


def test_reads_the_oin_validity_and_fingerprint_from_nginx_escaped_pem(bureau: Sleutelpaar) -> None:
    gelezen = lees_clientcertificaat(bureau.kop)
    assert gelezen.oin == BUREAU_OIN
    assert gelezen.geldig_vanaf == bureau.certificaat.not_valid_before_utc
    assert gelezen.geldig_tot == bureau.certificaat.not_valid_after_utc
    assert gelezen.vingerafdruk == bureau.certificaat.fingerprint(hashes.SHA256()).hex()


def test_plain_pem_reads_the_same(bureau: Sleutelpaar) -> None:
    assert lees_clientcertificaat(pem(bureau.certificaat)) == lees_clientcertificaat(bureau.kop)


def test_repr_shows_nothing_of_the_certificate(bureau: Sleutelpaar) -> None:
    gelezen = lees_clientcertificaat(bureau.kop)
    assert BUREAU_OIN not in repr(gelezen) and gelezen.vingerafdruk not in repr(gelezen)


@pytest.mark.parametrize(
    ("serienummers", "verwacht"),
    [
        ([], None),
        (["0000009900000000010"], None),  # 19 digits
        (["000000990000000001011"], None),  # 21 digits
        (["NTRNL-12345678"], None),  # a KvK number, not an OIN
        ([BUREAU_OIN, POLITIE_OIN], None),  # two serialNumbers: ambiguous, so none
        ([BUREAU_OIN], BUREAU_OIN),
    ],
    ids=["geen", "19-cijfers", "21-cijfers", "kvk", "twee", "goed"],
)
def test_the_oin_is_exactly_one_20_digit_subject_serial_number(
    tmp_path: Path, pki: Pki, serienummers: list[str], verwacht: str | None
) -> None:
    basis = pki.client("basis", BUREAU_OIN).certificaat
    naam = x509.Name(
        [x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test")]
        + [x509.NameAttribute(NameOID.SERIAL_NUMBER, s) for s in serienummers]
    )
    certificaat = (
        x509.CertificateBuilder()
        .subject_name(naam)
        .issuer_name(pki.uitgever.subject)
        .public_key(basis.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(basis.not_valid_before_utc)
        .not_valid_after(basis.not_valid_after_utc)
        .sign(pki.uitgever_sleutel, hashes.SHA256())
    )
    assert lees_clientcertificaat(quote(pem(certificaat), safe="")).oin == verwacht


def _twee(bureau: Sleutelpaar) -> str:
    return quote(pem(bureau.certificaat) * 2, safe="")


@pytest.mark.parametrize(
    "kop",
    [
        pytest.param(lambda b: "", id="leeg"),
        pytest.param(lambda b: "niet-een-certificaat", id="tekst"),
        pytest.param(lambda b: "%ZZ%", id="kapotte-escape"),
        pytest.param(lambda b: "-----BEGIN%20CERTIFICATE-----%FF%FE-----END%20CERTIFICATE-----", id="geen-utf8"),
        pytest.param(lambda b: b.kop.replace("MII", "MIX", 1), id="kapotte-der"),
        pytest.param(lambda b: b.kop[: len(b.kop) // 2], id="afgekapt"),
        pytest.param(_twee, id="twee-certificaten"),
        pytest.param(lambda b: b.kop + "A" * MAX_KOP, id="te-lang"),
        pytest.param(
            lambda b: quote("-----BEGIN CERTIFICATE-----\n\u00e9\n-----END CERTIFICATE-----", safe=""), id="niet-ascii"
        ),
    ],
)
def test_unreadable_input_raises_one_uninformative_error(bureau: Sleutelpaar, kop: object) -> None:
    with pytest.raises(CertificaatError) as caught:
        lees_clientcertificaat(kop(bureau))  # type: ignore[operator]
    assert str(caught.value) == "the client certificate could not be read"
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None or caught.value.__suppress_context__


def test_aanbieding_marks_unreadable_certificates_instead_of_raising(bureau: Sleutelpaar) -> None:
    assert aanbieding("SUCCESS", "kapot") == Aanbieding("SUCCESS", None, onleesbaar=True)
    assert aanbieding("NONE", "") == Aanbieding("NONE")
    assert aanbieding(None, None) == Aanbieding(None)
    assert aanbieding("SUCCESS", bureau.kop).certificaat == lees_clientcertificaat(bureau.kop)


# --- the rule (service.domain.certificaat.beoordeel) ------------------------------------------------------------

NU = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
GOED = Clientcertificaat(BUREAU_OIN, NU - 30 * DAG, NU + 30 * DAG, "ab" * 32)
BUREAU = frozenset({BUREAU_OIN, "00000099000000000901"})  # its OIN and a subOIN
SYSTEEM, PERSOON = "systeem", "persoon"
V, OPT, U = MtlsModus.VERPLICHT, MtlsModus.OPTIONEEL, MtlsModus.UIT
W = Certificaatweigering


def _met(certificaat: Clientcertificaat | None = GOED, verificatie: str = "SUCCESS") -> Aanbieding:
    return Aanbieding(verificatie, certificaat)


# (modus, soort, aanbieding, expected refusal or None, expected OIN on the record)
SCENARIOS = {
    "verplicht-systeem-goed": (V, SYSTEEM, _met(), None, BUREAU_OIN),
    "verplicht-systeem-suboin": (
        V,
        SYSTEEM,
        _met(dataclasses.replace(GOED, oin="00000099000000000901")),
        None,
        "00000099000000000901",
    ),
    "verplicht-systeem-zonder": (V, SYSTEEM, Aanbieding(None), W.ONTBREEKT, None),
    "verplicht-systeem-none": (V, SYSTEEM, Aanbieding("NONE"), W.ONTBREEKT, None),
    "verplicht-persoon-zonder": (V, PERSOON, Aanbieding("NONE"), None, None),
    "verplicht-persoon-andere-oin": (V, PERSOON, _met(dataclasses.replace(GOED, oin=POLITIE_OIN)), W.ANDERE_OIN, None),
    "andere-oin": (V, SYSTEEM, _met(dataclasses.replace(GOED, oin=POLITIE_OIN)), W.ANDERE_OIN, None),
    "geen-oin": (V, SYSTEEM, _met(dataclasses.replace(GOED, oin=None)), W.ANDERE_OIN, None),
    "mislukt": (V, SYSTEEM, _met(verificatie="FAILED:certificate revoked"), W.NIET_GEVERIFIEERD, None),
    "mislukt-zonder-certificaat": (V, SYSTEEM, Aanbieding("FAILED:unable to verify"), W.NIET_GEVERIFIEERD, None),
    "certificaat-zonder-verificatie": (V, SYSTEEM, Aanbieding(None, GOED), W.NIET_GEVERIFIEERD, None),
    "geverifieerd-maar-onleesbaar": (V, SYSTEEM, Aanbieding("SUCCESS", onleesbaar=True), W.ONLEESBAAR, None),
    "geverifieerd-zonder-certificaat": (V, SYSTEEM, Aanbieding("SUCCESS"), W.ONLEESBAAR, None),
    "verlopen": (V, SYSTEEM, _met(dataclasses.replace(GOED, geldig_tot=NU)), W.BUITEN_GELDIGHEID, None),
    "nog-niet-geldig": (V, SYSTEEM, _met(dataclasses.replace(GOED, geldig_vanaf=NU + DAG)), W.BUITEN_GELDIGHEID, None),
    "optioneel-zonder": (OPT, SYSTEEM, Aanbieding("NONE"), None, None),
    "optioneel-goed": (OPT, SYSTEEM, _met(), None, BUREAU_OIN),
    "optioneel-andere-oin": (OPT, SYSTEEM, _met(dataclasses.replace(GOED, oin=POLITIE_OIN)), W.ANDERE_OIN, None),
    "optioneel-mislukt": (OPT, PERSOON, _met(verificatie="FAILED:x"), W.NIET_GEVERIFIEERD, None),
    "uit-negeert-alles": (U, SYSTEEM, _met(dataclasses.replace(GOED, oin=POLITIE_OIN)), None, None),
    "uit-zonder": (U, SYSTEEM, Aanbieding(None), None, None),
}


@pytest.mark.parametrize(("modus", "soort", "aangeboden", "weigering", "oin"), SCENARIOS.values(), ids=SCENARIOS)
def test_rule(
    modus: MtlsModus, soort: str, aangeboden: Aanbieding, weigering: Certificaatweigering | None, oin: str | None
) -> None:
    uitslag = beoordeel(modus, soort, aangeboden, BUREAU, NU)
    assert uitslag.weigering == weigering
    assert uitslag.oin == oin
    assert uitslag.toegestaan is (weigering is None)


def test_an_unknown_partner_matches_no_certificate() -> None:
    assert beoordeel(V, SYSTEEM, _met(), frozenset(), NU).weigering is W.ANDERE_OIN


def test_refusal_descriptions_name_nothing_from_a_certificate() -> None:
    for weigering in Certificaatweigering:
        assert not any(ch.isdigit() for ch in weigering.value)
        assert '"' not in weigering.value and "\\" not in weigering.value  # safe inside WWW-Authenticate
