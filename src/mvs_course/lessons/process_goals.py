"""Lesson 2 (article 001): process, goals, strategies, prospects and the SLA between the teams."""

from __future__ import annotations

import html

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pandas as pd

from .. import datasets
from ..widgets import Quiz, Sorter, live_view
from . import tryit

COLOURS = {"marketing": "#4c72b0", "sales": "#dd8452"}
HATCHES = {"marketing": "", "sales": "//"}  # the side shows without colour too

# --- two largely independent processes -------------------------------------------------------


def independence_quiz() -> Quiz:
    """Lesson 1's article saw one process in two stages; this one sees two processes."""
    return Quiz(
        "Lesson 1 described marketing and sales as two stages of one process. How does "
        "this lesson's article see them?",
        {
            "As one team doing the same job": "No: it separates them clearly.",
            "As two largely independent processes": (
                "Yes. Marketing makes people aware of the brand; sales turns that attention "
                "into paying customers and profit, with its own plan and targets."
            ),
            "As the same process run by different people": "No: the goals and methods differ.",
        },
        answer="As two largely independent processes",
    )


# --- the funnel: marketing's leads, sales' customers ---------------------------------------------

STAGES = ("reached", "leads", "qualified", "customers")
# Our reading: "qualified" are the leads sales checked and accepted. Sales does the checking, so
# the stage is sales' work; the share that passes is sales' verdict on marketing's leads, which is
# why the SLA (section 8) can hold marketing to it. Article 001 does not say who qualifies.
STAGE_OWNER = {"reached": "marketing", "leads": "marketing", "qualified": "sales", "customers": "sales"}


def funnel_counts(reached: int, lead_pct: float, qualify_pct: float, close_pct: float) -> dict[str, int]:
    """People at each funnel stage; each percentage applies to the stage before it."""
    for name, pct in (("lead_pct", lead_pct), ("qualify_pct", qualify_pct), ("close_pct", close_pct)):
        if not 0 <= pct <= 100:
            raise ValueError(f"{name} must be between 0 and 100, got {pct}")
    leads = round(reached * lead_pct / 100)
    qualified = round(leads * qualify_pct / 100)
    return {
        "reached": reached,
        "leads": leads,
        "qualified": qualified,
        "customers": round(qualified * close_pct / 100),
    }


def attainment_text(customers: int, quota: int) -> str:
    """'x of y customers: z% of quota' with a verdict."""
    if quota <= 0:
        return f"{customers} customers (no quota set)"
    pct = 100 * customers / quota
    verdict = "quota met" if customers >= quota else "quota missed"
    return f"{customers} of {quota} customers: {pct:.0f}% of quota, {verdict}"


def funnel_text(reached: int, lead_pct: float, qualify_pct: float, close_pct: float, quota: int) -> str:
    """The funnel in words (the chart's text alternative), and what one more point of each rate adds."""
    counts = funnel_counts(reached, lead_pct, qualify_pct, close_pct)
    stages = "; ".join(f"{name} {count:,} ({STAGE_OWNER[name]})" for name, count in counts.items())
    more_leads = funnel_counts(reached, min(lead_pct + 1, 100), qualify_pct, close_pct)["customers"]
    more_closes = funnel_counts(reached, lead_pct, qualify_pct, min(close_pct + 1, 100))["customers"]
    now = counts["customers"]
    return (
        f"<p>{stages}. {attainment_text(now, quota)}.</p>"
        f"<p>One more percentage point of lead rate would give {more_leads - now:+,} customers; "
        f"one more point of closing rate would give {more_closes - now:+,}.</p>"
    )


def funnel_chart(
    reached: int, lead_pct: float, qualify_pct: float, close_pct: float, quota: int
) -> plt.Figure:
    """Bars per stage, labelled and coloured by owner (log scale), with the monthly quota as a dashed line."""
    counts = funnel_counts(reached, lead_pct, qualify_pct, close_pct)
    fig, ax = plt.subplots(figsize=(7, 3.2))
    names = [f"{n}\n({STAGE_OWNER[n]})" for n in counts]
    bars = ax.bar(
        names,
        [max(v, 0.8) for v in counts.values()],
        color=[COLOURS[STAGE_OWNER[n]] for n in counts],
        hatch=[HATCHES[STAGE_OWNER[n]] for n in counts],
    )
    for bar, value in zip(bars, counts.values(), strict=True):
        ax.text(bar.get_x() + bar.get_width() / 2, bar.get_height(), f"{value:,}", ha="center", va="bottom")
    ax.axhline(quota, color="black", linestyle="--", label=f"sales quota: {quota} customers")
    ax.set_yscale("log")
    ax.set_ylim(0.5, max(reached, quota) * 4)
    ax.set_ylabel("people (log scale)")
    ax.set_title(attainment_text(counts["customers"], quota))
    fig.tight_layout()
    return fig


