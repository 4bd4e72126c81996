"""The demo has a past (issue 24 point 1): `deelpoort demo` logs a year of a region's work, mostly on working days
in office hours, so the FG's monthly chart and signals show something true, and the log still verifies.

One demo per database (module scope: the install takes seconds), read by every test here."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from service import create_app
from service.audit.record import parse
from service.bootstrap import build_services
from service.cli import main
from service.demo import verstrekkingen as demo
from service.demo.regio import generate_region
from service.domain.casus import Gebruiker, utcnow
from service.domain.kalender import lokaal
from service.domain.verantwoording import Drempels, Selectie, Signaal
from service.service_layer.logboek import controle as logboek
from service.service_layer.services import Services
from service.service_layer.verantwoording import raadplegen, signalering
from service.settings import Settings
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
