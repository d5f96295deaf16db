"""Surrogate indices against hand-computed values from their published formulas."""

import numpy as np
import pytest

from mgcourse.indices import fasting_glucose_category, homa_beta, homa_ir, matsuda, quicki


def test_homa_ir_reference_subject_is_one():
    # Matthews 1985: 4.5 mmol/L x 5 uU/mL / 22.5 = 1
    assert homa_ir(4.5, 5.0) == pytest.approx(1.0)


def test_homa_ir_mg_dl_form_agrees():
    # fact sheet 5a: G(mg/dL) x I / 405 with 405 = 22.5 x 18.0
    g_mg_dl, ins = 99.0, 12.0
    assert homa_ir(g_mg_dl / 18.0, ins) == pytest.approx(g_mg_dl * ins / 405)


def test_durango_trial_scale_values():
    # Rodriguez-Moran 2003 reports HOMA-IR 3.8 vs 5.0: e.g. 8.0 mmol/L and 10.7 uU/mL give 3.80
    assert homa_ir(8.0, 10.6875) == pytest.approx(3.8)


def test_quicki_hand_computed():
    # 1 / (log10 5 + log10 90) = 1 / (0.69897 + 1.95424) = 0.37690
    assert quicki(90, 5) == pytest.approx(0.37690, abs=1e-5)
    # healthy mean 0.389 (Yokoyama 2003) corresponds to G x I ~ 10^(1/0.389)
    assert quicki(10 ** (1 / 0.389) / 5, 5) == pytest.approx(0.389)


def test_matsuda_hand_computed():
    """Matsuda & DeFronzo's calculator: time-averaged (trapezoidal) means over 0-120 min."""
    g = [90, 150, 140, 120, 100]
    i = [8, 60, 55, 40, 20]
    # trapezoid over 0, 30, ..., 120 min, divided by 120 min: (x0/2 + x1 + x2 + x3 + x4/2) / 4
    g_mean = (45 + 150 + 140 + 120 + 50) / 4  # 126.25 mg/dL
    i_mean = (4 + 60 + 55 + 40 + 10) / 4      # 42.25 µU/mL
    assert matsuda(g, i) == pytest.approx(10_000 / np.sqrt(720 * g_mean * i_mean), rel=1e-12)
    assert matsuda(g, i, times_min=[0, 30, 60, 90, 120]) == pytest.approx(matsuda(g, i), rel=1e-12)
    # the arithmetic mean is only a labelled comparison, and runs high here
    arith = matsuda(g, i, mean="arithmetic")
    assert arith == pytest.approx(10_000 / np.sqrt(720 * 120 * 36.6), rel=1e-9)
    assert arith > matsuda(g, i)


def test_matsuda_unequal_times():
    g, i, t = [90, 150, 120], [8, 60, 30], [0, 30, 120]
    g_mean = (0.5 * (90 + 150) * 30 + 0.5 * (150 + 120) * 90) / 120
    i_mean = (0.5 * (8 + 60) * 30 + 0.5 * (60 + 30) * 90) / 120
    assert matsuda(g, i, t) == pytest.approx(10_000 / np.sqrt(90 * 8 * g_mean * i_mean), rel=1e-12)
    with pytest.raises(ValueError, match="times_min"):
        matsuda(g, i, [0, 60, 30])
    with pytest.raises(ValueError, match="times_min"):
        matsuda(g, i, [0, 30])
    with pytest.raises(ValueError, match="mean"):
        matsuda(g, i, mean="median")


def test_homa_beta():
    assert homa_beta(5.0, 9.0) == pytest.approx(20 * 9 / 1.5)
    with pytest.raises(ValueError, match="3.5"):
        homa_beta(3.4, 9.0)


def test_arrays_elementwise():
    out = homa_ir(np.array([4.5, 9.0]), np.array([5.0, 5.0]))
    assert out.tolist() == pytest.approx([1.0, 2.0])


@pytest.mark.parametrize("func, g, i, word", [
    (homa_ir, -5, 10, "glucose_mmol_l"), (homa_ir, 5, 0, "insulin_uU_ml"), (homa_ir, float("inf"), 10, "finite"),
    (quicki, 0, 10, "glucose_mg_dl"), (quicki, 90, -1, "insulin_uU_ml"), (quicki, float("nan"), 5, "finite"),
])
def test_bad_inputs(func, g, i, word):
    with pytest.raises(ValueError, match=word):
        func(g, i)


def test_matsuda_bad_series():
    with pytest.raises(ValueError, match="at least 2"):
        matsuda([90], [8])
    with pytest.raises(ValueError, match="must match"):
        matsuda([90, 100, 110], [8, 9])


def test_fasting_categories_ada():
    assert fasting_glucose_category(99.9).startswith("normal")
    assert fasting_glucose_category(100).startswith("impaired")
    assert fasting_glucose_category(125.9).startswith("impaired")
    assert fasting_glucose_category(126).startswith("diabetes")
