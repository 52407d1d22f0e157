"""Alternative correct answers for assignment 4 (pull or push, art or science).

Written blind, from the released student notebook
``exercises/04_pull_push_art_science/pull_push_art_science.ipynb`` (task text, skeletons,
visible tests and check cells), lesson 4, the data files and ``mvs_course.datasets`` only: no
solution, hidden test or grading data was read. Each string replaces one whole answer cell.
"""

CREDIT_GROUPBY = """
def credit_shares(deals: pd.DataFrame, rule: str) -> dict:
    columns = {"first": "first_touch", "last": "last_touch"}
    if rule not in columns:
        raise ValueError(f"unknown rule {rule!r}: use 'first' or 'last'")
    by_side = deals.groupby(columns[rule])["revenue"].sum()
    total = deals["revenue"].sum()
    return {side: round(by_side.get(side, 0) / total, 3) for side in ("marketing", "sales")}
"""

CREDIT_LOOP = """
def credit_shares(deals: pd.DataFrame, rule: str) -> dict:
    if rule == "first":
        touch = deals["first_touch"]
    elif rule == "last":
        touch = deals["last_touch"]
    else:
        raise ValueError("rule must be 'first' or 'last'")
    credit = {"marketing": 0, "sales": 0}
    for side, revenue in zip(touch, deals["revenue"]):
        credit[side] += revenue
    total = sum(credit.values())
    return {side: round(amount / total, 3) for side, amount in credit.items()}
"""

CREDIT_MASKS_NUMPY = """
def credit_shares(deals: pd.DataFrame, rule: str) -> dict:
    try:
        column = {"first": "first_touch", "last": "last_touch"}[rule]
    except KeyError:
        raise ValueError(rule) from None
    revenue = deals["revenue"]
    marketing = revenue[deals[column] == "marketing"].sum() / revenue.sum()
    sales = revenue[deals[column] == "sales"].sum() / revenue.sum()
    return {"sales": sales.round(3), "marketing": marketing.round(3)}  # numpy.float64
"""

CREDIT_CROSSTAB = """
def credit_shares(deals: pd.DataFrame, rule: str) -> dict:
    if rule not in ("first", "last"):
        raise ValueError("the rule is 'first' or 'last'")
    shares = (
        deals.groupby(rule + "_touch")["revenue"].sum()
        .reindex(["marketing", "sales"], fill_value=0)
        .div(deals["revenue"].sum())
        .round(3)
    )
    return {side: float(share) for side, share in shares.items()}
"""

LINES_LITERAL = """
LINES = {
    "A florist explains on video how our app doubled her orders": "story",
    "What happens to your shop when the card reader goes down?": "question",
    "Ten customers share their favourite recipe made with our oven": "story",
    "Which part of the current system annoys your staff most?": "question",
    "Our founder's journey from a garage to ten countries": "story",
    "If we solved that, what would it be worth to you this year?": "question",
}
"""

LINES_LOOP = """
LINES = {
    "A florist explains on video how our app doubled her orders": None,
    "What happens to your shop when the card reader goes down?": None,
    "Ten customers share their favourite recipe made with our oven": None,
    "Which part of the current system annoys your staff most?": None,
    "Our founder's journey from a garage to ten countries": None,
    "If we solved that, what would it be worth to you this year?": None,
}
probing_this_buyer = [
    "What happens to your shop when the card reader goes down?",
    "Which part of the current system annoys your staff most?",
    "If we solved that, what would it be worth to you this year?",
]
for line in LINES:
    LINES[line] = "question" if line in probing_this_buyer else "story"
"""

LINES_ZIP = """
lines = [
    "Our founder's journey from a garage to ten countries",
    "If we solved that, what would it be worth to you this year?",
    "Ten customers share their favourite recipe made with our oven",
    "Which part of the current system annoys your staff most?",
    "A florist explains on video how our app doubled her orders",
    "What happens to your shop when the card reader goes down?",
]
kinds = ["story", "question"] * 3
LINES = dict(zip(lines, kinds))
"""

MOODS_NLARGEST = """
def ratings_seen(reviews: pd.DataFrame, top_n: int) -> dict:
    ratings = reviews["rating"]
    return {
        "marketer": round(ratings.nlargest(top_n).mean(), 2),
        "seller": round(ratings.mean(), 2),
    }
"""

