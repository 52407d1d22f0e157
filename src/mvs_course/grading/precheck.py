"""What is wrong with a submission's files, found once, before nbgrader runs, in plain words.

A missing or misnamed notebook, a file that is not JSON (a download cut short), JSON
nested too deeply to read, no notebook format version, an old format. Problems inside
cells (tampered metadata, deleted tests) are ``RepairMetadata``'s job, found while grading.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Precheck:
    """``problems`` in plain words; ``gradable`` is False when nbgrader cannot grade any
    expected notebook (the submission then scores zero without running)."""

    problems: tuple[str, ...]
    gradable: bool


def read_problem(name: str, data: bytes) -> tuple[str | None, bool]:
    """(problem in plain words or None, readable by nbgrader) for one notebook file's bytes."""
    try:
        raw = json.loads(data)
    except RecursionError:
        return f"{name} is not a valid notebook file (nested too deeply to read); it scores zero", False
    except (ValueError, UnicodeDecodeError) as err:
        return f"{name} is not a valid notebook file (broken JSON: {err}); it scores zero", False
    if not isinstance(raw, dict) or not isinstance(raw.get("nbformat"), int):
        return f"{name} has no notebook format version; it scores zero", False
    import nbformat  # only here: it takes a second to import

    invalid: dict = {}
    try:
        nbformat.reads(data, as_version=4, capture_validation_error=invalid)
    except RecursionError:
        return f"{name} is not a valid notebook file (nested too deeply to read); it scores zero", False
    except Exception as err:  # noqa: BLE001 - nbformat raises many kinds
        return f"{name} cannot be read as a notebook ({str(err)[:200]}); it scores zero", False
    if raw["nbformat"] != 4:
        return f"{name} uses notebook format {raw['nbformat']}, not 4; it was converted", True
    if "ValidationError" in invalid:
        reason = str(getattr(invalid["ValidationError"], "message", invalid["ValidationError"]))[:200]
        return f"{name} does not follow the notebook format ({reason}); nbgrader may fail on it", True
    return None, True


def check_files(submitted: Path, source: Path) -> Precheck:
    """Check submitted/<student>/<assignment> against the assignment's source folder."""
    expected = sorted(p.name for p in Path(source).glob("*.ipynb"))
    found = sorted(p.name for p in Path(submitted).glob("*.ipynb")) if Path(submitted).is_dir() else []
    problems: list[str] = []
    readable = 0
    for name in expected:
        if name not in found:
            others = [f for f in found if f not in expected]
            hint = f" (found {', '.join(others)}: rename it to {name})" if others else ""
            problems.append(f"missing notebook {name}{hint}; it scores zero")
            continue
        try:
            data = (Path(submitted) / name).read_bytes()
        except OSError as err:
            problems.append(f"{name} cannot be read ({err.strerror or err}); it scores zero")
            continue
        problem, ok = read_problem(name, data)
        readable += ok
        if problem:
            problems.append(problem)
    return Precheck(tuple(problems), readable > 0 and readable == sum(n in found for n in expected))
