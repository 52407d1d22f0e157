"""Deliberately wrong answers, one per graded item: {assignment: {test_id: (answer_id, code)}}.

Each mutant must run without error and lose exactly the points of its test item.
"""

from importlib import import_module
from pathlib import Path


def load() -> dict[str, dict[str, tuple[str, str]]]:
    """Mutants of every assignment, from tests/mutants/a<assignment>.py modules."""
    found = {}
    for path in sorted(Path(__file__).parent.glob("a*.py")):
        module = import_module(f"mutants.{path.stem}")
        found[module.ASSIGNMENT] = module.MUTANTS
    return found
