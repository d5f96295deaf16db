"""NHANES 2017–2018: the two analytic samples, weighted quantiles and design-based regression.

Reference versions of what chapter 08 builds in visible code. The data are the course's tidy extract
``data/nhanes_2017_2018.csv`` (built by ``python -m mgcourse.tools.build_nhanes``; provenance in
``data/README.md``); nothing here reads the raw files.

Source: Centers for Disease Control and Prevention (CDC), National Center for Health Statistics (NCHS).
National Health and Nutrition Examination Survey Data 2017–2018. Hyattsville, MD: U.S. Department of
Health and Human Services. Public domain.

* :func:`intake_sample` — adults ≥ 20 y, not pregnant, reliable day-1 recall with magnesium intake,
  day-1 dietary weight WTDRD1 > 0; ``weight`` = WTDRD1.
* :func:`fasting_sample` — adults ≥ 20 y, not pregnant, fasting glucose and insulin present,
  fasting-subsample weight WTSAF2YR > 0, reliable day-1 recall with magnesium intake; ``weight`` = WTSAF2YR;
  HOMA-IR = glucose (mg/dL) × insulin (µU/mL) / 405.
* :func:`weighted_quantile` — the weighted inverse distribution function.
* :func:`survey_regression` — weighted least squares with a Taylor-linearisation (sandwich) standard error
  from strata and PSUs, and a t interval on the design degrees of freedom (#PSUs − #strata).

These are associations in a cross-sectional survey: they cannot show cause. Supplement magnesium is not in
the extract (the supplement files were not included), so "intake" here means food and beverages only.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from mgcourse._validate import ArgumentTypeError, as_array, in_range, instance_of

EXTRACT_NAME = "nhanes_2017_2018.csv"
#: Participants in DEMO_J (all ages), for the first inclusion step.
N_DEMO_ALL_AGES = 9254
#: Oldest age accepted by ear_mg_per_day (years).
MAX_AGE_YEARS = 120.0
#: HOMA-IR denominator for glucose in mg/dL and insulin in µU/mL (Matthews et al. 1985).
HOMA_DENOMINATOR_MG_DL = 405.0

EXTRACT_COLUMNS = (
    "seqn", "age_years", "sex", "pregnant", "recall_reliable", "mg_intake_mg_per_day", "energy_kcal_per_day",
    "weight_dietary_day1", "weight_fasting", "strata", "psu", "glucose_mg_dl", "insulin_uU_ml",
    "hba1c_percent", "bmi_kg_m2", "waist_cm",
)


# --------------------------------------------------------------------------- loading
def load_extract(path: str | Path | None = None) -> pd.DataFrame:
    """Read and validate the tidy extract (adults aged ≥ 20 in NHANES 2017–2018).

    Default: ``nhanes_2017_2018.csv`` in :func:`mgcourse.data.data_dir`. Like the other loaders, the file is
    checked against its folder's manifest (size and sha256), so a truncated or edited file fails with the
    file name and the reason; a missing file raises :class:`mgcourse.data.DataUnavailable`.
    """
    if path is not None and (not isinstance(path, (str, Path)) or (isinstance(path, str) and not path.strip())):
        raise TypeError(f"path must be a file path (text or pathlib.Path) or None for the course's extract, "
                        f"got {path!r} ({type(path).__name__})")
    from mgcourse import data as _data

    path = Path(path) if path is not None else _data.data_dir() / EXTRACT_NAME
    try:
        raw = path.read_bytes()
    except OSError as exc:  # a missing file or folder: one sentence for the learner, no traceback
        raise _data._unavailable(path, exc) from None
    text = _data._decode(raw, path.name)  # a non-UTF-8 byte names the file and line
    expected = _data.manifest_checksums(path.parent).get(path.name)
    if expected is not None:  # a truncated or edited extract fails with the file name and the reason
        _data._verify_checksum(raw, path, expected)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype={"sex": "string"})
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise _data.DataFileError(f"{path.name}: not a readable CSV table ({exc})") from None
    if tuple(frame.columns) != EXTRACT_COLUMNS:
        raise ValueError(f"{path}: columns {list(frame.columns)} differ from the expected {list(EXTRACT_COLUMNS)}")
    if not frame["seqn"].is_unique:
        raise ValueError(f"{path}: duplicate seqn")
    if not frame["sex"].isin(["male", "female"]).all():
        raise ValueError(f"{path}: column sex must be 'male' or 'female'")
    if (frame["age_years"] < 20).any() or (frame["age_years"] > 80).any():
        raise ValueError(f"{path}: age_years outside 20–80")
    for col in ("pregnant", "recall_reliable"):
        if not frame[col].isin([0, 1]).all():
            raise ValueError(f"{path}: column {col} must be 0 or 1")
    frame["sex"] = frame["sex"].astype(str)
    return frame


def _check_extract(data) -> pd.DataFrame:
    if data is None:
        return load_extract()
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame (the extract) or None, got {type(data).__name__}")
    missing = [c for c in EXTRACT_COLUMNS if c not in data.columns]
    if missing:
        raise ValueError(f"data lacks the extract's columns {missing}")
    return data


def _steps_frame(steps: list[tuple[str, int]]) -> pd.DataFrame:
    return pd.DataFrame(steps, columns=["step", "n"])


def intake_sample(data: pd.DataFrame | None = None) -> pd.DataFrame:
    """Adults ≥ 20 y, not pregnant, reliable day-1 recall with Mg intake, WTDRD1 > 0; ``weight`` = WTDRD1.

    The inclusion steps with their counts are in ``df.attrs["steps"]`` (a list of ``(step, n)``) and
    :func:`inclusion_steps`.
    """
    d = _check_extract(data)
    steps = [("participants in DEMO_J (all ages)", N_DEMO_ALL_AGES), ("aged 20 y or more", len(d))]
    d = d[d["pregnant"] == 0]
    steps.append(("not pregnant", len(d)))
    d = d[(d["recall_reliable"] == 1) & d["mg_intake_mg_per_day"].notna()]
    steps.append(("reliable day-1 recall with Mg intake (DR1DRSTZ = 1)", len(d)))
    d = d[d["weight_dietary_day1"] > 0]
    steps.append(("day-1 dietary weight WTDRD1 > 0", len(d)))
    out = d.assign(weight=d["weight_dietary_day1"]).reset_index(drop=True)
    out["mg_intake_100mg_per_day"] = out["mg_intake_mg_per_day"] / 100.0
    out.attrs["steps"] = steps
    out.attrs["sample"] = "intake"
    return out


def fasting_sample(data: pd.DataFrame | None = None) -> pd.DataFrame:
    """Adults ≥ 20 y, not pregnant, fasting glucose and insulin, WTSAF2YR > 0, reliable recall with Mg intake.

    ``weight`` = WTSAF2YR; adds ``homa_ir`` (glucose mg/dL × insulin µU/mL / 405) and ``log_homa_ir``.
    """
    d = _check_extract(data)
    steps = [("participants in DEMO_J (all ages)", N_DEMO_ALL_AGES), ("aged 20 y or more", len(d))]
    d = d[d["pregnant"] == 0]
    steps.append(("not pregnant", len(d)))
    d = d[d["glucose_mg_dl"].notna() & d["insulin_uU_ml"].notna()]
    steps.append(("fasting glucose and insulin present", len(d)))
    d = d[d["weight_fasting"] > 0]
    steps.append(("fasting-subsample weight WTSAF2YR > 0", len(d)))
    d = d[(d["recall_reliable"] == 1) & d["mg_intake_mg_per_day"].notna()]
    steps.append(("reliable day-1 recall with Mg intake (DR1DRSTZ = 1)", len(d)))
    out = d.assign(weight=d["weight_fasting"]).reset_index(drop=True)
    out["mg_intake_100mg_per_day"] = out["mg_intake_mg_per_day"] / 100.0
    out["homa_ir"] = out["glucose_mg_dl"] * out["insulin_uU_ml"] / HOMA_DENOMINATOR_MG_DL
    out["log_homa_ir"] = np.log(out["homa_ir"])
    out.attrs["steps"] = steps
    out.attrs["sample"] = "fasting"
    return out


def inclusion_steps(sample: pd.DataFrame | str) -> pd.DataFrame:
    """The inclusion steps of a sample (a DataFrame from :func:`intake_sample` / :func:`fasting_sample`,
    or the name ``"intake"`` / ``"fasting"``) as a table with columns ``step`` and ``n``."""
    if isinstance(sample, str):
        builders = {"intake": intake_sample, "fasting": fasting_sample}
        if sample not in builders:
            raise ValueError(f"sample must be 'intake' or 'fasting' (or a sample DataFrame), got {sample!r}")
        sample = builders[sample]()
    if not isinstance(sample, pd.DataFrame) or "steps" not in sample.attrs:
        raise TypeError("sample must be a DataFrame returned by intake_sample() or fasting_sample(), or its name "
                        f"'intake' or 'fasting'; got {type(sample).__name__}")
    return _steps_frame(sample.attrs["steps"])


# --------------------------------------------------------------------------- EAR
def ear_mg_per_day(age_years, sex, intakes: pd.DataFrame | None = None) -> np.ndarray:
    """Estimated Average Requirement (mg/day) for each adult's age and sex.

    Taken from the EAR rows of ``data/intakes.csv`` (IOM 1997: 330/255 mg/day at 19–30 y, 350/265 from 31 y,
    men/women); an age band covers ``age_min_years <= age < age_max_years``.
    """
    from mgcourse.data import load_intakes

    age = as_array("age_years", age_years, low=19.0, high=MAX_AGE_YEARS, unit="years (adult EARs only)")
    if isinstance(sex, pd.Series):
        sex = sex.to_numpy(dtype=object)
    if not isinstance(sex, (str, list, tuple, np.ndarray)):
        raise ArgumentTypeError(f"sex must be 'male' or 'female' (or a sequence of them), got {sex!r} "
                                f"({type(sex).__name__})")
    sex = np.asarray(sex, dtype=object)
    if age.shape != sex.shape:
        raise ValueError(f"age_years and sex must have the same length, got {age.shape} and {sex.shape}")
    bad = [v for v in sex.ravel().tolist() if not isinstance(v, str) or v not in ("male", "female")]
    if bad:
        raise ValueError(f"sex must be 'male' or 'female', got {sorted(map(repr, bad))[:3]}")
    table = load_intakes() if intakes is None else intakes
    instance_of("intakes", table, pd.DataFrame, what="DataFrame from data.load_intakes()")
    needed = ["measure", "life_stage", "sex", "age_min_years", "age_max_years", "value_mg_per_day"]
    if any(c not in table.columns for c in needed):
        raise ValueError(f"intakes must be the table of data.load_intakes() (columns {needed})")
    ear = table[(table["measure"] == "EAR") & (table["life_stage"] == "general")]
    out = np.full(age.shape, np.nan)
    for row in ear.itertuples(index=False):
        hi = np.inf if pd.isna(row.age_max_years) else float(row.age_max_years)
        lo = float(row.age_min_years)
        inside = (age >= lo) & (age < hi) & (sex == row.sex) & np.isnan(out)
        out[inside] = float(row.value_mg_per_day)
    if np.isnan(out).any():
        raise ValueError("intakes: no EAR found for some ages (the EAR table must cover ages 19 and above)")
    return out


# --------------------------------------------------------------------------- weighted quantile
def _as_1d(name: str, x) -> np.ndarray:
    return as_array(name, x, ndim=1)


def _values_weights(values, weights) -> tuple[np.ndarray, np.ndarray]:
    """Finite values and weights ≥ 0 (not all zero) of equal length; the weights rescaled to sum to 1
    (quantiles and means do not change; huge weights cannot overflow)."""
    x = _as_1d("values", values)
    w = as_array("weights", weights, low=0.0, ndim=1)
    if w.size != x.size:
        raise ValueError(f"weights must have the same length as values ({x.size}), got {w.size}")
    if not np.any(w > 0):
        raise ValueError("weights must not all be zero")
    w = w / w.max()
    return x, w / w.sum()


def weighted_quantile(values, weights, q):
    """Weighted quantile: the smallest value whose cumulative weight share is at least ``q``.

    With the values sorted, F(x) = Σ_{xᵢ ≤ x} wᵢ / Σ wᵢ and the q-quantile is min{x : F(x) ≥ q}
    (the inverse of the weighted distribution function; ``q = 0`` gives the minimum). With equal weights
    and an even count the median is the lower of the two middle values. ``q`` may be a number
    (returns a float) or a sequence (returns an array).
    """
    x, w = _values_weights(values, weights)
    scalar = np.ndim(q) == 0
    qs = np.atleast_1d(as_array("q", q, low=0.0, high=1.0))
    order = np.argsort(x, kind="stable")
    xs, ws = x[order], w[order]
    keep = ws > 0
    xs, ws = xs[keep], ws[keep]
    cum = np.cumsum(ws) / ws.sum()
    # guard against rounding: the last cumulative share is exactly 1
    cum[-1] = 1.0
    idx = np.searchsorted(cum, qs - 1e-12, side="left")
    result = xs[np.minimum(idx, xs.size - 1)]
    return float(result[0]) if scalar else result


def weighted_mean(values, weights) -> float:
    """Σ w x / Σ w, validated like :func:`weighted_quantile`."""
    x, w = _values_weights(values, weights)
    mean = float(np.sum(w * x))
    if not np.isfinite(mean):  # only for values near the float limit (±1.8e308)
        raise ValueError("values are too large for a weighted mean (the sum overflows)")
    return mean


# --------------------------------------------------------------------------- design-based regression
@dataclass
class SurveyFit:
    """Result of :func:`survey_regression` for the exposure's coefficient, plus the whole fit."""

    exposure: str
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    df: int
    n: int
    n_psu: int
    n_strata: int
    n_dropped: int
    coef: pd.Series = field(repr=False)
    vcov: pd.DataFrame = field(repr=False)
    level: float = 0.95

    @property
    def p_value(self) -> float:
        """Two-sided p-value of the exposure coefficient (t on ``df`` degrees of freedom)."""
        return float(2 * stats.t.sf(abs(self.estimate / self.se), self.df))


