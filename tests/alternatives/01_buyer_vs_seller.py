"""Alternative correct answers for assignment 1 (buyer vs seller).

Written blind, from the released student notebook
``exercises/01_buyer_vs_seller/buyer_vs_seller.ipynb`` (task text, skeletons, visible tests
and check cells), lesson 1, the data files and ``mvs_course.datasets`` only: no solution,
hidden test or grading data was read. Each string replaces one whole answer cell.
"""

CAREER_LITERAL = """
CAREER = {
    "blog about your side project": "marketing",
    "answer a recruiter's doubts about your experience": "sales",
    "keep your online profile up to date": "marketing",
    "negotiate your starting salary": "sales",
    "speak at a student meetup": "marketing",
    "ask the hiring manager what the team struggles with": "sales",
}
"""

CAREER_FILL_IN_LOOP = """
CAREER = {
    "blog about your side project": None,
    "answer a recruiter's doubts about your experience": None,
    "keep your online profile up to date": None,
    "negotiate your starting salary": None,
    "speak at a student meetup": None,
    "ask the hiring manager what the team struggles with": None,
}
one_employer = [
    "answer a recruiter's doubts about your experience",
    "negotiate your starting salary",
    "ask the hiring manager what the team struggles with",
]
for activity in CAREER:
    if activity in one_employer:
        CAREER[activity] = "sales"
    else:
        CAREER[activity] = "marketing"
"""

CAREER_ZIP_OTHER_ORDER = """
to_many = ("speak at a student meetup", "keep your online profile up to date", "blog about your side project")
to_one = (
    "negotiate your starting salary",
    "ask the hiring manager what the team struggles with",
    "answer a recruiter's doubts about your experience",
)
CAREER = dict(zip(to_one, ["sales"] * 3))
CAREER.update(dict.fromkeys(to_many, "marketing"))
"""

CAREER_COMPREHENSION = """
def side(activity):
    # one employer and a problem of theirs -> sales; speaking to many about yourself -> marketing
    about_one_employer = ("recruiter", "salary", "hiring manager")
    return "sales" if any(word in activity for word in about_one_employer) else "marketing"


activities = [
    "blog about your side project",
    "answer a recruiter's doubts about your experience",
    "keep your online profile up to date",
    "negotiate your starting salary",
    "speak at a student meetup",
    "ask the hiring manager what the team struggles with",
]
CAREER = {activity: side(activity) for activity in activities}
"""

JOURNEY_GROUPBY_LOOP = """
def marketing_first(events: pd.DataFrame) -> dict:
    result = {}
    for customer, rows in events.groupby("customer"):
        marketing_days = rows.loc[rows["side"] == "marketing", "day"]
        sales_days = rows.loc[rows["side"] == "sales", "day"]
        if len(marketing_days) == 0 or len(sales_days) == 0:
            result[customer] = False
        else:
            result[customer] = marketing_days.max() < sales_days.min()
    return result
"""

JOURNEY_PLAIN_PYTHON = """
def marketing_first(events: pd.DataFrame) -> dict:
    days = {}
    for customer, day, side in zip(events["customer"], events["day"], events["side"]):
        days.setdefault(customer, {"marketing": [], "sales": []})
        days[customer][side].append(day)
    answer = {}
    for customer, sides in days.items():
        m, s = sides["marketing"], sides["sales"]
        answer[customer] = bool(m) and bool(s) and all(a < b for a in m for b in s)
    return answer
"""

JOURNEY_VECTORISED = """
def marketing_first(events: pd.DataFrame) -> dict:
    last_marketing = events[events["side"] == "marketing"].groupby("customer")["day"].max()
    first_sales = events[events["side"] == "sales"].groupby("customer")["day"].min()
    customers = pd.Index(events["customer"].unique())
    last_marketing = last_marketing.reindex(customers)
    first_sales = first_sales.reindex(customers)
    ok = last_marketing.notna() & first_sales.notna() & (last_marketing < first_sales)
    return ok.to_dict()
"""

