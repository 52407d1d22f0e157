"""Lesson 3 (article 002): the information loop between marketing and sales, and the CRM."""

from __future__ import annotations

import html

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from .. import datasets
from ..widgets import Quiz, live_view

COLOURS = {"marketing": "#4c72b0", "sales": "#dd8452"}

# --- the hand-off of the proposition ---------------------------------------------------------------

HANDOFF = [
    ("Brand architecture", "marketing", "How the brands and products of the firm fit together."),
    ("Positioning", "marketing", "The short form: which place the brand takes in the buyer's mind."),
    ("Proposition", "marketing", "The promise to the customer, in words a buyer cares about."),
    ("Hand-off and training", "marketing → sales", "Marketing brings the proposition to the sellers."),
    ("Sales conversation", "sales", "The seller carries the proposition to one customer's table."),
]


def handoff_html(step: int) -> str:
    """The hand-off chain with step ``step`` (0-based) highlighted and explained."""
    if not 0 <= step < len(HANDOFF):
        raise ValueError(f"step must be between 0 and {len(HANDOFF) - 1}, got {step}")
    cells = []
    for i, (name, owner, _) in enumerate(HANDOFF):
        colour = COLOURS.get(owner, "#55a868")
        border = "3px solid black" if i == step else "1px solid transparent"
        cells.append(
            f"<div style='flex:1;padding:4px;background:{colour};color:white;border:{border}'>{name}</div>"
        )
    name, owner, text = HANDOFF[step]
    return (
        "<div style='display:flex;gap:2px'>" + "".join(cells) + "</div>"
        f"<p><b>{name}</b> ({owner}): {text}</p>"
    )


def handoff_view() -> widgets.VBox:
    """Walk the chain from brand architecture to the sales conversation."""
    slider = widgets.IntSlider(value=0, min=0, max=len(HANDOFF) - 1, description="Step")
    return live_view(handoff_html, {"step": slider}, title="From brand architecture to the customer's table")


# --- the cost of being out of tune -------------------------------------------------------------------


def yearly_hours_lost(hours_per_week: float, people: int, weeks: int = 46) -> float:
    """Working hours a team loses in a year when ``people`` each lose ``hours_per_week``."""
    for name, value in (("hours_per_week", hours_per_week), ("people", people), ("weeks", weeks)):
        if value < 0:
            raise ValueError(f"{name} cannot be negative, got {value}")
    return float(hours_per_week * weeks * people)


def waste_html(hours_per_week: float, people: int, hourly_rate: int) -> str:
    """One sentence with the hours lost in a year and what they cost."""
    if hourly_rate < 0:
        raise ValueError(f"hourly_rate cannot be negative, got {hourly_rate}")
    hours = yearly_hours_lost(hours_per_week, people)
    return (
        f"<p>{people} sellers each spend {hours_per_week:g} h a week rewriting product talk into "
        f"customer language or chasing campaigns that miss the buyer: {hours:,.0f} hours in 46 "
        f"working weeks. At €{hourly_rate}/h that is <b>€{hours * hourly_rate:,.0f} a year</b>.</p>"
    )


def waste_view() -> widgets.VBox:
    """Sliders for hours, people and rate."""
    controls = {
        "hours_per_week": widgets.FloatSlider(value=3, min=0, max=20, step=0.5, description="Hours/week"),
        "people": widgets.IntSlider(value=6, min=1, max=50, description="Sellers"),
        "hourly_rate": widgets.IntSlider(value=45, min=10, max=150, step=5, description="€ per hour"),
    }
    return live_view(waste_html, controls, title="What being out of tune costs")


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
    return live_view(loop_chart, controls, title="The information loop: who sends what to whom?")


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
        style = "background:#f8d7da" if flag["vague note"] else ""
        age_style = "background:#ffe5cc" if flag["stale"] else ""
        rows.append(
            f"<tr><td>{rec['record']}</td><td>{rec['seller']}</td><td>{flag['blank fields']}</td>"
            f"<td style='{style}'>{note}</td><td style='{age_style}'>{flag['days untouched']}</td></tr>"
        )
    return (
        f"<p>CRM quality score for this selection: <b>{crm_score(flags)}/100</b> "
        f"({len(crm)} records; red = vague note, orange = untouched for {stale_days}+ days).</p>"
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


# --- theory and practice -----------------------------------------------------------------------------


def theory_verdict(self_serve_pct: float) -> str:
    """Whether marketing could afford to look down on selling, given self-serve revenue."""
    if not 0 <= self_serve_pct <= 100:
        raise ValueError("self_serve_pct must be between 0 and 100")
    if self_serve_pct >= 95:
        return (
            f"{self_serve_pct:.0f}% of revenue arrives with no seller involved: here marketing really "
            "makes customers come by themselves, and the sellers' role is small."
        )
    return (
        f"Only {self_serve_pct:.0f}% of revenue arrives by itself. The other {100 - self_serve_pct:.0f}% "
        "still needs a seller at the customer's table to get the order signed."
    )


def signed_value_by_meetings(deals: pd.DataFrame | None = None) -> pd.Series:
    """Signed value per number of sales meetings it took (0 = closed with no seller involved)."""
    deals = datasets.load("signed_deals") if deals is None else deals
    won = deals.query("stage == 'signed'")
    return won.groupby("sales_meetings")["value"].sum().rename("signed value")


def theory_html(pct: float) -> str:
    """The verdict for a self-serve share, above the sample's signed value per number of meetings."""
    table = signed_value_by_meetings().rename_axis("sales meetings").to_frame()
    return f"<p>{theory_verdict(pct)}</p><p>Brewline's signed deals:</p>" + table.to_html()


def theory_view() -> widgets.VBox:
    """Slide the self-serve share; the verdict changes only near 100%."""
    by_meetings = signed_value_by_meetings()
    start = round(100 * by_meetings.get(0, 0) / by_meetings.sum())
    slider = widgets.FloatSlider(value=start, min=0, max=100, step=1, description="Self-serve %")
    return live_view(theory_html, {"pct": slider}, title="Could marketing do without sellers?")


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
