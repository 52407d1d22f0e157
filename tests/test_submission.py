"""Submission names round-trip and reject names that carry no id."""

import re

import pytest

from mvs_course.submission import parse_submission_name, safe_id, student_id, submission_name


def test_round_trip():
    name = submission_name("ana.smith", "01_buyer_vs_seller")
    assert name == "ana.smith__01_buyer_vs_seller.zip"
    assert parse_submission_name(name) == ("ana.smith", "01_buyer_vs_seller")


def test_unsafe_characters_are_replaced():
    assert submission_name("Ana Smith/../x", "01_a") == "Ana-Smith-..-x__01_a.zip"


def test_names_without_separator_are_not_parsed():
    assert parse_submission_name("homework.zip") is None
    assert parse_submission_name("__01_a.zip") is None


def test_empty_id_is_refused():
    with pytest.raises(ValueError, match="no letters"):
        safe_id(" /// ")


def test_names_in_any_script_make_a_download_name():
    assert submission_name("张伟", "01_a") == "张伟__01_a.zip"
    assert parse_submission_name("张伟__01_a.zip") == ("张伟", "01_a")
    assert safe_id("ana\x1b]0;x\x07") == "ana-0-x"  # no control characters in a file name


def test_student_ids_are_lowercase_ascii_and_stable():
    assert student_id("Alice") == student_id("alice") == student_id(" ALICE ") == "alice"
    assert student_id("Zoë Brontë") == "zoe-bronte" and student_id("Łukasz Øby") == "lukasz-oby"
    wei, na = student_id("张伟"), student_id("李娜")
    assert re.fullmatch(r"student-[0-9a-f]{8}", wei) and wei != na and wei == student_id("张伟")
    assert re.fullmatch(r"ana-[0-9a-f]{8}", student_id("Ana 张"))
    with pytest.raises(ValueError, match="no letters"):
        student_id(" -- ")
