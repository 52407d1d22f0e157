"""Alternative correct answers for assignment 5 (one to many, one to one).

Written blind, from the released student notebook
``exercises/05_one_to_many_one_to_one/one_to_many_one_to_one.ipynb`` (task text, skeletons,
visible tests and check cells), lesson 5, the data files and ``mvs_course.datasets`` only: no
solution, hidden test or grading data was read. Each string replaces one whole answer cell;
the setup cell imports ``math`` and ``pandas as pd``.
"""

MODE_LITERAL = """
MODE = {
    "a video of our brand story on the homepage": "one-to-many",
    "a statement to the press defending the brand after a recall": "one-to-many",
    "a tasting at one restaurant with the chef's own beans": "one-to-one",
    "a posted ad in a trade magazine for hotels": "one-to-many",
    "a call on a customer's birthday from their account manager": "one-to-one",
    "a proposal written for one café's opening hours and budget": "one-to-one",
}
"""

MODE_FILL_IN = """
MODE = {
    "a video of our brand story on the homepage": None,
    "a statement to the press defending the brand after a recall": None,
    "a tasting at one restaurant with the chef's own beans": None,
    "a posted ad in a trade magazine for hotels": None,
    "a call on a customer's birthday from their account manager": None,
    "a proposal written for one café's opening hours and budget": None,
}
for message in MODE:
    for_one = "one " in message or "a customer's" in message
    MODE[message] = "one-to-one" if for_one else "one-to-many"
"""

MODE_TUPLES = """
answers = (
    ("a proposal written for one café's opening hours and budget", "one-to-one"),
    ("a call on a customer's birthday from their account manager", "one-to-one"),
    ("a tasting at one restaurant with the chef's own beans", "one-to-one"),
    ("a posted ad in a trade magazine for hotels", "one-to-many"),
    ("a statement to the press defending the brand after a recall", "one-to-many"),
    ("a video of our brand story on the homepage", "one-to-many"),
)
MODE = {message: mode for message, mode in answers}
"""

ORG_WHILE = """
def sales_under_marketing(org: dict) -> bool:
    team = org.get("sales")
    while team is not None:
        if team == "marketing":
            return True
        team = org.get(team)
    return False
"""

ORG_RECURSIVE = """
def sales_under_marketing(org: dict) -> bool:
    def reaches_marketing(team):
        if team not in org:
            return False
        boss = org[team]
        return boss == "marketing" or reaches_marketing(boss)

    return reaches_marketing("sales")
"""

ORG_CHAIN_LIST = """
def chain_above(org, team):
    above = []
    seen = {team}
    while team in org and org[team] not in seen:
        team = org[team]
        above.append(team)
        seen.add(team)
    return above


def sales_under_marketing(org: dict) -> bool:
    return "marketing" in chain_above(org, "sales")
"""

ORG_NUMPY_BOOL = """
import numpy as np


def sales_under_marketing(org: dict) -> bool:
    bosses = []
    current = "sales"
    for _ in range(len(org)):  # a chart without loops has at most len(org) steps
        current = org.get(current)
        if current is None:
            break
        bosses.append(current)
    return np.bool_("marketing" in bosses)
"""

SEGMENTS_TRANSFORM = """
def deviations(customers: pd.DataFrame) -> dict:
    mean = customers.groupby("segment")["annual_budget"].transform("mean")
    gap = customers["annual_budget"] - mean
    return dict(zip(customers["customer"], gap))


def farthest_from_average(customers: pd.DataFrame) -> str:
    gaps = deviations(customers)
    return max(gaps, key=lambda name: abs(gaps[name]))
"""

SEGMENTS_LOOP = """
def deviations(customers: pd.DataFrame) -> dict:
    totals, counts = {}, {}
    for segment, budget in zip(customers["segment"], customers["annual_budget"]):
        totals[segment] = totals.get(segment, 0) + budget
        counts[segment] = counts.get(segment, 0) + 1
    result = {}
    for name, segment, budget in zip(customers["customer"], customers["segment"], customers["annual_budget"]):
        result[name] = budget - totals[segment] / counts[segment]
    return result


def farthest_from_average(customers: pd.DataFrame) -> str:
    # on a tie this keeps the LAST of the equally far customers (either is right)
    best_name, best_gap = None, -1
    for name, gap in deviations(customers).items():
        if abs(gap) >= best_gap:
            best_name, best_gap = name, abs(gap)
    return best_name
"""

