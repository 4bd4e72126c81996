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


def horizontaal(titel: str, items: list[tuple[str, int]], *, breedte: int = 640, regel: int = 22) -> Grafiek:
    """Horizontal bars (one row per label), for counts per partner."""
    label_ruimte, getal_ruimte = 260, 60
    maximum = max((v for _, v in items), default=0) or 1
    ruimte = breedte - label_ruimte - getal_ruimte
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
