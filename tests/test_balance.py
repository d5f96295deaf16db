"""Tests of the whole-body magnesium balance model (mgcourse.models.balance, chapter 3)."""

import numpy as np
import pytest
from scipy.integrate import trapezoid
from hypothesis import given, settings
from hypothesis import strategies as st

from mgcourse.models import balance as b
from mgcourse.units import convert

P = b.DEFAULT


# --------------------------------------------------------------------------- calibration
def test_steady_state_is_a_fixed_point():
    ss = b.steady_state(P, 320)
    d = b.derivatives(ss.state_mg, P, 320)
    assert np.all(np.abs(d) < 1e-9 * 25_000)


@pytest.mark.parametrize("intake", [30.0, 100.0, 320.0, 420.0, 800.0])
def test_steady_state_is_a_fixed_point_at_other_intakes(intake):
    ss = b.steady_state(P, intake)
    assert np.all(np.abs(b.derivatives(ss.state_mg, P, intake)) < 1e-6)


def test_calibration_targets_at_reference_intake():
    ss = b.steady_state(P)
    assert ss.intake_mg_per_day == 320
    assert ss.serum_mmol_l == pytest.approx(0.85, abs=1e-9)
    assert 100 <= ss.urinary_mg_per_day <= 150                       # barnardhealth / Guyton
    assert ss.total_body_mg == pytest.approx(25_000, rel=1e-9)       # IOM 1997
    assert 0.50 <= ss.bone_mg / ss.total_body_mg <= 0.60             # IOM 1997
    assert ss.bone_exchangeable_mg / ss.bone_mg == pytest.approx(1 / 3)
    assert ss.extracellular_mg / ss.total_body_mg == pytest.approx(0.01)
    assert 0.30 <= ss.intracellular_mg / ss.total_body_mg <= 0.40    # FAO/WHO; Medscape 20 + 20 %
    assert 0.03 <= ss.fractional_excretion <= 0.05                    # FE 3–5 %
    assert 0.94 <= 1 - ss.fractional_excretion <= 0.97               # ≈95 % reabsorbed
    assert ss.filtered_load_mg_per_day / 1000 == pytest.approx(2.6, abs=0.05)
    assert 0.30 <= ss.absorbed_mg_per_day / 320 <= 0.40               # ODS 30–40 %
    assert ss.absorbed_mg_per_day - ss.endogenous_faecal_mg_per_day == pytest.approx(ss.urinary_mg_per_day)


def test_total_body_mg_is_about_1000_mmol():
    assert convert(P.total_body_mg, "mg", "mmol", substance="magnesium") == pytest.approx(1000, rel=0.05)


def test_mg_free_diet_day7_matches_merck():
    sim = b.simulate(P, days=7, intake_mg_per_day=0)
    assert sim.urinary_mg_per_day[-1] == pytest.approx(b.MG_FREE_DAY7_LOSS_MG_PER_DAY, rel=0.15)
    assert sim.endogenous_faecal_mg_per_day[-1] == pytest.approx(b.MG_FREE_DAY7_LOSS_MG_PER_DAY, rel=0.15)
    assert sim.fractional_excretion[-1] == pytest.approx(0.005, abs=0.002)   # FE near 0.5 %


def test_fractional_excretion_rises_with_serum():
    c = np.linspace(0.5, 1.1, 61)
    fe = b.fractional_excretion(c, P)
    assert np.all(np.diff(fe) >= 0) and fe[-1] > 10 * fe[0]
    assert fe[0] < 0.006 and b.fractional_excretion(0.85, P) == pytest.approx(0.041, abs=0.005)


def test_fractional_absorption_fine_shape():
    assert b.fractional_absorption(0.0) == pytest.approx(0.65)
    fr = [b.fractional_absorption(i) for i in (50, 150, 300, 600, 1200)]
    assert all(x > y for x, y in zip(fr, fr[1:]))
    one = b.Parameters(meals_per_day=1)
    assert b.fractional_absorption(972.2, one) == pytest.approx(0.11, abs=1e-3)
    assert b.fractional_absorption(300, b.Parameters(absorption_fraction=0.35)) == 0.35