SEGMENTS_MAP_MEANS = """
def deviations(customers: pd.DataFrame) -> dict:
    means = customers.groupby("segment")["annual_budget"].mean()
    gap = customers["annual_budget"] - customers["segment"].map(means)
    return pd.Series(gap.to_numpy(), index=customers["customer"]).to_dict()


def farthest_from_average(customers: pd.DataFrame) -> str:
    gaps = pd.Series(deviations(customers))
    return gaps.abs().idxmax()  # the first of equally far customers
"""

SEGMENTS_MERGE_NUMPY = """
import numpy as np


def deviations(customers: pd.DataFrame) -> dict:
    means = customers.groupby("segment", as_index=False)["annual_budget"].mean()
    joined = customers.merge(means, on="segment", suffixes=("", "_mean"))
    gap = joined["annual_budget"].to_numpy() - joined["annual_budget_mean"].to_numpy()
    return {name: value for name, value in zip(joined["customer"], gap)}  # numpy.float64 values


def farthest_from_average(customers: pd.DataFrame) -> str:
    gaps = deviations(customers)
    names = list(gaps)
    distances = np.abs(np.array([gaps[n] for n in names]))
    return names[int(np.argmax(distances))]
"""

RESEARCH_STR_CONTAINS = """
def mention_counts(posts: pd.Series, keywords: list) -> dict:
    return {kw: int(posts.str.contains(kw, case=False, regex=False, na=False).sum()) for kw in keywords}


def top_interests(activity: pd.DataFrame, prospect: str, n: int) -> list:
    mine = activity[activity["prospect"] == prospect]
    totals = mine.groupby("topic")["visits"].sum().reset_index()
    ranked = totals.sort_values(["visits", "topic"], ascending=[False, True])
    return ranked["topic"].head(n).tolist()
"""

RESEARCH_INDEX = """
def mention_counts(posts: pd.Series, keywords: list) -> dict:
    lowered = posts.fillna("").str.lower()
    return {kw: lowered.str.contains(kw.lower(), regex=False).sum() for kw in keywords}  # numpy ints


def top_interests(activity: pd.DataFrame, prospect: str, n: int) -> list:
    totals = activity.loc[activity["prospect"] == prospect].groupby("topic")["visits"].sum()
    totals = totals.sort_index().sort_values(ascending=False, kind="stable")  # ties stay alphabetical
    return totals.index[:n]  # a pandas Index of topics
"""

RESEARCH_PLAIN_PYTHON = """
def mention_counts(posts: pd.Series, keywords: list) -> dict:
    counts = {}
    for keyword in keywords:
        counts[keyword] = 0
        for text in posts:
            if keyword.lower() in str(text).lower():
                counts[keyword] += 1
    return counts


def top_interests(activity: pd.DataFrame, prospect: str, n: int) -> list:
    visits = {}
    for row in activity.itertuples():
        if row.prospect == prospect:
            visits[row.topic] = visits.get(row.topic, 0) + row.visits
    ordered = sorted(visits, key=lambda topic: (-visits[topic], topic))
    return ordered[:n]
"""

RESEARCH_NUMPY_COUNTS = """
import re


def mention_counts(posts: pd.Series, keywords: list) -> dict:
    lowered = posts.fillna("").str.lower()
    # counts come back as numpy integers
    return {kw: lowered.str.contains(re.escape(kw.lower())).sum() for kw in keywords}


def top_interests(activity: pd.DataFrame, prospect: str, n: int) -> list:
    table = activity.query("prospect == @prospect").pivot_table(index="topic", values="visits", aggfunc="sum")
    if table.empty:
        return []
    table = table.sort_index().sort_values("visits", ascending=False, kind="stable")
    return list(table.index[:n])
"""

RESEARCH_APPLY_COUNTER = """
from collections import Counter


def mention_counts(posts: pd.Series, keywords: list) -> dict:
    texts = [t.casefold() for t in posts.dropna()]
    return {k: sum(1 for t in texts if k.casefold() in t) for k in keywords}


def top_interests(activity: pd.DataFrame, prospect: str, n: int) -> list:
    tally = Counter()
    mine = activity.loc[activity["prospect"] == prospect, ["topic", "visits"]]
    for topic, visits in mine.itertuples(index=False):
        tally[topic] += visits
    # most_common keeps ties in insertion order, so sort by name first
    ranked = sorted(sorted(tally.items()), key=lambda pair: pair[1], reverse=True)
    return [topic for topic, _ in ranked][:n]
"""

