"""Lesson 4 (article 003): credit, story vs questions, pull vs push, art vs science, now vs later."""

from __future__ import annotations

import html

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pandas as pd

from .. import datasets
from ..widgets import Quiz, Sorter, live_view

COLOURS = {"marketing": "#4c72b0", "sales": "#dd8452"}

# --- who gets the credit? -----------------------------------------------------------------

DEALS = pd.DataFrame(
    {
        "deal": ["D1", "D2", "D3", "D4", "D5", "D6"],
        "first_touch": ["marketing", "marketing", "marketing", "sales", "marketing", "marketing"],
        "last_touch": ["sales", "sales", "marketing", "sales", "sales", "sales"],
        "revenue": [4000, 2500, 1500, 3000, 6000, 2000],
    }
)


SIDES = ("marketing", "sales")
RULES = ("first", "last")


def credited_revenue(deals: pd.DataFrame) -> pd.DataFrame:
    """Euros credited to each side (rows) under each rule (columns 'first touch', 'last touch')."""
    table = {
        f"{rule} touch": {
            side: int(deals["revenue"].where(deals[f"{rule}_touch"] == side, 0).sum()) for side in SIDES
        }
        for rule in RULES
    }
    return pd.DataFrame(table)


def credit_html(rule: str) -> str:
    """A bar per side with the euros credited to it under ``rule``."""
    if rule not in RULES:
        raise ValueError(f"rule must be one of {RULES}, got {rule!r}")
    euros = credited_revenue(DEALS)[f"{rule} touch"]
    bars = "".join(
        f"<div style='width:{100 * amount / euros.sum():.0f}%;background:{COLOURS[side]};color:white;"
        f"padding:4px'>{side}: €{amount:,}</div>"
        for side, amount in euros.items()
    )
    winner = euros.idxmax()
    return (
        f"<div style='display:flex;gap:2px'>{bars}</div>"
        f"<p>Counting the <b>{rule}</b> touch, <b>{winner}</b> 'won' these six deals. "
        "Same deals, same money: only the counting rule changed.</p>"
    )


def credit_view() -> widgets.VBox:
    """Switch the attribution rule and watch the winner of the argument change."""
    rule = widgets.ToggleButtons(options=["first", "last"], description="Credit the")
    return live_view(credit_html, {"rule": rule}, title="Six closed deals: who gets the credit?")


# --- story or questions ---------------------------------------------------------------------

LINES = {
    "review": "'The machine paid for itself in a month,' says a bakery owner",
    "goal": "What would you like this purchase to change for your team?",
    "photo": "A photo series of smiling customers in their new kitchens",
    "budget": "Who else has a say in the budget, and when do they decide?",
    "case": "A short video of a school that halved its energy bill",
    "block": "What stopped you from buying when we last spoke?",
}
LINES_KEY = {
    "review": "story",
    "photo": "story",
    "case": "story",
    "goal": "question",
    "budget": "question",
    "block": "question",
}


def story_sorter() -> Sorter:
    """Sort lines into the marketer's story or the seller's question."""
    why = {
        k: "A happy customer's tale told to many: marketing."
        if v == "story"
        else "A question aimed at what moves this one buyer: selling."
        for k, v in LINES_KEY.items()
    }
    return Sorter(LINES, ["story", "question"], LINES_KEY, why, title="Story or question?")


# --- happy and unhappy customers ------------------------------------------------------------


def time_split(hours: float, unhappy_share: float) -> tuple[float, float]:
    """(hours with unhappy people, hours with happy people) in a week of ``hours``."""
    if not 0 <= unhappy_share <= 1:
        raise ValueError("unhappy_share is a fraction between 0 and 1")
    unhappy = round(hours * unhappy_share, 1)
    return unhappy, round(hours - unhappy, 1)


def week_chart(unhappy_pct: int) -> plt.Figure:
    """Two bars: the marketer's week and the seller's week, split by the customers' mood."""
    marketer = time_split(40, 0.1)
    seller = time_split(40, unhappy_pct / 100)
    fig, ax = plt.subplots(figsize=(6, 2.4))
    for row, (sad, glad) in enumerate([marketer, seller]):
        ax.barh(row, sad, color="#c44e52", label="unhappy" if row == 0 else None)
        ax.barh(row, glad, left=sad, color="#55a868", label="happy" if row == 0 else None)
        ax.text(1, row, f"{sad:g} h unhappy / {glad:g} h happy", va="center", color="white")
    ax.set_yticks([0, 1], ["marketer", "seller"])
    ax.set_xlabel("hours in a 40-hour week")
    ax.set_xlim(0, 52)
    ax.legend(loc="center right", fontsize="small")
    fig.tight_layout()
    return fig