def funnel_view() -> widgets.VBox:
    """Sliders for the audience, three conversion rates and the quota; the chart and text redraw."""
    pct = {"min": 0, "max": 100, "step": 0.5, "continuous_update": False, "readout_format": ".1f"}
    controls = {
        "reached": widgets.IntSlider(
            value=20_000, min=1_000, max=100_000, step=1_000, description="Reached", continuous_update=False
        ),
        "lead_pct": widgets.FloatSlider(value=2.5, description="→ lead %", **pct),
        "qualify_pct": widgets.FloatSlider(value=40, description="→ qualified %", **pct),
        "close_pct": widgets.FloatSlider(value=20, description="→ customer %", **pct),
        "quota": widgets.IntSlider(value=50, min=1, max=300, description="Quota", continuous_update=False),
    }
    return live_view(
        lambda **kw: (funnel_text(**kw), funnel_chart(**kw)),
        controls,
        title="Lead funnel: marketing fills it, sales qualifies and closes",
    )


# --- the marketing process -----------------------------------------------------------------------

MESSAGE_PARTS = {
    "what": "what the product is",
    "problem": "which problem it solves",
    "price": "how it is priced",
    "who": "who is likely to want it",
    "where": "where those people can be found",
}


def missing_parts(message: dict[str, str]) -> list[str]:
    """The parts of a launch message (keys of MESSAGE_PARTS) that are still empty."""
    return [part for part in MESSAGE_PARTS if not str(message.get(part, "")).strip()]


def message_html(audience: str, what: str, problem: str, price: str, who: str, where: str) -> str:
    """A preview of the launch message plus a checklist of what is missing."""
    opener = {
        "new customers": "Meet the product",
        "returning customers": "Here it is again, and better",
    }.get(audience)
    if opener is None:
        raise ValueError("audience must be 'new customers' or 'returning customers'")
    message = {"what": what, "problem": problem, "price": price, "who": who, "where": where}
    missing = missing_parts(message)
    rows = "".join(
        f"<li>{'✔' if part not in missing else '✘'} {MESSAGE_PARTS[part]}</li>" for part in MESSAGE_PARTS
    )
    verdict = (
        "Complete: the message introduces the product and knows whom to reach."
        if not missing
        else f"Still missing: {', '.join(MESSAGE_PARTS[p] for p in missing)}."
    )
    preview = html.escape(f"{opener}: {what or '…'}. It {problem or '…'}. {price or '…'}.")
    return f"<p><i>{preview}</i></p><ul>{rows}</ul><p>{verdict}</p>"


def message_view() -> widgets.VBox:
    """Build a launch message part by part; the checklist flags what is missing."""

    def box(value: str, label: str) -> widgets.Text:
        return widgets.Text(value=value, description=label, continuous_update=False, layout={"width": "90%"})

    controls = {
        "audience": widgets.ToggleButtons(
            options=["new customers", "returning customers"], description="Speaking to"
        ),
        "what": box("a compact bean-to-cup coffee machine for small offices", "What"),
        "problem": box("ends the queue at the one slow machine", "Problem"),
        "price": box("", "Price"),
        "who": box("office managers of firms with 10 to 50 staff", "Who"),
        "where": box("", "Where"),
    }
    return live_view(message_html, controls, title="Marketing's launch message: is anything missing?")


# --- the sales process ---------------------------------------------------------------------------


def sales_plan() -> pd.DataFrame:
    """A small example of the sales plan the process starts from."""
    return pd.DataFrame(
        {
            "part": ["activities", "tools", "resources", "targets"],
            "example for the coffee-machine firm": [
                "40 calls and 8 visits a week to offices that asked for a brochure",
                "CRM, demo machine in the car, price calculator",
                "two sellers, one technician for demos",
                "18 machines a month, 54 a quarter",
            ],
        }
    )


def question_quiz() -> Quiz:
    """The seller in this article answers the customer's questions."""
    return Quiz(
        "An office manager asks whether the machine can be serviced at weekends. What does the seller do?",
        {
            "Answer precisely, then ask what else stands in the way": (
                "Yes. In this article the seller's job is to give relevant product information "
                "and move the conversation towards a purchase."
            ),
            "Send the brand video instead": "No: a story for many does not answer one buyer's question.",
            "Forward the question to marketing": "No: talking with customers is the sales process itself.",
        },
        answer="Answer precisely, then ask what else stands in the way",
    )


