"""Before nbgrader's own checks: put tampered nbgrader metadata back as the gradebook says,
restore deleted test cells, and describe malformed submission files in plain words."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor, OverwriteCells

from .preprocessor import _source_cells

SCHEMA_VERSION = 3


def _metadata(source: dict) -> dict:
    meta = {
        "grade": source["grade"],
        "grade_id": None,
        "locked": source["locked"],
        "schema_version": SCHEMA_VERSION,
        "solution": source["solution"],
        "task": source["task"],
    }
    if source["grade"] or source["task"]:
        meta["points"] = source["points"] or 0.0
    return meta


class RepairMetadata(NbGraderPreprocessor):
    """Rewrite every cell's nbgrader metadata from the gradebook; strip unknown ids; re-add lost tests."""

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        info = resources["nbgrader"]
        sources = _source_cells(info["db_url"], info["notebook"], info["assignment"])
        notes = []
        seen: set[str] = set()
        for index, cell in enumerate(nb.cells):
            meta = cell.get("metadata", {})
            raw = meta.get("nbgrader")
            if raw is None:
                continue
            grade_id = raw.get("grade_id") if isinstance(raw, dict) else None
            source = sources.get(grade_id) if isinstance(grade_id, str) else None
            if source is None or grade_id in seen:
                what = "an unknown" if source is None else "a duplicated"
                notes.append(f"cell {index}: {what} nbgrader id {grade_id!r} was ignored")
                del meta["nbgrader"]
                continue
            seen.add(grade_id)
            fixed = {**_metadata(source), "grade_id": grade_id}
            if "checksum" in raw:
                fixed["checksum"] = raw["checksum"]
            if {k: raw.get(k) for k in fixed} != fixed:
                notes.append(f"cell {index} ({grade_id}): tampered nbgrader metadata was restored")
            meta["nbgrader"] = fixed
        notes += self._reattach(nb, sources, seen)
        notes += self._restore_missing(nb, sources, seen)
        for note in notes:
            self.log.warning("[sandbox] %s/%s: %s", info.get("student"), info["notebook"], note)
        resources.setdefault("mvs_repairs", []).extend(notes)
        return nb, resources

    def _reattach(self, nb: NotebookNode, sources: dict, present: set[str]) -> list[str]:
        """Cells whose nbgrader metadata was stripped but whose locked text is intact get it back."""
        notes = []
        for index, cell in enumerate(nb.cells):
            if "nbgrader" in cell.get("metadata", {}):
                continue
            for grade_id, source in sorted(sources.items(), key=lambda kv: kv[1]["position"]):
                if grade_id in present or not source["locked"] or source["cell_type"] != cell.cell_type:
                    continue
                if _norm(cell.source) == _norm(source["source"]):
                    fixed = {**_metadata(source), "grade_id": grade_id, "checksum": source["checksum"]}
                    cell.metadata["nbgrader"] = fixed
                    present.add(grade_id)
                    notes.append(f"cell {index}: stripped nbgrader metadata of {grade_id!r} was restored")
                    break
        return notes

    def _restore_missing(self, nb: NotebookNode, sources: dict, present: set[str]) -> list[str]:
        notes = []
        transform = OverwriteCells(parent=self).missing_cell_transform
        for grade_id, source in sorted(sources.items(), key=lambda kv: kv[1]["position"]):
            wanted = source["grade"] or (source["locked"] and source["cell_type"] == "code")
            if grade_id in present or not wanted or source["solution"]:
                continue
            # after the nearest earlier instructor cell still in the notebook, else at the top
            where = 0
            for index, cell in enumerate(nb.cells):
                other = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                if other in sources and sources[other]["position"] < source["position"]:
                    where = index + 1
            record = _Record(grade_id, source)
            if source["grade"]:
                new = nbformat.from_dict(transform(record, source["points"] or 0.0))
                new["metadata"]["nbgrader"]["schema_version"] = SCHEMA_VERSION
            else:
                new = (
                    nbformat.v4.new_code_cell(source["source"])
                    if source["cell_type"] == "code"
                    else (nbformat.v4.new_markdown_cell(source["source"]))
                )
                new.metadata["nbgrader"] = {
                    **_metadata(source),
                    "grade_id": grade_id,
                    "checksum": source["checksum"],
                }
            nb.cells.insert(where, new)
            present.add(grade_id)
            notes.append(f"missing cell {grade_id!r} was restored from the source")
        return notes


_HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS[ \t]*$\n?", re.S | re.M)


def _differs(cell: NotebookNode, source: NotebookNode) -> bool:
    """Whether a locked cell was edited (test cells are compared without their hidden part)."""

    return _norm(cell.source) != _norm(source.source)


def _norm(text: str) -> str:
    return "\n".join(line.rstrip() for line in _HIDDEN.sub("", text).strip().splitlines())


class _Record:
    """The attributes OverwriteCells.missing_cell_transform reads from a gradebook SourceCell."""

    def __init__(self, name: str, source: dict) -> None:
        self.name, self.cell_type, self.locked = name, source["cell_type"], source["locked"]
        self.source, self.checksum = source["source"], source["checksum"]


def check_submission(submitted: Path, source: Path) -> list[str]:
    """Plain-words problems with one student's submitted assignment folder (empty: looks fine).

    ``submitted`` is submitted/<student>/<assignment>, ``source`` the assignment's source folder.
    """
    problems = []
    expected = sorted(p.name for p in Path(source).glob("*.ipynb"))
    found = sorted(p.name for p in Path(submitted).glob("*.ipynb")) if Path(submitted).is_dir() else []
    for name in expected:
        if name not in found:
            others = [f for f in found if f not in expected]
            hint = f" (found {', '.join(others)}: rename it to {name})" if others else ""
            problems.append(f"missing notebook {name}{hint}; it scores zero")
    for name in found:
        if name not in expected:
            continue
        path = Path(submitted) / name
        try:
            raw = json.loads(path.read_bytes())
        except (ValueError, UnicodeDecodeError) as err:
            problems.append(f"{name} is not a valid notebook file (broken JSON: {err}); it scores zero")
            continue
        if not isinstance(raw, dict) or not isinstance(raw.get("nbformat"), int):
            problems.append(f"{name} has no notebook format version; it scores zero")
            continue
        if raw["nbformat"] != 4:
            problems.append(f"{name} uses notebook format {raw['nbformat']}, not 4; it was converted")
        try:
            nb = nbformat.reads(json.dumps(raw), as_version=4)
        except Exception as err:  # noqa: BLE001 - nbformat raises many kinds
            problems.append(f"{name} cannot be read as a notebook ({str(err)[:200]}); it scores zero")
            continue
        ref = nbformat.read(Path(source) / name, as_version=4)
        ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in ref.cells]
        wanted = {i: c for i, c in zip(ids, ref.cells, strict=True) if i}
        seen: dict[str, int] = {}
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader")
            if isinstance(meta, dict) and isinstance(meta.get("grade_id"), str):
                seen[meta["grade_id"]] = seen.get(meta["grade_id"], 0) + 1
                gid, want = meta["grade_id"], wanted.get(meta["grade_id"])
                if want is not None and meta.get("schema_version") != SCHEMA_VERSION:
                    problems.append(f"{name}: cell {gid!r} has a changed schema_version; restored")
                elif want is not None and any(
                    meta.get(k) != want.metadata.nbgrader.get(k)
                    for k in ("grade", "solution", "locked", "points")
                ):
                    problems.append(f"{name}: cell {gid!r} has changed nbgrader metadata; restored")
                elif want is not None and want.metadata.nbgrader.get("locked") and _differs(cell, want):
                    problems.append(f"{name}: locked cell {gid!r} was edited; the original is graded")
        lost = [gid for gid in wanted if gid not in seen]
        if len(lost) > 3:
            problems.append(
                f"{name}: {len(lost)} cells are missing or lost their nbgrader metadata "
                f"({', '.join(lost[:4])}, ...); restored from the source"
            )
        else:
            problems += [
                f"{name}: cell {g!r} is missing (deleted, or its metadata stripped); restored" for g in lost
            ]
        for gid in wanted:
            if gid in seen and seen[gid] > 1:
                problems.append(f"{name}: cell {gid!r} appears {seen[gid]} times; only the first counts")
    return problems
