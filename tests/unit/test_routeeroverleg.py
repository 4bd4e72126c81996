"""The routeeroverleg use cases (`service_layer/routeeroverleg/overleg.py`) on fakes: log before anything is
stored or shown, matching by pseudonym within the window, and refusals that store nothing."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
from typing import Any

import pytest

from service.access import Policy, load_policy
from service.domain.casus import Gebruiker
from service.domain.convenant import Convenant
from service.domain.errors import (
    ConflictError,
    DeelpoortError,
    LogNietBeschikbaarError,
    NietGevondenError,
    NietToegestaanError,
    OngeldigeInvoerError,
)
from service.domain.routeeroverleg import Route
from service.domain.verstrekking import Routeerverstrekking, Trace, Uitkomst
from service.service_layer.beleid.actief import installeer
from service.service_layer.routeeroverleg import overleg
from service.service_layer.routeeroverleg.overleg import BesluitInvoer
from service.service_layer.services import Services
from service.settings import PROJECT_ROOT
from tests.unit.fakes import FakeDatabase, FakeLog
from tests.unit.scenario import AGENT, BUREAU, NOW, REGISSEUR

GGD = Gebruiker("g-ggd", "ggd-drenthe", "casusregisseur", "casusregisseur ggd 1")
VT = Gebruiker("g-vt", "veilig-thuis-drenthe", "casusregisseur", "casusregisseur veilig thuis 1")
TRACE = Trace("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331")
VANDAAG = NOW.date()


def pseudoniem(n: int) -> str:
    """A synthetic pseudonym of the right shape (participants make real ones with a key the service lacks)."""
    return hashlib.sha256(f"synthetisch-{n}".encode()).hexdigest()


def gelogd(log: FakeLog, vanaf: int = 0) -> list[tuple[str, Uitkomst]]:
    """(handeling, uitkomst) of each record appended, from record `vanaf` on; every one a Routeerverstrekking."""
    records = log.records[vanaf:]
    assert all(isinstance(r, Routeerverstrekking) for r in records)
    return [(r.handeling, r.uitkomst) for r in records if isinstance(r, Routeerverstrekking)]


def body(n: int = 0, *, dagen_geleden: int = 0, **overrides: Any) -> dict[str, object]:
    fields: dict[str, object] = {
        "pseudoniem": pseudoniem(n),
        "risicoIndicatie": "hoog",
        "contactpunt": "0592 123 456 7",
        "signaaldatum": (VANDAAG - dt.timedelta(days=dagen_geleden)).isoformat(),
    }
    fields.update(overrides)
    return fields


@pytest.fixture(scope="module")
def policy(regio: Convenant) -> Policy:
    return load_policy(PROJECT_ROOT / "policies", regio)


@pytest.fixture
def actief(database: FakeDatabase, policy: Policy) -> FakeDatabase:
    """The database with the policy of `policies/` stored and active (as `installeer` leaves it)."""
    with database.uow() as uow:
        uow.beleid.store(policy.version, policy.model_text, [(x.source, x.values()) for x in policy.lines], "t", NOW)
        uow.beleid.activate(policy.version, "test", "active policy", NOW)
        uow.commit()
    database.commits, database.units = 0, []
    return database


def test_installeer_stores_and_activates_the_policy_on_the_fake(
    fake_services: Services, database: FakeDatabase
) -> None:
    policy, activated = installeer(fake_services, PROJECT_ROOT / "policies", now=NOW)

    assert activated
    assert [a.versie for a in database.state.activeringen] == [policy.version]
    assert installeer(fake_services, PROJECT_ROOT / "policies", now=NOW)[1] is False  # already active
    assert database.commits == 2


def test_a_signal_is_logged_before_it_is_stored(fake_services: Services, actief: FakeDatabase, log: FakeLog) -> None:
    signaal = overleg.signaal_indienen(fake_services, GGD, body(), TRACE, now=NOW)

    [record] = log.records
    assert isinstance(record, Routeerverstrekking)
    assert (record.handeling, record.uitkomst, record.signalen, record.partner) == (
        "signaal",
        Uitkomst.VERSTREKT,
        (signaal.id,),
        GGD.partner_id,
    )
    assert {v.veld for v in record.verstrekt} == {"risicoIndicatie", "contactpunt"}
    assert actief.state.signalen == {signaal.id: signaal}
    assert signaal.match_id is None
    assert actief.commits == 1


def test_signals_of_two_participants_about_one_pseudonym_form_a_match(
    fake_services: Services, actief: FakeDatabase
) -> None:
    eerste = overleg.signaal_indienen(fake_services, GGD, body(dagen_geleden=10), TRACE, now=NOW)
    tweede = overleg.signaal_indienen(fake_services, VT, body(), TRACE, now=NOW)
    derde = overleg.signaal_indienen(fake_services, REGISSEUR, body(dagen_geleden=3), TRACE, now=NOW)

    assert tweede.match_id is not None
    assert derde.match_id == tweede.match_id  # joins the open match
    assert {s.match_id for s in actief.state.signalen.values()} == {tweede.match_id}
    [match] = overleg.matches(fake_services, GGD, TRACE, now=NOW)[0]
    assert [s.id for s in match.signalen] == [eerste.id, derde.id, tweede.id]  # by signal date
    assert match.partners == {GGD.partner_id, VT.partner_id, BUREAU}


@pytest.mark.parametrize(
    ("tweede", "dagen_geleden"),
    [(GGD, 0), (VT, 29)],
    ids=["same-partner-twice", "outside-the-window"],
)
def test_no_match_without_a_second_participant_in_the_window(
    fake_services: Services, actief: FakeDatabase, tweede: Gebruiker, dagen_geleden: int
) -> None:
    overleg.signaal_indienen(fake_services, GGD, body(dagen_geleden=0), TRACE, now=NOW)
    later = overleg.signaal_indienen(fake_services, tweede, body(dagen_geleden=dagen_geleden), TRACE, now=NOW)

    assert later.match_id is None
    assert actief.state.matches == {}


SIGNAAL_WEIGERINGEN: dict[str, tuple[Gebruiker, dict[str, object], type[DeelpoortError], bool]] = {
    # (gebruiker, body, error, whether the refusal itself is logged)
    "not-a-participant": (AGENT, body(), NietToegestaanError, True),
    "a-bsn-as-pseudonym": (GGD, body(pseudoniem="999900122"), OngeldigeInvoerError, False),
    "an-unknown-field": (GGD, body(naam="Synthetisch"), OngeldigeInvoerError, False),
    "risk-off-the-scale": (GGD, body(risicoIndicatie="extreem"), OngeldigeInvoerError, False),
    "a-date-in-the-future": (GGD, body(dagen_geleden=-1), OngeldigeInvoerError, False),
}


@pytest.mark.parametrize(
    ("gebruiker", "invoer", "error", "logged"), SIGNAAL_WEIGERINGEN.values(), ids=SIGNAAL_WEIGERINGEN.keys()
)
def test_refused_signals_store_nothing(
    fake_services: Services,
    actief: FakeDatabase,
    log: FakeLog,
    gebruiker: Gebruiker,
    invoer: dict[str, object],
    error: type[DeelpoortError],
    logged: bool,
) -> None:
    before = copy.deepcopy(actief.state)

    with pytest.raises(error) as raised:
        overleg.signaal_indienen(fake_services, gebruiker, invoer, TRACE, now=NOW)

    assert type(raised.value) is error
    assert gelogd(log) == ([("signaal", Uitkomst.GEWEIGERD)] if logged else [])
    assert actief.commits == 0
    assert actief.state == before


def test_a_signal_the_log_cannot_record_is_not_stored(
    fake_services: Services, actief: FakeDatabase, log: FakeLog
) -> None:
    log.fail = True

    with pytest.raises(LogNietBeschikbaarError):
        overleg.signaal_indienen(fake_services, GGD, body(), TRACE, now=NOW)

    assert (log.attempts, log.records) == (1, [])
    assert actief.state.signalen == {}
    assert actief.commits == 0


def test_matches_show_only_ones_own_and_are_logged(fake_services: Services, actief: FakeDatabase, log: FakeLog) -> None:
    overleg.signaal_indienen(fake_services, GGD, body(1), TRACE, now=NOW)
    overleg.signaal_indienen(fake_services, VT, body(1), TRACE, now=NOW)

    found, _ = overleg.matches(fake_services, REGISSEUR, TRACE, now=NOW)
    assert found == []
    assert gelogd(log)[-1] == ("matches", Uitkomst.LEEG)

    found, _ = overleg.matches(fake_services, VT, TRACE, now=NOW)
    assert [m.partners for m in found] == [{GGD.partner_id, VT.partner_id}]
    record = log.records[-1]
    assert isinstance(record, Routeerverstrekking)
    assert (record.handeling, record.uitkomst, record.matches) == ("matches", Uitkomst.VERSTREKT, (found[0].id,))


def test_matches_are_not_returned_when_the_log_fails(
    fake_services: Services, actief: FakeDatabase, log: FakeLog
) -> None:
    log.fail = True

    with pytest.raises(LogNietBeschikbaarError):
        overleg.matches(fake_services, GGD, TRACE, now=NOW)


def _match(fake_services: Services) -> str:
    overleg.signaal_indienen(fake_services, GGD, body(2), TRACE, now=NOW)
    match_id = overleg.signaal_indienen(fake_services, VT, body(2), TRACE, now=NOW).match_id
    assert match_id is not None
    return match_id


BESLUIT = BesluitInvoer("zvh-procesregie", BUREAU, "avg-6-1-e-wgs", "Synthetisch: regie bij het ZVH.")


def test_a_besluit_is_logged_and_stored(fake_services: Services, actief: FakeDatabase, log: FakeLog) -> None:
    match_id = _match(fake_services)

    match = overleg.besluit_vastleggen(fake_services, GGD, match_id, BESLUIT, TRACE, now=NOW)

    assert match.besluit is not None
    assert (match.besluit.route, match.besluit.besloten_door) == (Route.ZVH_PROCESREGIE, GGD.partner_id)
    assert actief.state.matches[match_id].besluit == match.besluit
    assert gelogd(log)[-1] == ("besluit", Uitkomst.VERSTREKT)


BESLUIT_WEIGERINGEN: dict[str, tuple[Gebruiker, str | None, BesluitInvoer, type[DeelpoortError], str | None]] = {
    # (gebruiker, match id (None: the match), invoer, error, the logged handeling of the refusal)
    "unknown-route": (GGD, None, BesluitInvoer("elders", BUREAU, "avg-6-1-e-wgs", "x"), OngeldigeInvoerError, None),
    "unknown-regie": (
        GGD,
        None,
        BesluitInvoer("zvh-procesregie", "onbekend", "avg-6-1-e-wgs", "x"),
        OngeldigeInvoerError,
        None,
    ),
    "grondslag-outside-the-register": (
        GGD,
        None,
        BesluitInvoer("zvh-procesregie", BUREAU, "wpg-20", "x"),
        OngeldigeInvoerError,
        None,
    ),
    "a-match-without-ones-signal": (REGISSEUR, None, BESLUIT, NietGevondenError, "besluit"),
    "an-unknown-match": (GGD, "f" * 32, BESLUIT, NietGevondenError, "besluit"),
    "not-an-id": (GGD, "../matches", BESLUIT, NietGevondenError, "besluit"),
}


@pytest.mark.parametrize(
    ("gebruiker", "match_id", "invoer", "error", "handeling"),
    BESLUIT_WEIGERINGEN.values(),
    ids=BESLUIT_WEIGERINGEN.keys(),
)
def test_refused_besluiten_store_nothing(
    fake_services: Services,
    actief: FakeDatabase,
    log: FakeLog,
    gebruiker: Gebruiker,
    match_id: str | None,
    invoer: BesluitInvoer,
    error: type[DeelpoortError],
    handeling: str | None,
) -> None:
    match = _match(fake_services)
    before, commits, logged = copy.deepcopy(actief.state), actief.commits, len(log.records)

    with pytest.raises(error) as raised:
        overleg.besluit_vastleggen(fake_services, gebruiker, match_id or match, invoer, TRACE, now=NOW)

    assert type(raised.value) is error
    assert gelogd(log, logged) == ([(handeling, Uitkomst.GEWEIGERD)] if handeling else [])
    assert (actief.commits, actief.state) == (commits, before)


def test_a_second_besluit_is_a_conflict_refused_before_it_is_logged(
    fake_services: Services, actief: FakeDatabase, log: FakeLog
) -> None:
    match_id = _match(fake_services)
    first = overleg.besluit_vastleggen(fake_services, GGD, match_id, BESLUIT, TRACE, now=NOW)
    logged = len(log.records)

    with pytest.raises(ConflictError):
        overleg.besluit_vastleggen(fake_services, VT, match_id, BESLUIT, TRACE, now=NOW)

    assert actief.state.matches[match_id].besluit == first.besluit
    assert len(log.records) == logged  # nothing was exchanged, so nothing is accounted for


def test_a_besluit_the_log_cannot_record_is_not_stored(
    fake_services: Services, actief: FakeDatabase, log: FakeLog
) -> None:
    match_id = _match(fake_services)
    log.fail = True

    with pytest.raises(LogNietBeschikbaarError):
        overleg.besluit_vastleggen(fake_services, GGD, match_id, BESLUIT, TRACE, now=NOW)

    assert actief.state.matches[match_id].besluit is None


def test_verlopen_removes_old_unmatched_signals_and_decided_matches(
    fake_services: Services, actief: FakeDatabase
) -> None:
    oud = overleg.signaal_indienen(fake_services, GGD, body(3, dagen_geleden=20), TRACE, now=NOW)
    match_id = _match(fake_services)
    overleg.besluit_vastleggen(fake_services, GGD, match_id, BESLUIT, TRACE, now=NOW)
    open_match = overleg.signaal_indienen(fake_services, GGD, body(4), TRACE, now=NOW)
    overleg.signaal_indienen(fake_services, VT, body(4), TRACE, now=NOW)

    later = NOW + dt.timedelta(weeks=6, days=1)
    assert overleg.verlopen(fake_services, now=later) == overleg.Verlopen(signalen=3, matches=1)

    assert oud.id not in actief.state.signalen
    assert match_id not in actief.state.matches
    assert {s.pseudoniem for s in actief.state.signalen.values()} == {open_match.pseudoniem}  # waits for its besluit
