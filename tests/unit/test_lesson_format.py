"""Every lesson has the course's lesson format (contract 7), checked by mvs_course.authoring.nav.

Parametrised per lesson: a lesson that does not have the format yet fails on its own.
The checker itself is tested on a small well-formed lesson from which one part at a time is
taken away or broken.
"""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from mvs_course.authoring import nav

ROOT = Path(__file__).resolve().parents[2]
LESSONS = nav.lessons(ROOT)
RENDERED = nav.render_notebooks(ROOT)

ABOUT = """# Lesson 7: A made-up lesson

**After this lesson you can**

- do one thing;
- do another thing.

**Time:** lesson about 30 min, assignment about 40 min

**Source:** article 009
- Title: *Een titel*
- Blog or author: a blog whose author is not named
- Date: undated
- Language: Dutch
- Who for whom: a consultant writing for marketers who work with sellers
"""
KEYPOINTS = """## Key points

- one
- two
- three

## Further reading

- the article's follow-up post
"""


def good_lesson() -> nbformat.NotebookNode:
    def md(cell_id: str, text: str, *tags: str) -> nbformat.NotebookNode:
        cell = new_markdown_cell(text, id=cell_id)
        if tags:
            cell.metadata["tags"] = list(tags)
        return cell

    def code(cell_id: str, text: str, *tags: str) -> nbformat.NotebookNode:
        cell = new_code_cell(text, id=cell_id)
        if tags:
            cell.metadata["tags"] = list(tags)
        return cell

    return new_notebook(
        cells=[
            md("nav-header", "[Start page](00_start_here.ipynb)", "nav"),
            md("lesson-about", ABOUT),
            code("imports", "from mvs_course.lessons import primer as lesson"),
            md("section", "## 1. A section"),
            md("reflection", "### My answer\n\n*…*", "reflection"),
            md("try", "## Try it\n\nExamples.", "try-it"),
            code("example", "table = lesson.data()\ntable", "try-it"),
            md("task", "*Your turn:* …", "try-it"),
            code("exercise", 'answer = ...\ncheck("07-first", answer)', "try-it"),
            code("example-2", "table.head()", "try-it"),
            code("exercise-2", 'tryit.check("07-second", ...)', "try-it"),
            md("lesson-keypoints", KEYPOINTS),
            md("nav-footer", "---", "nav"),
        ]
    )


def problems_after(change) -> list[str]:
    nb = good_lesson()
    change(nb)
    return nav.format_problems(nb, 7, registered={"07-first", "07-second"})


def cell(nb: nbformat.NotebookNode, cell_id: str) -> nbformat.NotebookNode:
    return next(c for c in nb.cells if c.get("id") == cell_id)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.path.stem)
def test_lesson_has_the_format(lesson):
    problems = nav.format_problems(RENDERED[lesson.path], lesson.number)
    assert problems == [], f"{lesson.path.name}: {problems}"


def test_the_course_has_lessons_to_check():
    assert len(LESSONS) >= 6 and [lesson.number for lesson in LESSONS][:3] == [1, 2, 3]


def test_a_well_formed_lesson_passes():
    assert problems_after(lambda nb: None) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda nb: nb.cells.pop(1), "no markdown cell with id 'lesson-about'"),
        (lambda nb: nb.cells.insert(1, nb.cells.pop(3)), "should come right after the navigation header"),
        (
            lambda nb: setattr(cell(nb, "lesson-about"), "source", ABOUT.replace("Lesson 7:", "Part 7:")),
            "should start with the title line '# Lesson 7: ...'",
        ),
        (
            lambda nb: setattr(
                cell(nb, "lesson-about"), "source", ABOUT.replace("- do another thing.\n", "")
            ),
            "needs 2 to 4 objectives, has 1",
        ),
        (
            lambda nb: setattr(
                cell(nb, "lesson-about"), "source", ABOUT.replace(", assignment about 40 min", "")
            ),
            "minutes for the lesson and the assignment",
        ),
        (
            lambda nb: setattr(cell(nb, "lesson-about"), "source", ABOUT.replace("- Date: undated\n", "")),
            "'**Source:**' has no '- Date: ...' line",
        ),
        (
            lambda nb: setattr(
                cell(nb, "lesson-about"), "source", ABOUT.replace("Date: undated", "Date: soon")
            ),
            "should have a year, or say 'undated'",
        ),
        (
            lambda nb: setattr(
                cell(nb, "lesson-about"), "source", ABOUT.replace("Language: Dutch", "Language: nl")
            ),
            "should name a language",
        ),
        (
            lambda nb: setattr(
                cell(nb, "lesson-about"),
                "source",
                ABOUT.replace("a consultant writing for marketers who work with sellers", "a consultant"),
            ),
            "too short to say who wrote it for whom",
        ),
        (lambda nb: nb.cells.pop(-2), "no markdown cell with id 'lesson-keypoints'"),
        (
            lambda nb: setattr(cell(nb, "lesson-keypoints"), "source", KEYPOINTS.replace("- three\n", "")),
            "needs 3 to 5 bullets, has 2",
        ),
        (
            lambda nb: setattr(
                cell(nb, "lesson-keypoints"),
                "source",
                KEYPOINTS.replace("- the article's follow-up post\n", ""),
            ),
            "'## Further reading' has no bullet",
        ),
        (
            lambda nb: nb.cells.insert(-1, nb.cells.pop(-2)) or nb.cells.insert(-1, new_markdown_cell("x")),
            "right before",
        ),
        (lambda nb: cell(nb, "try").metadata.pop("tags"), "no '## Try it' section"),
        (lambda nb: cell(nb, "task").metadata.pop("tags"), "'task' in Try it is not tagged try-it"),
        (lambda nb: nb.cells.remove(cell(nb, "example")), "'07-first' does not follow a worked example"),
        (
            lambda nb: setattr(cell(nb, "exercise"), "source", 'check("04-first", 1)'),
            "'04-first' should start with '07-'",
        ),
        (
            lambda nb: setattr(cell(nb, "exercise"), "source", 'check("07-unknown", 1)'),
            "'07-unknown' is not registered",
        ),
        (
            lambda nb: [nb.cells.remove(cell(nb, i)) for i in ("exercise", "exercise-2")],
            "has no exercise calling check",
        ),
        (lambda nb: cell(nb, "reflection").metadata.pop("tags"), "no reflection"),
    ],
)
def test_each_missing_part_is_named(change, expected):
    problems = problems_after(change)
    assert any(expected in problem for problem in problems), problems


