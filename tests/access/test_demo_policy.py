"""What the Drenthe field policy promises, checked on the compiled table, and the policy commands."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from service.access import Access, DecisionKey
from service.cli import main
from service.domain.convenant import Casustype, Convenant, Gevoeligheid
from service.domain.errors import NietToegestaanError
from tests.helpers.projectdata import POLICIES


def _all_grants(access: Access):  # type: ignore[no-untyped-def]
    for key, grants in access.table.allowed.items():
        for veld, grant in grants.items():
            yield key, veld, grant


def test_fg_and_beheerder_receive_no_case_content(access: Access) -> None:
    assert all(key.rol not in ("fg", "beheerder") for key, _, _ in _all_grants(access))


def test_police_data_goes_only_to_partners_with_a_wpg_ground(access: Access, convenant: Convenant) -> None:
    for key, veld, grant in _all_grants(access):
        if convenant.veld(veld).gevoeligheid is Gevoeligheid.POLITIE:  # type: ignore[union-attr]
            assert grant.grondslag == "wpg-20"
            partner = convenant.partner(key.partner)
            assert partner is not None and partner.type in {"politie", "openbaar-ministerie", "zvh"}, key


def test_every_grant_rests_on_a_grondslag_covering_the_veld(access: Access, convenant: Convenant) -> None:
    for _, veld, grant in _all_grants(access):
        grondslag = convenant.grondslag(grant.grondslag)
        assert grondslag is not None
        assert convenant.veld(veld).gevoeligheid in grondslag.gevoeligheden  # type: ignore[union-attr]


def test_routeeroverleg_receives_only_the_minimal_signal(access: Access) -> None:
    for key, veld, _ in _all_grants(access):
        if key.doel == "routeeroverleg":
            assert veld in {"risicoIndicatie", "contactpunt"}, (key, veld)


def test_cter_fields_reach_only_partners_that_signed_the_cter_convenant(access: Access, convenant: Convenant) -> None:
    document = convenant.document(Casustype.CTER)
    assert document is not None
    cter = [(key, veld) for key, veld, _ in _all_grants(access) if key.casustype == "cter"]
    assert cter
    for key, _ in cter:
        assert document.id in convenant.partner(key.partner).convenanten  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "key",
    [
        DecisionKey("onbekende-partner", "deelnemer", "regulier", "casusoverleg"),
        DecisionKey("ggz-drenthe", "onbekende-rol", "regulier", "casusoverleg"),
        DecisionKey("ggz-drenthe", "deelnemer", "onbekend", "casusoverleg"),
        DecisionKey("ggz-drenthe", "deelnemer", "regulier", "onbekend"),
        DecisionKey("*", "*", "*", "*"),
    ],
)
def test_anything_unknown_yields_nothing(access: Access, key: DecisionKey) -> None:
    assert dict(access.allowed_fields(key)) == {}
    with pytest.raises(NietToegestaanError):
        access.require(key, "achternaam")


def test_require_returns_the_grant_or_raises(access: Access) -> None:
    key = DecisionKey("ggz-drenthe", "deelnemer", "regulier", "casusoverleg")
    assert access.require(key, "lvb").grondslag == "avg-9-uavg-30"
    with pytest.raises(NietToegestaanError, match="politieRegistraties"):
        access.require(key, "politieRegistraties")


def test_policy_check_explain_and_diff(tmp_path: Path, access: Access) -> None:
    runner = CliRunner()
    checked = runner.invoke(main, ["policy", "check"])
    assert checked.exit_code == 0 and access.version in checked.output
    explained = runner.invoke(
        main,
        ["policy", "explain", "--partner", "ggz-drenthe", "--rol", "deelnemer", "--casustype", "regulier",
         "--doel", "casusoverleg", "--veld", "politieRegistraties"],
    )  # fmt: skip
    assert explained.exit_code == 0 and "UITGESLOTEN door policies/zvh-drenthe.csv:" in explained.output
    changed = tmp_path / "policies"
    shutil.copytree(POLICIES, changed)
    text = (changed / "zvh-drenthe.csv").read_text()
    (changed / "zvh-drenthe.csv").write_text(text.replace("p, *, fg, *, *, *, -, deny\n", ""))
    output = runner.invoke(main, ["policy", "diff", str(POLICIES), str(changed)]).output
    # Without the FG's deny line no FG receives anything more (no allow line reaches it), but the bronregels
    # (rol *) would let an FG supply data: the deny line is what keeps the FG out of the casus's content.
    changes = [line.split() for line in output.splitlines() if line.startswith("+ ")]
    assert changes and {(c[2], c[4]) for c in changes} == {("fg", "aanmelding"), ("fg", "bijdrage")}
    assert output.endswith(
        f"{len(changes)} beslissing(en) gewijzigd ({access.policy.short_version} -> {_short(runner, changed)})\n"
    )
    (changed / "zvh-drenthe.csv").write_text(text + "p, zorg, deelnemer, regulier, triage, bsn, uavg-46-bsn, allow\n")
    diff = runner.invoke(main, ["policy", "diff", str(POLICIES), str(changed)])
    assert diff.exit_code == 0
    assert "+ ggz-drenthe deelnemer regulier triage bsn (toegestaan, grondslag uavg-46-bsn)" in diff.output
    (changed / "zvh-drenthe.csv").write_text(text + "p, zorg, deelnemer, regulier, triage, bsn, avg-6-1-e-wgs, allow\n")
    broken = runner.invoke(main, ["policy", "check", str(changed)])
    assert broken.exit_code == 2 and "dekt veld 'bsn' niet" in broken.output


def _short(runner: CliRunner, directory: Path) -> str:
    output = runner.invoke(main, ["policy", "check", str(directory)]).output
    return output.split("beleidsversie ", 1)[1][:12]
