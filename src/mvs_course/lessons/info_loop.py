"""Lesson 3 (article 002): the information loop between marketing and sales, and the CRM."""

from __future__ import annotations

import html

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from .. import datasets
from ..widgets import Quiz, Sorter, live_view
from . import tryit

COLOURS = {"marketing": "#4c72b0", "sales": "#dd8452"}

# --- the hand-off of the proposition: break one link --------------------------------------------------

# (link, who, what the article says about it). The author does not define "brand
# architecture"; the author uses it broadly for the brand work marketing has done before this post.
HANDOFF = [
    (
        "Brand architecture",
        "marketing",
        "The author's broad name for the brand work marketing did before this post; the post "
        "itself does not define it.",
    ),
    (
        "Positioning",
        "marketing",
        "The author calls it the short form of the brand architecture; both exist to make "
        "customers more willing to buy.",
    ),
    ("Proposition", "marketing", "The convincing offer marketing has built."),
    (
        "Hand-off, information, training",
        "marketing → sales",
        "Marketing passes the proposition on, feeds the sellers market and customer information, "
        "and runs or helps run their training.",
    ),
    ("At the customer's table", "sales", "The seller has to get the order awarded and signed."),
    ("Feedback", "sales → marketing", "The sellers report back, among other ways through the CRM."),
]
# link the learner may break -> (what breaking it means, its consequence in the article)
BREAKS = {
    "hand-off": (
        "Marketing keeps the proposition to itself",
        "Sellers must turn product talk into a message about the customer's problem on their own",
    ),
    "information": (
        "Marketing sends the sellers no market or customer information",
        "Campaigns miss what buyers need, and the customer drops out of marketing's view",
    ),
    "feedback": (
        "Sellers log only that they spoke to someone, or nothing",
        "Nobody can tell what worked, so wins are more luck than they seem",
    ),
    "internal customer": (
        "The proposition does not suit the sellers",
        "Sellers and advertising people rewrite it until its core is lost",
    ),
}
BREAK_LINK = {"hand-off": 3, "information": 3, "feedback": 5, "internal customer": 2}


def handoff_html(broken: str | None = None) -> str:
    """The chain as a numbered list with each link's owner; a broken link is marked in words."""
    if broken is not None and broken not in BREAKS:
        raise ValueError(f"unknown link {broken!r}; choose one of {', '.join(BREAKS)}")
    at = BREAK_LINK.get(broken) if broken else None
    items = []
    for i, (name, owner, text) in enumerate(HANDOFF):
        mark = f" <b>✘ broken: {html.escape(BREAKS[broken][0].lower())}</b>" if i == at else ""
        items.append(f"<li><b>{name}</b> ({owner}): {html.escape(text)}{mark}</li>")
    return "<ol>" + "".join(items) + "</ol>"


def break_feedback(broken: str, consequence: str | None) -> str:
    """Right or not yet for the consequence the learner picked, then the article's answer."""
    if consequence is None:
        return "<p>Pick what follows first, then press Check.</p>"
    right = BREAKS[broken][1]
    verdict = "Right." if consequence == right else "Not yet."
    return f"<p><b>{verdict}</b> In the article: {right.lower()}.</p>"


class HandoffView(widgets.VBox):
    """Break one link of the chain, decide what follows, then check against the article."""

    def __init__(self) -> None:
        self.broken = widgets.Dropdown(
            options=[(BREAKS[k][0], k) for k in BREAKS], description="Break", layout={"width": "90%"}
        )
        self.chain = widgets.HTML()
        consequences = sorted(c for _, c in BREAKS.values())
        self.consequence = widgets.RadioButtons(
            options=consequences, value=None, description="", layout={"width": "max-content"}
        )
        self.check_button = widgets.Button(
            description="Check", icon="check", tooltip="Compare with the article"
        )
        self.feedback = widgets.HTML()
        self.feedback.add_class("mvs-feedback")
        self.broken.observe(self._show, names="value")
        self.check_button.on_click(self._check)
        super().__init__(
            [
                widgets.HTML("<b>Break one link of the chain: what follows?</b>"),
                self.broken,
                self.chain,
                widgets.HTML("What follows, according to the article?"),
                self.consequence,
                self.check_button,
                self.feedback,
            ]
        )
        self.add_class("mvs-handoff")
        self._show()

    def _show(self, _change: dict | None = None) -> None:
        self.chain.value = handoff_html(self.broken.value)
        self.consequence.value = None
        self.feedback.value = ""

    def _check(self, _button: widgets.Button | None = None) -> None:
        self.feedback.value = break_feedback(self.broken.value, self.consequence.value)