def _column_names(name: str, columns, df: pd.DataFrame) -> tuple[str, ...]:
    """A sequence of column names of ``df`` (a single name is accepted as a one-element sequence)."""
    if isinstance(columns, str):
        columns = (columns,)
    if not isinstance(columns, (list, tuple, pd.Index)):
        raise ArgumentTypeError(f"{name} must be a sequence of column names, got {columns!r} "
                                f"({type(columns).__name__})")
    for col in columns:
        if not isinstance(col, str) or col not in df.columns:
            raise ValueError(f"{name}: {col!r} is not a column of df")
    return tuple(columns)


def _labels(name: str, value, n: int) -> np.ndarray:
    """Stratum or PSU labels: a 1-D sequence of n numbers or strings, none missing."""
    if isinstance(value, pd.Series):
        value = value.to_numpy()
    if not isinstance(value, (list, tuple, np.ndarray)):
        raise ArgumentTypeError(f"{name} must be a sequence of labels (one per row), got {value!r} "
                                f"({type(value).__name__})")
    arr = np.asarray(value, dtype=object)
    if arr.ndim != 1 or arr.size != n:
        raise ValueError(f"{name} must hold one label per row of scores ({n}), got shape {arr.shape}")
    for v in arr.tolist():
        ok = isinstance(v, str) or (isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
                                    and np.isfinite(v))
        if not ok:
            raise ValueError(f"{name} must hold numbers or text, none missing; got {v!r}")
    return arr