# --------------------------------------------------------------------------- mass balance and solver
def test_mass_balance_rhs_identity():
    rng = np.random.default_rng(1)
    for _ in range(20):
        y = rng.uniform([50, 3000, 1000], [400, 12000, 6000])
        intake = rng.uniform(0, 600)
        d = b.derivatives(y, P, intake)
        c = y[0] / P.extracellular_volume_l / b.MG_PER_MMOL
        net = b.absorbed_mg_per_day(intake, P) - b.endogenous_faecal_mg_per_day(c, P) - b.urinary_mg_per_day(c, P)
        assert d.sum() == pytest.approx(net, rel=1e-12, abs=1e-9)


@pytest.mark.parametrize("intake", [0.0, 100.0, 600.0])
def test_mass_balance_integrated(intake):
    sim = b.simulate(P, days=200, intake_mg_per_day=intake, n_points=40001)
    # intake − faecal − urinary = d(total body)/dt, integrated over the run
    net = intake - sim.faecal_mg_per_day - sim.urinary_mg_per_day
    integral = trapezoid(net, sim.t_days)
    change = sim.total_body_mg[-1] - sim.total_body_mg[0]
    assert change == pytest.approx(integral, rel=1e-5, abs=0.01)


def test_tolerance_tightened_100x_changes_little():
    a = b.simulate(P, days=365, intake_mg_per_day=50, rtol=1e-8, atol=1e-6)
    c = b.simulate(P, days=365, intake_mg_per_day=50, rtol=1e-10, atol=1e-8)
    for name in ("serum_mmol_l", "intracellular_mg", "bone_mg", "urinary_mg_per_day"):
        x, y = getattr(a, name), getattr(c, name)
        assert np.max(np.abs(x - y) / np.abs(y)) < 1e-3, name


def test_long_run_reaches_steady_state():
    sim = b.simulate(P, days=3650, intake_mg_per_day=150)
    ss = b.steady_state(P, 150)
    assert sim.serum_mmol_l[-1] == pytest.approx(ss.serum_mmol_l, rel=1e-3)
    assert sim.intracellular_mg[-1] == pytest.approx(ss.intracellular_mg, rel=1e-3)


def test_reference_intake_stays_put():
    sim = b.simulate(P, days=365)
    assert np.allclose(sim.serum_mmol_l, 0.85, atol=1e-6)


# --------------------------------------------------------------------------- monotonicity and the teaching claim
def test_lower_intake_never_raises_any_pool():
    intakes = [0, 25, 50, 100, 200, 320, 500]
    sims = [b.simulate(P, days=400, intake_mg_per_day=i) for i in intakes]
    for lo, hi in zip(sims, sims[1:]):
        for name in ("serum_mmol_l", "intracellular_mg", "bone_mg", "total_body_mg"):
            assert np.all(getattr(lo, name) <= getattr(hi, name) + 1e-6), name


@settings(max_examples=25, deadline=None)
@given(st.floats(0, 800), st.floats(0, 800))
def test_steady_state_monotonic_in_intake(i1, i2):
    lo, hi = sorted((i1, i2))
    a, c = b.steady_state(P, lo), b.steady_state(P, hi)
    assert a.serum_mmol_l <= c.serum_mmol_l + 1e-12
    assert a.intracellular_mg <= c.intracellular_mg + 1e-9
    assert a.bone_mg <= c.bone_mg + 1e-9


@pytest.mark.parametrize("intake,leak", [(0, 0.0), (20, 0.0), (200, 0.03), (320, 0.05)])
def test_serum_stays_in_range_longer_than_cells_stay_above_90pct(intake, leak):
    sim = b.simulate(b.Parameters(renal_extra_fe=leak), days=1000, intake_mg_per_day=intake)
    s = b.depletion_summary(sim)
    assert s["cells_below_90pct_day"] is not None
    assert s["serum_below_range_day"] is None or s["serum_below_range_day"] > s["cells_below_90pct_day"]
    # and when the cells pass 90 %, serum is still inside the IOM range
    c_then = np.interp(s["cells_below_90pct_day"], sim.t_days, sim.serum_mmol_l)
    assert c_then >= b.REFERENCE_RANGE_MMOL_L[0]


def test_claim_depends_on_cell_exponent():
    # with a linear cell equilibrium the margin shrinks: the notebook says so
    lin = b.simulate(b.Parameters(cell_hill=1.0), days=600, intake_mg_per_day=0)
    sq = b.simulate(P, days=600, intake_mg_per_day=0)
    gap_lin = b.depletion_summary(lin)["serum_below_range_day"] - b.depletion_summary(lin)["cells_below_90pct_day"]
    gap_sq = b.depletion_summary(sq)["serum_below_range_day"] - b.depletion_summary(sq)["cells_below_90pct_day"]
    assert gap_lin < gap_sq