def handoff_view() -> HandoffView:
    """Walk the chain from brand architecture to the customer's table by breaking one link."""
    return HandoffView()


# --- the cost of being out of tune: who translates product talk? -----------------------------------------

PRODUCT_LINES = {
    "grinder": "Ceramic conical grinder with 18 settings",
    "queue": "No queue at the machine during the morning break",
    "boilers": "Twin boilers of 1.8 litres each",
    "service": "If it breaks, it is fixed within one working day",
    "tank": "A 4-litre water tank with a level sensor",
}
PRODUCT_KEY = {
    "grinder": "product talk",
    "boilers": "product talk",
    "tank": "product talk",
    "queue": "the buyer's problem",
    "service": "the buyer's problem",
}
MINUTES_PER_SELLER = 10  # our assumption: a seller's time a week to rephrase one product-talk line
MINUTES_AT_MARKETING = 30  # our assumption: marketing rephrases a line once
WEEKS = 46


def translation_hours(product_lines: int, sellers: int, weeks: int = WEEKS) -> dict[str, float]:
    """Hours a year spent rephrasing product talk: by every seller on their own, or once by marketing."""
    for name, value in (("product_lines", product_lines), ("sellers", sellers), ("weeks", weeks)):
        if value < 0:
            raise ValueError(f"{name} cannot be negative, got {value}")
    return {
        "sellers": product_lines * sellers * MINUTES_PER_SELLER * weeks / 60,
        "marketing": product_lines * MINUTES_AT_MARKETING / 60,
    }


def waste_reveal(choices: dict[str, str | None], sellers: int) -> str:
    """After sorting: what the product-talk lines cost when each seller rephrases them alone."""
    product = [k for k, box in PRODUCT_KEY.items() if box == "product talk"]
    hours = translation_hours(len(product), sellers)
    return (
        f"<p>{len(product)} of marketing's {len(PRODUCT_LINES)} lines are product talk. Each of the "
        f"{sellers} sellers rephrases them for customers on their own: about "
        f"<b>{hours['sellers']:,.0f} hours a year</b> for the team. Rephrased once, by marketing: "
        f"about <b>{hours['marketing']:,.1f} hours</b>, however many sellers there are.</p>"
        f"<p><i>The minutes are our assumption ({MINUTES_PER_SELLER} per line per seller a week, "
        f"{MINUTES_AT_MARKETING} per line once); the article gives no figures, only that much time "
        "and money is lost.</i></p>"
    )


class WasteView(widgets.VBox):
    """Sort marketing's lines, then move the team size: only one of the two costs grows."""

    def __init__(self) -> None:
        self.sellers = widgets.IntSlider(value=6, min=1, max=50, description="Sellers")
        self.team = widgets.HTML()
        self.sorter = Sorter(
            PRODUCT_LINES,
            ["product talk", "the buyer's problem"],
            PRODUCT_KEY,
            title="Marketing's launch lines: product talk, or the buyer's problem?",
            reveal=lambda choices: waste_reveal(choices, self.sellers.value),
        )
        self.sellers.observe(self._team_changed, names="value")
        super().__init__([self.sorter, self.sellers, self.team])
        self.add_class("mvs-waste")
        self._team_changed()

    def _team_changed(self, _change: dict | None = None) -> None:
        n = self.sellers.value
        self.team.value = f"<p>Team of {n} sellers: every product-talk line is rephrased {n} times.</p>"
        if self.sorter.feedback.value:
            self.sorter.check_button.click()


def waste_view() -> WasteView:
    """Decide which lines are product talk; the cost of leaving the translation to sellers follows."""
    return WasteView()


# --- the information loop ----------------------------------------------------------------------------

LOOP_MESSAGES = {
    "Figures on the hotel market and its buyers": "marketing",
    "A training day on the new proposition": "marketing",
    "Why the Hotel Zuid deal was lost": "sales",
    "The objections heard at five office visits": "sales",
    "A profile of the typical retail buyer": "marketing",
    "Notes of every customer meeting, in the CRM": "sales",
}
LOOP_WHY = {
    "marketing": "Marketing feeds the sellers with market and customer knowledge and trains them.",
    "sales": "Sales reports back what it hears at the customer's table, in the CRM among other ways.",
}


