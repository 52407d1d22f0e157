"""Lesson 6 and the glossary: data tables, model functions and widgets, without a browser."""

from __future__ import annotations

import html
import re
from pathlib import Path

import matplotlib
import nbformat
import pandas as pd
import pytest

from mvs_course import claims as mvs_claims
from mvs_course.lessons import glossary, tryit
from mvs_course.lessons import synthesis as lesson
from mvs_course.widgets import Quiz, Sorter

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def claims() -> pd.DataFrame:
    return lesson.load_claims()


@pytest.fixture(scope="module")
def stances() -> pd.DataFrame:
    return lesson.load_stances()


def checklist() -> list[str]:
    return mvs_claims.keys()


# --- the data ------------------------------------------------------------------------------


def test_claims_table_has_every_checklist_claim_once(claims):
    assert sorted(claims["claim"]) == sorted(checklist())
    assert (claims["claim"] == claims["article"] + "/" + claims["key"]).all()


def test_claims_use_known_themes_sides_and_languages(claims):
    assert set(claims["theme"]) == set(lesson.THEMES)
    assert set(claims["side"]) <= {"marketing", "sales", "both"}
    assert set(claims["language"]) == set(lesson.LANGUAGES)
    assert (claims.groupby("article")["language"].nunique() == 1).all()
    assert claims["summary"].str.len().gt(20).all()


def test_each_claim_names_the_pole_of_its_side(claims):
    """A claim about marketing says what marketing does, and likewise for sales."""
    for _, row in claims.iterrows():
        if row["side"] in ("marketing", "both"):
            assert row["marketing"], row["claim"]
        if row["side"] in ("sales", "both"):
            assert row["sales"], row["claim"]


def test_stances_cover_every_article_and_cite_real_claims(claims, stances):
    per_question = stances.groupby("question")["article"].apply(sorted)
    assert all(articles == list(lesson.ARTICLES) for articles in per_question)
    cited = set(stances.loc[stances["claim"] != "", "claim"])
    assert cited <= set(claims["claim"])
    for question, (_, options) in lesson.questions(stances).items():
        taken = set(stances.loc[stances["question"] == question, "stance"]) - {lesson.NOT_ADDRESSED}
        assert taken <= set(options), question
    silent = stances["stance"] == lesson.NOT_ADDRESSED
    assert (stances.loc[~silent, "claim"] != "").all(), "a stance must rest on a claim"


# --- the big table ----------------------------------------------------------------------------


def test_overview_counts_claims_per_article(claims):
    overview = lesson.article_overview(claims)
    assert list(overview.index) == list(lesson.ARTICLES)
    assert overview["claims"].sum() == len(claims)
    assert overview.loc["003", "language"] == "Italian"


def test_pivot_lists_each_claim_under_its_theme_and_article(claims):
    table = lesson.claims_by_article(claims)
    assert list(table.index) == list(lesson.THEMES)
    for _, row in claims.iterrows():
        assert row["key"] in table.loc[row["theme"], row["article"]].split(", ")


def test_theme_counts_and_shared_themes_agree(claims):
    counts = lesson.theme_counts(claims)
    assert counts.values.sum() == len(claims)
    everyone = lesson.themes_shared_by(claims, 5)
    assert everyone == [t for t in counts.index if (counts.loc[t] > 0).all()]
    assert set(lesson.themes_shared_by(claims, 1)) == set(lesson.THEMES)
    assert lesson.heat_chart(claims).axes[0].images


def test_side_by_side_shows_the_voice_consensus(claims):
    voice = lesson.side_by_side(claims, "voice")
    assert list(voice["article"]) == ["000", "003", "004"]
    assert list(voice.columns) == ["article", "key", "marketing", "sales"]
    with pytest.raises(ValueError, match="unknown theme"):
        lesson.side_by_side(claims, "colour")


# --- explorer and comparison ------------------------------------------------------------------


def test_explore_filters_by_theme_and_article(claims):
    assert len(lesson.explore(claims)) == len(claims)
    rows = lesson.explore(claims, "value", "004")
    assert set(rows["claim"]) == {"004/value-not-discounts", "004/total-cost-of-ownership", "004/risk-free"}
    assert "makes no claim" in lesson.explore_html(claims, "time", "000")
    with pytest.raises(ValueError, match="unknown article"):
        lesson.explore(claims, "all", "007")


def test_explorer_widget_follows_its_dropdowns(claims):
    view = lesson.claim_explorer(claims)
    view.controls["theme"].value = "value"
    view.controls["article"].value = "004"
    assert "<b>3</b> claims" in view.html.value and "risk-free" in view.html.value


