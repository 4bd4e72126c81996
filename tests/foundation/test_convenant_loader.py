"""The convenant registry: the real files load, and every kind of broken file is refused precisely."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from service.convenant import ConvenantError, load_convenanten, parse_convenant_text
from service.domain.convenant import Casustype, Convenant, Gevoeligheid

GOOD = """\
convenant: {id: test, naam: Test, versie: "1", regio: drenthe, casustype: regulier, routeeroverleg: [p1]}
partnertypen: [{id: politie, naam: Politie, domein: veiligheid}]
partners: [{id: p1, naam: P1, oin: "00000099000000000001", type: politie}]
gemeenten: [{id: assen, naam: Assen}]
rollen: [{id: deelnemer, naam: Deelnemer, omschrijving: neemt deel}]
doelen: [{id: triage, naam: Triage, omschrijving: weging}]
grondslagen: [{id: g1, naam: G1, artikel: "AVG art. 6 lid 1 sub e", gevoeligheden: [gewoon]}]
categorieen: [{id: identificatie, naam: Identificatie}]
velden:
  - {id: achternaam, naam: Achternaam, categorie: identificatie, gevoeligheid: gewoon, type: tekst,
     onderwerp: betrokkene, max_lengte: 200}
verwerkingsactiviteiten:
  - {id: va-triage, versie: 1, geldig_vanaf: 2025-03-01, naam: Triage, casustype: regulier, doel: triage,
     grondslagen: [g1], categorieen: [identificatie], bewaartermijn: P2Y, fasen: [aanmelding, triage]}
"""


def _broken(old: str, new: str) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new, 1)


def test_the_good_fixture_loads() -> None:
    loaded = parse_convenant_text([("a.yaml", GOOD)])
    assert loaded.ids("partner") == {"p1"}
    assert loaded.partner("p1") is not None
    assert loaded.partner("p1").convenanten == {"test"}  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            _broken("type: politie}", "type: politi}"),
            r"partners\[0\] \(id 'p1'\): type: unknown partnertypen id 'politi'",
        ),
        (
            _broken('oin: "00000099000000000001"', 'oin: "123"'),
            r"partners\[0\] \(id 'p1'\): oin: must be 20 digits",
        ),
        (
            _broken("categorie: identificatie,", "categorie: identiteit,"),
            r"velden\[0\] .*unknown categorieen id 'identiteit'",
        ),
        (
            _broken("doel: triage,", "doel: screening,"),
            r"verwerkingsactiviteiten\[0\] .*doel: unknown doelen id 'screening'",
        ),
        (_broken("grondslagen: [g1]", "grondslagen: [g9]"), r"grondslagen: unknown grondslagen id 'g9'"),
        (
            _broken("bewaartermijn: P2Y", "bewaartermijn: 2 jaar"),
            r"bewaartermijn: must be an ISO 8601 duration",
        ),
        (_broken("geldig_vanaf: 2025-03-01", "geldig_vanaf: 2025-02-30"), r"geldig_vanaf: Not a valid date"),
        (_broken("fasen: [aanmelding, triage]", "fasen: [wachten]"), r"fasen\.0: Must be one of"),
        (_broken("max_lengte: 200}", "}"), r"max_lengte: a tekst veld needs 'max_lengte'"),
        (_broken("type: tekst,", "type: keuze,"), r"keuzes: a keuze veld needs"),
        (_broken("gevoeligheden: [gewoon]", "gevoeligheden: [geheim]"), r"gevoeligheden\.0: Must be one of"),
        (_broken("{id: achternaam,", "{id: Achter_naam,"), r"id: must be lowerCamelCase"),
        (_broken("{id: assen,", "{id: Assen,"), r"gemeenten\[0\] .*id: must be lower-case kebab-case"),
        (
            _broken("domein: veiligheid}", "domein: veiligheid, kleur: blauw}"),
            r"partnertypen\[0\].*kleur: Unknown field",
        ),
        (
            _broken("routeeroverleg: [p1]", "routeeroverleg: [p2]"),
            r"convenant: routeeroverleg: unknown partners id 'p2'",
        ),
        (
            _broken("casustype: regulier, doel", "casustype: cter, doel"),
            r"casustype 'cter' differs from this convenant",
        ),
        (_broken("{id: triage, naam: Triage", "{id: beheer, naam: Beheer"), r"doelen\[0\] .*'beheer' is reserved"),
        (GOOD + "extra: []\n", r"extra: unknown section"),
        (GOOD + "velden: [\n", r"line \d+, column \d+: not valid YAML"),
        ("- just\n- a list\n", r"file: must be a mapping"),
    ],
    ids=[
        "unknown-partnertype",
        "bad-oin",
        "unknown-categorie",
        "unknown-doel",
        "unknown-grondslag",
        "bad-bewaartermijn",
        "impossible-date",
        "unknown-fase",
        "tekst-without-max-lengte",
        "keuze-without-keuzes",
        "unknown-gevoeligheid",
        "veld-id-not-camelcase",
        "id-not-kebab-case",
        "unknown-key",
        "unknown-routeeroverleg",
        "va-casustype-mismatch",
        "doel-beheer-reserved",
        "unknown-section",
        "invalid-yaml",
        "not-a-mapping",
    ],
)
def test_a_broken_file_is_refused_naming_file_entry_and_problem(text: str, expected: str) -> None:
    with pytest.raises(ConvenantError) as caught:
        parse_convenant_text([("convenants/broken.yaml", text)])
    messages = [str(p) for p in caught.value.problems]
    assert any(m.startswith("convenants/broken.yaml: ") and re.search(expected, m) for m in messages), messages


def test_every_problem_is_reported_at_once() -> None:
    text = _broken("type: politie}", "type: politi}").replace("doel: triage,", "doel: screening,")
    with pytest.raises(ConvenantError) as caught:
        parse_convenant_text([("x.yaml", text)])
    assert len(caught.value.problems) == 2


def test_ids_must_be_unique_across_files() -> None:
    second = GOOD.replace("id: test,", "id: test2,").replace("casustype: regulier,", "casustype: cter,", 1)
    second = second.replace("casustype: regulier, doel", "casustype: cter, doel")
    with pytest.raises(ConvenantError) as caught:
        parse_convenant_text([("a.yaml", GOOD), ("b.yaml", second)])
    messages = "\n".join(str(p) for p in caught.value.problems)
    assert "b.yaml: partners[0] (id 'p1'): id 'p1' is already defined in a.yaml" in messages
    assert "OIN '00000099000000000001' is already defined in a.yaml" in messages


def test_a_file_may_refer_to_entries_of_another_and_cosign_partners() -> None:
    cter = """\
