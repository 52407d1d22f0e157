"""Alternative correct answers for assignment 2 (funnels, quotas and the SLA).

Written blind, from the released student notebook
``exercises/02_process_goals_quotas/process_goals_quotas.ipynb`` (task text, skeletons,
visible tests and check cells), lesson 2, the data files and ``mvs_course.datasets`` only:
no solution, hidden test or grading data was read. Each string replaces one whole answer cell.
"""

CONVERSION_ASSIGN = """
def conversion_rates(funnel: pd.DataFrame) -> pd.DataFrame:
    f = funnel.set_index("month")
    rates = pd.DataFrame(index=f.index)
    rates["lead_rate"] = f["leads"] / f["reached"]
    rates["qualify_rate"] = f["qualified"] / f["leads"]
    rates["close_rate"] = f["customers"] / f["qualified"]
    return rates.round(3)
"""

CONVERSION_ROWS_LOOP = """
def conversion_rates(funnel: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for _, r in funnel.iterrows():
        rows.append(
            {
                "month": r["month"],
                "lead_rate": round(r["leads"] / r["reached"], 3),
                "qualify_rate": round(r["qualified"] / r["leads"], 3),
                "close_rate": round(r["customers"] / r["qualified"], 3),
            }
        )
    return pd.DataFrame(rows).set_index("month")
"""

CONVERSION_NUMPY = """
import numpy as np


def conversion_rates(funnel: pd.DataFrame) -> pd.DataFrame:
    reached = funnel["reached"].to_numpy()
    leads = funnel["leads"].to_numpy()
    qualified = funnel["qualified"].to_numpy()
    customers = funnel["customers"].to_numpy()
    return pd.DataFrame(
        {
            "lead_rate": np.round(leads / reached, 3),
            "qualify_rate": np.round(qualified / leads, 3),
            "close_rate": np.round(customers / qualified, 3),
        },
        index=pd.Index(funnel["month"], name="month"),
    )
"""

CONVERSION_ASSIGN_CHAIN = """
def conversion_rates(funnel: pd.DataFrame) -> pd.DataFrame:
    out = funnel.assign(
        lead_rate=funnel.leads / funnel.reached,
        qualify_rate=funnel.qualified / funnel.leads,
        close_rate=funnel.customers / funnel.qualified,
    )
    return out.set_index("month")[["lead_rate", "qualify_rate", "close_rate"]].round(3)
"""

CONVERSION_FROM_DICT = """
def conversion_rates(funnel: pd.DataFrame) -> pd.DataFrame:
    # the months become the row labels (the index has no name here)
    rows = {}
    for r in funnel.itertuples():
        rows[r.month] = [
            round(r.leads / r.reached, 3),
            round(r.qualified / r.leads, 3),
            round(r.customers / r.qualified, 3),
        ]
    return pd.DataFrame.from_dict(rows, orient="index", columns=["lead_rate", "qualify_rate", "close_rate"])
"""

MONTHLY_GROUPBY_MERGE = """
def monthly_attainment(deals: pd.DataFrame, quotas: pd.DataFrame) -> pd.DataFrame:
    d = deals.assign(month=deals["date"].str[:7])
    closed = d.groupby(["seller", "month"], as_index=False)["value"].sum().rename(columns={"value": "closed"})
    table = closed.merge(quotas, on="seller").rename(columns={"monthly_quota": "quota"})
    table["attainment"] = (table["closed"] / table["quota"]).round(2)
    table = table.sort_values(["seller", "month"]).reset_index(drop=True)
    return table[["seller", "month", "closed", "quota", "attainment"]]
"""

