"""Lesson 1 (article 000): buyer vs seller, story vs question, AIDA, broad vs narrow."""

from __future__ import annotations

import html

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pandas as pd

from .. import datasets
from ..widgets import Quiz, Sorter, live_view, reasons_by_box
from . import tryit

# --- our own step: the four differences applied to a job hunt ---------------------------------
# Article 000 promises to apply the differences to a personal brand in two later articles,
# which are not part of this course. This sorter is our extension, built only on the
# differences the article does give (broad story vs one buyer's problem and its worth).

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
    "profile": "A story told to a broad audience, most of whom will never hire you.",
    "portfolio": "A story for whoever finds it: broad, and about who you are.",
    "talk": "One story, many listeners: broad rather than narrow.",
    "interview": "A question about one buyer's problem: the seller's move.",
    "salary": "The third sales question: what is solving the problem worth?",
    "offer": "Solving one buyer's problem, one to one, closes the deal.",
}


def career_sorter() -> Sorter:
    """Our extension of article 000: sort job-hunt activities by the article's differences."""
    return Sorter(
        CAREER_ITEMS,
        ["marketing", "sales"],
        CAREER_KEY,
        CAREER_WHY,
        title="Our own try (not the article's): marketing yourself or selling yourself?",
    )


# --- two stages of one journey: where does sales take over? ----------------------------------------

JOURNEYS = {
    "Lena": [
        ("Sees a poster for a new city-bike brand", "marketing"),
        ("Reads a review the brand shared", "marketing"),
        ("Signs up for the brand's newsletter", "marketing"),
        ("Walks into a shop with a question about frame sizes", "sales"),
        ("Talks through her daily ride with a seller", "sales"),
        ("Buys the bike", "sales"),
    ],
    "Omar": [
        ("Walks into the nearest bike shop the day his bike is stolen", "sales"),
        ("The seller asks how far he rides and where he parks", "sales"),
        ("Buys a bike and a heavy lock", "sales"),
    ],
    "Pia": [
        ("Sees an online ad for e-bikes", "marketing"),
        ("Asks a seller at a cycling fair about battery range", "sales"),
        ("Watches the brand's video series at home", "marketing"),
        ("Books a test ride with the same seller", "sales"),
        ("Buys the e-bike", "sales"),
    ],
}
NO_MARKETING, BACK_AND_FORTH = 0, -1
JOURNEY_WHY = {
    "Lena": (
        "The usual order: marketing's steps come first and sales' steps follow, like two "
        "consecutive parts of one process."
    ),
    "Omar": (
        "Omar never met any marketing: he walked straight to a seller. The article says marketing "
        "*usually* comes first, and this is why the word matters."
    ),
    "Pia": (
        "Marketing and sales take turns here. The two-stage picture is a simplification; the "
        "article itself calls its split of the AIDA steps a bit of a shortcut."
    ),
}


def handover(steps: list[tuple[str, str]]) -> int:
    """How many marketing steps come before sales takes over for good.

    ``NO_MARKETING`` (0) when the journey starts with sales and never meets marketing,
    ``BACK_AND_FORTH`` (-1) when a marketing step follows a sales step.
    """
    sides = [side for _, side in steps]
    first_sales = sides.index("sales") if "sales" in sides else len(sides)
    if "marketing" in sides[first_sales:]:
        return BACK_AND_FORTH
    return first_sales


def journey_options(name: str) -> list[tuple[str, int]]:
    """The answers a learner can commit to for journey ``name``."""
    count = len(JOURNEYS[name])
    options = [(f"Sales takes over after step {k}", k) for k in range(1, count)]
    return [
        *options,
        ("Sales from the first step: no marketing", NO_MARKETING),
        ("It goes back and forth", BACK_AND_FORTH),
    ]


def journey_steps_html(name: str, sides: bool = False) -> str:
    """The steps of journey ``name`` as a numbered list; ``sides`` adds who drives each step."""
    if name not in JOURNEYS:
        raise ValueError(f"unknown journey {name!r}; choose one of {', '.join(JOURNEYS)}")
    items = "".join(
        f"<li>{html.escape(text)}" + (f" <b>({side})</b>" if sides else "") + "</li>"
        for text, side in JOURNEYS[name]
    )
    return f"<ol>{items}</ol>"


def journey_feedback(name: str, guess: int | None) -> str:
    """Right or not yet for the learner's answer, then the journey with its sides revealed."""
    if guess is None:
        return "<p>Pick your answer first, then press Check.</p>"
    right = handover(JOURNEYS[name])
    verdict = "Right." if guess == right else "Not yet."
    answer = dict((v, k) for k, v in journey_options(name))[right]
    return (
        f"<p><b>{verdict}</b> {answer}. {JOURNEY_WHY[name]}</p>"
        f"<p>Who drives each step:</p>{journey_steps_html(name, sides=True)}"
    )