convenant: {id: cter, naam: CTER, versie: "1", regio: drenthe, casustype: cter, deelnemers: [p1],
            weegploeg: [politie]}
verwerkingsactiviteiten:
  - {id: va-cter-triage, versie: 1, geldig_vanaf: 2025-03-01, naam: Weging, casustype: cter, doel: triage,
     grondslagen: [g1], categorieen: [identificatie], bewaartermijn: P5Y, fasen: [triage]}
"""
    loaded = parse_convenant_text([("a.yaml", GOOD), ("b.yaml", cter)])
    assert loaded.partner("p1").convenanten == {"test", "cter"}  # type: ignore[union-attr]
    assert loaded.document(Casustype.CTER).weegploeg == {"politie"}  # type: ignore[union-attr]


def test_an_empty_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConvenantError, match="no convenant files"):
        load_convenanten(tmp_path)


# --- the real Drenthe registry -------------------------------------------------------------------------------


def test_the_drenthe_registry_has_what_the_demo_region_needs(convenant: Convenant) -> None:
    assert len(convenant.partners) >= 27
    assert len(convenant.gemeenten) == 12
    assert len(convenant.velden) >= 40
    assert {
        "procesregisseur",
        "procesondersteuner",
        "casusregisseur",
        "deelnemer",
        "fg",
        "beheerder",
    } <= convenant.ids("rol")
    assert {
        "triage",
        "casusoverleg",
        "plan-van-aanpak",
        "monitoring",
        "routeeroverleg",
        "overdracht",
    } <= convenant.ids("doel")
    assert {d.casustype for d in convenant.documenten} == {Casustype.REGULIER, Casustype.CTER}
    assert all(p.oin.startswith("00000099") for p in convenant.partners), "demo partners use test OINs"


def test_health_and_justice_fields_are_marked_as_special_categories(convenant: Convenant) -> None:
    gevoelig = {v.id: v.gevoeligheid for v in convenant.velden}
    for veld in ("psychischeGezondheid", "verslaving", "lvb"):
        assert gevoelig[veld] is Gevoeligheid.BIJZONDER, veld
    assert Gevoeligheid.STRAFRECHTELIJK in gevoelig.values()
    assert Gevoeligheid.POLITIE in gevoelig.values()
    assert gevoelig["bsn"] is Gevoeligheid.BSN


def test_every_verwerkingsactiviteit_has_a_grondslag_for_each_gevoeligheid_it_processes(
    convenant: Convenant,
) -> None:
    per_categorie: dict[str, set[Gevoeligheid]] = {}
    for veld in convenant.velden:
        per_categorie.setdefault(veld.categorie, set()).add(veld.gevoeligheid)
    for va in convenant.verwerkingsactiviteiten:
        covered = set().union(*(convenant.grondslag(g).gevoeligheden for g in va.grondslagen))  # type: ignore[union-attr]
        needed = set().union(*(per_categorie.get(c, set()) for c in va.categorieen))
        assert needed <= covered, f"{va.id}: no grondslag for {sorted(needed - covered)}"