def loop_chart(message: str, sender: str) -> plt.Figure:
    """Two boxes and two arrows; the arrow the learner picked lights up, green if right."""
    if message not in LOOP_MESSAGES:
        raise ValueError(f"unknown message: {message!r}")
    if sender not in COLOURS:
        raise ValueError("sender must be 'marketing' or 'sales'")
    right = LOOP_MESSAGES[message] == sender
    fig, ax = plt.subplots(figsize=(7, 3))
    for x, name in ((0.05, "marketing"), (0.65, "sales")):
        ax.add_patch(FancyBboxPatch((x, 0.35), 0.3, 0.3, boxstyle="round,pad=0.02", color=COLOURS[name]))
        ax.text(x + 0.15, 0.5, name.capitalize(), ha="center", va="center", color="white", fontsize=14)
    lit = "#55a868" if right else "#c44e52"
    arrows = {
        "marketing": ((0.37, 0.72), (0.63, 0.72), "market & customer info, training"),
        "sales": ((0.63, 0.28), (0.37, 0.28), "feedback via the CRM"),
    }
    for side, (start, end, label) in arrows.items():
        colour = lit if side == sender else "#cccccc"
        ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=25, lw=4, color=colour))
        ax.text(0.5, start[1] + (0.07 if side == "marketing" else -0.1), label, ha="center", fontsize=9)
    verdict = "Right: " if right else "Not this way: "
    ax.set_title(verdict + LOOP_WHY[LOOP_MESSAGES[message]], fontsize=9, wrap=True)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_axis_off()
    fig.tight_layout()
    return fig


def loop_view() -> widgets.VBox:
    """Pick a message and who sends it; the matching arrow of the loop lights up."""
    controls = {
        "message": widgets.Dropdown(
            options=list(LOOP_MESSAGES), description="Message", layout={"width": "90%"}
        ),
        "sender": widgets.ToggleButtons(options=["marketing", "sales"], description="Sent by"),
    }
    return live_view(
        lambda message, sender: (loop_text(message, sender), loop_chart(message, sender)),
        controls,
        title="The information loop: who sends what to whom?",
    )


def loop_text(message: str, sender: str) -> str:
    """The loop chart in words: the learner's arrow and whether it is the right one."""
    if message not in LOOP_MESSAGES:
        raise ValueError(f"unknown message: {message!r}")
    right = LOOP_MESSAGES[message]
    receiver = "sales" if sender == "marketing" else "marketing"
    verdict = "Right." if right == sender else "Not this way."
    return f"<p>You send it from {sender} to {receiver}. <b>{verdict}</b> {LOOP_WHY[right]}</p>"


# --- CRM notes quality -------------------------------------------------------------------------------

CRM_FIELDS = ["contact", "topic", "outcome", "next_step", "need", "note"]


def blank(values: pd.Series) -> pd.Series:
    """True where a value is missing or only whitespace."""
    return values.isna() | (values.astype("string").str.strip() == "")


def flag_records(crm: pd.DataFrame, today: str, stale_days: int, min_words: int) -> pd.DataFrame:
    """One row per record: how many fields are blank, whether the note is vague, whether it is stale."""
    out = crm[["record", "seller", "segment"]].copy()
    out["blank fields"] = sum(blank(crm[f]).astype(int) for f in CRM_FIELDS)
    words = crm["note"].map(lambda note: len(note.split()) if isinstance(note, str) else 0)
    out["vague note"] = words < min_words
    age = pd.to_datetime(crm["last_update"]).rsub(pd.Timestamp(today)).dt.days
    out["days untouched"] = age
    out["stale"] = age >= stale_days
    return out


def crm_score(flags: pd.DataFrame) -> int:
    """0–100: the mean of field completeness, useful notes and fresh records."""
    if flags.empty:
        return 0
    complete = 1 - flags["blank fields"].sum() / (len(flags) * len(CRM_FIELDS))
    useful = 1 - flags["vague note"].mean()
    fresh = 1 - flags["stale"].mean()
    return round(100 * (complete + useful + fresh) / 3)


