"""Lesson 6 (all five articles): where the authors agree, where they differ, and your own view.

The model works on two tables made for the course: ``claims`` (one row per checklist claim)
and ``stances`` (each article's position on a few open questions, with the paragraph it
rests on, or ``not addressed``). Themes are our own grouping, made to compare the articles;
they are not the authors'. Widgets stay thin. The graded exercises of assignment 6 are not
solved here: the notebook's *Try it* section teaches their pandas on other questions.
"""

from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING

import ipywidgets as widgets
import pandas as pd

from .. import datasets
from ..widgets import Quiz, Sorter, live_view
from . import tryit
from .glossary import load_glossary

if TYPE_CHECKING:
    from matplotlib.figure import Figure

ARTICLES = {
    "000": "Dutch blog on personal branding",
    "001": "Polish business explainer",
    "002": "Dutch consultant's blog (2012)",
    "003": "Italian digital-marketing teacher",
    "004": "Spanish post on the sales/marketing rivalry",
}
LANGUAGES = {"nl": "Dutch", "pl": "Polish", "it": "Italian", "es": "Spanish"}
THEMES = {
    "relation": "how the two functions relate",
    "focus": "whom each side looks at",
    "voice": "how each side talks",
    "reach": "how many people each side addresses",
    "sequence": "order and hand-off",
    "method": "how each side works",
    "time": "time horizon",
    "value": "price, worth and risk",
    "cooperation": "how to work together",
}
NOT_ADDRESSED = "not addressed"


def _articles(frame: pd.DataFrame) -> pd.DataFrame:
    """Article numbers read from CSV as integers; give them back their three digits."""
    out = frame.copy()
    out["article"] = out["article"].astype(str).str.zfill(3)
    return out


def load_claims() -> pd.DataFrame:
    """The claims table, one row per claim, with empty poles as empty strings."""
    claims = _articles(datasets.load("claims"))
    return claims.fillna({"marketing": "", "sales": ""})


def load_stances() -> pd.DataFrame:
    """Each article's stance on each open question (``not addressed`` when it is silent).

    ``where`` names the place in the article a stance rests on and ``note`` says in our words
    what the article says there (or why the question is left open).
    """
    return _articles(datasets.load("stances")).fillna({"claim": "", "where": "", "note": ""})


def _check_article(article: str) -> str:
    if article not in ARTICLES:
        raise ValueError(f"unknown article {article!r}; choose one of {', '.join(ARTICLES)}")
    return article


def _check_theme(theme: str) -> str:
    if theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r}; choose one of {', '.join(THEMES)}")
    return theme


# --- the big table ------------------------------------------------------------------------


def theme_table(claims: pd.DataFrame) -> pd.DataFrame:
    """Our themes as a table: what each covers, and how many claims we filed under it."""
    counts = claims.groupby("theme").size().rename("claims")
    table = pd.DataFrame({"our theme": list(THEMES), "covers": list(THEMES.values())})
    table = table.join(counts, on="our theme").fillna({"claims": 0})
    return table.astype({"claims": int})


def article_overview(claims: pd.DataFrame) -> pd.DataFrame:
    """One row per article: language, angle, its lesson and how many claims it makes."""
    rows = claims.groupby("article").agg(
        language=("language", "first"), lesson=("lesson", "first"), claims=("key", "size")
    )
    rows["language"] = rows["language"].map(LANGUAGES)
    rows.insert(0, "angle", [ARTICLES[a] for a in rows.index])
    return rows


def claims_by_article(claims: pd.DataFrame) -> pd.DataFrame:
    """Themes down, articles across; each cell lists that article's claim keys on that theme."""
    table = claims.pivot_table(
        index="theme", columns="article", values="key", aggfunc=lambda keys: ", ".join(sorted(keys))
    )
    order = [t for t in THEMES if t in table.index]
    return table.reindex(order).fillna("")


