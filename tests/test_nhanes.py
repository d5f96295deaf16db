"""NHANES 2017–2018: the extract's rebuild, the analytic samples, weighted quantiles and design-based SEs."""

import hashlib
import math
import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from mgcourse import DATA_DIR
from mgcourse.tools import build_data, build_nhanes
from mgcourse import nhanes as nh

RAW = build_nhanes.default_raw_dir()
needs_raw = pytest.mark.skipif(
    not RAW.is_dir(),
    reason=f"NHANES raw files not found at {RAW} (../shared is absent; set MGCOURSE_NHANES to run this test)",
)


# --------------------------------------------------------------------------- the extract
@needs_raw
@pytest.mark.skipif(int(pd.__version__.split(".")[0]) < 3,
                    reason="the extract is byte-reproducible with the pinned versions (requirements.txt); older "
                           "pandas reads the SAS transport files with other float rounding")
def test_extract_rebuilds_byte_identically():
    committed = (DATA_DIR / build_nhanes.OUTPUT_NAME).read_bytes()
    rebuilt = build_nhanes.extract_csv_bytes(RAW)
    # compare digests: a failing == on two 400 kB byte strings makes pytest diff them for many minutes
    assert hashlib.sha256(rebuilt).hexdigest() == hashlib.sha256(committed).hexdigest(), (
        f"the rebuilt extract differs from data/{build_nhanes.OUTPUT_NAME} "
        f"({len(rebuilt)} vs {len(committed)} bytes): run python -m mgcourse.tools.build_nhanes")


@needs_raw
def test_build_refuses_a_changed_raw_file(tmp_path):
    for name in build_nhanes.RAW_SHA256:
        (tmp_path / name).write_bytes((RAW / name).read_bytes())
    (tmp_path / "GLU_J.XPT").write_bytes((RAW / "GLU_J.XPT").read_bytes() + b" ")
    with pytest.raises(ValueError, match="GLU_J.XPT: sha256"):
        build_nhanes.extract_csv_bytes(tmp_path)


def test_build_refuses_a_missing_raw_dir(tmp_path):
    with pytest.raises(ValueError, match="raw file missing"):
        build_nhanes.read_raw(tmp_path)


def test_raw_checksums_documented_in_manifest():
    text = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    for name, digest in build_nhanes.RAW_SHA256.items():
        assert re.search(rf"`{re.escape(name)}`.*`{digest}`", text), f"{name}: sha256 not in data/README.md"


def test_extract_in_checksum_manifest_and_a_one_digit_edit_fails(tmp_path):
    text = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    block = text.split(build_data.CHECKSUMS_START)[1].split(build_data.CHECKSUMS_END)[0]
    recorded = dict(re.findall(r"\| `([^`]+)` \| \d+ \| `([0-9a-f]{64})` \|", block))
    raw = (DATA_DIR / build_nhanes.OUTPUT_NAME).read_bytes()
    assert recorded[build_nhanes.OUTPUT_NAME] == hashlib.sha256(raw).hexdigest()
    edited = raw.replace(b"\n93708,66,", b"\n93708,67,", 1)
    assert edited != raw
    assert hashlib.sha256(edited).hexdigest() != recorded[build_nhanes.OUTPUT_NAME]


def test_extract_format_is_deterministic():
    assert build_nhanes.format_number(float("nan")) == ""
    assert build_nhanes.format_number(1230.0) == "1230"
    assert build_nhanes.format_number(0.1 + 0.2) == "0.30000000000000004"
    with pytest.raises(ValueError, match="non-finite"):
        build_nhanes.format_number(float("inf"))
    raw = (DATA_DIR / build_nhanes.OUTPUT_NAME).read_bytes()
    assert b"\r" not in raw and raw.endswith(b"\n")
    fields = {f for line in raw.decode("utf-8").splitlines() for f in line.split(",")}
    assert not fields & {"nan", "NaN", "inf", "None"}


def test_extract_schema():
    e = nh.load_extract()
    assert tuple(e.columns) == nh.EXTRACT_COLUMNS
    assert len(e) == 5569  # DEMO_J participants aged 20+
    assert e["age_years"].between(20, 80).all()
    assert e["strata"].nunique() == 15
    assert e.groupby(["strata", "psu"]).ngroups == 30
    assert e["pregnant"].sum() == 55