def crm_html(seller: str, segment: str, stale_days: int, min_words: int, today: str = "2026-06-30") -> str:
    """Table of the filtered CRM records with problems highlighted, and the quality score."""
    crm = datasets.load("crm_records")
    keep = pd.Series(True, index=crm.index)
    if seller != "all":
        keep &= crm["seller"] == seller
    if segment != "all":
        keep &= crm["segment"] == segment
    crm = crm[keep]
    flags = flag_records(crm, today, stale_days, min_words)
    rows = []
    for (_, rec), (_, flag) in zip(crm.iterrows(), flags.iterrows(), strict=True):
        note = (
            html.escape(str(rec["note"])) if not blank(pd.Series([rec["note"]])).iloc[0] else "<i>(empty)</i>"
        )
        style = "background:#f8d7da;color:#111" if flag["vague note"] else ""
        age_style = "background:#ffe5cc;color:#111" if flag["stale"] else ""
        note += " <b>(vague)</b>" if flag["vague note"] else ""
        age = f"{flag['days untouched']}" + (" <b>(stale)</b>" if flag["stale"] else "")
        rows.append(
            f"<tr><td>{rec['record']}</td><td>{rec['seller']}</td><td>{flag['blank fields']}</td>"
            f"<td style='{style}'>{note}</td><td style='{age_style}'>{age}</td></tr>"
        )
    return (
        f"<p>CRM quality score for this selection: <b>{crm_score(flags)}/100</b> "
        f"({len(crm)} records; marked vague: a note under {min_words} words; "
        f"marked stale: untouched for {stale_days}+ days).</p>"
        "<table><tr><th>record</th><th>seller</th><th>blank fields</th><th>note</th>"
        "<th>days untouched</th></tr>" + "".join(rows) + "</table>"
    )


def crm_view() -> widgets.VBox:
    """Filters over the sample CRM; the score and highlights update."""
    crm = datasets.load("crm_records")
    controls = {
        "seller": widgets.Dropdown(options=["all", *sorted(crm["seller"].unique())], description="Seller"),
        "segment": widgets.Dropdown(options=["all", *sorted(crm["segment"].unique())], description="Segment"),
        "stale_days": widgets.IntSlider(value=30, min=1, max=120, description="Stale after"),
        "min_words": widgets.IntSlider(value=6, min=1, max=12, description="Useful if ≥ words"),
    }
    return live_view(crm_html, controls, title="CRM notes quality explorer (today is 30 June 2026)")


# --- theory and practice: count or value? -------------------------------------------------------------


def signed_value_by_meetings(deals: pd.DataFrame | None = None) -> pd.Series:
    """Signed value per number of sales meetings it took (0 = closed with no seller involved)."""
    deals = datasets.load("signed_deals") if deals is None else deals
    won = deals.query("stage == 'signed'")
    return won.groupby("sales_meetings")["value"].sum().rename("signed value")


def share_bucket(share: float) -> str:
    """A share in rough words (the lesson shows rough sizes, the assignment computes exact ones)."""
    if not 0 <= share <= 1:
        raise ValueError(f"share must be between 0 and 1, got {share}")
    if share < 0.1:
        return "under a tenth"
    if share < 0.35:
        return "about a quarter"
    if share < 0.65:
        return "about half"
    return "most of it"


def theory_reveal(_choice: str, deals: pd.DataFrame | None = None) -> str:
    """Deals without a meeting: their share of the count and, in rough words, of the value."""
    deals = datasets.load("signed_deals") if deals is None else deals
    meetings = deals.loc[deals["stage"] == "signed", "sales_meetings"]
    alone = meetings == 0
    by_meetings = signed_value_by_meetings(deals)
    value_share = by_meetings.get(0, 0) / by_meetings.sum()
    return (
        f"<p>{alone.sum()} of Brewline's {len(meetings)} signed deals closed with no sales meeting: "
        f"{100 * alone.mean():.0f}% of the deals. Their value is {share_bucket(value_share)} of the "
        "signed value. Small orders may come in by themselves; the large ones were signed after a "
        "seller sat at the customer's table. (Our made-up data; the article gives no numbers.)</p>"
    )


def theory_view() -> Quiz:
    """Marketing's claim about self-serve deals: commit to a guess about value, then see the data."""
    return Quiz(
        "Marketing reports: half of Brewline's signed deals closed without any sales meeting. "
        "What share of the signed value do you expect those deals to hold?",
        {
            "About half": "Not by value: the deals that close alone are the small ones.",
            "About a quarter": "Less than that: the deals that close alone are the small ones.",
            "Under a tenth": "Counting deals and counting value tell different stories here.",
        },
        answer="Under a tenth",
        title="Could marketing do without sellers?",
        reveal=theory_reveal,
    )


# --- the internal customer -----------------------------------------------------------------------------

PROPOSITION = "Fresh coffee for every team in under a minute, serviced within one working day."
CORE_TERMS = ("fresh", "under a minute", "one working day")


def core_terms_kept(text: str, core_terms: tuple[str, ...] = CORE_TERMS) -> dict[str, bool]:
    """For each core term: is it still in ``text`` (case-insensitive)?"""
    lowered = text.lower()
    return {term: term.lower() in lowered for term in core_terms}


