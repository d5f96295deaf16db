"""Tests of mgcourse.models.minimal_model (Bergman minimal model, chapter 02)."""

import math

import numpy as np
import pytest

from mgcourse.models import minimal_model as mm
from mgcourse.widgets import View, safe_call


@pytest.fixture(scope="module")
def default_run():
    return mm.simulate()


def test_published_parameters_and_si():
    p = mm.Parameters()
    assert (p.p1, p.p2, p.p3) == (3.082e-2, 2.093e-2, 1.062e-5)
    assert (p.n, p.h_mg_dl, p.gamma) == (0.3, 89.5, 0.3349e-2)
    assert 90 <= p.gb_mg_dl <= 92 and 7 <= p.ib_uU_ml <= 7.3 and 279 <= p.g0_mg_dl <= 287
    assert p.si == pytest.approx(5.07e-4, rel=1e-3)  # fact sheet 5c: S_I = p3/p2 = 5.07e-4
    assert p.sg == p.p1
    assert p.insulin0 == p.ib_uU_ml  # documented assumption I(0) = Ib


def test_with_si_sg_sets_p3_and_p1_only():
    p = mm.Parameters()
    q = p.with_si_sg(si=2.62e-4, sg=0.021)
    assert q.si == pytest.approx(2.62e-4) and q.sg == 0.021
    assert q.p2 == p.p2 and q.gb_mg_dl == p.gb_mg_dl
    assert p.with_si_sg() == p


def test_result_arrays(default_run):
    r = default_run
    for arr in (r.t_min, r.glucose_mg_dl, r.insulin_uU_ml, r.x_per_min):
        assert isinstance(arr, np.ndarray) and arr.shape == (181,)
        assert np.all(np.isfinite(arr))
    assert r.t_min[0] == 0 and r.t_min[-1] == 180
    assert r.glucose_mg_dl[0] == pytest.approx(280.0)


@pytest.mark.parametrize("kwargs", [{}, {"insulin_input": ([0.0, 90.0, 180.0], [7.3, 7.3, 7.3])}])
def test_basal_state_is_a_fixed_point(kwargs):
    p = mm.Parameters()
    r = mm.simulate(p, minutes=600, glucose0_mg_dl=p.gb_mg_dl, **kwargs)
    assert np.allclose(r.glucose_mg_dl, p.gb_mg_dl, atol=1e-9)
    assert np.allclose(r.insulin_uU_ml, p.ib_uU_ml, atol=1e-9)
    assert np.allclose(r.x_per_min, 0.0, atol=1e-12)


def test_as_published_insulin_equation_drifts_at_basal():
    """The printed equation has no basal fixed point (why the course uses the basal-corrected form)."""
    p = mm.Parameters()
    r = mm.simulate(p, glucose0_mg_dl=p.gb_mg_dl, insulin_equation="as-published")
    assert abs(r.insulin_uU_ml[-1] - p.ib_uU_ml) > 0.1 or abs(r.glucose_mg_dl[-1] - p.gb_mg_dl) > 0.5


def test_glucose_returns_towards_basal_after_bolus(default_run):
    r, p = default_run, default_run.params
    dev = np.abs(r.glucose_mg_dl - p.gb_mg_dl)
    assert dev[-1] < 0.05 * dev[0]
    assert r.glucose_at(60) < r.glucose_at(30) < r.glucose_at(10) < p.g0_mg_dl
    assert r.insulin_uU_ml.max() > p.ib_uU_ml + 5  # the bolus stimulates secretion
    long = mm.simulate(minutes=1000)
    assert long.glucose_mg_dl[-1] == pytest.approx(p.gb_mg_dl, abs=0.5)
    assert long.insulin_uU_ml[-1] == pytest.approx(p.ib_uU_ml, abs=0.05)


def test_larger_si_gives_faster_glucose_disappearance():
    sis = np.array([0.2, 0.57, 1.27, 2.62, 5.07, 8.0, 10.0]) * 1e-4
    p = mm.Parameters()
    runs = [mm.simulate(p.with_si_sg(si=si)) for si in sis]
    g30 = [r.glucose_at(30) for r in runs]
    g60 = [r.glucose_at(60) for r in runs]
    auc = [r.glucose_auc_above_basal() for r in runs]
    assert np.all(np.diff(g30) < 0) and np.all(np.diff(g60) < 0) and np.all(np.diff(auc) < 0)


def test_larger_sg_gives_faster_glucose_disappearance():
    p = mm.Parameters()
    g60 = [mm.simulate(p.with_si_sg(sg=sg)).glucose_at(60) for sg in (0.01, 0.015, 0.021, 0.03, 0.04)]
    assert np.all(np.diff(g60) < 0)


