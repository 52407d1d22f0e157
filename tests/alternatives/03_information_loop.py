"""Alternative correct answers for assignment 3 (the information loop).

Written blind, from the released student notebook
``exercises/03_information_loop/information_loop.ipynb`` (task text, skeletons, visible tests
and check cells), lesson 3, the data files and ``mvs_course.datasets`` only: no solution,
hidden test or grading data was read. Each string replaces one whole answer cell; the setup
cell's ``FIELDS`` list is used as given.
"""

CRM_HEALTH_VECTORISED = """
def completeness(crm: pd.DataFrame) -> dict:
    shares = {}
    for field in FIELDS:
        text = crm[field].fillna("").astype(str).str.strip()
        shares[field] = round((text != "").mean(), 2)
    return shares


def stale_records(crm: pd.DataFrame, today: str, days: int) -> list:
    age = (pd.Timestamp(today) - pd.to_datetime(crm["last_update"])).dt.days
    return sorted(crm.loc[age >= days, "record"].tolist())
"""

CRM_HEALTH_PLAIN_PYTHON = """
from datetime import date


def filled(value):
    return isinstance(value, str) and value.strip() != ""


def completeness(crm: pd.DataFrame) -> dict:
    n = len(crm)
    return {field: round(sum(filled(v) for v in crm[field]) / n, 2) for field in FIELDS}


def stale_records(crm: pd.DataFrame, today: str, days: int) -> list:
    now = date.fromisoformat(today)
    old = []
    for record, updated in zip(crm["record"], crm["last_update"]):
        if (now - date.fromisoformat(updated)).days >= days:
            old.append(record)
    old.sort()
    return old
"""

CRM_HEALTH_REGEX_CUTOFF = """
import numpy as np
from datetime import datetime, timedelta


def completeness(crm: pd.DataFrame) -> dict:
    blanks_as_missing = crm[FIELDS].replace(r"^\\s*$", np.nan, regex=True)
    return blanks_as_missing.notna().mean().round(2).to_dict()


def stale_records(crm: pd.DataFrame, today: str, days: int) -> list:
    cutoff = (datetime.strptime(today, "%Y-%m-%d") - timedelta(days=days)).strftime("%Y-%m-%d")
    # ISO dates sort like text, so "on or before the cutoff" is a string comparison
    return sorted(crm[crm["last_update"] <= cutoff]["record"])
"""

CRM_HEALTH_NUMPY_TYPES = """
def completeness(crm: pd.DataFrame) -> dict:
    result = {}
    for field in FIELDS:
        column = crm[field]
        ok = column.notna() & (column.astype("string").str.strip().str.len() > 0)
        result[field] = (ok.sum() / len(crm)).round(2)  # numpy.float64
    return result


def stale_records(crm: pd.DataFrame, today: str, days: int) -> list:
    updated = pd.to_datetime(crm["last_update"])
    too_old = updated <= pd.Timestamp(today) - pd.Timedelta(days=days)
    return list(crm["record"][too_old].sort_values())
"""

CRM_HEALTH_NUMPY_ARRAYS = """
import numpy as np


def completeness(crm: pd.DataFrame) -> dict:
    filled = crm[FIELDS].fillna("").astype(str).apply(lambda column: column.str.strip() != "")
    return dict(zip(FIELDS, np.round(filled.to_numpy().mean(axis=0), 2)))  # numpy.float64 values


def stale_records(crm: pd.DataFrame, today: str, days: int) -> list:
    age = (np.datetime64(today) - crm["last_update"].to_numpy(dtype="datetime64[D]")).astype(int)
    return np.sort(crm["record"].to_numpy()[age >= days])  # a numpy array, sorted
"""

USEFUL_VECTORISED = """
def useful_share(crm: pd.DataFrame, min_words: int = 6) -> float:
    words = crm["note"].fillna("").str.split().str.len()
    useful = crm["note"].notna() & (words >= min_words)
    return round(useful.mean(), 2)
"""

