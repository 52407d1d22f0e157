"""``RepairMetadata``: put a tampered submission's nbgrader metadata back as the gradebook
says, before nbgrader's own sanitizing steps, and say what was wrong in plain words.

A student can edit a cell's nbgrader metadata (points, grade, locked, the schema version),
strip it, duplicate a cell or delete a test cell. nbgrader trusts that metadata; this step
rewrites every cell's from the gradebook (which recorded the instructor's source), ignores
unknown or duplicated grade ids, gives stripped test cells their metadata back and restores
deleted ones. Locked cells that were edited are left to nbgrader's ``OverwriteCells``
(which puts the original back) and only noted. Its notes go to ``resources["repairs"]``.
"""

from __future__ import annotations

from typing import Any

import nbformat
from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor, OverwriteCells
from traitlets import Integer

from ... import nbmeta
from ..sandbox.preprocessor import source_cells


def _metadata(grade_id: str, source: dict[str, Any]) -> dict[str, Any]:
    """The nbgrader metadata the instructor's cell had (checksum aside)."""
    meta = {
        "grade": source["grade"],
        "grade_id": grade_id,
        "locked": source["locked"],
        "schema_version": nbmeta.SCHEMA_VERSION,
        "solution": source["solution"],
        "task": source["task"],
    }
    if source["grade"] or source["task"]:
        meta["points"] = source["points"] or 0.0
    return meta


def _norm(text: str) -> str:
    """Cell text as compared for edits: hidden tests removed, trailing blanks ignored."""
    return "\n".join(line.rstrip() for line in nbmeta.without_hidden(text).strip().splitlines())


class _Record:
    """The attributes ``OverwriteCells.missing_cell_transform`` reads from a gradebook cell."""

    def __init__(self, name: str, source: dict[str, Any]) -> None:
        self.name, self.cell_type, self.locked = name, source["cell_type"], source["locked"]
        self.source, self.checksum = source["source"], source["checksum"]