def design_matrix(df: pd.DataFrame, columns) -> pd.DataFrame:
    """Intercept plus ``columns``; text or categorical columns become 0/1 indicators (first level dropped)."""
    instance_of("df", df, pd.DataFrame, what="pandas DataFrame")
    columns = _column_names("columns", columns, df)
    parts = [pd.Series(1.0, index=df.index, name="intercept")]
    for col in columns:
        s = df[col]
        if pd.api.types.is_bool_dtype(s) or pd.api.types.is_numeric_dtype(s):
            if not np.all(np.isfinite(s.to_numpy(dtype=float, na_value=np.nan))):
                raise ValueError(f"df: column {col!r} has missing or non-finite values (drop incomplete rows first)")
            parts.append(s.astype(float).rename(col))
        else:
            levels = sorted(s.astype(str).unique())
            for level in levels[1:]:
                parts.append((s.astype(str) == level).astype(float).rename(f"{col}[{level}]"))
    return pd.concat(parts, axis=1)


def design_scores_variance(scores: np.ndarray, strata: np.ndarray, psu: np.ndarray) -> np.ndarray:
    """Between-PSU variance of score totals: Σ_h n_h/(n_h−1) Σ_j (z_hj − z̄_h)(z_hj − z̄_h)ᵀ.

    ``scores`` is (n, p); z_hj is the total of the scores in PSU j of stratum h (PSUs sampled with
    replacement within strata). Raises ``ValueError`` for a stratum with a single PSU.
    """
    scores = as_array("scores", scores, ndim=2)
    frame = pd.DataFrame(scores)
    frame["_h"] = _labels("strata", strata, len(scores))
    frame["_j"] = _labels("psu", psu, len(scores))
    totals = frame.groupby(["_h", "_j"], sort=True).sum()
    h = totals.index.get_level_values("_h")
    n_h = pd.Series(h).groupby(h).transform("size").to_numpy()
    if (n_h < 2).any():
        lonely = sorted(set(np.asarray(h)[n_h < 2].tolist()))
        raise ValueError(f"strata with a single PSU cannot give a variance: {lonely} (each stratum needs 2 or more "
                         "psu labels)")
    z = totals.to_numpy()
    z_bar = totals.groupby(level="_h").transform("mean").to_numpy()
    centred = (z - z_bar) * np.sqrt(n_h / (n_h - 1.0))[:, None]
    return centred.T @ centred


