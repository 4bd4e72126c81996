"""The proposal forms of /beheer: uploads and changes validated like the API, every problem at once named by file
and line (or text field and line), the input kept, nothing stored; the Dutch messages cover every rule."""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import stream_encode_multipart

from service.domain.errors import OngeldigeInvoerError
from service.meldingen import beheer as beheermeldingen
from service.service_layer.beheer import voorstellen as beheer
from service.service_layer.beheer import weergave as beheerweergave
from service.service_layer.beleid.invoer import Bestand, Toevoeging, Wijziging
from service.service_layer.services import Services
from service.settings import PROJECT_ROOT, Settings
from service.web.beheerformulieren import MAX_BESTAND
from tests.helpers.beheer import ADDED, REMOVED, active, gebruiker_of, toestand
from tests.helpers.web import BEVESTIGD, csrf, html, login, post

POLICIES = sorted((PROJECT_ROOT / "policies").glob("*.csv"))


@pytest.fixture
def a(app: Flask, beheerder_a: str) -> FlaskClient:
    client = app.test_client()
    login(client, beheerder_a)
    return client


def upload(client: FlaskClient, files: list[tuple[str, bytes]], toelichting: str = "Synthetisch.") -> Any:
    """POST the upload form. The multipart body is built in memory: werkzeug's test client would spool a large
    one to a temporary file it never closes (a ResourceWarning, an error under `filterwarnings = error`)."""
    token = csrf(client.get("/beheer/").get_data(as_text=True))
    fields = {"toelichting": toelichting, "csrf_token": token}
    data = MultiDict([*fields.items(), *(("bestanden", FileStorage(io.BytesIO(b), n)) for n, b in files)])
    body, length, boundary = stream_encode_multipart(data, use_tempfile=False)
    return client.post(
        "/beheer/voorstellen/bestanden",
        data=body.read(),
        content_type=f"multipart/form-data; boundary={boundary}",
        headers={"Content-Length": str(length)},
    )


def _policy_files() -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in POLICIES]


def _broken() -> tuple[list[tuple[str, bytes]], str]:
    """The policy files with lines 5, 6 and 7 of the second file broken (as in the API's test)."""
    files = _policy_files()
    name, content = files[1]
    lines = content.decode().splitlines()
    lines[4] = "p, zvh, opperbaas, regulier, triage, bsn, uavg-46-bsn, allow"
    lines[5] = "p, zvh, procesregisseur, regulier, triage, gezondheid, avg-6-1-e-wgs, allow"
    lines[6] = "g, politie-noord-nederland, zvh"
    files[1] = (name, "\n".join(lines).encode())
    return files, name


@pytest.mark.parametrize("toelichting", ["Synthetisch: nieuw beleid.", ""], ids=["with-toelichting", "without"])
def test_an_invalid_upload_shows_every_problem_naming_file_and_line_and_activates_nothing(
    a: FlaskClient, services: Services, toelichting: str
) -> None:
    before = toestand(services)
    files, name = _broken()
    response = upload(a, files, toelichting)
    assert response.status_code == 400
    page = html(response)
    for place, reason in (
        (f"{name}:5", "onbekende rol &#39;opperbaas&#39;"),
        (f"{name}:6", "grondslag &#39;avg-6-1-e-wgs&#39; dekt veld"),
        (f"{name}:7", "alleen p-regels horen in een beleidsbestand"),
    ):
        assert f'<strong class="plaats">{place}</strong>: {reason}' in page, place
    assert page.index(f"{name}:5<") < page.index(f"{name}:6<") < page.index(f"{name}:7<")  # in line order
    assert ("Toelichting</strong>: verplicht" in page) is (not toelichting)  # and with it, still every file problem
    assert f">{toelichting}</textarea>" in page  # the input is kept
    assert "Kies de bestanden opnieuw" in page
    assert toestand(services) == before


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ([("zvh-drenthe.csv", b"p" * (MAX_BESTAND + 1))], "zvh-drenthe.csv</strong>: te groot"),
        (
            [("zvh-drenthe.csv", "p, zvh, procesregisseur, ë".encode("latin-1"))],
            "zvh-drenthe.csv</strong>: geen tekst in UTF-8",
        ),
        ([("Zvh Drenthe.csv", b"# leeg\n")], "Zvh Drenthe.csv</strong>: een bestandsnaam als"),
        ([("a.csv", b"# leeg\n"), ("a.csv", b"# leeg\n")], "a.csv</strong>: elke bestandsnaam mag maar"),
        ([("leeg.csv", b"# niets\n")], "Beleid als geheel</strong>: geen enkele beleidsregel"),
        ([], "Bestanden</strong>: kies minstens één beleidsbestand"),
    ],
    ids=["too-large", "not-utf8", "bad-name", "twice", "no-lines", "none"],
)
def test_bad_uploads_are_named_by_file_and_change_nothing(
    a: FlaskClient, services: Services, files: list[tuple[str, bytes]], expected: str
) -> None:
    before = toestand(services)
    response = upload(a, files)
    assert response.status_code == 400
    assert expected in html(response)
    assert toestand(services) == before


