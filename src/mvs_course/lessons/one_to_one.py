"""Lesson 5 (article 004): one-to-many vs one-to-one, averages vs details, value vs discounts, TCO."""

from __future__ import annotations

import html
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


def mention_shares(posts: Iterable[str], keywords: Iterable[str]) -> dict[str, float]:
    """Percentage of posts that mention each keyword (capitals ignored), to 1 decimal."""
    lowered = [str(post).lower() for post in posts]
    if not lowered:
        return {keyword: 0.0 for keyword in keywords}
    return {
        keyword: round(100 * sum(keyword.lower() in post for post in lowered) / len(lowered), 1)
        for keyword in keywords
    }


def mentions_chart(keywords: str) -> plt.Figure:
    """Bars of the share of sample posts mentioning each of the comma-separated ``keywords``."""
    words = [w.strip() for w in keywords.split(",") if w.strip()]
    shares = mention_shares(datasets.load("coffee_posts")["text"], words)
    fig, ax = plt.subplots(figsize=(6, 2.6))
    ax.bar(list(shares), list(shares.values()), color=COLOURS["marketing"])
    ax.set_ylabel("% of posts")
    ax.set_title("What people expect, in their own posts" if shares else "Type some keywords")
    fig.tight_layout()
    return fig


def mentions_view() -> widgets.VBox:
    """Type keywords, comma-separated; count the posts that mention each."""
    text = widgets.Text(
        value="clean, warranty, support, taste", description="Keywords", continuous_update=False
    )
    return live_view(mentions_chart, {"keywords": text}, title="Listening to many customers at once")


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


def discount_margins(price: float, cost: float, max_pct: int = 40) -> pd.Series:
    """Margin per sale for every whole discount from 0 to ``max_pct`` percent (index: the discount)."""
    if not 0 <= max_pct <= 100:
        raise ValueError(f"max_pct must be between 0 and 100, got {max_pct}")
    pcts = pd.RangeIndex(0, max_pct + 1, name="discount %")
    return (price - cost - pcts.to_series(index=pcts) * price / 100).round(2).rename("margin")


def offer_html(discount_pct: int, bonus_cost: int, bonus_value: int) -> str:
    """Compare a discount with a value offer for a 1000-euro machine that costs 600 to supply."""
    price, cost = 1000, 600
    margins = discount_margins(price, cost)
    cut = margins[discount_pct]
    bonus = price - cost - bonus_cost
    gift = price * discount_pct / 100
    better = "the value offer" if bonus >= cut else "the discount"
    return (
        "<table><tr><th></th><th>customer gets</th><th>your margin</th></tr>"
        f"<tr><td>{discount_pct}% discount</td><td>{gift:,.0f} euro off</td><td>{cut:,.0f}</td></tr>"
        f"<tr><td>full price + extras</td><td>extras worth {bonus_value:,} euro to them</td>"
        f"<td>{bonus:,.0f}</td></tr></table>"
        f"<p>For your margin, <b>{better}</b> is better. Each percent off costs you "
        f"{margins[0] - margins[1]:,.0f} euro per sale.</p>"
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
