"""Tests of the vicious-cycle model (mgcourse.models.cycle and cycle_analysis)."""

import math

import numpy as np
import pytest

from mgcourse.models import cycle as c

TOPP = c.Parameters.topp_only()


# --------------------------------------------------------------------------- Topp's fixed points
def test_replete_published_parameters_sit_at_topp_physiological_point():
    states = c.steady_states(c.Parameters())
    healthy = [s for s in states if s.stable and s.glucose_mg_dl < 126]
    assert len(healthy) == 1
    h = healthy[0]
    assert h.glucose_mg_dl == pytest.approx(100.0, rel=1e-9)
    assert h.insulin_uU_ml == pytest.approx(10.0, rel=1e-9)
    assert h.beta_mg == pytest.approx(300.0, rel=1e-9)
    assert h.mg_pool == pytest.approx(1.0, rel=1e-9)
    assert h.stable and max(np.real(h.eigenvalues)) < 0
    # the right-hand side vanishes there
    assert np.allclose(c.rhs(0, c.HEALTHY_STATE, c.Parameters()), 0, atol=1e-9)


def test_simulation_from_healthy_state_stays_there():
    sim = c.simulate(days=3 * 365)
    for name, want in zip(c.STATE_NAMES, c.HEALTHY_STATE):
        assert getattr(sim, name)[-1] == pytest.approx(want, rel=1e-6)


def test_topp_only_fixed_points_match_the_fact_sheet():
    states = c.steady_states(TOPP)
    got = [(round(s.glucose_mg_dl, 6), s.stable) for s in states]
    assert got == [(100.0, True), (250.0, False), (600.0, True)]
    phys, saddle, path = states
    assert (phys.insulin_uU_ml, phys.beta_mg) == pytest.approx((10.0, 300.0))
    assert saddle.insulin_uU_ml == pytest.approx(2.8)
    assert saddle.beta_mg == pytest.approx(36.96, abs=0.01)
    assert saddle.kind == "saddle"
    assert (path.insulin_uU_ml, path.beta_mg) == (0.0, 0.0)
    assert np.real(phys.eigenvalues) == pytest.approx([-422, -18.7, -0.0142], rel=3e-3)
    assert np.real(saddle.eigenvalues) == pytest.approx([-431, -4.48, 0.0406], rel=3e-3)
    assert np.real(path.eigenvalues) == pytest.approx([-432, -1.44, -0.42], rel=1e-9)


def test_topp_roots_are_roots_of_the_quadratic():
    p = c.Parameters()
    roots = c.topp_roots(p)
    disc = math.sqrt(p.r1 ** 2 - 4 * p.r2 * p.d0)
    assert roots == pytest.approx(((p.r1 - disc) / (2 * p.r2), (p.r1 + disc) / (2 * p.r2)))
    assert roots == pytest.approx((100.0, 250.0))


def test_topp_only_si_changes_insulin_and_beta_not_glucose():
    half = c.steady_states(c.Parameters.topp_only(si=0.36))
    assert half[0].glucose_mg_dl == pytest.approx(100.0)
    assert (half[0].insulin_uU_ml, half[0].beta_mg) == pytest.approx((20.0, 600.0))


def test_every_steady_state_is_a_fixed_point():
    for intake in (0.0, 120.0, 250.0, 320.0, 600.0):
        p = c.Parameters(mg_intake_mg_per_day=intake)
        for s in c.steady_states(p):
            scale = np.array([100.0, 10.0, 300.0, 1.0])
            assert np.allclose(c.rhs(0, s.state, p) / scale, 0, atol=1e-8), (intake, s)


