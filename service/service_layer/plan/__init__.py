"""The plan van aanpak of a casus as structure: doelen per leefgebied, acties with an owning partner, a deadline
and a status, afspraken of an overleg, opschalingen, the AVE-fase of a casus about verward gedrag; the
werkvoorraad of overdue acties; and the verstrekking of the plan's texts.

Invariants:
- Who: the regie of the casus (`domain.levensloop.regisseert`) adds and changes every item and sets the
  AVE-fase; an actie's owning partner, while it takes part, may also set that actie's status. Whoever does
  not take part (or has a rol that never does) gets `NietGevondenError`, as for a casus that does not exist; a
  deelnemer without the right gets `NietToegestaanError`.
- Every change checks who, then the input (every problem at once, `OngeldigeInvoerError`), then the fase (the
  plan is kept in procesregie or advies, `ConflictError` otherwise), then the bronregels for the text it
  supplies; nothing is written unless all pass. The change, its history entry and (for a text) its
  aanlevering record commit in one unit of work; a refused aanlevering is logged and nothing is stored.
- A text is case data: it is supplied as an aanlevering of its veld of categorie `plan` (`domain.plan.TEKSTVELD`)
  and leaves the service only in a verstrekking decided, logged and released like any other (`inzage.py`).
  Everything else (codes, ids, dates) is metadata and is shown to the casus's active deelnemers.
"""