JOURNEY_PIVOT = """
import numpy as np


def marketing_first(events: pd.DataFrame) -> dict:
    table = events.pivot_table(index="customer", columns="side", values="day", aggfunc=["max", "min"])
    out = {}
    for customer in table.index:
        latest_m = table.loc[customer].get(("max", "marketing"), np.nan)
        earliest_s = table.loc[customer].get(("min", "sales"), np.nan)
        # NaN means the customer never met that side: a comparison with NaN is False
        out[customer] = np.bool_(latest_m < earliest_s)
    return out
"""

JOURNEY_SORTED_SEQUENCE = """
def marketing_first(events: pd.DataFrame) -> dict:
    ordered = events.sort_values(["customer", "day"])
    verdict = {}
    for customer in ordered["customer"].unique():
        rows = ordered[ordered["customer"] == customer]
        sides = list(rows["side"])
        if "marketing" not in sides or "sales" not in sides:
            verdict[customer] = False
            continue
        marketing_days = set(rows.loc[rows["side"] == "marketing", "day"])
        sales_days = set(rows.loc[rows["side"] == "sales", "day"])
        same_day = bool(marketing_days & sales_days)
        switches = sum(1 for a, b in zip(sides, sides[1:]) if a != b)
        verdict[customer] = sides[0] == "marketing" and switches == 1 and not same_day
    return verdict
"""

FOCUS_LITERAL = """
FOCUS = {
    "These headphones make me feel like a pro musician": "buyer",
    "The plumber can stop the leak before the weekend": "seller",
    "Wearing this watch shows I made it": "buyer",
    "The accountant knows how to cut my tax bill": "seller",
}
"""

FOCUS_ASSIGN = """
FOCUS = {
    "These headphones make me feel like a pro musician": None,
    "The plumber can stop the leak before the weekend": None,
    "Wearing this watch shows I made it": None,
    "The accountant knows how to cut my tax bill": None,
}
FOCUS["These headphones make me feel like a pro musician"] = "buyer"
FOCUS["Wearing this watch shows I made it"] = "buyer"
FOCUS["The plumber can stop the leak before the weekend"] = "seller"
FOCUS["The accountant knows how to cut my tax bill"] = "seller"
"""

FOCUS_FROM_PAIRS = """
pairs = [
    ("The accountant knows how to cut my tax bill", "seller"),
    ("Wearing this watch shows I made it", "buyer"),
    ("The plumber can stop the leak before the weekend", "seller"),
    ("These headphones make me feel like a pro musician", "buyer"),
]
FOCUS = dict(pairs)
"""

PAIN_BOOLEAN_SUM = """
def possible_sales(leads: pd.DataFrame) -> int:
    return int((leads["has_problem"] & leads["seller_can_solve"]).sum())
"""

PAIN_LOOP = """
def possible_sales(leads: pd.DataFrame) -> int:
    count = 0
    for _, row in leads.iterrows():
        if row["has_problem"] and row["seller_can_solve"]:
            count += 1
    return count
"""

PAIN_FILTER_LEN = """
def possible_sales(leads: pd.DataFrame) -> int:
    sellable = leads[leads["has_problem"] & leads["seller_can_solve"]]
    return len(sellable)
"""

PAIN_NUMPY_INT = """
def possible_sales(leads: pd.DataFrame) -> int:
    # comes back as numpy.int64
    return leads[["has_problem", "seller_can_solve"]].all(axis=1).sum()
"""

PAIN_FLOAT = """
def possible_sales(leads: pd.DataFrame) -> int:
    both = leads["has_problem"].astype(float) * leads["seller_can_solve"].astype(float)
    return both.sum()  # a whole number, as a float
"""

QUESTIONS_PLAIN = """
def worth_solving(cost_per_month: float, months: int) -> float:
    return cost_per_month * months


def will_buy(price: float, cost_per_month: float, months: int) -> bool:
    return worth_solving(cost_per_month, months) >= price
"""

QUESTIONS_NUMPY = """
import numpy as np


def worth_solving(cost_per_month: float, months: int) -> float:
    return np.float64(cost_per_month) * months


def will_buy(price: float, cost_per_month: float, months: int) -> bool:
    return np.float64(price) <= worth_solving(cost_per_month, months)  # numpy.bool_
"""

