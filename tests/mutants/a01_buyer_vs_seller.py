"""Wrong answers for assignment 01_buyer_vs_seller."""

ASSIGNMENT = "01_buyer_vs_seller"

MUTANTS = {
    # everything marketing: looks plausible, passes the visible check, fails the hidden one
    "test_career": (
        "career",
        """CAREER = {
    "blog about your side project": "marketing",
    "answer a recruiter's doubts about your experience": "marketing",
    "keep your online profile up to date": "marketing",
    "negotiate your starting salary": "sales",
    "speak at a student meetup": "marketing",
    "ask the hiring manager what the team struggles with": "sales",
}""",
    ),
    # compares first days instead of last marketing vs first sales
    "test_journey": (
        "journey",
        """def marketing_first(events):
    result = {}
    for customer, rows in events.groupby("customer"):
        first = rows.sort_values("day").iloc[0]["side"]
        result[customer] = first == "marketing"
    return result""",
    ),
    # swaps buyer and seller
    "test_focus": (
        "focus",
        """FOCUS = {
    "These headphones make me feel like a pro musician": "seller",
    "The plumber can stop the leak before the weekend": "buyer",
    "Wearing this watch shows I made it": "buyer",
    "The accountant knows how to cut my tax bill": "seller",
}""",
    ),
    # lets good marketing create sales
    "test_pain": (
        "pain",
        """def possible_sales(leads):
    loud = leads["marketing_score"] >= 9
    return int(((leads["has_problem"] & leads["seller_can_solve"]) | loud).sum())""",
    ),
    # strict inequality
    "test_questions": (
        "questions",
        """def worth_solving(cost_per_month, months):
    return cost_per_month * months


def will_buy(price, cost_per_month, months):
    return worth_solving(cost_per_month, months) > price""",
    ),
    # knows only the textbook's Desire, not the article's Decision
    "test_aida": (
        "aida",
        """def aida_owner(stage):
    owners = {"attention": "marketing", "interest": "marketing", "desire": "sales", "action": "sales"}
    return owners.get(stage.lower(), "sales")""",
    ),
    # buyers as a share of the market instead of the target group
    "test_funnel": (
        "funnel",
        """def nested_funnel(market, target_share, buyer_share):
    target = round(market * target_share)
    buyers = round(market * buyer_share)
    return {"target": target, "buyers": buyers, "share_of_market": buyers / market}""",
    ),
}