# --------------------------------------------------------------------------- bistability, monotonicity
def test_a_range_of_intake_has_two_stable_states_with_hysteresis():
    p = c.Parameters(mg_intake_mg_per_day=250.0)
    stable = [s for s in c.steady_states(p) if s.stable]
    assert len(stable) == 2
    healthy, diabetic = stable
    assert healthy.glucose_mg_dl < 126 < diabetic.glucose_mg_dl
    assert healthy.mg_pool > diabetic.mg_pool
    # same intake, different history -> different end
    a = c.simulate(p, days=15 * 365, y0=healthy.state)
    b = c.simulate(p, days=15 * 365, y0=(diabetic.glucose_mg_dl, diabetic.insulin_uU_ml, 250.0, 0.45))
    assert a.glucose_mg_dl[-1] < 126 < b.glucose_mg_dl[-1]


def test_low_intake_has_only_the_diabetic_attractor_and_high_intake_only_the_healthy_one():
    low = [s for s in c.steady_states(c.Parameters(mg_intake_mg_per_day=120)) if s.stable]
    high = [s for s in c.steady_states(c.Parameters(mg_intake_mg_per_day=500)) if s.stable]
    assert len(low) == 1 and low[0].glucose_mg_dl > 126
    assert len(high) == 1 and high[0].glucose_mg_dl < 100


def test_lower_intake_never_improves_long_run_glucose():
    intakes = np.arange(80.0, 620.0, 40.0)
    final = [c.simulate(c.Parameters(mg_intake_mg_per_day=j), days=30 * 365, t_eval=[0, 30 * 365]).glucose_mg_dl[-1]
             for j in intakes]
    assert np.all(np.diff(final) <= 1e-6), dict(zip(intakes, np.round(final, 2)))


@pytest.mark.parametrize("intake", [150.0, 250.0, 320.0])
def test_results_invariant_to_tolerance(intake):
    p = c.Parameters(mg_intake_mg_per_day=intake)
    y0 = (120.0, 9.0, 280.0, 0.7)
    a = c.simulate(p, days=3 * 365, y0=y0)
    b = c.simulate(p, days=3 * 365, y0=y0, rtol=1e-8, atol=np.array([1e-8, 1e-10, 1e-8, 1e-12]))
    for name in c.STATE_NAMES:
        x, y = getattr(a, name), getattr(b, name)
        assert np.max(np.abs(x - y) / np.maximum(np.abs(y), 1e-3 * np.max(np.abs(y)))) < 1e-3, name


# --------------------------------------------------------------------------- Jacobian and speed paths
@pytest.mark.parametrize("y", [(100, 10, 300, 1), (150, 7, 200, 0.6), (320, 4, 120, 0.3), (600, 0.0, 0.0, 0.2),
                               (90, 14, 350, 1.3)])
@pytest.mark.parametrize("params", [c.Parameters(), TOPP, c.Parameters(mg_intake_mg_per_day=150, si=0.5)])
def test_analytic_jacobian_matches_finite_differences(y, params):
    y = np.array(y, dtype=float)
    J = c.jacobian(0, y, params)
    num = np.zeros((4, 4))
    for j in range(4):
        h = 1e-6 * max(abs(y[j]), 1e-2)
        e = np.zeros(4)
        e[j] = h
        num[:, j] = (c.rhs(0, y + e, params) - c.rhs(0, y - e, params)) / (2 * h)
    assert np.allclose(J, num, rtol=1e-5, atol=1e-9)
    f_rhs, f_jac = c._fast_functions(params)
    assert np.allclose(np.array(f_jac(y, 0.0)), J, rtol=1e-12, atol=1e-15)
    assert np.allclose(np.array(f_rhs(y, 0.0)), c.rhs(0, y, params), rtol=1e-12, atol=1e-12)


def test_rhs_is_vectorised():
    Y = np.array([[100, 150], [10, 7], [300, 200], [1, 0.6]], dtype=float)
    out = c.rhs(0, Y, c.Parameters())
    assert out.shape == (4, 2)
    assert np.allclose(out[:, 1], c.rhs(0, Y[:, 1], c.Parameters()))


