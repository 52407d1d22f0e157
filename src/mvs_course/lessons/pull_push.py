"""Lesson 4 (article 003): credit, story vs questions, pull vs push, art vs science, now vs later.

Each widget asks the learner to decide something (a counting rule, whom to feature, what
to say on a call, how many calls to make, how far ahead to look) and shows what follows.
The models are plain functions on small tables; the graded exercises of assignment 4 are
not solved here: the notebook's *Try it* section teaches their pandas on other data.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pandas as pd

from .. import datasets
from ..widgets import Quiz, Sorter, live_view, reasons_by_box
from . import tryit
from ._figures import figure_html

COLOURS = {"marketing": "#4c72b0", "sales": "#dd8452"}

# --- who gets the credit? -----------------------------------------------------------------

# Five of the six deals end with a seller's contact; D3 was bought online after a marketing email.
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
    """A bar per side, labelled with the side and the euros credited to it under ``rule``."""
    if rule not in RULES:
        raise ValueError(f"rule must be one of {RULES}, got {rule!r}")
    euros = credited_revenue(DEALS)[f"{rule} touch"]
    bars = "".join(
        f"<div style='width:{max(100 * amount / euros.sum(), 12):.0f}%;background:{COLOURS[side]};"
        f"color:white;padding:4px'>{side}: €{amount:,}</div>"
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
    why = reasons_by_box(
        LINES_KEY,
        {
            "story": "A happy customer's tale told to many: marketing.",
            "question": "A question aimed at what moves this one buyer: selling.",
        },
    )
    return Sorter(LINES, ["story", "question"], LINES_KEY, why, title="Story or question?")


# --- happy and unhappy customers ------------------------------------------------------------

# One week of an appliance shop's customer contacts (made up). Rating: 1 = furious, 5 = delighted.
CONTACTS = pd.DataFrame(
    {
        "customer": ["Aldo", "Bea", "Carla", "Dario", "Elena", "Fabio", "Gina", "Hugo", "Ines", "Luca"],
        "said": [
            "The oven changed how we bake at home, I tell all my friends",
            "Third call: the delivery is late again",
            "Why is your price higher than the shop down the road?",
            "The dishwasher is so quiet we forget it is running",
            "The door handle came off after a week",
            "I will think about it, maybe next year",
            "Your technician left mud on my kitchen floor",
            "Best purchase of the year, the whole family loves it",
            "The manual is confusing, I cannot set the timer",
            "Cancel my order, I found one cheaper online",
        ],
        "rating": [5, 1, 2, 5, 1, 3, 2, 5, 2, 1],
    }
)
UNHAPPY_AT_MOST = 2  # a rating of 2 or less counts as an unhappy contact


def week_summary(featured: list[str], contacts: pd.DataFrame = CONTACTS) -> pd.DataFrame:
    """Who each side spoke with this week: the marketer the ``featured`` customers, the seller all.

    Rows ``marketer`` and ``seller``; columns ``contacts``, ``unhappy`` (how many rated
    ``UNHAPPY_AT_MOST`` or less) and ``mean rating`` (missing when the marketer picked nobody).
    """
    unknown = sorted(set(featured) - set(contacts["customer"]))
    if unknown:
        raise ValueError(f"not in this week's contacts: {', '.join(unknown)}")
    rows = {}
    for role, seen in (("marketer", contacts[contacts["customer"].isin(featured)]), ("seller", contacts)):
        ratings = seen["rating"]
        rows[role] = {
            "contacts": len(seen),
            "unhappy": int((ratings <= UNHAPPY_AT_MOST).sum()),
            "mean rating": round(float(ratings.mean()), 2) if len(seen) else None,
        }
    return pd.DataFrame(rows).T


def week_html(**picked: bool) -> str:
    """What the marketer's picks and the seller's unpicked week look like side by side."""
    featured = [name for name, on in picked.items() if on]
    if not featured:
        return "<p>Tick the customers you would call for a blog story.</p>"
    table = week_summary(featured)
    marketer, seller = table.loc["marketer"], table.loc["seller"]
    return (
        f"<p>You, the marketer, chose <b>{len(featured)}</b> customer(s): "
        f"<b>{marketer['unhappy']:g}</b> of them unhappy, mean rating {marketer['mean rating']:g} of 5.</p>"
        f"<p>The seller could not choose. The same week they took all <b>{seller['contacts']:g}</b> "
        f"contacts: <b>{seller['unhappy']:g}</b> unhappy, mean rating {seller['mean rating']:g}.</p>"
        "<p>The marketer picks the people a story needs; the seller meets whoever calls. That is "
        "why the two can describe the same customers so differently.</p>"
    )


def week_view() -> widgets.VBox:
    """Pick the customers you would feature in a blog story; compare with the seller's week."""
    controls = {
        name: widgets.Checkbox(value=False, description=f"{name}: '{said}'", indent=False)
        for name, said in zip(CONTACTS["customer"], CONTACTS["said"], strict=True)
    }
    for box in controls.values():
        box.layout = widgets.Layout(width="auto")
    return live_view(week_html, controls, title="You need customers for a blog story. Whom do you call?")


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
    """A one-line street with the customer and the seller, and a sentence saying who moved."""
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
    where = f"customer at {pos['customer']}, seller at {pos['seller']} of {TRACK} steps"
    return f"<table><tr>{''.join(cells)}</tr></table><p><b>{mode.title()}</b>: {mover} ({where}).</p>"


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
    why = reasons_by_box(
        TACTICS_KEY, {"pull": "It makes people come to you.", "push": "Someone goes after the interest."}
    )
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
REVEALS = ("hide", "common saying", "article 003")


