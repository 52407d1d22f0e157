"""Learner checks: the solution is Right and the blank release Not yet on every item; messages name
the failing case and the lesson section, never an expected value; check() does nothing while
nbgrader grades and records progress wherever the notebook lives (exercises/ or an exchange
fetch). Agreement with the hidden tests on whole graded classes is proved in tests/proofs/."""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
import pytest

from mvs_course import nbmeta
from mvs_course.authoring.release_cells import generated
from mvs_course.checks import core

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENTS = sorted(p.name for p in (ROOT / "solutions").iterdir() if p.is_dir())


@pytest.fixture(autouse=True)
def _progress(tmp_path, monkeypatch):
    monkeypatch.setenv("MVS_PROGRESS_FILE", str(tmp_path / "progress.json"))
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.delenv("MVS_NO_PROGRESS", raising=False)


def learner_namespace(assignment: str, answers: dict[str, str] | None = None, *, blank: bool = False) -> dict:
    """Run a notebook's non-test cells like a learner: the solution's, the release's when
    ``blank``; ``answers`` replace answer cells. Errors do not stop the run."""
    folder = ROOT / ("exercises" if blank else "solutions") / assignment
    nb = nbformat.read(next(folder.glob("*.ipynb")), as_version=4)
    namespace: dict = {"__name__": "__main__"}
    before = Path.cwd()
    os.chdir(folder)
    try:
        for cell in nb.cells:
            if cell.cell_type != "code" or nbmeta.is_autograded_test(cell) or generated(cell):
                continue
            gid = nbmeta.grade_id(cell)
            source = (answers or {}).get(gid, nbmeta.strip_solution_markers(cell.source))
            try:
                exec(compile(source, gid or "cell", "exec"), namespace)  # noqa: S102
            except Exception:  # a blank answer raises NotImplementedError; the learner goes on
                pass
    finally:
        os.chdir(before)
    return namespace


def answer_ids(assignment: str) -> list[str]:
    return list(core.load_all()[assignment]["checks"])


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_is_right_and_blank_is_not_yet(assignment):
    solution = learner_namespace(assignment)
    blank = learner_namespace(assignment, blank=True)
    ids = answer_ids(assignment)
    assert len(ids) >= 6
    for answer in ids:
        right = core.evaluate(answer, solution, assignment=assignment)
        assert right.ok, f"{answer}: {right.message}"
        assert right.message.startswith("Right")
        empty = core.evaluate(answer, blank, assignment=assignment)
        assert empty.status in ("not-yet", "missing"), f"{answer}: blank says {empty.status}"


def test_messages_name_the_case_and_the_section_never_the_answer():
    a = "01_buyer_vs_seller"
    one_side_true = """
def marketing_first(events):
    out = {}
    for customer, rows in events.groupby("customer"):
        m, s = rows[rows.side == "marketing"].day, rows[rows.side == "sales"].day
        out[customer] = bool(m.max() < s.min()) if len(s) else True
    return out"""
    wrong = learner_namespace(a, {"journey": one_side_true})
    result = core.evaluate("journey", wrong, assignment=a)
    assert result.status == "not-yet"
    assert result.message.startswith("Not yet right for a customer who met only one side.")
    assert "lesson 1 (course/01_buyer_vs_seller.ipynb), section" in result.message
    for secret in ("bram", "dora", "False"):
        assert secret not in result.message
    raising = learner_namespace(a, {"journey": "def marketing_first(events):\n    return {}['ana']"})
    result = core.evaluate("journey", raising, assignment=a)
    assert (
        "your code raised KeyError" in result.message or "running the tests raised KeyError" in result.message
    )
    stub = learner_namespace(a, {"aida": "def aida_owner(stage):\n    raise NotImplementedError()"})
    assert "still says `raise NotImplementedError()`" in core.evaluate("aida", stub, assignment=a).message
    missing = core.evaluate("aida", {}, assignment=a)
    assert missing.status == "missing" and "`aida_owner` is not defined" in missing.message
    visible = learner_namespace(a, {"career": "CAREER = {'a': 'x'}"})
    assert core.evaluate("career", visible, assignment=a).message.startswith(
        "Not yet: keep all six activities"
    )


def test_a_check_does_not_change_the_learners_variables():
    a = "03_information_loop"
    namespace = learner_namespace(a)
    namespace["crm"] = "my own value"
    assert core.evaluate("crm_health", namespace, assignment=a).ok
    assert namespace["crm"] == "my own value"


