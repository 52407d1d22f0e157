"""The glossary: key terms of the five articles in Dutch, Polish, Italian and Spanish, in English.

``search`` is the model (accent-insensitive text search with a language filter); the
widgets only feed it a text box and a drop-down.
"""

from __future__ import annotations

import html
import unicodedata

import ipywidgets as widgets
import pandas as pd

from .. import datasets
from ..widgets import Quiz, live_view

LANGUAGES = {"nl": "Dutch", "pl": "Polish", "it": "Italian", "es": "Spanish"}
COLUMNS = ["term", "language", "english", "article", "note"]
# letters that do not decompose into a base letter plus an accent
_PLAIN = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "ß": "ss"})


def load_glossary() -> pd.DataFrame:
    """The glossary table, articles as three-digit strings and notes never missing."""
    table = datasets.load("glossary")
    table["article"] = table["article"].astype(str).str.zfill(3)
    return table.fillna({"note": "", "concept": ""})


def fold(text: str) -> str:
    """Lower case without accents, so 'sprzedaz' finds 'sprzedaż' and 'reputacion' finds 'reputación'."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_PLAIN))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().strip()


def search(glossary: pd.DataFrame, text: str = "", language: str = "all") -> pd.DataFrame:
    """Rows whose term, English meaning or note contains ``text``, in one language or all."""
    if language != "all" and language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; choose 'all' or one of {', '.join(LANGUAGES)}")
    rows = glossary if language == "all" else glossary[glossary["language"] == language]
    needle = fold(text)
    if needle:
        haystack = (rows["term"] + " " + rows["english"] + " " + rows["note"]).map(fold)
        rows = rows[haystack.str.contains(needle, regex=False)]
    out = rows[COLUMNS].copy()
    out["language"] = out["language"].map(LANGUAGES)
    return out.sort_values(["language", "term"]).reset_index(drop=True)


def search_html(glossary: pd.DataFrame, text: str, language: str) -> str:
    """The search widget's view: a count and the matching rows, or a hint when nothing matches."""
    found = search(glossary, text, language)
    if found.empty:
        where = "any language" if language == "all" else LANGUAGES[language]
        return (
            f"<p>No term in {where} matches <b>{html.escape(text)}</b>. Try an English word "
            "(for example <i>sales</i>) or part of a word.</p>"
        )
    noun = "term" if len(found) == 1 else "terms"
    return f"<p><b>{len(found)}</b> {noun}.</p>" + found.to_html(index=False, escape=True, border=0)


def glossary_search(glossary: pd.DataFrame | None = None) -> widgets.VBox:
    """A text box and a language filter over the glossary."""
    glossary = load_glossary() if glossary is None else glossary
    controls = {
        "text": widgets.Text(value="", placeholder="a word in any language", description="Search"),
        "language": widgets.Dropdown(
            options=[("all languages", "all")] + [(name, code) for code, name in LANGUAGES.items()],
            description="Language",
        ),
    }
    return live_view(lambda **kw: search_html(glossary, **kw), controls, title="Search the glossary")


# --- one idea, four languages -------------------------------------------------------------


def concepts(glossary: pd.DataFrame) -> list[str]:
    """English concepts that the glossary gives in at least two languages."""
    named = glossary[glossary["concept"] != ""]
    spread = named.groupby("concept")["language"].nunique()
    return sorted(spread[spread >= 2].index)


def translations(glossary: pd.DataFrame, concept: str) -> pd.DataFrame:
    """The words for one concept, one row per language and term."""
    if concept not in concepts(glossary):
        raise ValueError(f"no concept {concept!r} in two or more languages; try one of {concepts(glossary)}")
    rows = glossary[glossary["concept"] == concept]
    out = rows[["language", "term", "article"]].copy()
    out["language"] = out["language"].map(LANGUAGES)
    return out.sort_values(["language", "term"]).reset_index(drop=True)


def concept_view(glossary: pd.DataFrame | None = None) -> widgets.VBox:
    """Pick an English idea and see it in each language that has it."""
    glossary = load_glossary() if glossary is None else glossary
    names = concepts(glossary)
    controls = {"concept": widgets.Dropdown(options=names, value=names[0], description="Idea")}
    return live_view(
        lambda concept: translations(glossary, concept).to_html(index=False, escape=True, border=0),
        controls,
        title="One idea, several languages",
    )


def plumb_line_quiz() -> Quiz:
    """What does the Spanish article's key image mean?"""
    return Quiz(
        "Article 004 asks both sides to share the company's 'plomada'. What is it?",
        {
            "A plumb line: one shared core reference": "Yes: a weight on a string shows the true vertical.",
            "A sales quota": "No: quotas come from article 001 (Polish 'kwoty').",
            "A discount": "No: 004 wants marketing to stop offering discounts ('descuentos').",
        },
        answer="A plumb line: one shared core reference",
    )