def spectrum_table(placements: Mapping[str, float]) -> pd.DataFrame:
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
    """Dots on an art (0) to science (10) line; ``reveal`` adds a reference view as crosses."""
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


def spectrum_html(reveal: str = "hide", **placements: float) -> str:
    """The chart and, in words, each placement next to the revealed view."""
    if reveal not in REVEALS:
        raise ValueError(f"reveal must be one of {REVEALS}")
    table = spectrum_table(placements)
    shown = ["activity", "side", "you"] + ([reveal] if reveal != "hide" else [])
    text = table[shown].to_html(index=False, border=0)
    if reveal == "hide":
        text += "<p>Place every activity, then reveal a view to compare.</p>"
    alt = "; ".join(f"{a}: you {y}" for a, y in zip(table["activity"], table["you"], strict=True))
    return figure_html(spectrum_chart(reveal, **placements), f"Art (0) to science (10). {alt}", text)


def spectrum_view() -> widgets.VBox:
    """One slider per activity; reveal the common saying or the author's placement."""
    controls: dict[str, widgets.Widget] = {
        key: widgets.IntSlider(value=5, min=0, max=10, description=key, continuous_update=False, tooltip=text)
        for key, text in SPECTRUM.items()
    }
    controls["reveal"] = widgets.ToggleButtons(options=list(REVEALS), description="Show")
    return live_view(spectrum_html, controls, title="Art (0) or science (10)? Place each activity")


METRICS = {
    "cost_per_lead": ("spend", "leads", "euro per lead"),
    "conversion_rate": ("customers", "leads", "customers per lead"),
    "revenue_per_euro": ("revenue", "spend", "euro of revenue per euro spent"),
}


def metric_ranking(metric: str, channels: pd.DataFrame | None = None) -> pd.DataFrame:
    """One metric for every channel, best value first, with the channel's approach beside it."""
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {', '.join(METRICS)}")
    channels = datasets.load("channel_funnel") if channels is None else channels
    top, bottom, _ = METRICS[metric]
    table = channels.assign(value=channels[top] / channels[bottom])[["channel", "approach", "value"]]
    cheapest_first = metric == "cost_per_lead"
    return table.sort_values("value", ascending=cheapest_first).reset_index(drop=True)


