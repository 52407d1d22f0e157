"""Lesson 1 (article 000): buyer vs seller, story vs question, AIDA, broad vs narrow."""

from __future__ import annotations

import re

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pandas as pd

from .. import datasets
from ..widgets import Quiz, Sorter, live_view, reasons_by_box

# --- why it matters: your own career ---------------------------------------------------

CAREER_ITEMS = {
    "profile": "Posting about your projects so recruiters notice you",
    "portfolio": "Publishing a portfolio site that tells your story",
    "interview": "Asking the interviewer which problem the new hire must solve",
    "salary": "Showing what your skills are worth in a salary talk",
    "talk": "Giving a meetup talk to a room of strangers",
    "offer": "Answering an employer's doubts before they sign an offer",
}
CAREER_KEY = {
    "profile": "marketing",
    "portfolio": "marketing",
    "talk": "marketing",
    "interview": "sales",
    "salary": "sales",
    "offer": "sales",
}
CAREER_WHY = {
    "profile": "It speaks to many people at once and builds attention.",
    "portfolio": "It is a story for whoever finds it.",
    "talk": "One-to-many: you are building a name.",
    "interview": "A question about one buyer's problem is selling.",
    "salary": "Arguing worth to one buyer is selling.",
    "offer": "Removing one buyer's doubts closes the deal.",
}


def career_sorter() -> Sorter:
    """Sort job-seeker activities into marketing yourself or selling yourself."""
    return Sorter(
        CAREER_ITEMS,
        ["marketing", "sales"],
        CAREER_KEY,
        CAREER_WHY,
        title="Your career: marketing yourself or selling yourself?",
    )


# --- two stages of one journey ----------------------------------------------------------

JOURNEY = [
    ("Sees a poster for a new bike brand", "marketing"),
    ("Reads a review the brand shared", "marketing"),
    ("Signs up for the brand's newsletter", "marketing"),
    ("Walks into the shop with a question", "sales"),
    ("Talks through needs with a seller", "sales"),
    ("Buys the bike", "sales"),
]


def journey_html(step: int) -> str:
    """A two-colour strip of the journey with step ``step`` (0-based) highlighted."""
    if not 0 <= step < len(JOURNEY):
        raise ValueError(f"step must be between 0 and {len(JOURNEY) - 1}, got {step}")
    colours = {"marketing": "#4c72b0", "sales": "#dd8452"}
    cells = []
    for i, (text, side) in enumerate(JOURNEY):
        weight = "bold" if i == step else "normal"
        border = "3px solid currentColor" if i == step else "1px solid transparent"
        cells.append(
            f"<div style='flex:1;padding:4px;background:{colours[side]};color:white;"
            f"font-weight:{weight};border:{border}' title='{side}'>{text}</div>"
        )
    text, side = JOURNEY[step]
    return (
        "<div style='display:flex;gap:2px'>" + "".join(cells) + "</div>"
        f"<p>Step {step + 1} of {len(JOURNEY)}: <b>{text}</b> is mostly <b>{side}</b>'s work.</p>"
    )


def journey_view() -> widgets.VBox:
    """Move one customer through the journey with a slider."""
    slider = widgets.IntSlider(
        value=0, min=0, max=len(JOURNEY) - 1, description="Step", continuous_update=False
    )
    return live_view(journey_html, {"step": slider}, title="One customer, one journey")


# --- about the buyer or about the seller -------------------------------------------------

FOCUS_ITEMS = {
    "feel": "How will I feel wearing these shoes?",
    "fix": "Can this shop repair my broken gears today?",
    "identity": "People like me choose this brand",
    "expert": "The seller knows exactly what is wrong with my bike",
    "status": "This logo tells the world I care about style",
    "value": "The mechanic's fix saves me a week of walking",
}
FOCUS_KEY = {
    "feel": "about the buyer",
    "identity": "about the buyer",
    "status": "about the buyer",
    "fix": "about the seller",
    "expert": "about the seller",
    "value": "about the seller",
}


def focus_sorter() -> Sorter:
    """Sort statements: does it turn on the buyer's feelings or on what the seller can solve?"""
    why = reasons_by_box(
        FOCUS_KEY,
        {
            "about the buyer": "Marketing talks about the buyer and their feelings.",
            "about the seller": "Selling turns on what the seller can solve.",
        },
    )
    return Sorter(FOCUS_ITEMS, ["about the buyer", "about the seller"], FOCUS_KEY, why)