MOODS_SORTED_LIST = """
def ratings_seen(reviews: pd.DataFrame, top_n: int) -> dict:
    ratings = list(reviews["rating"])
    best = sorted(ratings, reverse=True)[:top_n]
    return {
        "marketer": round(sum(best) / len(best), 2),
        "seller": round(sum(ratings) / len(ratings), 2),
    }
"""

MOODS_SORT_VALUES = """
def ratings_seen(reviews: pd.DataFrame, top_n: int) -> dict:
    ordered = reviews.sort_values("rating", ascending=False)
    marketer = ordered.head(top_n)["rating"].mean()
    seller = reviews["rating"].mean()
    return {"marketer": marketer.round(2), "seller": seller.round(2)}  # numpy.float64
"""

MOODS_NUMPY = """
import numpy as np


def ratings_seen(reviews: pd.DataFrame, top_n: int) -> dict:
    values = np.sort(reviews["rating"].to_numpy())[::-1]
    seller = float(np.round(values.mean(), 2))
    marketer = float(np.round(values[:top_n].mean(), 2))
    return {"seller": seller, "marketer": marketer}
"""

PUSH_PULL_LITERAL = """
PUSH_PULL = {
    "a podcast episode with tips for home cooks": "pull",
    "phoning everyone who downloaded the price list yesterday": "push",
    "an ad shown to people searching for 'electric bike'": "pull",
    "a reminder that the discount in the quote ends tonight": "push",
    "a quiz on the website that recommends a product": "pull",
    "visiting a prospect who opened three of our emails": "push",
}
"""

PUSH_PULL_ASSIGN = """
PUSH_PULL = {
    "a podcast episode with tips for home cooks": None,
    "phoning everyone who downloaded the price list yesterday": None,
    "an ad shown to people searching for 'electric bike'": None,
    "a reminder that the discount in the quote ends tonight": None,
    "a quiz on the website that recommends a product": None,
    "visiting a prospect who opened three of our emails": None,
}
PUSH_PULL["a podcast episode with tips for home cooks"] = "pull"
PUSH_PULL["an ad shown to people searching for 'electric bike'"] = "pull"
PUSH_PULL["a quiz on the website that recommends a product"] = "pull"
PUSH_PULL["phoning everyone who downloaded the price list yesterday"] = "push"
PUSH_PULL["a reminder that the discount in the quote ends tonight"] = "push"
PUSH_PULL["visiting a prospect who opened three of our emails"] = "push"
"""

PUSH_PULL_COMPREHENSION = """
draws_people_in = {
    "a quiz on the website that recommends a product",
    "an ad shown to people searching for 'electric bike'",
    "a podcast episode with tips for home cooks",
}
chases_interest = {
    "visiting a prospect who opened three of our emails",
    "a reminder that the discount in the quote ends tonight",
    "phoning everyone who downloaded the price list yesterday",
}
everything = sorted(draws_people_in | chases_interest)
PUSH_PULL = {t: ("pull" if t in draws_people_in else "push") for t in everything}
"""

CHANNELS_SET_INDEX = """
def channel_metrics(channels: pd.DataFrame) -> pd.DataFrame:
    c = channels.set_index("channel")
    return pd.DataFrame(
        {
            "cost_per_lead": c["spend"] / c["leads"],
            "conversion_rate": c["customers"] / c["leads"],
            "revenue_per_euro": c["revenue"] / c["spend"],
        }
    ).round(3)
"""

CHANNELS_ROWS = """
def channel_metrics(channels: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for row in channels.itertuples(index=False):
        rows.append(
            (
                row.channel,
                round(row.spend / row.leads, 3),
                round(row.customers / row.leads, 3),
                round(row.revenue / row.spend, 3),
            )
        )
    table = pd.DataFrame(rows, columns=["channel", "cost_per_lead", "conversion_rate", "revenue_per_euro"])
    return table.set_index("channel")
"""

CHANNELS_EVAL_ASSIGN = """
def channel_metrics(channels: pd.DataFrame) -> pd.DataFrame:
    metrics = channels.assign(
        cost_per_lead=lambda d: d["spend"].div(d["leads"]),
        conversion_rate=lambda d: d["customers"].div(d["leads"]),
        revenue_per_euro=lambda d: d["revenue"].div(d["spend"]),
    )
    metrics = metrics.set_index("channel").loc[:, ["cost_per_lead", "conversion_rate", "revenue_per_euro"]]
    return metrics.round(3)
"""