MONTHLY_DICT_LOOP = """
def monthly_attainment(deals: pd.DataFrame, quotas: pd.DataFrame) -> pd.DataFrame:
    quota_of = dict(zip(quotas["seller"], quotas["monthly_quota"]))
    totals = {}
    for seller, date, value in zip(deals["seller"], deals["date"], deals["value"]):
        key = (seller, date[:7])
        totals[key] = totals.get(key, 0) + value
    rows = []
    for seller, month in sorted(totals):
        closed = totals[(seller, month)]
        quota = quota_of[seller]
        rows.append([seller, month, closed, quota, round(closed / quota, 2)])
    return pd.DataFrame(rows, columns=["seller", "month", "closed", "quota", "attainment"])
"""

MONTHLY_PIVOT_FLOATS = """
def monthly_attainment(deals: pd.DataFrame, quotas: pd.DataFrame) -> pd.DataFrame:
    months = pd.to_datetime(deals["date"]).dt.to_period("M").astype(str)
    wide = deals.assign(month=months).pivot_table(
        index="seller", columns="month", values="value", aggfunc="sum"
    )
    long = wide.stack().rename("closed").reset_index()  # closed comes back as floats
    long = long[long["closed"].notna()]
    long["quota"] = long["seller"].map(quotas.set_index("seller")["monthly_quota"])
    long["attainment"] = (long["closed"] / long["quota"]).round(2)
    return long.sort_values(["seller", "month"], ignore_index=True)
"""

MONTHLY_STRFTIME_HELPER = """
def month_label(date_text):
    return pd.Timestamp(date_text).strftime("%Y-%m")


def monthly_attainment(deals: pd.DataFrame, quotas: pd.DataFrame) -> pd.DataFrame:
    work = deals.copy()
    work["month"] = work["date"].map(month_label)
    grouped = work.groupby(["seller", "month"])["value"].agg(closed="sum").reset_index()
    quota = quotas.rename(columns={"monthly_quota": "quota"})
    result = pd.merge(grouped, quota, how="left", on="seller")
    result["attainment"] = result.apply(lambda r: round(r["closed"] / r["quota"], 2), axis=1)
    result = result.sort_values(by=["seller", "month"])
    result.index = range(len(result))
    return result
"""

QUARTERLY_GROUPBY_MERGE = """
def quarterly_attainment(deals: pd.DataFrame, quotas: pd.DataFrame) -> pd.DataFrame:
    d = deals.assign(quarter=pd.to_datetime(deals["date"]).dt.to_period("Q").astype(str))
    closed = d.groupby(["seller", "quarter"], as_index=False)["value"].sum()
    closed = closed.rename(columns={"value": "closed"})
    table = closed.merge(quotas, on="seller")
    table["quota"] = 3 * table.pop("monthly_quota")
    table["attainment"] = (table["closed"] / table["quota"]).round(2)
    return table.sort_values(["seller", "quarter"]).reset_index(drop=True)
"""

QUARTERLY_BY_HAND = """
def quarter_of(date_text):
    year, month, _ = date_text.split("-")
    return f"{year}Q{(int(month) - 1) // 3 + 1}"


def quarterly_attainment(deals: pd.DataFrame, quotas: pd.DataFrame) -> pd.DataFrame:
    monthly = {row.seller: row.monthly_quota for row in quotas.itertuples()}
    sums = {}
    for row in deals.itertuples():
        key = (row.seller, quarter_of(row.date))
        sums[key] = sums.get(key, 0) + row.value
    records = []
    for (seller, quarter), closed in sorted(sums.items()):
        quota = 3 * monthly[seller]
        records.append(
            {"seller": seller, "quarter": quarter, "closed": closed, "quota": quota,
             "attainment": round(closed / quota, 2)}
        )
    return pd.DataFrame.from_records(records, columns=["seller", "quarter", "closed", "quota", "attainment"])
"""

