"""Alternative correct answers for assignment 6 (where the articles meet).

Written blind, from the released student notebook
``exercises/06_where_the_articles_meet/where_the_articles_meet.ipynb`` (task text, skeletons,
visible tests and check cells), lessons 1 to 6 and the public ``claims``/``stances`` tables
only: no solution, hidden test or grading data was read. Each string replaces one whole
answer cell.
"""

VOICE_LITERAL = """
VOICE = {
    "In our video, customers tell how much calmer their mornings became": "marketing",
    "What happens to your week when the machine breaks down?": "sales",
    "Our founders started in a garage, and that spirit shapes every bike we make": "marketing",
    "Let's go through how this plan fits the way your own team works": "sales",
    "What would it be worth to you if the delays stopped?": "sales",
    "Only people who love the mountains will understand this jacket": "marketing",
}
"""

VOICE_FILL_IN = """
VOICE = {
    "In our video, customers tell how much calmer their mornings became": None,
    "What happens to your week when the machine breaks down?": None,
    "Our founders started in a garage, and that spirit shapes every bike we make": None,
    "Let's go through how this plan fits the way your own team works": None,
    "What would it be worth to you if the delays stopped?": None,
    "Only people who love the mountains will understand this jacket": None,
}
# a conversation with one buyer speaks to "you"/"your"; a story for many does not
for line in VOICE:
    words = line.lower().replace("?", "").split()
    VOICE[line] = "sales" if ("you" in words or "your" in words) else "marketing"
"""

VOICE_TWO_GROUPS = """
stories = [
    "Only people who love the mountains will understand this jacket",
    "Our founders started in a garage, and that spirit shapes every bike we make",
    "In our video, customers tell how much calmer their mornings became",
]
conversations = [
    "Let's go through how this plan fits the way your own team works",
    "What would it be worth to you if the delays stopped?",
    "What happens to your week when the machine breaks down?",
]
VOICE = {**dict.fromkeys(conversations, "sales"), **dict.fromkeys(stories, "marketing")}
"""

RELAY_DICT = """
RELAY = {
    "attention": "marketing",
    "interest": "marketing",
    "awareness": "marketing",
    "lead generation": "marketing",
    "decision": "sales",
    "action": "sales",
    "qualification": "sales",
    "conversion": "sales",
}


def relay_owner(step: str) -> str:
    name = step.strip().lower()
    if name not in RELAY:
        raise ValueError(f"{step!r} is not one of the eight steps")
    return RELAY[name]
"""

RELAY_SETS = """
def relay_owner(step: str) -> str:
    marketing = {"attention", "interest", "awareness", "lead generation"}
    sales = {"decision", "action", "qualification", "conversion"}
    if not isinstance(step, str):
        raise ValueError("a step name is a string")
    name = step.strip().casefold()
    if name in marketing:
        return "marketing"
    if name in sales:
        return "sales"
    raise ValueError("unknown step: " + repr(step))
"""

RELAY_MATCH = """
def relay_owner(step: str) -> str:
    match step.strip().upper():
        case "ATTENTION" | "INTEREST" | "AWARENESS" | "LEAD GENERATION":
            return "marketing"
        case "DECISION" | "ACTION" | "QUALIFICATION" | "CONVERSION":
            return "sales"
        case other:
            raise ValueError(f"no owner for {other!r}")
"""

RELAY_PER_ARTICLE = """
BY_ARTICLE = {
    "000": {"attention": "marketing", "interest": "marketing", "decision": "sales", "action": "sales"},
    "001": {"awareness": "marketing", "conversion": "sales"},
    "003": {"lead generation": "marketing", "qualification": "sales", "conversion": "sales"},
}


def relay_owner(step: str) -> str:
    key = step.lower().strip()
    for steps in BY_ARTICLE.values():
        if key in steps:
            return steps[key]
    raise ValueError(step)
"""

COVERAGE_GROUPBY = """
def articles_per_theme(claims: pd.DataFrame) -> dict:
    counts = claims.groupby("theme")["article"].nunique()
    return {theme: int(n) for theme, n in counts.items()}


def cooperation_tools(claims: pd.DataFrame) -> dict:
    rows = claims[claims["theme"] == "cooperation"]
    return {article: sorted(keys) for article, keys in rows.groupby("article")["key"]}
"""

