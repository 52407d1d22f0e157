"""Report: scores per student and per graded item, an LMS CSV, plots; and the course status.

Student ids come from students (an exchange folder name, a zip name): the tables hold them with
control characters escaped (:func:`~mvs_course.grading.safetext.printable`), so printing a table
never sends an escape sequence to the terminal, and :func:`write_csv` also neutralises every
text cell that a spreadsheet would run as a formula."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import nbformat
import pandas as pd

from .. import nbmeta
from .course import Course, CourseError
from .safetext import printable, spreadsheet_safe
from .scores import item_scores

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 (after choosing the headless backend)


def item_claims(course: Course, assignment: str) -> dict[str, list[str]]:
    """Graded item (a test or a written answer) -> its cell's claims, e.g. ["000/aida-split"]."""
    claims = {}
    for path in sorted((course.source_dir / assignment).glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if nbmeta.grade_id(cell) and (nbmeta.is_autograded_test(cell) or nbmeta.is_manually_graded(cell)):
                claims[nbmeta.grade_id(cell)] = nbmeta.claims(cell)
    return claims


def student_table(course: Course, assignment: str) -> pd.DataFrame:
    """One row per student: ``score``, ``max_score``, ``percentage`` and one column per item."""
    items = item_scores(course, assignment)
    if items.empty:
        raise CourseError(f"No grades for {assignment} yet: run `mvs-course grade {assignment}` first.")
    per_item = items.pivot_table(index="student", columns="item", values="score", aggfunc="sum")
    order = list(dict.fromkeys(items["item"]))  # notebook order, as the gradebook lists them
    per_item = per_item[order]
    totals = items.groupby("student")[["score", "max_score"]].sum()
    table = totals.join(per_item)
    table["percentage"] = (100 * table["score"] / table["max_score"]).round(1)
    table = table[["score", "max_score", "percentage", *order]]
    table.index = table.index.map(printable)
    table.columns = [printable(c) for c in table.columns]
    table.index.name = "student_id"
    return table.sort_index()


def item_table(course: Course, assignment: str) -> pd.DataFrame:
    """One row per graded item: points, mean score, share of points won, and its claims."""
    items = item_scores(course, assignment)
    if items.empty:
        raise CourseError(f"No grades for {assignment} yet: run `mvs-course grade {assignment}` first.")
    grouped = items.groupby("item", sort=False)
    table = pd.DataFrame(
        {
            "max_score": grouped["max_score"].first(),
            "mean_score": grouped["score"].mean().round(3),
            "students_full_marks": grouped.apply(lambda g: int((g["score"] >= g["max_score"]).sum())),
        }
    )
    table["mean_percentage"] = (100 * table["mean_score"] / table["max_score"]).round(1)
    claims = item_claims(course, assignment)
    table["claims"] = [printable(", ".join(claims.get(item, []))) for item in table.index]
    table.index = table.index.map(printable)
    return table


def write_csv(table: pd.DataFrame, path: Path | str) -> Path:
    """The LMS import file: student_id, score, max_score, percentage, then one column per item.

    Every text cell (ids, headers, any text column) is written so that no spreadsheet runs it
    as a formula (``=HYPERLINK(…)`` becomes ``'=HYPERLINK(…)``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    safe = table.copy()
    safe.index = safe.index.map(spreadsheet_safe)
    safe.index.name = spreadsheet_safe(table.index.name or "student_id")
    safe.columns = [spreadsheet_safe(c) for c in table.columns]
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]):
            safe[column] = safe[column].map(lambda v: v if pd.isna(v) else spreadsheet_safe(v))
    safe.to_csv(path, index=True, float_format="%g")
    return path


def write_plots(
    students: pd.DataFrame, items: pd.DataFrame, folder: Path | str, assignment: str
) -> list[Path]:
    """score_distribution.png (histogram of totals) and item_means.png (mean % per item, by claim)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    fig, ax = plt.subplots(figsize=(7, 4))
    top = float(students["max_score"].max())
    ax.hist(
        students["score"], bins=min(20, max(int(top) + 1, 2)), range=(0, top), color="#3b6ea5", rwidth=0.9
    )
    ax.set(xlabel=f"score (out of {top:g})", ylabel="students", title=f"{assignment}: score distribution")
    fig.tight_layout()
    out.append(folder / "score_distribution.png")
    fig.savefig(out[-1], dpi=100)
    plt.close(fig)

    labels = [
        f"{item}\n{claims}" if claims else item
        for item, claims in zip(items.index, items["claims"], strict=True)
    ]
    fig, ax = plt.subplots(figsize=(8, 1.2 + 0.6 * len(items)))
    ax.barh(labels, items["mean_percentage"], color="#c0703a")
    ax.invert_yaxis()
    ax.set(
        xlim=(0, 100),
        xlabel="mean score (% of the item's points)",
        title=f"{assignment}: which items were hard",
    )
    fig.tight_layout()
    out.append(folder / "item_means.png")
    fig.savefig(out[-1], dpi=100)
    plt.close(fig)
    return out


def status(course: Course) -> pd.DataFrame:
    """Per assignment: released notebooks, and how many students submitted, were graded, got feedback."""

    def count(folder: str, assignment: str) -> int:
        base = course.course_dir / folder
        return sum(1 for p in base.iterdir() if (p / assignment).is_dir()) if base.is_dir() else 0

    rows = []
    for assignment in course.assignments():
        released = sorted((course.release_dir / assignment).glob("*.ipynb"))
        rows.append(
            {
                "assignment": assignment,
                "released": len(released),
                "submitted": count("submitted", assignment),
                "graded": count("autograded", assignment),
                "fed_back": count("feedback", assignment),
            }
        )
    return pd.DataFrame(
        rows, columns=["assignment", "released", "submitted", "graded", "fed_back"]
    ).set_index("assignment")


def pending_manual(course: Course, assignment: str) -> dict[str, list[str]]:
    """Student -> the items (written answers) that still wait for manual grading."""
    items = item_scores(course, assignment)
    waiting = items[items["needs_manual_grade"]]
    return {student: sorted(rows["item"]) for student, rows in waiting.groupby("student")}