def theme_counts(claims: pd.DataFrame) -> pd.DataFrame:
    """How many claims each article makes on each theme (zeros included)."""
    counts = pd.crosstab(claims["theme"], claims["article"])
    return counts.reindex([t for t in THEMES if t in counts.index])


def themes_shared_by(claims: pd.DataFrame, at_least: int) -> list[str]:
    """Themes on which at least ``at_least`` articles make a claim, in course order."""
    reach = claims.groupby("theme")["article"].nunique()
    return [t for t in THEMES if reach.get(t, 0) >= at_least]


def side_by_side(claims: pd.DataFrame, theme: str) -> pd.DataFrame:
    """The claims on one theme with each side's pole, sorted by article."""
    rows = claims[claims["theme"] == _check_theme(theme)]
    return (
        rows[["article", "key", "marketing", "sales"]].sort_values(["article", "key"]).reset_index(drop=True)
    )


def heat_chart(claims: pd.DataFrame) -> Figure:
    """A grid of claim counts: which article speaks to which theme."""
    import matplotlib.pyplot as plt  # here: assignment 6 loads its tables from this module, no plot

    counts = theme_counts(claims)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.imshow(counts.values, cmap="Blues", vmin=0)
    ax.set_xticks(range(counts.shape[1]), counts.columns)
    ax.set_yticks(range(counts.shape[0]), counts.index)
    for (i, j), value in pd.DataFrame(counts.values).stack().items():
        ax.text(j, i, str(value), ha="center", va="center", color="black" if value < 3 else "white")
    ax.set_xlabel("article")
    ax.set_title("How many claims each article makes per theme")
    fig.tight_layout()
    return fig


# --- claim explorer -----------------------------------------------------------------------


def explore(claims: pd.DataFrame, theme: str = "all", article: str = "all") -> pd.DataFrame:
    """Claims filtered by theme and article ('all' keeps everything)."""
    rows = claims
    if theme != "all":
        rows = rows[rows["theme"] == _check_theme(theme)]
    if article != "all":
        rows = rows[rows["article"] == _check_article(article)]
    return rows[["claim", "theme", "marketing", "sales", "summary"]].reset_index(drop=True)


def explore_html(claims: pd.DataFrame, theme: str, article: str) -> str:
    """The explorer's view: a count line and the matching claims as a table."""
    rows = explore(claims, theme, article)
    if rows.empty:
        return f"<p>Article {article} makes no claim on the theme <i>{theme}</i>. Try another pair.</p>"
    head = f"<p><b>{len(rows)}</b> claim{'s' if len(rows) != 1 else ''} found.</p>"
    return head + rows.to_html(index=False, escape=True, border=0)


def claim_explorer(claims: pd.DataFrame | None = None) -> widgets.VBox:
    """Two drop-downs (theme, article) over the claims table."""
    claims = load_claims() if claims is None else claims
    controls = {
        "theme": widgets.Dropdown(
            options=[("all themes", "all")] + [(f"{t}: {d}", t) for t, d in THEMES.items()],
            value="voice",
            description="Theme",
        ),
        "article": widgets.Dropdown(
            options=[("all articles", "all")] + [(f"{a} {d}", a) for a, d in ARTICLES.items()],
            description="Article",
        ),
    }
    return live_view(lambda **kw: explore_html(claims, **kw), controls, title="Claim explorer")


# --- compare two articles -----------------------------------------------------------------


def compare_articles(claims: pd.DataFrame, first: str, second: str) -> dict[str, list[str]]:
    """Themes both articles address, and themes only one of them addresses."""
    a = set(claims.loc[claims["article"] == _check_article(first), "theme"])
    b = set(claims.loc[claims["article"] == _check_article(second), "theme"])
    order = list(THEMES)
    return {
        "both": [t for t in order if t in a & b],
        f"only {first}": [t for t in order if t in a - b],
        f"only {second}": [t for t in order if t in b - a],
    }