class JourneyView(widgets.VBox):
    """Pick a customer, decide where sales takes over, then check: the sides are revealed."""

    def __init__(self) -> None:
        self.journey = widgets.Dropdown(options=list(JOURNEYS), description="Customer")
        self.steps = widgets.HTML()
        self.guess = widgets.Dropdown(description="Your answer", style={"description_width": "initial"})
        self.check_button = widgets.Button(
            description="Check", icon="check", tooltip="Reveal who drives each step"
        )
        self.feedback = widgets.HTML()
        self.feedback.add_class("mvs-feedback")
        self.journey.observe(self._show, names="value")
        self.check_button.on_click(self._check)
        super().__init__(
            [
                widgets.HTML("<b>One purchase, two stages? Decide where sales takes over</b>"),
                self.journey,
                self.steps,
                self.guess,
                self.check_button,
                self.feedback,
            ]
        )
        self.add_class("mvs-journey")
        self._show()

    def _show(self, _change: dict | None = None) -> None:
        name = self.journey.value
        self.steps.value = journey_steps_html(name)
        self.guess.options = journey_options(name)
        self.guess.value = None
        self.feedback.value = "<p>Decide, then press Check.</p>"

    def _check(self, _button: widgets.Button | None = None) -> None:
        self.feedback.value = journey_feedback(self.journey.value, self.guess.value)


def journey_view() -> JourneyView:
    """Walk three customers' journeys; the learner commits to the hand-over before seeing it."""
    return JourneyView()


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
        hatch="..",
        label="generic margin",
    )
    ax.bar(table["model"], table["premium"], bottom=table["generic_price"], hatch="//", label="brand premium")
    for x, (price, premium) in enumerate(zip(table["branded_price"], table["premium"], strict=True)):
        ax.text(x, price, f"+€{premium} brand", ha="center", va="bottom", fontsize="small")
    ax.set_ylabel("euro")
    ax.set_ylim(0, 1.2 * table["branded_price"].max())
    ax.set_title("Same factory, same cost: the premium pays for a feeling")
    ax.legend(loc="upper left", fontsize="small")
    fig.tight_layout()
    return fig


# --- no pain, no sale ----------------------------------------------------------------------


def sale_verdict(has_problem: bool, seller_can_solve: bool, marketing: int) -> str:
    """Explain whether a sale can happen; marketing quality never changes the outcome."""
    if not has_problem:
        return (
            f"No sale. The shop's marketing scores {marketing}/10, but this person does not need "
            "a bike: no pain, no sale."
        )
    if not seller_can_solve:
        return f"No sale. There is a need, but this seller cannot meet it (marketing {marketing}/10)."
    return f"A sale is possible: a real need and a seller who can meet it (marketing {marketing}/10)."


def no_pain_view() -> widgets.VBox:
    """Checkboxes for the buyer's need and the seller's skill, a slider for marketing."""
    controls = {
        "has_problem": widgets.Checkbox(value=False, description="The visitor needs a bike"),
        "seller_can_solve": widgets.Checkbox(value=True, description="The shop has a bike that fits"),
        "marketing": widgets.IntSlider(value=9, min=0, max=10, description="Marketing"),
    }
    return live_view(lambda **kw: f"<p>{sale_verdict(**kw)}</p>", controls, title="The bicycle shop")


# --- story or question ------------------------------------------------------------------------

SALES_QUESTIONS = [
    ("problem", "What is the problem you want to get rid of?"),
    ("solution", "What would solve it for you?"),
    ("worth", "What would solving it be worth to you?"),
]
# line id -> (the line, story or question, which sales question it asks, why)
STORY_LINES = {
    "think": (
        "Made for people who think differently.",
        "story",
        None,
        "A line for everyone who hears it; it invites the people it suits to believe in the brand.",
    ),
    "more": (
        "Do more with less.",
        "story",
        None,
        "It starts with 'do' but asks nothing: a slogan told to many.",
    ),
    "treat": (
        "Isn't it time you treated yourself?",
        "story",
        None,
        "A question mark, yet nobody is meant to answer: an advert's line told to many.",
    ),
    "cost": (
        "What does an hour with a broken machine cost you?",
        "question",
        "worth",
        "It asks one buyer what solving the problem is worth.",
    ),
    "tell": (
        "Tell me what happens on a busy Monday morning.",
        "question",
        "problem",
        "No question mark, yet it asks this buyer to describe the problem.",
    ),
    "fix": (
        "Which of these two set-ups would solve it for your team?",
        "question",
        "solution",
        "It asks what could solve this buyer's problem.",
    ),
}
STORY_KEY = {line_id: kind for line_id, (_, kind, _, _) in STORY_LINES.items()}
FORM_WORDS = (
    "what",
    "how",
    "why",
    "which",
    "when",
    "who",
    "where",
    "do",
    "does",
    "is",
    "are",
    "can",
    "could",
    "would",
)


