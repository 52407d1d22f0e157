"""Wrong answers for assignment 05_one_to_many_one_to_one."""

ASSIGNMENT = "05_one_to_many_one_to_one"

MUTANTS = {
    # guarding the brand taken for relationship work
    "test_mode": (
        "mode",
        """MODE = {
    "a video of our brand story on the homepage": "one-to-many",
    "a statement to the press defending the brand after a recall": "one-to-one",
    "a tasting at one restaurant with the chef's own beans": "one-to-one",
    "a posted ad in a trade magazine for hotels": "one-to-many",
    "a call on a customer's birthday from their account manager": "one-to-one",
    "a proposal written for one café's opening hours and budget": "one-to-one",
}""",
    ),
    # looks only at the direct manager, so a middle layer hides the problem
    "test_org": (
        "org",
        """def sales_under_marketing(org):
    return org.get("sales") == "marketing\"""",
    ),
    # compares everyone with the overall average instead of their own segment
    "test_segments": (
        "segments",
        """def deviations(customers):
    mean = customers["annual_budget"].mean()
    return {name: float(b - mean) for name, b in zip(customers["customer"], customers["annual_budget"])}


def farthest_from_average(customers):
    gaps = deviations(customers)
    return max(gaps, key=lambda name: abs(gaps[name]))""",
    ),
    # counts rows per topic instead of summing visits
    "test_research": (
        "research",
        """def mention_counts(posts, keywords):
    return {k: int(posts.str.contains(k, case=False, regex=False).sum()) for k in keywords}


def top_interests(activity, prospect, n):
    rows = activity[activity["prospect"] == prospect]
    totals = rows.groupby("topic").size().reset_index(name="visits")
    ordered = totals.sort_values(["visits", "topic"], ascending=[False, True])
    return list(ordered["topic"].head(n))""",
    ),
    # subtracts the percentage as if it were euro
    "test_margin": (
        "margin",
        """def margin_after_discount(price, cost, pct):
    return round(price - pct - cost, 2)


def margin_with_bonus(price, cost, bonus_cost):
    return round(price - cost - bonus_cost, 2)


def better_offer(price, cost, pct, bonus_cost):
    if margin_with_bonus(price, cost, bonus_cost) >= margin_after_discount(price, cost, pct):
        return "value"
    return "discount\"""",
    ),
    # the sticker-price view: buys once, forgets replacements
    "test_tco": (
        "tco",
        """def tco(offer, years):
    each = offer["price"] + offer["delivery"] + offer["warranty"]
    return float(each + offer["training"] + offer["support_per_year"] * years)


def cheapest_to_own(offers, years):
    costs = {row["offer"]: tco(row, years) for _, row in offers.iterrows()}
    return min(costs, key=costs.get)""",
    ),
    # returns the covered risks instead of the uncovered ones
    "test_risks": (
        "risks",
        """def uncovered_risks(customer_risks, remedies, offered):
    covered = {remedies[name] for name in offered}
    return sorted(set(customer_risks) & covered)""",
    ),
    # one shared term is enough
    "test_plumb": (
        "plumb",
        """def consistent(messages, core_terms):
    return all(any(t.lower() in m.lower() for t in core_terms) for m in messages)""",
    ),
}