def compare_html(claims: pd.DataFrame, first: str, second: str) -> str:
    """Side-by-side view of two articles: shared themes with both articles' claims."""
    if first == second:
        return "<p>Pick two different articles.</p>"
    parts = compare_articles(claims, first, second)
    lines = [f"<p><b>{name}:</b> {', '.join(themes) or 'none'}</p>" for name, themes in parts.items()]
    rows = claims[claims["article"].isin([first, second]) & claims["theme"].isin(parts["both"])]
    table = rows.pivot_table(
        index="theme", columns="article", values="summary", aggfunc=lambda s: " / ".join(s)
    ).reindex(parts["both"])
    if not table.empty:
        lines.append(table.to_html(escape=True, border=0))
    return "".join(lines)


def compare_view(claims: pd.DataFrame | None = None) -> widgets.VBox:
    """Pick two articles; see the themes they share and what each says about them."""
    claims = load_claims() if claims is None else claims
    options = [(f"{a} {d}", a) for a, d in ARTICLES.items()]
    controls = {
        "first": widgets.Dropdown(options=options, value="000", description="First"),
        "second": widgets.Dropdown(options=options, value="003", description="Second"),
    }
    return live_view(lambda **kw: compare_html(claims, **kw), controls, title="Compare two articles")


# --- agreement and disagreement -----------------------------------------------------------


def questions(stances: pd.DataFrame) -> dict[str, tuple[str, list[str]]]:
    """Question id -> (prompt, the positions one can take)."""
    first = stances.drop_duplicates("question")
    return {
        q: (p, o.split("|"))
        for q, p, o in zip(first["question"], first["prompt"], first["options"], strict=True)
    }


def positions(stances: pd.DataFrame, question: str) -> dict[str, str]:
    """Article -> stance on one question, leaving out articles that do not address it."""
    rows = stances[(stances["question"] == question) & (stances["stance"] != NOT_ADDRESSED)]
    if question not in set(stances["question"]):
        raise ValueError(f"unknown question {question!r}")
    return dict(zip(rows["article"], rows["stance"], strict=True))


def dispute_table(stances: pd.DataFrame) -> pd.DataFrame:
    """One row per question: how many articles speak to it, who takes which position, and
    whether those who speak disagree (``disputed``). Silence is not a position."""
    rows = []
    for question, (prompt, options) in questions(stances).items():
        said = positions(stances, question)
        camps = {o: [a for a, s in said.items() if s == o] for o in options}
        rows.append(
            {
                "question": question,
                "prompt": prompt,
                "speaking": len(said),
                "positions": "; ".join(f"{o}: {', '.join(a)}" for o, a in camps.items() if a),
                "silent": ", ".join(a for a in ARTICLES if a not in said),
                "disputed": sum(bool(a) for a in camps.values()) > 1,
            }
        )
    return pd.DataFrame(rows).set_index("question")


def agreement(stances: pd.DataFrame, picks: dict[str, str | None]) -> pd.Series:
    """For each article, on how many of the learner's picked questions it takes the same stance."""
    counts = dict.fromkeys(ARTICLES, 0)
    for question, pick in picks.items():
        if pick is None or question not in set(stances["question"]):
            continue
        for article, stance in positions(stances, question).items():
            counts[article] += int(stance == pick)
    return pd.Series(counts, dtype=int)


def reveal_html(stances: pd.DataFrame, question: str, pick: str | None) -> str:
    """After a pick: each author's position on the question, marked where it matches."""
    prompt, _ = questions(stances)[question]
    if pick is None:
        return f"<p>{html.escape(prompt)} Choose your position to see the authors'.</p>"
    rows = stances[stances["question"] == question]
    items = []
    for article, stance, where, note in zip(
        rows["article"], rows["stance"], rows["where"], rows["note"], strict=True
    ):
        if stance == NOT_ADDRESSED:
            mark = "– silent"
        else:
            mark = "✔ agrees with you" if stance == pick else "✘ differs"
        place = f" <small>(article {article}, {html.escape(where)})</small>" if where else ""
        items.append(
            f"<li><b>{article}</b> ({html.escape(ARTICLES[article])}): <i>{html.escape(stance)}</i>. "
            f"{html.escape(note)}{place} <span>{mark}</span></li>"
        )
    return f"<p>You chose <b>{html.escape(pick)}</b>.</p><ul>{''.join(items)}</ul>"


