"""Remember which learner checks passed, so the start page can show progress.

Every ``check(...)`` call stores its outcome in ``$MVS_PROGRESS_FILE`` (default
``~/.mvs_course/progress.json``). That is saved state, not a fresh grading: the progress
view says when each result was recorded and flags notebooks saved after their last check.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path


def progress_file() -> Path:
    """Where check outcomes live: $MVS_PROGRESS_FILE, else ~/.mvs_course/progress.json."""
    default = Path.home() / ".mvs_course" / "progress.json"
    return Path(os.environ.get("MVS_PROGRESS_FILE", default))


def load_progress(path: Path | None = None) -> dict[str, dict[str, dict]]:
    """{assignment: {grade_id: {"ok": bool, "time": iso}}}; unreadable files give {}."""
    path = path or progress_file()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def record(assignment: str, grade_id: str, ok: bool, path: Path | None = None) -> None:
    """Store one check outcome; a file that cannot be written is silently skipped."""
    path = path or progress_file()
    data = load_progress(path)
    data.setdefault(assignment, {})[grade_id] = {
        "ok": bool(ok),
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass


def summary(check_data: dict[str, dict], saved: dict[str, dict[str, dict]]) -> list[dict]:
    """One row per assignment: its checks, which passed at their last run, and which never ran."""
    rows = []
    for assignment, data in sorted(check_data.items()):
        results = saved.get(assignment, {})
        ids = list(data.get("checks", {}))
        passed = [g for g in ids if results.get(g, {}).get("ok")]
        failed = [g for g in ids if g in results and not results[g].get("ok")]
        times = [results[g]["time"] for g in ids if g in results and "time" in results[g]]
        rows.append(
            {
                "assignment": assignment,
                "checks": ids,
                "passed": passed,
                "not_yet": failed,
                "not_run": [g for g in ids if g not in results],
                "last_check": max(times) if times else None,
            }
        )
    return rows
