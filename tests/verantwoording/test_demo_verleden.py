"""The demo has a past (issue 24 point 1): `deelpoort demo` logs a year of a region's work, mostly on working days
in office hours, so the FG's monthly chart and signals show something true, and the log still verifies.

One demo per database (module scope: the install takes seconds), read by every test here."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from service import create_app
from service.audit.record import parse
from service.bootstrap import build_services
from service.cli import main
from service.demo import beheerjaar
from service.demo import verstrekkingen as demo
from service.demo.regio import generate_region
from service.domain.casus import Gebruiker, utcnow
from service.domain.kalender import lokaal
from service.domain.verantwoording import Drempels, Selectie, Signaal
from service.service_layer.logboek import controle as logboek
from service.service_layer.services import Services
from service.service_layer.verantwoording import raadplegen, signalering
from service.settings import Settings
from service.web import beheerlijst
from tests.bureau.conftest import ingelogd, tekst
from tests.helpers.databases import Inhoud, Templates, postgres_or_skip

pytestmark = pytest.mark.slow

FG = Gebruiker("f" * 32, "bureau-zvh-drenthe", "fg", "fg test")  # the Bureau's FG sees the whole region


@dataclass(frozen=True)
class Demo:
    settings: Settings
    services: Services
    credentials: list[dict[str, str]]


def _install(url: str, instance: Path, keys_dir: Path) -> Demo:
    env = {"DEELPOORT_INSTANCE_PATH": str(instance), "DEELPOORT_DATABASE_URL": url, "DEELPOORT_KEYS_DIR": str(keys_dir)}
    result = CliRunner().invoke(main, ["demo", "--no-serve"], env=env)
    assert result.exit_code == 0, result.output
    settings = Settings(instance_path=instance, database_url=url, keys_dir=keys_dir)
    credentials = json.loads((instance / "demo-credentials.json").read_text())["gebruikers"]
    return Demo(settings, build_services(settings), credentials)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def installed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, templates: Templates, keys_dir: Path
) -> Iterator[Demo]:
    folder = tmp_path_factory.mktemp("demo-verleden")
    if request.param == "sqlite":
        found = _install(templates.sqlite(Inhoud.LEEG, folder / "demo.sqlite3"), folder / "instance", keys_dir)
        yield found
        found.services.engine.dispose()
        return
    postgres_or_skip()
    with templates.postgresql(Inhoud.LEEG) as url:
        found = _install(url, folder / "instance", keys_dir)
        yield found
        found.services.engine.dispose()


def _records(services: Services) -> list[dict[str, object]]:
    with services.uow() as uow:
        return [parse(stored.record) for stored in uow.log.records()]


def _tijd(record: dict[str, object]) -> dt.datetime:
    return dt.datetime.fromisoformat(str(record["tijd"]))


def test_the_monthly_chart_has_more_than_six_months(installed: Demo) -> None:
    overzicht = signalering.overzicht(installed.services, FG)
    gevuld = [maand for maand, aantal in overzicht.per_maand if aantal > 0]
    assert len(gevuld) > 6, overzicht.per_maand
    # No month towers over the others: the year's work is spread, not stamped at the install.
    assert max(n for _, n in overzicht.per_maand) < 4 * min(n for _, n in overzicht.per_maand if n), overzicht


def test_the_records_fall_in_office_hours_but_for_a_few(installed: Demo) -> None:
    records = [r for r in _records(installed.services) if r["partner"] != "deelpoort"]
    buiten = [r for r in records if not _kantoortijd(_tijd(r), Drempels())]
    assert records and len(buiten) < len(records) / 20, (len(buiten), len(records))
    assert buiten  # true exceptions exist (the evening requests), so the rule has something to find


def _kantoortijd(moment: dt.datetime, drempels: Drempels) -> bool:
    local = lokaal(moment)
    return local.weekday() < 5 and drempels.kantoor_van <= local.hour < drempels.kantoor_tot


def test_each_signal_is_a_real_case_and_few_are_about_office_hours(installed: Demo) -> None:
    drempels = signalering.drempels_uit(installed.settings)
    found = signalering.signalen(installed.services, FG, drempels)
    soorten = {s.soort for s in found}
    assert {"volume", "weigeringen", "buiten-kantoortijd"} <= soorten, found
    assert sum(s.soort == "buiten-kantoortijd" for s in found) < len(found) / 3, found
    # Only the partners of the demo's scenarios: no signal arises from the demo's ordinary work.
    scenarios = {"bureau-zvh-drenthe", demo.WEIGERINGEN[0], demo.AVONDEN[0]}
    assert {s.partner for s in found} <= scenarios, found
    for signaal in found:
        _assert_records_have_the_property(installed.services, signaal, drempels)


def _assert_records_have_the_property(services: Services, signaal: Signaal, drempels: Drempels) -> None:
    """The records the signal's link opens (the list of the partner's requests since the window's first day, the
    refused ones for weigeringen: `fg/signalen.html`) really are what it says they are."""
    van = (utcnow() - dt.timedelta(days=drempels.venster_dagen)).date()
    selectie = Selectie(
        partner=signaal.partner,
        uitkomst="geweigerd" if signaal.soort == "weigeringen" else None,
        van=dt.datetime(van.year, van.month, van.day, tzinfo=dt.UTC),  # as the list reads its `van` filter
    )
    regels = list(raadplegen.alle_verstrekkingen(services, FG, selectie, limiet=10_000))
    assert all(r.partner == signaal.partner for r in regels), signaal
    tijden = [dt.datetime.fromisoformat(r.tijd) for r in regels]
    match signaal.soort:
        case "volume":
            assert len(regels) >= signaal.aantal >= drempels.volume_minimum, signaal
        case "weigeringen":
            assert all(r.uitkomst == "geweigerd" for r in regels), signaal
            assert len(regels) >= signaal.aantal >= drempels.weigeringen, signaal
        case "buiten-kantoortijd":
            buiten = [t for t in tijden if not _kantoortijd(t, drempels)]
            assert len(buiten) >= signaal.aantal >= drempels.buiten_kantoortijd, signaal
        case _:
            pytest.fail(f"the demo made a signal it does not mean to: {signaal}")


def test_the_log_verifies_and_runs_forward_in_time(installed: Demo) -> None:
    services = installed.services
    assert logboek.verifieer(services).ok
    tijden = [_tijd(r) for r in _records(services)]
    assert tijden == sorted(tijden)  # appended in time order
    assert tijden[-1] - tijden[0] > dt.timedelta(days=330)  # a year's log
    with services.uow() as uow:
        checkpoints = uow.log.checkpoints()
    assert [c.tijd for c in checkpoints] == sorted(c.tijd for c in checkpoints)
    for checkpoint in checkpoints:  # signed when its last record was there (a checkpoint's time is in whole
        laatste = tijden[checkpoint.grootte - 1].replace(microsecond=0)  # seconds), not before, nor at the install
        tijd = checkpoint.tijd if checkpoint.tijd.tzinfo else checkpoint.tijd.replace(tzinfo=dt.UTC)
        assert laatste <= tijd < laatste + dt.timedelta(days=1), checkpoint.grootte


def test_no_record_about_a_casus_before_its_aanmelding(installed: Demo) -> None:
    services = installed.services
    region = generate_region(services.convenant, seed=2023, today=dt.date.today())  # what `deelpoort demo` made
    aangemeld = {c.id: c.aangemeld_op for c in region.casussen}
    over_casussen = [r for r in _records(services) if r.get("casus")]
    assert len({r["casus"] for r in over_casussen}) > 400
    te_vroeg = [r for r in over_casussen if r["casus"] in aangemeld and _tijd(r) < aangemeld[str(r["casus"])]]
    assert not te_vroeg, te_vroeg[:3]


def test_the_signals_page_links_each_signal_to_its_records(installed: Demo) -> None:
    token = next(c["token"] for c in installed.credentials if c["partner"] == FG.partner_id and c["rol"] == "fg")
    app = create_app(installed.settings)
    try:
        client = ingelogd(app, token)
        pagina = tekst(client.get("/fg/signalen"))
        found = signalering.signalen(installed.services, FG, signalering.drempels_uit(installed.settings))
        links = [deel.split('"')[0] for deel in pagina.split('<a class="signaalrecords" href="')[1:]]
        assert len(links) == len(found)
        for link, signaal in zip(links, found, strict=True):
            assert f"partner={signaal.partner}" in link.replace("&amp;", "&")
            assert client.get(link.replace("&amp;", "&")).status_code == 200
    finally:
        app.extensions["deelpoort"].engine.dispose()


# --- the year's beheer (demo/beheerjaar.py) ------------------------------------------------------------------


def _beheer(services: Services) -> list[dict[str, object]]:
    return [r for r in _records(services) if r["doel"] == "beheer"]


def _binnen(beheer: list[dict[str, object]]) -> dict[object, dt.datetime]:
    """Per gebruiker, since when it could act: its creation, or the approval of its four-eyes proposal."""
    out: dict[object, dt.datetime] = {}
    for record in beheer:
        komt = record["uitkomst"] == "aangemaakt" or (
            record["onderwerp"] == "gebruiker-toevoeging" and record["uitkomst"] == "activering"
        )
        if komt and record["betreft"] not in out:
            out[record["betreft"]] = _tijd(record)
    return out


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def test_the_beheer_history_spreads_over_the_year_in_office_hours(installed: Demo) -> None:
    beheer = _beheer(installed.services)
    maanden = {_tijd(r).strftime("%Y-%m") for r in beheer}
    assert len(maanden) >= 8, sorted(maanden)
    buiten = [r for r in beheer if not _kantoortijd(_tijd(r), Drempels())]
    assert not buiten, buiten[:2]
    soorten = {(r["onderwerp"], r["uitkomst"]) for r in beheer}
    assert {
        ("gebruiker", "aangemaakt"),
        ("gebruiker", "token-uitgifte"),
        ("gebruiker", "token-vernieuwd"),
        ("gebruiker", "token-intrekking"),
        ("gebruiker", "verwijderd"),
        ("gebruiker-toevoeging", "goedkeuring"),
        ("beleid", "activering"),
        ("beleid", "afwijzing"),
        ("partner-schorsing", "activering"),
        ("partner-herstel", "activering"),
    } <= soorten, soorten


def test_every_beheer_step_is_one_the_use_cases_allow(installed: Demo) -> None:
    """Beheerders act (the installatie only at bootstrap), never on their own proposal, and nobody acts before
    it could; a koppeling renews its own token, and an FG's token is its own (never from another beheerder)."""
    beheer = _beheer(installed.services)
    binnen = _binnen(beheer)
    indieners = {r["voorstel"]: r["gebruiker"] for r in beheer if r["uitkomst"] == "voorstel"}
    for record in beheer:
        if record["uitkomst"] in ("goedkeuring", "afwijzing", "activering"):
            assert record["gebruiker"] != indieners[record["voorstel"]], record
        if record["partner"] == "installatie":
            assert record["uitkomst"] in ("aangemaakt", "token-uitgifte") and record["toelichting"] == "bootstrap"
            continue
        assert record["gebruiker"] in binnen and binnen[record["gebruiker"]] <= _tijd(record), record
        eigen = record["gebruiker"] == record["betreft"]
        if record["uitkomst"] == "token-vernieuwd":
            assert eigen and record["betreftSoort"] == "systeem", record
        elif record["uitkomst"] == "token-uitgifte" and record["betreftRol"] in ("fg", "beheerder"):
            assert eigen, record
        else:
            assert record["rol"] == "beheerder", record


