"""Lesson 5 (article 004): one-to-many vs one-to-one, averages vs details, value vs discounts, TCO."""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pandas as pd

from .. import datasets
from ..widgets import Quiz, Sorter, live_view

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


def reach_html(mode: str, audience: int) -> str:
    """One sender and its receivers: a broadcast to ``audience`` people or one conversation."""
    if mode not in ("one-to-many", "one-to-one"):
        raise ValueError("mode must be 'one-to-many' or 'one-to-one'")
    if audience < 1:
        raise ValueError("audience must be at least 1")
    receivers = audience if mode == "one-to-many" else 1
    shown = min(receivers, 60)
    people = "🙂" * shown + (f" … and {receivers - shown:,} more" if receivers > shown else "")
    who, how = (
        ("marketing", "one message, the same for all") if receivers > 1 else ("sales", "a conversation")
    )
    return (
        f"<p style='font-size:1.3em'>📣 → {people}</p>"
        f"<p><b>{mode}</b>: {how} ({receivers:,} receiver{'s' if receivers > 1 else ''}): "
        f"typical of <b>{who}</b>.</p>"
    )


def reach_view() -> widgets.VBox:
    """Toggle the mode and size the audience."""
    controls = {
        "mode": widgets.ToggleButtons(options=["one-to-many", "one-to-one"], description="Mode"),
        "audience": widgets.IntSlider(value=40, min=1, max=5000, description="Audience"),
    }
    return live_view(reach_html, controls, title="Who hears the message?")


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
    why = {
        k: "The same words reach many people at once."
        if v == "one-to-many"
        else "It is meant for one person."
        for k, v in MESSAGES_KEY.items()
    }
    return Sorter(MESSAGES, ["one-to-many", "one-to-one"], MESSAGES_KEY, why, title="Many or one?")


# --- where the story becomes real ---------------------------------------------------------------

PROMISES = {
    "Coffee as good as in Italy": "the tasting in the customer's own kitchen, with their own staff",
    "Service within 24 hours": "the first time the machine breaks and the seller's phone number works",
    "Easy for any employee": "the half-hour training the seller arranges for the night shift",
    "A partner, not a supplier": "the seller remembering the owner's plans from the last visit",
}


def promise_html(promise: str) -> str:
    """Where a marketing promise becomes real for one customer."""
    if promise not in PROMISES:
        raise ValueError(f"unknown promise: {promise!r}")
    return (
        f"<p>Marketing tells thousands: <i>'{html.escape(promise)}'</i>.</p>"
        f"<p>It becomes real for one customer in <b>{html.escape(PROMISES[promise])}</b>: a sales moment.</p>"
    )


def promise_view() -> widgets.VBox:
    """Pick a promise from the brand story; see the sales moment that makes it true."""
    promise = widgets.Dropdown(options=list(PROMISES), description="Promise")
    return live_view(promise_html, {"promise": promise}, title="From story to reality")


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


def deviation(customer: str, customers: pd.DataFrame | None = None, column: str = "annual_budget") -> float:
    """How far one customer's ``column`` lies from their segment's average."""
    customers = datasets.load("segment_customers") if customers is None else customers
    rows = customers[customers["customer"] == customer]
    if rows.empty:
        raise ValueError(f"no customer called {customer!r}")
    row = rows.iloc[0]
    return float(row[column] - segment_means(customers, column)[row["segment"]])


def segment_chart(customer: str) -> plt.Figure:
    """The customer's segment as dots, the segment average as a line, the chosen customer in orange."""
    customers = datasets.load("segment_customers")
    row = customers[customers["customer"] == customer].iloc[0]
    peers = customers[customers["segment"] == row["segment"]]
    mean = segment_means(customers)[row["segment"]]
    fig, ax = plt.subplots(figsize=(7, 3.2))
    colours = [COLOURS["sales"] if name == customer else COLOURS["marketing"] for name in peers["customer"]]
    ax.scatter(peers["annual_budget"], range(len(peers)), color=colours, s=80)
    ax.set_yticks(range(len(peers)), peers["customer"])
    ax.axvline(
        mean, color=COLOURS["marketing"], linestyle="--", label=f"{row['segment']} average: {mean:,.0f}"
    )
    ax.set_xlabel("annual budget (euro)")
    ax.set_title(
        f"{customer}: {deviation(customer):+,.0f} euro from the average\n"
        f"What no average shows: {row['main_worry']}",
        fontsize="medium",
    )
    ax.legend(loc="lower right", fontsize="small")
    fig.tight_layout()
    return fig


