"""Broken curation cards, each through the real `serkg build`: exit 2, one line naming
file:line and the field, and every artefact of the previous build left as it was."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from serkg import resources
from serkg.cli import app

TAURINE = (Path(__file__).parent / "fixtures" / "taurine.yaml").read_text(encoding="utf-8")


def _replace(old: str, new: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert text.count(old) == 1, old
        return text.replace(old, new)

    return edit


def _add_trial(trial: str) -> Callable[[str], str]:
    return lambda text: text + "\ntrials:\n" + trial


TRIAL = """  - source: pubchem-cid-1123
    section: clinical studies
    evidence: RegistryRecordEvidence
    registry_id: NCT00000000
    phase: Phase 5
"""

#: (kind of mistake, how the fixture is broken, the error line after "serkg: error: ")
BROKEN: list[tuple[str, Callable[[str], str], str]] = [
    (
        "yaml-syntax",
        _replace("    label: taurine\n", "    label: [taurine\n"),
        "cards/taurine.yaml:16: YAML syntax error: expected ',' or ']', but got ':'",
    ),
    (
        "unknown-field",
        _replace("    formula: C2H7NO3S\n", "    formla: C2H7NO3S\n"),
        "cards/taurine.yaml:19: identity[0].formla: unknown field (did you mean 'formula'?); "
        "known here: source, section, evidence, bundle, label, synonyms, definition, cas, formula, "
        "iupac_name, monoisotopic_mass, average_mass, mass_unit, molecular_weight, "
        "molecular_weight_unit, inchi, inchikey, smiles, identifiers, broader_identifiers",
    ),
    (
        "wrong-type",
        _replace("    endogenous: true\n", "    endogenous: often\n"),
        "cards/taurine.yaml:29: facts[0].endogenous: expected true or false, got text ('often')",
    ),
    (
        "missing-source",
        _replace(
            "  - source: pubchem-cid-1123\n    section: biological role\n",
            "  - section: biological role\n",
        ),
        "cards/taurine.yaml:26: facts[0].source: 'source' is required: the document these facts "
        "come from (a kgsrc: id, a DOI or a URL)",
    ),
    (
        "unknown-evidence-level",
        _replace(
            "    section: biological role\n    evidence: CuratedDatabaseEvidence\n",
            "    section: biological role\n    evidence: StrongEvidence\n",
        ),
        "cards/taurine.yaml:28: facts[0].evidence: 'StrongEvidence' is not one of "
        "CuratedDatabaseEvidence, SecondaryMappingEvidence, ExpertSummaryEvidence, "
        "RegistryRecordEvidence, CellCultureEvidence, AnimalModelEvidence, "
        "ConferenceAbstractEvidence, UncontrolledPhase1Evidence, UncontrolledPhase2Evidence, "
        "RandomisedControlledEvidence",
    ),
    (
        "cas-check-digit",
        _replace("    cas: 107-35-7\n", "    cas: 107-35-8\n"),
        "cards/taurine.yaml:18: identity[0].cas: '107-35-8' has a wrong check digit (expected 7): "
        "a typo in the CAS number?",
    ),
    (
        "unit-not-allowed",
        _replace("    mass_unit: DA\n", "    mass_unit: kg\n"),
        "cards/taurine.yaml:22: identity[0].mass_unit: 'kg' is not one of GM, MilliGM-PER-KiloGM, "
        "GM-PER-MOL, DA, PERCENT, MO, WK",
    ),
    (
        "date-not-a-date",
        _add_trial(TRIAL.replace("    phase: Phase 5\n", "    start_date: 2024-02-30\n")),
        "cards/taurine.yaml:36: trials[0].start_date: '2024-02-30' is not a date "
        "(YYYY, YYYY-MM or YYYY-MM-DD)",
    ),
    (
        "trial-without-registry-id",
        _add_trial(
            TRIAL.replace("    registry_id: NCT00000000\n", "    id: taurine-trial\n").replace(
                "Phase 5", "Phase1"
            )
        ),
        "cards/taurine.yaml:32: trials[0].registry_id: 'registry_id' is required",
    ),
    (
        "compound-id-twice",
        _replace("  - id: pubchem-cid-1123\n", "  - id: kg:taurine\n"),
        "cards/taurine.yaml:5: sources[0].id: 'taurine' is already the id of compound (line 2); "
        "one id names one thing",
    ),
    (
        "trial-phase-not-in-list",
        _add_trial(TRIAL),
        "cards/taurine.yaml:36: trials[0].phase: 'Phase 5' is not one of EarlyPhase1, Phase1, "
        "Phase1Phase2, Phase2, Phase2a, Phase2Phase3, Phase3, Phase4, PhaseNotApplicable",
    ),
    (
        "key-given-twice",
        _replace("    formula: C2H7NO3S\n", "    formula: C2H7NO3S\n    formula: C2H7NO3\n"),
        "cards/taurine.yaml:20: identity[0].formula: is given twice in the same block",
    ),
]


def _snapshot(folder: Path) -> dict[str, str]:
    """Every path under FOLDER with its content hash (or link target): what 'unchanged' means."""
    out: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        if path.is_symlink():
            out[key] = "-> " + str(path.readlink())
        elif path.is_file():
            out[key] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            out[key] = "dir"
    return out


@pytest.fixture(scope="module")
def previous_build(built_dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of a complete build, which the failing builds must leave as it is."""
    copy = tmp_path_factory.mktemp("previous") / "dist"
    shutil.copytree(built_dist, copy, symlinks=True)
    return copy


def test_the_fixture_card_compiles() -> None:
    from serkg.cards import compile_card

    assert len(compile_card(Path(__file__).parent / "fixtures" / "taurine.yaml")) == 23


@pytest.mark.parametrize(("kind", "edit", "message"), BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_card_stops_the_build_and_changes_nothing(
    kind: str,
    edit: Callable[[str], str],
    message: str,
    previous_build: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "cards").mkdir()
    card = Path("cards/taurine.yaml")
    (tmp_path / card).write_text(edit(TAURINE), encoding="utf-8")
    packaged = resources.data_files()
    monkeypatch.setattr(resources, "data_files", lambda: [*packaged, card])
    monkeypatch.chdir(tmp_path)
    before = _snapshot(previous_build)

    result = CliRunner().invoke(app, ["build", "--quiet", "--out", str(previous_build)])

    assert (result.exit_code, result.stderr) == (2, f"serkg: error: {message}\n"), kind
    assert result.stdout == ""
    assert _snapshot(previous_build) == before


def test_a_card_that_breaks_a_shape_exits_1_naming_the_card(tmp_path: Path) -> None:
    """What only the whole graph can check (a target that exists) is SHACL's job: exit 1.

    In a child process: `serkg validate` cuts its own process off the network, which in this
    process would cut off every later test that talks to a loopback server."""
    card = Path("cards/taurine.yaml")
    (tmp_path / "cards").mkdir()
    (tmp_path / card).write_text(
        TAURINE + "\nmechanisms:\n  - id: mechanism-taurine-example\n    source: pubchem-cid-1123\n"
        "    section: pharmacology\n    evidence: CuratedDatabaseEvidence\n"
        "    label: taurine acts on a receptor\n    action: Activation\n"
        "    targets: [no-such-receptor]\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "serkg", "validate", str(card)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )

    assert result.returncode == 1, result.stderr
    assert '1. kg:mechanism-taurine-example "taurine acts on a receptor"  [cards/taurine.yaml]' in (
        result.stdout
    )
    assert "sk:hasTarget must point to an sk:Protein described in the data" in result.stdout
