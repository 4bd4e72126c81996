"""Read every `*.yaml` in a directory, validate it, resolve references across files and build a `Convenant`.

Each file is one signed convenant (its `convenant:` header) plus the entries it defines. The registry is the
union of all files: ids are unique per kind across files, and a file may refer to entries defined in another
(the CTER convenant reuses the partners and velden of the regular one). A partner defined in a file signed
that file's convenant; a file's `convenant.deelnemers` names partners of other files that signed it too.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from marshmallow import ValidationError

from service.convenant.errors import ConvenantError, Problem
from service.convenant.schemas import SECTIONS, DocumentSchema
from service.domain.beheer import BEHEER
from service.domain.convenant import (
    VASTE_OVERLEGSOORTEN,
    Casusonderwerp,
    Casustype,
    Categorie,
    Convenant,
    ConvenantDocument,
    Doel,
    Domein,
    Fase,
    Gemeente,
    Gevoeligheid,
    Grondslag,
    Onderwerp,
    Overlegsoort,
    Partner,
    Partnertype,
    Rol,
    Veld,
    Veldtype,
    Verwerkingsactiviteit,
)

MAX_FILE_BYTES = 2 * 1024 * 1024


class _YamlLoader(yaml.SafeLoader):
    """SafeLoader that keeps dates as strings, so the schema (not YAML) decides what a valid date is."""


_YamlLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class _Entry:
    file: str
    label: str
    data: dict[str, Any]


@dataclass
class _Parsed:
    """Everything that passed the schemas, before references are resolved."""

    documents: list[_Entry] = field(default_factory=list)
    sections: dict[str, list[_Entry]] = field(default_factory=lambda: defaultdict(list))


def load_convenanten(directory: Path) -> Convenant:
    """Load and validate every `*.yaml` file in `directory` into one registry.

    Raises:
        ConvenantError: listing every problem (file, entry, message) when anything is invalid, including a
            directory without convenant files.
    """
    files = sorted(directory.glob("*.yaml")) if directory.is_dir() else []
    if not files:
        raise ConvenantError([Problem(str(directory), "directory", "no convenant files (*.yaml) found")])
    texts: list[tuple[str, str]] = []
    problems: list[Problem] = []
    for path in files:
        if path.stat().st_size > MAX_FILE_BYTES:
            problems.append(Problem(str(path), "file", f"larger than {MAX_FILE_BYTES} bytes"))
            continue
        texts.append((str(path), path.read_text(encoding="utf-8")))
    if problems:
        raise ConvenantError(problems)
    return parse_convenant_text(texts)


def parse_convenant_text(files: Iterable[tuple[str, str]]) -> Convenant:
    """Validate convenant files given as (name, YAML text) pairs and build the registry.

    Raises:
        ConvenantError: listing every problem found.
    """
    parsed = _Parsed()
    problems: list[Problem] = []
    for name, text in files:
        _parse_file(name, text, parsed, problems)
    if not problems:
        _check_unique(parsed, problems)
        _check_reserved(parsed, problems)
    if not problems:
        _check_references(parsed, problems)
    if problems:
        raise ConvenantError(problems)
    return _build(parsed)


def _parse_file(name: str, text: str, parsed: _Parsed, problems: list[Problem]) -> None:
    try:
        raw = yaml.load(text, Loader=_YamlLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "file"
        problems.append(Problem(name, where, f"not valid YAML: {getattr(exc, 'problem', exc)}"))
        return
    if not isinstance(raw, dict):
        problems.append(Problem(name, "file", "must be a mapping with a 'convenant' header"))
        return
    for key in sorted(set(raw) - {"convenant", *SECTIONS}, key=str):
        problems.append(Problem(name, str(key), "unknown section"))
    header = raw.get("convenant")
    if not isinstance(header, dict):
        problems.append(Problem(name, "convenant", "missing or not a mapping"))
    else:
        loaded = _validate(DocumentSchema(), header, name, "convenant", problems)
        if loaded is not None:
            parsed.documents.append(_Entry(name, "convenant", loaded))
    for section, schema_class in SECTIONS.items():
        entries = raw.get(section) or []
        if not isinstance(entries, list):
            problems.append(Problem(name, section, "must be a list"))
            continue
        schema = schema_class()
        for index, item in enumerate(entries):
            label = f"{section}[{index}]"
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                label += f" (id '{item['id']}')"
            if not isinstance(item, dict):
                problems.append(Problem(name, label, "must be a mapping"))
                continue
            loaded = _validate(schema, item, name, label, problems)
            if loaded is not None:
                parsed.sections[section].append(_Entry(name, label, loaded))


def _validate(schema: Any, data: dict[str, Any], name: str, label: str, problems: list[Problem]) -> Any:
    try:
        return schema.load(data)
    except ValidationError as exc:
        for key, message in _flatten(exc.messages):
            problems.append(Problem(name, label, f"{key}: {message}"))
        return None


def _flatten(messages: Any, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(messages, dict):
        out: list[tuple[str, str]] = []
        for key, value in messages.items():
            out += _flatten(value, f"{prefix}.{key}" if prefix else str(key))
        return out
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return [(prefix or "value", "; ".join(messages))]
    if isinstance(messages, list):
        return [pair for m in messages for pair in _flatten(m, prefix)]
    return [(prefix or "value", str(messages))]


def _check_unique(parsed: _Parsed, problems: list[Problem]) -> None:
    def unique(entries: list[_Entry], key: Any, what: str) -> None:
        seen: dict[Any, _Entry] = {}
        for entry in entries:
            k = key(entry.data)
            if k in seen:
                first = seen[k]
                problems.append(Problem(entry.file, entry.label, f"{what} {k!r} is already defined in {first.file}"))
            else:
                seen[k] = entry

    unique(parsed.documents, lambda d: d["id"], "convenant id")
    unique(parsed.documents, lambda d: d["casustype"], "a convenant for casustype")
    for section, entries in parsed.sections.items():
        if section == "verwerkingsactiviteiten":
            unique(entries, lambda d: (d["id"], d["versie"]), "(id, versie)")
        else:
            unique(entries, lambda d: d["id"], "id")
    unique(parsed.sections["partners"], lambda d: d["oin"], "OIN")
    _check_sub_oins(parsed.sections["partners"], problems)


def _check_sub_oins(partners: list[_Entry], problems: list[Problem]) -> None:
    """Every OIN, main or sub, names one partner: a subOIN equal to any partner's OIN or to another subOIN
    would let one partner's certificate pass as another's (or leave it ambiguous whose it is)."""
    owner: dict[str, tuple[str, _Entry]] = {entry.data["oin"]: ("OIN", entry) for entry in partners}
    for entry in partners:
        for index, sub_oin in enumerate(entry.data["sub_oins"]):
            if sub_oin in owner:
                what, first = owner[sub_oin]
                problems.append(
                    Problem(
                        entry.file,
                        entry.label,
                        f"sub_oins.{index}: {sub_oin!r} is already the {what} of partner "
                        f"'{first.data['id']}' in {first.file}",
                    )
                )
            else:
                owner[sub_oin] = ("subOIN", entry)


def _check_reserved(parsed: _Parsed, problems: list[Problem]) -> None:
    """The doel of the log's beheer history records is no doel a verstrekking may have: the FG tells the two
    apart by it, so a convenant doel of that name would hide its verstrekkingen among the beheer records."""
    for entry in parsed.sections["doelen"]:
        if entry.data["id"] == BEHEER:
            problems.append(Problem(entry.file, entry.label, f"id: '{BEHEER}' is reserved for beheer records"))
    vast = {soort.id for soort in VASTE_OVERLEGSOORTEN}
    for entry in parsed.sections["overlegsoorten"]:
        if entry.data["id"] in vast:
            problems.append(Problem(entry.file, entry.label, f"id: '{entry.data['id']}' is a fixed overleg soort"))


def _check_references(parsed: _Parsed, problems: list[Problem]) -> None:
    ids = {section: {e.data["id"] for e in entries} for section, entries in parsed.sections.items()}
    for section in SECTIONS:
        ids.setdefault(section, set())
    document_of_file = {d.file: d.data for d in parsed.documents}

    def ref(entry: _Entry, key: str, values: Iterable[str], section: str) -> None:
        for value in values:
            if value not in ids[section]:
                problems.append(Problem(entry.file, entry.label, f"{key}: unknown {section} id '{value}'"))

    for doc in parsed.documents:
        ref(doc, "deelnemers", doc.data["deelnemers"], "partners")
        ref(doc, "weegploeg", doc.data["weegploeg"], "partnertypen")
        ref(doc, "routeeroverleg", doc.data["routeeroverleg"], "partners")
        if doc.data["bureau"] is not None:
            ref(doc, "bureau", [doc.data["bureau"]], "partners")
        if doc.data["weegploeg"] and doc.data["casustype"] != Casustype.CTER:
            problems.append(Problem(doc.file, doc.label, "weegploeg: only a CTER convenant has a weegploeg"))
    for entry in parsed.sections["partners"]:
        ref(entry, "type", [entry.data["type"]], "partnertypen")
        if entry.file not in document_of_file:
            problems.append(Problem(entry.file, entry.label, "defined in a file without a valid header"))
    for entry in parsed.sections["overlegsoorten"]:
        if entry.file not in document_of_file:
            problems.append(Problem(entry.file, entry.label, "defined in a file without a valid header"))
    for entry in parsed.sections["velden"]:
        ref(entry, "categorie", [entry.data["categorie"]], "categorieen")
    for entry in parsed.sections["verwerkingsactiviteiten"]:
        data = entry.data
        ref(entry, "doel", [data["doel"]], "doelen")
        ref(entry, "grondslagen", data["grondslagen"], "grondslagen")
        ref(entry, "categorieen", data["categorieen"], "categorieen")
        header = document_of_file.get(entry.file)
        if header is not None and data["casustype"] != header["casustype"]:
            problems.append(
                Problem(
                    entry.file,
                    entry.label,
                    f"casustype '{data['casustype']}' differs from this convenant's '{header['casustype']}'",
                )
            )


def _build(parsed: _Parsed) -> Convenant:
    s = parsed.sections
    signed: dict[str, set[str]] = defaultdict(set)
    for doc in parsed.documents:
        for entry in s["partners"]:
            if entry.file == doc.file:
                signed[entry.data["id"]].add(doc.data["id"])
        for partner_id in doc.data["deelnemers"]:
            signed[partner_id].add(doc.data["id"])

    def rows(section: str) -> list[Mapping[str, Any]]:
        return [e.data for e in s[section]]

    casustype_of_file = {d.file: Casustype(d.data["casustype"]) for d in parsed.documents}
    return Convenant(
        documenten=tuple(
            ConvenantDocument(
                id=d.data["id"],
                naam=d.data["naam"],
                versie=d.data["versie"],
                regio=d.data["regio"],
                casustype=Casustype(d.data["casustype"]),
                weegploeg=frozenset(d.data["weegploeg"]),
                routeeroverleg=frozenset(d.data["routeeroverleg"]),
                bureau=d.data["bureau"],
                contact=d.data["contact"],
            )
            for d in parsed.documents
        ),
        partnertypen=tuple(Partnertype(r["id"], r["naam"], Domein(r["domein"])) for r in rows("partnertypen")),
        partners=tuple(
            Partner(r["id"], r["naam"], r["oin"], r["type"], frozenset(signed[r["id"]]), frozenset(r["sub_oins"]))
            for r in rows("partners")
        ),
        gemeenten=tuple(Gemeente(r["id"], r["naam"]) for r in rows("gemeenten")),
        rollen=tuple(Rol(r["id"], r["naam"], r["omschrijving"]) for r in rows("rollen")),
        doelen=tuple(Doel(r["id"], r["naam"], r["omschrijving"]) for r in rows("doelen")),
        grondslagen=tuple(
            Grondslag(r["id"], r["naam"], r["artikel"], frozenset(Gevoeligheid(g) for g in r["gevoeligheden"]))
            for r in rows("grondslagen")
        ),
        categorieen=tuple(Categorie(r["id"], r["naam"]) for r in rows("categorieen")),
        velden=tuple(
            Veld(
                id=r["id"],
                naam=r["naam"],
                categorie=r["categorie"],
                gevoeligheid=Gevoeligheid(r["gevoeligheid"]),
                type=Veldtype(r["type"]),
                onderwerp=Onderwerp(r["onderwerp"]),
                max_lengte=r["max_lengte"],
                keuzes=tuple(r["keuzes"]),
                minimum=r["minimum"],
                maximum=r["maximum"],
            )
            for r in rows("velden")
        ),
        verwerkingsactiviteiten=tuple(
            Verwerkingsactiviteit(
                id=r["id"],
                versie=r["versie"],
                geldig_vanaf=_as_date(r["geldig_vanaf"]),
                naam=r["naam"],
                casustype=Casustype(r["casustype"]),
                doel=r["doel"],
                grondslagen=tuple(r["grondslagen"]),
                categorieen=tuple(r["categorieen"]),
                bewaartermijn=r["bewaartermijn"],
                fasen=frozenset(Fase(f) for f in r["fasen"]),
            )
            for r in rows("verwerkingsactiviteiten")
        ),
        onderwerpen=tuple(Casusonderwerp(r["id"], r["naam"]) for r in rows("onderwerpen")),
        overlegsoorten=tuple(
            Overlegsoort(e.data["id"], e.data["naam"], casustype_of_file[e.file]) for e in s["overlegsoorten"]
        ),
    )


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