CHANNELS_NUMPY = """
import numpy as np


def channel_metrics(channels: pd.DataFrame) -> pd.DataFrame:
    spend = channels["spend"].to_numpy(dtype=float)
    leads = channels["leads"].to_numpy(dtype=float)
    result = pd.DataFrame(index=pd.Index(channels["channel"].to_list(), name="channel"))
    result["cost_per_lead"] = np.round(spend / leads, 3)
    result["conversion_rate"] = np.round(channels["customers"].to_numpy() / leads, 3)
    result["revenue_per_euro"] = np.round(channels["revenue"].to_numpy() / spend, 3)
    return result
"""

ART_SCIENCE_LITERAL = """
AUTHOR_VIEW = {
    "tracking which ad brought in each form": "science",
    "changing your tone when the buyer goes quiet": "art",
    "looking for trends in last year's CRM data": "science",
    "giving a demo to a room you have never met": "art",
    "choosing an ad image by comparing test results": "science",
    "improvising an answer to an unexpected objection": "art",
}
"""

ART_SCIENCE_FILL_IN = """
AUTHOR_VIEW = {
    "tracking which ad brought in each form": None,
    "changing your tone when the buyer goes quiet": None,
    "looking for trends in last year's CRM data": None,
    "giving a demo to a room you have never met": None,
    "choosing an ad image by comparing test results": None,
    "improvising an answer to an unexpected objection": None,
}
# 003: marketing is the analytical side (data), selling is a performance (art)
marketing_work = ["tracking which ad", "CRM data", "test results"]
for activity in AUTHOR_VIEW:
    AUTHOR_VIEW[activity] = "science" if any(w in activity for w in marketing_work) else "art"
"""

ART_SCIENCE_UPDATE = """
AUTHOR_VIEW = {}
AUTHOR_VIEW.update(
    {
        "improvising an answer to an unexpected objection": "art",
        "giving a demo to a room you have never met": "art",
        "changing your tone when the buyer goes quiet": "art",
    }
)
AUTHOR_VIEW.update(
    {
        "choosing an ad image by comparing test results": "science",
        "looking for trends in last year's CRM data": "science",
        "tracking which ad brought in each form": "science",
    }
)
"""

HORIZON_FILTER_CUMSUM = """
def returns_at(series: pd.DataFrame, horizon: int) -> dict:
    window = series[series["week"] <= horizon]
    return {"calls": int(window["calls_net"].sum()), "campaign": int(window["campaign_net"].sum())}


def crossover_week(series: pd.DataFrame):
    ordered = series.sort_values("week")
    ahead = ordered["campaign_net"].cumsum() >= ordered["calls_net"].cumsum()
    weeks = ordered.loc[ahead, "week"]
    return int(weeks.iloc[0]) if len(weeks) else None
"""

HORIZON_LOOP = """
def returns_at(series: pd.DataFrame, horizon: int) -> dict:
    calls = campaign = 0
    for week, c, m in zip(series["week"], series["calls_net"], series["campaign_net"]):
        if 1 <= week <= horizon:
            calls += c
            campaign += m
    return {"calls": calls, "campaign": campaign}


def crossover_week(series: pd.DataFrame):
    calls_total = 0
    campaign_total = 0
    for row in series.itertuples():
        calls_total += row.calls_net
        campaign_total += row.campaign_net
        if campaign_total >= calls_total:
            return row.week
    return None
"""

HORIZON_HEAD_NUMPY = """
import numpy as np


def returns_at(series: pd.DataFrame, horizon: int) -> dict:
    first = series.head(horizon)  # the weeks are 1, 2, 3, ... in order
    totals = first[["calls_net", "campaign_net"]].sum()
    return {"calls": totals["calls_net"], "campaign": totals["campaign_net"]}  # numpy integers


def crossover_week(series: pd.DataFrame):
    gap = np.cumsum(series["campaign_net"].to_numpy() - series["calls_net"].to_numpy())
    hits = np.flatnonzero(gap >= 0)
    if hits.size == 0:
        return None
    return series["week"].to_numpy()[hits[0]]
"""