def test_compare_articles_splits_themes(claims):
    parts = lesson.compare_articles(claims, "000", "003")
    assert "voice" in parts["both"] and "method" in parts["only 003"] and "value" in parts["only 000"]
    themes_000 = set(claims.loc[claims["article"] == "000", "theme"])
    assert set(parts["both"]) | set(parts["only 000"]) == themes_000
    assert "different" in lesson.compare_html(claims, "001", "001")


def test_compare_view_shows_both_summaries(claims):
    view = lesson.compare_view(claims)
    view.controls["first"].value = "001"
    view.controls["second"].value = "004"
    text = html.unescape(view.html.value)
    assert "only 001" in text and "one person at a time" in text


# --- stances ------------------------------------------------------------------------------------


def test_positions_leave_out_silent_articles(stances):
    one, two = "one process", "separate"
    assert lesson.positions(stances, "one-or-two") == {"000": one, "001": two, "003": one, "004": two}
    assert "002" not in lesson.positions(stances, "art-or-science")
    with pytest.raises(ValueError):
        lesson.positions(stances, "favourite-colour")


# Where a close reading of the seed text finds the article silent (issue 14, section 3).
SILENT = [
    ("art-or-science", "001"),
    ("art-or-science", "002"),
    ("lead-quality", "001"),
    ("lead-quality", "002"),
    ("who-leads", "000"),
    ("who-leads", "003"),
    ("closest-to-buyer", "000"),
    ("one-or-two", "002"),
    ("time-horizon", "001"),
]


@pytest.mark.parametrize(("question", "article"), SILENT)
def test_silent_articles_are_not_given_a_stance(stances, question, article):
    row = stances[(stances["question"] == question) & (stances["article"] == article)]
    assert row["stance"].tolist() == [lesson.NOT_ADDRESSED]
    assert row["claim"].tolist() == [""] and row["note"].str.len().gt(5).all()


def test_every_stance_says_where_in_its_article(stances):
    spoken = stances[stances["stance"] != lesson.NOT_ADDRESSED]
    assert spoken["where"].str.len().gt(5).all(), "a stance must name its paragraph"
    assert stances["note"].str.len().gt(5).all()


def test_dispute_table_ignores_silence(stances):
    table = lesson.dispute_table(stances)
    assert list(table.index) == list(lesson.questions(stances))
    assert set(table.index[table["disputed"]]) == {"art-or-science", "one-or-two", "who-asks", "who-leads"}
    # one article speaking, or all speakers agreeing, is not a dispute
    assert table.loc["lead-quality", "speaking"] == 1 and not table.loc["lead-quality", "disputed"]
    assert table.loc["closest-to-buyer", "positions"] == "sales: 001, 002, 003, 004"
    assert table.loc["closest-to-buyer", "silent"] == "000"
    assert table.loc["one-or-two", "positions"] == "one process: 000, 003; separate: 001, 004"


def test_theme_table_lists_every_theme_with_its_claims(claims):
    table = lesson.theme_table(claims)
    assert list(table["our theme"]) == list(lesson.THEMES)
    assert table["claims"].sum() == len(claims)
    assert table.set_index("our theme").loc["value", "covers"] == lesson.THEMES["value"]


def test_agreement_counts_matches(stances):
    scores = lesson.agreement(
        stances, {"art-or-science": "science", "one-or-two": "separate", "who-asks": None}
    )
    assert scores.to_dict() == {"000": 0, "001": 1, "002": 0, "003": 1, "004": 1}
    assert lesson.agreement(stances, {}).sum() == 0


def test_stance_picker_reveals_after_the_pick_and_keeps_score(stances):
    picker = lesson.stance_picker(stances)
    assert "Choose your position" in picker.reveal.value and picker.tally.value == ""
    picker.question.value = "art-or-science"
    assert list(picker.choice.options) == ["art", "science", "both"]
    picker.choice.value = "science"
    text = html.unescape(picker.reveal.value)
    assert "You chose <b>science</b>" in text and text.count("agrees with you") == 1
    assert text.count("– silent") == 2 and "Art vs Science" in text  # silence and sources shown
    assert "article 003 (1 of 1)" in picker.tally.value
    picker.question.value = "closest-to-buyer"
    assert picker.choice.value is None  # a new question starts unanswered
    picker.choice.value = "sales"
    assert "article 003 (2 of 2)" in picker.tally.value
    picker.question.value = "art-or-science"
    assert picker.choice.value == "science"  # earlier picks are remembered
    picker.choice.value = "art"
    assert "articles 000, 001, 002, 003, 004 (1 of 2)" in picker.tally.value


