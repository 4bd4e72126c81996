"""Synthetic persons and values for the demo region: realistic in shape, belonging to nobody.

Invariants:
- Deterministic: the same `random.Random` state gives the same values.
- BSNs come only from the 9999xxxxx range that the BRP test environment uses for fictitious persons, and pass
  the elfproef; e-mail addresses use the reserved domain example.org; phone numbers use the 06-0000 block that
  is not issued to subscribers. Names are random combinations of common Dutch names.
- Every value fits its veld (the demo installer checks each with `normaliseer`, as the API would).
"""

from __future__ import annotations

import datetime as dt
import random

from service.domain.convenant import Veld, Veldtype
from service.domain.veldwaarde import elfproef

VOORNAMEN = [
    "Anna",
    "Bram",
    "Chantal",
    "Daan",
    "Esther",
    "Floor",
    "Gerrit",
    "Hanneke",
    "Ilse",
    "Jan",
    "Kees",
    "Lieke",
    "Marco",
    "Noor",
    "Olga",
    "Piet",
    "Quinten",
    "Roos",
    "Sander",
    "Tineke",
    "Ursula",
    "Vincent",
    "Wendy",
    "Yvonne",
    "Zeger",
    "Arjen",
    "Bianca",
    "Corné",
    "Dewi",
    "Erik",
    "Fenna",
    "Gijs",
    "Harm",
    "Iris",
    "Jeroen",
    "Karin",
    "Luuk",
    "Mirjam",
    "Niels",
    "Oscar",
]
ACHTERNAMEN = [
    "Bakker",
    "Boer",
    "Bos",
    "Brink",
    "Dekker",
    "Dijkstra",
    "Hoekstra",
    "Jansen",
    "Kramer",
    "Kuiper",
    "Meijer",
    "Molenaar",
    "Mulder",
    "Oosterhuis",
    "Postma",
    "Smit",
    "Teunissen",
    "Veenstra",
    "Visser",
    "Vos",
    "Wierenga",
    "Zandstra",
    "Hofstede",
    "Lubbers",
    "Nijenhuis",
    "Schuiling",
    "Timmerman",
    "Wolters",
]
STRATEN = [
    "Dorpsstraat",
    "Kerkstraat",
    "Esweg",
    "Brink",
    "Molenweg",
    "Schoolstraat",
    "Stationsweg",
    "Hoofdweg",
    "Beukenlaan",
    "Torenstraat",
]
TEKSTEN = (
    "Synthetisch: herhaalde meldingen van overlast in de buurt",
    "Synthetisch: zorgmijdend gedrag, afspraken worden niet nagekomen",
    "Synthetisch: zorgen over de veiligheid van kinderen in het gezin",
    "Synthetisch: escalerende conflicten met buren en verhuurder",
    "Synthetisch: dreigende uitzetting door huurachterstand",
    "Synthetisch: meerdere partners zien verward gedrag op straat",
    "Synthetisch: signalen van intimidatie van een ex-partner",
    "Synthetisch: hulpverlening loopt vast zonder gezamenlijke regie",
)


def bsn(rng: random.Random, used: set[str]) -> str:
    """A fresh test-range BSN (9999xxxxx) that passes the elfproef and was not handed out before."""
    while True:
        candidate = f"9999{rng.randrange(100_000):05d}"
        if elfproef(candidate) and candidate not in used:
            used.add(candidate)
            return candidate


def geboortedatum(rng: random.Random, leeftijd: int, today: dt.date) -> dt.date:
    """A birth date that makes a person `leeftijd` years old on `today`."""
    return today - dt.timedelta(days=leeftijd * 365 + rng.randrange(365))


def geboren(rng: random.Random, leeftijd: int, op: dt.date) -> dt.date:
    """A birth date that makes a person exactly `leeftijd` whole years old on `op` (as the annual report counts)."""
    laatste = _jaren_terug(op, leeftijd)
    eerste = _jaren_terug(op, leeftijd + 1) + dt.timedelta(days=1)
    return eerste + dt.timedelta(days=rng.randrange((laatste - eerste).days + 1))


def _jaren_terug(op: dt.date, jaren: int) -> dt.date:
    try:
        return op.replace(year=op.year - jaren)
    except ValueError:  # 29 February in a year without it
        return op.replace(year=op.year - jaren, day=28)


def value_for(veld: Veld, rng: random.Random, today: dt.date) -> object:
    """A plausible synthetic value for any veld, by its type (dates as `datetime.date`)."""
    special = _special(veld.id, rng)
    if special is not None:
        return special
    kind = veld.type
    if kind is Veldtype.JANEE:
        return rng.random() < 0.4
    if kind is Veldtype.GETAL:
        low = veld.minimum or 0
        high = min(veld.maximum if veld.maximum is not None else low + 10, low + 12)
        return rng.randint(low, high)
    if kind is Veldtype.KEUZE:
        return rng.choice(veld.keuzes)
    if kind is Veldtype.KEUZES:
        return sorted(rng.sample(list(veld.keuzes), rng.randint(1, min(2, len(veld.keuzes)))))
    if kind is Veldtype.DATUM:
        return today + dt.timedelta(days=rng.randint(-400, 120))
    if kind is Veldtype.POSTCODE:
        return f"{rng.randint(7700, 9499)} {rng.choice('ABCDEGHJKLMNPRST')}{rng.choice('ABCDEGHJKLMNPRST')}"
    if kind is Veldtype.TELEFOON:
        return f"06 0000 {rng.randrange(10_000):04d}"
    if kind is Veldtype.EMAIL:
        return f"{rng.choice(VOORNAMEN).lower()}.{rng.randrange(100_000)}@example.org"
    if kind is Veldtype.BSN:
        return bsn(rng, set())
    text = f"{rng.choice(TEKSTEN)} ({veld.naam.lower()}, kenmerk {rng.randrange(10**6):06d})."
    return text[: veld.max_lengte] if veld.max_lengte else text


def _special(veld_id: str, rng: random.Random) -> object | None:
    if veld_id in ("voornamen", "roepnaam"):
        return rng.choice(VOORNAMEN)
    if veld_id == "achternaam":
        return rng.choice(ACHTERNAMEN)
    if veld_id == "straat":
        return rng.choice(STRATEN)
    if veld_id == "huisnummer":
        return str(rng.randint(1, 250))
    if veld_id == "tussenvoegsel":
        return rng.choice(("van", "de", "van der", "ter"))
    return None