def test_loader_validates(tmp_path):
    e = nh.load_extract()
    bad = e.copy()
    bad.loc[0, "sex"] = "m"
    path = tmp_path / "x.csv"
    bad.to_csv(path, index=False)
    with pytest.raises(ValueError, match="sex"):
        nh.load_extract(path)
    e.drop(columns="waist_cm").to_csv(path, index=False)
    with pytest.raises(ValueError, match="columns"):
        nh.load_extract(path)


# --------------------------------------------------------------------------- the samples
def test_intake_sample_inclusion_counts():
    s = nh.intake_sample()
    steps = nh.inclusion_steps(s)
    assert steps["n"].tolist() == [9254, 5569, 5514, 4694, 4694]
    assert steps["n"].is_monotonic_decreasing
    assert len(s) == steps["n"].iloc[-1]
    assert (s["age_years"] >= 20).all() and (s["pregnant"] == 0).all() and (s["weight"] > 0).all()
    assert s["mg_intake_mg_per_day"].notna().all()
    assert (s["weight"] == s["weight_dietary_day1"]).all()
    assert set(s["sex"]) == {"male", "female"}


def test_fasting_sample_inclusion_counts_and_homa():
    f = nh.fasting_sample()
    assert nh.inclusion_steps("fasting")["n"].tolist() == [9254, 5569, 5514, 2366, 2235, 2055]
    assert len(f) == 2055
    assert (f["weight"] == f["weight_fasting"]).all() and (f["weight"] > 0).all()
    np.testing.assert_allclose(f["homa_ir"], f["glucose_mg_dl"] * f["insulin_uU_ml"] / 405)
    np.testing.assert_allclose(np.exp(f["log_homa_ir"]), f["homa_ir"])
    for col in ("age_years", "sex", "mg_intake_mg_per_day", "energy_kcal_per_day", "strata", "psu",
                "bmi_kg_m2", "waist_cm"):
        assert col in f.columns


def test_samples_validate_their_input():
    with pytest.raises(TypeError, match="data"):
        nh.intake_sample([1, 2])
    with pytest.raises(ValueError, match="insulin_uU_ml"):
        nh.fasting_sample(nh.load_extract().drop(columns="insulin_uU_ml"))


def test_samples_follow_their_rules_on_a_constructed_extract():
    base = dict(seqn=1, age_years=40, sex="male", pregnant=0, recall_reliable=1, mg_intake_mg_per_day=300.0,
                energy_kcal_per_day=2000.0, weight_dietary_day1=1000.0, weight_fasting=2000.0, strata=1, psu=1,
                glucose_mg_dl=90.0, insulin_uU_ml=9.0, hba1c_percent=5.4, bmi_kg_m2=25.0, waist_cm=90.0)
    variants = [{}, {"pregnant": 1, "sex": "female"}, {"recall_reliable": 0}, {"mg_intake_mg_per_day": np.nan},
                {"weight_dietary_day1": 0.0}, {"insulin_uU_ml": np.nan}, {"weight_fasting": 0.0},
                {"weight_fasting": np.nan, "glucose_mg_dl": np.nan, "insulin_uU_ml": np.nan}]
    rows = [{**base, **v, "seqn": i + 1} for i, v in enumerate(variants)]
    data = pd.DataFrame(rows)[list(nh.EXTRACT_COLUMNS)]
    assert nh.intake_sample(data)["seqn"].tolist() == [1, 6, 7, 8]
    f = nh.fasting_sample(data)
    assert f["seqn"].tolist() == [1, 5]
    assert f["homa_ir"].tolist() == pytest.approx([2.0, 2.0])  # 90 mg/dL x 9 uU/mL / 405


def test_inclusion_steps_bad_input():
    with pytest.raises(ValueError, match="sample"):
        nh.inclusion_steps("fasted")
    with pytest.raises(TypeError, match="sample"):
        nh.inclusion_steps(pd.DataFrame({"a": [1]}))


def test_weighted_means_match_shared_readme():
    # The shared README's definition: adults 20+, reliable recall, WTDRD1 (pregnant women included).
    e = nh.load_extract()
    r = e[(e["recall_reliable"] == 1) & (e["weight_dietary_day1"] > 0)]
    quoted = {"male": (2485, 343), "female": (1849, 271)}
    for sex, (kcal, mg) in quoted.items():
        g = r[r["sex"] == sex]
        assert round(nh.weighted_mean(g["energy_kcal_per_day"], g["weight_dietary_day1"])) == kcal
        assert round(nh.weighted_mean(g["mg_intake_mg_per_day"], g["weight_dietary_day1"])) == mg
    # and the intake sample (pregnant women left out) is within a few units of them
    s = nh.intake_sample()
    women = s[s["sex"] == "female"]
    assert abs(nh.weighted_mean(women["mg_intake_mg_per_day"], women["weight"]) - 271) < 3


