"""The overleg check of the pure decision (`domain.overleg.toets` inside `domain.beslissing.beslis`): a table.

The check runs after the deelname check (an outsider learns nothing of the overleg) and before the fase; the
first failing check is the refusal, so a row with several faults expects the earliest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from service.domain.beslissing import Aanvrager, Verzoek, als_verstrekking, beslis
from service.domain.convenant import Casustype, Fase
from service.domain.overleg import Agendapunt, Overleg, Overlegdeelname, Uitnodiging, Verklaring, deelname
from service.domain.verstrekking import Trace, Weigering
from tests.disclosure.test_beslissing import CASUS_ID, ENDED, NU, POLITIE, casus, feiten

OVERLEG = "0" * 32
AANWEZIG = Uitnodiging(POLITIE, NU, aanwezig=True)
IN_OVERLEG = Verzoek("casusoverleg", overleg=OVERLEG)


def _feiten(feit: Overlegdeelname | None, **changes: object) -> object:
    return feiten(verzoek=changes.pop("verzoek", IN_OVERLEG), overleg=feit, **changes)


SCENARIOS = [
    ("attending", _feiten(Overlegdeelname(OVERLEG, True, AANWEZIG)), None),
    (
        "incidental-with-verklaring",
        _feiten(Overlegdeelname(OVERLEG, True, replace(AANWEZIG, incidenteel=True), True)),
        None,
    ),
    (
        "incidental-without-verklaring",
        _feiten(Overlegdeelname(OVERLEG, True, replace(AANWEZIG, incidenteel=True))),
        Weigering.GEHEIMHOUDING,
    ),
    ("absent", _feiten(Overlegdeelname(OVERLEG, True, replace(AANWEZIG, aanwezig=False))), Weigering.AFWEZIG),
    ("not-recorded", _feiten(Overlegdeelname(OVERLEG, True, replace(AANWEZIG, aanwezig=None))), Weigering.AFWEZIG),
    ("not-invited", _feiten(Overlegdeelname(OVERLEG, True)), Weigering.AFWEZIG),
    ("not-on-agenda", _feiten(Overlegdeelname(OVERLEG, False)), Weigering.OVERLEG),
    ("facts-missing", _feiten(None), Weigering.OVERLEG),  # an overleg named but not loaded: deny
    (
        "wrong-doel",
        _feiten(Overlegdeelname(OVERLEG, True, AANWEZIG), verzoek=Verzoek("plan-van-aanpak", overleg=OVERLEG)),
        Weigering.OVERLEG,
    ),
    (
        "outsider-first",
        _feiten(Overlegdeelname(OVERLEG, False), casus=casus(deelnames=ENDED)),
        Weigering.GEEN_DEELNEMER,
    ),
    ("overleg-before-fase", _feiten(Overlegdeelname(OVERLEG, False), casus=casus(fase=Fase.TRIAGE)), Weigering.OVERLEG),
    (
        "fase-after-overleg",
        _feiten(Overlegdeelname(OVERLEG, True, AANWEZIG), casus=casus(fase=Fase.TRIAGE)),
        Weigering.FASE,
    ),
]


@pytest.mark.parametrize(("facts", "refusal"), [(f, r) for _, f, r in SCENARIOS], ids=[s[0] for s in SCENARIOS])
def test_the_overleg_check_in_its_place(facts: object, refusal: Weigering | None) -> None:
    beslissing = beslis(facts)  # type: ignore[arg-type]
    assert beslissing.weigering == refusal
    if refusal is not None:
        assert beslissing.verstrekt == () and beslissing.onthouden == ()
    else:
        assert beslissing.verstrekt


def test_a_wrong_doel_is_named_as_input_and_the_rest_is_not() -> None:
    fout = beslis(_feiten(Overlegdeelname(OVERLEG, True, AANWEZIG), verzoek=Verzoek("monitoring", overleg=OVERLEG)))  # type: ignore[arg-type]
    assert [name for name, _ in fout.onbekend] == ["overleg"]
    assert beslis(_feiten(Overlegdeelname(OVERLEG, False))).onbekend == ()  # type: ignore[arg-type]


def test_the_record_names_the_overleg_only_when_one_was_named() -> None:
    aanvrager = Aanvrager(
        "v" * 32, NU, POLITIE, "0" * 20, "g1", "deelnemer", CASUS_ID, "casusoverleg", Trace("a" * 32, "b" * 16)
    )
    zonder = als_verstrekking(beslis(feiten()), aanvrager, casus()).as_record()
    met = als_verstrekking(
        beslis(_feiten(Overlegdeelname(OVERLEG, True, AANWEZIG))), replace(aanvrager, overleg=OVERLEG), casus()
    ).as_record()  # type: ignore[arg-type]
    assert "overleg" not in zonder
    assert met["overleg"] == OVERLEG
    assert {k: v for k, v in met.items() if k != "overleg"} == zonder  # nothing else changes


def test_the_facts_of_an_overleg_hold_its_casustype_apart() -> None:
    overleg = Overleg(
        OVERLEG,
        "cter-casustafel",
        Casustype.CTER,
        dt.date(2026, 3, 1),
        "g",
        "bureau",
        NU,
        agenda=(Agendapunt(CASUS_ID, NU, (AANWEZIG,)),),
        verklaringen=(Verklaring(POLITIE, NU, "g"),),
    )
    assert deelname(overleg, OVERLEG, CASUS_ID, Casustype.CTER, POLITIE) == Overlegdeelname(
        OVERLEG, True, AANWEZIG, True
    )
    assert deelname(overleg, OVERLEG, CASUS_ID, Casustype.REGULIER, POLITIE).geagendeerd is False
    assert deelname(overleg, OVERLEG, "d" * 32, Casustype.CTER, POLITIE).geagendeerd is False
    assert deelname(None, OVERLEG, CASUS_ID, Casustype.CTER, POLITIE).geagendeerd is False
