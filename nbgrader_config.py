"""nbgrader settings of the course: every course setting, once.

`mvs-course` reads this file the way nbgrader does, and a course directory made by
`mvs-course init DIR` loads it, so plain `nbgrader` commands, the formgrader and
`mvs-course` run the same steps with the same settings. `mvs-course grade --engine nbgrader`
replaces only the two autograde preprocessor lists with nbgrader's defaults.
"""

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

# Where things are: solutions/ holds the sources, exercises/ the releases.
c.CourseDirectory.course_id = "marketing-vs-sales"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"

# Releases
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Autograding. Execute.timeout is the limit of one cell, for the sandbox too. The steps are
# nbgrader's, with RepairMetadata (tampered metadata) and SandboxedExecute (isolation) added
# and CheckCellMetadata replaced by the same check with its schema compiled once.
c.Execute.timeout = 30
c.Execute.shutdown_kernel = "immediate"
c.KernelManager.shutdown_wait_time = 0.5  # nbgrader's kernels otherwise stall ~3 s at shutdown
c.OverwriteCells.add_missing_cells = True  # a deleted test cell scores zero, never null
# nbconvert validates the whole notebook after every step (1.3 ms each, ~13 per submission);
# once after the last step is enough: `mvs-course grade` checks each submission's notebook
# before nbgrader reads it (grading/precheck.py), and a step that breaks it still fails.
c.Exporter.optimistic_validation = True
# what the released notebooks import, imported once by the sandbox's warm parent, not by every
# submission's worker (0.1 CPU-s each)
c.SandboxedExecute.preload = ["mvs_course.widgets.download", "mvs_course.datasets", "mvs_course.checks"]
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "mvs_course.grading.preprocessors.repair.RepairMetadata",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",
    "mvs_course.grading.preprocessors.checkmetadata.CheckCellMetadata",
]
c.Autograde.autograde_preprocessors = [
    "mvs_course.grading.sandbox.SandboxedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "mvs_course.grading.preprocessors.checkmetadata.CheckCellMetadata",
]

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

# Releases: every exercise gets a save-work note with the download widget, and a check cell
# after each autograded answer (mvs_course.authoring.release_cells); then nbgrader's own steps.
c.GenerateAssignment.preprocessors = [
    "nbgrader.preprocessors.IncludeHeaderFooter",
    "mvs_course.authoring.release_cells.InsertSaveWork",
    "mvs_course.authoring.release_cells.InsertChecks",
    "nbgrader.preprocessors.InstantiateTests",
    "nbgrader.preprocessors.LockCells",
    "nbgrader.preprocessors.ClearSolutions",
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.CheckCellMetadata",
    "nbgrader.preprocessors.ComputeChecksums",
    "nbgrader.preprocessors.SaveCells",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbgrader.preprocessors.ClearMarkScheme",
    "nbgrader.preprocessors.ComputeChecksums",
    "nbgrader.preprocessors.CheckCellMetadata",
]
