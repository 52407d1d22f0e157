"""nbgrader settings for the course: solutions/ holds the sources, exercises/ the releases."""

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.course_id = "marketing-vs-sales"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
c.Execute.timeout = 30

# Feedback pages, whichever tool writes them (nbgrader generate_feedback, the formgrader's
# Generate Feedback button, mvs-course feedback): hidden tests removed, a failed hidden test told
# in one plain sentence, anything printed while hidden tests ran dropped, student HTML made inert.
# The two hidden-test steps must come before ClearHiddenTests (mvs_course.grading.preprocessors.feedback).
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "mvs_course.grading.preprocessors.feedback.DropHiddenTestOutput",
    "mvs_course.grading.preprocessors.feedback.ExplainHiddenTestFailures",
    "nbgrader.preprocessors.ClearHiddenTests",
    "mvs_course.grading.preprocessors.feedback.SanitizeFeedbackHTML",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]

# Student HTML made inert wherever nbgrader renders a submission: feedback pages and the
# formgrader's manual grading view (which runs in the instructor's Jupyter session). Markdown and
# HTML outputs pass an allow-list that keeps headings, tables and code and drops scripts, event
# handlers, styles and frames (mvs_course.grading.safehtml; nbconvert's own list escapes tables).
c.HTMLExporter.sanitize_html = True
c.HTMLExporter.filters = {
    "markdown2html": "mvs_course.grading.safehtml.markdown2html",
    "clean_html": "mvs_course.grading.safehtml.clean_html",
}
