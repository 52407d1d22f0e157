"""How a learner's work is named when it leaves JupyterLab: one zip per student and assignment.

The learner's "download my work" button writes ``<student>__<assignment>.zip`` holding
``<assignment>/<notebook>.ipynb``; ``mvs-course collect`` reads exactly that form back.
Names keep their letters in any script (``张伟__01_a.zip``); :func:`student_id` turns a name
into the ASCII id the gradebook and the ``submitted/`` folders use.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

SEPARATOR = "__"
_SAFE = re.compile(r"[^\w.-]+")  # \w: letters and digits of any script, and "_"
_ID_SAFE = re.compile(r"[^a-z0-9._-]+")
# Latin letters that Unicode does not decompose into a base letter and an accent
_FOLD = str.maketrans(
    {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)


def safe_id(text: str) -> str:
    """A student name or assignment name reduced to characters safe in file names: letters and
    digits of any script, ``.``, ``_`` and ``-`` (case and script kept)."""
    cleaned = _SAFE.sub("-", unicodedata.normalize("NFKC", text).strip()).strip("-.")
    if not cleaned:
        raise ValueError(f"{text!r} has no letters or digits to use as a name")
    return cleaned


def student_id(name: str) -> str:
    """The stable ASCII id of a student's name: lowercase (``Alice`` and ``alice`` are one
    student), accents dropped (``Zoë`` -> ``zoe``). A name with letters that have no ASCII form
    (``张伟``, ``Ольга``) gets a short hash of the whole name, so different names never share
    an id: ``student-3f2a9c1b``, or ``ana-3f2a9c1b`` for ``Ana 张``."""
    text = unicodedata.normalize("NFKC", name).strip().casefold().translate(_FOLD)
    ascii_part, lost = [], False
    for char in unicodedata.normalize("NFKD", text):
        if char.isascii():
            ascii_part.append(char)
        elif char.isalnum():  # a letter or digit with no ASCII form (combining accents are not)
            lost = True
    slug = _ID_SAFE.sub("-", "".join(ascii_part)).strip("-.")
    if not lost:
        if not slug:
            raise ValueError(f"{name!r} has no letters or digits to use as a name")
        return slug
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    return f"{slug or 'student'}-{digest}"


def submission_name(student: str, assignment: str) -> str:
    """The zip name for one student's work on one assignment."""
    return f"{safe_id(student)}{SEPARATOR}{safe_id(assignment)}.zip"


def parse_submission_name(name: str) -> tuple[str, str] | None:
    """(student, assignment) from a name made by :func:`submission_name`, else None."""
    stem = name[:-4] if name.lower().endswith(".zip") else name
    student, sep, assignment = stem.rpartition(SEPARATOR)
    if not sep or not student or not assignment:
        return None
    return student, assignment
