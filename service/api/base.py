"""flask-smorest adapted to the API Design Rules: 400 (not 422) for invalid input, problem+json errors."""

from __future__ import annotations

import http
from typing import Any, ClassVar

import flask_smorest
from flask_smorest.spec import prepare_response
from marshmallow import Schema, fields
from webargs.flaskparser import FlaskParser

PROBLEM_JSON = "application/problem+json"


class InvalidParamSchema(Schema):
    name = fields.String(required=True, metadata={"description": "the parameter or body field"})
    reason = fields.String(required=True)


class ProblemSchema(Schema):
    """RFC 9457 problem details, with `invalidParams` as the API Design Rules use it."""

    type = fields.String(metadata={"description": "URI of the problem type"})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    instance = fields.String()
    invalidParams = fields.List(fields.Nested(InvalidParamSchema))  # noqa: N815 - JSON name per the ADR


class OvergangsconflictSchema(ProblemSchema):
    """A 409 of a lifecycle step: when the step is not allowed in the casus's fase, the problem names the fase and
    what is allowed from it (RFC 9457 extension members; absent on a 409 for another reason)."""

    fase = fields.String(metadata={"description": "the casus's fase"})
    toegestaneOvergangen = fields.List(  # noqa: N815 - JSON name
        fields.String(), metadata={"description": "the transitions allowed from this fase (`van->naar`)"}
    )
    toegestaneBesluiten = fields.List(  # noqa: N815 - JSON name
        fields.String(), metadata={"description": "the besluiten of the triage allowed in this fase"}
    )


class _Parser(FlaskParser):
    """400 for invalid arguments; unknown query parameters are decided by the schema (all of ours refuse them,
    `unknown = RAISE`), where webargs would drop them silently: a misspelt filter must not widen a query."""

    DEFAULT_VALIDATION_STATUS = 400


class Blueprint(flask_smorest.Blueprint):  # type: ignore[misc]
    ARGUMENTS_PARSER = _Parser(unknown=None)  # None: each schema's own `unknown` decides, in every location

    def arguments(self, schema: type[Schema] | Schema, **kwargs: Any) -> Any:
        """As flask-smorest's, with a schema class instantiated once here: given the class, webargs builds a new
        instance (copying every declared field) on every request. A Schema keeps no state between loads."""
        return super().arguments(schema() if isinstance(schema, type) else schema, **kwargs)


class DeelpoortApi(flask_smorest.Api):  # type: ignore[misc]
    """flask-smorest's Api, building the OpenAPI document once per process.

    The document depends only on the code (the blueprints, their schemas and the constants of `init_app`), never
    on settings, so every app built in one process has the same one. Building it costs about 0.4 s per app
    (flask-smorest deep-copies every view's doc); a process that builds many apps (the tests: one per test)
    builds it once and gives later apps the finished `APISpec` (`hergebruik`), registering their blueprints'
    routes only. Nothing changes the document after `init_app`.
    """

    ERROR_SCHEMA = ProblemSchema
    DEFAULT_ERROR_RESPONSE_NAME = None
    _problem_statuses: ClassVar[tuple[int, ...]] = (400, 401, 403, 404, 405, 409, 410, 413, 415, 500, 503)
    _document: ClassVar[Any] = None  # the APISpec finished by the first `init_app` of this process
    _hergebruikt = False

    def hergebruik(self) -> bool:
        """Take this process's finished document, if there is one; True when it was taken."""
        if DeelpoortApi._document is None:
            return False
        self.spec = DeelpoortApi._document
        self._hergebruikt = True
        return True

    def bewaar(self) -> None:
        """Keep this app's finished document for the later apps of this process."""
        if not self._hergebruikt:
            DeelpoortApi._document = self.spec

    def register_blueprint(self, blp: Any, *, parameters: Any = None, **options: Any) -> None:
        if not self._hergebruikt:
            super().register_blueprint(blp, parameters=parameters, **options)
            return
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self  # as flask-smorest does
        self._app.register_blueprint(blp, **options)

    def _register_responses(self) -> None:
        for status in self._problem_statuses:
            phrase = http.HTTPStatus(status)
            response: dict[str, Any] = {"description": phrase.phrase, "schema": ProblemSchema}
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(phrase.name, response, lazy=True)
