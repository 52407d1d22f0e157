"""Lesson 5 (article 004): one-to-many vs one-to-one, averages vs details, value vs discounts, TCO.

Each widget asks the learner to decide (how to reach people, what to do when a promise is
tested, which extras to offer, which remedies to give) and shows what follows. The models
are plain functions; the graded exercises of assignment 5 are not solved here: the
notebook's *Try it* section teaches their pandas on other columns and questions.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pandas as pd

from .. import datasets
from ..widgets import Quiz, Sorter, live_view, reasons_by_box
from . import tryit
from ._figures import figure_html

COLOURS = {"marketing": "#4c72b0", "sales": "#dd8452", "grey zone": "#999999"}

# --- two disciplines ------------------------------------------------------------------------

DUTIES = {
    "survey": "Running a survey of what customers expect from a coffee break",
    "calls": "Calling forty cafés a day to book tastings",
    "brand": "Keeping the logo and tone of voice the same everywhere",
    "negotiate": "Negotiating the service contract with a hotel chain",
    "fair": "Staffing the stand at a trade fair",
    "case": "Writing a customer case study with the account manager",
}
DUTIES_KEY = {
    "survey": "marketing",
    "brand": "marketing",
    "calls": "sales",
    "negotiate": "sales",
    "fair": "grey zone",
    "case": "grey zone",
}


def duty_sorter() -> Sorter:
    """Sort duties from a job ad into marketing, sales or the grey zone between them."""
    why = {
        "fair": "Both teams meet strangers at a stand: no line says where one ends.",
        "case": "Marketing tells the story, but it comes from a seller's customer.",
    }
    return Sorter(
        DUTIES, ["marketing", "sales", "grey zone"], DUTIES_KEY, why, title="A 'marketing assistant' job ad"
    )


def hierarchy_quiz() -> Quiz:
    """Is sales a department of marketing?"""
    return Quiz(
        "According to article 004, how do sales and marketing relate?",
        {
            "Sales is the part of marketing that closes": "No: the article calls that a widespread mistake.",
            "Two disciplines with their own mandates and some grey zones": "Yes.",
            "Two names for the same job": "No: calling selling 'marketing' is exactly what 004 objects to.",
        },
        answer="Two disciplines with their own mandates and some grey zones",
    )


# --- one to many, one to one ------------------------------------------------------------------


MINUTES_PER_CONVERSATION = 30
MODES = ("one-to-many", "one-to-one")


def reach_plan(mode: str, audience: int) -> dict[str, object]:
    """What reaching ``audience`` people costs in each mode, and how well the words fit each one.

    One-to-many: one message, written once, the same for everyone (marketing's mode in 004).
    One-to-one: one conversation per person, each fitted to that person (sales' mode).
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    if audience < 1:
        raise ValueError("audience must be at least 1")
    if mode == "one-to-many":
        return {"messages": 1, "hours": 1.0, "fitted": "to nobody in particular", "side": "marketing"}
    return {
        "messages": audience,
        "hours": audience * MINUTES_PER_CONVERSATION / 60,
        "fitted": "to each person",
        "side": "sales",
    }


def reach_html(mode: str, audience: int) -> str:
    """The plan for ``audience`` people in ``mode``: messages, hours, fit, and whose mode it is."""
    plan = reach_plan(mode, audience)
    shown = min(audience, 60)
    people = "🙂" * shown + (f" … and {audience - shown:,} more" if audience > shown else "")
    sender = "📣 →" if mode == "one-to-many" else "🗣️ ↔"
    count = "one message, the same words" if plan["messages"] == 1 else f"{plan['messages']:,} conversations"
    return (
        f"<p style='font-size:1.3em' aria-hidden='true'>{sender} {people}</p>"
        f"<p><b>{mode}</b> for {audience:,} people: {count}, fitted {plan['fitted']}, "
        f"about {plan['hours']:,.1f} hours of work. "
        f"This is how <b>{plan['side']}</b> works in article 004.</p>"
    )


def reach_view() -> widgets.VBox:
    """Decide how to reach a number of people; see the hours it takes and how well it fits each."""
    controls = {
        "mode": widgets.ToggleButtons(options=list(MODES), description="You choose"),
        "audience": widgets.IntSlider(value=40, min=1, max=5000, description="People"),
    }
    return live_view(reach_html, controls, title="You must reach these people. How?")


MESSAGES = {
    "billboard": "A billboard at the station: 'Better coffee, fewer breakdowns'",
    "visit": "A visit to one hotel to test the machine with their own beans",
    "newsletter": "The monthly newsletter to 8,000 subscribers",
    "call": "A call to a café owner whose machine broke on Saturday",
    "press": "A press statement after a faulty batch was recalled",
    "note": "A thank-you note after a customer's first year",
}
MESSAGES_KEY = {
    "billboard": "one-to-many",
    "newsletter": "one-to-many",
    "press": "one-to-many",
    "visit": "one-to-one",
    "call": "one-to-one",
    "note": "one-to-one",
}


def message_sorter() -> Sorter:
    """Sort messages into one-to-many or one-to-one."""
    why = reasons_by_box(
        MESSAGES_KEY,
        {
            "one-to-many": "The same words reach many people at once.",
            "one-to-one": "It is meant for one person.",
        },
    )
    return Sorter(MESSAGES, ["one-to-many", "one-to-one"], MESSAGES_KEY, why, title="Many or one?")


# --- where the story becomes real ---------------------------------------------------------------

PROMISES: dict[str, dict[str, object]] = {
    "Service within 24 hours": {
        "moment": "Saturday, 8 a.m.: a café owner calls, the machine has stopped.",
        "actions": {
            "send a technician or a loan machine before noon": True,
            "book the first free repair slot, next Thursday": False,
            "point to the service page in the brochure": False,
        },
    },
    "Easy for any employee": {
        "moment": "A hotel's night shift cannot get the milk frother to work.",
        "actions": {
            "arrange a half-hour training for the night shift": True,
            "email the 60-page manual": False,
            "tell the manager the machine is intuitive": False,
        },
    },
    "A partner, not a supplier": {
        "moment": "An office customer mentions they are moving to a bigger building.",
        "actions": {
            "remember it, and plan the move of the machines with them": True,
            "send the standard price list": False,
            "wait for them to ask": False,
        },
    },
}


def promise_outcome(promise: str, action: str) -> dict[str, object]:
    """Whether ``action`` keeps the advertised ``promise`` for this one customer, and what follows."""
    if promise not in PROMISES:
        raise ValueError(f"unknown promise: {promise!r}")
    actions = PROMISES[promise]["actions"]
    if action not in actions:  # type: ignore[operator]
        raise ValueError(f"unknown action for {promise!r}: {action!r}")
    kept = bool(actions[action])  # type: ignore[index]
    if kept:
        what = (
            "The promise becomes true for this customer: the sales side made the story real. "
            "They will repeat the slogan to others as their own experience."
        )
    else:
        what = (
            "The ad said it to thousands; for this customer it has just turned out false. "
            "They will repeat the slogan to others as a broken promise."
        )
    return {"kept": kept, "what": what}


def promise_html(promise: str, action: str | None) -> str:
    """The moment that tests a promise and, once the learner acts, the consequence."""
    if promise not in PROMISES:
        raise ValueError(f"unknown promise: {promise!r}")
    head = (
        f"<p>Marketing told thousands: <i>'{html.escape(promise)}'</i>.<br>"
        f"{html.escape(str(PROMISES[promise]['moment']))}</p>"
    )
    if action is None:
        return head + "<p>You are the seller. What do you do?</p>"
    outcome = promise_outcome(promise, action)
    verdict = "Promise kept." if outcome["kept"] else "Promise broken."
    return head + f"<p><b>{verdict}</b> {html.escape(str(outcome['what']))}</p>"


class PromiseView(widgets.VBox):
    """Pick an advertised promise; act as the seller when it is tested; see whether it comes true."""

    def __init__(self) -> None:
        self.promise = widgets.Dropdown(options=list(PROMISES), description="The ad")
        self.action = widgets.RadioButtons(options=[], value=None, description="You")
        self.action.layout = widgets.Layout(width="max-content")
        self.html = widgets.HTML()
        self.promise.observe(self._on_promise, names="value")
        self.action.observe(self._render, names="value")
        super().__init__([widgets.HTML("<b>From story to reality</b>"), self.promise, self.action, self.html])
        self.add_class("mvs-promise")
        self._on_promise()

    def _on_promise(self, _change: dict | None = None) -> None:
        self.action.unobserve(self._render, names="value")
        self.action.options = list(PROMISES[self.promise.value]["actions"])  # type: ignore[arg-type]
        self.action.value = None
        self.action.observe(self._render, names="value")
        self._render()

    def _render(self, _change: dict | None = None) -> None:
        self.html.value = promise_html(self.promise.value, self.action.value)


def promise_view() -> PromiseView:
    """Pick a promise from the brand story; act when a customer puts it to the test."""
    return PromiseView()


# --- brand and relationships ----------------------------------------------------------------------


def cold_accounts(customers: pd.DataFrame | None = None, days: int = 30) -> pd.DataFrame:
    """Customers no seller has spoken to for more than ``days`` days, longest silence first."""
    customers = datasets.load("segment_customers") if customers is None else customers
    cold = customers[customers["last_contact_days"] > days]
    return cold.sort_values("last_contact_days", ascending=False)[
        ["customer", "segment", "last_contact_days"]
    ]


def relationship_html(days: int) -> str:
    """A table of relationships gone cold at a threshold of ``days``."""
    cold = cold_accounts(days=days)
    if cold.empty:
        return f"<p>Every customer heard from a seller in the last {days} days.</p>"
    return (
        f"<p><b>{len(cold)}</b> relationship(s) silent for more than {days} days. A good review "
        "campaign will not fix these; a seller's call might.</p>" + cold.to_html(index=False)
    )


def relationship_view() -> widgets.VBox:
    """Slide the threshold for a cold relationship."""
    days = widgets.IntSlider(value=30, min=0, max=90, step=5, description="Days")
    return live_view(relationship_html, {"days": days}, title="Relationships need one-to-one care")


# --- averages and details ------------------------------------------------------------------------


def segment_means(customers: pd.DataFrame | None = None, column: str = "annual_budget") -> pd.Series:
    """The average of ``column`` per segment: what marketing's data delivers."""
    customers = datasets.load("segment_customers") if customers is None else customers
    return customers.groupby("segment")[column].mean()


def segment_html(customer: str) -> str:
    """One customer against the average of their segment: in words, and as dots around a line."""
    customers = datasets.load("segment_customers")
    rows = customers[customers["customer"] == customer]
    if rows.empty:
        raise ValueError(f"no customer called {customer!r}")
    row = rows.iloc[0]
    peers = customers[customers["segment"] == row["segment"]]
    mean = peers["annual_budget"].mean()
    gap = row["annual_budget"] - mean
    fig, ax = plt.subplots(figsize=(7, 3.2))
    chosen = peers["customer"] == customer
    ax.scatter(peers.loc[~chosen, "annual_budget"], peers.loc[~chosen, "customer"], s=80, color="#4c72b0")
    ax.scatter(
        peers.loc[chosen, "annual_budget"], peers.loc[chosen, "customer"], s=160, marker="*", color="#dd8452"
    )
    ax.axvline(mean, color="#4c72b0", linestyle="--", label=f"{row['segment']} average: {mean:,.0f}")
    ax.set_xlabel("annual budget (euro)")
    ax.legend(loc="lower right", fontsize="small")
    fig.tight_layout()
    text = (
        f"<p><b>{html.escape(customer)}</b> ({row['segment']}): budget {row['annual_budget']:,} euro, "
        f"{gap:+,.0f} from the {row['segment']} average of {mean:,.0f}.<br>"
        f"What no average shows: <i>{html.escape(row['main_worry'])}</i>.</p>"
    )
    alt = ", ".join(f"{c} {b:,}" for c, b in zip(peers["customer"], peers["annual_budget"], strict=True))
    return figure_html(fig, f"Budgets in the {row['segment']} segment, average {mean:,.0f}: {alt}", text)


def segment_view() -> widgets.VBox:
    """Pick a customer; compare them with the average of their segment."""
    names = list(datasets.load("segment_customers")["customer"])
    return live_view(
        segment_html,
        {"customer": widgets.Dropdown(options=names, value="Harbour Roastery", description="Customer")},
        title="The average customer does not exist",
    )


# --- marketing studies the many, sales the one ------------------------------------------------------


def mention_shares(posts: Iterable[str], keywords: Iterable[str]) -> dict[str, float]:
    """Percentage of posts that mention each keyword (capitals ignored), to 1 decimal."""
    lowered = [str(post).lower() for post in posts]
    if not lowered:
        return {keyword: 0.0 for keyword in keywords}
    return {
        keyword: round(100 * sum(keyword.lower() in post for post in lowered) / len(lowered), 1)
        for keyword in keywords
    }


def mentions_html(keywords: str) -> str:
    """The share of sample posts mentioning each comma-separated keyword: a list and bars."""
    words = [w.strip() for w in keywords.split(",") if w.strip()]
    if not words:
        return "<p>Type some keywords, separated by commas.</p>"
    shares = mention_shares(datasets.load("coffee_posts")["text"], words)
    fig, ax = plt.subplots(figsize=(6, 2.6))
    ax.bar(list(shares), list(shares.values()), color="#4c72b0")
    ax.set_ylabel("% of posts")
    fig.tight_layout()
    listed = ", ".join(f"{html.escape(k)} {v:g}%" for k, v in shares.items())
    return figure_html(
        fig, f"Share of posts mentioning: {listed}", f"<p>Posts mentioning each word: {listed}.</p>"
    )


def mentions_view() -> widgets.VBox:
    """Type keywords, comma-separated; count the posts that mention each."""
    text = widgets.Text(
        value="clean, warranty, support, taste", description="Keywords", continuous_update=False
    )
    return live_view(mentions_html, {"keywords": text}, title="Listening to many customers at once")


def interest_table(activity: pd.DataFrame, prospect: str) -> pd.DataFrame:
    """Visits of one prospect per topic (rows) and channel (columns) with a total, most visited first."""
    mine = activity.loc[activity["prospect"].eq(prospect)]
    if mine.empty:
        raise ValueError(f"no activity for {prospect!r}")
    table = mine.pivot_table(index="topic", columns="channel", values="visits", aggfunc="sum", fill_value=0)
    table["total"] = table.sum(axis=1)
    order = sorted(table.index, key=lambda topic: (-table.at[topic, "total"], topic))
    return table.loc[order].rename_axis(columns=None)


def profile_html(prospect: str) -> str:
    """A small profile card: where the prospect was seen and what they care about."""
    table = interest_table(datasets.load("prospect_activity"), prospect)
    channels = ", ".join(c for c in table.columns if c != "total")
    interests = ", ".join(table.index[:3])
    return (
        f"<div style='border:1px solid #ccc;padding:6px'><b>{html.escape(prospect)}</b><br>"
        f"Seen on: {channels}<br>Cares most about: <b>{interests}</b></div>"
        "<p>Open the first meeting with these topics, not with the general brochure.</p>" + table.to_html()
    )


def profile_view() -> widgets.VBox:
    """Pick a prospect to see the seller's profile card."""
    names = sorted(datasets.load("prospect_activity")["prospect"].unique())
    return live_view(profile_html, {"prospect": widgets.Dropdown(options=names, description="Prospect")})


# --- value instead of discounts ------------------------------------------------------------------


PRICE, COST = 1000, 600  # the coffee machine of section 8: list price and what it costs you
RIVAL_DISCOUNT_PCT = 15
EXTRAS = {  # what each extra costs you, and what it is worth to a café owner (euro)
    "a year of descaling tablets": (20, 90),
    "a barista course for two staff": (40, 150),
    "a third year of warranty": (50, 120),
    "free delivery": (30, 30),
    "a box of branded cups": (25, 10),
}


def offer_outcome(extras: list[str], discount_pct: float = RIVAL_DISCOUNT_PCT) -> dict[str, object]:
    """The buyer weighs a ``discount_pct`` discount against the full price with ``extras``.

    The buyer takes the value offer when the extras are worth at least as much to them as
    the discount; you keep the margin of whichever offer the buyer takes.
    """
    unknown = sorted(set(extras) - set(EXTRAS))
    if unknown:
        raise ValueError(f"unknown extras: {', '.join(unknown)}")
    cost = sum(EXTRAS[e][0] for e in extras)
    worth = sum(EXTRAS[e][1] for e in extras)
    discount = PRICE * discount_pct / 100
    value_margin, discount_margin = PRICE - COST - cost, PRICE - COST - discount
    takes_value = bool(extras) and worth >= discount
    return {
        "extras cost you": cost,
        "extras worth to buyer": worth,
        "discount worth to buyer": discount,
        "buyer takes": "value offer" if takes_value else "discount",
        "your margin": value_margin if takes_value else discount_margin,
        "margin if you discount": discount_margin,
    }


def offer_html(**chosen: bool) -> str:
    """The learner's value offer against the rival discount: the buyer's choice and your margin."""
    extras = [name for name, on in chosen.items() if on]
    out = offer_outcome(extras)
    head = (
        f"<p>A rival offers {RIVAL_DISCOUNT_PCT}% off, worth {out['discount worth to buyer']:,.0f} euro "
        f"to the buyer. Your extras cost you {out['extras cost you']:,} and are worth "
        f"{out['extras worth to buyer']:,} to the buyer.</p>"
    )
    if out["buyer takes"] == "discount":
        return head + (
            f"<p>The buyer takes <b>the discount</b>: your offer gives them less. Matching it leaves you "
            f"{out['your margin']:,.0f} euro. "
            "Add extras that are worth more to a café than they cost you.</p>"
        )
    gain = out["your margin"] - out["margin if you discount"]
    return head + (
        f"<p>The buyer takes <b>your value offer</b>, and you keep {out['your margin']:,.0f} euro, "
        f"{gain:+,.0f} against matching the discount. More for the money, at a fair exchange.</p>"
    )


def offer_view() -> widgets.VBox:
    """Put together extras to beat a rival's discount without cutting your price."""
    controls = {
        name: widgets.Checkbox(
            value=False, description=f"{name} (costs you {c}, worth {w} to the buyer)", indent=False
        )
        for name, (c, w) in EXTRAS.items()
    }
    for box in controls.values():
        box.layout = widgets.Layout(width="auto")
    return live_view(offer_html, controls, title="A rival offers a discount. What do you offer?")


# --- total cost of ownership -------------------------------------------------------------------------


def tco_by_year(offer: Mapping[str, float], years: int) -> list[float]:
    """Running total cost of owning an offer at the end of each year 1..``years``."""
    if years < 1:
        raise ValueError("years must be at least 1")
    running, totals = float(offer["training"]), []
    for year in range(years):
        if year % offer["lifetime_years"] == 0:  # a new machine at the start of its life
            running += offer["price"] + offer["delivery"] + offer["warranty"]
        running += offer["support_per_year"]
        totals.append(float(running))
    return totals


def tco_table(years: int, offers: pd.DataFrame | None = None) -> pd.DataFrame:
    """Sticker price and total cost of ownership of every offer, cheapest TCO first."""
    offers = datasets.load("tco_offers") if offers is None else offers
    table = offers.set_index("offer")
    column = f"TCO over {years} years"
    out = pd.DataFrame(
        {
            "sticker price": table["price"],
            column: [tco_by_year(row, years)[-1] for _, row in table.iterrows()],
        }
    )
    return out.sort_values(column)


def tco_html(years: int) -> str:
    """Sticker price and TCO per offer as a table, a sentence naming the cheapest, and bars."""
    table = tco_table(years)
    fig, ax = plt.subplots(figsize=(6, 2.8))
    x = range(len(table))
    ax.bar([i - 0.2 for i in x], table["sticker price"], width=0.4, label="sticker price", color="#cccccc")
    ax.bar([i + 0.2 for i in x], table.iloc[:, 1], width=0.4, label="total cost of ownership", hatch="//")
    ax.set_xticks(list(x), table.index)
    ax.set_ylabel("euro")
    ax.legend(fontsize="small")
    fig.tight_layout()
    text = (
        f"<p>Over {years} year(s) the cheapest to own is <b>{table.index[0]}</b>; "
        f"the cheapest to buy is {table['sticker price'].idxmin()}.</p>" + table.to_html(border=0)
    )
    return figure_html(fig, f"Sticker price and cost of ownership over {years} years", text)


def tco_view() -> widgets.VBox:
    """Slide the number of years the customer will use the machine."""
    years = widgets.IntSlider(value=2, min=1, max=10, description="Years", continuous_update=False)
    return live_view(tco_html, {"years": years}, title="Price is not cost")


# --- risk-free ------------------------------------------------------------------------------------

REMEDIES = {
    "30-day trial": "it may not suit our staff",
    "loan machine during repairs": "a breakdown stops our business",
    "price fixed for three years": "costs may rise later",
    "staff training included": "nobody will know how to use it",
    "buy-back guarantee": "we may outgrow it",
}


def risk_status(worries: Iterable[str], offered: Iterable[str]) -> dict[str, str | None]:
    """For each worry (in order): the first offered remedy that removes it, or None."""
    offered = list(offered)
    unknown = [name for name in offered if name not in REMEDIES]
    if unknown:
        raise ValueError(f"unknown remedies: {unknown}")
    return {worry: next((r for r in offered if REMEDIES[r] == worry), None) for worry in worries}


def risk_html(**offered: bool) -> str:
    """Which of a hotel's worries remain, given the remedies ticked."""
    worries = ["a breakdown stops our business", "nobody will know how to use it", "costs may rise later"]
    status = risk_status(worries, [name for name, on in offered.items() if on])
    if all(status.values()):
        return "<p>Every worry is covered: to this buyer you are now the <b>risk-free</b> choice.</p>"
    items = "".join(
        f"<li>{html.escape(worry)}" + (f" (removed by the {html.escape(by)})</li>" if by else "</li>")
        for worry, by in status.items()
    )
    return f"<p>The buyer's worries:</p><ul>{items}</ul><p>Tick a remedy for each one still open.</p>"


def risk_view() -> widgets.VBox:
    """Tick remedies to remove the buyer's worries."""
    controls = {name: widgets.Checkbox(value=False, description=name, indent=False) for name in REMEDIES}
    return live_view(risk_html, controls, title="A hotel manager's three worries")


# --- the plumb line -------------------------------------------------------------------------------

CORE_TERMS = ("reliable", "local service", "fair price")
CAMPAIGN = "Reliable machines, local service in every town, and a fair price: that is our promise."


def plumb_check(pitch: str) -> dict[str, bool]:
    """For each of the campaign's core terms: does the pitch carry it (capitals ignored)?"""
    text = pitch.lower()
    return {term: term in text for term in CORE_TERMS}


def plumb_html(pitch: str) -> str:
    """Check a seller's pitch against the campaign's core terms."""
    found = plumb_check(pitch)
    if all(found.values()):
        return "<p>Same plumb line: the pitch carries every core term of the campaign.</p>"
    missing = [term for term, ok in found.items() if not ok]
    return "<p>The pitch drifts from the plumb line; it never says: " + ", ".join(missing) + ".</p>"


def plumb_view() -> widgets.VBox:
    """Rewrite the pitch for one café owner without losing the campaign's core."""
    pitch = widgets.Textarea(
        value="For your café: a reliable machine and a technician from your own town.",
        description="Pitch",
        continuous_update=False,
        layout={"width": "90%"},
    )
    return live_view(plumb_html, {"pitch": pitch}, title=f"Campaign: '{CAMPAIGN}'")


# --- Try it: small pandas exercises on the lesson's own data (ungraded) ---------------------------

TRY_ORG = {"designer": "brand team", "brand team": "marketing", "marketing": "ceo"}
TRY_PITCHES = [
    "A reliable machine with local service in your town",
    "Reliable, with local service and a fair price for a small café",
    "The fair price of a machine that never lets you down",
]
TRY_OFFERED = ["30-day trial", "loan machine during repairs"]
HOTEL_WORRIES = ["a breakdown stops our business", "nobody will know how to use it", "costs may rise later"]


def _chain(org: dict[str, str], start: str) -> list[str]:
    team, chain = start, []
    while team in org and org[team] not in chain:
        team = org[team]
        chain.append(team)
    return chain


def _cups_farthest_below() -> str:
    customers = datasets.load("segment_customers")
    gap = customers["cups_per_day"] - customers.groupby("segment")["cups_per_day"].transform("mean")
    return str(customers.loc[gap.idxmin(), "customer"])


def _omar_channels() -> list[str]:
    activity = datasets.load("prospect_activity")
    rows = activity[activity["prospect"] == "Omar"]
    totals = rows.groupby("channel")["visits"].sum().reset_index()
    return list(totals.sort_values(["visits", "channel"], ascending=[False, True])["channel"].head(2))


def _purchases() -> dict[str, int]:
    offers = datasets.load("tco_offers")
    return {row["offer"]: math.ceil(7 / row["lifetime_years"]) for _, row in offers.iterrows()}


tryit.register(
    "05-chain",
    lambda: _chain(TRY_ORG, "designer"),
    hint="start at 'designer' and follow org[team] while team is a key",
)
tryit.register(
    "05-cups",
    _cups_farthest_below,
    hint="cups_per_day minus groupby('segment')['cups_per_day'].transform('mean'); idxmin() gives the row",
)
tryit.register(
    "05-mentions",
    lambda: {
        k: int(datasets.load("coffee_posts")["text"].str.contains(k, case=False, regex=False).sum())
        for k in ("machine", "coffee")
    },
    hint="{k: int(posts.str.contains(k, case=False, regex=False).sum()) for k in [...]}",
)
tryit.register(
    "05-channels",
    _omar_channels,
    hint="Omar's rows; groupby('channel'), sum the visits; sort by visits (high first) then channel; head(2)",
)
tryit.register(
    "05-margin", lambda: round(480 * (1 - 12.5 / 100) - 300, 2), hint="price * (1 - pct / 100) - cost"
)
tryit.register("05-purchases", _purchases, hint="math.ceil(7 / lifetime_years) for every row of the offers")
tryit.register(
    "05-uncovered",
    lambda: sorted(set(HOTEL_WORRIES) - {REMEDIES[name] for name in TRY_OFFERED}),
    hint="the worries removed are {REMEDIES[r] for r in offered}; subtract that set, then sorted()",
)
tryit.register(
    "05-plumb",
    lambda: [all(term in pitch.lower() for term in CORE_TERMS) for pitch in TRY_PITCHES],
    hint="for each pitch: all(term in pitch.lower() for term in lesson.CORE_TERMS)",
)