def test_solver_tolerance_changes_results_by_less_than_0_1_percent(default_run):
    tight = mm.simulate(rtol=1e-11, atol=1e-13)
    for a, b in ((default_run.glucose_mg_dl, tight.glucose_mg_dl), (default_run.insulin_uU_ml, tight.insulin_uU_ml)):
        assert np.max(np.abs(a - b) / np.abs(b)) < 1e-3
    assert np.max(np.abs(default_run.x_per_min - tight.x_per_min)) < 1e-3 * np.max(tight.x_per_min)


def test_euler_converges_to_the_solver(default_run):
    g_solver = default_run.glucose_at(60)
    errs = [abs(mm.euler_simulate(minutes=60, dt_min=dt).glucose_at(60) - g_solver) for dt in (1.0, 0.5, 0.1)]
    assert errs[0] > errs[1] > errs[2] and errs[2] / g_solver < 1e-3


def test_euler_step_matches_derivatives():
    p = mm.Parameters()
    s = np.array([200.0, 0.003, 25.0])
    new = mm.euler_step(s, 12.0, 0.5, p)
    assert np.allclose(new, s + 0.5 * mm.derivatives(12.0, s, p))
    # below the threshold there is no secretion: insulin relaxes to basal
    d = mm.derivatives(5.0, (80.0, 0.0, 20.0), p)
    assert d[2] == pytest.approx(-p.n * (20.0 - p.ib_uU_ml))


def test_si_can_be_read_off_the_curves():
    for si_e4 in (1.0, 2.62, 5.07):
        r = mm.simulate(mm.Parameters().with_si_sg(si=si_e4 * 1e-4), dt_output_min=0.25)
        assert r.si_from_areas() == pytest.approx(si_e4 * 1e-4, rel=2e-3)


def test_synthetic_data_are_seeded_and_labelled():
    a = mm.synthetic_ivgtt(seed=3, si=2e-4, noise_sd_mg_dl=5.0)
    b = mm.synthetic_ivgtt(seed=3, si=2e-4, noise_sd_mg_dl=5.0)
    c = mm.synthetic_ivgtt(seed=4, si=2e-4, noise_sd_mg_dl=5.0)
    assert np.array_equal(a.glucose_mg_dl, b.glucose_mg_dl) and not np.array_equal(a.glucose_mg_dl, c.glucose_mg_dl)
    assert "synthetic" in a.label.lower()
    assert a.true_si == pytest.approx(2e-4)
    clean = mm.synthetic_ivgtt(seed=3, si=2e-4, noise_sd_mg_dl=0.0)
    resid = a.glucose_mg_dl - clean.glucose_mg_dl
    assert 2.0 < np.std(resid) < 8.0


def test_fit_recovers_si_from_noise_free_data():
    d = mm.synthetic_ivgtt(seed=0, si=2e-4, noise_sd_mg_dl=0.0)
    f = mm.fit_si(d.t_min, d.glucose_mg_dl, d.insulin_uU_ml)
    assert f.success and f.si == pytest.approx(2e-4, rel=0.03)  # small bias: insulin interpolated between samples
    f2 = mm.fit_si(d.t_min, d.glucose_mg_dl)  # model's own insulin: exact
    assert f2.si == pytest.approx(2e-4, rel=1e-3)


def test_fit_with_noise_is_within_a_few_standard_errors_and_start_independent():
    d = mm.synthetic_ivgtt(seed=2026, si=2e-4, noise_sd_mg_dl=5.0)
    fits = [mm.fit_si(d.t_min, d.glucose_mg_dl, d.insulin_uU_ml, si0=s0) for s0 in (1e-5, 3e-4, 2e-3)]
    assert max(f.si for f in fits) / min(f.si for f in fits) < 1.002
    f = fits[1]
    assert abs(f.si - 2e-4) < 3 * f.si_se
    assert 3.0 < f.residual_sd_mg_dl < 7.0


@pytest.mark.parametrize("bad", [
    dict(minutes=0), dict(minutes=-5), dict(glucose0_mg_dl=-1), dict(glucose0_mg_dl=float("nan")),
    dict(insulin_equation="hill"), dict(rtol=0), dict(insulin_input=([0, 1], [1, 2, 3])),
    dict(insulin_input=([0, 0], [1, 2])), dict(insulin_input=([0, 1], [-1, 2])), dict(params="normal"),
])
def test_bad_arguments_raise_value_error(bad):
    with pytest.raises(ValueError):
        mm.simulate(**bad)


