"""Wrong answers for assignment 06_where_the_articles_meet."""

ASSIGNMENT = "06_where_the_articles_meet"

MUTANTS = {
    # "a question mark means sales": misses the sales line that is a conversation, not a question
    "test_voice": (
        "voice",
        """VOICE = {
    "In our video, customers tell how much calmer their mornings became": "marketing",
    "What happens to your week when the machine breaks down?": "sales",
    "Our founders started in a garage, and that spirit shapes every bike we make": "marketing",
    "Let's go through how this plan fits the way your own team works": "marketing",
    "What would it be worth to you if the delays stopped?": "sales",
    "Only people who love the mountains will understand this jacket": "marketing",
}""",
    ),
    # the sellers' complaint that 003 rejects: qualifying leads is marketing's job
    "test_relay": (
        "relay",
        """def relay_owner(step):
    owners = {
        "attention": "marketing", "interest": "marketing", "awareness": "marketing",
        "lead generation": "marketing", "qualification": "marketing",
        "decision": "sales", "action": "sales", "conversion": "sales",
    }
    key = step.strip().lower()
    if key not in owners:
        raise ValueError(step)
    return owners[key]""",
    ),
    # counts claims instead of different articles
    "test_coverage": (
        "coverage",
        """def articles_per_theme(claims):
    return {theme: int(n) for theme, n in claims["theme"].value_counts().items()}


def cooperation_tools(claims):
    rows = claims[claims["theme"] == "cooperation"]
    return {article: sorted(keys) for article, keys in rows.groupby("article")["key"]}""",
    ),
    # treats silence ("not addressed") as a position, so agreements look like disputes
    "test_stances": (
        "stances",
        """def disputed(stances):
    spread = stances.groupby("question")["stance"].nunique()
    return sorted(spread[spread > 1].index)


def closest_article(stances, picks):
    rows = stances[stances["question"].isin(picks)]
    same = rows["stance"] == rows["question"].map(picks)
    scores = same.groupby(rows["article"]).sum()
    return sorted(scores.index, key=lambda article: (-scores[article], article))[0]""",
    ),
    # gives qualification to 002, whose sellers blame marketing's campaigns
    "test_who_says": (
        "who_says",
        """WHO_SAYS = {
    "Marketers now spend their days in spreadsheets and ad analytics": "003",
    "Sellers mostly answer what customers ask about the product": "001",
    "The marketing department should take charge of training the sellers": "002",
    "Sales is not a branch of marketing; each has its own mandate": "004",
    "A customer usually meets marketing first and sales later": "000",
    "Unqualified leads are a problem for the sellers to solve": "002",
}""",
    ),
    # compares the problem's cost with the sticker price only, ignoring the extras
    "test_worth": (
        "worth",
        """def tco(price, extras):
    return price + sum(extras.values())


def will_buy(price, extras, cost_per_month, months):
    return cost_per_month * months >= price""",
    ),
}