# --- goals: leads and quotas ---------------------------------------------------------------------


def monthly_quota(fixed_costs: float, margin_per_unit: float, profit_target: float = 0) -> int:
    """Units a month the firm must sell so the margin covers fixed costs plus the profit target."""
    if margin_per_unit <= 0:
        raise ValueError("margin_per_unit must be positive, or no quota can ever be enough")
    needed = (fixed_costs + profit_target) / margin_per_unit
    return int(-(-needed // 1))  # round up: half a machine is not a sale


def quota_html(fixed_costs: int, margin_per_unit: int, profit_target: int) -> str:
    """Monthly and quarterly quota derived from what the firm needs to stay in business."""
    month = monthly_quota(fixed_costs, margin_per_unit, profit_target)
    return (
        f"<p>Each machine leaves €{margin_per_unit:,} after its own costs. To pay €{fixed_costs:,} of "
        f"fixed costs and earn €{profit_target:,} profit, sales must sell <b>{month} machines a "
        f"month</b>, or <b>{3 * month} a quarter</b>.</p>"
    )


def quota_view() -> widgets.VBox:
    """Sliders for costs, margin and profit; the quota follows."""
    controls = {
        "fixed_costs": widgets.IntSlider(
            value=24_000, min=0, max=100_000, step=1_000, description="Fixed €/mo"
        ),
        "margin_per_unit": widgets.IntSlider(
            value=1_500, min=100, max=5_000, step=100, description="Margin €"
        ),
        "profit_target": widgets.IntSlider(
            value=3_000, min=0, max=50_000, step=1_000, description="Profit €/mo"
        ),
    }
    return live_view(quota_html, controls, title="Where a sales quota comes from")


def team_totals(
    period: str, deals: pd.DataFrame | None = None, quotas: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The whole team's closed value against the team quota, per month ('M') or quarter ('Q')."""
    if period not in ("M", "Q"):
        raise ValueError("period must be 'M' (month) or 'Q' (quarter)")
    deals = datasets.load("seller_deals") if deals is None else deals
    quotas = datasets.load("seller_quotas") if quotas is None else quotas
    dates = pd.to_datetime(deals["date"])
    label = dates.dt.to_period(period).astype(str)
    closed = deals.groupby(label)["value"].sum()
    team_quota = quotas["monthly_quota"].sum() * (3 if period == "Q" else 1)
    return pd.DataFrame({"closed": closed, "quota": team_quota}).rename_axis("period")


def team_text(period: str) -> str:
    """The team chart in words: closed value, quota and share of quota per period."""
    table = team_totals(period)
    parts = []
    for label, closed, quota in zip(table.index, table["closed"], table["quota"], strict=True):
        verdict = "met" if closed >= quota else "missed"
        parts.append(f"{label}: €{closed:,} of €{quota:,} ({100 * closed / quota:.0f}%, {verdict})")
    return "<p>" + "; ".join(parts) + ".</p>"


def team_chart(period: str) -> plt.Figure:
    """Bars of closed value per period with the team quota as a line; each bar says met or missed."""
    table = team_totals(period)
    met = table["closed"] >= table["quota"]
    fig, ax = plt.subplots(figsize=(7, 3))
    bars = ax.bar(
        table.index,
        table["closed"],
        color=["#55a868" if m else "#c44e52" for m in met],
        hatch=["" if m else "xx" for m in met],
    )
    for bar, ok, closed, quota in zip(bars, met, table["closed"], table["quota"], strict=True):
        label = f"{100 * closed / quota:.0f}% {'met' if ok else 'missed'}"
        ax.text(bar.get_x() + bar.get_width() / 2, bar.get_height(), label, ha="center", va="bottom")
    ax.axhline(table["quota"].iloc[0], color="black", linestyle="--", label="team quota")
    ax.set_ylabel("closed value (€)")
    ax.set_title("Closed value against the team quota")
    ax.legend(fontsize="small", loc="lower left")
    fig.tight_layout()
    return fig


def team_view() -> widgets.VBox:
    """Switch between monthly and quarterly targets on the sample deals."""
    period = widgets.ToggleButtons(options=[("per month", "M"), ("per quarter", "Q")], description="Targets")
    return live_view(
        lambda period: (team_text(period), team_chart(period)),
        {"period": period},
        title="The sales team against its quota",
    )


# --- strategies ----------------------------------------------------------------------------------

TACTIC_ITEMS = {
    "search": "Search ads for 'office coffee machine'",
    "magazine": "Full-page ad in a hospitality magazine",
    "blog": "Blog post: five signs your office coffee costs you time",
    "focus": "Focus group with six hotel managers",
    "cold": "Phone call to a café that opened last week",
    "evening": "Chat at a regional networking evening",
    "message": "Online message to a facilities manager who asked for a quote",
    "pitch": "Pitch in the client's office kitchen, tailored to their team",
}
TACTIC_KEY = {
    "search": "marketing",
    "magazine": "marketing",
    "blog": "marketing",
    "focus": "marketing",
    "cold": "sales",
    "evening": "sales",
    "message": "sales",
    "pitch": "sales",
}
TACTIC_WHY = {
    "search": "Online advertising reaches many people at once.",
    "magazine": "Print is a classic marketing channel.",
    "blog": "Blog content builds awareness for whoever reads it.",
    "focus": "A focus group gathers data on the audience to test a campaign; it sells nothing.",
    "cold": "A call to one prospect is how a seller makes contact.",
    "evening": "Networking events are where sellers meet prospects face to face.",
    "message": "Contact with one known prospect, online, is sales work.",
    "pitch": "The pitch to one customer is the step that turns a prospect into a buyer.",
}


def tactic_sorter() -> Sorter:
    """Sort tactics into marketing or sales strategies."""
    return Sorter(
        TACTIC_ITEMS, ["marketing", "sales"], TACTIC_KEY, TACTIC_WHY, title="Marketing or sales tactic?"
    )


# --- prospects -----------------------------------------------------------------------------------


def pool_crosstab(pool: pd.DataFrame | None = None) -> pd.DataFrame:
    """Contacts counted by target group membership and status."""
    pool = datasets.load("prospect_pool") if pool is None else pool
    return pd.crosstab(pool["status"], pool["in_target"].map({True: "in target group", False: "outside"}))


# --- the service-level agreement -----------------------------------------------------------------


def sla_table(weeks: pd.DataFrame, min_leads: int, min_quality_pct: float, max_hours: float) -> pd.DataFrame:
    """Week by week: did marketing deliver enough good leads, did sales follow up in time?"""
    quality = 100 * weeks["qualified"] / weeks["leads"]
    out = pd.DataFrame({"week": weeks["week"]})
    out["marketing kept"] = (weeks["leads"] >= min_leads) & (quality >= min_quality_pct)
    out["sales kept"] = weeks["followup_hours"] <= max_hours
    out["broken by"] = [
        {(True, True): "nobody", (False, True): "marketing", (True, False): "sales"}.get((m, s), "both")
        for m, s in zip(out["marketing kept"], out["sales kept"], strict=True)
    ]
    return out


def sla_html(min_leads: int, min_quality_pct: float, max_hours: int) -> str:
    """The SLA's weekly scorecard on the sample data, as a coloured table."""
    weeks = datasets.load("sla_weeks")
    table = sla_table(weeks, min_leads, min_quality_pct, max_hours)
    colour = {"nobody": "#d4edda", "marketing": "#cfe2ff", "sales": "#ffe5cc", "both": "#f8d7da"}
    rows = "".join(
        f"<tr style='background:{colour[b]}'><td>{w}</td><td>{leads}</td><td>{100 * q / leads:.0f}%</td>"
        f"<td>{h} h</td><td>{b}</td></tr>"
        for w, leads, q, h, b in zip(
            weeks["week"],
            weeks["leads"],
            weeks["qualified"],
            weeks["followup_hours"],
            table["broken by"],
            strict=True,
        )
    )
    kept = (table["broken by"] == "nobody").sum()
    return (
        f"<p>Marketing promises at least <b>{min_leads} leads</b> a week, at least "
        f"<b>{min_quality_pct:.0f}%</b> of them qualified; sales promises a first follow-up "
        f"within <b>{max_hours} hours</b>. The agreement held in {kept} of {len(table)} weeks.</p>"
        "<table><tr><th>week</th><th>leads</th><th>qualified</th><th>follow-up</th><th>broken by</th></tr>"
        f"{rows}</table>"
    )


def sla_view() -> widgets.VBox:
    """Set both sides' promises; the weekly scorecard shows who broke the agreement."""
    controls = {
        "min_leads": widgets.IntSlider(value=40, min=0, max=60, description="Leads ≥"),
        "min_quality_pct": widgets.FloatSlider(value=50, min=0, max=100, step=5, description="Qualified % ≥"),
        "max_hours": widgets.IntSlider(value=24, min=1, max=72, description="Follow-up h ≤"),
    }
    return live_view(sla_html, controls, title="Service-level agreement builder")


# --- small firms: share the data --------------------------------------------------------------------


def win_rates(by: str, customers: pd.DataFrame | None = None) -> pd.DataFrame:
    """Deals and wins per value of ``by`` in the customer data sales shares with marketing."""
    customers = datasets.load("shared_customers") if customers is None else customers
    if by not in ("source", "age_band"):
        raise ValueError("by must be 'source' or 'age_band'")
    table = customers.groupby(by)["won"].agg(deals="count", wins="sum")
    table["win rate"] = (table["wins"] / table["deals"]).round(2)
    return table


def shared_data_text(by: str) -> str:
    """The charts in words: deals, wins and win rate per group."""
    table = win_rates(by)
    parts = [
        f"{name}: {row.wins} wins of {row.deals} deals (win rate {row[2]:.2f})"
        for name, row in zip(table.index, table.itertuples(index=False), strict=True)
    ]
    return "<p>" + "; ".join(parts) + ".</p>"


def shared_data_chart(by: str) -> plt.Figure:
    """Wins and win rate per group, side by side."""
    table = win_rates(by)
    fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3))
    left.bar(table.index, table["wins"], color=COLOURS["sales"])
    left.set_title("wins")
    right.bar(table.index, table["win rate"], color=COLOURS["marketing"])
    right.set_title("win rate")
    for ax in (left, right):
        ax.tick_params(axis="x", labelrotation=20)
    fig.suptitle(f"What sales' data tells marketing, by {by.replace('_', ' ')}")
    fig.tight_layout()
    return fig


def shared_data_view() -> widgets.VBox:
    """Pick a dimension of the shared customer data; the charts regroup."""
    by = widgets.Dropdown(
        options=[("lead source", "source"), ("age band", "age_band")], description="Group by"
    )
    return live_view(
        lambda by: (shared_data_text(by), shared_data_chart(by)),
        {"by": by},
        title="One data set for both teams",
    )


# --- Try it: the pandas of assignment 2, on this lesson's data ----------------------------------------
# Each exercise is a smaller cousin of a graded one; the expected values are not graded answers.


def _campaigns() -> pd.DataFrame:
    return datasets.load("campaign_spend")


def _worst_month() -> str:
    funnel = datasets.load("lead_funnel_months").set_index("month")
    return str((funnel["customers"] / funnel["leads"]).idxmin())


def _campaigns_per_month() -> dict[str, int]:
    months = _campaigns()["date"].str[:7]
    return {month: int(n) for month, n in months.value_counts().items()}


def _most_over_budget() -> str:
    spent = _campaigns().groupby("channel")["spend"].sum()
    budget = datasets.load("channel_budgets").set_index("channel")["monthly_budget"]
    return str((spent / (6 * budget)).idxmax())


def _quarter_spend() -> dict[str, int]:
    campaigns = _campaigns()
    periods = pd.to_datetime(campaigns["date"]).dt.to_period("Q")
    return {str(period): int(total) for period, total in campaigns["spend"].groupby(periods).sum().items()}


def _tested_and_many() -> float:
    campaigns = _campaigns()
    return float((campaigns["tested"] & (campaigns["leads"] >= 40)).mean())


def _least_tested() -> str:
    return str(_campaigns().groupby("channel")["tested"].mean().sort_index().idxmin())


tryit.register(
    "02-worst-month",
    _worst_month,
    hint="divide the customers column by the leads column, then .idxmin() names the month",
)
tryit.register(
    "02-campaigns-per-month",
    _campaigns_per_month,
    hint="a month column from date.str[:7], then .groupby('month').size().to_dict()",
)
tryit.register(
    "02-most-over-budget",
    _most_over_budget,
    hint="divide spent by budget_6_months; .idxmax() names the row, .loc[row, 'channel'] the channel",
)
tryit.register(
    "02-quarter-spend",
    _quarter_spend,
    hint="group by the quarter column alone, sum spend, then .to_dict()",
)
tryit.register(
    "02-tested-and-many",
    _tested_and_many,
    hint="tested & (leads >= 40), each in brackets, then .mean() gives the share",
)
tryit.register(
    "02-least-tested",
    _least_tested,
    hint="groupby('channel')['tested'].mean(), then .sort_index().idxmin()",
)