def survey_regression(df: pd.DataFrame, outcome: str, exposure: str, covariates=(), *,
                      weight: str = "weight", strata: str = "strata", psu: str = "psu",
                      level: float = 0.95) -> SurveyFit:
    """Survey-weighted linear regression of ``outcome`` on ``exposure`` (+ ``covariates``).

    Point estimate: weighted least squares, β = (XᵀWX)⁻¹XᵀWy. Standard error: Taylor linearisation,
    V = A⁻¹ B A⁻¹ with A = XᵀWX and B the between-PSU variance of the score totals uᵢ = wᵢxᵢeᵢ, centred
    within strata, with the factor n_h/(n_h − 1) (PSUs with replacement; what R's ``survey::svyglm``
    computes). The interval uses a t distribution on the design degrees of freedom, #PSUs − #strata.
    (R's ``summary.svyglm`` uses that number minus p − 1 for its p-values.)

    Rows with a missing value in any column used are left out (complete cases); ``n`` counts the rows
    used and ``n_dropped`` the rows left out. Text columns among the covariates (e.g. ``sex``) are coded
    as 0/1 indicators.
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a pandas DataFrame, got {type(df).__name__}")
    for name, col in (("outcome", outcome), ("exposure", exposure), ("weight", weight), ("strata", strata),
                      ("psu", psu)):
        if not isinstance(col, str):
            raise TypeError(f"{name} must be a column name (str), got {type(col).__name__}")
        if col not in df.columns:
            raise ValueError(f"{name}={col!r} is not a column of df")
    if exposure == outcome:
        raise ValueError(f"exposure={exposure!r} must differ from the outcome")
    covariates = _column_names("covariates", covariates, df)
    for col in covariates:
        if col in (outcome, exposure):
            raise ValueError(f"covariates: {col!r} is already the outcome or the exposure")
    if len(set(covariates)) != len(covariates):
        raise ValueError(f"covariates must not repeat a column, got {covariates}")
    level = in_range("level", level, 0.0, 1.0, low_inclusive=False, high_inclusive=False)
    for name, col in (("outcome", outcome), ("exposure", exposure), ("weight", weight)):
        if not pd.api.types.is_numeric_dtype(df[col]) or pd.api.types.is_bool_dtype(df[col]):
            raise TypeError(f"{name}={col!r} must be a numeric column")

    used = [outcome, exposure, *covariates, weight, strata, psu]
    complete = df[used].notna().all(axis=1)
    d = df.loc[complete]
    n = len(d)
    w = d[weight].to_numpy(dtype=float)
    if not np.all(np.isfinite(w)) or np.any(w <= 0):
        raise ValueError(f"weight={weight!r} must be finite and > 0 for every row used")
    X = design_matrix(d, [exposure, *covariates])
    p = X.shape[1]
    if n <= p:
        raise ValueError(f"too few complete rows ({n}) for {p} coefficients")
    Xa = X.to_numpy()
    y = d[outcome].to_numpy(dtype=float)
    if not np.all(np.isfinite(y)) or not np.all(np.isfinite(Xa)):
        raise ValueError("outcome, exposure and covariates must be finite numbers")
    A = Xa.T @ (w[:, None] * Xa)
    if np.linalg.matrix_rank(A) < p:
        raise ValueError(f"the design matrix is singular (collinear columns among {list(X.columns)})")
    A_inv = np.linalg.inv(A)
    beta = A_inv @ (Xa.T @ (w * y))
    resid = y - Xa @ beta
    scores = Xa * (w * resid)[:, None]
    B = design_scores_variance(scores, d[strata].to_numpy(), d[psu].to_numpy())
    V = A_inv @ B @ A_inv
    n_strata = int(d[strata].nunique())
    n_psu = int(d.groupby([strata, psu]).ngroups)
    ddf = n_psu - n_strata
    if ddf < 1:
        raise ValueError(f"psu={psu!r}: {n_psu} PSUs in {n_strata} strata leave no design degrees of freedom "
                         "(each stratum needs 2 or more PSUs)")
    k = 1  # the exposure is the first column after the intercept
    se = float(np.sqrt(V[k, k]))
    t = float(stats.t.ppf(0.5 + level / 2, ddf))
    est = float(beta[k])
    names = list(X.columns)
    return SurveyFit(exposure=exposure, estimate=est, se=se, ci_low=est - t * se, ci_high=est + t * se,
                     df=ddf, n=n, n_psu=n_psu, n_strata=n_strata, n_dropped=int((~complete).sum()),
                     coef=pd.Series(beta, index=names), vcov=pd.DataFrame(V, index=names, columns=names),
                     level=float(level))


# --------------------------------------------------------------------------- the chapter's adjustment sets
ADJUSTMENT_SETS: dict[str, tuple[str, ...]] = {
    "crude": (),
    "energy, age, sex": ("energy_kcal_per_day", "age_years", "sex"),
    "energy, age, sex + BMI": ("energy_kcal_per_day", "age_years", "sex", "bmi_kg_m2"),
    "energy, age, sex + waist": ("energy_kcal_per_day", "age_years", "sex", "waist_cm"),
}


ADIPOSITY_COLUMNS = ("bmi_kg_m2", "waist_cm")


def _sample_arg(sample, columns) -> pd.DataFrame:
    instance_of("sample", sample, pd.DataFrame, what="DataFrame from fasting_sample()", none_ok=True)
    missing = [c for c in columns if c not in sample.columns]
    if missing:
        raise ValueError(f"sample lacks the columns {missing} (pass fasting_sample() or analysis_sample())")
    return sample


def analysis_sample(sample: pd.DataFrame | None = None) -> pd.DataFrame:
    """The fasting sample restricted to rows with both BMI and waist, so that every adjustment set is
    fitted to the same people (the estimates then move only because the adjustment changes)."""
    s = fasting_sample() if sample is None else _sample_arg(sample, ADIPOSITY_COLUMNS)
    out = s.dropna(subset=list(ADIPOSITY_COLUMNS)).reset_index(drop=True)
    out.attrs = {**s.attrs, "steps": [*s.attrs.get("steps", []), ("BMI and waist both measured", len(out))]}
    return out


def adjustment_table(sample: pd.DataFrame | None = None, sets: dict | None = None) -> pd.DataFrame:
    """ln HOMA-IR on Mg intake (per 100 mg/day) for each adjustment set, on :func:`analysis_sample`:
    estimate, SE, CI, % change in HOMA-IR per +100 mg/day with its CI, n and design df."""
    s = analysis_sample() if sample is None else _sample_arg(sample, ("log_homa_ir", "mg_intake_100mg_per_day"))
    if sets is not None:
        if not isinstance(sets, dict) or not sets:
            raise ArgumentTypeError(f"sets must be a non-empty dict {{label: covariate columns}} (or None for the "
                                    f"chapter's sets), got {sets!r}")
        for label, covs in sets.items():
            if not isinstance(label, str):
                raise ArgumentTypeError(f"sets: labels must be text, got {label!r}")
            try:
                _column_names("covariates", covs, s)
            except (TypeError, ValueError) as exc:
                raise type(exc)(f"sets[{label!r}]: {exc}") from None
    rows = []
    for label, covs in (ADJUSTMENT_SETS if sets is None else sets).items():
        fit = survey_regression(s, "log_homa_ir", "mg_intake_100mg_per_day", covs)
        rows.append({"adjusted for": label, "log_change_per_100mg": fit.estimate, "se": fit.se,
                     "ci_low": fit.ci_low, "ci_high": fit.ci_high,
                     "pct_change_per_100mg": 100 * np.expm1(fit.estimate),
                     "pct_ci_low": 100 * np.expm1(fit.ci_low), "pct_ci_high": 100 * np.expm1(fit.ci_high),
                     "n": fit.n, "df": fit.df})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- widget
from .style import COLORS, new_figure  # noqa: E402
from .widgets import Checkbox, Dropdown, View, register  # noqa: E402  (after the pure functions on purpose)

_ADJ_CACHE: dict[tuple, tuple] = {}
_READABLE = {"energy_kcal_per_day": "energy intake (kcal/day)", "age_years": "age", "sex": "sex",
             "bmi_kg_m2": "BMI (kg/m²)", "waist_cm": "waist (cm)"}


def _cached_fit(covs: tuple[str, ...]):
    if covs not in _ADJ_CACHE:
        s = analysis_sample()
        _ADJ_CACHE[covs] = (survey_regression(s, "log_homa_ir", "mg_intake_100mg_per_day", covs),)
    return _ADJ_CACHE[covs][0]


def _adiposity_choice(adiposity) -> str:
    if adiposity not in ("none", "bmi_kg_m2", "waist_cm"):
        raise ValueError(f"adiposity must be 'none', 'bmi_kg_m2' or 'waist_cm', got {adiposity!r}")
    return adiposity


def _covariates(energy, age_sex, adiposity) -> tuple[str, ...]:
    """The covariates of the chosen adjustment set, in the chapter's order."""
    chosen = []
    if energy:
        chosen.append("energy_kcal_per_day")
    if age_sex:
        chosen += ["age_years", "sex"]
    if adiposity != "none":
        chosen.append(adiposity)
    return tuple(chosen)