@pytest.mark.parametrize("field,value", [("p1", -0.1), ("p2", 0.0), ("gb_mg_dl", 5000.0), ("n", float("inf"))])
def test_bad_parameters_raise_value_error_naming_the_field(field, value):
    with pytest.raises(ValueError, match=field):
        mm.Parameters(**{field: value})


def test_with_si_sg_rejects_negative():
    with pytest.raises(ValueError, match="si"):
        mm.Parameters().with_si_sg(si=-1e-4)


@pytest.mark.parametrize("si_e4,sg,compare", [(0.2, 0.005, False), (10.0, 0.05, True), (0.2, 0.05, True),
                                              (10.0, 0.005, False), (5.07, 0.0308, True)])
def test_widget_extremes_return_a_view(si_e4, sg, compare):
    view = safe_call(mm.minimal_model_view, si_e4=si_e4, sg=sg, compare=compare)
    assert isinstance(view, View) and not view.error
    assert "nan" not in view.text.lower() and view.figure is not None
    assert view.data["si_read"] == pytest.approx(si_e4 * 1e-4, rel=0.05)


def test_widget_invalid_input_is_a_message():
    view = safe_call(mm.minimal_model_view, si_e4=-1.0, sg=0.03, compare=False)
    assert view.error and "si_e4" in view.text


def test_cached_results_are_read_only():
    r = mm.simulate_cached(5.07, 0.0308)
    with pytest.raises(ValueError):
        r.glucose_mg_dl[0] = 0.0
    assert mm.simulate_cached(5.07, 0.0308) is r


def test_bergman_group_means_order():
    g = mm.BERGMAN_GROUPS
    assert g["normal"]["si_e4"][0] > g["IGT"]["si_e4"][0] > g["type 2 diabetes"]["si_e4"][0]
    assert math.isclose(g["type 2 diabetes"]["si_e4"][0], 0.57)


# --------------------------------------------------------------------------- property tests
from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=15, deadline=None)
@given(si_a=st.floats(0.2, 10.0), si_b=st.floats(0.2, 10.0), sg=st.floats(0.008, 0.05))
def test_property_more_insulin_sensitivity_never_slows_glucose(si_a, si_b, sg):
    lo, hi = sorted((si_a, si_b))
    if hi - lo < 1e-3:
        return
    p = mm.Parameters()
    r_lo = mm.simulate(p.with_si_sg(si=lo * 1e-4, sg=sg))
    r_hi = mm.simulate(p.with_si_sg(si=hi * 1e-4, sg=sg))
    assert r_hi.glucose_auc_above_basal() < r_lo.glucose_auc_above_basal()
    assert r_hi.glucose_at(60) < r_lo.glucose_at(60)


@settings(max_examples=15, deadline=None)
@given(gb=st.floats(60.0, 150.0), ib=st.floats(1.0, 40.0), si=st.floats(0.1, 10.0), sg=st.floats(0.005, 0.05))
def test_property_basal_state_is_a_fixed_point_for_any_parameters(gb, ib, si, sg):
    p = mm.Parameters(gb_mg_dl=gb, ib_uU_ml=ib).with_si_sg(si=si * 1e-4, sg=sg)
    r = mm.simulate(p, minutes=240, glucose0_mg_dl=gb, insulin0_uU_ml=ib)
    assert np.allclose(r.glucose_mg_dl, gb, rtol=1e-9) and np.allclose(r.insulin_uU_ml, ib, rtol=1e-9)


# --------------------------------------------------------------------------- the published FSIGT (Pacini & Bergman 1986)

@pytest.fixture(scope="module")
def fsigt():
    from mgcourse.data import load_fsigt

    d = load_fsigt()
    return d["time_min"].to_numpy(), d["glucose_mg_dl"].to_numpy(), d["insulin_uU_ml"].to_numpy()


@pytest.fixture(scope="module")
def fsigt_reference_fit(fsigt):
    return mm.fit_fsigt(*fsigt)  # the published basal values Gb 90, Ib 7; samples from 8 min


def test_fsigt_fit_reproduces_published_values(fsigt_reference_fit):
    """Tolerance stated in the chapter: S_I within 10 %, S_G within 20 % and within 2 SE of the published fit."""
    f = fsigt_reference_fit
    pub = mm.PUBLISHED_FSIGT_FIT
    assert f.success and f.n_samples == 20  # samples at 8 … 182 min
    assert f.si == pytest.approx(pub["si"], rel=0.10)
    assert f.sg == pytest.approx(pub["sg"], rel=0.20)
    assert abs(f.sg - pub["sg"]) < 2 * f.sg_se
    assert abs(f.si - pub["si"]) < 2 * f.si_se
    assert 250 < f.g0_mg_dl < 300  # published example fits: G(0) 279–287 mg/dL
    assert 0 < f.si_se < 0.2 * f.si and 0 < f.sg_se < 0.2 * f.sg  # both determined with these choices
    assert f.residual_sd_mg_dl < 6


