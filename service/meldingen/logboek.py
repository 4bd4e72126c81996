"""Dutch for the problems the log's verification finds (`audit verify`, a restore's check): the texts of
`service.audit.verification` and `service_layer.logboek` (controle, indexcontrole, integriteit).

Invariants:
- Never raises; a problem no pattern knows is returned as it is (it names indexes and sizes, never content).
- Every index, size and time of the English is in the Dutch.
"""

from __future__ import annotations

from service.meldingen.patronen import tabel as _tabel
from service.meldingen.patronen import vertaal as _vertaal

_LOGPROBLEMEN = _tabel(
    (
        r"index (\d+): stored leaf hash does not match the record",
        r"index \1: de opgeslagen bladhash past niet bij het record",
    ),
    (
        r"index (\d+): record missing \(next stored index is (\d+)\)",
        r"index \1: record ontbreekt (de volgende opgeslagen index is \2)",
    ),
    (r"index (\d+): query columns differ from the record", r"index \1: de zoekkolommen wijken af van het record"),
    (
        r"index (\d+): names a betrokkene forgotten by the destruction of another casus",
        r"index \1: noemt een betrokkene die bij de vernietiging van een andere casus vergeten is",
    ),
    (
        r"index (\d+): its lookup rows \(access requests, grondslagen\) differ from the record",
        r"index \1: de opzoekrijen (inzageverzoeken, grondslagen) wijken af van het record",
    ),
    (
        r"index (\d+): lookup rows for a record beyond the (\d+) the tables cover",
        r"index \1: opzoekrijen voor een record voorbij de \2 die de tabellen dekken",
    ),
    (
        r"the lookup tables claim to cover (\d+) records, the log has (\d+)",
        r"de opzoektabellen zeggen \1 records te dekken, het logboek heeft er \2",
    ),
    (
        r"checkpoint of size (\d+): columns differ from its note \((.*)\)",
        lambda m: f"checkpoint van grootte {m[1]}: kolommen wijken af van de notitie ({_kolommen(m[2])})",
    ),
    (
        r"checkpoint of size (\d+): the log's root differs \(a record before it was changed\)",
        r"checkpoint van grootte \1: de wortel van het logboek wijkt af (een record ervoor is veranderd)",
    ),
    (
        r"checkpoint of size (\d+) is beyond the log's (\d+) records",
        r"checkpoint van grootte \1 ligt voorbij de \2 records van het logboek",
    ),
    (r"checkpoint of size (\d+): (.*)", r"checkpoint van grootte \1: de handtekening klopt niet (\2)"),
    (
        r"the log head names the latest checkpoint as (.*), the latest stored is (.*)",
        lambda m: (
            f"de kop van het logboek noemt als laatste checkpoint {_grootte(m[1])}, het laatst opgeslagen is "
            f"{_grootte(m[2])}"
        ),
    ),
    (
        r"the log head says (\d+) records, (\d+) were found in order",
        r"de kop van het logboek zegt \1 records, er zijn er \2 op volgorde gevonden",
    ),
    (
        r"the stored nodes give no consistency proof from size (\d+) to (\d+)",
        r"de opgeslagen knopen geven geen consistentiebewijs van grootte \1 naar \2",
    ),
    (
        r"the checkpoints of sizes (\d+) and (\d+) are not consistent",
        r"de checkpoints van grootte \1 en \2 zijn niet consistent",
    ),
    (
        r"the stored nodes do not give the root at size (\d+)",
        r"de opgeslagen knopen geven de wortel bij grootte \1 niet",
    ),
    (
        r"stored log node at level (\d+), position (\d+) is wrong or missing",
        r"de opgeslagen logknoop op niveau \1, positie \2 is fout of ontbreekt",
    ),
    (
        r"level (\d+) holds (\d+) stored log nodes, the tree has (\d+)",
        r"niveau \1 heeft \2 opgeslagen logknopen, de boom heeft er \3",
    ),
    (
        r"(.*) (\(signing rule: every (\d+) records or (.*) s\))",
        lambda m: f"{_regelschending(m[1])} (ondertekenregel: elke {m[3]} records of {m[4]} s)",
    ),
    (r"getuige (.*?): (.*)", lambda m: f"getuige {m[1]}: {getuigeprobleem(m[2])}"),
    (
        r"(\d+) of (\d+) witnesses vouch for this log; the quorum is (\d+)",
        r"\1 van de \2 getuigen staan in voor dit logboek; het quorum is \3",
    ),
    (r"index (\d+): (.*)", r"index \1: het opgeslagen record is onleesbaar (\2)"),
)
_REGELSCHENDINGEN = _tabel(
    (
        r"the log holds (\d+) records and no checkpoint: the first record is signed at once",
        r"het logboek heeft \1 records en geen checkpoint: het eerste record wordt meteen ondertekend",
    ),
    (
        r"the first checkpoint has size (\d+): the first record is signed at once",
        r"het eerste checkpoint heeft grootte \1: het eerste record wordt meteen ondertekend",
    ),
    (
        r"no checkpoint between sizes (\d+) and (\d+): one was removed",
        r"geen checkpoint tussen grootte \1 en \2: er is er een verwijderd",
    ),
    (
        r"the head is (\d+) records past the newest checkpoint \(size (\d+)\): its checkpoint was removed",
        r"de kop ligt \1 records voorbij het nieuwste checkpoint (grootte \2): zijn checkpoint is verwijderd",
    ),
    (
        r"a record dated (.*) after the checkpoint of size (\d+) is not followed by one at once \(the next is of size "
        r"(\d+)\): one was removed",
        r"op een record \1 na het checkpoint van grootte \2 volgt er niet meteen een (het volgende heeft grootte \3): "
        r"er is er een verwijderd",
    ),
    (
        r"a record dated (.*) after the newest checkpoint \(size (\d+)\) is unsigned: its checkpoint was removed",
        r"een record \1 na het nieuwste checkpoint (grootte \2) is niet ondertekend: zijn checkpoint is verwijderd",
    ),
)


