"""Inline SVG bar charts, computed here and drawn by templates (no JavaScript, no external assets, no styles).

Geometry only: a template draws each `Staaf` as a <rect> with presentation attributes and a <title>, which
the CSP `default-src 'self'` permits (no inline `style`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Staaf:
    label: str
    waarde: int
    x: int
    y: int
    breedte: int
    hoogte: int


@dataclass(frozen=True, slots=True)
class Grafiek:
    titel: str
    breedte: int
    hoogte: int
    staven: list[Staaf]
    horizontaal: bool


TEKENBREEDTE = 7  # px per character of a 12 px label, generous for a proportional font (labels are never cut)


def horizontaal(titel: str, items: list[tuple[str, int]], *, staaf: int = 380, regel: int = 22) -> Grafiek:
    """Horizontal bars (one row per label), for counts per partner: the label column is as wide as the longest
    label needs, so a long partner name is shown whole; the bars get `staaf` px."""
    label_ruimte = 12 + TEKENBREEDTE * max((len(label) for label, _ in items), default=10)
    getal_ruimte = 60
    breedte = label_ruimte + staaf + getal_ruimte
    maximum = max((v for _, v in items), default=0) or 1
    ruimte = staaf
    staven = [
        Staaf(label, waarde, label_ruimte, i * regel + 4, max(1, round(ruimte * waarde / maximum)), regel - 8)
        for i, (label, waarde) in enumerate(items)
    ]
    return Grafiek(titel, breedte, max(regel, len(items) * regel + 4), staven, True)


def verticaal(titel: str, items: list[tuple[str, int]], *, hoogte: int = 180, kolom: int = 48) -> Grafiek:
    """Vertical bars (one column per label), for counts per month."""
    onder, boven = 28, 18
    maximum = max((v for _, v in items), default=0) or 1
    ruimte = hoogte - onder - boven
    staven = []
    for i, (label, waarde) in enumerate(items):
        h = round(ruimte * waarde / maximum)
        staven.append(Staaf(label, waarde, i * kolom + 6, boven + ruimte - h, kolom - 12, h))
    return Grafiek(titel, max(kolom, len(items) * kolom + 6), hoogte, staven, False)