HORIZON_HELPER = """
def running_totals(series):
    return series.assign(calls_run=series["calls_net"].cumsum(), campaign_run=series["campaign_net"].cumsum())


def returns_at(series: pd.DataFrame, horizon: int) -> dict:
    at = running_totals(series).set_index("week").loc[horizon]
    return {"calls": float(at["calls_run"]), "campaign": float(at["campaign_run"])}


def crossover_week(series: pd.DataFrame):
    runs = running_totals(series)
    for week, calls, campaign in zip(runs["week"], runs["calls_run"], runs["campaign_run"]):
        if campaign >= calls:
            return int(week)
    return None
"""

HORIZON_FLOAT_WEEK = """
def returns_at(series: pd.DataFrame, horizon: int) -> dict:
    window = series[series["week"] <= horizon]
    return {"calls": window["calls_net"].sum(), "campaign": window["campaign_net"].sum()}


def crossover_week(series: pd.DataFrame):
    gap = (series["campaign_net"] - series["calls_net"]).cumsum()
    weeks = series["week"].astype(float)[gap >= 0]  # the week comes back as a float
    return weeks.min() if len(weeks) else None
"""

QUALIFY_DICT = """
def responsible_for(stage: str) -> str:
    owners = {"generate leads": "marketing", "qualify": "sales", "convert": "sales"}
    key = stage.strip().lower() if isinstance(stage, str) else None
    if key not in owners:
        raise ValueError(f"not a stage: {stage!r}")
    return owners[key]
"""

QUALIFY_OWN_ERROR = """
class UnknownStage(ValueError):
    \"\"\"A stage name article 003 does not use.\"\"\"


OWNER = {"generate leads": "marketing", "qualify": "sales", "convert": "sales"}


def responsible_for(stage: str) -> str:
    try:
        return OWNER[stage.strip().lower()]
    except KeyError:
        raise UnknownStage(f"no such stage: {stage!r}") from None
"""

QUALIFY_IF_CHAIN = """
def responsible_for(stage: str) -> str:
    if not isinstance(stage, str):
        raise ValueError("the stage must be a text")
    name = stage.strip().casefold()
    if name == "generate leads":
        return "marketing"
    if name == "qualify" or name == "convert":
        return "sales"
    raise ValueError("unknown stage: " + stage)
"""

QUALIFY_MATCH = """
def responsible_for(stage: str) -> str:
    match str(stage).strip().upper():
        case "GENERATE LEADS":
            return "marketing"
        case "QUALIFY" | "CONVERT":
            return "sales"
        case _:
            raise ValueError(f"{stage!r} is none of: generate leads, qualify, convert")
"""

QUALIFY_SERIES_LOOKUP = """
OWNER = pd.Series({"generate leads": "marketing", "qualify": "sales", "convert": "sales"})


def responsible_for(stage: str) -> str:
    try:
        return OWNER[stage.strip().lower()]
    except (KeyError, AttributeError):
        raise ValueError(f"cannot place {stage!r}") from None
"""

QUALIFY_PLAIN = """
def responsible_for(stage: str) -> str:
    owners = {"generate leads": "marketing", "qualify": "sales", "convert": "sales"}
    key = stage.strip().lower()
    if key not in owners:
        raise ValueError(stage)
    return owners[key]
"""

ALTERNATIVES = {
    "credit": [CREDIT_GROUPBY, CREDIT_LOOP, CREDIT_MASKS_NUMPY, CREDIT_CROSSTAB],
    "lines": [LINES_LITERAL, LINES_LOOP, LINES_ZIP],
    "moods": [MOODS_NLARGEST, MOODS_SORTED_LIST, MOODS_SORT_VALUES, MOODS_NUMPY],
    "push_pull": [PUSH_PULL_LITERAL, PUSH_PULL_ASSIGN, PUSH_PULL_COMPREHENSION],
    "channels": [CHANNELS_SET_INDEX, CHANNELS_ROWS, CHANNELS_EVAL_ASSIGN, CHANNELS_NUMPY],
    "art_science": [ART_SCIENCE_LITERAL, ART_SCIENCE_FILL_IN, ART_SCIENCE_UPDATE],
    "horizon": [HORIZON_FILTER_CUMSUM, HORIZON_LOOP, HORIZON_HEAD_NUMPY, HORIZON_HELPER, HORIZON_FLOAT_WEEK],
    "qualify": [
        QUALIFY_DICT,
        QUALIFY_IF_CHAIN,
        QUALIFY_MATCH,
        QUALIFY_SERIES_LOOKUP,
        QUALIFY_PLAIN,
        QUALIFY_OWN_ERROR,
    ],
}
