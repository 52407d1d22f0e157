"""What must never reach students: solution code, hidden tests and their markers, found by line."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import nbformat

from .. import nbmeta

MIN_LENGTH = 12  # shorter lines ("return x", "else:") are too common to be a leak
DISTINCT_LENGTH = 30  # one line this long is specific enough; shorter ones count in pairs


def _lines(block: str) -> set[str]:
    return {line.strip() for line in block.splitlines() if len(line.strip()) >= MIN_LENGTH}


def _public_lines(release_dir: Path) -> set[str]:
    """Lines the student is given anyway (signatures, visible asserts, set-up)."""
    found: set[str] = set()
    for path in release_dir.rglob("*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            found |= _lines(cell.source)
    return found


def secret_lines(source_dir: Path, release_dir: Path) -> dict[str, str]:
    """line -> where it comes from, for every solution and hidden-test line not in the release."""
    public = _public_lines(release_dir)
    secrets: dict[str, str] = {}
    for path in sorted(source_dir.rglob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            blocks = nbmeta.hidden_blocks(cell.source)
            if nbmeta.is_answer(cell):
                blocks += nbmeta.solution_blocks(cell.source) or [cell.source]
            for block in blocks:
                for line in _lines(block) - public:
                    secrets.setdefault(line, f"{path.parent.name}/{path.name} cell {nbmeta.grade_id(cell)}")
    return secrets


def _texts(path: Path) -> Iterable[str]:
    if path.suffix == ".ipynb":
        try:
            yield from (cell.source for cell in nbformat.read(path, as_version=4).cells)
            return
        except Exception:  # not a notebook after all: scan it as text
            pass
    try:
        yield path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return


# the module that defines the markers carries them as constants, not as a leak
MARKER_DEFINITIONS = (Path("src/mvs_course/nbmeta.py"),)


def find_leaks(folder: Path, secrets: dict[str, str]) -> list[str]:
    """Every marker, and every secret line that is long or comes with another from its cell."""
    problems = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and ".git" not in p.parts):
        rel = path.relative_to(folder)
        for text in _texts(path):
            for marker in [] if rel in MARKER_DEFINITIONS else nbmeta.leak_markers_in(text):
                problems.append(f"{rel}: contains the marker {marker!r}")
            present = _lines(text) & secrets.keys()
            per_cell: dict[str, int] = {}
            for line in present:
                per_cell[secrets[line]] = per_cell.get(secrets[line], 0) + 1
            for line in sorted(present):
                if len(line) >= DISTINCT_LENGTH or per_cell[secrets[line]] >= 2:
                    problems.append(f"{rel}: carries a line from {secrets[line]}: {line[:60]!r}")
    return problems
