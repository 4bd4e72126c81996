"""The steps of the demo's beheer year (`demo/beheerjaar.py`), each as its use case takes it, at a moment of the
demo's past and in the install's transaction.

Each step changes the stored state as its use case does (`service_layer.beheer.voorstellen`,
`identiteit.gebruikersbeheer`) and collects the records that use case logs (`records`), for the install to log
in time order with the rest of the past. Only the demo calls these (never a route or command).

Invariants:
- A proposal is stored open with the version then active as its base; an approval decides it, carries it out
  (a policy version activated, a partner's state, a gebruiker's status) and records goedkeuring and activering,
  as `keur_goed` does; a rejection records afwijzing and changes nothing else.
- An approval by the proposer is refused (`ValueError`): the demo keeps four eyes as the service does.
- Tokens as `identiteit.tokens` hands them out: a beheerder issues them for gebruikers outside the four-eyes
  rollen, an FG issues its own, a koppeling renews its own (the old one then works for the overlap only).
- A token lives until `DEMO_TOKEN_DUUR` after the install (`now`), whenever it was issued, so the demo's
  credentials still work next week; `tokens` holds each gebruiker's current one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from service.demo import DEMO_TOKEN_DUUR
from service.domain.beheer import Beheerbesluit, Handeling, Soort, Status, Voorstel
from service.domain.casus import Gebruiker, new_id
from service.domain.identiteit import (
    Gebruikersbesluit,
    Gebruikersgegevens,
    Gebruikershandeling,
    GebruikerStatus,
    SoortGebruiker,
    Token,
)
from service.service_layer.beheer.stap import besluit
from service.service_layer.beleid import invoer as beleidsinvoer
from service.service_layer.beleid.invoer import Wijziging
from service.service_layer.identiteit.authentication import IssuedToken, nieuw_token
from service.service_layer.identiteit.gebruikersbeheer import INSTALLATIE
from service.service_layer.services import Services
from service.service_layer.unit_of_work import UnitOfWork

Record = Beheerbesluit | Gebruikersbesluit


class Stappen:
    """Takes the year's steps in `uow`; `records` holds their log records, `tokens` each gebruiker's token."""

    def __init__(self, services: Services, uow: UnitOfWork, now: dt.datetime) -> None:
        self.services, self.uow, self.now = services, uow, now
        self.records: list[Record] = []
        self.tokens: dict[str, IssuedToken] = {}
        self._gegevens: dict[str, Gebruikersgegevens] = {}
        self._huidig: dict[str, Token] = {}  # gebruiker id -> its latest token
        self.actief = uow.beleid.active_version()  # the policy version active at the latest step

    # --- gebruikers -----------------------------------------------------------------------------------------

    def bootstrap(self, beheerder: Gebruiker, moment: dt.datetime) -> dt.datetime:
        """One of the first two beheerders, created by the installatie with its token (`gebruikers bootstrap`)."""
        installatie = Gebruiker(INSTALLATIE, INSTALLATIE, beheerder.rol, INSTALLATIE)
        self._voeg_toe(beheerder, GebruikerStatus.ACTIEF, moment)
        self._gebruikersbesluit(installatie, Gebruikershandeling.AANGEMAAKT, beheerder, moment, "bootstrap")
        self.token(installatie, beheerder, moment, "bootstrap")
        return moment

    def gebruiker_aangemaakt(
        self, door: Gebruiker, gebruiker: Gebruiker, moment: dt.datetime, toelichting: str
    ) -> None:
        self._voeg_toe(gebruiker, GebruikerStatus.ACTIEF, moment)
        self._gebruikersbesluit(door, Gebruikershandeling.AANGEMAAKT, gebruiker, moment, toelichting)

    def gebruiker_voorstel(
        self, door: Gebruiker, gebruiker: Gebruiker, moment: dt.datetime, toelichting: str
    ) -> Voorstel:
        """A beheerder or FG proposed (status voorgesteld until a second beheerder approves)."""
        self._voeg_toe(gebruiker, GebruikerStatus.VOORGESTELD, moment)
        voorstel = Voorstel(
            new_id(), Soort.GEBRUIKER_TOEVOEGING, Status.OPEN, toelichting, door.id, moment, self.actief, None,
            gebruiker.partner_id, gebruiker=gebruiker.id,
        )  # fmt: skip
        return self._dien_in(door, voorstel)

    def gebruiker_weg(self, door: Gebruiker, gebruiker: Gebruiker, moment: dt.datetime, toelichting: str) -> None:
        """Removed directly (not a four-eyes rol): its tokens revoked with it."""
        self.uow.gebruikers.set_status(gebruiker.id, GebruikerStatus.VERWIJDERD, moment)
        self.uow.gebruikers.trek_in(moment, gebruiker_id=gebruiker.id)
        self._gegevens[gebruiker.id] = _met_status(self._gegevens[gebruiker.id], GebruikerStatus.VERWIJDERD)
        self._gebruikersbesluit(door, Gebruikershandeling.VERWIJDERD, gebruiker, moment, toelichting)

    def token(self, door: Gebruiker, gebruiker: Gebruiker, moment: dt.datetime, toelichting: str = "") -> None:
        """A token for `gebruiker`, issued at `moment` by `door` (a beheerder, or a person for itself),
        living until `DEMO_TOKEN_DUUR` after `now`."""
        issued = self._nieuw(gebruiker, moment)
        self._gebruikersbesluit(
            door, Gebruikershandeling.TOKEN_UITGIFTE, gebruiker, moment, toelichting, issued.token_id
        )

    def vernieuw(self, gebruiker: Gebruiker, moment: dt.datetime) -> None:
        """The holder renews its token (`tokens.vernieuw`): the old one keeps working for the overlap only."""
        oud = self._huidig[gebruiker.id]
        moment = max(moment, oud.uitgegeven_op)  # (a log over a short span: never before the token it renews)
        issued = self._nieuw(gebruiker, moment)
        verloopt = oud.na_vernieuwing(moment, self.services.levensduur.overlap)
        self.uow.gebruikers.vervang(oud.id, issued.token_id, verloopt)
        self._gebruikersbesluit(gebruiker, Gebruikershandeling.TOKEN_VERNIEUWD, gebruiker, moment, "", issued.token_id)

    def token_ingetrokken(self, door: Gebruiker, gebruiker: Gebruiker, moment: dt.datetime, toelichting: str) -> None:
        token_id = self._huidig[gebruiker.id].id
        self.uow.gebruikers.trek_in(moment, token_id=token_id)
        self._gebruikersbesluit(door, Gebruikershandeling.TOKEN_INTREKKING, gebruiker, moment, toelichting, token_id)

    def _nieuw(self, gebruiker: Gebruiker, moment: dt.datetime) -> IssuedToken:
        issued, token = nieuw_token(gebruiker.id, moment, self.now + DEMO_TOKEN_DUUR - moment)
        self.uow.gebruikers.add_token(token, issued.token_hash)
        self.tokens[gebruiker.id] = issued
        self._huidig[gebruiker.id] = token
        return issued

    # --- proposals ------------------------------------------------------------------------------------------

    def beleid_voorstel(
        self, door: Gebruiker, basis: str, nieuw: Wijziging | str, moment: dt.datetime, toelichting: str
    ) -> Voorstel:
        """A new field policy version proposed against `basis`: a change of it, or a stored version (rollback).

        Raises:
            ValueError: `basis` is not the version active then, or a stored version is missing.
        """
        if basis != self.actief:
            raise ValueError("a policy proposal is made against the version active then")
        stored = self.uow.beleid.load(basis if isinstance(nieuw, Wijziging) else nieuw)
        if stored is None:
            raise ValueError("the demo's policy version is not stored")
        convenant = self.services.convenant
        if isinstance(nieuw, Wijziging):
            versie = beleidsinvoer.uit_wijziging(stored, nieuw, convenant)
        else:
            versie = beleidsinvoer.uit_versie(stored, convenant)
        voorstel = Voorstel(
            new_id(), Soort.BELEID, Status.OPEN, toelichting, door.id, moment, basis, versie.policy.version, None
        )
        model = versie.policy.model_text
        self.uow.beleid.store(versie.policy.version, model, versie.regels, f"voorstel {voorstel.id}", moment)
        return self._dien_in(door, voorstel)

    def partner_voorstel(
        self, door: Gebruiker, soort: Soort, partner: str, moment: dt.datetime, toelichting: str
    ) -> Voorstel:
        voorstel = Voorstel(new_id(), soort, Status.OPEN, toelichting, door.id, moment, self.actief, None, partner)
        return self._dien_in(door, voorstel)

    def goedkeuring(self, door: Gebruiker, voorstel: Voorstel, moment: dt.datetime, opmerking: str | None) -> None:
        """Approve and carry out, as `keur_goed` does.

        Raises:
            ValueError: `door` proposed it (four eyes), or a policy proposal's base is no longer active.
        """
        if door.id == voorstel.voorgesteld_door:
            raise ValueError("four eyes: the demo's approver is not the proposer")
        voor = self.actief
        if voorstel.soort is Soort.BELEID:
            if voorstel.basisversie != voor or voorstel.versie is None:
                raise ValueError("stale: the demo's proposal was made against another version")
            toelichting = f"voorstel {voorstel.id}: {voorstel.toelichting}"
            self.uow.beleid.activate(voorstel.versie, door.id, toelichting, moment)
            self.actief = voorstel.versie
        elif voorstel.gebruiker is not None:
            self.uow.gebruikers.set_status(voorstel.gebruiker, GebruikerStatus.ACTIEF, moment)
            self._gegevens[voorstel.gebruiker] = _met_status(self._gegevens[voorstel.gebruiker], GebruikerStatus.ACTIEF)
        elif voorstel.partner is not None:
            self.uow.voorstellen.set_partner_actief(voorstel.partner, voorstel.soort is Soort.PARTNER_HERSTEL)
        self.uow.voorstellen.decide(voorstel.id, Status.GOEDGEKEURD, door.id, moment, opmerking)
        self.records += [
            besluit(door, voorstel, Handeling.GOEDKEURING, opmerking or voorstel.toelichting, voor, voor, moment),
            besluit(door, voorstel, Handeling.ACTIVERING, voorstel.toelichting, voor, self.actief, moment),
        ]

    def afwijzing(self, door: Gebruiker, voorstel: Voorstel, moment: dt.datetime, reden: str) -> None:
        self.uow.voorstellen.decide(voorstel.id, Status.AFGEWEZEN, door.id, moment, reden)
        self.records.append(besluit(door, voorstel, Handeling.AFWIJZING, reden, self.actief, self.actief, moment))

    # --- shared ---------------------------------------------------------------------------------------------

    def _dien_in(self, door: Gebruiker, voorstel: Voorstel) -> Voorstel:
        self.uow.voorstellen.add(voorstel)
        basis = voorstel.basisversie
        self.records.append(besluit(door, voorstel, Handeling.VOORSTEL, voorstel.toelichting, basis, basis))
        return voorstel

    def _voeg_toe(self, gebruiker: Gebruiker, status: GebruikerStatus, moment: dt.datetime) -> None:
        soort = SoortGebruiker(gebruiker.soort)
        gegevens = Gebruikersgegevens(
            gebruiker.id, gebruiker.partner_id, gebruiker.rol, soort, gebruiker.naam, status, moment
        )
        self.uow.gebruikers.add(gegevens)
        self._gegevens[gebruiker.id] = gegevens

    def _gebruikersbesluit(
        self,
        door: Gebruiker,
        handeling: Gebruikershandeling,
        gebruiker: Gebruiker,
        moment: dt.datetime,
        toelichting: str,
        token: str | None = None,
    ) -> None:
        self.records.append(
            Gebruikersbesluit(
                new_id(), moment, door.partner_id, door.id, door.rol, handeling, self._gegevens[gebruiker.id],
                toelichting, token,
            )
        )  # fmt: skip


def _met_status(gegevens: Gebruikersgegevens, status: GebruikerStatus) -> Gebruikersgegevens:
    return replace(gegevens, status=status)
