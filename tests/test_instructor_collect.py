"""collect never loses a file: it never overwrites silently, never lets one bad input stop the
others, never lets a file replace another student's work, and says what it could not place."""

from __future__ import annotations

import io
import os
import re
import shutil
import struct
import time
import zipfile
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import nbformat
import pytest
from conftest import ASSIGNMENTS, ROOT
from nbformat.v4 import new_code_cell, new_notebook
from nbgrader.utils import parse_utc

from mvs_course.grading.collect import collect
from mvs_course.grading.course import Course, CourseError
from mvs_course.grading.grade import failure_reason
from mvs_course.grading.unpack import Limits

ASSIGNMENT = ASSIGNMENTS[0]


@pytest.fixture(scope="module")
def empty_gradebook(tmp_path_factory) -> Path:
    """A new gradebook, made once (nbgrader runs `alembic` to make one: seconds)."""
    course = Course.open(tmp_path_factory.mktemp("gradebook"), project=ROOT)
    with course.gradebook():
        pass
    return Path(course.db_url.removeprefix("sqlite:///"))


@pytest.fixture
def course(tmp_path, empty_gradebook):
    """A course dir as after a release: it has a gradebook."""
    course = Course.open(tmp_path / "course", project=ROOT)
    shutil.copy(empty_gradebook, course.db_url.removeprefix("sqlite:///"))
    return course


@pytest.fixture
def nb_name():
    return sorted((ROOT / "solutions" / ASSIGNMENT).glob("*.ipynb"))[0].name


def _nb(text: str) -> bytes:
    return nbformat.writes(new_notebook(cells=[new_code_cell(text)])).encode()


def test_a_changed_resubmission_moves_the_earlier_one_to_superseded(course, tmp_path):
    path = tmp_path / f"ana__{ASSIGNMENT}.ipynb"
    path.write_bytes(_nb("x = 1"))
    first = collect(course, ASSIGNMENT, [path])
    assert [p.student for p in first.placed] == ["ana"] and first.placed[0].superseded is None

    again = collect(course, ASSIGNMENT, [path])
    assert again.unchanged == [str(path)] and not again.placed

    path.write_bytes(_nb("x = 2"))
    changed = collect(course, ASSIGNMENT, [path])
    (placed,) = changed.placed
    assert placed.superseded is not None and placed.superseded.is_relative_to(
        course.course_dir / "superseded"
    )
    assert b"x = 1" in placed.superseded.read_bytes()
    assert b"x = 2" in placed.dest.read_bytes()


def test_unplaceable_inputs_are_reported_with_a_reason(course, tmp_path, nb_name):
    other = tmp_path / "bo__another_assignment.zip"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr(f"another_assignment/{nb_name}", _nb("y = 1"))
    bulk = tmp_path / "bulk.zip"
    with zipfile.ZipFile(bulk, "w") as zf:
        zf.writestr("__MACOSX/._junk.ipynb", b"junk")  # never a submission, never reported
        zf.writestr("cara_1_2_report.pdf", b"%PDF")
        zf.writestr("notes.ipynb", _nb("z = 1"))
    report = collect(course, ASSIGNMENT, [other, bulk])
    reasons = {u.source.rsplit(":", 1)[-1]: u.reason for u in report.unplaced}
    assert not report.placed
    assert "another_assignment" in reasons[f"another_assignment/{nb_name}"]
    assert "not a notebook" in reasons["cara_1_2_report.pdf"]
    assert "--student" in reasons["notes.ipynb"]
    assert not any("__MACOSX" in key for key in reasons)


def test_student_option_places_an_anonymous_download(course, tmp_path):
    path = tmp_path / "Untitled (1).ipynb"
    path.write_bytes(_nb("x = 1"))
    report = collect(course, ASSIGNMENT, [path], student="Dora M")
    (placed,) = report.placed
    assert placed.student == "dora-m"
    assert placed.dest.parent == course.course_dir / "submitted" / "dora-m" / ASSIGNMENT


def test_a_broken_notebook_is_placed_with_a_warning(course, tmp_path):
    path = tmp_path / f"eve__{ASSIGNMENT}.ipynb"
    path.write_text("{not json")
    (placed,) = collect(course, ASSIGNMENT, [path]).placed
    assert "not a valid notebook" in placed.warning


def test_failure_reason_names_the_real_exception():
    log = "Traceback ...\n    nbformat.reader.NotJSONError: Notebook does not appear to be JSON\n[ERROR] x"
    error = "nbgrader.converters.base.NbGraderException: Please see the the above traceback"
    assert failure_reason({"log": log, "error": error}).startswith("nbformat.reader.NotJSONError")