MARGIN_HELPERS = """
def margin_after_discount(price: float, cost: float, pct: float) -> float:
    return round(price * (1 - pct / 100) - cost, 2)


def margin_with_bonus(price: float, cost: float, bonus_cost: float) -> float:
    return round(price - cost - bonus_cost, 2)


def better_offer(price: float, cost: float, pct: float, bonus_cost: float) -> str:
    if margin_with_bonus(price, cost, bonus_cost) >= margin_after_discount(price, cost, pct):
        return "value"
    return "discount"
"""

MARGIN_STEPS = """
def margin_after_discount(price: float, cost: float, pct: float) -> float:
    discount = price * pct / 100
    new_price = price - discount
    margin = new_price - cost
    return round(margin, 2)


def margin_with_bonus(price: float, cost: float, bonus_cost: float) -> float:
    margin = price - cost
    margin -= bonus_cost
    return round(margin, 2)


def better_offer(price: float, cost: float, pct: float, bonus_cost: float) -> str:
    discount_margin = margin_after_discount(price, cost, pct)
    value_margin = margin_with_bonus(price, cost, bonus_cost)
    return "discount" if value_margin < discount_margin else "value"
"""

MARGIN_NUMPY = """
import numpy as np


def margin_after_discount(price: float, cost: float, pct: float) -> float:
    return np.round(np.float64(price) * (100 - pct) / 100 - cost, 2)


def margin_with_bonus(price: float, cost: float, bonus_cost: float) -> float:
    return np.round(np.float64(price) - cost - bonus_cost, 2)


def better_offer(price: float, cost: float, pct: float, bonus_cost: float) -> str:
    margins = {
        "value": margin_with_bonus(price, cost, bonus_cost),
        "discount": margin_after_discount(price, cost, pct),
    }
    # dict order puts "value" first, so an equal margin picks "value"
    return max(margins, key=margins.get)
"""

MARGIN_DECIMAL = """
from decimal import Decimal


def cents(amount):
    return float(Decimal(str(amount)).quantize(Decimal("0.01")))


def margin_after_discount(price: float, cost: float, pct: float) -> float:
    p, c, d = Decimal(str(price)), Decimal(str(cost)), Decimal(str(pct))
    return cents(p - p * d / 100 - c)


def margin_with_bonus(price: float, cost: float, bonus_cost: float) -> float:
    return cents(Decimal(str(price)) - Decimal(str(cost)) - Decimal(str(bonus_cost)))


def better_offer(price: float, cost: float, pct: float, bonus_cost: float) -> str:
    keep_price = margin_with_bonus(price, cost, bonus_cost)
    cut_price = margin_after_discount(price, cost, pct)
    return "value" if keep_price >= cut_price else "discount"
"""

TCO_ROWS_MIN = """
def tco(offer, years: int) -> float:
    purchases = math.ceil(years / offer["lifetime_years"])
    per_purchase = offer["price"] + offer["delivery"] + offer["warranty"]
    return purchases * per_purchase + offer["training"] + offer["support_per_year"] * years


def cheapest_to_own(offers: pd.DataFrame, years: int) -> str:
    costs = {row["offer"]: tco(row, years) for _, row in offers.iterrows()}
    return min(costs, key=costs.get)
"""

TCO_APPLY_IDXMIN = """
def tco(offer, years: int) -> float:
    offer = dict(offer)
    buys = -(-years // offer["lifetime_years"])  # whole-number ceiling
    one_off = offer["training"]
    yearly = offer["support_per_year"] * years
    return float(buys * (offer["price"] + offer["delivery"] + offer["warranty"]) + one_off + yearly)


def cheapest_to_own(offers: pd.DataFrame, years: int) -> str:
    totals = offers.apply(lambda row: tco(row, years), axis=1)
    return offers.loc[totals.idxmin(), "offer"]
"""

TCO_RECORDS_LOOP = """
def tco(offer, years: int) -> float:
    total = 0
    for _ in range(math.ceil(years / offer["lifetime_years"])):
        total += offer["price"] + offer["delivery"] + offer["warranty"]
    total += offer["training"]
    for _ in range(years):
        total += offer["support_per_year"]
    return total


def cheapest_to_own(offers: pd.DataFrame, years: int) -> str:
    best_name, best_cost = None, None
    for record in offers.to_dict("records"):
        cost = tco(record, years)
        if best_cost is None or cost < best_cost:
            best_name, best_cost = record["offer"], cost
    return best_name
"""

TCO_VECTORISED = """
import numpy as np


def tco(offer, years: int) -> float:
    buys = np.ceil(years / offer["lifetime_years"])
    return buys * (offer["price"] + offer["delivery"] + offer["warranty"]) + offer["training"] + (
        offer["support_per_year"] * years
    )  # numpy.float64


def cheapest_to_own(offers: pd.DataFrame, years: int) -> str:
    buys = np.ceil(years / offers["lifetime_years"])
    totals = buys * (offers["price"] + offers["delivery"] + offers["warranty"])
    totals = totals + offers["training"] + offers["support_per_year"] * years
    return offers["offer"].iloc[int(totals.to_numpy().argmin())]
"""

