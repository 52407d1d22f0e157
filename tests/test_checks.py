"""Learner checks: canonical forms, friendly messages, fresh generated data, no leaks, and
agreement with the hidden tests on every solution, blank and mutant submission."""

from __future__ import annotations

import json
import re
from pathlib import Path

import make_checks
import mutants
import nbformat
import pandas as pd
import pytest
from conftest import ASSIGNMENTS
from fixtures import synthetic

from mvs_course.checks import core
from mvs_course.checks.canonical import canonical, digest, raised

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "solutions").glob("*/*.ipynb"))


@pytest.fixture(autouse=True)
def _no_progress(tmp_path, monkeypatch):
    monkeypatch.setenv("MVS_PROGRESS_FILE", str(tmp_path / "progress.json"))


def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def test_numbers_agree_across_types_but_not_with_bools():
    import numpy as np

    assert canonical(600) == canonical(600.0) == canonical(np.int64(600))
    assert canonical(True) != canonical(1)
    assert canonical(np.bool_(True)) == canonical(True)
    assert canonical(0.1 + 0.2) == canonical(0.3)
    assert canonical(0.001) != canonical(0.002)


def test_containers_and_frames():
    assert canonical({"a": 1, "b": 2}) == canonical({"b": 2, "a": 1})
    assert canonical([1, 2]) != canonical([2, 1])
    assert canonical({1, 2}) == canonical({2, 1})
    df = pd.DataFrame({"x": [1, 2], "y": ["a", "b"]})
    assert canonical(df) == canonical(df.copy())
    assert canonical(df) != canonical(df.assign(x=[1, 3]))
    assert canonical(df["x"]) != canonical(df["x"] * 2)


def test_digest_depends_on_salt_and_value():
    assert digest("s", canonical(1)) == digest("s", canonical(1.0))
    assert digest("s", canonical(1)) != digest("t", canonical(1))
    assert digest("s", raised(ValueError())) != digest("s", raised(KeyError()))


def test_free_names_skip_comprehension_variables_and_builtins():
    assert core.free_names("[f(s) for s in ('a', 'b')]") == {"f"}
    assert core.free_names("len(CAREER)") == {"CAREER"}


def _sections(source_nb: Path) -> dict[str, list[str]]:
    """answer grade_id -> the test grade_ids that follow it (up to the next answer cell)."""
    owners: dict[str, list[str]] = {}
    current = None
    for cell in nbformat.read(source_nb, as_version=4).cells:
        meta = _meta(cell)
        if meta.get("solution"):
            current = meta["grade_id"]
            owners[current] = []
        elif meta.get("grade") and current is not None:
            owners[current].append(meta["grade_id"])
    return owners


def run_in_namespace(release_nb: Path, answers: dict[str, str]) -> dict:
    """Execute a filled release notebook's code cells (not tests, not generated) like a learner."""
    namespace: dict = {"__name__": "__main__"}
    for cell in synthetic.fill(release_nb, answers).cells:
        meta = _meta(cell)
        if cell.cell_type != "code" or make_checks._is_generated(cell):
            continue
        if meta.get("grade") and not meta.get("solution"):
            continue
        try:
            exec(compile(cell.source, meta.get("grade_id", "cell"), "exec"), namespace)  # noqa: S102
        except Exception:  # blank answers raise NotImplementedError; the learner carries on
            pass
    return namespace


def test_solution_is_right_blank_is_not_yet_and_messages_are_friendly(monkeypatch):
    source = ROOT / "solutions" / "01_buyer_vs_seller" / "buyer_vs_seller.ipynb"
    release = ROOT / "exercises" / "01_buyer_vs_seller" / "buyer_vs_seller.ipynb"
    monkeypatch.chdir(release.parent)
    right = run_in_namespace(release, synthetic.solution_answers(source))
    result = core.evaluate("aida", right)
    assert result.ok and result.message.startswith("Right")
    blank = run_in_namespace(release, {})
    missing = core.evaluate("aida", blank)
    assert missing.status == "missing" and "`aida_owner` is not defined" in missing.message
    lenient = {"attention": "marketing", "interest": "marketing"}
    wrong = {**right, "aida_owner": lambda stage: lenient.get(stage.lower(), "sales")}
    result = core.evaluate("aida", wrong)
    assert result.status == "not-yet"
    assert "section '6. Earlier and later: the AIDA steps'" in result.message
    assert "aida_owner('Discount')" in result.message  # the input is named, never the answer
    assert "marketing" not in result.message.split("idea that")[0]
    stub = {**right, "aida_owner": lambda stage: (_ for _ in ()).throw(NotImplementedError())}
    assert "replace it with your code" in core.evaluate("aida", stub).message
    unknown = core.evaluate("no_such_cell", right)
    assert unknown.status == "unknown" and "career" in unknown.message