def test_an_upload_larger_than_the_request_limit_is_a_413_page_and_changes_nothing(
    a: FlaskClient, services: Services, settings: Settings
) -> None:
    before = toestand(services)
    response = upload(a, [(f"deel{i}.csv", b"#" * (MAX_BESTAND - 10)) for i in range(3)])
    assert settings.max_body_bytes < 3 * MAX_BESTAND
    assert response.status_code == 413
    assert "Het formulier is te groot" in html(response)
    assert toestand(services) == before


def test_a_valid_upload_becomes_a_proposal_a_second_beheerder_activates(
    app: Flask, a: FlaskClient, services: Services, beheerder_b: str
) -> None:
    files = [(n, c + (ADDED + "\n").encode() if n == "zvh-drenthe.csv" else c) for n, c in _policy_files()]
    made = upload(a, [(n, "\ufeff".encode() + c) for n, c in files])  # a BOM, as spreadsheets write it
    assert made.status_code == 303, made.get_data(as_text=True)
    voorstel_id = made.headers["Location"].rsplit("/", 1)[1]
    assert active(services).version != beheer.voorstel(services, voorstel_id).versie
    b = app.test_client()
    login(b, beheerder_b)
    assert post(b, f"/beheer/voorstellen/{voorstel_id}/goedkeuring", BEVESTIGD).status_code == 303
    assert active(services).version == beheer.voorstel(services, voorstel_id).versie


def test_a_change_names_each_problem_by_its_text_field_and_line_and_keeps_the_input(
    a: FlaskClient, services: Services
) -> None:
    before = toestand(services)
    toevoegen = (
        f"{ADDED}\n\n# een opmerking telt niet mee\np, zvh, opperbaas, regulier, triage, bsn, uavg-46-bsn, allow"
    )
    verwijderen = f"{REMOVED}\np, zvh, procesregisseur, regulier, triage, bsn, avg-6-1-e-wgs, allow"
    response = post(
        a,
        "/beheer/voorstellen/wijziging",
        {
            "toelichting": "Synthetisch.",
            "bestand": "zvh-drenthe.csv",
            "toevoegen": toevoegen,
            "verwijderen": verwijderen,
        },
    )
    assert response.status_code == 400
    page = html(response)
    assert "Toevoegen, regel 4</strong>: onbekende rol" in page
    assert "Verwijderen, regel 2</strong>: deze regel staat niet in het actieve beleid" in page
    assert "Toevoegen, regel 1<" not in page and "Verwijderen, regel 1<" not in page  # those lines are fine
    assert "# een opmerking telt niet mee" in page and "Synthetisch.</textarea>" in page  # the input is kept
    elsewhere = post(
        a, "/beheer/voorstellen/wijziging", {"toelichting": "x", "bestand": "../buiten.csv", "toevoegen": toevoegen}
    )
    assert elsewhere.status_code == 400
    assert html(elsewhere).count("Bestand</strong>: een bestandsnaam als") == 1  # once, not per line
    assert 'value="../buiten.csv"' in html(elsewhere)
    assert toestand(services) == before
    empty = post(a, "/beheer/voorstellen/wijziging", {"toelichting": "x", "bestand": "zvh-drenthe.csv"})
    assert empty.status_code == 400 and "voeg minstens één regel toe" in html(empty)
    long = post(a, "/beheer/voorstellen/wijziging", {"toelichting": "x", "toevoegen": "p" * 1001})
    assert long.status_code == 400 and "Toevoegen, regel 1</strong>: hoogstens 1000 tekens" in html(long)
    assert toestand(services) == before


