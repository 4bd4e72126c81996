"""The pure core of a correctie (`domain.correctie`): where disputed velden are routed, and when a verzoek counts
as corrected or what an erasure deletes."""

from __future__ import annotations

import datetime as dt

import pytest

from service.domain.convenant import Regime
from service.domain.correctie import (
    CASUS,
    Correctieverzoek,
    Herkomst,
    Status,
    VerzoekSoort,
    niet_gecorrigeerd,
    routeer,
    van_bron,
)

T0 = dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC)
ZO, DAN, LATER = T0 - dt.timedelta(days=1), T0, T0 + dt.timedelta(hours=1)
HERKOMST: Herkomst = {
    ("h", "achternaam"): ("politie", ZO),
    ("h", "psychischeGezondheid"): ("ggd", ZO),
    ("s", "achternaam"): ("politie", ZO),
    (None, "signaalOmschrijving"): ("politie", ZO),
}
CASUSVELDEN = {"signaalOmschrijving", "urgentie"}


@pytest.mark.parametrize(
    ("velden", "ids", "hoofd", "per_bron", "geen"),
    [
        (["psychischeGezondheid", "achternaam"], {"h"}, True,
         {"ggd": (("h", "psychischeGezondheid"),), "politie": (("h", "achternaam"),)}, ()),
        (["achternaam"], {"s"}, False, {"politie": (("s", "achternaam"),)}, ()),
        (["signaalOmschrijving"], {"h"}, True, {"politie": ((CASUS, "signaalOmschrijving"),)}, ()),
        (["signaalOmschrijving", "psychischeGezondheid"], {"s"}, False, {},
         ("psychischeGezondheid", "signaalOmschrijving")),
        (["urgentie", "achternaam", "achternaam"], {"h"}, True, {"politie": (("h", "achternaam"),)}, ("urgentie",)),
        (["achternaam"], {"h", "s"}, False, {"politie": (("h", "achternaam"), ("s", "achternaam"))}, ()),
    ],
    ids=["two-bronnen", "systeemlid", "casus-veld-hoofdpersoon", "casus-veld-not-hers", "no-value", "twice-in-casus"],
)  # fmt: skip
def test_routeer_sends_each_place_to_its_bron(
    velden: list[str],
    ids: set[str],
    hoofd: bool,
    per_bron: dict[str, tuple[tuple[str, str], ...]],
    geen: tuple[str, ...],
) -> None:
    routering = routeer(velden, CASUSVELDEN, ids, hoofd, HERKOMST)
    assert dict(routering.per_bron) == per_bron
    assert routering.geen_waarde == geen


def _verzoek(*plaatsen: tuple[str, str]) -> Correctieverzoek:
    return Correctieverzoek(
        "v", "a", VerzoekSoort.CORRECTIE, Regime.REGULIER, "c", ("h",), plaatsen, "politie",
        Status.DOORGESTUURD, DAN, DAN, "fg", "bureau",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("herkomst", "open_velden"),
    [
        (HERKOMST, ("achternaam", "signaalOmschrijving")),  # nothing new yet
        ({**HERKOMST, ("h", "achternaam"): ("politie", LATER)}, ("signaalOmschrijving",)),
        ({("h", "achternaam"): ("politie", LATER), (None, "signaalOmschrijving"): ("politie", LATER)}, ()),
        ({("h", "achternaam"): ("ggd", LATER), (None, "signaalOmschrijving"): ("politie", LATER)}, ("achternaam",)),
        ({(None, "signaalOmschrijving"): ("politie", LATER)}, ("achternaam",)),  # deleted is not corrected
    ],
    ids=["before", "one-new", "all-new", "other-bron", "gone"],
)
def test_gecorrigeerd_needs_a_new_value_of_the_bron_at_every_place(
    herkomst: Herkomst, open_velden: tuple[str, ...]
) -> None:
    verzoek = _verzoek(("h", "achternaam"), (CASUS, "signaalOmschrijving"))
    assert niet_gecorrigeerd(verzoek, herkomst) == open_velden


def test_an_erasure_deletes_only_what_the_bron_still_holds() -> None:
    verzoek = _verzoek(("h", "achternaam"), ("h", "psychischeGezondheid"), (CASUS, "signaalOmschrijving"))
    assert van_bron(verzoek, HERKOMST) == (("h", "achternaam"), (None, "signaalOmschrijving"))