class StancePicker(widgets.VBox):
    """One question at a time: pick your position, see the five authors', and a running tally."""

    def __init__(self, stances: pd.DataFrame | None = None) -> None:
        self.stances = load_stances() if stances is None else stances
        self.questions = questions(self.stances)
        self.picks: dict[str, str | None] = dict.fromkeys(self.questions)
        self.question = widgets.Dropdown(
            options=[(prompt, q) for q, (prompt, _) in self.questions.items()], description="Question"
        )
        self.question.layout.width = "95%"
        self.choice = widgets.ToggleButtons(options=[], value=None, description="You say")
        self.reveal = widgets.HTML()
        self.tally = widgets.HTML()
        self.question.observe(self._on_question, names="value")
        self.choice.observe(self._on_choice, names="value")
        super().__init__(
            [widgets.HTML("<b>Where do you stand?</b>"), self.question, self.choice, self.reveal, self.tally]
        )
        self.add_class("mvs-stance-picker")
        self._on_question()

    def _on_question(self, _change: dict | None = None) -> None:
        options = self.questions[self.question.value][1]
        self.choice.unobserve(self._on_choice, names="value")
        self.choice.options = options
        self.choice.value = self.picks[self.question.value]
        self.choice.observe(self._on_choice, names="value")
        self._render()

    def _on_choice(self, change: dict) -> None:
        self.picks[self.question.value] = change["new"]
        self._render()

    def _render(self) -> None:
        self.reveal.value = reveal_html(self.stances, self.question.value, self.picks[self.question.value])
        answered = sum(p is not None for p in self.picks.values())
        if not answered:
            self.tally.value = ""
            return
        scores = agreement(self.stances, self.picks)
        self.tally.value = tally_text(scores, answered)


def tally_text(scores: pd.Series, answered: int) -> str:
    """One line naming the article(s) the learner agrees with most often."""
    best = list(scores[scores == scores.max()].index)
    who = f"article {best[0]}" if len(best) == 1 else f"articles {', '.join(best)}"
    plural = "s" if answered != 1 else ""
    share = f"{scores.max()} of {answered}"
    return f"<p>After {answered} question{plural}: you agree most often with {who} ({share}).</p>"


def stance_picker(stances: pd.DataFrame | None = None) -> StancePicker:
    """The agree/disagree widget: your position first, then the authors'."""
    return StancePicker(stances)


# --- small checks -------------------------------------------------------------------------

WHO_ITEMS = {
    "science": "Marketing is closer to a science than an art.",
    "stages": "Marketing and sales are two stages of one process.",
    "independent": "Marketing and sales are largely independent processes.",
    "train": "Marketing should train the sellers.",
    "peers": "Sales does not work under marketing's direction.",
    "answers": "Sellers answer the customer's questions.",
}
WHO_KEY = {
    "science": "003",
    "stages": "000",
    "independent": "001",
    "train": "002",
    "peers": "004",
    "answers": "001",
}


def who_said_it() -> Sorter:
    """Sort six positions by the article that takes them."""
    why = {k: f"This is article {a}'s position." for k, a in WHO_KEY.items()}
    return Sorter(WHO_ITEMS, list(ARTICLES), WHO_KEY, why, title="Who said it? Pick the article")


