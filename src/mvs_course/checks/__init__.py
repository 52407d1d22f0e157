"""Learner checks: ``check("<answer grade_id>")`` says Right or Not yet, with a hint.

See :mod:`mvs_course.checks.core` for how the answers are compared without shipping them.
"""

from .core import CheckResult, check, evaluate

__all__ = ["CheckResult", "check", "evaluate"]