def _pct(fit: SurveyFit) -> np.ndarray:
    """Estimate and CI of a fit as the % change in HOMA-IR per +100 mg/day."""
    return 100 * np.expm1([fit.estimate, fit.ci_low, fit.ci_high])


def _adjustment_xlim() -> tuple[float, float]:
    """The x range that shows every set's interval: −15 to +5 % or wider (all 12 sets, fitted once and cached).

    Fixed for the panel: a change of the set then moves the interval over fixed axes (the panel redraws only
    that interval), and each later change is a cache hit. With the NHANES 2017–2018 extract every interval
    lies within −15 to +5 %.
    """
    pcts = np.array([_pct(_cached_fit(_covariates(e, a, adi)))
                     for e in (False, True) for a in (False, True) for adi in ("none", *ADIPOSITY_COLUMNS)])
    return min(-15.0, float(pcts.min()) - 1), max(5.0, float(pcts.max()) + 1)


@register("08.adjustment", title="Mg intake and ln HOMA-IR in NHANES 2017–2018: choose the adjustment set",
          energy=Checkbox("energy intake (kcal/day)", False),
          age_sex=Checkbox("age (years) and sex", False),
          adiposity=Dropdown("adiposity measure", (("none", "none"), ("BMI (kg/m²)", "bmi_kg_m2"),
                                                   ("waist (cm)", "waist_cm")), "none"))
