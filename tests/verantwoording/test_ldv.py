"""The LDV export conforms to Logboek Dataverwerkingen 1.0.0, line by line and attribute by attribute.

Two schemas, both in `tests/verantwoording/ldv_schemas/` with their sources in `BRONNEN.md` there:
- `logregel.schema.json`, written from the Logboek interface table of LDV 1.0.0
  (Logius-standaarden/logboek-dataverwerkingen, sections/specificaties.md, commit
  46aea1893ba05fa68e421778ea2dcd8c6b3e817d);
- `attributes.schema.json`, the published schema of the LDV reading extension, byte for byte
  (Logius-standaarden/logboek-extensie-lezen, media/attributes.schema.json, commit
  469557af2c6175f052c84307bae7b2b2fa1f1d1a).
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator, ValidationError

from service.domain.verstrekking import DEELPOORT
from service.service_layer.services import Services
from service.service_layer.verantwoording.ldv import LdvBron, epoch_ms, ldv_bron, ldv_regels, status
from service.service_layer.verantwoording.raadplegen import Regel, VerstrektVeldRegel
from service.settings import PROJECT_ROOT
from tests.helpers.casus import bearer
from tests.helpers.verantwoording import Logboek

SCHEMAS = Path(__file__).parent / "ldv_schemas"
URL = "/v1/verantwoording/exporten"
REGISTER = "https://deelpoort.example/zvh-drenthe/verwerkingsactiviteiten"
# Where each core attribute (the standard's dotted name) sits in the reading extension's nested schema.
IN_EXTENSIE = {
    "dpl.core.processing_activity_id": ("dpl", "core", "processingActivityId"),
    "dpl.core.data_subject_id": ("dpl", "core", "dataSubjectId"),
    "dpl.core.data_subject_id_type": ("dpl", "core", "dataSubjectIdType"),
    "dpl.core.foreign_operation.processor": ("dpl", "core", "foreignOperation", "processor"),
}


def _validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


LOGREGEL = _validator("logregel.schema.json")
ATTRIBUTES = _validator("attributes.schema.json")


def in_extensievorm(attributes: dict[str, Any]) -> dict[str, Any]:
    """The `dpl.` attributes of a line placed where the reading extension's schema declares them.

    Raises:
        AssertionError: a `dpl.` attribute has no place in the published schema.
    """
    nested: dict[str, Any] = {}
    for key, value in attributes.items():
        if not key.startswith("dpl."):
            continue
        path = IN_EXTENSIE.get(key)
        assert path is not None, f"{key} has no place in the published attributes schema"
        node = nested
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
    return nested


def _declared(schema: dict[str, Any], path: tuple[str, ...]) -> bool:
    node = schema
    for part in path:
        node = node.get("properties", {}).get(part)
        if node is None:
            return False
    return True


def _lines(client: FlaskClient, token: str, **query: str) -> list[dict[str, Any]]:
    response = client.get(URL, query_string={"formaat": "ldv", **query}, headers=bearer(token))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/jsonl"
    return [json.loads(line) for line in response.get_data(as_text=True).splitlines()]


def _records(client: FlaskClient, token: str) -> dict[int, dict[str, Any]]:
    response = client.get(URL, query_string={"formaat": "json"}, headers=bearer(token))
    return {r["logIndex"]: r for r in response.get_json()["verstrekkingen"]}


def test_every_exported_line_validates_against_the_1_0_0_field_table(client: FlaskClient, logboek: Logboek) -> None:
    lines = _lines(client, logboek.fg)
    for line in lines:
        LOGREGEL.validate(line)
        assert line["end_time"] >= line["start_time"]
        assert line["resource"]["attributes"]["service.name"] == "deelpoort"
    # the refused request names no betrokkene: its request span only; each disclosure and the aanmelding:
    # request span + 2 subjects; the GGD's bijdrage was about the hoofdpersoon only
    per_record: dict[int, list[dict[str, Any]]] = {}
    for line in lines:
        per_record.setdefault(line["attributes"]["deelpoort.log_index"], []).append(line)
    assert sorted(len(v) for v in per_record.values()) == [1, 2, 3, 3, 3]
    assert [line["status"] for line in lines].count("Ok") == 11
    assert {line["attributes"]["deelpoort.outcome"] for line in lines if line["status"] == "Unset"} == {"geweigerd"}


def test_one_child_span_per_data_subject_under_the_request_span(client: FlaskClient, logboek: Logboek) -> None:
    lines = _lines(client, logboek.fg)
    records = _records(client, logboek.fg)
    assert len({line["span_id"] for line in lines}) == len(lines)
    subjects = {b["id"] for b in logboek.casus["betrokkenen"]}
    for index, record in records.items():
        own = [line for line in lines if line["attributes"]["deelpoort.log_index"] == index]
        request, children = own[0], own[1:]
        assert (request["trace_id"], request["span_id"]) == (record["traceId"], record["spanId"])
        assert "parent_span_id" not in request and "dpl.core.data_subject_id" not in request["attributes"]
        assert all(c["parent_span_id"] == request["span_id"] and c["trace_id"] == request["trace_id"] for c in children)
        named = {c["attributes"]["dpl.core.data_subject_id"] for c in children}
        assert len(named) == len(children) == record["aantalBetrokkenen"] and named <= subjects
        assert all(c["attributes"]["dpl.core.data_subject_id_type"] == "deelpoort-betrokkene-id" for c in children)


def test_attributes_validate_against_the_published_extension_schema(client: FlaskClient, logboek: Logboek) -> None:
    raw = json.loads((SCHEMAS / "attributes.schema.json").read_text(encoding="utf-8"))
    assert all(_declared(raw, path) for path in IN_EXTENSIE.values())
    politie_oin = next(r["oin"] for r in _records(client, logboek.fg).values() if r["partner"].startswith("politie"))
    processors = set()
    for line in _lines(client, logboek.fg):
        ATTRIBUTES.validate(line["attributes"])
        nested = in_extensievorm(line["attributes"])
        ATTRIBUTES.validate(nested)
        assert nested, "every line names at least one standard attribute"
        processors.add(line["attributes"].get("dpl.core.foreign_operation.processor"))
    assert f"urn:oin:{politie_oin}" in processors


def test_the_same_records_export_the_same_lines(client: FlaskClient, logboek: Logboek) -> None:
    first = client.get(URL, query_string={"formaat": "ldv"}, headers=bearer(logboek.fg)).get_data()
    assert client.get(URL, query_string={"formaat": "ldv"}, headers=bearer(logboek.fg)).get_data() == first


def test_the_callers_trace_is_kept(client: FlaskClient, logboek: Logboek) -> None:
    trace, caller_span = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
    headers = {**bearer(logboek.politie), "traceparent": f"00-{trace}-{caller_span}-01"}
    response = client.post(
        f"/v1/casussen/{logboek.casus['id']}/verstrekkingen",
        json={"doel": "casusoverleg", "velden": ["achternaam"]},
        headers=headers,
    )
    assert response.status_code == 201, response.get_json()
    own_span = response.headers["traceparent"].split("-")[2]
    lines = [line for line in _lines(client, logboek.fg) if line["trace_id"] == trace]
    assert lines[0]["span_id"] == own_span
    assert lines[0]["parent_span_id"] == caller_span  # the request span is the caller's span's child
    assert len(lines) == 3 and all(line["parent_span_id"] == own_span for line in lines[1:])


def test_a_request_without_traceparent_has_a_request_span_without_parent(client: FlaskClient, logboek: Logboek) -> None:
    response = client.post(
        f"/v1/casussen/{logboek.casus['id']}/verstrekkingen",
        json={"doel": "casusoverleg", "velden": ["achternaam"]},
        headers=bearer(logboek.politie),
    )
    assert response.status_code == 201, response.get_json()
    trace = response.headers["traceparent"].split("-")[1]
    lines = [line for line in _lines(client, logboek.fg) if line["trace_id"] == trace]
    assert lines and "parent_span_id" not in lines[0]


# -- one record at a time ----------------------------------------------------------------------------------------


def _regel(**changes: Any) -> Regel:
    base = Regel(
        log_index=7,
        id="0f5c2b9e6f1c4d7a9b3e2a1c5d8f0e4b",
        soort="verstrekking",
        tijd="2025-03-01T12:00:00.123456Z",
        partner="politie-noord-nederland",
        oin="00000001003214345000",
        gebruiker="gebruiker-1",
        rol="casusregisseur",
        casus="casus-1",
        casustype="regulier",
        doel="triage",
        uitkomst="verstrekt",
        weigering=None,
        verstrekt=(VerstrektVeldRegel("achternaam", "identificerend", "avg-6-1-e", "va-triage", 1, ("b1",)),),
        onthouden=(),
        beleidsversie="1",
        trace_id="4bf92f3577b34da6a3ce929d0e0e4736",
        span_id="a3ce929d0e0e4736",
        betrokkenen=("b" * 32, "c" * 32),
    )
    return dataclasses.replace(base, **changes)


def _zonder_register() -> LdvBron:
    return LdvBron(REGISTER, "1.0.0", lambda regel: None)


@pytest.mark.parametrize(
    ("uitkomst", "weigering", "expected"),
    [
        ("verstrekt", None, "Ok"),
        ("gedeeltelijk", None, "Ok"),
        ("vernietigd", "bewaartermijn", "Ok"),
        ("leeg", None, "Unset"),
        ("geweigerd", "onbekende-naam", "Unset"),
        ("geweigerd", "geen-deelnemer", "Unset"),
        ("geweigerd", "fase", "Unset"),
        ("geweigerd", "vernietigd", "Unset"),
        ("geweigerd", "geen-beleid", "Error"),
    ],
    ids=lambda v: str(v),
)
def test_status_follows_the_standard(uitkomst: str, weigering: str | None, expected: str) -> None:
    assert status(_regel(uitkomst=uitkomst, weigering=weigering)) == expected


def test_times_are_whole_milliseconds_since_the_epoch() -> None:
    assert epoch_ms("2025-03-01T12:00:00.123456Z") == 1_740_830_400_123
    assert epoch_ms("1970-01-01T00:00:00.000999Z") == 0
    assert epoch_ms("") is None and epoch_ms("2025-03-01T12:00:00") is None


def test_a_leeg_verstrekking_names_its_verwerkingsactiviteit(services: Services) -> None:
    bron = ldv_bron(services.convenant, REGISTER, "1.0.0")
    lines = ldv_regels(_regel(uitkomst="leeg", verstrekt=()), bron)
    assert len(lines) == 3
    for line in lines:
        LOGREGEL.validate(line)
        assert line["attributes"]["dpl.core.processing_activity_id"] == f"{REGISTER}/va-triage/1"


def test_a_subject_without_any_activity_gets_no_line() -> None:
    lines = ldv_regels(_regel(uitkomst="geweigerd", weigering="onbekende-naam", verstrekt=()), _zonder_register())
    assert len(lines) == 1 and "dpl.core.processing_activity_id" not in lines[0]["attributes"]
    LOGREGEL.validate(lines[0])


def test_span_ids_are_derived_from_the_record() -> None:
    one = ldv_regels(_regel(), _zonder_register())
    assert one == ldv_regels(_regel(), _zonder_register())
    other = ldv_regels(_regel(id="another-record"), _zonder_register())
    assert {line["span_id"] for line in one[1:]}.isdisjoint(line["span_id"] for line in other[1:])


def test_the_calling_application_is_named_on_the_request_span_only() -> None:
    lines = ldv_regels(_regel(certificaat_oin="00000001003214345001"), _zonder_register())
    assert lines[0]["attributes"]["dpl.core.foreign_operation.processor"] == "urn:oin:00000001003214345001"
    assert all("dpl.core.foreign_operation.processor" not in line["attributes"] for line in lines[1:])


def test_a_destruction_by_deelpoort_itself_has_a_derived_trace_and_no_caller() -> None:
    regel = _regel(
        soort="vernietiging", partner=DEELPOORT, oin=None, gebruiker=None, rol=None, doel="vernietiging",
        uitkomst="vernietigd", weigering="bewaartermijn", verstrekt=(), trace_id=None, span_id=None, betrokkenen=(),
    )  # fmt: skip
    (line,) = ldv_regels(regel, _zonder_register())
    LOGREGEL.validate(line)
    assert line["status"] == "Ok" and "dpl.core.foreign_operation.processor" not in line["attributes"]
    assert ldv_regels(regel, _zonder_register()) == [line]


def test_a_record_whose_time_cannot_be_read_gives_no_line() -> None:
    assert ldv_regels(_regel(tijd=""), _zonder_register()) == []


# -- the schemas can fail: the shape exported before LDV 1.0.0 and other mistakes are rejected --------------------

_GOOD = ldv_regels(_regel(), _zonder_register())[1]


@pytest.mark.parametrize(
    "change",
    [
        {"status": "OK"},
        {"status_code": "OK"},
        {"start_time": "2025-03-01T12:00:00.123456Z"},
        {"end_time": -1},
        {"resource": {"service.name": "deelpoort"}},
        {"parent_span_id": None},
        {"span_id": "A3CE929D0E0E4736"},
        {"trace_id": "0" * 32},
        {"attributes": {**_GOOD["attributes"], "dpl.core.log_index": 7}},
        {"attributes": {**_GOOD["attributes"], "dpl.core.outcome": "verstrekt"}},
        {"attributes": {**_GOOD["attributes"], "dpl.core.processing_activity_id": "not a uri"}},
        {"attributes": {k: v for k, v in _GOOD["attributes"].items() if k != "dpl.core.processing_activity_id"}},
        {"attributes": {k: v for k, v in _GOOD["attributes"].items() if k != "dpl.core.data_subject_id_type"}},
    ],
    ids=[
        "status-case", "status_code", "rfc3339-time", "negative-time", "flat-resource", "null-parent",
        "uppercase-hex", "zero-trace", "log-index-in-core", "outcome-in-core", "activity-not-uri",
        "subject-without-activity", "subject-without-type",
    ],
)  # fmt: skip
def test_the_line_schema_rejects(change: dict[str, Any]) -> None:
    LOGREGEL.validate(_GOOD)
    with pytest.raises(ValidationError):
        LOGREGEL.validate({**_GOOD, **change})


def test_the_extension_schema_rejects_a_bad_attribute() -> None:
    ATTRIBUTES.validate(in_extensievorm(_GOOD["attributes"]))
    with pytest.raises(ValidationError):
        ATTRIBUTES.validate(in_extensievorm({"dpl.core.processing_activity_id": "not a uri"}))
    with pytest.raises(ValidationError):
        ATTRIBUTES.validate(in_extensievorm({"dpl.core.data_subject_id": 42}))
    with pytest.raises(AssertionError, match="no place"):
        in_extensievorm({"dpl.core.log_index": 7})


# -- the documentation follows -----------------------------------------------------------------------------------


def test_the_documented_field_table_is_the_schema() -> None:
    text = (PROJECT_ROOT / "docs" / "ldv-export.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z_.]+)` \| [^|]+ \| (?:required|optional)", text, flags=re.MULTILINE))
    schema = LOGREGEL.schema
    expected = set(schema["properties"]) | {f"attributes.{a}" for a in schema["properties"]["attributes"]["properties"]}
    expected |= {"resource.attributes", "attributes.deelpoort.log_index", "attributes.deelpoort.outcome"}
    assert documented == expected