# --- synthesis lessons: one labelled source entry per article --------------------------------------

SYNTHESIS_HEAD = ABOUT[: ABOUT.index("**Source:**")] + "**Source:** articles 008 and 009\n\n"
SOURCE_TABLE = """| Article | Title | Blog or author | Date | Language | Who for whom |
|---|---|---|---|---|---|
| 008 | *Un titre* | not named | 2013 | French | a seller writing for firms whose teams quarrel |
| 009 | *Een titel* | a blog, author not named | undated | Dutch | a consultant writing for marketers |
"""
SOURCE_GROUPS = """- Article 008
  - Title: *Un titre*
  - Blog or author: not named
  - Date: 2013
  - Language: French
  - Who for whom: a seller writing for firms whose teams quarrel
- Article 009
  - Title: *Een titel*
  - Blog or author: a blog whose author is not named
  - Date: undated
  - Language: Dutch
  - Who for whom: a consultant writing for marketers who work with sellers
"""


def about_problems(text: str) -> list[str]:
    nb = good_lesson()
    cell(nb, "lesson-about").source = text
    return nav.format_problems(nb, 7, registered={"07-first", "07-second"})


def test_source_articles_reads_lists_and_ranges():
    assert nav.source_articles("**Source:** article 003") == ["003"]
    assert nav.source_articles("**Source:** articles 000, 001 and 002") == ["000", "001", "002"]
    assert nav.source_articles("**Source:** all five articles, 000–004") == [
        "000",
        "001",
        "002",
        "003",
        "004",
    ]
    assert nav.source_articles("**Source:** an article of 2012") == []


@pytest.mark.parametrize("entries", [SOURCE_TABLE, SOURCE_GROUPS], ids=["table", "bullet-groups"])
def test_a_synthesis_lesson_may_give_one_entry_per_article(entries):
    assert about_problems(SYNTHESIS_HEAD + entries) == []


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        ("", "names 2 articles but gives no entry per article"),
        (SOURCE_TABLE.replace("| 008 |", "| 007 |"), "entry is for article 007, not named on"),
        (SOURCE_TABLE.replace("| 008 |", "| 007 |"), "has no entry for article 008"),
        (SOURCE_TABLE.replace("| 008 |", "| 009 |"), "article 009 has more than one source entry"),
        (SOURCE_TABLE.replace("| 008 |", "| first |"), "should name one article by its number"),
        (SOURCE_TABLE.replace("| Date |", "| When |"), "the sources table has no 'Date' column"),
        (SOURCE_TABLE.replace("| not named |", "| |"), "gives no Blog or author for article 008"),
        (SOURCE_TABLE.replace("| 2013 |", "| soon |"), "article 008's source Date should have a year"),
        (
            SOURCE_TABLE.replace("| French |", "| fr |"),
            "article 008's source Language should name a language",
        ),
        (
            SOURCE_TABLE.replace("a seller writing for firms whose teams quarrel", "a seller"),
            "article 008's source 'Who for whom' line is too short",
        ),
        (SOURCE_GROUPS.replace("  - Date: 2013\n", ""), "gives no Date for article 008"),
        (
            SOURCE_GROUPS.replace("- Article 009", "- Article 008"),
            "article 008 has more than one source entry",
        ),
        (SOURCE_GROUPS[: SOURCE_GROUPS.index("- Article 009")], "has no entry for article 009"),
    ],
)
def test_each_gap_in_a_synthesis_source_is_named(entries, expected):
    problems = about_problems(SYNTHESIS_HEAD + entries)
    assert any(expected in problem for problem in problems), problems