def adjustment_view(energy, age_sex, adiposity):
    """Estimate and 95 % CI of the change in HOMA-IR per +100 mg/day of Mg, for the chosen adjustment set."""
    covs = _covariates(energy, age_sex, _adiposity_choice(adiposity))
    fit = _cached_fit(covs)
    crude = _cached_fit(())
    pct, pct0 = _pct(fit), _pct(crude)
    fig, ax = new_figure(figsize=(7.5, 2.6))
    labels = ["crude", "your adjustment set"]
    bars = []
    for i, (vals, marker) in enumerate(((pct0, "o"), (pct, "s"))):
        bars.append(ax.errorbar(vals[0], i, xerr=[[vals[0] - vals[1]], [vals[2] - vals[0]]], fmt=marker, capsize=5,
                                color=COLORS[i], markersize=8))  # the course palette, whatever the rcParams
    zero = ax.axvline(0, color="0.3", linestyle="--", linewidth=1, label="no association")
    ax.set_yticks([0, 1], labels)
    ax.set_ylim(-0.6, 1.6)
    ax.set_xlim(*_adjustment_xlim())
    ax.set_xlabel("change in HOMA-IR per +100 mg/day of Mg intake (%)")
    ax.legend(loc="lower right", frameon=True)
    return _adjustment_fill(fig, {"mine": bars[1], "zero": zero}, covs)