def test_unknown_check_lists_the_known_ones():
    result = core.evaluate("no_such_cell", {})
    assert result.status == "unknown" and "career" in result.message


def test_check_does_nothing_while_nbgrader_grades(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    core.check("career", {"CAREER": {}})
    assert capsys.readouterr().out == ""
    assert not (tmp_path / "progress.json").exists()


@pytest.mark.parametrize("layout", ["exercises/01_buyer_vs_seller", "home/01_buyer_vs_seller", "elsewhere"])
def test_check_prints_and_records_wherever_the_notebook_is(layout, capsys, tmp_path, monkeypatch):
    """exercises/<assignment>/ in the repository, <home>/<assignment>/ after nbgrader's fetch."""
    folder = tmp_path / layout
    folder.mkdir(parents=True)
    monkeypatch.chdir(folder)
    core.check("career", {"CAREER": {"x": "sales"}})
    assert capsys.readouterr().out.startswith("Not yet")
    saved = json.loads((tmp_path / "progress.json").read_text())
    assert saved["01_buyer_vs_seller"]["career"]["ok"] is False
    core.check("career", learner_namespace("01_buyer_vs_seller"))
    assert capsys.readouterr().out.startswith("Right")
    saved = json.loads((tmp_path / "progress.json").read_text())
    assert saved["01_buyer_vs_seller"]["career"]["ok"] is True
    core.check("nothing_like_this", {})
    assert "There is no check called" in capsys.readouterr().out


NATURAL_ANSWERS = {  # correct answers from issue 13 that used to score zero
    ("01_buyer_vs_seller", "journey"): """
def marketing_first(events):
    out = {}
    for customer, rows in events.groupby("customer"):
        m, s = rows[rows.side == "marketing"].day, rows[rows.side == "sales"].day
        out[customer] = len(m) > 0 and len(s) > 0 and m.max() < s.min()  # numpy.bool_
    return out""",
    ("01_buyer_vs_seller", "pain"): """
def possible_sales(leads):
    return (leads["has_problem"] & leads["seller_can_solve"]).sum()  # numpy.int64""",
    ("01_buyer_vs_seller", "questions"): """
import numpy as np
def worth_solving(cost_per_month, months):
    return np.multiply(cost_per_month, months)
def will_buy(price, cost_per_month, months):
    return worth_solving(cost_per_month, months) >= price""",
    ("03_information_loop", "by_segment"): """
def segment_feedback(crm):
    groups = crm.groupby("segment")
    won = groups["outcome"].apply(lambda s: (s == "won").sum())
    table = pd.DataFrame({"contacts": groups["record"].count(), "won": won})
    table["win_rate"] = (table["won"] / table["contacts"]).round(2)
    def top(needs):
        counts = needs.dropna().value_counts()
        return sorted(counts[counts == counts.max()].index)[0] if len(counts) else None
    table["top_need"] = groups["need"].agg(top)
    return table.sort_index()""",
    ("05_one_to_many_one_to_one", "org"): """
def sales_under_marketing(org):
    team = org.get("sales")
    while team is not None:
        if team == "marketing":
            return True
        team = org.get(team)
    return False""",
    ("05_one_to_many_one_to_one", "segments"): """
def deviations(customers):
    means = customers.groupby("segment")["annual_budget"].transform("mean")
    return dict(zip(customers["customer"], customers["annual_budget"] - means))
def farthest_from_average(customers):
    gaps = deviations(customers)
    best = None
    for name, gap in gaps.items():  # a tie goes to the last one
        if best is None or abs(gap) >= abs(gaps[best]):
            best = name
    return best""",
    ("06_where_the_articles_meet", "worth"): """
import numpy as np
def tco(price, extras):
    return np.sum([price, *extras.values()])
def will_buy(price, extras, cost_per_month, months):
    return np.multiply(cost_per_month, months) >= tco(price, extras)""",
}


@pytest.mark.parametrize(("assignment", "answer"), list(NATURAL_ANSWERS), ids=lambda v: str(v))
def test_natural_answers_from_issue_13_are_right(assignment, answer):
    namespace = learner_namespace(assignment, {answer: NATURAL_ANSWERS[(assignment, answer)]})
    result = core.evaluate(answer, namespace, assignment=assignment)
    assert result.ok, result.message