def metric_html(metric: str) -> str:
    """The ranking as a sentence, a table and a bar chart labelled with each channel's approach."""
    table = metric_ranking(metric)
    _, _, unit = METRICS[metric]
    fig, ax = plt.subplots(figsize=(6, 2.8))
    labels = [f"{c} ({a})" for c, a in zip(table["channel"], table["approach"], strict=True)]
    ax.barh(labels[::-1], table["value"][::-1], color=[COLOURS["marketing"]] * len(table))
    ax.set_xlabel(unit)
    fig.tight_layout()
    best = table.iloc[0]
    text = (
        f"<p>Best on {metric.replace('_', ' ')}: <b>{best['channel']}</b> ({best['approach']}), "
        f"{best['value']:.3g} {unit}.</p>"
    )
    rows = ", ".join(f"{c} {v:.3g}" for c, v in zip(table["channel"], table["value"], strict=True))
    return figure_html(fig, f"{metric}: {rows}", text)


def metric_view() -> widgets.VBox:
    """The marketer's dashboard: pick a metric, see every channel."""
    metric = widgets.Dropdown(options=list(METRICS), description="Metric")
    return live_view(metric_html, {"metric": metric}, title="A marketer's Monday morning")


# --- selling as performance ------------------------------------------------------------------

BUYERS = {
    "bored": "arms crossed, short answers",
    "rushed": "keeps checking the time",
    "curious": "leans in, asks about details",
    "cheerful": "laughs at your opening joke",
}
MOVES = {
    "script": "read the standard pitch from the top",
    "open": "slow down and ask an open question",
    "short": "get to the point and offer a short follow-up",
    "deep": "go deeper and show the detail",
    "light": "keep the light tone and build rapport",
}
BEST_MOVE = {"bored": "open", "rushed": "short", "curious": "deep", "cheerful": "light"}
WENT_WELL = {
    "bored": "the buyer starts talking about what really bothers them",
    "rushed": "the buyer books a ten-minute follow-up for Friday",
    "curious": "the buyer asks for a quote with the options they care about",
    "cheerful": "the buyer tells you about a second site that needs machines",
}
SCRIPT_REACTION = {
    "bored": "the buyer stops answering at all",
    "rushed": "the buyer hangs up in the third minute",
    "curious": "the buyer waits for the details, which never come",
    "cheerful": "the mood cools, and the call ends politely",
}


def call_results(moves: Mapping[str, str | None]) -> pd.DataFrame:
    """One row per buyer: the move chosen, whether it fitted the buyer's cue, and what happened."""
    rows = []
    for buyer, cue in BUYERS.items():
        move = moves.get(buyer)
        if move is not None and move not in MOVES:
            raise ValueError(f"unknown move {move!r}; choose one of {', '.join(MOVES)}")
        if move is None:
            fitted, what = False, "no move chosen yet"
        elif move == BEST_MOVE[buyer]:
            fitted, what = True, WENT_WELL[buyer]
        elif move == "script":
            fitted, what = False, SCRIPT_REACTION[buyer]
        else:
            fitted, what = False, f"the move misses the cue ({cue})"
        rows.append(
            {"buyer": cue, "your move": MOVES.get(move, "-"), "went well": fitted, "what happened": what}
        )
    return pd.DataFrame(rows)


def calls_html(moves: Mapping[str, str | None]) -> str:
    """The outcome of the learner's four calls, next to reading one script to all four."""
    if any(moves.get(buyer) is None for buyer in BUYERS):
        return "<p>Choose a move for each of the four buyers, then make the calls.</p>"
    mine = call_results(moves)
    script = call_results(dict.fromkeys(BUYERS, "script"))
    table = mine.assign(**{"went well": mine["went well"].map({True: "yes", False: "no"})})
    return (
        f"<p>Your calls: <b>{int(mine['went well'].sum())} of {len(mine)}</b> went well. "
        f"Reading the same standard pitch to all four: {int(script['went well'].sum())} of {len(script)}.</p>"
        + table.to_html(index=False, border=0, escape=True)
        + "<p>One message for everyone is how an ad works, measured on the average. A call has "
        "a live audience of one: article 003 calls selling a performance art for this reason.</p>"
    )