TCO_LAST_OF_TIES = """
def tco(offer, years: int) -> float:
    lifetime = offer["lifetime_years"]
    purchases = years // lifetime + (1 if years % lifetime else 0)
    machine = offer["price"] + offer["delivery"] + offer["warranty"]
    return machine * purchases + offer["training"] + years * offer["support_per_year"]


def cheapest_to_own(offers: pd.DataFrame, years: int) -> str:
    # the task does not say which of two equally cheap offers to name: this keeps the last one
    cheapest, lowest = None, float("inf")
    for _, row in offers.iterrows():
        cost = tco(row, years)
        if cost <= lowest:
            cheapest, lowest = row["offer"], cost
    return cheapest
"""

RISKS_COMPREHENSION = """
def uncovered_risks(customer_risks: list, remedies: dict, offered: list) -> list:
    removed = {remedies[name] for name in offered if name in remedies}
    return sorted(risk for risk in customer_risks if risk not in removed)
"""

RISKS_SETS = """
def uncovered_risks(customer_risks: list, remedies: dict, offered: list) -> list:
    covered = set(map(remedies.get, offered))
    return sorted(set(customer_risks) - covered)
"""

RISKS_LOOP = """
def uncovered_risks(customer_risks: list, remedies: dict, offered: list) -> list:
    left = []
    for risk in customer_risks:
        covered = False
        for remedy in offered:
            if remedies.get(remedy) == risk:
                covered = True
                break
        if not covered:
            left.append(risk)
    left.sort()
    return left
"""

RISKS_PANDAS = """
def uncovered_risks(customer_risks: list, remedies: dict, offered: list) -> list:
    risks = pd.Series(customer_risks, dtype=object)
    removed = pd.Series(remedies, dtype=object).reindex(offered).dropna()
    return sorted(risks[~risks.isin(removed)].tolist())
"""

PLUMB_ALL = """
def consistent(messages: list, core_terms: list) -> bool:
    return all(term.lower() in message.lower() for message in messages for term in core_terms)
"""

PLUMB_LOOPS = """
def consistent(messages: list, core_terms: list) -> bool:
    for message in messages:
        text = message.casefold()
        for term in core_terms:
            if term.casefold() not in text:
                return False
    return True
"""

PLUMB_MISSING_COUNT = """
def missing_terms(message, core_terms):
    return [t for t in core_terms if t.upper() not in message.upper()]


def consistent(messages: list, core_terms: list) -> bool:
    misses = sum(len(missing_terms(m, core_terms)) for m in messages)
    return misses == 0
"""

PLUMB_PANDAS = """
import re


def consistent(messages: list, core_terms: list) -> bool:
    texts = pd.Series(list(messages), dtype=object)
    ok = pd.Series(True, index=texts.index)
    for term in core_terms:
        ok &= texts.str.contains(re.escape(term), case=False, regex=True).astype(bool)
    return ok.all()  # numpy.bool_ (True for no messages at all)
"""

ALTERNATIVES = {
    "mode": [MODE_LITERAL, MODE_FILL_IN, MODE_TUPLES],
    "org": [ORG_WHILE, ORG_RECURSIVE, ORG_CHAIN_LIST, ORG_NUMPY_BOOL],
    "segments": [SEGMENTS_TRANSFORM, SEGMENTS_LOOP, SEGMENTS_MAP_MEANS, SEGMENTS_MERGE_NUMPY],
    "research": [
        RESEARCH_STR_CONTAINS,
        RESEARCH_PLAIN_PYTHON,
        RESEARCH_NUMPY_COUNTS,
        RESEARCH_APPLY_COUNTER,
        RESEARCH_INDEX,
    ],
    "margin": [MARGIN_HELPERS, MARGIN_STEPS, MARGIN_NUMPY, MARGIN_DECIMAL],
    "tco": [TCO_ROWS_MIN, TCO_APPLY_IDXMIN, TCO_RECORDS_LOOP, TCO_VECTORISED, TCO_LAST_OF_TIES],
    "risks": [RISKS_COMPREHENSION, RISKS_SETS, RISKS_LOOP, RISKS_PANDAS],
    "plumb": [PLUMB_ALL, PLUMB_LOOPS, PLUMB_MISSING_COUNT, PLUMB_PANDAS],
}