# --------------------------------------------------------------------------- interventions
def test_intervention_rescues_early_but_not_late():
    p = c.Parameters(mg_intake_mg_per_day=150.0)
    early = c.simulate_intervention(p, days=10 * 365, t_switch_days=120, new_intake_mg_per_day=320)
    late = c.simulate_intervention(p, days=10 * 365, t_switch_days=3 * 365, new_intake_mg_per_day=320)
    assert early.glucose_mg_dl[-1] < 126 < late.glucose_mg_dl[-1]
    assert np.all(np.diff(early.t_days) > 0)
    assert early.intake_mg_per_day[0] == 150 and early.intake_mg_per_day[-1] == 320


# --------------------------------------------------------------------------- bad inputs
@pytest.mark.parametrize("kwargs, word", [
    (dict(mg_intake_mg_per_day=-10), "mg_intake_mg_per_day"),
    (dict(absorbed_fraction=1.2), "absorbed_fraction"),
    (dict(absorbed_fraction=-0.1), "absorbed_fraction"),
    (dict(si=float("nan")), "si"),
    (dict(insulin_conservation_gain=1.0), "insulin_conservation_gain"),
])
def test_bad_parameters_raise_value_error(kwargs, word):
    with pytest.raises(ValueError, match=word):
        c.Parameters(**kwargs)


def test_bad_simulation_inputs_raise_value_error():
    with pytest.raises(ValueError, match="days"):
        c.simulate(days=0)
    with pytest.raises(ValueError, match="days"):
        c.simulate(days=-5)
    with pytest.raises(ValueError, match="y0"):
        c.simulate(days=10, y0=(100, 10, 300))
    with pytest.raises(ValueError, match="y0"):
        c.simulate(days=10, y0=(-1, 10, 300, 1))
    with pytest.raises(ValueError, match="t_eval"):
        c.simulate(days=10, t_eval=[0, 20])
    with pytest.raises(ValueError, match="unknown parameter"):
        c.Parameters().with_(intake=3)


@pytest.mark.parametrize("params, y0", [(c.Parameters(si=0, r2=0), None), (c.Parameters(eg0=0), (100, 0, 0, 1))])
def test_blow_up_gives_a_clear_message(params, y0):
    with pytest.raises(ValueError, match="blew up"):
        c.simulate(params, days=3 * 365, y0=y0)


# --------------------------------------------------------------------------- analysis: bifurcation, QSS, maps
from mgcourse.models import cycle_analysis as ca  # noqa: E402


def test_folds_bracket_the_bistable_range_and_match_steady_states():
    fo = ca.fold_intakes()
    assert fo.bistable and 100 < fo.healthy_lost_below_mg_per_day < fo.diabetic_lost_above_mg_per_day < 600
    for j, n_stable in ((fo.healthy_lost_below_mg_per_day - 3, 1), (fo.healthy_lost_below_mg_per_day + 3, 2),
                        (fo.diabetic_lost_above_mg_per_day - 3, 2), (fo.diabetic_lost_above_mg_per_day + 3, 1)):
        assert sum(s.stable for s in c.steady_states(c.Parameters(mg_intake_mg_per_day=j))) == n_stable, j


def test_bifurcation_branches_are_fixed_points_with_consistent_stability():
    bif = ca.bifurcation(intake_max_mg_per_day=600)
    lower = next(b for b in bif.branches if b.name == "lower root")
    for i in range(0, lower.intake_mg_per_day.size, 97):
        p = c.Parameters(mg_intake_mg_per_day=float(lower.intake_mg_per_day[i]))
        y = (lower.glucose_mg_dl[i], lower.insulin_uU_ml[i], lower.beta_mg[i], lower.mg_pool[i])
        assert np.allclose(c.rhs(0, y, p) / np.array([100, 10, 300, 1]), 0, atol=1e-8)
        ss = min(c.steady_states(p), key=lambda s: abs(s.mg_pool - y[3]))
        assert ss.mg_pool == pytest.approx(y[3], rel=1e-6) and ss.stable == bool(lower.stable[i])