def segment_view() -> widgets.VBox:
    """Pick a customer; compare them with the average of their segment."""
    names = list(datasets.load("segment_customers")["customer"])
    return live_view(
        segment_chart,
        {"customer": widgets.Dropdown(options=names, value="Harbour Roastery", description="Customer")},
        title="The average customer does not exist",
    )


# --- marketing studies the many, sales the one ------------------------------------------------------


def mention_counts(posts: pd.Series, keywords: Iterable[str]) -> dict[str, int]:
    """How many posts mention each keyword, ignoring capitals."""
    return {k: int(posts.str.contains(k, case=False, regex=False).sum()) for k in keywords}


def mentions_chart(keywords: str) -> plt.Figure:
    """Bars of mention counts for comma-separated ``keywords`` over the sample posts."""
    words = [w.strip() for w in keywords.split(",") if w.strip()]
    counts = mention_counts(datasets.load("coffee_posts")["text"], words)
    fig, ax = plt.subplots(figsize=(6, 2.6))
    ax.bar(list(counts), list(counts.values()), color=COLOURS["marketing"])
    ax.set_ylabel("posts")
    ax.set_title("What people expect, in their own posts" if counts else "Type some keywords")
    fig.tight_layout()
    return fig


def mentions_view() -> widgets.VBox:
    """Type keywords, comma-separated; count the posts that mention each."""
    text = widgets.Text(
        value="clean, warranty, support, taste", description="Keywords", continuous_update=False
    )
    return live_view(mentions_chart, {"keywords": text}, title="Listening to many customers at once")


def top_interests(activity: pd.DataFrame, prospect: str, n: int = 3) -> list[str]:
    """One prospect's ``n`` most visited topics (visits summed over channels; ties alphabetical)."""
    rows = activity[activity["prospect"] == prospect]
    if rows.empty:
        raise ValueError(f"no activity for {prospect!r}")
    totals = rows.groupby("topic")["visits"].sum().reset_index()
    ordered = totals.sort_values(["visits", "topic"], ascending=[False, True])
    return list(ordered["topic"].head(n))


def profile_html(prospect: str) -> str:
    """A small profile card: where the prospect was seen and what they care about."""
    activity = datasets.load("prospect_activity")
    rows = activity[activity["prospect"] == prospect]
    channels = ", ".join(sorted(rows["channel"].unique()))
    interests = ", ".join(top_interests(activity, prospect))
    return (
        f"<div style='border:1px solid #ccc;padding:6px'><b>{html.escape(prospect)}</b><br>"
        f"Seen on: {channels}<br>Cares most about: <b>{interests}</b></div>"
        "<p>Open the first meeting with these topics, not with the general brochure.</p>"
    )


def profile_view() -> widgets.VBox:
    """Pick a prospect to see the seller's profile card."""
    names = sorted(datasets.load("prospect_activity")["prospect"].unique())
    return live_view(profile_html, {"prospect": widgets.Dropdown(options=names, description="Prospect")})


# --- value instead of discounts ------------------------------------------------------------------


def margin_after_discount(price: float, cost: float, pct: float) -> float:
    """Margin per sale when the price is cut by ``pct`` percent."""
    return round(price * (1 - pct / 100) - cost, 2)


def margin_with_bonus(price: float, cost: float, bonus_cost: float) -> float:
    """Margin per sale when the price stays and an extra costing ``bonus_cost`` is added."""
    return round(price - cost - bonus_cost, 2)


def offer_html(discount_pct: int, bonus_cost: int, bonus_value: int) -> str:
    """Compare a discount with a value offer for a 1000-euro machine that costs 600 to supply."""
    price, cost = 1000, 600
    cut = margin_after_discount(price, cost, discount_pct)
    bonus = margin_with_bonus(price, cost, bonus_cost)
    gift = price * discount_pct / 100
    better = "the value offer" if bonus >= cut else "the discount"
    return (
        "<table><tr><th></th><th>customer gets</th><th>your margin</th></tr>"
        f"<tr><td>{discount_pct}% discount</td><td>{gift:,.0f} euro off</td><td>{cut:,.0f}</td></tr>"
        f"<tr><td>full price + extras</td><td>extras worth {bonus_value:,} euro to them</td>"
        f"<td>{bonus:,.0f}</td></tr></table>"
        f"<p>For your margin, <b>{better}</b> is better.</p>"
    )


