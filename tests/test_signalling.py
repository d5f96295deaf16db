"""Tests of mgcourse.signalling (chapter 02): diagrams, teaching model, index calculator."""

import math

import numpy as np
import pytest
from matplotlib.figure import Figure

from mgcourse import indices, signalling as sig, units
from mgcourse.style import FIGURE_REGISTRY
from mgcourse.widgets import REGISTRY, View, safe_call

CALC_DEFAULTS = dict(glucose="92", glucose_unit="mg/dL", insulin="7.3", insulin_unit="µU/mL", insulin_factor=6.0,
                     ogtt_glucose="", ogtt_insulin="")


def calc(**kw):
    return safe_call(sig.index_calculator_view, **{**CALC_DEFAULTS, **kw})


# --------------------------------------------------------------------------- published / hand-computed examples
def test_homa_ir_reference_subject_is_one():
    # 4.5 mmol/L x 5 uU/mL / 22.5 = 1 (Matthews 1985 constant); mg/dL form divides by 405
    assert indices.homa_ir(4.5, 5.0) == pytest.approx(1.0)
    assert indices.homa_ir(5.0, 9.0) == pytest.approx(2.0)
    r = sig.index_report("81", "mg/dL", "5", "µU/mL")  # 81 / 405 * 5 = 1.0 with the rounded 18.0 factor
    assert r["homa_ir"] == pytest.approx(81 * 5 / 405, rel=2e-3)


def test_quicki_hand_computed():
    # 1 / (log10 5 + log10 90) = 1 / (0.69897 + 1.95424) = 0.37690
    assert sig.index_report("90", "mg/dL", "5", "µU/mL")["quicki"] == pytest.approx(0.37690, abs=1e-5)
    # Yokoyama 2003 typical values are the ones quoted in the fact sheet
    assert indices.QUICKI_TYPICAL["healthy"] == (0.389, 0.041)


def test_matsuda_hand_computed():
    # trapezoidal means over 0-120 min (Matsuda & DeFronzo's calculator):
    # G (45 + 150 + 160 + 140 + 55) / 4 = 137.5; I (2.5 + 50 + 60 + 45 + 15) / 4 = 43.125
    r = sig.index_report("90", "mg/dL", "5", "µU/mL", ogtt_glucose="90, 150, 160, 140, 110",
                         ogtt_insulin="5, 50, 60, 45, 30")
    assert r["matsuda"] == pytest.approx(10_000 / math.sqrt(90 * 5 * 137.5 * 43.125), rel=1e-9)
    # the arithmetic-mean version (means 130 and 38) is reported only as a labelled comparison
    assert r["matsuda_arithmetic"] == pytest.approx(10_000 / math.sqrt(90 * 5 * 130 * 38), rel=1e-9)
    assert r["matsuda_arithmetic"] > r["matsuda"]


def test_units_do_not_change_the_indices():
    a = sig.index_report("104", "mg/dL", "12", "µU/mL")
    b = sig.index_report(str(104 / 18.0156), "mmol/L", "72", "pmol/L")
    assert a["homa_ir"] == pytest.approx(b["homa_ir"], rel=1e-9)
    assert a["quicki"] == pytest.approx(b["quicki"], rel=1e-9)


def test_insulin_factor_pitfall():
    right = sig.index_report("104", "mg/dL", "72", "pmol/L", insulin_factor=6.0)
    legacy = sig.index_report("104", "mg/dL", "72", "pmol/L", insulin_factor=6.945)
    assert right["insulin_uU_ml"] == pytest.approx(12.0)
    assert legacy["insulin_uU_ml"] == pytest.approx(72 / 6.945)
    assert legacy["homa_ir"] / right["homa_ir"] == pytest.approx(6.0 / 6.945)
    assert right["homa_ir_other_factor"][1] == pytest.approx(legacy["homa_ir"])


def test_quicki_position_text():
    assert "above" in sig.quicki_position(0.45)
    assert "between the means" in sig.quicki_position(0.35)
    assert "below the mean of moderately obese" in sig.quicki_position(0.30)


# --------------------------------------------------------------------------- calculator widget
@pytest.mark.parametrize("kw,words", [
    (dict(glucose="-5"), "greater than 0"),
    (dict(insulin="0"), "greater than 0"),
    (dict(glucose_unit="furlong"), "unknown unit"),
    (dict(insulin_unit="mg"), "insulin unit"),
    (dict(glucose_unit="µU/mL"), "glucose unit"),
    (dict(glucose="abc"), "must be a number"),
    (dict(glucose=""), "enter a number"),
    (dict(glucose="nan"), "finite"),
    (dict(glucose="1e9"), "between"),
    (dict(insulin="1e6"), "between"),
    (dict(ogtt_glucose="90, 150"), "both OGTT"),
    (dict(ogtt_glucose="90, 150", ogtt_insulin="5"), "same number"),
    (dict(ogtt_glucose="a, b", ogtt_insulin="1, 2"), "numbers separated by commas"),
    (dict(ogtt_glucose="90, 150", ogtt_insulin="0, 5"), "greater than 0"),
])
def test_calculator_bad_input_is_a_message(kw, words):
    view = calc(**kw)
    assert isinstance(view, View) and view.error
    assert words in view.text
    assert "Traceback" not in view.text