def brand_premium(shoes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Add the brand premium (branded minus generic price) and its share of the branded price."""
    shoes = datasets.load("sneakers") if shoes is None else shoes
    out = shoes.copy()
    out["premium"] = out["branded_price"] - out["generic_price"]
    out["premium_share"] = (out["premium"] / out["branded_price"]).round(2)
    return out


def premium_chart(shoes: pd.DataFrame | None = None) -> plt.Figure:
    """Stacked bars: what making the shoe costs, the generic margin, and the brand premium."""
    table = brand_premium(shoes)
    fig, ax = plt.subplots(figsize=(7, 3))
    ax.bar(table["model"], table["production_cost"], label="cost to make")
    ax.bar(
        table["model"],
        table["generic_price"] - table["production_cost"],
        bottom=table["production_cost"],
        label="generic margin",
    )
    ax.bar(table["model"], table["premium"], bottom=table["generic_price"], label="brand premium")
    ax.set_ylabel("euro")
    ax.set_title("Same factory, same cost: the premium pays for a feeling")
    ax.legend(loc="upper left", fontsize="small")
    fig.tight_layout()
    return fig


# --- no pain, no sale ----------------------------------------------------------------------


def sale_verdict(has_problem: bool, seller_can_solve: bool, marketing: int) -> str:
    """Explain whether a sale can happen; marketing quality never changes the outcome."""
    if not has_problem:
        return (
            f"No sale. Marketing at {marketing}/10 made the shop famous, but this person "
            "has nothing to fix: no pain, no sale."
        )
    if not seller_can_solve:
        return f"No sale. There is a problem, but this seller cannot solve it (marketing {marketing}/10)."
    return f"A sale is possible: a real problem and a seller who can solve it (marketing {marketing}/10)."


def no_pain_view() -> widgets.VBox:
    """Checkboxes for the buyer's problem and the seller's skill, a slider for marketing."""
    controls = {
        "has_problem": widgets.Checkbox(value=False, description="The visitor's bike is broken"),
        "seller_can_solve": widgets.Checkbox(value=True, description="The repairer can fix it"),
        "marketing": widgets.IntSlider(value=9, min=0, max=10, description="Marketing"),
    }
    return live_view(lambda **kw: f"<p>{sale_verdict(**kw)}</p>", controls, title="The bike repairer's shop")


# --- story or question ------------------------------------------------------------------------

QUESTION_WORDS = (
    "what", "how", "why", "which", "when", "who", "where", "could", "would", "do", "does",
    "is", "are", "can", "tell me",
)  # fmt: skip
SALES_QUESTIONS = [
    ("problem", "What is the problem you want to get rid of?"),
    ("solution", "What would solve it for you?"),
    ("worth", "What would solving it be worth to you?"),
]


def classify_utterance(text: str) -> str:
    """'question' when a line asks the listener something, else 'story'."""
    clean = text.strip().lower()
    if not clean:
        raise ValueError("Type a sentence first.")
    if clean.endswith("?") or re.match(rf"^({'|'.join(QUESTION_WORDS)})\b", clean):
        return "question"
    return "story"


def utterance_feedback(text: str) -> str:
    """A one-line reading of ``text`` as marketing (story) or sales (question)."""
    try:
        kind = classify_utterance(text)
    except ValueError as err:
        return str(err)
    if kind == "question":
        return "A question: this is how a seller learns the buyer's problem and its worth."
    return "A story: this is how marketing invites the people it suits to believe in it."


def story_question_view() -> widgets.VBox:
    """Type a line a marketer or seller might say and see how it reads."""
    text = widgets.Text(
        value="Our laptop is made for people who think differently",
        description="Your line",
        continuous_update=False,
        layout={"width": "90%"},
    )
    return live_view(
        lambda line: f"<p>{utterance_feedback(line)}</p>",
        {"line": text},
        title="Story or question? Rewrite the line and press Enter",
    )


# --- AIDA ---------------------------------------------------------------------------------------

AIDA_ARTICLE = ("Attention", "Interest", "Decision", "Action")
AIDA_TEXTBOOK = ("Attention", "Interest", "Desire", "Action")
AIDA_OWNER = ("marketing", "marketing", "sales", "sales")


def aida_table(labels: str = "article") -> pd.DataFrame:
    """The four steps with their usual owner, in the article's or the textbook's words."""
    steps = AIDA_ARTICLE if labels == "article" else AIDA_TEXTBOOK
    if labels not in ("article", "textbook"):
        raise ValueError("labels must be 'article' or 'textbook'")
    return pd.DataFrame({"step": range(1, 5), "stage": steps, "mostly driven by": AIDA_OWNER})


def aida_chart(labels: str = "article", stage: int = 0) -> plt.Figure:
    """A funnel of the four steps, coloured by owner, with ``stage`` outlined."""
    table = aida_table(labels)
    colours = {"marketing": "#4c72b0", "sales": "#dd8452"}
    fig, ax = plt.subplots(figsize=(6, 3))
    widths = [4, 3, 2, 1]
    for i, row in table.iterrows():
        ax.barh(
            -i,
            widths[i],
            left=(4 - widths[i]) / 2,
            color=colours[row["mostly driven by"]],
            edgecolor="black" if i == stage else "none",
            linewidth=3,
        )
        ax.text(2, -i, f"{row['stage']} ({row['mostly driven by']})", ha="center", va="center")
    ax.set_axis_off()
    ax.set_title(f"AIDA, {labels} version")
    fig.tight_layout()
    return fig


def aida_view() -> widgets.VBox:
    """Pick a stage and a naming; the funnel shows who mostly drives it."""
    controls = {
        "labels": widgets.ToggleButtons(
            options=["article", "textbook"],
            description="Labels",
            tooltips=["D = Decision", "D = Desire"],
        ),
        "stage": widgets.Dropdown(
            options=[(name, i) for i, name in enumerate(AIDA_ARTICLE)], description="Stage"
        ),
    }
    return live_view(aida_chart, controls, title="Who drives each AIDA step?")


def aida_quiz() -> Quiz:
    """Why does the article's AIDA differ from the textbook one?"""
    return Quiz(
        "The article writes AIDA as Attention, Interest, Decision, Action. What do most textbooks put third?",
        {
            "Desire": "Yes. The article swaps in Decision, which fits its point that sales closes.",
            "Demand": "No: the usual third step is Desire.",
            "Discount": "No: a discount is a tactic, not an AIDA step.",
        },
        answer="Desire",
    )


# --- broad vs narrow --------------------------------------------------------------------------


def reach_numbers(market: int, target_pct: float, buyer_pct: float) -> dict[str, int]:
    """People in the market, in the target group (target_pct % of it) and buyers (buyer_pct % of that)."""
    target = round(market * target_pct / 100)
    return {"market": market, "target group": target, "buyers": round(target * buyer_pct / 100)}


def reach_chart(market: int, target_pct: float, buyer_pct: float) -> plt.Figure:
    """Nested circles with areas proportional to market, target group and buyers."""
    numbers = reach_numbers(market, target_pct, buyer_pct)
    fig, ax = plt.subplots(figsize=(4, 4))
    for (name, count), colour in zip(numbers.items(), ["#dddddd", "#4c72b0", "#dd8452"], strict=True):
        radius = (count / market) ** 0.5 if market else 0
        ax.add_patch(plt.Circle((0, radius - 1), radius, color=colour, label=f"{name}: {count:,}"))
    ax.set_xlim(-1.05, 1.05)
    ax.set_ylim(-1.05, 1.05)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.legend(loc="upper right", fontsize="small")
    ax.set_title("Marketing speaks to the blue circle; sales closes the orange one")
    fig.tight_layout()
    return fig


def reach_view() -> widgets.VBox:
    """Sliders for market size and shares; the circles redraw."""
    controls = {
        "market": widgets.IntSlider(
            value=100_000, min=10_000, max=1_000_000, step=10_000, description="Market"
        ),
        "target_pct": widgets.FloatSlider(value=20, min=1, max=100, description="Target %"),
        "buyer_pct": widgets.FloatSlider(value=5, min=0, max=100, description="Buyers %"),
    }
    return live_view(reach_chart, controls, title="Market, target group, buyers")
