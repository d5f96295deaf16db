"""mgcourse.models.absorption: the dose-dependent absorption teaching model (chapter 6).

Sourced (Fine et al. 1991, J Clin Invest 88:396-402): the saturable + linear structure,
the 7 % linear term, ≈65 % absorbed at the lowest intake and ≈11 % at 80 mEq (972 mg).
Vmax and Km are fitted for teaching to those two endpoints (see the module docstring).
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mgcourse.models import absorption as ab
from mgcourse.models.absorption import absorbed_mg, fit_saturable_parameters, fraction_absorbed

#: Tolerance for the sourced endpoints: 0.5 percentage point (the abstract gives whole percents).
ENDPOINT_TOL = 0.005

doses = st.floats(min_value=0, max_value=ab.MAX_DOSE_MG, allow_nan=False, allow_infinity=False)
portions = st.integers(min_value=1, max_value=ab.MAX_PORTIONS)


def test_sourced_constants():
    assert ab.PARACELLULAR_FRACTION == 0.07
    assert ab.FINE_ADDED_DOSES_MEQ == (0.0, 10.0, 20.0, 40.0, 80.0)
    # 0, 122, 243, 486, 972 mg (fact sheet, computed with 12.1525 mg/mEq)
    assert [round(x) for x in ab.FINE_ADDED_DOSES_MG] == [0, 122, 243, 486, 972]
    assert ab.MG_PER_MEQ == pytest.approx(12.1525)


def test_reproduces_the_two_sourced_endpoints():
    assert fraction_absorbed(0) == pytest.approx(0.65, abs=ENDPOINT_TOL)
    assert fraction_absorbed(1e-9) == pytest.approx(0.65, abs=ENDPOINT_TOL)
    assert fraction_absorbed(972.2) == pytest.approx(0.11, abs=ENDPOINT_TOL)
    assert fraction_absorbed(972) == pytest.approx(0.11, abs=ENDPOINT_TOL)


def test_fitted_parameters_are_the_documented_ones():
    assert ab.KM_MG == pytest.approx(0.04 * 972.2 / 0.54, rel=1e-9)  # ≈ 72.0 mg
    assert ab.VMAX_MG == pytest.approx(0.58 * ab.KM_MG, rel=1e-9)  # ≈ 41.8 mg
    assert round(ab.KM_MG, 1) == 72.0 and round(ab.VMAX_MG, 1) == 41.8


@pytest.mark.parametrize("meal_mg", [0, 10, 25, 50, 70])
def test_fit_passes_through_both_endpoints_for_any_assumed_meal(meal_mg):
    vmax, km = fit_saturable_parameters(meal_mg)
    f = lambda i: vmax / (km + i) + 0.07  # noqa: E731
    assert f(meal_mg) == pytest.approx(0.65, abs=1e-12)
    assert f(meal_mg + ab.HIGH_END_DOSE_MG) == pytest.approx(0.11, abs=1e-12)
    assert km > 0 and vmax > 0


def test_fit_rejects_an_impossible_meal_content():
    with pytest.raises(ValueError, match="meal_mg"):
        fit_saturable_parameters(100)
    with pytest.raises(ValueError, match="meal_mg"):
        fit_saturable_parameters(-1)


@given(a=doses, b=doses)
def test_fraction_absorbed_decreases_monotonically(a, b):
    lo, hi = min(a, b), max(a, b)
    assert fraction_absorbed(hi) <= fraction_absorbed(lo)
    if hi - lo > 1e-6:  # strictly, wherever floating point can tell the doses apart
        assert fraction_absorbed(hi) < fraction_absorbed(lo)


@given(d=doses)
def test_fraction_in_unit_interval_and_above_the_linear_floor(d):
    f = fraction_absorbed(d)
    assert 0 < f <= 1
    assert f > ab.PARACELLULAR_FRACTION


@given(a=doses, b=doses)
def test_absorbed_amount_increases_with_dose(a, b):
    lo, hi = min(a, b), max(a, b)
    assert absorbed_mg(hi) >= absorbed_mg(lo)


@settings(max_examples=200)
@given(d=doses, p=portions, q=portions)
def test_splitting_never_absorbs_less(d, p, q):
    lo, hi = min(p, q), max(p, q)
    assert absorbed_mg(d, hi) >= absorbed_mg(d, lo) - 1e-9
    assert absorbed_mg(d, hi) <= d + 1e-9  # never more than was taken


def test_splitting_example():
    once, twice, thrice = (absorbed_mg(300, p) for p in (1, 2, 3))
    assert once < twice < thrice
    assert round(once, 1) == 54.7 and round(thrice, 1) == 93.8


def test_absorbed_equals_dose_times_fraction_for_one_portion():
    for d in (0, 50, 243.05, 800):
        assert absorbed_mg(d) == pytest.approx(d * fraction_absorbed(d))


def test_curves_match_scalars():
    d = np.array([0, 100, 500, 1000.0])
    assert np.allclose(ab.fraction_absorbed_curve(d), [fraction_absorbed(x) for x in d])
    assert np.allclose(ab.absorbed_mg_curve(d), [absorbed_mg(x) for x in d])
    with pytest.raises(ValueError):
        ab.absorbed_mg_curve([-1.0])
    with pytest.raises(ValueError):
        ab.fraction_absorbed_curve([])


def test_saturable_share_falls_with_dose():
    assert ab.saturable_share(0) > ab.saturable_share(100) > ab.saturable_share(1000) > 0


def test_splitting_table():
    t = ab.splitting_table(300)
    assert list(t.index) == [1, 2, 3]
    assert t["absorbed (mg/day)"].is_monotonic_increasing
    assert t.loc[2, "mg per portion"] == 150


# --------------------------------------------------------------------------- forms
def test_only_sourced_form_is_oxide():
    assert set(ab.REPORTED_FORM_ABSORPTION) == {"oxide"}
    assert fraction_absorbed(300, form="oxide") == 0.04
    assert absorbed_mg(250, 2, form="oxide") == pytest.approx(10.0)
    assert "Firoz" in ab.REPORTED_FORM_ABSORPTION["oxide"].source


@pytest.mark.parametrize("form", ["citrate", "bisglycinate", "trimagnesium_dicitrate_anhydrous", "", 1])
def test_unsourced_forms_are_refused(form):
    with pytest.raises(ValueError, match="form"):
        absorbed_mg(300, form=form)
    with pytest.raises(ValueError, match="form"):
        fraction_absorbed(300, form=form)


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("dose", [-1, -1e-9, math.nan, math.inf, ab.MAX_DOSE_MG + 1, "300", None, True])
def test_bad_doses(dose):
    with pytest.raises(ValueError, match="dose_mg"):
        fraction_absorbed(dose)
    with pytest.raises(ValueError, match="daily_dose_mg"):
        absorbed_mg(dose)


@pytest.mark.parametrize("p", [0, -1, 1.5, 2.0001, math.nan, ab.MAX_PORTIONS + 1, "2", None, True])
def test_bad_portions(p):
    with pytest.raises(ValueError, match="portions"):
        absorbed_mg(300, p)


def test_whole_valued_float_portions_are_accepted():
    assert absorbed_mg(300, 2.0) == absorbed_mg(300, 2)
    assert absorbed_mg(300, np.int64(3)) == absorbed_mg(300, 3)


def test_error_message_names_value_and_range():
    with pytest.raises(ValueError) as exc:
        absorbed_mg(-5)
    assert "-5" in str(exc.value) and "between 0 and 5000" in str(exc.value)
    with pytest.raises(ValueError) as exc:
        absorbed_mg(300, 0)
    assert "between 1 and 12" in str(exc.value)