USEFUL_LOOP = """
def useful_share(crm: pd.DataFrame, min_words: int = 6) -> float:
    useful = 0
    for note in crm["note"]:
        if isinstance(note, str) and len(note.split()) >= min_words:
            useful += 1
    return round(useful / len(crm), 2)
"""

USEFUL_REGEX = """
import re


def count_words(note):
    if pd.isna(note):
        return None
    return len(re.findall(r"\\S+", note))


def useful_share(crm: pd.DataFrame, min_words: int = 6) -> float:
    counts = crm["note"].map(count_words)
    useful = counts.notna() & (counts >= min_words)
    return float(round(useful.sum() / len(crm), 2))
"""

USEFUL_APPLY_NUMPY = """
import numpy as np


def useful_share(crm: pd.DataFrame, min_words: int = 6) -> float:
    flags = crm["note"].apply(lambda n: isinstance(n, str) and len(n.split()) >= min_words)
    return np.round(flags.to_numpy(dtype=float).mean(), 2)
"""

BY_SEGMENT_GROUPBY_AGG = """
def most_common(needs):
    counts = needs.dropna().value_counts()
    return counts.sort_index().idxmax()


def segment_feedback(crm: pd.DataFrame) -> pd.DataFrame:
    table = crm.assign(is_won=crm["outcome"] == "won").groupby("segment").agg(
        contacts=("record", "size"),
        won=("is_won", "sum"),
        top_need=("need", most_common),
    )
    table["win_rate"] = (table["won"] / table["contacts"]).round(2)
    return table[["contacts", "won", "win_rate", "top_need"]].sort_index()
"""

BY_SEGMENT_DICT_ROWS = """
def segment_feedback(crm: pd.DataFrame) -> pd.DataFrame:
    rows = {}
    for segment, part in crm.groupby("segment"):
        counts = {}
        for need in part["need"]:
            if isinstance(need, str):
                counts[need] = counts.get(need, 0) + 1
        top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[0][0]
        won = int((part["outcome"] == "won").sum())
        rows[segment] = {
            "contacts": len(part),
            "won": won,
            "win_rate": round(won / len(part), 2),
            "top_need": top,
        }
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("segment").sort_index()
"""

BY_SEGMENT_SEPARATE_SERIES = """
def segment_feedback(crm: pd.DataFrame) -> pd.DataFrame:
    contacts = crm.groupby("segment").size()
    won = crm[crm["outcome"] == "won"].groupby("segment").size().reindex(contacts.index, fill_value=0)
    need_counts = crm.dropna(subset=["need"]).groupby(["segment", "need"]).size().reset_index(name="n")
    need_counts = need_counts.sort_values(["segment", "n", "need"], ascending=[True, False, True])
    top_need = need_counts.drop_duplicates("segment").set_index("segment")["need"]
    result = pd.DataFrame({"contacts": contacts, "won": won})
    result["win_rate"] = (result["won"] / result["contacts"]).round(2)
    result["top_need"] = top_need
    return result.sort_index()
"""

BY_SEGMENT_FLOAT_COUNTS = """
def segment_feedback(crm: pd.DataFrame) -> pd.DataFrame:
    flags = crm.assign(contact_row=1.0, won_row=(crm["outcome"] == "won").astype(float))
    table = flags.pivot_table(index="segment", values=["contact_row", "won_row"], aggfunc="sum")
    table = table.rename(columns={"contact_row": "contacts", "won_row": "won"})  # whole floats
    table["win_rate"] = (table["won"] / table["contacts"]).round(2)
    tops = {}
    for segment in table.index:
        needs = crm.loc[crm["segment"] == segment, "need"].dropna()
        counts = needs.value_counts()
        best = counts.max()
        tops[segment] = min(counts[counts == best].index)
    table["top_need"] = pd.Series(tops)
    return table[["contacts", "won", "win_rate", "top_need"]].sort_index()
"""

