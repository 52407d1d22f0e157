"""Submission names round-trip and reject names that carry no id."""

import pytest

from mvs_course.submission import parse_submission_name, safe_id, submission_name


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