def test_renal_leak_lowers_steady_state():
    a = b.steady_state(b.Parameters(renal_extra_fe=0.0), 320)
    c = b.steady_state(b.Parameters(renal_extra_fe=0.03), 320)
    assert c.serum_mmol_l < a.serum_mmol_l and c.intracellular_mg < a.intracellular_mg


def test_zero_intake_steady_state_is_empty_exchangeable_body():
    ss = b.steady_state(P, 0)
    assert ss.serum_mmol_l == 0 and ss.intracellular_mg == 0 and ss.bone_mg == pytest.approx(P.bone_fixed_mg)


# --------------------------------------------------------------------------- bad inputs
@pytest.mark.parametrize("kwargs,match", [
    (dict(days=10, intake_mg_per_day=-5), "intake_mg_per_day"),
    (dict(days=0), "days"),
    (dict(days=-3), "days"),
    (dict(days=float("nan")), "days"),
    (dict(days=10, y0=(1, 2)), "y0"),
    (dict(days=10, y0=(-1, 2, 3)), "y0"),
    (dict(days=10, intake_mg_per_day="lots"), "intake_mg_per_day"),
])
def test_simulate_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        b.simulate(P, **kwargs)


@pytest.mark.parametrize("kwargs,match", [
    (dict(absorption_fraction=1.2), "absorption_fraction.*100 %"),
    (dict(absorption_fraction=0.0), "absorption_fraction"),
    (dict(bone_fraction=0.95), "bone_fraction"),
    (dict(meals_per_day=0), "meals_per_day"),
    (dict(meals_per_day=2.5), "meals_per_day"),
    (dict(renal_fe_floor=0.15), "calibration is impossible"),
    (dict(cell_hill=-1), "cell_hill"),
])
def test_parameters_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        b.Parameters(**kwargs)


def test_other_bad_inputs():
    with pytest.raises(ValueError, match="intake_mg_per_day"):
        b.steady_state(P, -1)
    with pytest.raises(ValueError, match="intake_mg_per_day"):
        b.fractional_absorption(-10)
    with pytest.raises(ValueError, match="params"):
        b.simulate({"a": 1}, days=3)
    with pytest.raises(ValueError, match="serum_mmol_l"):
        b.fractional_excretion(0.0)


# --------------------------------------------------------------------------- widget and figures
def test_depletion_widget_default_and_extremes():
    v = b.depletion_view(0, 0, 12)
    assert "Cells fell below 90 %" in v.text and v.figure is not None
    assert "nan" not in v.text.lower()
    for args in [(500, 5, 24), (0, 5, 1), (500, 0, 1), (320, 0, 12)]:
        v = b.depletion_view(*args)
        assert "nan" not in v.text.lower()
    with pytest.raises(ValueError, match="intake_mg_per_day"):
        b.depletion_view(-10, 0, 12)


def test_figures_build_with_labelled_axes():
    from matplotlib.figure import Figure

    from test_figures import axes_problems

    for f in (b.pools_figure, b.nephron_figure, b.absorption_figure, b.renal_figure, b.diagram_figure):
        fig = f()
        assert isinstance(fig, Figure) and fig.axes, f.__name__
        assert axes_problems(fig) == [], f.__name__


def test_pool_table_serum_share():
    t = b.pool_table(P)
    assert t["of which serum"][1] == 0.3
    assert sum(v[1] for k, v in t.items() if k != "of which serum") == pytest.approx(100)


def test_explore_exercise_answer_matches_the_widget():
    # exercise 03.depletion-explore: answer B must stay true if the model changes
    v = b.depletion_view(200, 3, 24)
    s = v.data["summary"]
    assert s["cells_below_90pct_day"] is not None and s["cells_below_90pct_day"] < 130
    assert s["serum_below_range_day"] is None or s["serum_below_range_day"] > 365
    assert s["serum_below_cutoff_day"] is None


def test_leaky_run_starts_replete():
    sim = b.simulate(b.Parameters(renal_extra_fe=0.04), days=30, intake_mg_per_day=320)
    assert sim.serum_mmol_l[0] == pytest.approx(0.85)
    assert sim.intracellular_pct[0] == pytest.approx(100)
    assert sim.serum_mmol_l[-1] < 0.85