class RepairMetadata(NbGraderPreprocessor):
    """Rewrite every cell's nbgrader metadata from the gradebook, ignore unknown or duplicated
    grade ids, restore stripped and deleted instructor cells; notes in ``resources["repairs"]``."""

    summarize_after = Integer(
        3, help="More missing cells than this are reported in one line rather than one each."
    ).tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        info = resources["nbgrader"]
        sources = source_cells(info["db_url"], info["notebook"], info["assignment"])
        notes: list[str] = []
        seen: dict[str, int] = {}
        for index, cell in enumerate(nb.cells):
            meta = cell.get("metadata")
            if not isinstance(meta, dict) or "nbgrader" not in meta:
                continue
            raw = meta["nbgrader"]
            grade_id = nbmeta.grade_id(cell)
            source = sources.get(grade_id) if grade_id else None
            if source is None:
                notes.append(f"cell {index}: an unknown nbgrader id {grade_id!r} was ignored")
                del meta["nbgrader"]
                continue
            seen[grade_id] = seen.get(grade_id, 0) + 1
            if seen[grade_id] > 1:
                del meta["nbgrader"]
                continue
            fixed = _metadata(grade_id, source)
            if "checksum" in raw:
                fixed["checksum"] = raw["checksum"]
            if raw.get("schema_version") != nbmeta.SCHEMA_VERSION:
                notes.append(f"cell {grade_id!r} has a changed schema_version; restored")
            elif {k: raw.get(k) for k in fixed} != fixed:
                notes.append(f"cell {grade_id!r} has changed nbgrader metadata; restored")
            elif source["locked"] and _norm(cell.get("source", "")) != _norm(source["source"]):
                notes.append(f"locked cell {grade_id!r} was edited; the original is graded")
            meta["nbgrader"] = fixed
        notes += [f"cell {g!r} appears {n} times; only the first counts" for g, n in seen.items() if n > 1]
        present = set(seen)
        lost = self._reattach(nb, sources, present)
        lost += self._reattach_answers(nb, sources, present)
        lost += self._restore_missing(nb, sources, present)
        if len(lost) > self.summarize_after:
            names = ", ".join(repr(g) for g, _ in lost[:4])
            what = "cells are missing or lost their nbgrader metadata"
            notes.append(f"{len(lost)} {what} ({names}, ...); restored")
        else:
            notes += [note for _, note in lost]
        resources["repairs"] = notes
        return nb, resources

    def _reattach(self, nb: NotebookNode, sources: dict, present: set[str]) -> list[tuple[str, str]]:
        """Cells whose nbgrader metadata was stripped but whose locked text is intact get it back."""
        restored = []
        ordered = sorted(sources.items(), key=lambda kv: kv[1]["position"])
        for cell in nb.cells:
            if "nbgrader" in cell.get("metadata", {}):
                continue
            for grade_id, source in ordered:
                if grade_id in present or not source["locked"] or source["cell_type"] != cell.cell_type:
                    continue
                if _norm(cell.source) == _norm(source["source"]):
                    cell.metadata["nbgrader"] = {
                        **_metadata(grade_id, source),
                        "checksum": source["checksum"],
                    }
                    present.add(grade_id)
                    note = f"cell {grade_id!r} is missing its nbgrader metadata; restored"
                    restored.append((grade_id, note))
                    break
        return restored

    def _reattach_answers(self, nb: NotebookNode, sources: dict, present: set[str]) -> list[tuple[str, str]]:
        """Answer cells whose metadata was stripped get it back by place: the first cell of the
        answer's type without nbgrader metadata between the instructor cells around it.

        (nbgrader's own OverwriteCells fails on a notebook whose missing grade cell follows a
        missing answer; and the student's answer, not a blank stub, is what gets graded.)"""
        restored = []
        for grade_id, source in sorted(sources.items(), key=lambda kv: kv[1]["position"]):
            if grade_id in present or not source["solution"]:
                continue
            start, end = self._between(nb, sources, source["position"])
            for cell in nb.cells[start:end]:
                if "nbgrader" not in cell.get("metadata", {}) and cell.cell_type == source["cell_type"]:
                    cell.metadata["nbgrader"] = _metadata(grade_id, source)
                    present.add(grade_id)
                    restored.append(
                        (grade_id, f"cell {grade_id!r} is missing its nbgrader metadata; restored")
                    )
                    break
        return restored

    @staticmethod
    def _between(nb: NotebookNode, sources: dict, position: int) -> tuple[int, int]:
        """Cell indices after the nearest earlier and before the nearest later instructor cell."""
        start, end = 0, len(nb.cells)
        for index, cell in enumerate(nb.cells):
            other = nbmeta.grade_id(cell)
            if other not in sources:
                continue
            if sources[other]["position"] < position:
                start = index + 1
            elif sources[other]["position"] > position and end == len(nb.cells):
                end = index
        return start, max(start, end)

    def _restore_missing(self, nb: NotebookNode, sources: dict, present: set[str]) -> list[tuple[str, str]]:
        """Deleted test and locked code cells come back from the gradebook, in source order."""
        restored = []
        transform = OverwriteCells(parent=self).missing_cell_transform
        for grade_id, source in sorted(sources.items(), key=lambda kv: kv[1]["position"]):
            wanted = source["grade"] or (source["locked"] and source["cell_type"] == "code")
            if grade_id in present or not wanted:
                continue
            # where it stood: before the next instructor cell still in the notebook (cells the
            # release put between, like a check cell, stay before it), else after the last one
            later = [
                index
                for index, cell in enumerate(nb.cells)
                if nbmeta.grade_id(cell) in sources
                and sources[nbmeta.grade_id(cell)]["position"] > source["position"]
            ]
            where = min(later) if later else len(nb.cells)
            if source["grade"]:
                record, points = _Record(grade_id, source), source["points"] or 0.0
                new = nbformat.from_dict(transform(record, points, is_solution=source["solution"]))
                new["metadata"]["nbgrader"]["schema_version"] = nbmeta.SCHEMA_VERSION
            else:
                v4 = nbformat.v4
                make = v4.new_code_cell if source["cell_type"] == "code" else v4.new_markdown_cell
                new = make(source["source"])
                new.metadata["nbgrader"] = {**_metadata(grade_id, source), "checksum": source["checksum"]}
            nb.cells.insert(where, new)
            present.add(grade_id)
            restored.append((grade_id, f"cell {grade_id!r} is missing (deleted); restored from the source"))
        return restored