def test_check_does_not_record_while_nbgrader_grades(capsys, tmp_path, monkeypatch):
    (tmp_path / "autograded" / "ana" / "01_buyer_vs_seller").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "autograded" / "ana" / "01_buyer_vs_seller")
    core.check("career", {"CAREER": {}})
    assert capsys.readouterr().out.startswith("Not yet.")
    assert not (tmp_path / "progress.json").exists()
    (tmp_path / "exercises" / "01_buyer_vs_seller").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "exercises" / "01_buyer_vs_seller")
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    core.check("career", {"CAREER": {}})
    assert capsys.readouterr().out.startswith("Not yet.")
    assert not (tmp_path / "progress.json").exists()


def test_check_prints_and_records_without_raising(capsys, tmp_path, monkeypatch):
    (tmp_path / "exercises" / "01_buyer_vs_seller").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "exercises" / "01_buyer_vs_seller")
    core.check("career", {"CAREER": {"x": "sales"}})
    assert capsys.readouterr().out.startswith("Not yet.")
    saved = json.loads((tmp_path / "progress.json").read_text())
    assert saved["01_buyer_vs_seller"]["career"]["ok"] is False
    core.check("nothing_like_this", {})
    assert "There is no check called" in capsys.readouterr().out


@pytest.mark.parametrize("source_nb", SOURCES, ids=lambda p: p.parent.name)
def test_every_answer_cell_has_probes_and_a_check_cell(source_nb):
    cells = nbformat.read(source_nb, as_version=4).cells
    for i, cell in enumerate(cells):
        if _meta(cell).get("solution"):
            gid = _meta(cell)["grade_id"]
            assert cell.metadata.get("mvs", {}).get("probes"), f"{gid}: add mvs.probes (see BRIEF.md)"
            assert cells[i + 1].get("id") == f"check-{gid}", f"{gid}: run python tools/make_checks.py"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_check_agrees_with_hidden_tests(graded, assignment, monkeypatch):
    """Right iff the hidden tests give full marks, for solution, blank and every mutant."""
    klass = graded[assignment]
    all_mutants = mutants.load().get(assignment, {})
    compared = 0
    for source_nb in sorted((ROOT / "solutions" / assignment).glob("*.ipynb")):
        release_nb = ROOT / "exercises" / assignment / source_nb.name
        monkeypatch.chdir(release_nb.parent)
        answers = synthetic.solution_answers(source_nb)
        submissions = {"solution": answers, "blank": {}}
        for test_id, (answer_id, wrong) in all_mutants.items():
            submissions[f"mutant-{test_id}"] = {**answers, answer_id: wrong}
        for student, filled in submissions.items():
            namespace = run_in_namespace(release_nb, filled)
            for answer_id, tests in _sections(source_nb).items():
                full = all(klass.score(student, t) == klass.items[t] for t in tests)
                result = core.evaluate(answer_id, namespace, assignment=assignment)
                assert result.ok == full, (
                    f"{student}: check({answer_id!r}) says {result.status} but the hidden tests give "
                    f"{'full' if full else 'partial'} marks; choose probes that tell them apart"
                )
                compared += 1
    assert compared >= 3 * len(klass.items)


def _strings(data) -> list[str]:
    if isinstance(data, dict):
        return [s for v in data.values() for s in _strings(v)]
    if isinstance(data, list):
        return [s for v in data for s in _strings(v)]
    return [data] if isinstance(data, str) else []


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_check_data_holds_no_solution_or_hidden_test(assignment):
    data = json.loads((ROOT / "src/mvs_course/checks/data" / f"{assignment}.json").read_text())
    text = "\n".join(_strings(data))
    secret_lines = []
    for source_nb in (ROOT / "solutions" / assignment).glob("*.ipynb"):
        for cell in nbformat.read(source_nb, as_version=4).cells:
            meta = _meta(cell)
            if meta.get("solution"):
                secret_lines += cell.source.splitlines()
            elif meta.get("grade") and "BEGIN HIDDEN TESTS" in cell.source:
                secret_lines += cell.source.split("BEGIN HIDDEN TESTS", 1)[1].splitlines()
    secret_lines = [line.strip() for line in secret_lines if len(line.strip()) >= 20]
    assert secret_lines, "nothing to compare with"
    leaked = [line for line in secret_lines if line in text]
    assert not leaked, f"check data contains: {leaked}"
    assert all(re.fullmatch(r"[0-9a-f]{64}", p["hash"]) for c in data["checks"].values() for p in c["probes"])


def test_generated_checks_are_fresh():
    assert make_checks.main(["--check"]) == 0, "run: python tools/make_checks.py && mvs-course release"


def test_check_mode_reports_stale_data(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(make_checks, "DATA", tmp_path)
    assert make_checks.main(["--check", ASSIGNMENTS[0]]) == 1
    assert "is out of date" in capsys.readouterr().out
    assert not list(tmp_path.iterdir()), "--check must not write"