def test_the_new_proposal_page_shows_the_active_policy_and_every_partner(a: FlaskClient, services: Services) -> None:
    page = html(a.get("/beheer/voorstellen/nieuw"))
    assert REMOVED in page  # to copy a line into "Verwijderen"
    assert 'enctype="multipart/form-data"' in page
    for partner in services.convenant.partners:
        assert f'<option value="{partner.id}"' in page


# Lines breaking every rule of the policy validator (and of the form of a line).
_BAD_LINES = (
    "p, onbekend, procesregisseur, regulier, triage, bsn, uavg-46-bsn, allow",
    "p, zvh, opperbaas, onbekendtype, nieuwsgierigheid, onbekendveld, avg-6-1-e-wgs, misschien",
    "p, zvh, procesregisseur, regulier, triage, bsn, uavg-46-bsn, deny",
    "p, zvh, procesregisseur, *, triage, bsn, uavg-46-bsn, allow",
    "p, zvh, procesregisseur, regulier, triage, bsn, verzonnen-grond, allow",
    "p, zvh, procesregisseur, cter, routeeroverleg, bsn, wet-pga-2, allow",
    "p, zvh, procesregisseur, regulier, triage, bsn, wet-pga-2, allow",
    "p, zvh, procesregisseur, regulier, triage, radicalisering, avg-6-1-e-wgs, allow",
    "p, cosis, deelnemer, cter, casusoverleg, identificatie, wet-pga-3, allow",
    "g, a, b",
    "p, te, weinig",
    "p, zvh, , regulier, triage, bsn, uavg-46-bsn, allow",
)


def test_every_validation_reason_is_translated_to_dutch(services: Services, beheerder_a: str) -> None:
    """If a rule's wording changes in the validator, this fails rather than a page falling back to English."""
    wijziging = Wijziging(
        tuple(Toevoeging("zvh-drenthe.csv", line) for line in _BAD_LINES),
        ("p, zvh, procesregisseur, regulier, triage, bsn, avg-6-1-e-wgs, allow",),
    )
    found = beheerweergave.controleer(services, wijziging=wijziging)
    found += beheerweergave.controleer(services, wijziging=Wijziging())
    found += beheerweergave.controleer(services, bestanden=[Bestand("leeg.csv", "")])
    found += beheerweergave.controleer(services, bestanden=[Bestand("A.csv", ""), Bestand("b.csv", "")] * 26)
    reasons = {reason for _, reason in found}
    assert len(reasons) >= 20
    untranslated = {r for r in reasons if beheermeldingen.reden(r) == r}
    assert not untranslated
    assert any("did not sign" in r for r in reasons) and any("is outside" in r for r in reasons)
    with pytest.raises(OngeldigeInvoerError) as raised:
        beheer.stel_beleid_voor(services, gebruiker_of(services, beheerder_a), " ", versie="a" * 64)
    assert all(beheermeldingen.reden(r) != r for _, r in raised.value.problemen)