QUARTERLY_FROM_MONTHS = """
def quarterly_attainment(deals: pd.DataFrame, quotas: pd.DataFrame) -> pd.DataFrame:
    dates = pd.to_datetime(deals["date"])
    labels = dates.dt.year.astype(str) + "Q" + dates.dt.quarter.astype(str)
    closed = deals.groupby([deals["seller"], labels.rename("quarter")])["value"].sum()
    out = closed.to_frame("closed").reset_index()
    per_seller = quotas.set_index("seller")["monthly_quota"] * 3.0  # quota as a float
    out["quota"] = out["seller"].map(per_seller)
    out["attainment"] = out["closed"].div(out["quota"]).round(2)
    return out.sort_values(["seller", "quarter"]).reset_index(drop=True)
"""

QUARTERLY_PERIODS = """
def quarterly_attainment(deals: pd.DataFrame, quotas: pd.DataFrame) -> pd.DataFrame:
    quarter = pd.to_datetime(deals["date"]).dt.to_period("Q")  # pandas Periods, printed 2026Q1
    table = deals.assign(quarter=quarter).groupby(["seller", "quarter"], as_index=False)["value"].sum()
    table = table.rename(columns={"value": "closed"})
    table["quota"] = table["seller"].map(quotas.set_index("seller")["monthly_quota"] * 3)
    table["attainment"] = (table["closed"] / table["quota"]).round(2)
    return table.sort_values(["seller", "quarter"]).reset_index(drop=True)
"""

SLA_MEANS = """
def sla_compliance(weeks: pd.DataFrame, promise: dict) -> dict:
    marketing = (weeks["leads"] >= promise["min_leads"]) & (
        weeks["qualified"] / weeks["leads"] >= promise["min_qualified_share"]
    )
    sales = weeks["followup_hours"] <= promise["max_followup_hours"]
    return {
        "marketing": marketing.mean(),  # numpy.float64
        "sales": sales.mean(),
        "both": (marketing & sales).mean(),
    }
"""

SLA_LOOP = """
def sla_compliance(weeks: pd.DataFrame, promise: dict) -> dict:
    kept = {"marketing": 0, "sales": 0, "both": 0}
    total = 0
    for _, week in weeks.iterrows():
        total += 1
        m = week["leads"] >= promise["min_leads"] and (
            week["qualified"] / week["leads"] >= promise["min_qualified_share"]
        )
        s = week["followup_hours"] <= promise["max_followup_hours"]
        kept["marketing"] += int(m)
        kept["sales"] += int(s)
        kept["both"] += int(m and s)
    return {side: count / total for side, count in kept.items()}
"""

SLA_QUERY_LEN = """
def sla_compliance(weeks: pd.DataFrame, promise: dict) -> dict:
    w = weeks.assign(share=weeks["qualified"] / weeks["leads"])
    mk = w[(w["leads"] >= promise["min_leads"]) & (w["share"] >= promise["min_qualified_share"])]
    sl = w[w["followup_hours"] <= promise["max_followup_hours"]]
    both = mk[mk["followup_hours"] <= promise["max_followup_hours"]]
    n = len(w)
    return {"sales": len(sl) / n, "both": len(both) / n, "marketing": len(mk) / n}
"""

SLA_HELPERS = """
def marketing_kept(week, promise):
    return (
        week.leads >= promise["min_leads"]
        and week.qualified / week.leads >= promise["min_qualified_share"]
    )


def sales_kept(week, promise):
    return week.followup_hours <= promise["max_followup_hours"]


def sla_compliance(weeks: pd.DataFrame, promise: dict) -> dict:
    rows = list(weeks.itertuples())
    m = [marketing_kept(w, promise) for w in rows]
    s = [sales_kept(w, promise) for w in rows]
    b = [x and y for x, y in zip(m, s)]
    return {"marketing": sum(m) / len(rows), "sales": sum(s) / len(rows), "both": sum(b) / len(rows)}
"""

