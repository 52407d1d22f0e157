"""The pandas primer (course/00b_pandas_primer.ipynb): three predict-first quizzes and its Try-it answers."""

from __future__ import annotations

from .. import datasets
from ..widgets import Quiz
from . import tryit


def shape_quiz() -> Quiz:
    """What ``.shape`` returns."""
    return Quiz(
        "The sneakers table has 4 models and 4 columns. What does shoes.shape give?",
        {
            "(4, 4)": "Yes: (rows, columns), as a tuple.",
            "16": "No: shape keeps rows and columns apart, (rows, columns).",
            "['model', 'production_cost', 'generic_price', 'branded_price']": (
                "No: those are the column names, from shoes.columns."
            ),
        },
        answer="(4, 4)",
        title="Predict first",
    )


def count_quiz() -> Quiz:
    """What the sum of a condition returns."""
    return Quiz(
        "Three of the four branded prices are above 100. "
        "What does (shoes['branded_price'] > 100).sum() give?",
        {
            "3": "Yes: the condition is True or False per row, and True counts as 1.",
            "True": "No: that would need .any(); .sum() adds the True values up.",
            "380": (
                "No: that is the sum of the prices above 100, shoes.loc[condition, 'branded_price'].sum()."
            ),
        },
        answer="3",
        title="Predict first",
    )


def function_quiz() -> Quiz:
    """What an assignment answer looks like: a function that returns, for any table."""
    return Quiz(
        "An exercise asks for total_value(deals), the total of the value column. Which body would "
        "the grader accept, knowing it also calls the function on other tables?",
        {
            "return deals['value'].sum()": (
                "Yes: it returns the value and works for any table with that column."
            ),
            "return 136700": "No: that is today's answer for one table; the grader tries other tables too.",
            "print(deals['value'].sum())": "No: printing shows the number but the function returns None.",
        },
        answer="return deals['value'].sum()",
        title="Predict first",
    )


def _deals():
    return datasets.load("seller_deals")


tryit.register(
    "00-cheapest-generic",
    lambda: int(datasets.load("sneakers")["generic_price"].min()),
    hint="take the generic_price column and call .min()",
)
tryit.register(
    "00-total-margin",
    lambda: int(
        (datasets.load("sneakers")["generic_price"] - datasets.load("sneakers")["production_cost"]).sum()
    ),
    hint="make the margin column (generic price minus production cost), then .sum() it",
)
tryit.register(
    "00-cheap-models",
    lambda: datasets.load("sneakers").loc[lambda s: s["branded_price"] < 115, "model"].tolist(),
    hint="shoes.loc[condition, 'model'].tolist()",
    unordered=True,
)
tryit.register(
    "00-bo-deals",
    lambda: int(_deals()["seller"].value_counts()["bo"]),
    hint="deals['seller'].value_counts() counts the rows per seller; pick 'bo'",
)
tryit.register(
    "00-biggest-by-seller",
    lambda: {k: int(v) for k, v in _deals().groupby("seller")["value"].max().items()},
    hint="group by seller, take the value column's .max(), then .to_dict()",
)
tryit.register(
    "00-june-deals",
    lambda: int((_deals()["date"].str[:7] == "2026-06").sum()),
    hint="the month is date.str[:7]; compare it with '2026-06' and .sum() the True values",
)
