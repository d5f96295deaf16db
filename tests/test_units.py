"""Unit conversions: exact factors, round trips, arrays and clear errors."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mgcourse.units import (GLUCOSE_MG_DL_PER_MMOL_L, INSULIN_PMOL_L_PER_UU_ML, MG_MOLAR_MASS_G_PER_MOL, convert,
                            converter_view, normalise_unit, units_for)


def test_glucose_factor_from_molar_mass():
    # C6H12O6 = 6(12.011) + 12(1.008) + 6(15.999) = 180.156 g/mol -> 18.0156 mg/dL per mmol/L
    assert GLUCOSE_MG_DL_PER_MMOL_L == pytest.approx(18.0156)
    assert convert(100, "mg/dL", "mmol/L", substance="glucose") == pytest.approx(5.5507, abs=1e-4)
    assert convert(7.0, "mmol/L", "mg/dL", substance="glucose") == pytest.approx(126.11, abs=0.01)


def test_insulin_factor_is_six_not_legacy():
    assert INSULIN_PMOL_L_PER_UU_ML == 6.00
    assert convert(10, "µU/mL", "pmol/L", substance="insulin") == pytest.approx(60.0)
    assert convert(10, "uU/mL", "pmol/L", substance="insulin") == pytest.approx(60.0)
    assert convert(10, "mU/L", "pmol/L", substance="insulin") == pytest.approx(60.0)
    assert convert(60, "pmol/L", "µU/mL", substance="insulin") == pytest.approx(10.0)
    assert convert(10, "µU/mL", "pmol/L", substance="insulin", insulin_factor=6.945) == pytest.approx(69.45)


def test_magnesium_amounts_and_concentrations():
    # 1 mmol = 2 mEq = 24.305 mg (fact sheet, "Units")
    assert convert(1, "mmol", "mg", substance="magnesium") == pytest.approx(MG_MOLAR_MASS_G_PER_MOL)
    assert convert(1, "mmol", "mEq", substance="magnesium") == pytest.approx(2.0)
    assert convert(350, "mg", "mmol", substance="magnesium") == pytest.approx(14.40, abs=0.01)
    assert convert(1, "g", "mg", substance="magnesium") == pytest.approx(1000.0)
    # serum: mg/dL = mmol/L x 2.4305; 0.75 mmol/L = 1.82 mg/dL
    assert convert(0.75, "mmol/L", "mg/dL", substance="magnesium") == pytest.approx(1.8229, abs=1e-4)
    assert convert(0.75, "mmol/L", "mEq/L", substance="magnesium") == pytest.approx(1.5)


def test_arrays_keep_shape_and_scalars_stay_floats():
    out = convert(np.array([[90.0, 100.0], [126.0, 200.0]]), "mg/dL", "mmol/L", substance="glucose")
    assert out.shape == (2, 2)
    assert isinstance(convert(5, "mmol/L", "mg/dL", substance="glucose"), float)
    assert convert([1, 2], "mmol", "mEq", substance="magnesium").tolist() == [2.0, 4.0]


@given(st.floats(min_value=0, max_value=1e6, allow_nan=False),
       st.sampled_from([("glucose", "mg/dL", "mmol/L"), ("insulin", "µU/mL", "pmol/L"),
                        ("magnesium", "mg", "mEq"), ("magnesium", "mg/dL", "mEq/L"), ("magnesium", "g", "mmol")]))
def test_round_trip(x, case):
    substance, a, b = case
    back = convert(convert(x, a, b, substance=substance), b, a, substance=substance)
    assert math.isclose(back, x, rel_tol=1e-12, abs_tol=1e-12)


@pytest.mark.parametrize("args, words", [
    ((1, "mg/dL", "mmol/L", "sugar"), ["substance", "sugar", "glucose"]),
    ((1, "mg/dL", "furlong", "glucose"), ["furlong", "known units"]),
    ((1, "mg", "mmol/L", "magnesium"), ["amount", "concentration", "volume"]),
    ((1, "pmol/L", "mg/dL", "insulin"), ["not a unit of insulin"]),
    ((-1, "mg/dL", "mmol/L", "glucose"), ["value", "≥ 0"]),
    ((float("nan"), "mg/dL", "mmol/L", "glucose"), ["finite"]),
    (("abc", "mg/dL", "mmol/L", "glucose"), ["value", "number"]),
])
def test_bad_input_names_the_problem(args, words):
    value, a, b, substance = args
    with pytest.raises(ValueError) as err:
        convert(value, a, b, substance=substance)
    for w in words:
        assert w in str(err.value)


def test_unit_spellings():
    assert normalise_unit(" uU / mL ") == "µU/mL"
    assert normalise_unit("MMOL/L") == "mmol/L"
    assert units_for("magnesium") == {"amount": ("mmol", "mg", "g", "mEq"), "concentration": ("mmol/L", "mg/dL", "mEq/L")}


def test_converter_view_gives_context():
    assert "5.551 mmol/L" in converter_view("glucose", "100", "mg/dL", "mmol/L").text
    assert "below the hypomagnesaemia cut-off" in converter_view("magnesium", "0.65", "mmol/L", "mg/dL").text
    assert "inside the IOM reference range" in converter_view("magnesium", "2.0", "mg/dL", "mmol/L").text
    assert "6.945" in converter_view("insulin", "10", "µU/mL", "pmol/L").text
    with pytest.raises(ValueError, match="must be a number"):
        converter_view("glucose", "five", "mg/dL", "mmol/L")


def test_legacy_insulin_factor_error_is_stated_as_15_75_percent():
    """6.945 / 6.00 = 1.1575: the course states 15.75 %, never a rounded '≈15 %' in one place and '≈16 %' in another."""
    import re

    from mgcourse import REPO_ROOT
    from mgcourse.units import INSULIN_PMOL_L_PER_UU_ML_LEGACY

    assert round(100 * (INSULIN_PMOL_L_PER_UU_ML_LEGACY / INSULIN_PMOL_L_PER_UU_ML - 1), 2) == 15.75
    import json

    texts = ["".join(c["source"]) for p in (REPO_ROOT / "notebooks").glob("*.ipynb")  # sources, not stored outputs
             for c in json.loads(p.read_text(encoding="utf-8"))["cells"]]
    texts += [p.read_text(encoding="utf-8") for p in (REPO_ROOT / "mgcourse").rglob("*.py")]
    texts.append((REPO_ROOT / "INSTRUCTORS.md").read_text(encoding="utf-8"))
    wrong = [m.group(0) for t in texts for m in re.finditer(r"6\.945[^\n]{0,60}?≈ ?1[56] %", t)]
    assert wrong == []