def rewrite_html(text: str, fits_sellers: bool, fits_customers: bool) -> str:
    """How much of the proposition survived the rewrite, and whether it serves both audiences."""
    kept = core_terms_kept(text)
    items = "".join(f"<li>{'✔' if ok else '✘ lost:'} {term}</li>" for term, ok in kept.items())
    if not all(kept.values()):
        verdict = "The rewrite lost part of the proposition's core."
    elif fits_sellers and fits_customers:
        verdict = "The core survived, and the proposition works for sellers and customers alike."
    else:
        verdict = "The core survived, but a proposition that does not suit both audiences will get rewritten."
    return f"<p>Core of: <i>{html.escape(PROPOSITION)}</i></p><ul>{items}</ul><p><b>{verdict}</b></p>"


def rewrite_view() -> widgets.VBox:
    """Rewrite the proposition as a seller or an agency might; see what survives."""
    controls = {
        "text": widgets.Textarea(
            value="Great coffee for your team, fast, with quick service.",
            description="Rewrite",
            continuous_update=False,
            layout={"width": "90%"},
        ),
        "fits_sellers": widgets.Checkbox(value=False, description="Sellers find it useful at the table"),
        "fits_customers": widgets.Checkbox(value=True, description="End customers recognise their need"),
    }
    return live_view(rewrite_html, controls, title="The internal customer: does the proposition survive?")


def internal_quiz() -> Quiz:
    """Why treat the sellers as customers?"""
    return Quiz(
        "Why should marketing treat the sales team as an internal customer?",
        {
            "So sellers use the proposition as it is instead of rewriting it": (
                "Yes. A proposition that suits the sellers and the end customers is carried "
                "intact; one that does not gets reworked until its core is lost."
            ),
            "Because sales pays marketing's budget": "No: the point is winning the sellers over, not money.",
            "So marketing can skip training the sellers": "No: training is part of serving that customer.",
        },
        answer="So sellers use the proposition as it is instead of rewriting it",
    )


# --- Try it: the pandas of assignment 3, on this lesson's data ----------------------------------------
# Each exercise is a smaller cousin of a graded one; the expected values are not graded answers.

TODAY = "2026-06-30"


def _crm() -> pd.DataFrame:
    return datasets.load("crm_records")


def _feedback() -> pd.DataFrame:
    return datasets.load("training_feedback")


def _recent_sessions() -> list[str]:
    feedback = _feedback()
    days_ago = (pd.Timestamp(TODAY) - pd.to_datetime(feedback["held"])).dt.days
    return sorted(set(feedback.loc[days_ago <= 21, "session"]))


def _good_ratings() -> dict[str, int]:
    feedback = _feedback()
    return {seller: int((part["rating"] >= 4).sum()) for seller, part in feedback.groupby("seller")}


def _top_topic(seller: str) -> str:
    topics = _crm().loc[lambda crm: crm["seller"] == seller, "topic"].dropna()
    return str(topics.value_counts().sort_index().idxmax())


tryit.register(
    "03-blank-comments",
    lambda: int(_feedback()["comment"].fillna("").astype(str).str.strip().eq("").sum()),
    hint=".fillna(''), .astype(str), .str.strip(), then compare with '' and .sum()",
)
tryit.register(
    "03-recent-sessions",
    _recent_sessions,
    hint="days ago: (pd.Timestamp('2026-06-30') - pd.to_datetime(...)).dt.days; keep <= 21, no repeats",
    unordered=True,
)
tryit.register(
    "03-one-word-comments",
    lambda: int((_feedback()["comment"].fillna("").str.split().str.len() == 1).sum()),
    hint=".str.split() makes a list of words, .str.len() counts them",
)
tryit.register(
    "03-top-topic-cy",
    lambda: _top_topic("cy"),
    hint="cy's rows, the topic column, .dropna(), .value_counts(), then .sort_index().idxmax()",
)
tryit.register(
    "03-good-ratings",
    _good_ratings,
    hint="loop over feedback.groupby('seller') and count rating >= 4 in each group",
)
tryit.register(
    "03-office-signed-value",
    lambda: int(
        datasets.load("signed_deals").query("segment == 'offices' and stage == 'signed'")["value"].sum()
    ),
    hint="keep the rows where segment is 'offices' and stage is 'signed', then sum value",
)
tryit.register(
    "03-training-notes",
    lambda: int(_crm()["note"].str.contains("training", case=False, na=False).sum()),
    hint=".str.contains('training', case=False, na=False), then .sum()",
)
