"""mgcourse.intakes: the fact-sheet tables 1a/1b reproduced from data/intakes.csv."""

import math

import pytest

from mgcourse.intakes import (
    DAILY_VALUE_MG,
    OLD_DAILY_VALUE_MG,
    ear,
    efsa_ai,
    eu_upper_limit_supplemental,
    intake_table,
    rda,
    ul_status,
    upper_limit_supplemental,
)

# Fact sheet 1a (IOM 1997): (age in the band, sex, RDA or infant AI in mg/day).
TABLE_1A = [
    (0.25, "male", 30), (0.25, "female", 30),
    (0.75, "male", 75), (0.75, "female", 75),
    (2, "male", 80), (2, "female", 80),
    (6, "male", 130), (6, "female", 130),
    (11, "male", 240), (11, "female", 240),
    (16, "male", 410), (16, "female", 360),
    (25, "male", 400), (25, "female", 310),
    (45, "male", 420), (45, "female", 320),
    (80, "male", 420), (80, "female", 320),
]


@pytest.mark.parametrize("age, sex, expected", TABLE_1A)
def test_table_1a_rda_and_infant_ai(age, sex, expected):
    assert rda(age, sex) == expected


@pytest.mark.parametrize("age, pregnant_value, lactating_value", [(16, 400, 360), (25, 350, 310), (40, 360, 320)])
def test_pregnancy_and_lactation(age, pregnant_value, lactating_value):
    assert rda(age, "female", pregnant=True) == pregnant_value
    assert rda(age, "female", lactating=True) == lactating_value


@pytest.mark.parametrize(
    "age_before, age_after, sex, before, after",
    [
        (0.49, 0.5, "female", 30, 75),
        (0.99, 1, "female", 75, 80),
        (3.99, 4, "male", 80, 130),
        (8.99, 9, "male", 130, 240),
        (13.99, 14, "male", 240, 410),
        (13.99, 14, "female", 240, 360),
        (18.99, 19, "male", 410, 400),
        (18.99, 19, "female", 360, 310),
        (30.99, 31, "male", 400, 420),
        (30.99, 31, "female", 310, 320),
    ],
)
def test_band_edges(age_before, age_after, sex, before, after):
    assert rda(age_before, sex) == before
    assert rda(age_after, sex) == after


def test_pregnancy_band_edges():
    assert rda(14, "female", pregnant=True) == 400
    assert rda(18.99, "female", pregnant=True) == 400
    assert rda(19, "female", pregnant=True) == 350
    assert rda(30.99, "female", pregnant=True) == 350
    assert rda(31, "female", pregnant=True) == 360
    assert rda(50.99, "female", lactating=True) == 320


def test_sex_spellings():
    assert rda(40, "M") == rda(40, "male") == rda(40, " Male ") == 420
    assert rda(40, "f") == rda(40, "FEMALE") == 320


def test_ear_adults():
    assert ear(40, "male") == 350
    assert ear(40, "female") == 265
    assert ear(20, "female") == 255 and ear(30.9, "male") == 330   # 19–30 y (IOM 1997)
    assert ear(31, "male") == 350
    assert ear(18, "female") is None


def test_us_upper_limit():
    assert upper_limit_supplemental(0) is None
    assert upper_limit_supplemental(0.99) is None
    assert upper_limit_supplemental(1) == 65
    assert upper_limit_supplemental(3.99) == 65
    assert upper_limit_supplemental(4) == 110
    assert upper_limit_supplemental(8.99) == 110
    assert upper_limit_supplemental(9) == 350
    assert upper_limit_supplemental(120) == 350


def test_efsa_values():
    assert efsa_ai(0.3, "male") is None
    assert efsa_ai(0.75, "female") == 80
    assert efsa_ai(2, "male") == 170
    assert efsa_ai(5, "female") == 230
    assert efsa_ai(12, "male") == 300
    assert efsa_ai(12, "female") == 250
    assert efsa_ai(17.99, "female") == 250
    assert efsa_ai(18, "male") == 350
    assert efsa_ai(18, "female") == 300
    assert efsa_ai(30, "female", pregnant=True) == 300
    assert efsa_ai(30, "female", lactating=True) == 300
    with pytest.raises(ValueError, match="only from 18 years"):
        efsa_ai(16, "female", pregnant=True)


def test_eu_upper_limit():
    assert eu_upper_limit_supplemental(3.99) is None
    assert eu_upper_limit_supplemental(4) == 250
    assert eu_upper_limit_supplemental(70) == 250


def test_daily_values():
    assert DAILY_VALUE_MG == 420
    assert OLD_DAILY_VALUE_MG == 400


def test_ul_status_wording():
    below = ul_status(300, 30)
    assert below == ("300 mg/day of supplemental Mg is below the US upper limit of 350 mg/day for age 30 "
                     "(the UL applies to supplements and medicines, not to food).")
    above = ul_status(400, 30)
    assert "is ABOVE the US upper limit of 350 mg/day" in above
    assert "not to food" in above
    assert "is ABOVE the US upper limit of 65 mg/day for age 2" in ul_status(100, 2)
    assert "is below the US upper limit of 110 mg/day" in ul_status(100, 6)
    assert "is at the US upper limit of 350" in ul_status(350, 40)
    infant = ul_status(50, 0.5)
    assert "no UL is set for infants" in infant
    assert "medical supervision" in infant


def test_intake_table():
    table = intake_table()
    assert set(table["source_id"]) == {"IOM1997"}
    assert {"measure", "age_min_years", "age_max_years", "value_mg_per_day"} <= set(table.columns)
    assert set(intake_table("EFSA2015")["measure"]) == {"AI"}
    with pytest.raises(ValueError, match="source must be one of"):
        intake_table("WHO")


@pytest.mark.parametrize("age", [-1, -0.01, math.nan, math.inf, 121, "30", None, True])
def test_bad_age(age):
    with pytest.raises(ValueError, match="age_years"):
        rda(age, "female")
    with pytest.raises(ValueError, match="age_years"):
        upper_limit_supplemental(age)


@pytest.mark.parametrize("sex", ["x", "", None, "females", 1])
def test_bad_sex(sex):
    with pytest.raises(ValueError, match="sex must be 'male' or 'female'"):
        rda(30, sex)


def test_bad_life_stage():
    with pytest.raises(ValueError, match="pregnant=True requires sex='female'"):
        rda(30, "male", pregnant=True)
    with pytest.raises(ValueError, match="lactating=True requires sex='female'"):
        rda(30, "M", lactating=True)
    with pytest.raises(ValueError, match="pregnant and lactating"):
        rda(30, "female", pregnant=True, lactating=True)
    with pytest.raises(ValueError, match="pregnant=True is defined for ages 14 to 50"):
        rda(13.99, "female", pregnant=True)
    with pytest.raises(ValueError, match="lactating=True is defined for ages 14 to 50"):
        rda(51, "female", lactating=True)
    with pytest.raises(ValueError, match="pregnant must be True or False"):
        rda(30, "female", pregnant="yes")


@pytest.mark.parametrize("dose", [-1, math.nan, math.inf, "300", None])
def test_bad_dose(dose):
    with pytest.raises(ValueError, match="dose_mg"):
        ul_status(dose, 30)