def _adjustment_fill(fig, artists: dict, covs: tuple[str, ...]) -> View:
    """Place the chosen set's interval and write the readout (shared by the callback and the in-place update)."""
    fit = _cached_fit(covs)
    pct, pct0 = _pct(fit), _pct(_cached_fit(()))
    data_line, (cap_lo, cap_hi), (bar,) = artists["mine"].lines
    data_line.set_data([pct[0]], [1])
    cap_lo.set_data([pct[1]], [1])
    cap_hi.set_data([pct[2]], [1])
    bar.set_segments([[[pct[1], 1], [pct[2], 1]]])
    adj = ", ".join(_READABLE[c] for c in covs) if covs else "nothing (crude)"
    text = (f"Adjusted for **{adj}**: HOMA-IR **{pct[0]:+.1f} %** per +100 mg/day "
            f"(95 % CI {pct[1]:+.1f} to {pct[2]:+.1f} %), n = {fit.n:,}, design df = {fit.df}. "
            "A cross-sectional association: it cannot show that magnesium lowers insulin resistance.")
    alt = (f"Point estimates with 95 % intervals of the percent change in HOMA-IR per +100 mg/day: crude "
           f"{pct0[0]:+.1f} % and with the chosen adjustment {pct[0]:+.1f} % ({pct[1]:+.1f} to {pct[2]:+.1f} %).")
    # redrawn on each change: the chosen set's interval (marker, bar, caps), then the zero line, which lies
    # above it in the figure's own drawing order
    return View(text=text, figure=fig, alt=alt, artists=artists,
                animated=(data_line, bar, cap_lo, cap_hi, artists["zero"]),
                data={"estimate_pct": float(pct[0]), "n": fit.n})


@adjustment_view.updater
def _adjustment_update(view, energy, age_sex, adiposity):
    """Every set has the same two intervals on the same axes: the chosen one moves in place."""
    return _adjustment_fill(view.figure, view.artists, _covariates(energy, age_sex, _adiposity_choice(adiposity)))