COVERAGE_LOOPS = """
def articles_per_theme(claims: pd.DataFrame) -> dict:
    seen = {}
    for theme, article in zip(claims["theme"], claims["article"]):
        seen.setdefault(theme, set()).add(article)
    return {theme: len(articles) for theme, articles in seen.items()}


def cooperation_tools(claims: pd.DataFrame) -> dict:
    tools = {}
    for row in claims.itertuples():
        if row.theme == "cooperation":
            tools.setdefault(row.article, []).append(row.key)
    for article in tools:
        tools[article].sort()
    return tools
"""

COVERAGE_DEDUP_NUMPY = """
def articles_per_theme(claims: pd.DataFrame) -> dict:
    pairs = claims[["theme", "article"]].drop_duplicates()
    counts = pairs["theme"].value_counts()
    return dict(zip(counts.index, counts.to_numpy()))  # numpy.int64 counts


def cooperation_tools(claims: pd.DataFrame) -> dict:
    coop = claims.query("theme == 'cooperation'").sort_values(["article", "key"])
    return coop.groupby("article")["key"].agg(list).to_dict()
"""

COVERAGE_PIVOT = """
def articles_per_theme(claims: pd.DataFrame) -> dict:
    table = claims.pivot_table(index="theme", columns="article", values="key", aggfunc="count")
    return (table.fillna(0) > 0).sum(axis=1).astype(float).to_dict()  # whole numbers as floats


def cooperation_tools(claims: pd.DataFrame) -> dict:
    coop = claims[claims.theme.eq("cooperation")]
    return {a: sorted(coop.loc[coop.article == a, "key"].tolist()) for a in sorted(coop.article.unique())}
"""

STANCES_GROUPBY = """
def disputed(stances: pd.DataFrame) -> list:
    spoken = stances[stances["stance"] != "not addressed"]
    positions = spoken.groupby("question")["stance"].nunique()
    return sorted(positions[positions >= 2].index)


def closest_article(stances: pd.DataFrame, picks: dict) -> str:
    articles = sorted(stances["article"].unique())
    rows = stances[stances["question"].isin(list(picks))]
    same = rows["stance"] == rows["question"].map(picks)
    scores = same.groupby(rows["article"]).sum().reindex(articles, fill_value=0)
    return sorted(articles, key=lambda a: (-scores[a], a))[0]
"""

STANCES_LOOPS = """
def disputed(stances: pd.DataFrame) -> list:
    positions = {}
    for question, stance in zip(stances["question"], stances["stance"]):
        positions.setdefault(question, set())
        if stance != "not addressed":
            positions[question].add(stance)
    return sorted(q for q, taken in positions.items() if len(taken) >= 2)


def closest_article(stances: pd.DataFrame, picks: dict) -> str:
    score = {article: 0 for article in stances["article"]}
    for row in stances.itertuples():
        if row.question in picks and picks[row.question] == row.stance:
            score[row.article] += 1
    best = max(score.values())
    return min(article for article, s in score.items() if s == best)
"""

STANCES_PIVOT = """
def disputed(stances: pd.DataFrame) -> list:
    wide = stances.pivot_table(index="question", columns="article", values="stance", aggfunc="first")
    wide = wide.where(wide != "not addressed")
    counts = wide.nunique(axis=1)
    return list(counts[counts > 1].sort_index().index)


def closest_article(stances: pd.DataFrame, picks: dict) -> str:
    wide = stances.pivot_table(index="question", columns="article", values="stance", aggfunc="first")
    asked = wide.loc[wide.index.intersection(list(picks))]
    mine = pd.Series(picks).reindex(asked.index)
    scores = asked.eq(mine, axis=0).sum().sort_index()
    return scores.idxmax()  # idxmax takes the first, lowest-numbered, of equal scores
"""

STANCES_FILTER_LEN = """
def disputed(stances: pd.DataFrame) -> list:
    answer = []
    for question in sorted(stances["question"].unique()):
        said = stances[(stances["question"] == question) & (stances["stance"] != "not addressed")]
        if len(said["stance"].unique()) > 1:
            answer.append(question)
    return answer


def agreements(stances, picks, article):
    mine = stances[stances["article"] == article]
    return sum(1 for q, s in zip(mine["question"], mine["stance"]) if picks.get(q) == s)


def closest_article(stances: pd.DataFrame, picks: dict) -> str:
    best_article, best_score = None, -1
    for article in sorted(stances["article"].unique()):
        score = agreements(stances, picks, article)
        if score > best_score:  # strictly more: a tie keeps the lower number
            best_article, best_score = article, score
    return best_article
"""

