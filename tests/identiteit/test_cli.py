"""`deelpoort gebruikers ...`: bootstrap once, then the same rules as the API with a beheerder's token file."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner, Result
from flask import Flask
from flask.testing import FlaskClient

from service.cli import main
from service.service_layer.services import Services
from service.settings import Settings
from tests.helpers.beheer import approve
from tests.helpers.casus import bearer

BUREAU = "bureau-zvh-drenthe"
TOKEN = re.compile(r"dp_[0-9a-f]{32}_[A-Za-z0-9_-]{43}")


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["gebruikers", *args])


def token_file(tmp_path: Path, token: str, name: str = "token") -> str:
    path = tmp_path / name
    path.write_text(token + "\n", encoding="ascii")
    return str(path)


def bootstrap(*extra: str) -> Result:
    return run("bootstrap", "--partner", BUREAU, "--naam", "Synthetische beheerder A", "--naam", "B", *extra)


def _systeem(token_bestand: str) -> str:
    """A new police system added by the beheerder of `token_bestand`: its gebruiker id (the first word printed)."""
    created = run(
        "toevoegen", "--token-bestand", token_bestand, "--partner", "politie-noord-nederland", "--rol",
        "casusregisseur", "--soort", "systeem", "--naam", "Synthetisch bronsysteem", "--toelichting", "Aansluiting.",
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    return created.output.split()[0]


def test_bootstrap_creates_two_working_beheerders_once(
    cli_settings: Settings, app: Flask, client: FlaskClient, services: Services
) -> None:
    first = bootstrap("--oidc-issuer", "https://idp.example", "--oidc-subject", "a-1", "--oidc-subject", "b-1")
    assert first.exit_code == 0, first.output
    tokens = TOKEN.findall(first.output)
    assert len(tokens) == 2
    for token in tokens:
        assert client.get("/v1/gebruikers", headers=bearer(token)).status_code == 200
    listed = client.get("/v1/gebruikers?rol=beheerder", headers=bearer(tokens[0])).get_json()["gebruikers"]
    assert {g["oidc"]["subject"] for g in listed} == {"a-1", "b-1"}
    with services.uow() as uow:
        size = uow.log.size()
    second = bootstrap()
    assert second.exit_code == 1
    assert "only once" in second.output
    assert not TOKEN.search(second.output)
    with services.uow() as uow:
        assert uow.log.size() == size  # nothing recorded by the refused run
    history = client.get("/v1/beleid/geschiedenis", headers=bearer(tokens[0])).get_json()["gebeurtenissen"]
    assert [h["handeling"] for h in history] == ["aangemaakt", "token-uitgifte"] * 2
    assert {h["gebruiker"] for h in history} == {"installatie"}


def test_bootstrap_refuses_bad_input_and_a_beheerder_outside_the_bureau(cli_settings: Settings, app: Flask) -> None:
    one = run("bootstrap", "--partner", BUREAU, "--naam", "Alleen")
    assert one.exit_code == 1 and "exactly two" in one.output
    elsewhere = run("bootstrap", "--partner", "politie-noord-nederland", "--naam", "A", "--naam", "B")
    assert elsewhere.exit_code == 1 and "Bureau" in elsewhere.output
    half = bootstrap("--oidc-subject", "a-1")
    assert half.exit_code == 1
    assert "deelpoort: geef --oidc-issuer en één --oidc-subject per --naam, of geen van beide" in half.output
    assert bootstrap().exit_code == 0  # nothing of the refused runs stood in the way


def test_commands_act_as_the_beheerder_of_the_token_file_with_four_eyes(
    cli_settings: Settings, app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    a, b = TOKEN.findall(bootstrap().output)
    as_a = token_file(tmp_path, a)
    gebruiker_id = _systeem(as_a)
    issued = run("token", "--token-bestand", as_a, gebruiker_id)
    assert issued.exit_code == 0
    (system,) = TOKEN.findall(issued.output)
    assert client.get("/v1/partners", headers=bearer(system)).status_code == 200
    listed = run("lijst", "--token-bestand", as_a, "--soort", "systeem")
    assert gebruiker_id in listed.output and not TOKEN.search(listed.output)
    assert run("schorsen", "--token-bestand", as_a, gebruiker_id, "--toelichting", "Test.").exit_code == 0
    assert client.get("/v1/partners", headers=bearer(system)).status_code == 401
    # An FG through the command line is a proposal too; the other beheerder approves it over the API.
    fg = run(
        "toevoegen", "--token-bestand", as_a, "--partner", BUREAU, "--rol", "fg", "--soort", "persoon",
        "--naam", "Synthetische FG", "--toelichting", "Nieuwe FG.",
    )  # fmt: skip
    assert fg.exit_code == 0 and "Voorstel" in fg.output
    voorstel = re.search(r"Voorstel ([0-9a-f]{32})", fg.output)
    assert voorstel is not None
    assert approve(client, a, voorstel.group(1)).status_code == 403
    assert approve(client, b, voorstel.group(1)).status_code == 200


def test_a_bad_or_non_beheerder_token_file_is_refused(
    cli_settings: Settings, app: Flask, tmp_path: Path, politie: str
) -> None:
    bad = run("lijst", "--token-bestand", token_file(tmp_path, "dp_niet_goed"))
    assert bad.exit_code == 1
    assert "deelpoort: het token in --token-bestand wordt geweigerd: het token is ongeldig" in bad.output
    not_beheerder = run(
        "schorsen", "--token-bestand", token_file(tmp_path, politie, "p"), "0" * 32, "--toelichting", "x"
    )
    assert not_beheerder.exit_code == 1 and "beheerder" in not_beheerder.output


def test_a_revoked_or_throttled_token_file_is_refused_saying_why(
    cli_settings: Settings, app: Flask, tmp_path: Path
) -> None:
    a, _ = TOKEN.findall(bootstrap().output)
    as_a = token_file(tmp_path, a)
    gebruiker_id = _systeem(as_a)
    issued = run("token", "--token-bestand", as_a, gebruiker_id)
    token_id = re.match(r"token ([0-9a-f]{32}), geldig tot ", issued.output)
    assert token_id is not None, issued.output
    revoked = run("intrekken", "--token-bestand", as_a, gebruiker_id, token_id.group(1))
    assert revoked.exit_code == 0 and f"token {token_id.group(1)} ingetrokken" in revoked.output
    (system,) = TOKEN.findall(issued.output)
    refused = run("lijst", "--token-bestand", token_file(tmp_path, system, "ingetrokken"))
    assert refused.exit_code == 1
    assert "deelpoort: het token in --token-bestand wordt geweigerd: het token is ingetrokken" in refused.output
    # Wrong secrets for beheerder A's token id: refused as invalid, then even the right secret waits.
    wrong = token_file(tmp_path, a[:-43] + "x" * 43, "fout")
    for _ in range(5):
        assert "wordt geweigerd: het token is ongeldig" in run("lijst", "--token-bestand", wrong).output
    throttled = run("lijst", "--token-bestand", as_a)
    assert throttled.exit_code == 1
    assert re.search(r"geweigerd: te veel mislukte pogingen; probeer het over \d+ s opnieuw", throttled.output)