# --------------------------------------------------------------------------- EAR
def test_ear_from_course_data_and_fallback():
    ear = nh.ear_mg_per_day([25, 25, 31, 80, 45], ["male", "female", "male", "female", "female"])
    np.testing.assert_array_equal(ear, [330, 255, 350, 265, 265])
    with pytest.raises(ValueError, match="sex"):
        nh.ear_mg_per_day([40], ["M"])
    with pytest.raises(ValueError, match="age_years"):
        nh.ear_mg_per_day([12], ["male"])


# --------------------------------------------------------------------------- weighted quantile
def test_weighted_quantile_by_hand():
    x = [3.0, 1.0, 2.0, 10.0]
    w = [1.0, 1.0, 1.0, 7.0]  # cumulative shares after sorting: 0.1, 0.2, 0.3, 1.0
    assert nh.weighted_quantile(x, w, 0.5) == 10.0
    assert nh.weighted_quantile(x, w, 0.1) == 1.0
    assert nh.weighted_quantile(x, w, 0.15) == 2.0
    assert nh.weighted_quantile(x, w, 0.3) == 3.0
    assert nh.weighted_quantile(x, w, 0.0) == 1.0
    assert nh.weighted_quantile(x, w, 1.0) == 10.0
    np.testing.assert_array_equal(nh.weighted_quantile(x, w, [0.25, 0.75]), [3.0, 10.0])
    assert nh.weighted_quantile(x, [1, 1, 1, 1], 0.5) == 2.0  # lower middle value


def test_weighted_quantile_integer_weights_equal_repetition():
    rng = np.random.default_rng(3)
    x = rng.normal(size=40)
    w = rng.integers(1, 5, size=40)
    expanded = np.sort(np.repeat(x, w))
    for q in (0.1, 0.37, 0.5, 0.9):
        # inverse ECDF of the expanded sample: the ceil(q*N)-th smallest value
        k = max(math.ceil(q * expanded.size), 1)
        assert nh.weighted_quantile(x, w, q) == expanded[k - 1]


def test_weighted_quantile_zero_weights_ignored():
    assert nh.weighted_quantile([1, 100, 2, 3], [1, 0, 1, 1], 1.0) == 3


@pytest.mark.parametrize("args,exc,word", [
    (([], [], 0.5), ValueError, "values"),
    (([1, 2], [1], 0.5), ValueError, "weights"),
    (([1, 2], [1, -1], 0.5), ValueError, "weights"),
    (([1, 2], [0, 0], 0.5), ValueError, "weights"),
    (([1, np.nan], [1, 1], 0.5), ValueError, "values"),
    (([1, 2], [1, 1], 1.5), ValueError, "q"),
    (([1, 2], [1, 1], "half"), TypeError, "q"),
    (("ab", [1, 1], 0.5), TypeError, "values"),
    (([[1, 2]], [1, 1], 0.5), ValueError, "values"),
])
def test_weighted_quantile_bad_input(args, exc, word):
    with pytest.raises(exc, match=word):
        nh.weighted_quantile(*args)


# --------------------------------------------------------------------------- survey regression
def _toy_design(seed=0, n=60, strata=3, psus=3):
    rng = np.random.default_rng(seed)
    d = pd.DataFrame({
        "strata": rng.integers(0, strata, n),
        "psu": rng.integers(0, psus, n),
        "x": rng.normal(300, 80, n),
        "z": rng.normal(0, 1, n),
        "sex": rng.choice(["female", "male"], n),
        "weight": rng.uniform(500, 5000, n),
    })
    d["y"] = 1.0 - 0.002 * d["x"] + 0.3 * d["z"] + 0.2 * (d["sex"] == "male") + rng.normal(0, 0.5, n)
    return d


