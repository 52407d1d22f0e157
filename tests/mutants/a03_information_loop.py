"""Wrong answers for assignment 03_information_loop."""

ASSIGNMENT = "03_information_loop"

MUTANTS = {
    # treats a note of only spaces as filled in
    "test_crm_health": (
        "crm_health",
        """def completeness(crm):
    return {field: round(float(crm[field].notna().mean()), 2) for field in FIELDS}


def stale_records(crm, today, days):
    age = (pd.Timestamp(today) - pd.to_datetime(crm["last_update"])).dt.days
    return sorted(crm.loc[age >= days, "record"])""",
    ),
    # divides by the records that have a note, hiding the empty ones
    "test_useful": (
        "useful",
        """def useful_share(crm, min_words=6):
    notes = crm["note"].dropna().astype(str)
    return round(float((notes.str.split().str.len() >= min_words).mean()), 2)""",
    ),
    # win rate among records with an outcome only
    "test_by_segment": (
        "by_segment",
        """def segment_feedback(crm):
    rows = {}
    for segment, part in crm.groupby("segment"):
        counts = part["need"].dropna().value_counts()
        top = sorted(counts.index, key=lambda need: (-counts[need], need))[0] if len(counts) else None
        won = int((part["outcome"] == "won").sum())
        rate = round(won / part["outcome"].notna().sum(), 2)
        rows[segment] = {"contacts": len(part), "won": won, "win_rate": rate, "top_need": top}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("segment").sort_index()""",
    ),
    # the CRM looks like a sales tool, so its notes seem to go to sales
    "test_loop": (
        "loop",
        """ROUTES = {
    "the finished proposition and the story behind it": "to sales",
    "a report on what office buyers care about": "to sales",
    "a workshop on pitching the new positioning": "to sales",
    "the reasons customers gave for saying no": "to marketing",
    "notes from each customer visit, logged in the CRM": "to sales",
    "questions prospects keep asking about service": "to marketing",
}""",
    ),
    # counts one seller's hours only
    "test_misalignment": (
        "misalignment",
        """def misalignment_cost(hours_per_week, people, hourly_rate, weeks):
    if min(hours_per_week, people, hourly_rate, weeks) < 0:
        raise ValueError("negative input")
    return hours_per_week * hourly_rate * weeks""",
    ),
    # counts deals instead of their value
    "test_at_the_table": (
        "at_the_table",
        """def seller_share(deals):
    signed = deals[deals["stage"] == "signed"]
    return round(float((signed["sales_meetings"] > 0).mean()), 2)""",
    ),
    # case-sensitive search
    "test_internal": (
        "internal",
        """def missing_core_terms(core_terms, text):
    return sorted(term for term in core_terms if term not in text)""",
    ),
}