QUESTIONS_IF_ELSE = """
def worth_solving(cost_per_month: float, months: int) -> float:
    total = months * cost_per_month
    return float(total)


def will_buy(price: float, cost_per_month: float, months: int) -> bool:
    worth = cost_per_month * months
    if price > worth:
        return False
    return True
"""

AIDA_DICT = """
def aida_owner(stage: str) -> str:
    owners = {
        "attention": "marketing",
        "interest": "marketing",
        "decision": "sales",
        "desire": "sales",
        "action": "sales",
    }
    try:
        return owners[stage.lower()]
    except KeyError:
        raise ValueError(f"{stage!r} is not an AIDA stage") from None
"""

AIDA_IF_CHAIN = """
def aida_owner(stage: str) -> str:
    name = stage.casefold()
    if name in ("attention", "interest"):
        return "marketing"
    elif name in ("decision", "desire", "action"):
        return "sales"
    else:
        raise ValueError("not an AIDA stage: " + stage)
"""

AIDA_MATCH = """
def aida_owner(stage: str) -> str:
    match stage.upper():
        case "ATTENTION" | "INTEREST":
            return "marketing"
        case "DESIRE" | "DECISION" | "ACTION":
            return "sales"
    raise ValueError(f"unknown stage {stage}")
"""

AIDA_SETS = """
MARKETING_STAGES = {"attention", "interest"}
SALES_STAGES = {"desire", "decision", "action"}


def aida_owner(stage: str) -> str:
    if not isinstance(stage, str):
        raise ValueError("a stage name is a string")
    name = stage.lower()
    if name in MARKETING_STAGES:
        return "marketing"
    if name in SALES_STAGES:
        return "sales"
    raise ValueError(f"{stage!r} is not one of the AIDA stages")
"""

FUNNEL_STEPWISE = """
def nested_funnel(market: int, target_share: float, buyer_share: float) -> dict:
    target = round(market * target_share)
    buyers = round(target * buyer_share)
    return {"target": target, "buyers": buyers, "share_of_market": buyers / market}
"""

FUNNEL_HELPER = """
def people(group, share):
    return round(group * share)


def nested_funnel(market: int, target_share: float, buyer_share: float) -> dict:
    result = {}
    result["target"] = people(market, target_share)
    result["buyers"] = people(result["target"], buyer_share)
    result["share_of_market"] = result["buyers"] / market
    return result
"""

FUNNEL_NUMPY = """
import numpy as np


def nested_funnel(market: int, target_share: float, buyer_share: float) -> dict:
    target = np.round(market * target_share)  # numpy float64, a whole number
    buyers = np.round(target * buyer_share)
    return {"share_of_market": buyers / market, "buyers": buyers, "target": target}
"""

FUNNEL_UNROUNDED_CHAIN = """
def nested_funnel(market: int, target_share: float, buyer_share: float) -> dict:
    exact_target = market * target_share
    exact_buyers = exact_target * buyer_share
    return {
        "target": round(exact_target),
        "buyers": round(exact_buyers),
        "share_of_market": round(exact_buyers) / market,
    }
"""

ALTERNATIVES = {
    "career": [CAREER_LITERAL, CAREER_FILL_IN_LOOP, CAREER_ZIP_OTHER_ORDER, CAREER_COMPREHENSION],
    "journey": [
        JOURNEY_GROUPBY_LOOP,
        JOURNEY_PLAIN_PYTHON,
        JOURNEY_VECTORISED,
        JOURNEY_PIVOT,
        JOURNEY_SORTED_SEQUENCE,
    ],
    "focus": [FOCUS_LITERAL, FOCUS_ASSIGN, FOCUS_FROM_PAIRS],
    "pain": [PAIN_BOOLEAN_SUM, PAIN_LOOP, PAIN_FILTER_LEN, PAIN_NUMPY_INT, PAIN_FLOAT],
    "questions": [QUESTIONS_PLAIN, QUESTIONS_NUMPY, QUESTIONS_IF_ELSE],
    "aida": [AIDA_DICT, AIDA_IF_CHAIN, AIDA_MATCH, AIDA_SETS],
    "funnel": [FUNNEL_STEPWISE, FUNNEL_HELPER, FUNNEL_NUMPY, FUNNEL_UNROUNDED_CHAIN],
}
