"""The witness's HTTP interface (C2SP tlog-witness, and our choice for monitors):

- ``POST /add-checkpoint``: the tlog-witness call. 200 with the cosignature line(s) (``text/plain;
  charset=utf-8``); 409 with the witness's size and a newline (``text/x.tlog.size``) when the old size is not
  its size; 400, 403, 404, 409 (same size, another root), 413 (body over `MAX_BODY` bytes) and 422 with a
  one-line ``text/plain`` message.
- ``GET /checkpoint?origin=<origin>``: the latest cosigned checkpoint of that log as a complete signed note
  (``text/plain; charset=utf-8``); 404 when the origin is unknown or nothing was cosigned yet; 400 without an
  origin. tlog-witness leaves monitor retrieval to be designed; this is Deelpoort's documented choice.
- ``GET /`` and ``GET /status``: the witness's name, its vkey and the origins it witnesses (JSON).

Invariants:
- Every status comes from one table (`STATUS`) of the domain's refusals; bad input never gives a 500, and a
  failing storage gives 503 (nothing was cosigned).
- Answers are never cached (``Cache-Control: no-store``): a monitor must see the latest state.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from service.domain.errors import NietBeschikbaarError
from service.domain.getuige import Reden, Weigering
from service.service_layer.getuige import Getuige, GetuigeConfig, open_getuige

# The largest note the checkpoint format accepts (128 KiB) plus room for the old size line and 63 proof lines.
MAX_BODY = 128 * 1024 + 4 * 1024
TEKST = "text/plain; charset=utf-8"
GROOTTE = "text/x.tlog.size"

STATUS = {
    Reden.ONGELDIG: 400,
    Reden.NIET_ONDERTEKEND: 403,
    Reden.ONBEKENDE_LOG: 404,
    Reden.ANDERE_OUDE_GROOTTE: 409,
    Reden.ANDERE_WORTEL: 409,
    Reden.INCONSISTENT: 422,
}


def create_getuige_app(config: GetuigeConfig | Getuige) -> Flask:
    """The witness's Flask app for `config`, or around an already opened witness (a test's, with its own clock).

    Raises:
        GetuigeConfigError: The key file or the storage cannot be used.
    """
    app = Flask("service.getuige")
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    witness = config if isinstance(config, Getuige) else open_getuige(config)
    app.extensions["getuige"] = witness

    @app.post("/add-checkpoint")
    def add_checkpoint() -> Response:
        uitkomst = witness.voeg_checkpoint_toe(request.get_data(cache=False))
        if isinstance(uitkomst, Weigering):
            return _weigering(uitkomst)
        return _tekst(uitkomst.regels, 200)

    @app.get("/checkpoint")
    def checkpoint() -> Response:
        origin = request.args.get("origin")
        if not origin:
            return _tekst("the query parameter origin is required\n", 400)
        notitie = witness.laatste_checkpoint(origin)
        if notitie is None:
            return _tekst("no cosigned checkpoint for this origin\n", 404)
        return _tekst(notitie, 200)

    @app.get("/")
    @app.get("/status")
    def status() -> Response:
        gegevens = witness.status()
        antwoord = jsonify({"naam": gegevens.naam, "vkey": gegevens.vkey, "origins": list(gegevens.origins)})
        antwoord.headers["Cache-Control"] = "no-store"
        return antwoord

    @app.errorhandler(HTTPException)
    def http_fout(fout: HTTPException) -> Response:
        antwoord = _tekst(f"{fout.name}\n", fout.code or 500)
        for naam, waarde in fout.get_headers():
            if naam.lower() == "allow":
                antwoord.headers["Allow"] = waarde
        return antwoord

    @app.errorhandler(NietBeschikbaarError)
    def niet_beschikbaar(_fout: NietBeschikbaarError) -> Response:
        return _tekst("the witness's storage is unavailable; nothing was cosigned\n", 503)

    return app


def _weigering(weigering: Weigering) -> Response:
    if weigering.reden is Reden.ANDERE_OUDE_GROOTTE:
        antwoord = Response(f"{weigering.opgeslagen_grootte}\n", status=409, content_type=GROOTTE)
        antwoord.headers["Cache-Control"] = "no-store"
        return antwoord
    return _tekst(f"{weigering.bericht}\n", STATUS[weigering.reden])


def _tekst(tekst: str, status: int) -> Response:
    antwoord = Response(tekst, status=status, content_type=TEKST)
    antwoord.headers["Cache-Control"] = "no-store"
    return antwoord