class CallRound(widgets.VBox):
    """Four buyers, one move each; the calls are made only when the learner presses the button."""

    def __init__(self) -> None:
        self.moves = {
            buyer: widgets.Dropdown(
                options=[(text, key) for key, text in MOVES.items()],
                value=None,
                description=f"{buyer.title()} buyer",
                tooltip=cue,
                style={"description_width": "8em"},
                layout=widgets.Layout(width="36em"),
            )
            for buyer, cue in BUYERS.items()
        }
        cues = "".join(f"<li><b>{b.title()}</b>: {html.escape(c)}</li>" for b, c in BUYERS.items())
        self.button = widgets.Button(description="Make the four calls", icon="phone", tooltip="Reveal")
        self.button.layout = widgets.Layout(width="auto")
        self.result = widgets.HTML("<p>Choose a move for each buyer, then make the calls.</p>")
        self.button.on_click(self.make_calls)
        for dropdown in self.moves.values():
            dropdown.observe(self._changed, names="value")
        super().__init__(
            [
                widgets.HTML(f"<b>Four calls this morning.</b> The buyers:<ul>{cues}</ul>"),
                *self.moves.values(),
                self.button,
                self.result,
            ]
        )
        self.add_class("mvs-call-round")

    def chosen(self) -> dict[str, str | None]:
        return {buyer: dropdown.value for buyer, dropdown in self.moves.items()}

    def make_calls(self, _button: widgets.Button | None = None) -> None:
        self.result.value = calls_html(self.chosen())

    def _changed(self, _change: dict) -> None:
        open_ = sum(v is None for v in self.chosen().values())
        self.result.value = (
            f"<p>{open_} buyer(s) still without a move.</p>"
            if open_
            else "<p>Plan ready. Press the button to make the calls.</p>"
        )


def call_view() -> CallRound:
    """Plan a move for each of four buyers, then make the calls and see how each went."""
    return CallRound()


# --- now and later ----------------------------------------------------------------------------

TARGET_DEALS = 5
DEALS_PER_CALL = 0.25 * 0.4 * 0.25  # reached, then a meeting, then a close
LEAD_LISTS = {"plenty of fresh leads (400)": 400, "the lead list has run dry (40)": 40}


def activity_outcome(calls: int, fresh_leads: int) -> dict[str, float | bool]:
    """Deals expected from ``calls`` when only ``fresh_leads`` people are worth calling.

    Each fresh lead is worth one call; calling someone again who already said no brings
    nothing. ``useful_calls`` is therefore at most ``fresh_leads``.
    """
    if calls < 0 or fresh_leads < 0:
        raise ValueError("calls and fresh_leads cannot be negative")
    useful = min(calls, fresh_leads)
    deals = round(useful * DEALS_PER_CALL, 2)
    return {
        "useful_calls": useful,
        "wasted_calls": calls - useful,
        "deals": deals,
        "target_met": deals >= TARGET_DEALS,
        "reachable": round(fresh_leads * DEALS_PER_CALL, 2) >= TARGET_DEALS,
    }