# --- helpers for the inputs below --------------------------------------------------------------

NOW = time.time()
HOUR = 3600


def _file(path: Path, data: bytes, mtime: float = NOW - HOUR) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, (mtime, mtime))
    return path


def _zip(path: Path, members: dict[str, bytes], when: tuple = (2026, 11, 30, 9, 15, 0)) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name, when), data, zipfile.ZIP_DEFLATED)
    return path


def _placed(report) -> dict[str, str]:
    """student -> the notebook source placed for them (the code of its one cell)."""
    return {
        p.student: nbformat.reads(p.dest.read_text(), as_version=4).cells[0].source for p in report.placed
    }


def _reasons(report) -> dict[str, str]:
    return {u.source.rsplit("/", 1)[-1].rsplit(":", 1)[-1]: u.reason for u in report.unplaced}


def _raw_control(text: str) -> bool:
    return any((ord(c) < 32 and c != "\n") or 0x7F <= ord(c) < 0xA0 for c in text)


# --- one bad file never stops the others ---------------------------------------------------------


def test_unicode_names_get_a_stable_ascii_id_and_keep_their_name(course, tmp_path, nb_name):
    bulk = _zip(
        tmp_path / "moodle.zip",
        {
            f"张伟_104_assignsubmission_file_/{nb_name}": _nb("x = 'wei'"),
            f"Zoë Brontë_105_assignsubmission_file_/{nb_name}": _nb("x = 'zoe'"),
        },
    )
    learner = _zip(tmp_path / f"Ольга__{ASSIGNMENT}.zip", {f"{ASSIGNMENT}/{nb_name}": _nb("x = 'olga'")})
    report = collect(course, ASSIGNMENT, [bulk, learner])
    assert not report.unplaced
    placed = {p.display_name: p.student for p in report.placed}
    assert set(placed) == {"张伟", "Zoë Brontë", "Ольга"}
    assert re.fullmatch(r"student-[0-9a-f]{8}", placed["张伟"]) and placed["Zoë Brontë"] == "zoe-bronte"
    assert placed["Ольга"] != placed["张伟"] and placed["Ольга"].isascii()
    again = collect(course, ASSIGNMENT, [bulk, learner])  # the same ids next time
    assert not again.placed and len(again.unchanged) == 3
    with course.gradebook() as gb:  # nbgrader and the formgrader show the name beside the id
        wei = gb.find_student(placed["张伟"])
        assert (wei.last_name, wei.lms_user_id) == ("张伟", "104")


def test_one_bad_input_never_stops_the_others(course, tmp_path, nb_name):
    inbox = tmp_path / "inbox"
    _file(inbox / f"ana__{ASSIGNMENT}.ipynb", _nb("x = 'ana'"))
    _file(inbox / "broken.zip", b"PK\x03\x04 not really a zip")
    _file(inbox / f"--__{ASSIGNMENT}.ipynb", _nb("x = 'no name'"))  # no letters in the id
    _zip(inbox / "encrypted.zip", {f"bo__{ASSIGNMENT}.ipynb": _nb("x")})
    with open(inbox / "encrypted.zip", "r+b") as handle:  # set the "encrypted" flag of its entry
        data = bytearray(handle.read())
        data[6] |= 1
        data[data.rindex(b"PK\x01\x02") + 8] |= 1
        handle.seek(0)
        handle.write(data)
    report = collect(course, ASSIGNMENT, [inbox, tmp_path / "missing.zip"])
    assert _placed(report) == {"ana": "x = 'ana'"}
    reasons = _reasons(report)
    assert "not a readable zip" in reasons["broken.zip"]
    assert "student id" in reasons[f"--__{ASSIGNMENT}.ipynb"]
    assert "cannot be unpacked" in reasons[f"bo__{ASSIGNMENT}.ipynb"]
    assert "cannot be read" in reasons["missing.zip"]