def test_the_stored_state_agrees_with_the_beheer_records(installed: Demo) -> None:
    services = installed.services
    beheer = _beheer(services)
    activeringen = [
        (_tijd(r), r["versieNa"]) for r in beheer if r["onderwerp"] == "beleid" and r["uitkomst"] == "activering"
    ]
    with services.uow() as uow:
        opgeslagen = uow.beleid.activations()
        voorstellen = uow.voorstellen.list()
        actief = uow.beleid.active_version()
        partners_actief = [uow.voorstellen.partner_actief(p.id) for p in services.convenant.partners]
        gebruikers = {c["gebruiker"]: uow.gebruikers.get(c["gebruiker"]) for c in installed.credentials}
    # The installatie's version, a change in force for months, and that version again (what policies/ holds).
    assert [(_utc(a.geactiveerd_op), a.versie) for a in opgeslagen[1:]] == activeringen
    assert len(activeringen) == 2 and activeringen[0][1] != actief and activeringen[1][1] == actief
    assert opgeslagen[0].versie == actief and opgeslagen[0].door == "installatie"
    assert all(partners_actief)  # the suspension was lifted
    # Each proposal as its records say: one waits for the second beheerder, one was rejected.
    besluiten = {(r["voorstel"], r["uitkomst"]): _tijd(r) for r in beheer if r["voorstel"]}
    assert sorted(v.status.value for v in voorstellen).count("open") == 1
    assert [v.soort.value for v in voorstellen if v.status.value == "afgewezen"] == ["beleid"]
    for voorstel in voorstellen:
        assert _utc(voorstel.voorgesteld_op) == besluiten[(voorstel.id, "voorstel")]
        if voorstel.beoordeeld_op is not None:
            uitkomst = "goedkeuring" if voorstel.status.value == "goedgekeurd" else "afwijzing"
            assert _utc(voorstel.beoordeeld_op) == besluiten[(voorstel.id, uitkomst)]
    # Every demo gebruiker was created when its record says, by a record in the history.
    gemaakt = {
        r["betreft"]: _tijd(r)
        for r in beheer
        if r["uitkomst"] == "aangemaakt" or (r["onderwerp"] == "gebruiker-toevoeging" and r["uitkomst"] == "voorstel")
    }
    for gebruiker_id, gegevens in gebruikers.items():
        assert gegevens is not None and _utc(gegevens.aangemaakt_op) == gemaakt[gebruiker_id], gebruiker_id


