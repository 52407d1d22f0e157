"""Wrong answers for assignment 04_pull_push_art_science."""

ASSIGNMENT = "04_pull_push_art_science"

MUTANTS = {
    # counts deals instead of weighting them by revenue
    "test_credit": (
        "credit",
        """def credit_shares(deals, rule):
    if rule not in ("first", "last"):
        raise ValueError(rule)
    counts = deals[f"{rule}_touch"].value_counts(normalize=True)
    return {side: round(float(counts.get(side, 0)), 3) for side in ("marketing", "sales")}""",
    ),
    # takes a testimonial for a question
    "test_lines": (
        "lines",
        """LINES = {
    "A florist explains on video how our app doubled her orders": "question",
    "What happens to your shop when the card reader goes down?": "question",
    "Ten customers share their favourite recipe made with our oven": "story",
    "Which part of the current system annoys your staff most?": "question",
    "Our founder's journey from a garage to ten countries": "story",
    "If we solved that, what would it be worth to you this year?": "question",
}""",
    ),
    # the marketer reads the first reviews, not the best ones
    "test_moods": (
        "moods",
        """def ratings_seen(reviews, top_n):
    first = reviews["rating"].head(top_n)
    everyone = reviews["rating"]
    return {"marketer": round(float(first.mean()), 2), "seller": round(float(everyone.mean()), 2)}""",
    ),
    # calls every website tool push
    "test_push_pull": (
        "push_pull",
        """PUSH_PULL = {
    "a podcast episode with tips for home cooks": "pull",
    "phoning everyone who downloaded the price list yesterday": "push",
    "an ad shown to people searching for 'electric bike'": "pull",
    "a reminder that the discount in the quote ends tonight": "push",
    "a quiz on the website that recommends a product": "push",
    "visiting a prospect who opened three of our emails": "push",
}""",
    ),
    # conversion measured from qualified leads instead of all generated leads
    "test_channels": (
        "channels",
        """def channel_metrics(channels):
    table = channels.set_index("channel")
    return pd.DataFrame(
        {
            "cost_per_lead": (table["spend"] / table["leads"]).round(3),
            "conversion_rate": (table["customers"] / table["qualified"]).round(3),
            "revenue_per_euro": (table["revenue"] / table["spend"]).round(3),
        }
    )""",
    ),
    # the common saying instead of the author's reversal
    "test_art_science": (
        "art_science",
        """AUTHOR_VIEW = {
    "tracking which ad brought in each form": "art",
    "changing your tone when the buyer goes quiet": "science",
    "looking for trends in last year's CRM data": "art",
    "giving a demo to a room you have never met": "science",
    "choosing an ad image by comparing test results": "art",
    "improvising an answer to an unexpected objection": "science",
}""",
    ),
    # compares single weeks, not running totals: the campaign looks ahead far too early
    "test_horizon": (
        "horizon",
        """def returns_at(series, horizon):
    window = series[series["week"] <= horizon]
    return {"calls": int(window["calls_net"].sum()), "campaign": int(window["campaign_net"].sum())}


def crossover_week(series):
    ahead = series[series["campaign_net"] >= series["calls_net"]]
    return int(ahead["week"].iloc[0]) if len(ahead) else None""",
    ),
    # the seller's complaint: qualifying is marketing's job
    "test_qualify": (
        "qualify",
        """def responsible_for(stage):
    owners = {"generate leads": "marketing", "qualify": "marketing", "convert": "sales"}
    key = stage.strip().lower()
    if key not in owners:
        raise ValueError(stage)
    return owners[key]""",
    ),
}
