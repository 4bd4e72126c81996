"""The verstrekking use case (`service_layer/verstrekking/verstrekken.py`) on fakes: load -> decide -> decrypt
only what is released -> log -> answer, and every refusal logged before it is raised."""

from __future__ import annotations

from collections.abc import Collection

import pytest

from service.domain.casus import Gebruiker
from service.domain.convenant import Fase
from service.domain.errors import (
    CasusVernietigdError,
    GeenBeleidError,
    LogNietBeschikbaarError,
    NietGevondenError,
    NietToegestaanError,
    OngeldigeInvoerError,
)
from service.domain.verstrekking import Trace, Uitkomst, Verstrekking, Weigering
from service.service_layer.beleid.actief import installeer
from service.service_layer.ports import Plaats
from service.service_layer.services import Services
from service.service_layer.verstrekking.verstrekken import Verzoek, verstrekken
from service.settings import PROJECT_ROOT
from tests.unit.fakes import FakeDatabase, FakeLog, FakeVeldwaarden, FakeVersleuteld
from tests.unit.scenario import GGZ, NOW, REGISSEUR, T0, casus_in

TRACE = Trace("1" * 32, "2" * 16)
GGZ_DEELNEMER = Gebruiker("g-ggz-deelnemer", GGZ, "deelnemer", "deelnemer ggz 1")


@pytest.fixture
def beleid(fake_services: Services) -> None:
    installeer(fake_services, PROJECT_ROOT / "policies", now=T0)


@pytest.fixture
def decrypted(monkeypatch: pytest.MonkeyPatch) -> list[frozenset[str] | None]:
    """Every set of velden the use case asked to be decrypted."""
    asked: list[frozenset[str] | None] = []
    original = FakeVersleuteld.ontsleutel

    def spy(
        self: FakeVersleuteld, velden: Collection[str] | None, plaatsen: Collection[Plaats] | None = None
    ) -> object:
        asked.append(None if velden is None else frozenset(velden))
        return original(self, velden, plaatsen)

    monkeypatch.setattr(FakeVersleuteld, "ontsleutel", spy)
    return asked


def casus_met_waarden(database: FakeDatabase, services: Services) -> str:
    casus = casus_in(database, services, fase=Fase.TRIAGE, extra=[(GGZ, "deelnemer")])
    hoofd = casus.betrokkenen[0].id
    waarden = {
        (hoofd, "achternaam"): "Synthetisch",
        (hoofd, "psychischeGezondheid"): "signalen",
        (None, "urgentie"): "hoog",
    }
    with services.uow() as uow:
        uow.veldwaarden.store(casus.id, database.state.data_keys[casus.id], waarden, "politie", T0)
        uow.commit()
    return casus.id


@pytest.mark.usefixtures("beleid")
def test_the_allowed_values_leave_after_their_record_and_only_they_are_decrypted(
    fake_services: Services, database: FakeDatabase, log: FakeLog, decrypted: list[frozenset[str] | None]
) -> None:
    casus_id = casus_met_waarden(database, fake_services)

    uitgifte = verstrekken(
        fake_services, REGISSEUR, casus_id, Verzoek("triage", ("achternaam", "urgentie")), TRACE, now=NOW
    )

    assert [r.id for r in log.records] == [uitgifte.verstrekking.id]  # logged, once, before the answer
    assert uitgifte.verstrekking.uitkomst is Uitkomst.VERSTREKT
    assert {v.veld for v in uitgifte.verstrekking.verstrekt} == {"achternaam", "urgentie"}
    assert dict(uitgifte.casusvelden) == {"urgentie": "hoog"}
    assert [dict(values) for _, values in uitgifte.betrokkenen] == [{"achternaam": "Synthetisch"}]
    assert decrypted == [frozenset({"achternaam", "urgentie"})]  # psychischeGezondheid stayed a token


@pytest.mark.usefixtures("beleid")
def test_a_partner_without_grants_gets_nothing_decrypted_and_the_names_withheld(
    fake_services: Services, database: FakeDatabase, log: FakeLog, decrypted: list[frozenset[str] | None]
) -> None:
    casus_id = casus_met_waarden(database, fake_services)

    uitgifte = verstrekken(fake_services, GGZ_DEELNEMER, casus_id, Verzoek("triage"), TRACE, now=NOW)

    assert uitgifte.verstrekking.uitkomst is Uitkomst.LEEG
    assert set(uitgifte.verstrekking.onthouden) == {"achternaam", "psychischeGezondheid", "urgentie"}
    assert (uitgifte.betrokkenen, dict(uitgifte.casusvelden)) == ((), {})
    assert decrypted in ([], [frozenset()])
    assert log.records == [uitgifte.verstrekking]


