"""Decimal commas (issue 12, item 8): "5,5" means 5.5 wherever a learner types a number; "1,234" is ambiguous."""

import pytest

from mgcourse import signalling, units, widgets
from mgcourse.checks import Checker
from mgcourse.units import parse_number


@pytest.mark.parametrize("text, expected", [
    ("5,5", 5.5), ("0,85", 0.85), ("-3,2", -3.2), (" 7,0 ", 7.0), ("5.5", 5.5), ("1,234.5", 1234.5),
    ("12,345,678", 12345678.0), (",5", 0.5), ("1,5e3", 1500.0), (42, 42.0), (2.5, 2.5),
])
def test_numbers_are_read_with_a_decimal_comma(text, expected):
    assert parse_number(text) == pytest.approx(expected)


@pytest.mark.parametrize("text, message", [
    ("1,234", "ambiguous"), ("12,345", "ambiguous"), ("abc", "such as 5.5"), ("", "please enter"),
    ("1e400", "finite"), ("nan", "finite"), (True, "number"), ("5,5,5", "such as 5.5"),
])
def test_bad_or_ambiguous_numbers_get_a_message(text, message):
    with pytest.raises(ValueError, match=message):
        parse_number(text, "value")


def test_chapter_00_converter_reads_a_decimal_comma():
    """5,5 mmol/L of glucose is 99 mg/dL (the old converter stripped the comma: 990.9 mg/dL, 'diabetes range')."""
    comma = units.converter_view("glucose", "5,5", "mmol/L", "mg/dL").text
    point = units.converter_view("glucose", "5.5", "mmol/L", "mg/dL").text
    assert comma == point and "99.09 mg/dL" in comma
    r = widgets.safe_call(units.converter_view, substance="glucose", value="1,234", from_unit="mmol/L",
                          to_unit="mg/dL")
    assert r.error and "ambiguous" in r.text


def test_chapter_02_calculator_agrees():
    assert signalling._parse_number("glucose", "5,3") == 5.3
    with pytest.raises(ValueError, match="ambiguous"):
        signalling._parse_number("glucose", "1,234")


def test_checks_read_a_decimal_comma(monkeypatch, tmp_path):
    monkeypatch.setenv("MGCOURSE_PROGRESS", str(tmp_path / "p.jsonl"))
    from mgcourse.checks import all_exercises

    ex = all_exercises()["03.serum-mmol"]
    ref = ex.precision.round(ex.reference())
    assert Checker()("03.serum-mmol", f"{ref}".replace(".", ",")).correct
    fb = Checker()("03.serum-mmol", "1,234")
    assert not fb.correct and "ambiguous" in fb.message and fb.hint_level == 0