def test_who_said_it_and_quiz(stances):
    sorter = lesson.who_said_it()
    assert isinstance(sorter, Sorter) and set(lesson.WHO_KEY) == set(lesson.WHO_ITEMS)
    for item, article in lesson.WHO_KEY.items():
        sorter.toggles[item].value = article
    sorter.check_button.click()
    assert "All sorted" in sorter.feedback.value
    quiz = lesson.consensus_quiz()
    assert isinstance(quiz, Quiz)
    quiz.choice.value = quiz.answer
    assert quiz.feedback.value.startswith("Right")


def test_try_it_values():
    assert tryit.is_right("06-themes-per-side", {"both": 7, "marketing": 7, "sales": 6})
    assert tryit.is_right(
        "06-words", {"es": ["historias"], "it": ["domande", "storia"], "nl": ["verhaal", "vraag"]}
    )
    assert tryit.is_right("06-one-language", ["buyer", "customer", "value"])
    assert tryit.is_right("06-hits", {"ines": 3, "jon": 3, "kai": 2})
    assert tryit.is_right("06-best-guesser", "ines")  # a tie with jon goes to the first name
    assert not tryit.is_right("06-best-guesser", "jon")
    assert tryit.is_right("06-aida", ["marketing", "sales", "sales"])
    assert tryit.is_right("06-months", 7)  # 245 euro at 40 a month
    assert not tryit.is_right("06-months", 6)


# --- glossary ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def terms() -> pd.DataFrame:
    return glossary.load_glossary()


def test_glossary_has_every_language_and_real_articles(terms):
    assert set(terms["language"]) == set(glossary.LANGUAGES)
    assert set(terms["article"]) <= set(lesson.ARTICLES)
    assert not terms.duplicated(["term", "language"]).any()
    spoken = {"000": "nl", "001": "pl", "002": "nl", "003": "it", "004": "es"}
    assert (terms["language"] == terms["article"].map(spoken)).all()


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("sprzedaz", "sprzedaż"),
        ("REPUTACION", "reputación de la marca"),
        ("plumb", "plomada"),
        ("koper", "koper"),
    ],
)
def test_search_ignores_case_and_accents(terms, typed, found):
    assert found in set(glossary.search(terms, typed)["term"])


def test_search_filters_by_language(terms):
    spanish = glossary.search(terms, "", "es")
    assert set(spanish["language"]) == {"Spanish"} and len(spanish) == (terms["language"] == "es").sum()
    assert glossary.search(terms, "plomada", "nl").empty
    with pytest.raises(ValueError, match="unknown language"):
        glossary.search(terms, "", "fr")


def test_fold_strips_accents_and_polish_l():
    assert glossary.fold("  Świadomość ") == "swiadomosc"
    assert glossary.fold("Łódź") == "lodz"


def test_search_widget_reports_matches_and_misses(terms):
    view = glossary.glossary_search(terms)
    view.controls["text"].value = "sales"
    view.controls["language"].value = "it"
    assert "vendite" in view.html.value and "ventas" not in view.html.value
    view.controls["text"].value = "<xyz>"
    assert "No term in Italian matches <b>&lt;xyz&gt;</b>" in view.html.value


def test_concepts_span_languages(terms):
    assert "sales" in glossary.concepts(terms)
    table = glossary.translations(terms, "sales")
    assert set(table["language"]) == set(glossary.LANGUAGES.values())
    with pytest.raises(ValueError):
        glossary.translations(terms, "plumb line")
    view = glossary.concept_view(terms)
    view.controls["concept"].value = "story"
    assert "historias" in view.html.value


def test_plumb_line_quiz():
    quiz = glossary.plumb_line_quiz()
    quiz.choice.value = "A sales quota"
    assert quiz.feedback.value.startswith("Not yet")
    quiz.choice.value = quiz.answer
    assert quiz.feedback.value.startswith("Right")


def test_every_try_it_check_in_the_notebook_is_registered_and_used():
    nb = nbformat.read(
        Path(__file__).resolve().parents[1] / "course" / "06_where_the_articles_meet.ipynb", as_version=4
    )
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    used = set(re.findall(r'check\("(06-[a-z-]+)"', code))
    registered = {key for key in tryit.exercises() if key.startswith("06-")}
    assert used == registered and len(used) >= 5
    headings = [c for c in nb.cells if "## Try it" in c.source]
    assert headings and "try-it" in headings[0].metadata.get("tags", [])


def test_assignment_6_setup_imports_no_plotting():
    """Assignment 6 loads its tables from this module in every graded kernel: matplotlib is
    imported only when a chart is drawn (0.5 s of CPU per graded submission otherwise)."""
    from fixtures.imports import loaded_by

    code = "from mvs_course.lessons.synthesis import load_claims, load_stances\nload_claims(), load_stances()"
    assert loaded_by(code, ["matplotlib"]) == []