def form_rule(text: str) -> str:
    """A rule that judges by form only: 'question' if the line ends in '?' or starts with a
    question word, else 'story'. The lesson shows why this rule is not the distinction."""
    clean = text.strip().lower()
    if not clean:
        raise ValueError("Type a sentence first.")
    first = clean.split()[0].strip(",.!?'")
    return "question" if clean.endswith("?") or first in FORM_WORDS else "story"


def story_reveal(choices: dict[str, str | None]) -> str:
    """After sorting: each line with the learner's box, the lesson's, and the form rule's."""
    rows, mine, rule = [], 0, 0
    for line_id, (text, kind, asks, why) in STORY_LINES.items():
        guess = form_rule(text)
        mine += choices.get(line_id) == kind
        rule += guess == kind
        answer = f"{kind} (asks about the {asks})" if asks else kind
        rows.append(
            f"<tr><td>{html.escape(text)}</td><td>{choices.get(line_id) or '-'}</td>"
            f"<td>{answer}</td><td>{guess}</td><td>{html.escape(why)}</td></tr>"
        )
    return (
        f"<p>You sorted {mine} of {len(STORY_LINES)} lines as the lesson does. A rule that looks "
        f"only at the question mark and the first word gets {rule} of {len(STORY_LINES)}: the form "
        "of a line does not decide. What decides is whether it invites many people to believe, or "
        "asks one buyer about their problem, its solution or its worth.</p>"
        "<table><tr><th>line</th><th>you</th><th>lesson</th><th>form rule</th><th>why</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def story_question_view() -> Sorter:
    """Sort six lines into story or question, then see how a punctuation rule would have sorted them."""
    return Sorter(
        {line_id: text for line_id, (text, _, _, _) in STORY_LINES.items()},
        ["story", "question"],
        STORY_KEY,
        {line_id: why for line_id, (_, _, _, why) in STORY_LINES.items()},
        title="Story or question? Decide for every line, then check",
        reveal=story_reveal,
    )


# --- AIDA ---------------------------------------------------------------------------------------

AIDA_ARTICLE = ("Attention", "Interest", "Decision", "Action")
AIDA_TEXTBOOK = ("Attention", "Interest", "Desire", "Action")
AIDA_OWNER = ("marketing", "marketing", "sales", "sales")
AIDA_IDS = ("a", "i", "d", "act")


def aida_table(labels: str = "article") -> pd.DataFrame:
    """The four steps with their usual owner, in the article's or the textbook's words."""
    if labels not in ("article", "textbook"):
        raise ValueError("labels must be 'article' or 'textbook'")
    steps = AIDA_ARTICLE if labels == "article" else AIDA_TEXTBOOK
    return pd.DataFrame({"step": range(1, 5), "stage": steps, "mostly driven by": AIDA_OWNER})


def aida_reveal(choices: dict[str, str | None], labels: str = "article") -> str:
    """After the learner assigned every step: the article's split, step by step, in text."""
    table = aida_table(labels)
    rows = "".join(
        f"<tr><td>{row.step}. {row.stage}</td><td>{choices.get(AIDA_IDS[i]) or '-'}</td>"
        f"<td>{row[2]}</td></tr>"
        for i, row in enumerate(table.itertuples(index=False))
    )
    note = (
        "The article writes the third step as Decision. Most textbooks say Desire; the split between "
        "the two sides stays the same either way, and the article does not say why it chose its word."
        if labels == "textbook"
        else "Switch to the textbook's words: does the split change?"
    )
    return (
        "<p>The article gives marketing mostly the first two steps and sales mostly the last two, "
        f"and admits this is a bit of a shortcut.</p><table><tr><th>step</th><th>you</th>"
        f"<th>article</th></tr>{rows}</table><p>{note}</p>"
    )


class AidaView(widgets.VBox):
    """Assign each AIDA step to a side, check, then switch the third step's name."""

    def __init__(self) -> None:
        self.labels = widgets.ToggleButtons(
            options=[("article's words", "article"), ("textbook's words", "textbook")],
            description="Labels",
            tooltips=["third step: Decision", "third step: Desire"],
        )
        self.sorter = Sorter(
            dict(zip(AIDA_IDS, AIDA_ARTICLE, strict=True)),
            ["marketing", "sales"],
            dict(zip(AIDA_IDS, AIDA_OWNER, strict=True)),
            title="Who mostly drives each step, according to the article?",
            reveal=lambda choices: aida_reveal(choices, self.labels.value),
        )
        self.labels.observe(self._relabel, names="value")
        super().__init__([self.labels, self.sorter])
        self.add_class("mvs-aida")

    def _relabel(self, change: dict) -> None:
        steps = AIDA_ARTICLE if change["new"] == "article" else AIDA_TEXTBOOK
        for item_id, stage in zip(AIDA_IDS, steps, strict=True):
            self.sorter.items[item_id] = stage
            self.sorter.labels[item_id].value = f"<span>{stage}</span>"
        if self.sorter.feedback.value:
            self.sorter.check_button.click()


def aida_view() -> AidaView:
    """Commit to an owner for each AIDA step, then compare with the article's split."""
    return AidaView()


def aida_quiz() -> Quiz:
    """Why does the article's AIDA differ from the textbook one?"""
    return Quiz(
        "The article writes AIDA as Attention, Interest, Decision, Action. What do most textbooks put third?",
        {
            "Desire": "Yes. The article has Decision there instead; it does not say why.",
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


def reach_text(market: int, target_pct: float, buyer_pct: float) -> str:
    """The chart's text alternative: the three counts and the buyers' share of the market."""
    n = reach_numbers(market, target_pct, buyer_pct)
    share = 100 * n["buyers"] / market if market else 0
    return (
        f"<p>Market {n['market']:,} people; marketing's target group {n['target group']:,}; "
        f"buyers {n['buyers']:,}, which is {share:.2f}% of the market.</p>"
    )


def reach_chart(market: int, target_pct: float, buyer_pct: float) -> plt.Figure:
    """Nested circles with areas proportional to market, target group and buyers."""
    numbers = reach_numbers(market, target_pct, buyer_pct)
    fig, ax = plt.subplots(figsize=(4, 4))
    styles = [("#dddddd", ""), ("#4c72b0", "//"), ("#dd8452", "..")]
    for (name, count), (colour, hatch) in zip(numbers.items(), styles, strict=True):
        radius = (count / market) ** 0.5 if market else 0
        ax.add_patch(
            plt.Circle((0, radius - 1), radius, facecolor=colour, hatch=hatch, label=f"{name}: {count:,}")
        )
    ax.set_xlim(-1.05, 1.05)
    ax.set_ylim(-1.05, 1.05)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.legend(loc="upper right", fontsize="small")
    ax.set_title("Marketing speaks to the target group; sales closes with the buyers")
    fig.tight_layout()
    return fig


def reach_view() -> widgets.VBox:
    """Sliders for market size and shares; the circles redraw, with the counts in text."""
    controls = {
        "market": widgets.IntSlider(
            value=100_000, min=10_000, max=1_000_000, step=10_000, description="Market"
        ),
        "target_pct": widgets.FloatSlider(value=20, min=1, max=100, description="Target %"),
        "buyer_pct": widgets.FloatSlider(value=5, min=0, max=100, description="Buyers %"),
    }
    return live_view(
        lambda **kw: (reach_text(**kw), reach_chart(**kw)), controls, title="Market, target group, buyers"
    )


# --- Try it: the pandas of assignment 1, on this lesson's data ----------------------------------------
# Each exercise is a smaller cousin of a graded one; the expected values are not graded answers.

TYPED_STAGES = pd.Series([" Attention", "interest ", "DECISION", "action", "Desire ", "Interest"])


def _loud_but_no_need() -> int:
    leads = datasets.load("leads_bike_shop")
    return int(((leads["marketing_score"] >= 8) & ~leads["has_problem"]).sum())


def _visits() -> pd.DataFrame:
    return datasets.load("shop_visits")


def _gus_first_ride() -> int:
    visits = _visits()
    gus = visits[visits["visitor"] == "gus"]
    return int(gus.loc[gus["action"] == "test ride", "day"].min())


def _last_visit() -> dict[str, int]:
    return {visitor: int(rows["day"].max()) for visitor, rows in _visits().groupby("visitor")}


tryit.register(
    "01-mean-premium",
    lambda: float(brand_premium()["premium"].mean()),
    hint="make the premium column first, then take its .mean()",
)
tryit.register(
    "01-loud-no-need",
    _loud_but_no_need,
    hint="two conditions in brackets joined with &, the second negated with ~, then .sum()",
)
tryit.register(
    "01-gus-first-ride",
    _gus_first_ride,
    hint="keep gus's rows, then .loc[rows where action is 'test ride', 'day'] and take .min()",
)
tryit.register(
    "01-last-day",
    _last_visit,
    hint="loop over visits.groupby('visitor') and store rows['day'].max() for each visitor",
)
tryit.register(
    "01-clean-labels",
    lambda: int(TYPED_STAGES.str.strip().str.lower().isin(["decision", "desire"]).sum()),
    hint="clean with .str.strip().str.lower(), then count the matches with .isin([...]).sum()",
)
