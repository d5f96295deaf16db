"""Tests of mgcourse.evidence (chapter 7): pooling, dose-response, absolute risk, trial doses,
the synthetic cohort, OLS and the evidence tables."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mgcourse import chemistry
from mgcourse import evidence as ev


# --------------------------------------------------------------------------- pooling: by hand
def test_pool_fixed_hand_computed():
    # y = (-1, -0.5, 0), se = (0.5, 0.5, 1)  ->  w = 1/se² = (4, 4, 1), Σw = 9
    # estimate = (4·(-1) + 4·(-0.5) + 1·0) / 9 = -6/9 = -2/3;  SE = 1/√9 = 1/3
    # Q = 4·(-1 + 2/3)² + 4·(-0.5 + 2/3)² + 1·(0 + 2/3)² = 4/9 + 1/9 + 4/9 = 1;  df = 2;  I² = max(0, (1-2)/1) = 0
    r = ev.pool_fixed([-1.0, -0.5, 0.0], [0.5, 0.5, 1.0])
    assert r.estimate == pytest.approx(-2 / 3)
    assert r.se == pytest.approx(1 / 3)
    assert r.ci_low == pytest.approx(-2 / 3 - 1.959964 / 3, abs=1e-6)
    assert r.ci_high == pytest.approx(-2 / 3 + 1.959964 / 3, abs=1e-6)
    assert r.q == pytest.approx(1.0) and r.df == 2 and r.i2 == 0.0 and r.tau2 == 0.0
    assert sum(r.weights) == pytest.approx(1.0)
    assert r.weights[0] == pytest.approx(4 / 9)


def test_pool_random_hand_computed_equal_ses():
    # y = (0, 1, 3), se = (1, 1, 1)  ->  w = (1, 1, 1), fixed estimate 4/3
    # Q = (4/3)² + (1/3)² + (5/3)² = 42/9 = 14/3;  df = 2;  C = Σw − Σw²/Σw = 3 − 3/3 = 2
    # tau² = (14/3 − 2)/2 = 4/3;  w* = 1/(1 + 4/3) = 3/7 each  ->  estimate 4/3,  SE = 1/√(9/7) = √(7/9)
    # I² = (14/3 − 2)/(14/3) = 4/7
    r = ev.pool_random([0.0, 1.0, 3.0], [1.0, 1.0, 1.0])
    assert r.q == pytest.approx(14 / 3)
    assert r.tau2 == pytest.approx(4 / 3)
    assert r.estimate == pytest.approx(4 / 3)
    assert r.se == pytest.approx(math.sqrt(7 / 9))
    assert r.i2 == pytest.approx(4 / 7)


def test_pool_random_hand_computed_unequal_ses():
    # y = (-1, 0, 2), se = (0.5, 1, 1)  ->  w = (4, 1, 1), Σw = 6, fixed estimate = (-4 + 0 + 2)/6 = -1/3
    # Q = 4·(2/3)² + (1/3)² + (7/3)² = 16/9 + 1/9 + 49/9 = 66/9 = 22/3;  df = 2
    # C = 6 − (16 + 1 + 1)/6 = 3;  tau² = (22/3 − 2)/3 = 16/9
    # w* = 1/(1/4 + 16/9) = 36/73, 1/(1 + 16/9) = 9/25, 9/25
    # estimate = (−36/73 + 0 + 2·9/25) / (36/73 + 18/25);  SE = 1/√(36/73 + 18/25)
    r = ev.pool_random([-1.0, 0.0, 2.0], [0.5, 1.0, 1.0])
    sw = 36 / 73 + 18 / 25
    assert r.tau2 == pytest.approx(16 / 9)
    assert r.q == pytest.approx(22 / 3)
    assert r.estimate == pytest.approx((-36 / 73 + 18 / 25) / sw)
    assert r.se == pytest.approx(1 / math.sqrt(sw))
    assert r.i2 == pytest.approx((22 / 3 - 2) / (22 / 3))


# --------------------------------------------------------------------------- pooling: published example
def _numpy_dl(y, se):
    """An independent, straightforward DerSimonian-Laird implementation (written out again here)."""
    y, v = np.asarray(y, float), np.asarray(se, float) ** 2
    w = 1 / v
    mu_f = (w * y).sum() / w.sum()
    q = (w * (y - mu_f) ** 2).sum()
    tau2 = max(0.0, (q - (len(y) - 1)) / (w.sum() - (w ** 2).sum() / w.sum()))
    ws = 1 / (v + tau2)
    return mu_f, 1 / np.sqrt(w.sum()), q, tau2, (ws * y).sum() / ws.sum(), 1 / np.sqrt(ws.sum())


def test_bcg_published_dersimonian_laird():
    # Colditz et al. 1994 BCG trials (metafor dat.bcg), log risk ratios. Published DerSimonian-Laird fit
    # (metafor rma(method="DL")): estimate -0.7141, SE 0.1787, CI -1.0644 to -0.3638, tau² 0.3088,
    # Q(df = 12) = 152.2330, I² = 92.12 %; fixed effect -0.4303, SE 0.0405.
    b = ev.bcg_log_risk_ratios()
    r = ev.pool_random(b.log_rr, b.se)
    f = ev.pool_fixed(b.log_rr, b.se)
    assert r.estimate == pytest.approx(-0.7141, abs=5e-5)
    assert r.se == pytest.approx(0.1787, abs=5e-5)
    assert (r.ci_low, r.ci_high) == pytest.approx((-1.0644, -0.3638), abs=5e-5)
    assert r.tau2 == pytest.approx(0.3088, abs=5e-5)
    assert r.q == pytest.approx(152.2330, abs=5e-4) and r.df == 12
    assert r.i2 == pytest.approx(0.9212, abs=5e-5)
    assert f.estimate == pytest.approx(-0.4303, abs=5e-5) and f.se == pytest.approx(0.0405, abs=5e-5)
    mu_f, se_f, q, tau2, mu_r, se_r = _numpy_dl(b.log_rr, b.se)
    assert (f.estimate, f.se, r.q, r.tau2, r.estimate, r.se) == pytest.approx((mu_f, se_f, q, tau2, mu_r, se_r))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(-5, 5), st.floats(0.05, 3)), min_size=2, max_size=12))
def test_pooling_properties(studies):
    y = [s[0] for s in studies]
    se = [s[1] for s in studies]
    f, r = ev.pool_fixed(y, se), ev.pool_random(y, se)
    mu_f, se_f, q, tau2, mu_r, se_r = _numpy_dl(y, se)
    assert (f.estimate, f.se, r.tau2, r.estimate, r.se) == pytest.approx((mu_f, se_f, tau2, mu_r, se_r), abs=1e-9)
    assert r.i2 == pytest.approx(max(0.0, (q - r.df) / q) if q > 0 else 0.0)
    assert 0.0 <= r.i2 < 1.0
    if r.q <= r.df:  # no excess heterogeneity: random = fixed
        assert r.tau2 == 0.0
        assert r.estimate == pytest.approx(f.estimate) and r.se == pytest.approx(f.se)
    assert r.se >= f.se - 1e-12  # random effects is never more precise
    assert min(y) - 1e-9 <= r.estimate <= max(y) + 1e-9


def test_pool_single_study_and_identical_studies():
    r = ev.pool_fixed([-1.2], [0.3])
    assert (r.estimate, r.se, r.q, r.i2) == pytest.approx((-1.2, 0.3, 0.0, 0.0))
    r = ev.pool_random([0.5, 0.5, 0.5], [0.2, 0.4, 0.3])
    assert r.tau2 == 0.0 and r.estimate == pytest.approx(0.5) and r.i2 == 0.0


@pytest.mark.parametrize("func, y, se, match", [
    (ev.pool_fixed, [1.0, 2.0], [0.5], "same length"),
    (ev.pool_fixed, [], [], "empty"),
    (ev.pool_fixed, [1.0], [0.0], "greater than 0"),
    (ev.pool_fixed, [1.0], [-0.2], "greater than 0"),
    (ev.pool_fixed, [1.0, float("nan")], [0.1, 0.2], "finite"),
    (ev.pool_fixed, [1.0, 2.0], [0.1, float("inf")], "finite"),
    (ev.pool_random, [1.0], [0.5], "at least 2"),
    (ev.pool_random, ["a", "b"], [0.5, 0.5], "numbers"),
])
def test_pool_bad_input(func, y, se, match):
    with pytest.raises(ValueError, match=match):
        func(y, se)


# --------------------------------------------------------------------------- dose-response and absolute risk
def test_rr_for_change_log_linear():
    assert ev.rr_for_change(0.85, 100) == pytest.approx(0.85)
    assert ev.rr_for_change(0.85, 0) == 1.0
    assert ev.rr_for_change(0.85, 200) == pytest.approx(0.85 ** 2)
    assert ev.rr_for_change(0.85, -100) == pytest.approx(1 / 0.85)
    assert np.allclose(ev.rr_for_change(0.81, [50, 150]), [0.81 ** 0.5, 0.81 ** 1.5])
    with pytest.raises(ValueError, match="rr_per_100mg"):
        ev.rr_for_change(0.0, 100)


@pytest.mark.parametrize("meta_id", ev.T2D_META_IDS)
def test_rr_curve_reproduces_published_ci_at_100(meta_id):
    m = ev.get_meta(meta_id)
    c = ev.rr_curve(meta_id, [-100, 0, 100, 250])
    row = c.set_index("delta_mg_per_day").loc[100]
    assert (row.rr, row.rr_low, row.rr_high) == pytest.approx((m.rr_per_100mg, m.ci_low, m.ci_high))
    zero = c.set_index("delta_mg_per_day").loc[0]
    assert zero.rr == zero.rr_low == zero.rr_high == 1.0
    assert (c.rr_low <= c.rr).all() and (c.rr <= c.rr_high).all()
    neg = c.set_index("delta_mg_per_day").loc[-100]
    assert neg.rr == pytest.approx(1 / m.rr_per_100mg) and neg.rr_high == pytest.approx(1 / m.ci_low)


def test_published_t2d_values_are_in_the_table():
    got = {m: (ev.get_meta(m).rr_per_100mg, ev.get_meta(m).ci_low, ev.get_meta(m).ci_high) for m in ev.T2D_META_IDS}
    assert got == {"larsson2007": (0.85, 0.79, 0.92), "dong2011": (0.86, 0.82, 0.89), "fang2016": (0.81, 0.77, 0.86)}
    cvd = ev.get_meta("fang2016", "total cardiovascular disease")
    assert (cvd.rr_per_100mg, cvd.ci_low, cvd.ci_high) == (0.99, 0.88, 1.10)


def test_absolute_risk_conversion():
    # baseline 10 %, RR 0.85: new risk 8.5 %, difference 1.5 points, 1/0.015 = 66.7 people
    a = ev.absolute_risk(0.10, 0.85)
    assert a.risk == pytest.approx(0.085)
    assert a.risk_difference == pytest.approx(0.015)
    assert a.risk_difference_pct_points == pytest.approx(1.5)
    assert a.number_needed == pytest.approx(1 / 0.015)
    # +150 mg/day with Dong 0.86 at 8 %: RR = 0.86^1.5 = 0.79753..., difference 8 × (1 − RR) points
    b = ev.absolute_risk(0.08, ev.rr_for_change(0.86, 150))
    assert b.risk_difference_pct_points == pytest.approx(8 * (1 - 0.86 ** 1.5))
    assert b.risk_difference_pct_points == pytest.approx(1.6197, abs=1e-4)
    # same RR, higher baseline: same relative, larger absolute difference
    assert ev.absolute_risk(0.30, 0.85).risk_difference == pytest.approx(3 * a.risk_difference)
    # RR > 1 (lower intake): risk goes up, no "number needed"; capped at 1
    c = ev.absolute_risk(0.10, 1.2)
    assert c.risk_difference < 0 and c.number_needed is None
    assert ev.absolute_risk(0.9, 2.0).risk == 1.0
    assert ev.absolute_risk(0.2, 1.0).number_needed is None


@pytest.mark.parametrize("p0, rr, match", [(0, 0.8, "baseline_risk"), (1, 0.8, "baseline_risk"),
                                           (0.1, 0, "relative_risk"), (0.1, float("nan"), "relative_risk")])
def test_absolute_risk_bad_input(p0, rr, match):
    with pytest.raises(ValueError, match=match):
        ev.absolute_risk(p0, rr)


def test_se_from_ci():
    assert ev.se_from_ci(-1.20, -0.14) == pytest.approx(1.06 / (2 * 1.959964), rel=1e-6)
    assert ev.se_from_ci(0.79, 0.92, log=True) == pytest.approx(math.log(0.92 / 0.79) / 3.919928, rel=1e-6)
    with pytest.raises(ValueError, match="ci_high"):
        ev.se_from_ci(1.0, 0.5)


# --------------------------------------------------------------------------- trials
def test_mean_difference_2003_trial():
    # HOMA-IR 3.8 ± 1.1 (Mg, n 32 assumed) vs 5.0 ± 1.3 (placebo, n 31 assumed)
    md, se = ev.mean_difference(3.8, 1.1, 32, 5.0, 1.3, 31)
    assert md == pytest.approx(-1.2)
    assert se == pytest.approx(math.sqrt(1.21 / 32 + 1.69 / 31))
    eff = ev.trial_effects()
    assert list(eff.trial_id) == ["rm_gr_2003"]  # the only trial with both arms' SDs
    assert bool(eff.n_assumed.iloc[0])
    assert eff.ci_high.iloc[0] < 0


@pytest.mark.parametrize("args, match", [((3.8, 0, 32, 5.0, 1.3, 31), "sd_1"), ((3.8, 1.1, 1, 5.0, 1.3, 31), "n_1"),
                                         ((3.8, 1.1, 32, 5.0, 1.3, 30.5), "n_2")])
def test_mean_difference_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        ev.mean_difference(*args)


@pytest.mark.parametrize("trial", ev.TRIALS, ids=[t.trial_id for t in ev.TRIALS])
def test_every_trial_dose_row_recomputes_elemental_mg(trial):
    doses = ev.trial_doses().set_index("trial")
    row = doses.loc[trial.label]
    if trial.salt_formula is not None:
        expected = trial.salt_mg_per_day * chemistry.elemental_fraction(trial.salt_formula)
        assert row.elemental_mg_anhydrous == pytest.approx(expected)
        assert row.elemental_mg == pytest.approx(expected)
        if trial.elemental_mg_reported is not None:  # the paper's own figure agrees within 1 %
            assert row.elemental_mg == pytest.approx(trial.elemental_mg_reported, rel=0.01)
    else:
        assert row.elemental_mg == trial.elemental_mg_reported
    assert row.above_ul == (row.elemental_mg > 350)


def test_trial_doses_match_the_fact_sheet():
    d = ev.trial_doses().set_index("trial")
    r2003 = d.loc["Rodríguez-Morán & Guerrero-Romero 2003"]
    assert round(r2003.elemental_mg_anhydrous) == 638 and round(r2003.elemental_mg_hexahydrate) == 299
    assert round(d.loc["Guerrero-Romero et al. 2015"].elemental_mg) == 383  # reported 382
    assert list(d.above_ul) == [True, True, True, True, False]


def test_tables_validate_and_claims_are_graded():
    ev.validate_tables()
    claims = ev.claims_table()
    from mgcourse.data import VERDICTS, load_claims

    ledger = load_claims().set_index("claim_id")
    assert list(claims.claim_id) == list(ev.CLAIM_IDS)
    assert {g.split(":")[0] for g in claims.grade} <= set(VERDICTS)  # the ledger's one scale
    assert list(claims.claim) == list(ledger.loc[list(ev.CLAIM_IDS), "claim"])
    assert {"false", "likely", "uncertain", "unsupported", "established"} == {g.split(":")[0] for g in claims.grade}
    assert all(s.strip() for s in claims.sources)
    assert len(ev.checklist_table()) == len(ev.CHECKLIST)


# --------------------------------------------------------------------------- synthetic cohort and OLS
def test_synthetic_cohort_is_deterministic_with_its_seed():
    a = ev.simulate_cohort(500, seed=11)
    b = ev.simulate_cohort(500, seed=11)
    c = ev.simulate_cohort(500, seed=12)
    assert a.equals(b)
    assert not a.equals(c)
    assert (a.mg_intake_mg_day >= 50).all() and (a.homa_ir > 0).all()


@pytest.mark.parametrize("seed", [1, 7, 13, 2013])
def test_adjusted_estimate_is_closer_to_the_truth(seed):
    truth = -0.03
    est = ev.confounding_estimates(ev.simulate_cohort(2000, seed=seed), truth)["log_slope_per_100mg"]
    unadj, bmi, fat = est["unadjusted"], est["adjusted for BMI"], est["adjusted for body fat (DXA)"]
    assert abs(fat - truth) < abs(bmi - truth) < abs(unadj - truth)
    assert unadj < truth  # the spurious association exaggerates the benefit
    assert abs(fat - truth) < 0.03


def test_no_confounding_no_bias():
    est = ev.confounding_estimates(ev.simulate_cohort(20000, seed=3, intake_drop_per_10pct_fat_mg=0.0), -0.03)
    assert est.loc["unadjusted", "log_slope_per_100mg"] == pytest.approx(-0.03, abs=0.01)


def test_ols_recovers_known_coefficients():
    rng = np.random.default_rng(0)
    x1, x2 = rng.normal(size=500), rng.normal(size=500)
    y = 1.0 + 2.0 * x1 - 0.5 * x2
    fit = ev.ols(y, x1=x1, x2=x2)
    assert (fit["intercept"], fit["x1"], fit["x2"]) == pytest.approx((1.0, 2.0, -0.5))
    # SEs agree with the textbook formula s²(XᵀX)⁻¹
    y2 = y + rng.normal(0, 0.3, 500)
    fit2 = ev.ols(y2, x1=x1)
    X = np.column_stack([np.ones(500), x1])
    beta = np.linalg.solve(X.T @ X, X.T @ y2)
    s2 = np.sum((y2 - X @ beta) ** 2) / (500 - 2)
    assert fit2.se == pytest.approx(np.sqrt(np.diag(s2 * np.linalg.inv(X.T @ X))))
    with pytest.raises(ValueError, match="collinear"):
        ev.ols(y, x1=x1, x1_again=2 * x1)
    with pytest.raises(ValueError, match="same length"):
        ev.ols(y, x1=x1[:10])


@pytest.mark.parametrize("kw, match", [(dict(n=10), "n must"), (dict(seed=-1), "seed"),
                                       (dict(intake_drop_per_10pct_fat_mg=500.0), "intake_drop")])
def test_simulate_cohort_bad_input(kw, match):
    with pytest.raises(ValueError, match=match):
        ev.simulate_cohort(**kw)


# --------------------------------------------------------------------------- widgets and figures
def test_dose_response_view_text():
    view = ev.dose_response_view(10, 100, "larsson2007")
    assert "0.850" in view.text and "8.50 %" in view.text and "1.50 percentage points" in view.text
    assert "observational" in view.text and "350 mg/day" in view.text
    assert ev.dose_response_view(10, 0, "dong2011").figure is not None


def test_confounding_view_labels_synthetic():
    view = ev.confounding_view(40, -3, 13)
    assert "Synthetic" in view.text


def test_simulate_cohort_reuses_its_draws_without_sharing_them():
    """The draws are cached per seed (the panel's other sliders reuse them); the cohort stays a fresh copy."""
    a = ev.simulate_cohort(300, seed=5, intake_drop_per_10pct_fat_mg=0.0)
    b = ev.simulate_cohort(300, seed=5, intake_drop_per_10pct_fat_mg=80.0, true_effect_log_per_100mg=-0.2)
    assert a.body_fat_pct.equals(b.body_fat_pct) and a.bmi_kg_m2.equals(b.bmi_kg_m2)
    a.loc[0, "body_fat_pct"] = -1.0
    assert ev.simulate_cohort(300, seed=5).body_fat_pct[0] > 0


def _slider_values(name, key):
    from mgcourse import widgets

    c = widgets.get(name).controls[key]
    return np.round(np.arange(c.min, c.max + c.step / 2, c.step), 9)


def test_confounding_axes_hold_every_slider_value():
    """The panel's fixed axes show every point and every estimate at every slider value. Intake is monotone in the
    intake drop and ln HOMA-IR linear in the true effect, so the scatter's extremes lie at the sliders' ends; the
    estimates are checked over the whole intake-drop range at both ends of the true effect (a one-off sweep of all
    10,920 settings gave −35.9 to +9.6 %)."""
    x, y, fat, est = [], [], [], []
    for seed in _slider_values("07.confounding", "seed"):
        for drop in _slider_values("07.confounding", "intake_drop_mg")[::2]:
            for pct in (-20.0, 5.0):
                cohort, e = ev._confounding(float(drop), pct, int(seed))
                shown = cohort.iloc[:ev._CONF_SHOWN]
                x += [shown.mg_intake_mg_day.min(), shown.mg_intake_mg_day.max()]
                y += [shown.homa_ir.min(), shown.homa_ir.max()]
                fat += [shown.body_fat_pct.min(), shown.body_fat_pct.max()]
                v, err = e["pct_change_per_100mg"].to_numpy(), 100 * ev.Z95 * e["se"].to_numpy()
                est += [(v - err).min(), (v + err).max()]
    assert ev._CONF_XLIM[0] <= min(x) and max(x) <= ev._CONF_XLIM[1]
    assert ev._CONF_YLIM[0] <= min(y) and max(y) <= ev._CONF_YLIM[1]
    assert ev._CONF_FAT_RANGE[0] <= min(fat) and max(fat) <= ev._CONF_FAT_RANGE[1]
    assert ev._CONF_EST_XLIM[0] <= min(est) and max(est) <= ev._CONF_EST_XLIM[1]
    assert all(ev._CONF_YLIM[0] <= t <= ev._CONF_YLIM[1] for t in ev._CONF_YTICKS)


def test_dose_response_axes_hold_every_slider_value():
    for meta_id in ev.T2D_META_IDS:
        c = ev.rr_curve(meta_id, ev._DR_DELTAS)
        assert ev._DR_XLIM[0] < c.delta_mg_per_day.min() and c.delta_mg_per_day.max() < ev._DR_XLIM[1]
        lo, hi = ev._dose_response_rr_ylim()  # one relative-risk axis for the three meta-analyses
        assert lo < c.rr_low.min() and c.rr_high.max() < hi and lo < 1 < hi
        for p0 in (1.0, 40.0):
            risk = p0 * np.concatenate([c.rr, c.rr_low, c.rr_high])
            assert ev._DR_RISK_YLIM[0] <= risk.min() and risk.max() <= ev._DR_RISK_YLIM[1]


def test_reverse_causation_axes_hold_every_control_value():
    """At the extremes a one-off sweep of every setting found (glucose 94–600 mg/dL, Mg pool 0.15–1.26)."""
    g, m = [], []
    for full in (False, True):
        for intake in (150.0, 310.0, 320.0, 500.0):
            for si in (0.10, 0.12, 0.14, 0.2, 1.0):
                run = ev.reverse_causation_run(si, intake_mg_per_day=intake, full_cycle=full)
                g += [run.glucose_mg_dl.min(), run.glucose_mg_dl.max()]
                m += [run.mg_pool.min(), run.mg_pool.max()]
                assert ev._RC_XLIM[0] < 0 and run.t_days[-1] / 30.44 < ev._RC_XLIM[1]
    assert ev._RC_GLUCOSE_YLIM[0] <= min(g) and max(g) <= ev._RC_GLUCOSE_YLIM[1]
    assert ev._RC_MG_YLIM[0] <= min(m) and max(m) <= ev._RC_MG_YLIM[1]
    assert max(g) > 550 and max(m) > 1.2  # the extremes are among the settings tried


def test_registered_figures_build():
    from mgcourse.style import FIGURE_REGISTRY

    for name in ("ch07_dose_response", "ch07_forest"):
        func, alt = FIGURE_REGISTRY[name]
        assert func() is not None and alt.strip()


# --------------------------------------------------------------------------- reverse causation (chapter 4 model)
def test_reverse_causation_insulin_resistance_lowers_mg():
    normal = ev.reverse_causation_run(1.0)
    assert normal.mg_pool.min() == pytest.approx(1.0, abs=1e-6)  # Topp's healthy point, replete
    mins = [ev.reverse_causation_run(f).mg_pool.min() for f in (0.5, 0.28, 0.14)]
    assert mins[0] > mins[1] > mins[2]  # more insulin resistance, lower Mg (intake unchanged)
    run = ev.reverse_causation_run(0.14)
    assert run.glucose_mg_dl.max() > 180  # above the (illustrative) renal threshold: glycosuria
    assert run.mg_pool[-1] == pytest.approx(1.0, abs=0.01)  # β-cells compensate, Mg recovers


def test_reverse_causation_snapshot_association():
    snap = ev.reverse_causation_snapshot()
    # a 'cross-sectional survey' of model people: higher HOMA-IR goes with lower Mg, with no Mg → IR arrow
    assert np.all(np.diff(snap.homa_ir) > 0)
    assert np.all(np.diff(snap.mg_pool) < 0)
    with pytest.raises(ValueError, match="si_fraction"):
        ev.reverse_causation_run(0.0)
