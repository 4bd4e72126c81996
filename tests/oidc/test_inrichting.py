"""The OpenID Connect set-up: the file `DEELPOORT_OIDC_BESTAND` names, the client secrets in the key material,
and how the service refuses to start with either wrong (naming the file and the partner, never a secret)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from service import create_app
from service.cli import main
from service.crypto import KeyMaterialError, generate_key_material, parse_key_material
from service.crypto.material import DEVELOPMENT_KEYS_FILENAME
from service.service_layer.identiteit.oidc_inrichting import (
    OidcInrichtingError,
    OidcPartner,
    controleer_geheimen,
    lees_oidc_bestand,
)
from service.settings import Settings, SettingsError

PARTNERS = {"bureau-zvh-drenthe", "politie-noord-nederland"}
GOED = {"partners": {"bureau-zvh-drenthe": {"issuer": "https://login.bureau.example", "client_id": "deelpoort"}}}
GEHEIM = "a-client-secret-nobody-may-see-0123456789"


def _schrijf(tmp_path: Path, document: Any) -> Path:
    path = tmp_path / "oidc.yaml"
    path.write_text(document if isinstance(document, str) else yaml.safe_dump(document), encoding="utf-8")
    return path


def test_a_valid_file_gives_each_partners_provider(tmp_path: Path) -> None:
    document = {
        "redirect_uri": "https://deelpoort.example/inloggen/oidc/terugkeer",
        "partners": {
            **GOED["partners"],
            "politie-noord-nederland": {"issuer": "https://sts.politie.example/tenant/v2.0", "client_id": "dp"},
        },
    }
    inrichting = lees_oidc_bestand(_schrijf(tmp_path, document), PARTNERS, production=True)
    assert inrichting.redirect_uri == "https://deelpoort.example/inloggen/oidc/terugkeer"
    assert inrichting.partners["politie-noord-nederland"] == OidcPartner(
        "politie-noord-nederland", "https://sts.politie.example/tenant/v2.0", "dp"
    )


def _partner(**values: Any) -> dict[str, Any]:
    return {"partners": {"bureau-zvh-drenthe": {"issuer": "https://login.bureau.example", "client_id": "d", **values}}}


@pytest.mark.parametrize(
    ("document", "production", "expected"),
    [
        ("partners: [", False, "not valid YAML"),
        ("- a list", False, "the file: must be a mapping"),
        ({"partner": {}}, False, "unknown entry 'partner'"),
        ({"redirect_uri": "https://d.example/inloggen/oidc/terugkeer"}, False, "partners: missing"),
        ({"partners": {"ggz-nergenshuizen": {"issuer": "https://x.example", "client_id": "d"}}}, False,
         "partners.ggz-nergenshuizen: not a partner of the convenant"),
        ({"partners": {"bureau-zvh-drenthe": {"client_id": "d"}}}, False,
         "partners.bureau-zvh-drenthe.issuer: required"),
        (_partner(issuer="login.bureau.example"), False, "partners.bureau-zvh-drenthe.issuer: must be an absolute"),
        (_partner(issuer="https://login.bureau.example?tenant=1"), False, "without query or fragment"),
        (_partner(issuer="ftp://login.bureau.example"), False, "must be an absolute http(s) URL"),
        ({**_partner(issuer="http://login.bureau.example"), "redirect_uri": "https://d.example/inloggen/oidc/terugkeer"},
         True, "partners.bureau-zvh-drenthe.issuer: must be an https"),
        (_partner(issuer="https://" + "a" * 300), False, "at most 300 characters"),
        (_partner(client_id=""), False, "partners.bureau-zvh-drenthe.client_id: required"),
        (_partner(client_id=12), False, "partners.bureau-zvh-drenthe.client_id: required"),
        (_partner(secret="s"), False, "partners.bureau-zvh-drenthe: unknown entry 'secret'"),
        (GOED, True, "redirect_uri: required in production"),
        ({**GOED, "redirect_uri": "http://d.example/inloggen/oidc/terugkeer"}, True, "redirect_uri: must be an https"),
        ({**GOED, "redirect_uri": "https://d.example"}, False, "redirect_uri: must name the path"),
        ("partners:\n  bureau-zvh-drenthe: {issuer: 'https://a.example', client_id: a}\n"
         "  bureau-zvh-drenthe: {issuer: 'https://b.example', client_id: b}\n", False, "duplicate key"),
    ],
    ids=[
        "not-yaml", "not-a-mapping", "unknown-top-entry", "no-partners", "unknown-partner", "no-issuer",
        "issuer-not-a-url", "issuer-with-query", "issuer-ftp", "http-in-production", "issuer-too-long",
        "empty-client-id", "client-id-not-text", "secret-in-the-file", "production-without-redirect-uri",
        "http-redirect-uri-in-production", "redirect-uri-without-path", "partner-twice",
    ],
)  # fmt: skip
def test_a_bad_file_is_refused_naming_the_file_and_the_entry(
    tmp_path: Path, document: Any, production: bool, expected: str
) -> None:
    path = _schrijf(tmp_path, document)
    with pytest.raises(OidcInrichtingError) as raised:
        lees_oidc_bestand(path, PARTNERS, production=production)
    assert str(raised.value).startswith(f"{path}: ")
    assert expected in str(raised.value)


def test_a_missing_file_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(OidcInrichtingError, match=r"oidc\.yaml: cannot be read"):
        lees_oidc_bestand(tmp_path / "oidc.yaml", PARTNERS, production=False)


def test_client_secrets_must_belong_to_partners_that_are_set_up(tmp_path: Path) -> None:
    inrichting = lees_oidc_bestand(_schrijf(tmp_path, GOED), PARTNERS, production=False)
    controleer_geheimen(inrichting, {"bureau-zvh-drenthe"}, production=True)
    controleer_geheimen(inrichting, set(), production=False)  # development: a public client is fine
    with pytest.raises(OidcInrichtingError, match=r"oidc_client_secrets\.politie-noord-nederland: partner is not"):
        controleer_geheimen(inrichting, {"bureau-zvh-drenthe", "politie-noord-nederland"}, production=False)
    with pytest.raises(OidcInrichtingError, match=r"production needs its client secret.*bureau-zvh-drenthe"):
        controleer_geheimen(inrichting, set(), production=True)


# --- the secrets in the key material ---------------------------------------------------------------------------


def test_key_material_carries_client_secrets_and_never_shows_them() -> None:
    document = {**generate_key_material(True), "oidc_client_secrets": {"bureau-zvh-drenthe": GEHEIM}}
    material = parse_key_material(document)
    assert material.oidc_client_secrets == {"bureau-zvh-drenthe": GEHEIM}
    assert GEHEIM not in repr(material)
    assert parse_key_material(generate_key_material(True)).oidc_client_secrets == {}


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        (["bureau-zvh-drenthe", GEHEIM], "oidc_client_secrets: not an object"),
        ({"bureau-zvh-drenthe": 12}, "oidc_client_secrets.bureau-zvh-drenthe: missing or not a string"),
        ({"bureau-zvh-drenthe": ""}, "oidc_client_secrets.bureau-zvh-drenthe: missing or not a string"),
        ({"bureau-zvh-drenthe": GEHEIM + " x"}, "oidc_client_secrets.bureau-zvh-drenthe: at most 512 printable"),
        ({"bureau-zvh-drenthe": "s" * 513}, "oidc_client_secrets.bureau-zvh-drenthe: at most 512 printable"),
        ({" ": GEHEIM}, "oidc_client_secrets: an empty partner id"),
    ],
    ids=["a-list", "not-text", "empty", "with-a-space", "too-long", "empty-partner"],
)
def test_malformed_client_secrets_are_refused_by_partner_never_by_value(section: object, expected: str) -> None:
    with pytest.raises(KeyMaterialError) as raised:
        parse_key_material({**generate_key_material(True), "oidc_client_secrets": section})
    assert expected in str(raised.value)
    assert GEHEIM not in str(raised.value)


def test_keys_check_names_the_partners_with_a_secret_never_the_secret(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    path.write_text(
        json.dumps({**generate_key_material(False), "oidc_client_secrets": {"bureau-zvh-drenthe": GEHEIM}}),
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["keys", "check", "--bestand", str(path)], env={})
    assert result.exit_code == 0, result.output
    assert "OpenID Connect-clientgeheimen (oidc_client_secrets) voor: bureau-zvh-drenthe" in result.output
    assert GEHEIM not in result.output


# --- starting the service ----------------------------------------------------------------------------------------


def test_the_setting_names_the_file(tmp_path: Path) -> None:
    settings = Settings.from_env({"DEELPOORT_OIDC_BESTAND": str(tmp_path / "oidc.yaml")})
    assert settings.oidc_bestand == tmp_path / "oidc.yaml"
    with pytest.raises(SettingsError, match="DEELPOORT_OIDC_BESTAND"):
        Settings.from_env({"DEELPOORT_OIDC_BESTAND": " "})


def _keys(settings: Settings, tmp_path: Path, secrets: dict[str, str]) -> Path:
    material = json.loads((settings.keys_dir / DEVELOPMENT_KEYS_FILENAME).read_text(encoding="utf-8"))
    material["oidc_client_secrets"] = secrets
    path = tmp_path / "keys.json"
    path.write_text(json.dumps(material), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("oidc_file", "secrets", "expected"),
    [
        ({"partners": {"nergenshuizen": {"issuer": "https://x.example", "client_id": "d"}}}, {},
         "partners.nergenshuizen: not a partner of the convenant"),
        (GOED, {"politie-noord-nederland": GEHEIM}, "oidc_client_secrets.politie-noord-nederland: partner is not"),
        (None, {"bureau-zvh-drenthe": GEHEIM}, "oidc_client_secrets but DEELPOORT_OIDC_BESTAND is not set"),
    ],
    ids=["unknown-partner", "secret-for-a-partner-not-set-up", "secrets-without-a-set-up"],
)  # fmt: skip
def test_the_service_does_not_start_with_a_set_up_that_does_not_fit(
    settings: Settings, tmp_path: Path, oidc_file: Any, secrets: dict[str, str], expected: str
) -> None:
    extra = {"oidc_bestand": _schrijf(tmp_path, oidc_file)} if oidc_file is not None else {}
    broken = Settings(
        instance_path=settings.instance_path,
        database_url=settings.database_url,
        keys_dir=settings.keys_dir,
        keys_file=_keys(settings, tmp_path, secrets),
        **extra,  # type: ignore[arg-type]
    )
    with pytest.raises(SettingsError) as raised:
        create_app(broken)
    assert expected in str(raised.value)
    assert GEHEIM not in str(raised.value)