def consensus_quiz() -> Quiz:
    """Which contrast do the most articles share?"""
    return Quiz(
        "Which contrast appears, in nearly the same form, in articles 000, 003 and 004?",
        {
            "Marketing tells stories; selling works with one person's questions and situation": (
                "Yes: the closest the five authors come to agreeing."
            ),
            "Marketing is a science; selling is an art": "No: only 003 says so, and 000 leans the other way.",
            "Marketing should train the sellers": (
                "No: that is 002 alone, and 004 says sales does not work under marketing."
            ),
        },
        answer="Marketing tells stories; selling works with one person's questions and situation",
    )


# --- Try it: small pandas exercises on the lesson's own data (ungraded) ---------------------------

# Three marketers guessed which version of an ad (A or B) would win each of five A/B tests.
PREDICTIONS = pd.DataFrame(
    {
        "marketer": ["ines"] * 5 + ["jon"] * 5 + ["kai"] * 5,
        "test": ["t1", "t2", "t3", "t4", "t5"] * 3,
        "pick": list("ABAAB") + list("BBBAA") + list("AABBB"),
    }
)
TEST_WINNERS = {"t1": "A", "t2": "B", "t3": "B", "t4": "A"}  # t5 is still running
AIDA_OWNER = {"attention": "marketing", "interest": "marketing", "decision": "sales", "action": "sales"}
TRY_TOOL = {"price": 200, "extras": {"training": 30, "delivery": 15}, "problem_per_month": 40}


def _themes_per_side() -> dict[str, int]:
    counts = load_claims().groupby("side")["theme"].nunique()
    return {side: int(n) for side, n in counts.items()}


def _words_for(concepts: list[str]) -> dict[str, list[str]]:
    terms = load_glossary()
    chosen = terms.loc[terms["concept"].isin(concepts), ["language", "term"]]
    words: dict[str, list[str]] = {}
    for language, term in zip(chosen["language"], chosen["term"], strict=True):
        words.setdefault(language, []).append(term)
    return {language: sorted(found) for language, found in words.items()}


def _one_language_concepts() -> list[str]:
    terms = load_glossary()
    per_concept = terms[terms["concept"] != ""].groupby("concept")["language"].nunique()
    return sorted(per_concept[per_concept == 1].index)


def _hits() -> dict[str, int]:
    decided = PREDICTIONS[PREDICTIONS["test"].isin(TEST_WINNERS)]
    right = decided["pick"] == decided["test"].map(TEST_WINNERS)
    return {marketer: int(n) for marketer, n in right.groupby(decided["marketer"]).sum().items()}


def _best_guesser() -> str:
    hits = _hits()
    return min(hits, key=lambda marketer: (-hits[marketer], marketer))


tryit.register(
    "06-themes-per-side",
    _themes_per_side,
    hint="claims.groupby('side')['theme'].nunique(), then a dict comprehension with int(n)",
)
tryit.register(
    "06-words",
    lambda: _words_for(["story", "question"]),
    hint="keep the rows whose concept is 'story' or 'question' (.isin), then the example's comprehension",
)
tryit.register(
    "06-one-language",
    _one_language_concepts,
    hint="drop the rows without a concept, count languages per concept with nunique(), keep those equal to 1",
)
tryit.register(
    "06-hits",
    _hits,
    hint="rows of the decided tests; pick == test.map(TEST_WINNERS); group by marketer and sum",
)
tryit.register(
    "06-best-guesser",
    _best_guesser,
    hint="rank the marketers with sorted(..., key=lambda m: (-hits[m], m)) and take the first",
)
tryit.register(
    "06-aida",
    lambda: [AIDA_OWNER[step.strip().lower()] for step in [" Attention", "ACTION", "decision "]],
    hint="for each step: .strip().lower(), then look it up in AIDA_OWNER",
)
tryit.register(
    "06-months",
    lambda: math.ceil((TRY_TOOL["price"] + sum(TRY_TOOL["extras"].values())) / TRY_TOOL["problem_per_month"]),
    hint="total = price + sum(extras.values()); the first whole month with months * 40 >= total",
)