def offer_view() -> widgets.VBox:
    """Sliders for the discount, what the extras cost you and what they are worth to the customer."""
    controls = {
        "discount_pct": widgets.IntSlider(value=15, min=0, max=40, description="Discount %"),
        "bonus_cost": widgets.IntSlider(value=60, min=0, max=300, step=10, description="Extra costs you"),
        "bonus_value": widgets.IntSlider(value=200, min=0, max=600, step=10, description="Worth to buyer"),
    }
    return live_view(offer_html, controls, title="Discount or more for the money?")


# --- total cost of ownership -------------------------------------------------------------------------


def tco(offer: Mapping[str, float], years: int) -> float:
    """Total cost of owning an offer for ``years``: every purchase, training once, yearly support."""
    if years < 1:
        raise ValueError("years must be at least 1")
    purchases = math.ceil(years / offer["lifetime_years"])
    one_purchase = offer["price"] + offer["delivery"] + offer["warranty"]
    return float(purchases * one_purchase + offer["training"] + offer["support_per_year"] * years)


def tco_table(years: int, offers: pd.DataFrame | None = None) -> pd.DataFrame:
    """Sticker price and total cost of ownership of every offer, cheapest TCO first."""
    offers = datasets.load("tco_offers") if offers is None else offers
    table = offers.set_index("offer")
    out = pd.DataFrame(
        {"sticker price": table["price"], f"TCO over {years} years": table.apply(tco, axis=1, years=years)}
    )
    return out.sort_values(f"TCO over {years} years")


def tco_chart(years: int) -> plt.Figure:
    """Bars of sticker price and TCO per offer for ``years``."""
    table = tco_table(years)
    fig, ax = plt.subplots(figsize=(6, 2.8))
    x = range(len(table))
    ax.bar([i - 0.2 for i in x], table["sticker price"], width=0.4, label="sticker price", color="#cccccc")
    ax.bar(
        [i + 0.2 for i in x],
        table.iloc[:, 1],
        width=0.4,
        label="total cost of ownership",
        color=COLOURS["sales"],
    )
    ax.set_xticks(list(x), table.index)
    ax.set_ylabel("euro")
    ax.set_title(f"Over {years} year(s) the cheapest to own is: {table.index[0]}")
    ax.legend(fontsize="small")
    fig.tight_layout()
    return fig


def tco_view() -> widgets.VBox:
    """Slide the number of years the customer will use the machine."""
    years = widgets.IntSlider(value=2, min=1, max=10, description="Years", continuous_update=False)
    return live_view(tco_chart, {"years": years}, title="Price is not cost")


# --- risk-free ------------------------------------------------------------------------------------

REMEDIES = {
    "30-day trial": "it may not suit our staff",
    "loan machine during repairs": "a breakdown stops our business",
    "price fixed for three years": "costs may rise later",
    "staff training included": "nobody will know how to use it",
    "buy-back guarantee": "we may outgrow it",
}


def uncovered_risks(customer_risks: Iterable[str], remedies_offered: Iterable[str]) -> list[str]:
    """The customer's risks that none of the offered remedies removes, sorted."""
    covered = {REMEDIES[r] for r in remedies_offered}
    return sorted(set(customer_risks) - covered)


def risk_html(**offered: bool) -> str:
    """Which of a hotel's worries remain, given the remedies ticked."""
    worries = ["a breakdown stops our business", "nobody will know how to use it", "costs may rise later"]
    chosen = [name for name, on in offered.items() if on]
    left = uncovered_risks(worries, chosen)
    if not left:
        return "<p>Every worry is covered: to this buyer you are now the <b>risk-free</b> choice.</p>"
    return (
        "<p>Still worrying the buyer:</p><ul>" + "".join(f"<li>{html.escape(w)}</li>" for w in left) + "</ul>"
    )


def risk_view() -> widgets.VBox:
    """Tick remedies to remove the buyer's worries."""
    controls = {name: widgets.Checkbox(value=False, description=name, indent=False) for name in REMEDIES}
    return live_view(risk_html, controls, title="A hotel manager's three worries")


# --- the plumb line -------------------------------------------------------------------------------

CORE_TERMS = ("reliable", "local service", "fair price")
CAMPAIGN = "Reliable machines, local service in every town, and a fair price: that is our promise."


def missing_terms(message: str, core_terms: Iterable[str] = CORE_TERMS) -> list[str]:
    """Core terms that do not occur in ``message`` (capitals ignored), in their given order."""
    text = message.lower()
    return [term for term in core_terms if term.lower() not in text]


def plumb_html(pitch: str) -> str:
    """Check a seller's pitch against the campaign's core terms."""
    missing = missing_terms(pitch)
    if not missing:
        return "<p>Same plumb line: the pitch carries every core term of the campaign.</p>"
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