def test_fsigt_fitted_values_are_the_model(fsigt, fsigt_reference_fit):
    t, g, ins = fsigt
    f = fsigt_reference_fit
    again = mm.model_glucose(f.t_min, f.params, (t, ins))
    np.testing.assert_allclose(f.fitted_mg_dl, again, rtol=1e-6)
    rss = float(np.sum((f.glucose_mg_dl - again) ** 2))
    assert math.sqrt(rss / (f.n_samples - 3)) == pytest.approx(f.residual_sd_mg_dl, rel=1e-6)


def test_fsigt_se_agrees_with_refit_curvature(fsigt, fsigt_reference_fit):
    """The Jacobian SE of S_I matches the profile: moving S_I by 1 SE (S_G, G(0) refitted) raises RSS by about s²."""
    from scipy.optimize import least_squares

    t, g, ins = fsigt
    f = fsigt_reference_fit
    keep = t >= 8
    s2 = f.residual_sd_mg_dl ** 2
    rss0 = float(np.sum((f.fitted_mg_dl - f.glucose_mg_dl) ** 2))
    si = f.si + f.si_se

    def res(x):
        q = mm.Parameters(p1=x[0], p2=f.params.p2, p3=si * f.params.p2, gb_mg_dl=90, ib_uU_ml=7, g0_mg_dl=x[1])
        return mm.model_glucose(t[keep], q, (t, ins)) - g[keep]

    sol = least_squares(res, [f.sg, f.g0_mg_dl], diff_step=1e-4)
    delta = float(sol.fun @ sol.fun) - rss0
    assert 0.6 * s2 < delta < 1.5 * s2


def test_fsigt_estimates_move_with_assumed_basal_insulin(fsigt, fsigt_reference_fit):
    """With the t = 0 sample (11 µU/mL) as Ib, less insulin counts as 'above basal', so S_I must rise."""
    f11 = mm.fit_fsigt(*fsigt, ib_uU_ml=11)
    f7 = fsigt_reference_fit
    assert f11.si > 1.2 * f7.si
    assert f11.sg < f7.sg


def test_fsigt_early_samples_ruin_si(fsigt, fsigt_reference_fit):
    """Keeping the mixing-phase samples (from 2 min) makes S_I small and undetermined (SE > estimate)."""
    early = mm.fit_fsigt(*fsigt, min_time_min=0)
    assert early.n_samples == 23
    assert early.si < 0.5 * fsigt_reference_fit.si
    assert early.si_se > early.si
    assert early.residual_sd_mg_dl > 2 * fsigt_reference_fit.residual_sd_mg_dl
    late = mm.fit_fsigt(*fsigt, min_time_min=10)
    assert late.si == pytest.approx(fsigt_reference_fit.si, rel=0.1)


def test_fsigt_fit_at_the_si_bound_is_flagged(fsigt, fsigt_reference_fit):
    """With Ib = 11 µU/mL and every sample (the mixing phase too), S_I stops at its lower bound: no interior optimum,
    so chapter 02 shows no standard errors there. The published fit is interior."""
    stuck = mm.fit_fsigt(*fsigt, ib_uU_ml=11, min_time_min=0)
    assert stuck.at_si_bound and stuck.si * 1e4 == pytest.approx(mm.FSIGT_SI_MIN, rel=0.01)
    assert not fsigt_reference_fit.at_si_bound


def test_fsigt_si_and_sg_estimates_are_negatively_correlated(fsigt_reference_fit):
    # both speed the return of glucose, so one can stand in for the other
    assert -1 < fsigt_reference_fit.corr_si_sg < -0.3


@pytest.mark.parametrize("kwargs, fragment", [
    ({"ib_uU_ml": -1}, "ib_uU_ml"),
    ({"gb_mg_dl": 5}, "gb_mg_dl"),
    ({"min_time_min": 150}, "leaves"),
])
def test_fsigt_fit_rejects_bad_input(fsigt, kwargs, fragment):
    with pytest.raises(ValueError, match=fragment):
        mm.fit_fsigt(*fsigt, **kwargs)


def test_fsigt_fit_rejects_mismatched_lengths(fsigt):
    t, g, ins = fsigt
    with pytest.raises(ValueError, match="same length"):
        mm.fit_fsigt(t, g[:-1], ins)