def _loop_se(d, outcome, columns):
    """An independent computation: explicit loops over strata and PSUs."""
    X = np.column_stack([np.ones(len(d))] + [d[c].to_numpy(float) for c in columns])
    y, w = d[outcome].to_numpy(float), d["weight"].to_numpy(float)
    XtWX = sum(w[i] * np.outer(X[i], X[i]) for i in range(len(d)))
    XtWy = sum(w[i] * X[i] * y[i] for i in range(len(d)))
    beta = np.linalg.solve(XtWX, XtWy)
    meat = np.zeros((X.shape[1], X.shape[1]))
    for h in sorted(d["strata"].unique()):
        in_h = d["strata"].to_numpy() == h
        totals = []
        for j in sorted(d.loc[in_h, "psu"].unique()):
            rows = np.where(in_h & (d["psu"].to_numpy() == j))[0]
            totals.append(sum(w[i] * X[i] * (y[i] - X[i] @ beta) for i in rows))
        totals = np.array(totals)
        n_h = len(totals)
        mean = totals.mean(axis=0)
        for t in totals:
            meat += n_h / (n_h - 1) * np.outer(t - mean, t - mean)
    bread = np.linalg.inv(XtWX)
    return beta, np.sqrt(np.diag(bread @ meat @ bread))


def test_survey_regression_matches_explicit_psu_loop():
    d = _toy_design()
    d["male"] = (d["sex"] == "male").astype(float)
    fit = nh.survey_regression(d, "y", "x", ["z", "sex"])
    beta, se = _loop_se(d, "y", ["x", "z", "male"])
    assert fit.estimate == pytest.approx(beta[1], rel=1e-10)
    assert fit.se == pytest.approx(se[1], rel=1e-10)
    np.testing.assert_allclose(np.sqrt(np.diag(fit.vcov)), se, rtol=1e-10)
    assert fit.n_strata == 3 and fit.n_psu == 9 and fit.df == 6 and fit.n == 60
    t = stats.t.ppf(0.975, 6)
    assert fit.ci_low == pytest.approx(fit.estimate - t * fit.se)
    assert fit.ci_high == pytest.approx(fit.estimate + t * fit.se)


def test_survey_regression_tiny_design_by_hand():
    # 2 strata x 2 PSUs x 2 rows, equal weights, binary exposure: every step can be written down.
    d = pd.DataFrame({
        "strata": [1, 1, 1, 1, 2, 2, 2, 2],
        "psu":    [1, 1, 2, 2, 1, 1, 2, 2],
        "x":      [0, 1, 0, 1, 0, 1, 0, 1],
        "y":      [1.0, 3.0, 2.0, 3.0, 0.0, 2.0, 1.0, 4.0],
        "weight": [1.0] * 8,
    })
    fit = nh.survey_regression(d, "y", "x")
    # OLS with a binary x: slope = mean(y | x=1) - mean(y | x=0) = 3 - 1 = 2
    assert fit.estimate == pytest.approx(2.0)
    # residuals: x=0 rows minus 1, x=1 rows minus 3
    e = np.array([0, 0, 1, 0, -1, -1, 0, 1], dtype=float)
    # A = [[8, 4], [4, 4]]; A^-1 = [[0.25, -0.25], [-0.25, 0.5]]; slope influence = -0.25*e + 0.5*x*e
    x = d["x"].to_numpy(float)
    infl = -0.25 * e + 0.5 * x * e          # per row: [0, 0, -0.25, 0, 0.25, -0.25, 0, 0.25]
    psu_tot = np.array([infl[0:2].sum(), infl[2:4].sum(), infl[4:6].sum(), infl[6:8].sum()])
    # stratum 1: totals 0 and -0.25 (mean -0.125); stratum 2: 0 and 0.25 (mean 0.125);
    # each stratum: n_h/(n_h-1) = 2 times two squared deviations of 0.125
    assert psu_tot.tolist() == [0.0, -0.25, 0.0, 0.25]
    var = 2 * (2 / 1) * (2 * 0.125 ** 2)
    assert fit.se == pytest.approx(math.sqrt(var))
    assert fit.df == 2


def test_one_psu_per_row_reduces_to_hc_sandwich():
    d = _toy_design(seed=5, n=50)
    d["strata"], d["psu"] = 0, np.arange(len(d))
    fit = nh.survey_regression(d, "y", "x", ["z"])
    X = np.column_stack([np.ones(len(d)), d["x"], d["z"]])
    w, y = d["weight"].to_numpy(), d["y"].to_numpy()
    bread = np.linalg.inv(X.T @ np.diag(w) @ X)
    beta = bread @ X.T @ (w * y)
    e = y - X @ beta
    hc0 = bread @ (X.T @ np.diag((w * e) ** 2) @ X) @ bread
    n = len(d)
    assert fit.se == pytest.approx(math.sqrt(hc0[1, 1] * n / (n - 1)), rel=1e-10)
    assert fit.df == n - 1


