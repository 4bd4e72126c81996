"""Configuration of mTLS: subOINs in the convenant files, and the DEELPOORT_MTLS / DEELPOORT_VERTROUWDE_PROXIES
settings; each invalid value is refused at start, naming where it is."""

from __future__ import annotations

import pytest

from service.convenant import ConvenantError, parse_convenant_text
from service.domain.certificaat import MtlsModus
from service.settings import Settings, SettingsError
from tests.foundation.test_convenant_loader import GOOD

SECOND_PARTNER = 'partners: [{id: p1, naam: P1, oin: "00000099000000000001", type: politie},\n' + (
    '           {id: p2, naam: P2, oin: "00000099000000000002", type: politie'
)


def _met(p1: str = "", p2: str | None = None) -> str:
    """GOOD with subOINs for p1 (and a second partner p2 with its own, when given)."""
    text = GOOD.replace(
        'partners: [{id: p1, naam: P1, oin: "00000099000000000001", type: politie}]',
        SECOND_PARTNER.replace("type: politie},", f"type: politie{p1}}},") + (p2 or "") + "}]",
    )
    assert text != GOOD
    return text


def test_sub_oins_load_into_the_partner() -> None:
    loaded = parse_convenant_text([("a.yaml", _met(', sub_oins: ["00000099000000000901"]'))])
    p1 = loaded.partner("p1")
    assert p1 is not None and p1.sub_oins == {"00000099000000000901"}
    assert p1.oins == {"00000099000000000001", "00000099000000000901"}
    p2 = loaded.partner("p2")
    assert p2 is not None and p2.sub_oins == frozenset() and p2.oins == {"00000099000000000002"}


@pytest.mark.parametrize(
    ("p1", "p2", "expected"),
    [
        (', sub_oins: ["123"]', None, r"partners\[0\] \(id 'p1'\): sub_oins\.0: must be 20 digits"),
        (', sub_oins: "00000099000000000901"', None, r"partners\[0\] \(id 'p1'\): sub_oins: Not a valid list"),
        (
            ', sub_oins: ["00000099000000000002"]',
            None,
            r"a\.yaml: partners\[0\] \(id 'p1'\): sub_oins\.0: '00000099000000000002' is already the OIN of partner "
            r"'p2' in a\.yaml",
        ),
        (
            ', sub_oins: ["00000099000000000001"]',
            None,
            r"sub_oins\.0: '00000099000000000001' is already the OIN of partner 'p1'",
        ),
        (
            ', sub_oins: ["00000099000000000901", "00000099000000000901"]',
            None,
            r"sub_oins\.1: '00000099000000000901' is already the subOIN of partner 'p1'",
        ),
        (
            ', sub_oins: ["00000099000000000901"]',
            ', sub_oins: ["00000099000000000901"]',
            r"partners\[1\] \(id 'p2'\): sub_oins\.0: '00000099000000000901' is already the subOIN of partner 'p1'",
        ),
    ],
    ids=["geen-20-cijfers", "geen-lijst", "oin-van-ander", "eigen-oin", "dubbel", "suboin-van-ander"],
)
def test_invalid_sub_oins_are_refused_with_file_and_entry(p1: str, p2: str | None, expected: str) -> None:
    with pytest.raises(ConvenantError, match=expected):
        parse_convenant_text([("a.yaml", _met(p1, p2))])


def test_the_real_convenants_still_load_without_sub_oins() -> None:
    from service.convenant import load_convenanten
    from tests.helpers.projectdata import CONVENANTEN

    assert all(p.sub_oins == frozenset() for p in load_convenanten(CONVENANTEN).partners)


# --- settings ----------------------------------------------------------------------------------------------------

SECRET = "x" * 40


def test_production_with_mtls_required_refuses_to_start_without_a_trusted_proxy() -> None:
    production = {
        "DEELPOORT_ENV": "production",
        "DEELPOORT_KEYS_JSON": "{}",
        "DEELPOORT_SECRET_KEY": SECRET,
        "DEELPOORT_VERNIETIGINGSJOURNAAL": "/var/lib/deelpoort/vernietigingsjournaal.jsonl",
    }
    with pytest.raises(SettingsError, match="needs DEELPOORT_VERTROUWDE_PROXIES"):
        Settings.from_env(production)
    with pytest.raises(SettingsError, match="needs DEELPOORT_VERTROUWDE_PROXIES"):
        Settings.from_env({**production, "DEELPOORT_MTLS": "verplicht"})
    # Without required certificates there is nothing to misconfigure.
    assert Settings.from_env({**production, "DEELPOORT_MTLS": "uit"}).mtls_modus is MtlsModus.UIT


def test_mtls_defaults_to_off_in_development_and_required_in_production() -> None:
    assert Settings.from_env({}).mtls_modus is MtlsModus.UIT
    production = {
        "DEELPOORT_ENV": "production",
        "DEELPOORT_KEYS_JSON": "{}",
        "DEELPOORT_SECRET_KEY": SECRET,
        "DEELPOORT_VERTROUWDE_PROXIES": "127.0.0.1",
        "DEELPOORT_VERNIETIGINGSJOURNAAL": "/var/lib/deelpoort/vernietigingsjournaal.jsonl",
    }
    assert Settings.from_env(production).mtls_modus is MtlsModus.VERPLICHT
    assert Settings.from_env({**production, "DEELPOORT_MTLS": "optioneel"}).mtls_modus is MtlsModus.OPTIONEEL
    assert Settings.from_env({"DEELPOORT_MTLS": "verplicht"}).mtls_modus is MtlsModus.VERPLICHT


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEELPOORT_MTLS": "aan"}, "DEELPOORT_MTLS: must be 'uit', 'optioneel' or 'verplicht'"),
        ({"DEELPOORT_VERTROUWDE_PROXIES": "nginx.local"}, "DEELPOORT_VERTROUWDE_PROXIES: 'nginx.local' is not"),
        ({"DEELPOORT_VERTROUWDE_PROXIES": "10.0.0.1/24"}, "host bits clear"),
        ({"DEELPOORT_VERTROUWDE_PROXIES": "127.0.0.1,300.1.1.1"}, "'300.1.1.1' is not"),
        ({"DEELPOORT_VERTROUWDE_PROXIES": "0.0.0.0/0"}, "must not trust every address"),
        ({"DEELPOORT_VERTROUWDE_PROXIES": "::/0"}, "must not trust every address"),
    ],
    ids=["modus", "naam", "hostbits", "ongeldig-ip", "alles-v4", "alles-v6"],
)
def test_invalid_mtls_settings_are_refused(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(env)


@pytest.mark.parametrize(
    ("adres", "vertrouwd"),
    [
        ("127.0.0.1", True),
        ("10.1.2.14", True),
        ("10.1.2.16", False),
        ("::1", True),
        ("::ffff:127.0.0.1", True),  # an IPv4 peer on a dual-stack socket
        ("127.0.0.2", False),
        ("", False),
        (None, False),
        ("localhost", False),
        ("127.0.0.1, 10.9.9.9", False),  # an address, never a list a header could carry
    ],
)
def test_trusted_proxies_are_addresses_and_networks(adres: str | None, vertrouwd: bool) -> None:
    settings = Settings.from_env({"DEELPOORT_VERTROUWDE_PROXIES": " 127.0.0.1 , 10.1.2.0/28,::1,"})
    assert settings.vertrouwde_proxy(adres) is vertrouwd


def test_no_trusted_proxy_by_default() -> None:
    assert Settings.from_env({}).vertrouwde_proxies == ()
    assert not Settings.from_env({}).vertrouwde_proxy("127.0.0.1")