BY_SEGMENT_UNNAMED_INDEX = """
def segment_feedback(crm: pd.DataFrame) -> pd.DataFrame:
    # the segments become the row labels; this index has no name
    rows = {}
    for segment in sorted(crm["segment"].unique()):
        part = crm[crm["segment"] == segment]
        counts = part["need"].dropna().value_counts()
        won = int((part["outcome"] == "won").sum())
        rows[segment] = [len(part), won, round(won / len(part), 2), counts.sort_index().idxmax()]
    return pd.DataFrame.from_dict(rows, orient="index", columns=["contacts", "won", "win_rate", "top_need"])
"""

LOOP_LITERAL = """
ROUTES = {
    "the finished proposition and the story behind it": "to sales",
    "a report on what office buyers care about": "to sales",
    "a workshop on pitching the new positioning": "to sales",
    "the reasons customers gave for saying no": "to marketing",
    "notes from each customer visit, logged in the CRM": "to marketing",
    "questions prospects keep asking about service": "to marketing",
}
"""

LOOP_FILL_IN = """
ROUTES = {
    "the finished proposition and the story behind it": None,
    "a report on what office buyers care about": None,
    "a workshop on pitching the new positioning": None,
    "the reasons customers gave for saying no": None,
    "notes from each customer visit, logged in the CRM": None,
    "questions prospects keep asking about service": None,
}
from_the_field = {
    "the reasons customers gave for saying no",
    "notes from each customer visit, logged in the CRM",
    "questions prospects keep asking about service",
}
for message in ROUTES:
    ROUTES[message] = "to marketing" if message in from_the_field else "to sales"
"""

LOOP_TWO_LISTS = """
marketing_sends = [
    "a workshop on pitching the new positioning",
    "a report on what office buyers care about",
    "the finished proposition and the story behind it",
]
sellers_send = [
    "questions prospects keep asking about service",
    "notes from each customer visit, logged in the CRM",
    "the reasons customers gave for saying no",
]
ROUTES = {m: "to sales" for m in marketing_sends}
ROUTES.update({m: "to marketing" for m in sellers_send})
"""

MISALIGNMENT_PLAIN = """
def misalignment_cost(hours_per_week: float, people: int, hourly_rate: float, weeks: int) -> float:
    if hours_per_week < 0 or people < 0 or hourly_rate < 0 or weeks < 0:
        raise ValueError("arguments cannot be negative")
    return hours_per_week * people * hourly_rate * weeks
"""

MISALIGNMENT_PROD = """
import math


def misalignment_cost(hours_per_week: float, people: int, hourly_rate: float, weeks: int) -> float:
    numbers = (hours_per_week, people, hourly_rate, weeks)
    if any(n < 0 for n in numbers):
        raise ValueError(f"negative argument in {numbers}")
    return float(math.prod(numbers))
"""

MISALIGNMENT_STEPS = """
def misalignment_cost(hours_per_week: float, people: int, hourly_rate: float, weeks: int) -> float:
    for name, value in [("hours_per_week", hours_per_week), ("people", people),
                        ("hourly_rate", hourly_rate), ("weeks", weeks)]:
        if value < 0:
            raise ValueError(name + " must not be negative")
    hours_lost_per_week = hours_per_week * people
    cost_per_week = hours_lost_per_week * hourly_rate
    return cost_per_week * weeks
"""

MISALIGNMENT_NUMPY = """
import numpy as np


def misalignment_cost(hours_per_week: float, people: int, hourly_rate: float, weeks: int) -> float:
    values = np.array([hours_per_week, people, hourly_rate, weeks], dtype=float)
    if (values < 0).any():
        raise ValueError("no negative hours, people, rates or weeks")
    return values.prod()  # numpy.float64
"""

AT_THE_TABLE_VECTORISED = """
def seller_share(deals: pd.DataFrame) -> float:
    signed = deals[deals["stage"] == "signed"]
    with_meeting = signed.loc[signed["sales_meetings"] >= 1, "value"].sum()
    return round(with_meeting / signed["value"].sum(), 2)
"""

AT_THE_TABLE_LOOP = """
def seller_share(deals: pd.DataFrame) -> float:
    total = 0
    met = 0
    for row in deals.itertuples(index=False):
        if row.stage != "signed":
            continue
        total += row.value
        if row.sales_meetings > 0:
            met += row.value
    return round(met / total, 2)
"""