def test_the_verstrekkingen_follow_the_beheer_year(installed: Demo) -> None:
    """No request before its gebruiker could ask or while its partner was suspended, and each decided under the
    policy version active at its moment (the months of the change included)."""
    records = _records(installed.services)
    beheer = [r for r in records if r["doel"] == "beheer"]
    binnen = _binnen(beheer)
    verstrekkingen = [r for r in records if r["soort"] == "verstrekking"]
    assert verstrekkingen
    for record in verstrekkingen:
        assert record["gebruiker"] in binnen and binnen[record["gebruiker"]] <= _tijd(record), record
    schorsing = [_tijd(r) for r in beheer if r["onderwerp"].startswith("partner-") and r["uitkomst"] == "activering"]
    van, tot = schorsing
    van_de_partner = [r for r in verstrekkingen if r["partner"] == beheerjaar.GESCHORST]
    assert van_de_partner  # a partner at work (the window rule itself: tests/unit/test_beheerjaar.py)
    assert not [r for r in van_de_partner if van <= _tijd(r) < tot]
    versies = [
        (_tijd(r), r["versieNa"]) for r in beheer if r["onderwerp"] == "beleid" and r["uitkomst"] == "activering"
    ]
    eerst = next(r["versieVoor"] for r in beheer if r["onderwerp"] == "beleid")

    def versie_op(moment: dt.datetime) -> object:
        return ([eerst] + [v for t, v in versies if t <= moment])[-1]

    beslist = [r for r in verstrekkingen if r["beleidsversie"] is not None]
    assert all(r["beleidsversie"] == versie_op(_tijd(r)) for r in beslist)
    assert any(r["beleidsversie"] == versies[0][1] for r in beslist)  # some were decided under the change