TACTICS_LITERAL = """
TACTICS = {
    "banner ads on a business news site": "marketing",
    "an advert in a trade magazine": "marketing",
    "a how-to article on the company blog": "marketing",
    "a focus group testing two campaign ideas": "marketing",
    "calling a prospect who downloaded a brochure": "sales",
    "meeting buyers at a networking breakfast": "sales",
    "answering a customer's questions about service contracts": "sales",
    "a pitch tailored to one hotel chain": "sales",
}
"""

TACTICS_LOOP = """
TACTICS = {
    "banner ads on a business news site": None,
    "an advert in a trade magazine": None,
    "a how-to article on the company blog": None,
    "a focus group testing two campaign ideas": None,
    "calling a prospect who downloaded a brochure": None,
    "meeting buyers at a networking breakfast": None,
    "answering a customer's questions about service contracts": None,
    "a pitch tailored to one hotel chain": None,
}
for number, tactic in enumerate(TACTICS):
    TACTICS[tactic] = "marketing" if number < 4 else "sales"
"""

TACTICS_FROMKEYS = """
TACTICS = dict.fromkeys(
    [
        "a pitch tailored to one hotel chain",
        "answering a customer's questions about service contracts",
        "meeting buyers at a networking breakfast",
        "calling a prospect who downloaded a brochure",
    ],
    "sales",
)
TACTICS |= dict.fromkeys(
    [
        "a focus group testing two campaign ideas",
        "a how-to article on the company blog",
        "an advert in a trade magazine",
        "banner ads on a business news site",
    ],
    "marketing",
)
"""

POOLS_VECTORISED = """
def prospect_pools(pool: pd.DataFrame) -> dict:
    in_target = pool["in_target"]
    return {
        "marketing": int(in_target.sum()),
        "new": int((in_target & (pool["status"] == "new")).sum()),
        "sales": int(pool["status"].isin(["known prospect", "customer"]).sum()),
    }
"""

POOLS_LOOP = """
def prospect_pools(pool: pd.DataFrame) -> dict:
    counts = {"marketing": 0, "new": 0, "sales": 0}
    for in_target, status in zip(pool["in_target"], pool["status"]):
        if in_target:
            counts["marketing"] += 1
            if status == "new":
                counts["new"] += 1
        if status in ("known prospect", "customer"):
            counts["sales"] += 1
    return counts
"""

POOLS_NUMPY_QUERY = """
def prospect_pools(pool: pd.DataFrame) -> dict:
    # counts come back as numpy integers
    target = pool[pool["in_target"]]
    return {
        "sales": (pool["status"] != "new").sum(),
        "new": (target["status"] == "new").sum(),
        "marketing": pool["in_target"].sum(),
    }
"""

POOLS_CROSSTAB = """
def prospect_pools(pool: pd.DataFrame) -> dict:
    table = pd.crosstab(pool["status"], pool["in_target"])
    table = table.reindex(index=["new", "known prospect", "customer"], columns=[False, True], fill_value=0)
    return {
        "marketing": int(table[True].sum()),
        "new": int(table.loc["new", True]),
        "sales": int(table.loc[["known prospect", "customer"]].to_numpy().sum()),
    }
"""

POOLS_FLOATS = """
def prospect_pools(pool: pd.DataFrame) -> dict:
    target = pool["in_target"].astype(float)
    is_new = (pool["status"] == "new").astype(float)
    known = pool["status"].isin(["known prospect", "customer"]).astype(float)
    # whole counts, but as floats
    return {"marketing": target.sum(), "new": (target * is_new).sum(), "sales": float(known.sum())}
"""

SHARED_GROUPBY = """
def what_worked(customers: pd.DataFrame) -> dict:
    by_source = customers.groupby("source")["won"].mean().sort_index()
    by_age = customers.groupby("age_band")["won"].mean().sort_index()
    return {
        "best_source": by_source.idxmax(),
        "worst_source": by_source.idxmin(),
        "best_age_band": by_age.idxmax(),
    }
"""