def week_view() -> widgets.VBox:
    """Slide the share of a seller's week spent with unhappy people."""
    slider = widgets.IntSlider(value=90, min=0, max=100, step=5, description="Unhappy %")
    return live_view(week_chart, {"unhappy_pct": slider}, title="Whose week is harder?")


# --- pull and push ----------------------------------------------------------------------------

TRACK = 10  # positions on the street between the customer's home (0) and the shop (TRACK)


def pull_push_positions(mode: str, step: int) -> dict[str, int]:
    """Where the customer and the seller stand after ``step`` moves (0..TRACK//2).

    Pull: the customer walks toward the shop. Push: once the customer shows a flicker of
    interest (step 1), the seller walks toward the customer.
    """
    if mode not in ("pull", "push"):
        raise ValueError("mode must be 'pull' or 'push'")
    step = max(0, min(step, TRACK // 2))
    if mode == "pull":
        return {"customer": step * 2, "seller": TRACK}
    walked = (TRACK - 1) * max(0, step - 1) // (TRACK // 2 - 1)
    return {"customer": min(step, 1), "seller": TRACK - walked}


def pull_push_html(mode: str, step: int) -> str:
    """A one-line street with the customer (C) and the seller (S)."""
    pos = pull_push_positions(mode, step)
    cells = []
    for x in range(TRACK + 1):
        mark = ""
        if pos["customer"] == x:
            mark += "🙂"
        if pos["seller"] == x:
            mark += "🏪" if mode == "pull" or x == TRACK else "🧑‍💼"
        cells.append(
            f"<td style='width:2.2em;height:2em;text-align:center;border-bottom:2px solid #999'>{mark}</td>"
        )
    mover = (
        "the customer moves toward the business" if mode == "pull" else "the seller moves toward the customer"
    )
    return f"<table><tr>{''.join(cells)}</tr></table><p><b>{mode.title()}</b>: {mover}.</p>"


def pull_push_view() -> widgets.VBox:
    """A push/pull toggle and a play button that animates who walks toward whom."""
    controls = {
        "mode": widgets.ToggleButtons(options=["pull", "push"], description="Mode"),
        "step": widgets.Play(value=0, min=0, max=TRACK // 2, interval=600, description="Play"),
    }
    return live_view(pull_push_html, controls, title="Press play, then switch the mode")


TACTICS = {
    "search": "An ad shown to people searching for 'quiet dishwasher'",
    "guide": "A free buying guide people download from the blog",
    "followup": "Calling a visitor the day after they asked for a brochure",
    "quote": "A quote that expires on Friday",
    "story": "A video series of customers telling their story",
    "demo": "Booking a demo at the prospect's office",
}
TACTICS_KEY = {
    "search": "pull",
    "guide": "pull",
    "story": "pull",
    "followup": "push",
    "quote": "push",
    "demo": "push",
}


def tactic_sorter() -> Sorter:
    """Sort tactics into pull (draw people in) or push (go after a spark of interest)."""
    why = {
        k: "It makes people come to you." if v == "pull" else "Someone goes after the interest."
        for k, v in TACTICS_KEY.items()
    }
    return Sorter(TACTICS, ["pull", "push"], TACTICS_KEY, why, title="Pull or push?")


# --- art or science -------------------------------------------------------------------------

# 0 = pure art, 10 = pure science
SPECTRUM = {
    "ads": "Reading the ad platform's conversion report",
    "brand": "Designing the logo and visual style",
    "call": "Reading a buyer's mood on a call and changing tone",
    "funnel": "Weekly spreadsheet of leads per channel",
    "pitch": "Giving a demo to a room of sceptics",
}
COMMON_VIEW = {"ads": 3, "brand": 1, "call": 8, "funnel": 4, "pitch": 8}
AUTHOR_VIEW = {"ads": 10, "brand": 3, "call": 1, "funnel": 9, "pitch": 2}
SIDE = {"ads": "marketing", "brand": "marketing", "call": "sales", "funnel": "marketing", "pitch": "sales"}


def spectrum_table(placements: dict[str, float]) -> pd.DataFrame:
    """The learner's placements beside the common saying and article 003's view."""
    return pd.DataFrame(
        {
            "activity": [SPECTRUM[k] for k in SPECTRUM],
            "side": [SIDE[k] for k in SPECTRUM],
            "you": [placements[k] for k in SPECTRUM],
            "common saying": [COMMON_VIEW[k] for k in SPECTRUM],
            "article 003": [AUTHOR_VIEW[k] for k in SPECTRUM],
        }
    )


def spectrum_chart(reveal: str = "hide", **placements: float) -> plt.Figure:
    """Dots on an art (0) to science (10) line; ``reveal`` adds a reference view."""
    table = spectrum_table(placements)
    fig, ax = plt.subplots(figsize=(8, 3))
    for i, row in table.iterrows():
        colour = COLOURS[row["side"]]
        ax.plot(row["you"], -i, "o", color=colour, markersize=10, label="you" if i == 0 else None)
        if reveal != "hide":
            ax.plot(row[reveal], -i, "x", color="black", markersize=10, label=reveal if i == 0 else None)
    ax.set_yticks(
        [-i for i in range(len(table))],
        [f"{a} ({s})" for a, s in zip(table["activity"], table["side"], strict=True)],
    )
    ax.set_xlim(-0.5, 10.5)
    ax.set_xticks([0, 5, 10], ["art", "both", "science"])
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=2, fontsize="small")
    fig.tight_layout()
    return fig


def spectrum_view() -> widgets.VBox:
    """One slider per activity; reveal the common saying or the author's placement."""
    controls: dict[str, widgets.Widget] = {
        key: widgets.IntSlider(value=5, min=0, max=10, description=key, continuous_update=False, tooltip=text)
        for key, text in SPECTRUM.items()
    }
    controls["reveal"] = widgets.ToggleButtons(
        options=["hide", "common saying", "article 003"], description="Show"
    )
    return live_view(spectrum_chart, controls, title="Art (0) or science (10)? Place each activity")


def channel_metrics(channels: pd.DataFrame | None = None) -> pd.DataFrame:
    """Cost per lead, conversion rate and revenue per euro for every channel."""
    channels = datasets.load("channel_funnel") if channels is None else channels
    out = channels.set_index("channel")
    return pd.DataFrame(
        {
            "approach": out["approach"],
            "cost_per_lead": (out["spend"] / out["leads"]).round(2),
            "conversion_rate": (out["customers"] / out["leads"]).round(3),
            "revenue_per_euro": (out["revenue"] / out["spend"]).round(2),
        }
    )


def metric_chart(metric: str) -> plt.Figure:
    """One bar per channel for ``metric``, coloured by pull (blue) or push (orange)."""
    table = channel_metrics().sort_values(metric)
    colours = [COLOURS["marketing"] if a == "pull" else COLOURS["sales"] for a in table["approach"]]
    fig, ax = plt.subplots(figsize=(6, 2.8))
    ax.barh(table.index, table[metric], color=colours)
    ax.set_xlabel(metric.replace("_", " "))
    ax.set_title("Blue: pull channels, orange: push channels")
    fig.tight_layout()
    return fig


def metric_view() -> widgets.VBox:
    """The marketer's dashboard: pick a metric, see every channel."""
    metric = widgets.Dropdown(
        options=["cost_per_lead", "conversion_rate", "revenue_per_euro"], description="Metric"
    )
    return live_view(metric_chart, {"metric": metric}, title="A marketer's Monday morning")


# --- selling as performance ------------------------------------------------------------------

CUES = {
    "arms crossed, short answers": "slow down and ask an open question",
    "keeps checking the time": "get to the point and offer a short follow-up",
    "leans in, asks about details": "go deeper and show the detail",
    "laughs at your opening joke": "keep the light tone and build rapport",
}


def cue_feedback(cue: str, move: str) -> str:
    """Feedback on the learner's move for a buyer's cue on a call."""
    if move == CUES[cue]:
        return f"<p>Good read. When the buyer is '{html.escape(cue)}', you <b>{move}</b>.</p>"
    return f"<p>The audience is telling you something else. Look at the cue again: '{html.escape(cue)}'.</p>"


def call_view() -> widgets.VBox:
    """Read the buyer's cue and pick your next move, like an actor adjusting to the room."""
    controls = {
        "cue": widgets.Dropdown(options=list(CUES), description="The buyer"),
        "move": widgets.RadioButtons(options=sorted(set(CUES.values())), description="You"),
    }
    return live_view(cue_feedback, controls, title="Each call is a new stage")


# --- now and later ----------------------------------------------------------------------------


def expected_deals(calls: int, connect_rate: float, meeting_rate: float, close_rate: float) -> float:
    """Deals expected from ``calls``: reached, then met, then closed."""
    return round(calls * connect_rate * meeting_rate * close_rate, 2)


def activity_html(calls_per_week: int, close_pct: int) -> str:
    """Expected deals this week for a seller's level of activity."""
    deals = expected_deals(calls_per_week, 0.25, 0.4, close_pct / 100)
    return (
        f"<p>{calls_per_week} calls → about <b>{deals:g} deals</b> this week. "
        "Double the calls and the deals double: for a seller, more activity is the fix for everything.</p>"
    )


def activity_view() -> widgets.VBox:
    """Sliders for a seller's calls and close rate."""
    controls = {
        "calls_per_week": widgets.IntSlider(value=100, min=0, max=400, step=20, description="Calls"),
        "close_pct": widgets.IntSlider(value=25, min=5, max=60, step=5, description="Close %"),
    }
    return live_view(activity_html, controls, title="A seller's week: activity in, deals out")


def cumulative(series: pd.DataFrame | None = None) -> pd.DataFrame:
    """Running totals of the weekly net returns of calls and of the campaign."""
    series = datasets.load("campaign_weeks") if series is None else series
    out = series.set_index("week")[["calls_net", "campaign_net"]].cumsum()
    return out.rename(columns={"calls_net": "calls", "campaign_net": "campaign"})


def crossover_week(series: pd.DataFrame | None = None) -> int | None:
    """First week in which the campaign's running total catches up with the calls', else None."""
    totals = cumulative(series)
    ahead = totals.index[totals["campaign"] >= totals["calls"]]
    return int(ahead[0]) if len(ahead) else None


def horizon_chart(horizon: int) -> plt.Figure:
    """Running totals up to week ``horizon``, and who is ahead at that point."""
    totals = cumulative().loc[:horizon]
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.plot(totals.index, totals["calls"], color=COLOURS["sales"], label="extra sales calls")
    ax.plot(totals.index, totals["campaign"], color=COLOURS["marketing"], label="marketing campaign")
    ax.axhline(0, color="grey", linewidth=0.5)
    last = totals.iloc[-1]
    leader = "the calls are" if last["calls"] > last["campaign"] else "the campaign is"
    ax.set_title(
        f"After {horizon} weeks {leader} ahead ({last['calls']:,.0f} vs {last['campaign']:,.0f} euro)"
    )
    ax.set_xlabel("week")
    ax.set_ylabel("running net return (euro)")
    ax.legend(loc="upper left", fontsize="small")
    fig.tight_layout()
    return fig


def horizon_view() -> widgets.VBox:
    """Slide the time horizon over the simulated 26 weeks."""
    slider = widgets.IntSlider(value=4, min=1, max=26, description="Weeks", continuous_update=False)
    return live_view(horizon_chart, {"horizon": slider}, title="How far ahead are you looking?")


# --- generate and convert ------------------------------------------------------------------------

STAGES = ("leads", "qualified", "customers")
STAGE_OWNER = {"leads": "marketing", "qualified": "sales", "customers": "sales"}


def funnel_chart(channel: str) -> plt.Figure:
    """The funnel of one channel (or 'all'), each stage coloured by the side that owns it in 003."""
    table = datasets.load("channel_funnel")
    rows = table if channel == "all" else table[table["channel"] == channel]
    counts = [int(rows[s].sum()) for s in STAGES]
    fig, ax = plt.subplots(figsize=(6, 2.6))
    for i, (stage, count) in enumerate(zip(STAGES, counts, strict=True)):
        ax.barh(-i, count, left=(max(counts) - count) / 2, color=COLOURS[STAGE_OWNER[stage]])
        ax.text(max(counts) / 2, -i, f"{stage}: {count} ({STAGE_OWNER[stage]})", ha="center", va="center")
    ax.set_axis_off()
    ax.set_title(f"Funnel for {channel}: marketing fills the top, sales does the rest")
    fig.tight_layout()
    return fig


def funnel_view() -> widgets.VBox:
    """Pick a channel to see its funnel and who owns each stage."""
    channels = ["all", *datasets.load("channel_funnel")["channel"]]
    return live_view(funnel_chart, {"channel": widgets.Dropdown(options=channels, description="Channel")})


def blame_quiz() -> Quiz:
    """Whose job is it to get a lukewarm lead ready to buy?"""
    return Quiz(
        "A seller complains: 'marketing's leads are not qualified'. Whose job does article 003 say that is?",
        {
            "Marketing's": (
                "Not in 003: marketing can raise interest only so far. "
                "(Article 002 would be kinder to the seller.)"
            ),
            "Sales'": "Yes: in 003, getting a prospect excited and qualified is mostly selling work.",
            "Nobody's": "Someone has to do it, and 003 names sales.",
        },
        answer="Sales'",
    )