def test_a_single_article_lesson_still_needs_the_labelled_bullets():
    # a table counts only when the source line names several articles
    head = SYNTHESIS_HEAD.replace("articles 008 and 009", "article 009")
    problems = about_problems(head + SOURCE_TABLE)
    for label in nav.SOURCE_LABELS:
        assert f"'**Source:**' has no '- {label}: ...' line" in problems, problems
    # and a source line naming no article is read as a single article's
    assert "'**Source:**' has no '- Date: ...' line" in about_problems(
        SYNTHESIS_HEAD.replace("articles 008 and 009", "all the articles") + SOURCE_TABLE
    )


def test_check_keys_are_read_from_code_not_from_text():
    assert nav.check_keys('check("01-a", x)\ntryit.check("01-b", y)\nprint("check(\'01-c\')")') == [
        "01-a",
        "01-b",
    ]
    assert nav.check_keys("this is not python (") == []


def test_update_reports_stale_navigation_and_format_problems_without_writing(tmp_path, monkeypatch):
    # importing the lesson modules is tested in tests/test_lesson_tryit.py; here: none registered
    monkeypatch.setattr(nav, "registered_keys", lambda nbs: set())
    course = tmp_path / "course"
    course.mkdir()
    (tmp_path / "solutions" / "07_made_up").mkdir(parents=True)
    (tmp_path / "solutions" / "07_made_up" / "made_up.ipynb").write_text("{}")
    nb = good_lesson()
    cell(nb, "nav-header").source = "stale"
    path = course / "07_made_up.ipynb"
    nbformat.write(nb, path)
    before = path.read_text()
    lines = nav.update(tmp_path, check=True)
    assert lines[0] == "course/07_made_up.ipynb: navigation out of date (run mvs-course build)"
    assert path.read_text() == before
    # no Try-it key is registered, so the checker names them
    assert any("'07-first' is not registered" in line for line in lines)
    lines = nav.update(tmp_path)
    assert lines[0] == "course/07_made_up.ipynb: navigation updated"
    assert cell(nbformat.read(path, as_version=4), "nav-header").source.startswith("[Start page]")
    assert not any("navigation" in line for line in nav.update(tmp_path, check=True))


def test_lessons_are_stamped_with_their_cells_as_shipped(tmp_path, monkeypatch):
    """The stamp lets 'Download my work' leave out lessons the learner never changed; an edit
    by an author makes it stale like the navigation, and outputs never count."""
    from mvs_course.workspace import SHIPPED_KEY, sources_digest

    monkeypatch.setattr(nav, "registered_keys", lambda nbs: set())
    (tmp_path / "course").mkdir()
    (tmp_path / "solutions" / "07_made_up").mkdir(parents=True)
    path = tmp_path / "course" / "07_made_up.ipynb"
    nbformat.write(good_lesson(), path)
    nav.update(tmp_path)
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata["mvs_course"][SHIPPED_KEY] == sources_digest(nb.cells)
    reflection = next(c for c in nb.cells if "reflection" in c.metadata.get("tags", []))
    reflection.source += " (edited)"
    nbformat.write(nb, path)
    assert nav.update(tmp_path, check=True)[0].startswith("course/07_made_up.ipynb: navigation out of date")
    ran = [dict(c, outputs=[{"output_type": "stream", "name": "stdout", "text": "x"}]) for c in nb.cells]
    assert sources_digest(ran) == sources_digest(nb.cells) != nb.metadata["mvs_course"][SHIPPED_KEY]


def test_primers_get_navigation_and_a_line_on_the_start_page(tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    nbformat.write(good_lesson(), course / "01_first.ipynb")
    primer = new_notebook(cells=[new_markdown_cell("# Pandas primer", id="title")])
    nbformat.write(primer, course / "00b_pandas_primer.ipynb")
    nbformat.write(new_notebook(cells=[new_markdown_cell("# Start", id="start")]), course / nav.START_NAME)
    rendered = nav.render_notebooks(tmp_path)
    header = cell(rendered[course / "00b_pandas_primer.ipynb"], "nav-header").source
    assert "Pandas primer" in header and "[Next: Lesson 7: A made-up lesson](01_first.ipynb)" in header
    contents = cell(rendered[course / nav.START_NAME], "nav-contents").source
    assert "Start with [Pandas primer](00b_pandas_primer.ipynb)" in contents
    assert "| 1 | [Lesson 7: A made-up lesson](01_first.ipynb) | – |" in contents


def test_rendering_is_idempotent():
    again = copy.deepcopy(RENDERED)
    for path, nb in again.items():
        assert nbformat.writes(nb) == nbformat.writes(RENDERED[path])