def test_calculator_default_view():
    view = calc()
    assert not view.error and view.figure is not None and view.table is not None
    assert "HOMA-IR = 1.66" in view.text and "QUICKI = 0.354" in view.text
    assert "0.45" in view.text  # the contradicted claim is named


def test_calculator_decimal_comma_and_mmol():
    view = calc(glucose="5,1", glucose_unit="mmol/L")
    assert not view.error and "5.10 mmol/L" in view.text


def test_calculator_sweep_every_control_value():
    spec = REGISTRY["02.index_calculator"]
    for params in spec.sweep(seed=1):
        view = safe_call(spec.func, **params)
        assert isinstance(view, View)
        assert "nan" not in view.text.lower().split() and " nan" not in view.text.lower()


# --------------------------------------------------------------------------- teaching model
def test_mg_factor_is_one_when_replete_and_saturates():
    assert sig.mg_factor(1.0) == pytest.approx(1.0)
    m = np.linspace(0.05, 3.0, 60)
    f = sig.mg_factor(m)
    assert np.all(np.diff(f) > 0) and np.all(np.diff(f, 2) < 0)  # increasing, concave (saturable)
    assert sig.mg_factor(3.0) < 1.0 + sig.TOY_K_MG_RELATIVE


def test_lower_mg_lowers_the_maximum_not_the_ec50():
    big = 1e6
    for m in (0.2, 0.5, 0.8):
        assert sig.receptor_activation(big, m) == pytest.approx(sig.mg_factor(m), rel=1e-4)
        half = sig.receptor_activation(sig.TOY_EC50_UU_ML, m) / sig.mg_factor(m)
        assert half == pytest.approx(0.5)
    ins = np.geomspace(1, 1000, 50)
    assert np.all(sig.receptor_activation(ins, 0.5) < sig.receptor_activation(ins, 1.0))


def test_insulin_to_match_compensation():
    target = sig.receptor_activation(sig.BASAL_INSULIN_UU_ML, 1.0)
    need = sig.insulin_to_match(target, 0.3)
    assert sig.receptor_activation(need, 0.3) == pytest.approx(target)
    assert need > sig.BASAL_INSULIN_UU_ML
    with pytest.raises(ValueError, match=r"unreachable at mg_relative = 0\.1: the maximal activation there is 0\.2"):
        sig.insulin_to_match(0.9, 0.1)


@pytest.mark.parametrize("bad", [dict(insulin_uU_ml=-1), dict(mg_relative=-0.1), dict(hill=0), dict(ec50_uU_ml=0)])
def test_receptor_activation_rejects_bad_input(bad):
    kw = {"insulin_uU_ml": 10.0, "mg_relative": 1.0, **bad}
    with pytest.raises(ValueError):
        sig.receptor_activation(**kw)


def test_receptor_widget_extremes():
    spec = REGISTRY["02.receptor_toy"]
    for params in spec.sweep(seed=2):
        view = safe_call(spec.func, **params)
        assert isinstance(view, View) and not view.error and view.figure is not None
        assert "nan" not in view.text.lower()
    v = safe_call(spec.func, mg_relative=0.3, hill=1.0, k_mg=0.5)
    assert "56%" in v.text and "18.1 µU/mL" in v.text  # the numbers the 02.mg-toy exercise relies on


# --------------------------------------------------------------------------- figures
@pytest.mark.parametrize("name", ["ch02_insulin_cascade", "ch02_glucose_homeostasis", "ch02_minimal_model_groups"])
def test_registered_figures_build(name):
    import mgcourse.models.minimal_model  # noqa: F401  (registers its figure)

    func, alt = FIGURE_REGISTRY[name]
    fig = func()
    assert isinstance(fig, Figure) and alt.strip()


def test_cascade_marks_magnesium():
    fig = sig.cascade_figure()
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    for word in ("Insulin receptor", "IRS", "PI3K", "Akt", "GLUT4", "Mg-ATP", "Gommers 2016", "Kostov 2019"):
        assert word in texts
    assert texts.count("Mg") >= 4


def test_units_factor_constants():
    assert units.INSULIN_PMOL_L_PER_UU_ML == 6.0 and units.INSULIN_PMOL_L_PER_UU_ML_LEGACY == 6.945


# --------------------------------------------------------------------------- property tests
from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=40, deadline=None)
@given(g=st.floats(20.0, 1000.0), i=st.floats(0.3, 900.0), pmol=st.booleans(), mmol=st.booleans())
def test_property_report_matches_the_formulas_in_any_units(g, i, pmol, mmol):
    g_in = g / 18.0156 if mmol else g
    i_in = i * 6.0 if pmol else i
    r = sig.index_report(repr(g_in), "mmol/L" if mmol else "mg/dL", repr(i_in), "pmol/L" if pmol else "µU/mL")
    assert r["homa_ir"] == pytest.approx(g / 18.0156 * i / 22.5, rel=1e-9)
    assert r["quicki"] == pytest.approx(1 / (math.log10(i) + math.log10(g)), rel=1e-9)