AT_THE_TABLE_GROUPBY = """
def seller_share(deals: pd.DataFrame) -> float:
    signed = deals.query("stage == 'signed'")
    by_meeting = signed.groupby(signed["sales_meetings"] > 0)["value"].sum()
    share = by_meeting.get(True, 0) / by_meeting.sum()
    return share.round(2) if hasattr(share, "round") else round(share, 2)
"""

AT_THE_TABLE_WEIGHTED_MEAN = """
import numpy as np


def seller_share(deals: pd.DataFrame) -> float:
    signed = deals[deals.stage.eq("signed")]
    had_meeting = (signed.sales_meetings >= 1).astype(float)
    return np.round(np.average(had_meeting, weights=signed.value), 2)
"""

INTERNAL_COMPREHENSION = """
def missing_core_terms(core_terms: list, text: str) -> list:
    lowered = text.lower()
    return sorted([term for term in core_terms if term.lower() not in lowered])
"""

INTERNAL_NUMPY_ARRAY = """
import numpy as np


def missing_core_terms(core_terms: list, text: str) -> list:
    terms = np.array(core_terms, dtype=object)
    found = np.array([term.lower() in text.lower() for term in core_terms], dtype=bool)
    return np.sort(terms[~found]) if len(terms) else []  # a numpy array of str
"""

INTERNAL_LOOP = """
def missing_core_terms(core_terms: list, text: str) -> list:
    missing = []
    for term in core_terms:
        if text.casefold().find(term.casefold()) == -1:
            missing.append(term)
    missing.sort()
    return missing
"""

INTERNAL_REGEX = """
import re


def missing_core_terms(core_terms: list, text: str) -> list:
    absent = filter(lambda t: re.search(re.escape(t), text, flags=re.IGNORECASE) is None, core_terms)
    return sorted(absent)
"""

INTERNAL_PANDAS = """
def missing_core_terms(core_terms: list, text: str) -> list:
    terms = pd.Series(core_terms, dtype=object)
    found = terms.map(lambda t: t.upper() in text.upper())
    return sorted(terms[~found.astype(bool)].tolist())
"""

INTERNAL_CASELESS_SORT = """
def missing_core_terms(core_terms: list, text: str) -> list:
    text = text.lower()
    missing = (term for term in core_terms if term.lower() not in text)
    return sorted(missing, key=str.lower)  # sorted as a dictionary would, ignoring capitals
"""

ALTERNATIVES = {
    "crm_health": [
        CRM_HEALTH_VECTORISED,
        CRM_HEALTH_PLAIN_PYTHON,
        CRM_HEALTH_REGEX_CUTOFF,
        CRM_HEALTH_NUMPY_TYPES,
        CRM_HEALTH_NUMPY_ARRAYS,
    ],
    "useful": [USEFUL_VECTORISED, USEFUL_LOOP, USEFUL_REGEX, USEFUL_APPLY_NUMPY],
    "by_segment": [
        BY_SEGMENT_GROUPBY_AGG,
        BY_SEGMENT_DICT_ROWS,
        BY_SEGMENT_SEPARATE_SERIES,
        BY_SEGMENT_FLOAT_COUNTS,
        BY_SEGMENT_UNNAMED_INDEX,
    ],
    "loop": [LOOP_LITERAL, LOOP_FILL_IN, LOOP_TWO_LISTS],
    "misalignment": [MISALIGNMENT_PLAIN, MISALIGNMENT_PROD, MISALIGNMENT_STEPS, MISALIGNMENT_NUMPY],
    "at_the_table": [
        AT_THE_TABLE_VECTORISED,
        AT_THE_TABLE_LOOP,
        AT_THE_TABLE_GROUPBY,
        AT_THE_TABLE_WEIGHTED_MEAN,
    ],
    "internal": [
        INTERNAL_COMPREHENSION,
        INTERNAL_LOOP,
        INTERNAL_REGEX,
        INTERNAL_PANDAS,
        INTERNAL_CASELESS_SORT,
        INTERNAL_NUMPY_ARRAY,
    ],
}