_GETUIGEPROBLEMEN = _tabel(
    (r"unreachable: (.*)", r"onbereikbaar: \1"),
    (r"it has cosigned no checkpoint of this log", "hij heeft geen checkpoint van dit logboek medeondertekend"),
    (r"it answered HTTP (\d+)", r"hij antwoordde met HTTP \1"),
    (r"its answer does not verify \((.*)\)", r"zijn antwoord klopt niet (\1)"),
    (r"its answer carries no cosignature of its key", "zijn antwoord draagt geen medeondertekening met zijn sleutel"),
    (
        r"it cosigned (\d+) records, this log holds (\d+): records were removed, or the database was restored from an "
        r"older backup",
        r"hij medeondertekende \1 records, dit logboek heeft er \2: er zijn records verwijderd, of de database is uit "
        r"een oudere back-up teruggezet",
    ),
    (
        r"this log's root at size (\d+) is not the root it cosigned: the history was rewritten",
        r"de wortel van dit logboek bij grootte \1 is niet de wortel die hij medeondertekende: de geschiedenis is "
        r"herschreven",
    ),
    (
        r"split view: (.*) cosigned another root at size (\d+)",
        r"gespleten beeld: \1 medeondertekende een andere "
        r"wortel bij grootte \2",
    ),
)


def getuigeprobleem(text: str) -> str:
    return _vertaal(_GETUIGEPROBLEMEN, text) or text


def _kolommen(namen: str) -> str:
    woorden = {"size": "grootte", "root": "wortel", "time": "tijd", "key id": "sleutel-id"}
    return ", ".join(woorden.get(naam, naam) for naam in namen.split(", "))


def _grootte(text: str) -> str:
    return "geen" if text == "none" else text.replace("size", "grootte")


def _regelschending(text: str) -> str:
    return _vertaal(_REGELSCHENDINGEN, text) or text


def logprobleem(text: str) -> str:
    """One problem of the log's verification (`audit verify`, a restore) in Dutch; indexes and sizes kept."""
    return _vertaal(_LOGPROBLEMEN, text) or text