def activity_html(lead_list: str, calls: int) -> str:
    """What the learner's number of calls brings this week, given the lead list."""
    leads = LEAD_LISTS[lead_list]
    out = activity_outcome(calls, leads)
    lines = [
        f"<p>{calls} calls, {out['useful_calls']} of them to fresh leads: "
        f"about <b>{out['deals']:g} deals</b> (target {TARGET_DEALS}). "
        f"{'Target met.' if out['target_met'] else 'Target missed.'}</p>"
    ]
    if out["wasted_calls"]:
        lines.append(f"<p>{out['wasted_calls']} calls went to people who had already said no.</p>")
    if out["reachable"]:
        lines.append("<p>Here activity is the lever: more calls, more deals, this week.</p>")
    else:
        lines.append(
            "<p>No number of calls reaches the target: the list has run dry. That is a marketing "
            "problem (too few new leads), and 'just do more' is the hammer that does not fit it. "
            "Section 8 shows that marketing cannot fix it by the weekend either.</p>"
        )
    return "".join(lines)


def activity_view() -> widgets.VBox:
    """Decide how many calls to make this week, on a full or an empty lead list."""
    controls = {
        "lead_list": widgets.Dropdown(options=list(LEAD_LISTS), description="This week"),
        "calls": widgets.IntSlider(value=100, min=0, max=400, step=20, description="Your calls"),
    }
    return live_view(activity_html, controls, title=f"You need {TARGET_DEALS} deals this week")


def cumulative(series: pd.DataFrame | None = None) -> pd.DataFrame:
    """Running totals of the weekly net returns of calls and of the campaign, indexed by week."""
    series = datasets.load("campaign_weeks") if series is None else series
    out = series.set_index("week")[["calls_net", "campaign_net"]].cumsum()
    return out.rename(columns={"calls_net": "calls", "campaign_net": "campaign"})


def horizon_chart(horizon: int) -> plt.Figure:
    """Running totals up to week ``horizon`` (lines labelled in the legend)."""
    totals = cumulative().loc[:horizon]
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.plot(totals.index, totals["calls"], color=COLOURS["sales"], marker="o", label="extra sales calls")
    ax.plot(totals.index, totals["campaign"], color=COLOURS["marketing"], marker="s", label="campaign")
    ax.axhline(0, color="grey", linewidth=0.5)
    ax.set_xlabel("week")
    ax.set_ylabel("running net return (euro)")
    ax.legend(loc="upper left", fontsize="small")
    fig.tight_layout()
    return fig


def horizon_html(horizon: int) -> str:
    """Who is ahead after ``horizon`` weeks, in words, and the chart."""
    last = cumulative().loc[horizon]
    leader = "the calls are" if last["calls"] > last["campaign"] else "the campaign is"
    text = (
        f"<p>After <b>{horizon}</b> week(s) {leader} ahead: calls {last['calls']:,.0f} euro, "
        f"campaign {last['campaign']:,.0f} euro (running net returns).</p>"
    )
    alt = (
        f"Two running totals over {horizon} weeks; at the end calls {last['calls']:,.0f}, "
        f"campaign {last['campaign']:,.0f}"
    )
    return figure_html(horizon_chart(horizon), alt, text)


def horizon_view() -> widgets.VBox:
    """Slide the time horizon over the simulated 26 weeks."""
    slider = widgets.IntSlider(value=4, min=1, max=26, description="Weeks", continuous_update=False)
    return live_view(horizon_html, {"horizon": slider}, title="How far ahead are you looking?")


# --- generate and convert ------------------------------------------------------------------------

STAGES = ("leads", "qualified", "customers")
# Who brings in the leads depends on the channel: marketing's pull channels draw them in,
# sellers find them themselves on push channels. Qualifying and converting is sales work (003).
LEAD_FINDER = {"pull": "marketing", "push": "sales"}


def funnel_table(channel: str, channels: pd.DataFrame | None = None) -> pd.DataFrame:
    """Stage counts of one channel (or 'all'), split by who did the work at each stage."""
    channels = datasets.load("channel_funnel") if channels is None else channels
    rows = channels if channel == "all" else channels[channels["channel"] == channel]
    if rows.empty:
        raise ValueError(f"unknown channel {channel!r}")
    out = []
    for approach, group in rows.groupby("approach"):
        out.append({"stage": "leads", "side": LEAD_FINDER[approach], "count": int(group["leads"].sum())})
    for stage in STAGES[1:]:
        out.append({"stage": stage, "side": "sales", "count": int(rows[stage].sum())})
    table = pd.DataFrame(out)
    return table.groupby(["stage", "side"], sort=False, as_index=False)["count"].sum()


