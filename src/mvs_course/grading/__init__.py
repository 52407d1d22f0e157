"""Instructor verbs over nbgrader: release, collect, grade, feedback, report, status."""