SHARED_SORTED_KEY = """
def rates(customers, column):
    table = customers.groupby(column)["won"].agg(["sum", "count"])
    return {name: row["sum"] / row["count"] for name, row in table.iterrows()}


def what_worked(customers: pd.DataFrame) -> dict:
    source = rates(customers, "source")
    age = rates(customers, "age_band")
    return {
        "best_source": sorted(source, key=lambda s: (-source[s], s))[0],
        "worst_source": sorted(source, key=lambda s: (source[s], s))[0],
        "best_age_band": min(age, key=lambda a: (-age[a], a)),
    }
"""

SHARED_FRACTIONS = """
from fractions import Fraction


def win_rates(customers, column):
    wins, deals = {}, {}
    for name, won in zip(customers[column], customers["won"]):
        deals[name] = deals.get(name, 0) + 1
        wins[name] = wins.get(name, 0) + (1 if won else 0)
    return {name: Fraction(wins[name], deals[name]) for name in deals}


def what_worked(customers: pd.DataFrame) -> dict:
    source = win_rates(customers, "source")
    age = win_rates(customers, "age_band")
    best = max(source.values())
    worst = min(source.values())
    top_age = max(age.values())
    return {
        "best_source": min(name for name, r in source.items() if r == best),
        "worst_source": min(name for name, r in source.items() if r == worst),
        "best_age_band": min(name for name, r in age.items() if r == top_age),
    }
"""

SHARED_PIVOT = """
def what_worked(customers: pd.DataFrame) -> dict:
    data = customers.assign(win=customers["won"].astype(int))
    src = data.pivot_table(index="source", values="win", aggfunc="mean")["win"]
    age = data.pivot_table(index="age_band", values="win", aggfunc="mean")["win"]
    best_source = src[src == src.max()].index.min()
    worst_source = src[src == src.min()].index.min()
    best_age = age[age == age.max()].index.min()
    return {"best_source": best_source, "worst_source": worst_source, "best_age_band": best_age}
"""

SHARED_NUMPY_ARGMAX = """
import numpy as np


def ranked(customers, column):
    names = np.array(sorted(customers[column].unique()))  # alphabetical, so argmax/argmin take the first
    rates = np.array([customers.loc[customers[column] == n, "won"].mean() for n in names])
    return names, rates


def what_worked(customers: pd.DataFrame) -> dict:
    sources, source_rates = ranked(customers, "source")
    bands, band_rates = ranked(customers, "age_band")
    return {
        "best_source": sources[np.argmax(source_rates)],  # numpy.str_
        "worst_source": sources[np.argmin(source_rates)],
        "best_age_band": bands[np.argmax(band_rates)],
    }
"""

ALTERNATIVES = {
    "conversion": [
        CONVERSION_ASSIGN,
        CONVERSION_ROWS_LOOP,
        CONVERSION_NUMPY,
        CONVERSION_ASSIGN_CHAIN,
        CONVERSION_FROM_DICT,
    ],
    "monthly": [MONTHLY_GROUPBY_MERGE, MONTHLY_DICT_LOOP, MONTHLY_PIVOT_FLOATS, MONTHLY_STRFTIME_HELPER],
    "quarterly": [QUARTERLY_GROUPBY_MERGE, QUARTERLY_BY_HAND, QUARTERLY_FROM_MONTHS, QUARTERLY_PERIODS],
    "sla": [SLA_MEANS, SLA_LOOP, SLA_QUERY_LEN, SLA_HELPERS],
    "tactics": [TACTICS_LITERAL, TACTICS_LOOP, TACTICS_FROMKEYS],
    "pools": [POOLS_VECTORISED, POOLS_LOOP, POOLS_NUMPY_QUERY, POOLS_CROSSTAB, POOLS_FLOATS],
    "shared": [SHARED_GROUPBY, SHARED_SORTED_KEY, SHARED_FRACTIONS, SHARED_PIVOT, SHARED_NUMPY_ARGMAX],
}