WHO_SAYS_LITERAL = """
WHO_SAYS = {
    "Marketers now spend their days in spreadsheets and ad analytics": "003",
    "Sellers mostly answer what customers ask about the product": "001",
    "The marketing department should take charge of training the sellers": "002",
    "Sales is not a branch of marketing; each has its own mandate": "004",
    "A customer usually meets marketing first and sales later": "000",
    "Unqualified leads are a problem for the sellers to solve": "003",
}
"""

WHO_SAYS_BY_ARTICLE = """
by_article = {
    "000": ["A customer usually meets marketing first and sales later"],
    "001": ["Sellers mostly answer what customers ask about the product"],
    "002": ["The marketing department should take charge of training the sellers"],
    "003": [
        "Marketers now spend their days in spreadsheets and ad analytics",
        "Unqualified leads are a problem for the sellers to solve",
    ],
    "004": ["Sales is not a branch of marketing; each has its own mandate"],
}
WHO_SAYS = {}
for article, statements in by_article.items():
    for statement in statements:
        WHO_SAYS[statement] = article
"""

WHO_SAYS_NUMBERS = """
WHO_SAYS = {
    "Marketers now spend their days in spreadsheets and ad analytics": None,
    "Sellers mostly answer what customers ask about the product": None,
    "The marketing department should take charge of training the sellers": None,
    "Sales is not a branch of marketing; each has its own mandate": None,
    "A customer usually meets marketing first and sales later": None,
    "Unqualified leads are a problem for the sellers to solve": None,
}
numbers = [3, 1, 2, 4, 0, 3]
for statement, number in zip(WHO_SAYS, numbers):
    WHO_SAYS[statement] = f"{number:03d}"
"""

WORTH_SUM = """
def tco(price: float, extras: dict) -> float:
    return price + sum(extras.values())


def will_buy(price: float, extras: dict, cost_per_month: float, months: int) -> bool:
    return cost_per_month * months >= tco(price, extras)
"""

WORTH_LOOP = """
def tco(price: float, extras: dict) -> float:
    total = price
    for name in extras:
        total = total + extras[name]
    return total


def will_buy(price: float, extras: dict, cost_per_month: float, months: int) -> bool:
    problem_cost = cost_per_month * months
    total_cost = tco(price, extras)
    if problem_cost >= total_cost:
        return True
    else:
        return False
"""

WORTH_NUMPY = """
import numpy as np


def tco(price: float, extras: dict) -> float:
    return np.sum([price, *extras.values()])  # numpy number


def will_buy(price: float, extras: dict, cost_per_month: float, months: int) -> bool:
    return np.multiply(cost_per_month, months) >= tco(price, extras)  # numpy.bool_
"""

WORTH_PANDAS = """
def tco(price: float, extras: dict) -> float:
    return float(price + pd.Series(extras, dtype=float).sum())


def will_buy(price: float, extras: dict, cost_per_month: float, months: int) -> bool:
    return not (cost_per_month * months < tco(price, extras))
"""

ALTERNATIVES = {
    "voice": [VOICE_LITERAL, VOICE_FILL_IN, VOICE_TWO_GROUPS],
    "relay": [RELAY_DICT, RELAY_SETS, RELAY_MATCH, RELAY_PER_ARTICLE],
    "coverage": [COVERAGE_GROUPBY, COVERAGE_LOOPS, COVERAGE_DEDUP_NUMPY, COVERAGE_PIVOT],
    "stances": [STANCES_GROUPBY, STANCES_LOOPS, STANCES_PIVOT, STANCES_FILTER_LEN],
    "who_says": [WHO_SAYS_LITERAL, WHO_SAYS_BY_ARTICLE, WHO_SAYS_NUMBERS],
    "worth": [WORTH_SUM, WORTH_LOOP, WORTH_NUMPY, WORTH_PANDAS],
}
