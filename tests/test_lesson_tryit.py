"""The Try-it exercises of lessons 1-3 and the pandas primer can be solved with what the
examples before them show, and every exercise a lesson checks is registered.

Each notebook's code cells run in-process, top to bottom, with each exercise's ``...``
replaced by an answer written the way a learner would after reading the examples; the
registered expected value must accept it and reject a wrong one.
"""

from __future__ import annotations

import ast
import contextlib
import io
import re
from pathlib import Path

import matplotlib
import nbformat
import pytest

from mvs_course.authoring import nav
from mvs_course.lessons import tryit

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "course"

# notebook -> {variable the exercise cell fills in: an answer built from the examples}
ANSWERS = {
    "00b_pandas_primer.ipynb": {
        "cheapest_generic": 'shoes["generic_price"].min()',
        "total_margin": 'shoes["margin"].sum()',
        "cheap_models": 'shoes.loc[shoes["branded_price"] < 115, "model"].tolist()',
        "bo_deals": 'deals["seller"].value_counts()["bo"]',
        "biggest": 'deals.groupby("seller")["value"].max().to_dict()',
        "june_deals": '(deals["month"] == "2026-06").sum()',
    },
    "01_buyer_vs_seller.ipynb": {
        "mean_premium": 'shoes["premium"].mean()',
        "loud_no_need": "(loud & ~needs_bike).sum()",
        "gus_first_ride": (
            'visits.loc[(visits["visitor"] == "gus") & (visits["action"] == "test ride"), "day"].min()'
        ),
        "last_day": '{v: rows["day"].max() for v, rows in visits.groupby("visitor")}',
        "decisions": 'clean.isin(["decision", "desire"]).sum()',
    },
    "02_process_goals_quotas.ipynb": {
        "worst_month": '(funnel["customers"] / funnel["leads"]).idxmin()',
        "campaigns_per_month": 'campaigns.groupby("month").size().to_dict()',
        "most_over_budget": (
            'budgets.loc[(budgets["spent"] / budgets["budget_6_months"]).idxmax(), "channel"]'
        ),
        "quarter_spend": 'campaigns.groupby("quarter")["spend"].sum().to_dict()',
        "tested_and_many": '(campaigns["tested"] & (campaigns["leads"] >= 40)).mean()',
        "least_tested": 'campaigns.groupby("channel")["tested"].mean().sort_index().idxmin()',
    },
    "03_information_loop.ipynb": {
        "blank_comments": '(feedback["comment"].fillna("").astype(str).str.strip() == "").sum()',
        "recent_sessions": 'feedback.loc[days_ago <= 21, "session"].unique().tolist()',
        "one_word": "(words == 1).sum()",
        "top_topic_cy": (
            'crm.loc[crm["seller"] == "cy", "topic"].dropna().value_counts().sort_index().idxmax()'
        ),
        "good_ratings": '{s: (part["rating"] >= 4).sum() for s, part in feedback.groupby("seller")}',
        "office_value": (
            'deals.loc[(deals["stage"] == "signed") & (deals["segment"] == "offices"), "value"].sum()'
        ),
        "training_notes": 'crm["note"].str.contains("training", case=False, na=False).sum()',
    },
}
PLACEHOLDER = re.compile(r"^(\w+) = \.\.\.$", re.M)


def exercise_cells(nb: nbformat.NotebookNode) -> dict[str, str]:
    """Try-it key -> the variable its exercise cell checks."""
    found = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Call) and nav.check_keys(ast.unparse(node)) and len(node.args) == 2:
                if isinstance(node.args[1], ast.Name):
                    found[node.args[0].value] = node.args[1].id
    return found


def run_with_answers(nb: nbformat.NotebookNode, answers: dict[str, str]) -> dict:
    namespace: dict = {}
    filled = set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        source = cell.source
        for name in PLACEHOLDER.findall(source):
            source = source.replace(f"{name} = ...", f"{name} = {answers[name]}")
            filled.add(name)
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(source, f"{cell.get('id')}", "exec"), namespace)  # noqa: S102 - our own notebooks
    assert filled == set(answers), f"answers for cells that are not there: {set(answers) - filled}"
    return namespace


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_try_it_exercises_are_solvable_from_the_examples(name):
    nb = nbformat.read(COURSE / name, as_version=4)
    namespace = run_with_answers(nb, ANSWERS[name])
    keys = exercise_cells(nb)
    assert len(keys) == len(ANSWERS[name]) >= 5
    for key, variable in keys.items():
        answer = namespace[variable]
        assert tryit.is_right(key, answer), f"{key}: {answer!r} is not accepted"
        assert not tryit.is_right(key, None), f"{key} accepts anything"


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_unanswered_exercises_say_not_yet(name, capsys):
    nb = nbformat.read(COURSE / name, as_version=4)
    for key in exercise_cells(nb):
        assert tryit.check(key, ...) is False
    assert capsys.readouterr().out.count("replace `...`") == len(exercise_cells(nb))


@pytest.mark.parametrize("path", sorted(COURSE.glob("0*.ipynb")), ids=lambda p: p.stem)
def test_every_checked_key_is_registered_by_the_modules_the_notebook_imports(path):
    nb = nbformat.read(path, as_version=4)
    used = {key for cell in nb.cells if cell.cell_type == "code" for key in nav.check_keys(cell.source)}
    assert used <= nav.registered_keys([nb]), sorted(used - nav.registered_keys([nb]))
