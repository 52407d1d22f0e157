"""Learner checks and the assertions of the hidden tests, one verdict from the same rules.

- ``expect`` / ``expect_raises`` (:mod:`.expect`): what every test cell calls.
- ``check("<answer id>")`` (:mod:`.core`): runs the answer's test cells in a copy of the
  learner's namespace, with the hidden expected values known only by salted hashes, and
  prints *Right* or *Not yet* with the case that failed and the lesson section to reread.
"""

from .core import CheckResult, check, evaluate
from .expect import expect, expect_raises

__all__ = ["CheckResult", "check", "evaluate", "expect", "expect_raises"]