def test_without_renal_feedback_there_is_no_fold():
    p = c.Parameters(glycosuria_gain=0.0, insulin_conservation_gain=0.0)
    assert not ca.fold_intakes(p).bistable
    for j in (100.0, 200.0, 320.0, 500.0):
        # one stable state with β-cells; Topp's β = 0 state (600, 0, 0) stays stable as in the original
        assert sum(s.stable and s.beta_mg > 0 for s in c.steady_states(p.with_(mg_intake_mg_per_day=j))) == 1


def test_bifurcation_needs_a_dynamic_pool():
    with pytest.raises(ValueError, match="mg_dynamics"):
        ca.bifurcation(c.Parameters.topp_only())


def test_qss_glucose_solves_the_fast_equations():
    p = c.Parameters()
    B = np.array([300.0, 100.0, 10.0, 600.0])
    M = np.array([1.0, 0.5, 0.3, 1.2])
    G = ca.qss_glucose(B, M, p)
    g = c.sensing_factor(M, p)
    I = p.sigma * B * (g * G) ** 2 / (p.alpha + (g * G) ** 2) / p.k
    assert np.allclose(c.rhs(0, np.array([G, I, B, M]), p)[:2], 0, atol=1e-7)
    assert G[0] == pytest.approx(100.0)


def test_nullclines_cross_at_the_steady_states():
    p = c.Parameters(mg_intake_mg_per_day=250)
    for s in c.steady_states(p):
        if s.beta_mg > 0:
            assert ca.mg_nullcline(s.glucose_mg_dl, p) == pytest.approx(s.mg_pool, rel=1e-6)
            assert min(abs(v - s.glucose_mg_dl) for v in ca.beta_nullclines(s.mg_pool, p).values()) < 1e-6


def test_phase_plane_field_vanishes_at_fixed_points_and_matches_full_model():
    p = c.Parameters(mg_intake_mg_per_day=250)
    for s in c.steady_states(p):
        if s.beta_mg > 0:
            dM, dG = ca._slow_field(np.array(s.mg_pool), np.array(s.glucose_mg_dl), 0.35 * 250, p)
            assert abs(dM) < 1e-9 and abs(dG) < 1e-6


def test_vectorised_outcome_map_agrees_with_the_full_model():
    p = c.Parameters()
    J, M0, G, M, B = ca.outcome_map(p, intakes_mg_per_day=[150, 250, 250, 330], start_mg_pool=[0.3, 1.0], years=15)
    for i, m0 in enumerate(M0):
        for j, intake in enumerate(J):
            q = p.with_(mg_intake_mg_per_day=float(intake))
            full = c.simulate(q, days=15 * 365.25, y0=ca._healthy_start(m0, q)).glucose_mg_dl[-1]
            assert G[i, j] == pytest.approx(full, rel=0.02), (intake, m0)
    assert G[1, 1] < 126 < G[0, 1]  # same intake (250 mg/day), different start, different end


def test_sensitivity_table_shows_that_insulin_sensitivity_shape_does_not_move_the_folds():
    df = ca.sensitivity(names=("glycosuria_gain", "si_half_mg"), rel_change=0.2)
    base = df.attrs["baseline"]
    si_rows = df[df.parameter == "si_half_mg"]
    assert np.allclose(si_rows["healthy lost below (mg/day)"], base.healthy_lost_below_mg_per_day, rtol=1e-6)
    g_rows = df[df.parameter == "glycosuria_gain"]
    assert not np.allclose(g_rows["healthy lost below (mg/day)"].fillna(0), base.healthy_lost_below_mg_per_day)


def test_hysteresis_sweep_goes_down_and_up_on_different_branches():
    Jd, Gd, Ju, Gu = ca.hysteresis_sweep(intakes=np.array([400.0, 300.0, 150.0]), years_each=10)
    assert Gd[1] < 126 < Gd[2]          # down: healthy at 300, diabetic at 150
    assert Gu[1] > 126 > Gu[2]          # up: still diabetic at 300, healthy again at 400
