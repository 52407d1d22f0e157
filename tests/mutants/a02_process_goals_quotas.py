"""Wrong answers for assignment 02_process_goals_quotas."""

ASSIGNMENT = "02_process_goals_quotas"

MUTANTS = {
    # skips the qualification step: closing rate measured against all leads
    "test_conversion": (
        "conversion",
        """def conversion_rates(funnel):
    table = funnel.set_index("month")
    rates = pd.DataFrame(index=table.index)
    rates["lead_rate"] = table["leads"] / table["reached"]
    rates["qualify_rate"] = table["qualified"] / table["leads"]
    rates["close_rate"] = table["customers"] / table["leads"]
    return rates.round(3)""",
    ),
    # averages the deals instead of adding them up
    "test_monthly": (
        "monthly",
        """def monthly_attainment(deals, quotas):
    table = deals.assign(month=deals["date"].str[:7])
    table = table.groupby(["seller", "month"], as_index=False)["value"].mean()
    table = table.rename(columns={"value": "closed"})
    table = table.merge(quotas.rename(columns={"monthly_quota": "quota"}), on="seller")
    table["attainment"] = (table["closed"] / table["quota"]).round(2)
    return table.sort_values(["seller", "month"]).reset_index(drop=True)""",
    ),
    # forgets that a quarter has three months of quota
    "test_quarterly": (
        "quarterly",
        """def quarterly_attainment(deals, quotas):
    quarter = pd.to_datetime(deals["date"]).dt.to_period("Q").astype(str)
    table = deals.assign(quarter=quarter).groupby(["seller", "quarter"], as_index=False)["value"].sum()
    table = table.rename(columns={"value": "closed"}).merge(quotas, on="seller")
    table["quota"] = table.pop("monthly_quota")
    table["attainment"] = (table["closed"] / table["quota"]).round(2)
    return table.sort_values(["seller", "quarter"]).reset_index(drop=True)""",
    ),
    # checks only the volume of leads, not their quality
    "test_sla": (
        "sla",
        """def sla_compliance(weeks, promise):
    marketing = weeks["leads"] >= promise["min_leads"]
    sales = weeks["followup_hours"] <= promise["max_followup_hours"]
    return {
        "marketing": float(marketing.mean()),
        "sales": float(sales.mean()),
        "both": float((marketing & sales).mean()),
    }""",
    ),
    # answering questions online looks like marketing content, but it is one customer
    "test_tactics": (
        "tactics",
        """TACTICS = {
    "banner ads on a business news site": "marketing",
    "an advert in a trade magazine": "marketing",
    "a how-to article on the company blog": "marketing",
    "a focus group testing two campaign ideas": "marketing",
    "calling a prospect who downloaded a brochure": "sales",
    "meeting buyers at a networking breakfast": "sales",
    "answering a customer's questions about service contracts": "marketing",
    "a pitch tailored to one hotel chain": "sales",
}""",
    ),
    # forgets that sales also works existing customers
    "test_pools": (
        "pools",
        """def prospect_pools(pool):
    in_target = pool["in_target"]
    return {
        "marketing": int(in_target.sum()),
        "new": int((in_target & (pool["status"] == "new")).sum()),
        "sales": int((pool["status"] == "known prospect").sum()),
    }""",
    ),
    # counts wins instead of the win rate
    "test_shared": (
        "shared",
        """def what_worked(customers):
    by_source = customers.groupby("source")["won"].sum().sort_index()
    by_age = customers.groupby("age_band")["won"].sum().sort_index()
    return {
        "best_source": by_source.idxmax(),
        "worst_source": by_source.idxmin(),
        "best_age_band": by_age.idxmax(),
    }""",
    ),
}