def test_survey_regression_invariant_to_weight_scale_and_row_order():
    d = _toy_design(seed=2)
    a = nh.survey_regression(d, "y", "x", ["z"])
    b = nh.survey_regression(d.assign(weight=d["weight"] * 37.5).sample(frac=1, random_state=1), "y", "x", ["z"])
    assert b.estimate == pytest.approx(a.estimate, rel=1e-10)
    assert b.se == pytest.approx(a.se, rel=1e-10)


def test_survey_regression_drops_incomplete_rows():
    d = _toy_design(seed=4)
    d.loc[[0, 5], "z"] = np.nan
    fit = nh.survey_regression(d, "y", "x", ["z"])
    assert fit.n == 58 and fit.n_dropped == 2
    ref = nh.survey_regression(d.dropna(subset=["z"]), "y", "x", ["z"])
    assert fit.estimate == ref.estimate and fit.se == ref.se


def test_survey_regression_on_nhanes_attenuates_with_adiposity():
    tab = nh.adjustment_table()
    est = dict(zip(tab["adjusted for"], tab["log_change_per_100mg"]))
    assert tab["df"].eq(15).all()
    assert tab["n"].nunique() == 1 and tab["n"].iloc[0] == nh.inclusion_steps(nh.analysis_sample())["n"].iloc[-1]
    assert est["energy, age, sex + BMI"] > est["energy, age, sex"]  # adiposity takes part of the association
    assert (tab["ci_low"] < tab["log_change_per_100mg"]).all() and (tab["log_change_per_100mg"] < tab["ci_high"]).all()


@pytest.mark.parametrize("kwargs,exc,word", [
    (dict(df=[1, 2]), TypeError, "df"),
    (dict(outcome="nope"), ValueError, "outcome"),
    (dict(exposure="nope"), ValueError, "exposure"),
    (dict(covariates=["nope"]), ValueError, "covariates"),
    (dict(covariates=["x"]), ValueError, "covariates"),
    (dict(covariates=5), TypeError, "covariates"),
    (dict(outcome=3), TypeError, "outcome"),
    (dict(exposure="sex"), TypeError, "exposure"),
    (dict(level=1.5), ValueError, "level"),
])
def test_survey_regression_bad_input(kwargs, exc, word):
    d = _toy_design()
    args = dict(df=d, outcome="y", exposure="x", covariates=())
    args.update(kwargs)
    with pytest.raises(exc, match=word):
        nh.survey_regression(**args)


def test_survey_regression_bad_design():
    d = _toy_design()
    with pytest.raises(ValueError, match="weight"):
        nh.survey_regression(d.assign(weight=-d["weight"]), "y", "x")
    lonely = d.copy()
    lonely.loc[lonely["strata"] == 2, "psu"] = 0
    with pytest.raises(ValueError, match="single PSU"):
        nh.survey_regression(lonely, "y", "x")
    with pytest.raises(ValueError, match="singular"):
        nh.survey_regression(d.assign(x2=2 * d["x"]), "y", "x", ["x2"])


# --------------------------------------------------------------------------- widget
def test_adjustment_widget_moves_with_the_set():
    crude = nh.adjustment_view(False, False, "none")
    full = nh.adjustment_view(True, True, "none")
    bmi = nh.adjustment_view(True, True, "bmi_kg_m2")
    assert crude.figure is not None and crude.alt
    assert full.data["estimate_pct"] < crude.data["estimate_pct"]
    assert bmi.data["estimate_pct"] > full.data["estimate_pct"]
    assert bmi.data["n"] == full.data["n"] == len(nh.analysis_sample())  # one sample for every set
    tab = nh.adjustment_table()
    assert full.data["estimate_pct"] == pytest.approx(tab.loc[1, "pct_change_per_100mg"])
    with pytest.raises(ValueError, match="adiposity"):
        nh.adjustment_view(True, True, "hip")


def test_manifest_documents_every_extract_column():
    text = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    assert f"## `{build_nhanes.OUTPUT_NAME}`" in text
    for column in nh.load_extract().columns:
        assert f"| `{column}` |" in text, f"column {column} is not documented in data/README.md"