def _deflate_zeros(size: int) -> bytes:
    """A raw deflate stream of ``size`` zero bytes, from one 1 MiB block repeated (no need to
    compress gigabytes: a fully flushed block does not depend on what came before)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(1 << 20)) + compressor.flush(zlib.Z_FULL_FLUSH)
    stream = block * (size >> 20) + compressor.flush(zlib.Z_FINISH)
    if size <= 8 << 20:
        assert zlib.decompress(stream, -15) == bytes(size)
    return stream


def _raw_zip(path: Path, entries: list[tuple[str, bytes, int, int]]) -> Path:
    """A zip of (name, deflated data, unpacked size, crc) entries, written by hand."""
    local, central = bytearray(), bytearray()
    for name, data, size, crc in entries:
        encoded = name.encode()
        header = struct.pack("<HHHHHIIIHH", 20, 0, 8, 0, 0x5B21, crc, len(data), size, len(encoded), 0)
        central += (
            b"PK\x01\x02" + struct.pack("<H", 20) + header + struct.pack("<HHHII", 0, 0, 0, 0, len(local))
        )
        central += encoded
        local += b"PK\x03\x04" + header + encoded + data
    end = struct.pack("<HHHHIIH", 0, 0, len(entries), len(entries), len(central), len(local), 0)
    path.write_bytes(bytes(local + central) + b"PK\x05\x06" + end)
    return path


def test_a_zip_bomb_is_not_unpacked_and_the_rest_is_collected(course, tmp_path):
    good = _nb("x = 'cara'")
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = compressor.compress(good) + compressor.flush()
    three_gib = 3 << 30
    bomb = _raw_zip(
        tmp_path / "bomb.zip",
        [
            (f"eve__{ASSIGNMENT}.ipynb", _deflate_zeros(three_gib), three_gib, 0),
            (f"cara__{ASSIGNMENT}.ipynb", packed, len(good), zlib.crc32(good)),
        ],
    )
    assert bomb.stat().st_size < 4 << 20  # a 3 MB zip holding a 3 GiB member
    dense = _zip(tmp_path / f"dan__{ASSIGNMENT}.zip", {f"{ASSIGNMENT}/x.ipynb": bytes(8 << 20)})
    report = collect(course, ASSIGNMENT, [bomb, dense])
    assert _placed(report) == {"cara": "x = 'cara'"}
    reasons = _reasons(report)
    assert "too large" in reasons[f"eve__{ASSIGNMENT}.ipynb"]
    assert "compressed more than" in reasons["x.ipynb"]
    assert not list(course.course_dir.glob(".collect-*"))  # nothing left behind


def test_the_total_size_is_limited_too(course, tmp_path):
    inbox = tmp_path / "inbox"
    for who in ("ana", "bo", "cara"):
        _file(inbox / f"{who}__{ASSIGNMENT}.ipynb", _nb("y = '" + "z" * 3000 + "'"))
    report = collect(course, ASSIGNMENT, [inbox], limits=Limits(total_bytes=7000))
    assert set(_placed(report)) == {"ana", "bo"}
    assert "larger than 7000 bytes in total" in _reasons(report)[f"cara__{ASSIGNMENT}.ipynb"]


def test_zips_nested_1200_deep_are_reported_not_followed(course, tmp_path, nb_name):
    data, name = _nb("x = 'deep'"), f"eve__{ASSIGNMENT}.ipynb"
    for level in range(1200):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as zf:
            zf.writestr(name, data)
        data, name = buffer.getvalue(), f"level{level}.zip"
    nested = _file(tmp_path / "nested.zip", data)
    ana = _file(tmp_path / f"ana__{ASSIGNMENT}.ipynb", _nb("x = 'ana'"))
    report = collect(course, ASSIGNMENT, [nested, ana])
    assert _placed(report) == {"ana": "x = 'ana'"}
    (refused,) = report.unplaced
    assert "nested more than 3 deep" in refused.reason


def test_symbolic_links_are_refused(course, tmp_path, nb_name):
    inbox = tmp_path / "inbox"
    _file(inbox / f"ana__{ASSIGNMENT}.ipynb", _nb("x = 'ana'"))
    solution = ROOT / "solutions" / ASSIGNMENT / nb_name
    (inbox / f"eve__{ASSIGNMENT}.ipynb").symlink_to(solution)
    (inbox / "linked_folder").symlink_to(solution.parent, target_is_directory=True)
    report = collect(course, ASSIGNMENT, [inbox, inbox / f"eve__{ASSIGNMENT}.ipynb"])
    assert set(_placed(report)) == {"ana"}
    reasons = [u.reason for u in report.unplaced]
    assert len(reasons) == 3 and all("symbolic link" in r for r in reasons)


# --- who a file belongs to ------------------------------------------------------------------------


def test_two_lms_students_with_one_name_stay_two_students(course, tmp_path, nb_name):
    moodle = _zip(
        tmp_path / "moodle.zip",
        {
            f"Dan Loop_102_assignsubmission_file_/{nb_name}": _nb("x = 102"),
            f"Dan Loop_103_assignsubmission_file_/{nb_name}": _nb("x = 103"),
        },
    )
    canvas = _zip(
        tmp_path / "canvas.zip",
        {f"smithcara_201_1_{nb_name}": _nb("x = 201"), f"smithcara_205_2_{nb_name}": _nb("x = 205")},
    )
    report = collect(course, ASSIGNMENT, [moodle, canvas])
    assert _placed(report) == {
        "dan-loop": "x = 102",
        "dan-loop-103": "x = 103",
        "smithcara": "x = 201",
        "smithcara-205": "x = 205",
    }
    # next week only user 103 resubmits: it stays theirs, 102's work is untouched
    later = _zip(
        tmp_path / "moodle2.zip", {f"Dan Loop_103_assignsubmission_file_/{nb_name}": _nb("x = '103b'")}
    )
    again = collect(course, ASSIGNMENT, [later])
    assert _placed(again) == {"dan-loop-103": "x = '103b'"} and again.placed[0].superseded


def test_case_does_not_make_two_students(course, tmp_path):
    inbox = tmp_path / "inbox"
    _file(inbox / f"Alice__{ASSIGNMENT}.ipynb", _nb("x = 'early'"), NOW - 2 * HOUR)
    _file(inbox / "again" / f"alice__{ASSIGNMENT}.ipynb", _nb("x = 'late'"), NOW - HOUR)
    report = collect(course, ASSIGNMENT, [inbox])
    assert _placed(report) == {"alice": "x = 'late'"}
    assert [label.rsplit("/", 1)[-1] for label in report.older] == [f"Alice__{ASSIGNMENT}.ipynb"]


def test_a_roster_maps_lms_user_ids_to_student_ids(course, tmp_path, nb_name):
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "id,first_name,last_name,email,lms_user_id\ns001,Wei,Zhang,,104\ns002,Ana,Lima,a@x.org,105\n"
    )
    bulk = _zip(
        tmp_path / "moodle.zip",
        {
            f"张伟_104_assignsubmission_file_/{nb_name}": _nb("x = 104"),
            f"Ana Lima_105_assignsubmission_file_/{nb_name}": _nb("x = 105"),
            f"Late Joiner_106_assignsubmission_file_/{nb_name}": _nb("x = 106"),
        },
    )
    report = collect(course, ASSIGNMENT, [bulk], roster=roster)
    assert _placed(report) == {"s001": "x = 104", "s002": "x = 105", "late-joiner": "x = 106"}
    joiner = next(p for p in report.placed if p.student == "late-joiner")
    assert "not in the roster" in joiner.warning


def test_a_roster_with_a_mistake_is_refused_before_anything_is_placed(course, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("id,lms_user_id\ns001,104\ns002,104\n")
    with pytest.raises(CourseError, match="104"):
        collect(course, ASSIGNMENT, [tmp_path], roster=roster)


def test_a_named_file_never_replaces_another_students_work(course, tmp_path, nb_name):
    genuine = _file(tmp_path / "week1" / f"victim__{ASSIGNMENT}.ipynb", _nb("x = 'mine'"))
    assert _placed(collect(course, ASSIGNMENT, [genuine])) == {"victim": "x = 'mine'"}
    year_2100 = 4102444800
    blank = _file(tmp_path / "week2" / f"victim__{ASSIGNMENT}.ipynb", _nb("x = None"), year_2100)
    report = collect(course, ASSIGNMENT, [blank])
    assert not report.placed and "dated in the future" in report.unplaced[0].reason
    older = _file(tmp_path / "week3" / f"victim__{ASSIGNMENT}.ipynb", _nb("x = 'old'"), NOW - 30 * 24 * HOUR)
    report = collect(course, ASSIGNMENT, [older])
    assert not report.placed and "older than victim's submission" in report.unplaced[0].reason
    dest = course.course_dir / "submitted" / "victim" / ASSIGNMENT / nb_name
    assert b"mine" in dest.read_bytes()

    # in one upload, the future-dated copy does not win either
    inbox = tmp_path / "inbox"
    _file(inbox / f"ana__{ASSIGNMENT}.ipynb", _nb("x = 'ana'"))
    _file(inbox / "x" / f"Ana__{ASSIGNMENT}.ipynb", _nb("x = None"), year_2100)
    assert _placed(collect(course, ASSIGNMENT, [inbox])) == {"ana": "x = 'ana'"}


def test_a_student_the_lms_knows_gets_work_only_through_the_lms(course, tmp_path, nb_name):
    moodle = _zip(tmp_path / "moodle.zip", {f"Vic Tim_7_assignsubmission_file_/{nb_name}": _nb("x = 'lms'")})
    assert _placed(collect(course, ASSIGNMENT, [moodle])) == {"vic-tim": "x = 'lms'"}
    forged = _file(tmp_path / f"vic-tim__{ASSIGNMENT}.ipynb", _nb("x = None"), NOW)
    report = collect(course, ASSIGNMENT, [forged])
    assert not report.placed and "through the LMS" in report.unplaced[0].reason
    # the same in one upload: the LMS copy wins, the named one is reported
    both = collect(
        course,
        ASSIGNMENT,
        [
            _zip(tmp_path / "m2.zip", {f"Bo Li_8_assignsubmission_file_/{nb_name}": _nb("x = 8")}),
            _file(tmp_path / f"bo-li__{ASSIGNMENT}.ipynb", _nb("x = None"), NOW),
        ],
    )
    assert _placed(both) == {"bo-li": "x = 8"} and "came through the LMS" in both.unplaced[0].reason
    # and an LMS user's own upload named after someone else is still theirs
    decoy = _zip(
        tmp_path / "m3.zip", {f"Eve Ng_9_assignsubmission_file_/vic-tim__{ASSIGNMENT}.ipynb": _nb("x = 9")}
    )
    assert _placed(collect(course, ASSIGNMENT, [decoy])) == {"eve-ng": "x = 9"}


# --- nbgrader's timestamp and late submissions ------------------------------------------------


def test_timestamps_are_written_for_late_penalties_and_late_work_is_flagged(course, tmp_path, nb_name):
    due = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    with course.gradebook() as gb:
        gb.update_or_create_assignment(ASSIGNMENT, duedate=due.replace(tzinfo=None))
    on_time = local_tuple(due - timedelta(hours=2))
    late = local_tuple(due + timedelta(hours=3))
    moodle = _zip(
        tmp_path / "moodle.zip", {f"Ana Lima_5_assignsubmission_file_/{nb_name}": _nb("x")}, on_time
    )
    canvas = _zip(tmp_path / "canvas.zip", {f"smithbo_late_6_1_{nb_name}": _nb("y")}, on_time)
    loose = _file(tmp_path / f"cara__{ASSIGNMENT}.ipynb", _nb("z"), (due + timedelta(hours=1)).timestamp())
    inside = _zip(tmp_path / "bulk.zip", {f"Dan Ng_7_assignsubmission_file_/{nb_name}": _nb("w")}, late)
    report = collect(course, ASSIGNMENT, [moodle, canvas, loose, inside])
    late_flags = {p.student: (p.late, p.warning) for p in report.placed}
    assert late_flags["ana-lima"] == (False, "")
    assert late_flags["smithbo"][0] and "LMS marked it late" in late_flags["smithbo"][1]
    assert late_flags["cara"][0] and "LATE" in late_flags["cara"][1]
    assert late_flags["dan-ng"][0]
    stamps = {
        who: parse_utc((course.course_dir / "submitted" / who / ASSIGNMENT / "timestamp.txt").read_text())
        for who in late_flags
    }
    assert stamps["ana-lima"] == (due - timedelta(hours=2)).replace(tzinfo=None)
    assert stamps["cara"] == (due + timedelta(hours=1)).replace(tzinfo=None)
    assert "(1 late)" not in "\n".join(report.lines()) and "(3 late)" in "\n".join(report.lines())


def local_tuple(when: datetime) -> tuple:
    """A zip entry's date_time for ``when`` (zips store local time)."""
    return when.astimezone().timetuple()[:6]


# --- the report is safe to print --------------------------------------------------------------


def test_the_report_never_carries_raw_control_characters(course, tmp_path):
    hostile = _zip(
        tmp_path / "bulk.zip",
        {
            "\x1b]0;all passed\x07\x1b[2J.ipynb": _nb("x"),
            "notes\x1b[31m.txt": b"x",
            "\u202eevil.ipynb": _nb("y"),
        },
    )
    report = collect(course, ASSIGNMENT, [hostile])
    text = "\n".join(report.lines(course.course_dir))
    assert len(report.unplaced) == 3 and not _raw_control(text) and "\u202e" not in text
    assert "\\x1b]0;all passed\\x07" in text


def test_an_invalid_notebook_is_described_in_plain_words(course, tmp_path):
    path = tmp_path / f"fay__{ASSIGNMENT}.ipynb"
    path.write_text('{"nbformat": 4, "nbformat_minor": 5, "cells": 7, "metadata": {}}')
    (placed,) = collect(course, ASSIGNMENT, [path]).placed
    assert "cannot be read as a notebook" in placed.warning
    assert "TypeError" not in placed.warning