@pytest.mark.usefixtures("beleid")
def test_when_the_log_cannot_record_nothing_is_returned(
    fake_services: Services, database: FakeDatabase, log: FakeLog
) -> None:
    casus_id = casus_met_waarden(database, fake_services)
    log.fail = True

    with pytest.raises(LogNietBeschikbaarError):
        verstrekken(fake_services, REGISSEUR, casus_id, Verzoek("triage"), TRACE, now=NOW)
    assert (log.attempts, log.records) == (1, [])


def _refusal(log: FakeLog) -> Verstrekking:
    assert len(log.records) == 1
    record = log.records[0]
    assert isinstance(record, Verstrekking)
    assert (record.uitkomst, record.verstrekt, record.betrokkenen) == (Uitkomst.GEWEIGERD, (), ())
    return record


@pytest.mark.usefixtures("beleid")
@pytest.mark.parametrize(
    ("wie", "verzoek", "welke", "error", "weigering"),
    [
        pytest.param(
            REGISSEUR,
            Verzoek("geen-doel"),
            "bestaat",
            OngeldigeInvoerError,
            Weigering.ONBEKENDE_NAAM,
            id="unknown-doel",
        ),
        pytest.param(
            REGISSEUR,
            Verzoek("triage", ("geenVeld",)),
            "bestaat",
            OngeldigeInvoerError,
            Weigering.ONBEKENDE_NAAM,
            id="unknown-veld",
        ),
        pytest.param(
            REGISSEUR, Verzoek("triage"), "onbekend", NietGevondenError, Weigering.GEEN_DEELNEMER, id="no-such-casus"
        ),
        pytest.param(
            Gebruiker("g-x", "veilig-thuis-drenthe", "deelnemer", "x"),
            Verzoek("triage"),
            "bestaat",
            NietGevondenError,
            Weigering.GEEN_DEELNEMER,
            id="not-a-deelnemer",
        ),
        pytest.param(
            REGISSEUR, Verzoek("casusoverleg"), "bestaat", NietToegestaanError, Weigering.FASE, id="doel-not-in-fase"
        ),
        pytest.param(
            REGISSEUR, Verzoek("triage"), "vernietigd", CasusVernietigdError, Weigering.VERNIETIGD, id="destroyed"
        ),
    ],
)
def test_every_refusal_is_logged_before_it_is_raised(
    fake_services: Services,
    database: FakeDatabase,
    log: FakeLog,
    wie: Gebruiker,
    verzoek: Verzoek,
    welke: str,
    error: type[Exception],
    weigering: Weigering,
    decrypted: list[frozenset[str] | None],
) -> None:
    casus_id = casus_met_waarden(database, fake_services) if welke != "onbekend" else "f" * 32
    if welke == "vernietigd":
        del database.state.data_keys[casus_id]

    with pytest.raises(error):
        verstrekken(fake_services, wie, casus_id, verzoek, TRACE, now=NOW)

    assert _refusal(log).weigering is weigering
    assert decrypted == []


def test_without_a_policy_in_force_nothing_is_shared_and_the_refusal_is_logged(
    fake_services: Services, database: FakeDatabase, log: FakeLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    casus_id = casus_met_waarden(database, fake_services)
    monkeypatch.setattr(FakeVeldwaarden, "versleuteld", lambda *_: pytest.fail("tokens loaded without a policy"))

    with pytest.raises(GeenBeleidError):
        verstrekken(fake_services, REGISSEUR, casus_id, Verzoek("triage"), TRACE, now=NOW)
    assert _refusal(log).weigering is Weigering.GEEN_BELEID


@pytest.mark.usefixtures("beleid")
def test_a_partner_outside_the_casus_never_gets_its_tokens_loaded(
    fake_services: Services, database: FakeDatabase, log: FakeLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    casus_id = casus_met_waarden(database, fake_services)
    monkeypatch.setattr(FakeVeldwaarden, "versleuteld", lambda *_: pytest.fail("tokens loaded for a non-deelnemer"))
    buitenstaander = Gebruiker("g-vt", "veilig-thuis-drenthe", "deelnemer", "deelnemer vt 1")

    with pytest.raises(NietGevondenError):
        verstrekken(fake_services, buitenstaander, casus_id, Verzoek("triage"), TRACE, now=NOW)
    assert _refusal(log).casustype is None
