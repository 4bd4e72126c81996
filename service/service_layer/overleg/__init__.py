"""Overleggen: the casusoverleg, procesregieoverleg and a region's thematic tables, with their agenda of casussen.

Invariants:
- An overleg is created and run by a procesregisseur of the Bureau ZVH of the convenant of its soort's casustype
  (others: `NietToegestaanError`); that gebruiker is its voorzitter. A partner that neither chairs nor is
  invited to an overleg gets `NietGevondenError` for it, as for one that does not exist.
- An overleg holds casussen of its soort's casustype only: a CTER casus is never on a regular overleg, nor a
  regular casus on a CTER casustafel (DESIGN invariant 5).
- Only a casus the voorzitter's partner actively takes part in goes on the agenda, and only partners that actively
  take part in that casus are invited or recorded as attending it (else `NietGevondenError`, exactly as for a
  casus the caller may not see). In a CTER casus that means the weegploeg and partners invited under the CTER
  rules (`casus/deelname.py`): an overleg never widens who takes part.
- What is shared in an overleg is a verstrekking (`verstrekking/verstrekken.py`) with doel casusoverleg naming
  the overleg: refused, and logged, unless the casus is on its agenda, the partner is recorded as attending that
  agendapunt and, for an incidental participant, its geheimhoudingsverklaring is recorded.
- The verslag is case data: stored encrypted with the casus's values (veld `verslag`), supplied by the Bureau as a
  bijdrage under the bronregels (logged as its aanlevering), released only by the field policy.
- Everything stored here is metadata (ids, dates, codes, booleans); nothing is changed unless every check passed.
"""