def test_the_open_proposal_waits_for_the_other_beheerder(installed: Demo) -> None:
    beheerders = sorted((c for c in installed.credentials if c["rol"] == "beheerder"), key=lambda c: c["naam"])
    app = create_app(installed.settings)
    try:
        pagina = {c["naam"]: tekst(ingelogd(app, c["token"]).get("/beheer/")) for c in beheerders}
        geschiedenis = tekst(ingelogd(app, beheerders[0]["token"]).get("/beheer/geschiedenis?groep=besluiten"))
    finally:
        app.extensions["deelpoort"].engine.dispose()
    indiener, tweede = pagina[beheerders[1]["naam"]], pagina[beheerders[0]["naam"]]
    # Versions and activations name their proposal by its day, never by its id.
    zichtbaar = re.sub(r"<[^>]+>", " ", tweede)
    assert "voorstel van" in zichtbaar and not re.search(r"\b[0-9a-f]{32}\b", zichtbaar)
    assert "wacht op een tweede beheerder" in indiener and "Bekijken en beoordelen" not in indiener
    assert "Bekijken en beoordelen" in tweede
    assert "Terug naar de vorige versie" in geschiedenis and "Afgewezen: strafrechtelijke gegevens" in geschiedenis


def test_the_history_pages_group_the_year_and_each_count_opens_exactly_that(installed: Demo) -> None:
    """A year's history is mostly token records: both history pages offer the decisions apart, each group's count
    opens a list stating that total, and the pages together hold every record of the group."""
    beheerder = next(c for c in installed.credentials if c["rol"] == "beheerder")
    fg = next(c for c in installed.credentials if c["partner"] == FG.partner_id and c["rol"] == "fg")
    aantal = len(_beheer(installed.services))
    app = create_app(installed.settings)
    try:
        for token, pad in ((beheerder["token"], "/beheer/geschiedenis"), (fg["token"], "/fg/beheer")):
            client = ingelogd(app, token)
            pagina = tekst(client.get(pad))
            assert f"Alles ({aantal})" in pagina
            groepen = re.findall(r'href="\?groep=(\w+)" data-groep="\w+">[^<]*\((\d+)\)', pagina)
            assert {g for g, _ in groepen} == {"besluiten", "gebruikers", "tokens"}
            assert sum(int(n) for _, n in groepen) == aantal
            for groep, n in groepen:
                lijst = tekst(client.get(f"{pad}?groep={groep}"))
                assert f'data-aantal="{n}"' in lijst, (pad, groep)
                paginas = -(-int(n) // beheerlijst.PER)
                rijen = 0
                for nummer in range(1, paginas + 1):
                    deel = tekst(client.get(f"{pad}?groep={groep}&pagina={nummer}"))
                    rijen += len(re.findall(r"<tr class=\"(?:handeling|beheer)-", deel))
                assert rijen == int(n), (pad, groep)
            assert client.get(f"{pad}?groep=onzin").status_code == 400
    finally:
        app.extensions["deelpoort"].engine.dispose()