def funnel_html(channel: str) -> str:
    """The funnel as a table and as bars, each labelled with its stage, side and count."""
    table = funnel_table(channel)
    fig, ax = plt.subplots(figsize=(6, 2.6))
    widest = table.groupby("stage", sort=False)["count"].sum().max()
    for i, stage in enumerate(STAGES):
        parts = table[table["stage"] == stage]
        left = (widest - parts["count"].sum()) / 2
        for side, count in zip(parts["side"], parts["count"], strict=True):
            ax.barh(-i, count, left=left, color=COLOURS[side], hatch="" if side == "marketing" else "//")
            ax.text(left + count / 2, -i, f"{stage}: {count} ({side})", ha="center", va="center")
            left += count
    ax.set_axis_off()
    words = "; ".join(f"{s} {c} by {d}" for s, d, c in table.itertuples(index=False))
    text = f"<p>Funnel for <b>{html.escape(channel)}</b>: {words}.</p>"
    return figure_html(fig, f"Funnel for {channel}: {words}", text)


def funnel_view() -> widgets.VBox:
    """Pick a channel to see its funnel and who did the work at each stage."""
    channels = ["all", *datasets.load("channel_funnel")["channel"]]
    return live_view(funnel_html, {"channel": widgets.Dropdown(options=channels, description="Channel")})


def blame_quiz() -> Quiz:
    """Whose job is it to get a lukewarm lead ready to buy?"""
    return Quiz(
        "A seller complains: 'marketing's leads are not qualified'. Whose job does article 003 say that is?",
        {
            "Marketing's": "Not in 003: in its view marketing can raise interest only so far.",
            "Sales'": "Yes: in 003, getting a prospect excited and qualified is mostly selling work.",
            "Nobody's": "Someone has to do it, and 003 names sales.",
        },
        answer="Sales'",
    )


# --- Try it: small pandas exercises on the lesson's own data (ungraded) ---------------------------


def _last_touch_sales_share() -> float:
    by_side = DEALS.groupby("last_touch")["revenue"].sum()
    return round(by_side.get("sales", 0) / DEALS["revenue"].sum(), 3)


def _weeks() -> pd.DataFrame:
    return datasets.load("campaign_weeks")


tryit.register(
    "04-credit",
    _last_touch_sales_share,
    hint="group the deals by last_touch, sum the revenue, take the 'sales' row and divide by the total",
)
tryit.register(
    "04-lowest",
    lambda: round(float(CONTACTS["rating"].nsmallest(4).mean()), 2),
    hint="nsmallest(4) is the mirror of nlargest(4); then .mean() and round(..., 2)",
)
tryit.register(
    "04-qualified",
    lambda: datasets.load("channel_funnel").set_index("channel").eval("qualified / leads").round(3).to_dict(),
    hint="set_index('channel'), divide the qualified column by the leads column, round(3), .to_dict()",
)
tryit.register(
    "04-window",
    lambda: int(_weeks().loc[_weeks()["week"] <= 8, "campaign_net"].sum()),
    hint="keep the rows with week <= 8, then sum the campaign_net column",
)
tryit.register(
    "04-first-positive",
    lambda: int(_weeks().loc[_weeks()["campaign_net"] > 0, "week"].iloc[0]),
    hint="a boolean mask campaign_net > 0, the week column of those rows, then .iloc[0]",
)
tryit.register(
    "04-clean",
    lambda: ["marketing", "sales", "marketing"],
    hint="for each name: .strip().lower(), then look it up in OWNER",
)
