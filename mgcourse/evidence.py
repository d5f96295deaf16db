"""Reading the evidence on magnesium and insulin resistance (chapter 7).

What is here
------------
* **Evidence tables** from the course fact sheet (section 6), as validated
  Python records: the cohort dose-response meta-analyses (:data:`COHORT_META`),
  the randomised trials (:data:`TRIALS`), the study designs
  (:data:`STUDY_DESIGNS`) and graded popular claims (:data:`CLAIM_IDS`, rows of ``data/claims.csv``;
  :data:`CHECKLIST`). ``*_table()`` functions return them as DataFrames.
* **Dose-response from cohorts**: :func:`rr_for_change`, :func:`rr_curve`,
  :func:`absolute_risk` (relative → absolute risk, risk difference and an
  NNT-style number, with the caveat that the RRs are observational).
* **Trials**: :func:`mean_difference` (MD and its SE from reported means/SDs),
  :func:`trial_doses` (elemental Mg recomputed from the salt with
  :mod:`mgcourse.chemistry`, compared with the UL).
* **Meta-analysis**: :func:`pool_fixed` (inverse-variance) and :func:`pool_random`
  (DerSimonian & Laird 1986, Control Clin Trials 7:177–188).
* **Confounding**, simulated: :func:`simulate_cohort` (a clearly labelled
  *synthetic* cohort), :func:`ols` (least squares with ``numpy.linalg.lstsq``),
  :func:`confounding_estimates`.
* **Reverse causation** with the chapter 4 model: :func:`reverse_causation_runs`.
* Widget callbacks ``07.dose_response``, ``07.confounding`` and ``07.reverse_causation`` (each with an in-place
  updater over fixed axes, so that a slider move redraws only what moves); figures
  ``ch07_dose_response`` and ``ch07_forest`` for ``figures/``.

Every number in the tables is from the course fact sheet (science-facts.md,
section 6, and "Popular claims the sources contradict"); the synthetic cohort's
parameters are **illustrative assumptions**, not estimates from any study.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from functools import lru_cache

import numpy as np
import pandas as pd

from . import chemistry
from ._validate import as_array, as_bool, as_float, as_int, choice, in_range, instance_of

#: Two-sided 95 % normal quantile, used for every confidence interval here.
Z95 = 1.959963984540054

#: US tolerable upper intake level for *supplemental* magnesium from age 9, mg/day (IOM 1997).
UL_SUPPLEMENTAL_MG = 350.0


# =========================================================================== evidence tables
@dataclass(frozen=True)
class CohortMeta:
    """One dose-response estimate from a meta-analysis of prospective cohorts.

    ``rr_per_100mg`` is the relative risk per +100 mg/day of magnesium intake,
    with its 95 % CI (``ci_low``, ``ci_high``). Observational: an association.
    """

    meta_id: str
    label: str
    citation: str
    outcome: str
    exposure: str
    rr_per_100mg: float
    ci_low: float
    ci_high: float
    n_cohorts: int | None
    n_participants: int | None
    n_cases: int | None
    note: str = ""


_LARSSON = "Larsson SC, Wolk A. Magnesium intake and risk of type 2 diabetes: a meta-analysis. J Intern Med 2007;262:208–214"
_DONG = "Dong JY, Xun P, He K, Qin LQ. Magnesium intake and risk of type 2 diabetes: meta-analysis of prospective cohort studies. Diabetes Care 2011;34:2116–2122"
_FANG = "Fang X, et al. Dietary magnesium intake and the risk of cardiovascular disease, type 2 diabetes, and all-cause mortality: a dose–response meta-analysis of prospective cohort studies. BMC Med 2016;14:210"

#: Dose-response meta-analyses of cohorts (fact sheet, section 6). The first three rows are the
#: type 2 diabetes estimates the chapter compares; Fang 2016's other outcomes serve the fact-check.
COHORT_META: tuple[CohortMeta, ...] = (
    CohortMeta("larsson2007", "Larsson & Wolk 2007", _LARSSON, "type 2 diabetes", "magnesium intake",
               0.85, 0.79, 0.92, 7, 286_668, 10_912),
    CohortMeta("dong2011", "Dong et al. 2011", _DONG, "type 2 diabetes", "magnesium intake",
               0.86, 0.82, 0.89, 13, 536_318, 24_516,
               "significant in BMI ≥ 25 but not in BMI < 25 (P for interaction 0.13)"),
    CohortMeta("fang2016", "Fang et al. 2016", _FANG, "type 2 diabetes", "dietary magnesium intake",
               0.81, 0.77, 0.86, 40, None, None, "more than 1 million participants in the 40 cohorts"),
    CohortMeta("larsson2007", "Larsson & Wolk 2007", _LARSSON, "type 2 diabetes", "dietary magnesium only",
               0.86, 0.77, 0.95, None, None, None),
    CohortMeta("larsson2007", "Larsson & Wolk 2007", _LARSSON, "type 2 diabetes", "total magnesium (diet + supplements)",
               0.83, 0.77, 0.89, None, None, None),
    CohortMeta("fang2016", "Fang et al. 2016", _FANG, "all-cause mortality", "dietary magnesium intake",
               0.90, 0.81, 0.99, None, None, None),
    CohortMeta("fang2016", "Fang et al. 2016", _FANG, "heart failure", "dietary magnesium intake",
               0.78, 0.69, 0.89, None, None, None),
    CohortMeta("fang2016", "Fang et al. 2016", _FANG, "stroke", "dietary magnesium intake",
               0.93, 0.89, 0.97, None, None, None),
    CohortMeta("fang2016", "Fang et al. 2016", _FANG, "total cardiovascular disease", "dietary magnesium intake",
               0.99, 0.88, 1.10, None, None, None, "not significant"),
    CohortMeta("fang2016", "Fang et al. 2016", _FANG, "coronary heart disease", "dietary magnesium intake",
               0.92, 0.85, 1.01, None, None, None, "not significant"),
)

#: The three type 2 diabetes estimates per +100 mg/day, by id (the widget's choices).
T2D_META_IDS = ("larsson2007", "dong2011", "fang2016")


@dataclass(frozen=True)
class Trial:
    """A randomised trial of oral magnesium with HOMA-IR as an outcome (fact sheet, section 6).

    Dose: ``salt_formula`` and ``salt_mg_per_day`` where the paper gives the mass of
    the salt (elemental Mg is then *computed*, see :func:`trial_doses`), otherwise
    ``elemental_mg_reported``. End-of-study HOMA-IR means and SDs per arm are filled only
    where the fact sheet gives both arms with SDs; ``n_assumed`` marks an assumed split.
    """

    trial_id: str
    label: str
    citation: str
    citation_verified: bool
    design: str
    population: str
    n_randomised: int | None
    salt_formula: str | None
    salt_mg_per_day: float | None
    elemental_mg_reported: float | None
    dose_description: str
    duration: str
    control: str
    homa_ir_outcome: str
    mg_mean: float | None = None
    mg_sd: float | None = None
    mg_n: int | None = None
    ctrl_mean: float | None = None
    ctrl_sd: float | None = None
    ctrl_n: int | None = None
    n_assumed: bool = False
    note: str = ""


#: The trials of the fact sheet (section 6). Only 2003 reports both arms with SDs.
TRIALS: tuple[Trial, ...] = (
    Trial("rm_gr_2003", "Rodríguez-Morán & Guerrero-Romero 2003",
          "Rodríguez-Morán M, Guerrero-Romero F. Oral magnesium supplementation improves insulin sensitivity "
          "and metabolic control in type 2 diabetic subjects: a randomized double-blind controlled trial. "
          "Diabetes Care 2003;26:1147", True,
          "RCT vs placebo", "63 adults with type 2 diabetes on glibenclamide and serum Mg ≤ 0.74 mmol/L", 63,
          "MgCl2", 2500.0, None, "50 mL/day of a 50 g/L MgCl2 solution (2.5 g MgCl2/day)", "16 weeks", "placebo",
          "end of study HOMA-IR 3.8 ± 1.1 (Mg) vs 5.0 ± 1.3 (placebo)",
          mg_mean=3.8, mg_sd=1.1, mg_n=32, ctrl_mean=5.0, ctrl_sd=1.3, ctrl_n=31, n_assumed=True,
          note="per-arm n not in the course's sources: 32 vs 31 assumed (63 in total)"),
    Trial("gr_2004", "Guerrero-Romero et al. 2004",
          "Guerrero-Romero F, et al. Diabetes Metab 2004;30:253 (journal and year unverified)", False,
          "RCT vs placebo", "non-diabetic adults with HOMA-IR ≥ 3 and serum Mg ≤ 0.74 mmol/L", None,
          "MgCl2", 2500.0, None, "MgCl2 2.5 g/day", "3 months", "placebo",
          "Mg group 4.6 ± 2.8 → 2.6 ± 1.1 (p < 0.0001); placebo unchanged (no numbers in the course's sources)",
          note="only a within-group change is available: no between-arm estimate can be computed"),
    Trial("gr_2015", "Guerrero-Romero et al. 2015",
          "Guerrero-Romero F, et al. Diabetes Metab 2015 (PubMed 25937055)", True,
          "RCT vs placebo", "116 adults with prediabetes and hypomagnesaemia", 116,
          "MgCl2", 1500.0, 382.0, "30 mL/day of 5 % MgCl2 (1.5 g MgCl2 = 382 mg Mg, as reported)", "4 months",
          "placebo", "end of study HOMA-IR 2.85 (Mg) vs 4.1 (placebo); no SDs in the course's sources",
          note="glucose status improved in 50.8 % vs 7.0 %"),
    Trial("lima_2014", "Lima de Souza e Silva et al. 2014",
          "Lima de Souza e Silva ML, et al. J Clin Med Res 2014;6:456", True,
          "RCT vs placebo", "72 women with metabolic syndrome", 72,
          None, None, 400.0, "400 mg/day Mg (salt not stated in the course's sources)", "12 weeks", "placebo",
          "no change: HOMA-IR 3.2 → 2.8 (Mg) vs 3.6 → 3.2 (placebo), not significant; no SDs",
          note="a null trial"),
    Trial("elderawi_2018", "ElDerawi et al. 2018",
          "ElDerawi WA, et al. Nutrients 2018;11:44", True,
          "controlled, open (no supplement); randomisation not stated in the course's sources", "42 adults with type 2 diabetes", 42,
          None, None, 250.0, "250 mg/day elemental Mg", "3 months", "no supplement (open control)",
          "HOMA-IR 6.16 → 4.44 (Mg group); no SDs of the control arm in the course's sources",
          note="HbA1c 8.32 → 7.96 %"),
)

#: The pooled meta-analytic HOMA-IR result (Simental-Mendía et al. 2016, Pharmacol Res 111:272–282).
SIMENTAL_MENDIA_2016 = {"label": "Simental-Mendía et al. 2016 (pooled RCTs)", "estimate": -0.67,
                        "ci_low": -1.20, "ci_high": -0.14, "p": 0.013,
                        "citation": "Simental-Mendía LE, Sahebkar A, Rodríguez-Morán M, Guerrero-Romero F. "
                                    "Pharmacol Res 2016;111:272–282"}


@dataclass(frozen=True)
class StudyDesign:
    design: str
    example: str
    can_show: str
    cannot_show: str


STUDY_DESIGNS: tuple[StudyDesign, ...] = (
    StudyDesign("mechanism study (cells, animals, physiology)",
                "Kostov 2019 review; Gommers et al. 2016",
                "how Mg could act: Mg²⁺ for insulin-receptor tyrosine-kinase activity; insulin activates renal TRPM6",
                "whether the effect matters in free-living people, or its size"),
    StudyDesign("cross-sectional study",
                "Cahill et al. 2013 (CODING study, 2,295 adults, adiposity by DXA)",
                "an association at one time point (lower Mg intake with higher insulin and HOMA-IR)",
                "which came first; confounding is only as good as the adjustment (BMI vs %body fat)"),
    StudyDesign("prospective cohort (and meta-analyses of cohorts)",
                "Larsson & Wolk 2007; Dong et al. 2011; Fang et al. 2016",
                "intake measured before disease: a dose-response association with incident diabetes",
                "causation: healthier diets and lean people differ in many ways (residual confounding)"),
    StudyDesign("randomised controlled trial",
                "Rodríguez-Morán & Guerrero-Romero 2003; Guerrero-Romero 2015",
                "a causal effect of the supplement in that population, dose and duration",
                "long-term outcomes (most trials are small, months long, surrogate HOMA-IR) or other populations"),
    StudyDesign("meta-analysis of trials",
                "Simental-Mendía et al. 2016; Veronese et al. 2016",
                "a pooled, more precise effect and how much trials disagree (heterogeneity)",
                "more than its trials allow: small, short trials in hypomagnesaemic people stay so when pooled"),
)


# --------------------------------------------------------------------------- claims
#: The structured checklist applied to every claim (the course's own questions).
CHECKLIST: tuple[tuple[str, str], ...] = (
    ("What exactly is claimed?", "outcome, population, amount with its unit (salt mass or elemental Mg?)"),
    ("What kind of evidence stands behind it?", "mechanism, cross-sectional, cohort, trial or meta-analysis"),
    ("Can that design show causation?", "only randomised trials (and their meta-analyses) can"),
    ("How big is the effect?", "effect size with its 95 % CI; relative or absolute"),
    ("Does the population match?", "e.g. hypomagnesaemic or diabetic trial participants vs everyone"),
    ("What does the primary source say?", "find the paper; read its abstract and table, not a summary of it"),
    ("Is any dose safe as stated?", "supplemental Mg UL 350 mg/day (from 9 y); kidney disease: medical advice first"),
)


#: The popular claims graded in chapter 07's table: ids of rows of ``data/claims.csv``, the course's one
#: claims ledger with its one evidence scale (``mgcourse.data.VERDICTS``).
CLAIM_IDS = ("ch07-most-deficient-supplement", "ch06-oxide-not-useless", "article-39", "article-28",
             "ch07-fang-cvd-blog", "ch07-quicki-045", "ch07-homa-ir-trials", "ch07-supplements-prevent-t2d",
             "ch05-ul-supplemental-only")


# --------------------------------------------------------------------------- tables as DataFrames
def _frame(records) -> pd.DataFrame:
    cols = [f.name for f in fields(records[0])]
    return pd.DataFrame([[getattr(r, c) for c in cols] for r in records], columns=cols)


def cohort_meta_table(outcome: str | None = None) -> pd.DataFrame:
    """:data:`COHORT_META` as a DataFrame (optionally one ``outcome``), with the log-scale SE of each RR."""
    df = _frame(COHORT_META)
    if outcome is not None:
        choice("outcome", outcome, sorted(set(df["outcome"])))
        df = df[df["outcome"] == outcome].reset_index(drop=True)
    for c in ("n_cohorts", "n_participants", "n_cases"):
        df[c] = df[c].astype("Int64")
    df["se_log_rr"] = [se_from_ci(lo, hi, log=True) for lo, hi in zip(df["ci_low"], df["ci_high"])]
    return df


def claims_table() -> pd.DataFrame:
    """The claims of :data:`CLAIM_IDS` from the ledger: claim_id, claim, grade, what the sources say, sources."""
    from .claims import grade_text, ledger

    t = ledger().loc[list(CLAIM_IDS)]
    return pd.DataFrame({"claim": t["claim"], "grade": [grade_text(r) for _, r in t.iterrows()],
                         "what_the_sources_say": t["evidence"], "sources": t["citations"]}).reset_index()


def checklist_table() -> pd.DataFrame:
    return pd.DataFrame(CHECKLIST, columns=["question", "what to look for"], index=range(1, len(CHECKLIST) + 1))


def study_designs_table() -> pd.DataFrame:
    return _frame(STUDY_DESIGNS)


def validate_tables() -> None:
    """Check the evidence records (types, ranges, CI order, ids). Raises ValueError naming the row."""
    for r in COHORT_META:
        where = f"COHORT_META {r.meta_id}/{r.outcome}/{r.exposure}"
        for name in ("rr_per_100mg", "ci_low", "ci_high"):
            x = getattr(r, name)
            if not (isinstance(x, float) and 0 < x < 5):
                raise ValueError(f"{where}: {name} must be a relative risk in (0, 5), got {x!r}")
        if not (r.ci_low <= r.rr_per_100mg <= r.ci_high):
            raise ValueError(f"{where}: RR {r.rr_per_100mg} must lie within its CI [{r.ci_low}, {r.ci_high}]")
    keys = [(r.meta_id, r.outcome, r.exposure) for r in COHORT_META]
    if len(set(keys)) != len(keys):
        raise ValueError("COHORT_META: duplicate (meta_id, outcome, exposure)")
    ids = [t.trial_id for t in TRIALS]
    if len(set(ids)) != len(ids):
        raise ValueError("TRIALS: duplicate trial_id")
    for t in TRIALS:
        if (t.salt_formula is None) == (t.elemental_mg_reported is None) and t.salt_formula is None:
            raise ValueError(f"TRIALS {t.trial_id}: give salt_formula + salt_mg_per_day or elemental_mg_reported")
        if (t.salt_formula is None) != (t.salt_mg_per_day is None):
            raise ValueError(f"TRIALS {t.trial_id}: salt_formula and salt_mg_per_day go together")
        arms = (t.mg_mean, t.mg_sd, t.mg_n, t.ctrl_mean, t.ctrl_sd, t.ctrl_n)
        if any(a is not None for a in arms) and any(a is None for a in arms):
            raise ValueError(f"TRIALS {t.trial_id}: give both arms' mean, SD and n, or none")
        if t.mg_sd is not None and (t.mg_sd <= 0 or t.ctrl_sd <= 0 or t.mg_n < 2 or t.ctrl_n < 2):
            raise ValueError(f"TRIALS {t.trial_id}: SDs must be > 0 and n ≥ 2")
        if t.n_randomised is not None and t.mg_n is not None and t.mg_n + t.ctrl_n != t.n_randomised:
            raise ValueError(f"TRIALS {t.trial_id}: per-arm n must add up to n_randomised")


validate_tables()


# =========================================================================== dose-response
def se_from_ci(ci_low: float, ci_high: float, *, log: bool = False) -> float:
    """Standard error from a symmetric 95 % CI: (high − low) / (2 × 1.96); on the log scale if ``log``."""
    lo, hi = as_float("ci_low", ci_low), as_float("ci_high", ci_high)
    if as_bool("log", log):
        if lo <= 0 or hi <= 0:
            raise ValueError(f"ci_low and ci_high must be > 0 for a ratio, got {lo:g} and {hi:g}")
        lo, hi = math.log(lo), math.log(hi)
    if not hi > lo:
        raise ValueError(f"ci_high must be greater than ci_low, got ci_low={ci_low:g}, ci_high={ci_high:g}")
    return (hi - lo) / (2 * Z95)


def get_meta(meta_id: str, outcome: str = "type 2 diabetes") -> CohortMeta:
    """The main row of :data:`COHORT_META` for ``meta_id`` and ``outcome``."""
    for r in COHORT_META:
        if r.meta_id == meta_id and r.outcome == outcome:
            return r
    ids = sorted({r.meta_id for r in COHORT_META})
    raise ValueError(f"meta_id must be one of {', '.join(ids)} with outcome {outcome!r}, got {meta_id!r}")


#: Intake changes the dose-response functions accept, mg/day (an intake lies between 0 and 5000 mg/day).
DELTA_RANGE_MG = (-5000.0, 5000.0)
#: Relative risks per 100 mg/day they accept (published values lie near 0.8–0.9).
RR_PER_100MG_RANGE = (0.1, 10.0)


def rr_for_change(rr_per_100mg: float, delta_mg_per_day):
    """Relative risk for an intake change of ``delta_mg_per_day`` under a log-linear dose-response.

    ``RR(Δ) = RR100 ** (Δ / 100)``: an **assumption** that the dose-response is linear on
    the log scale (each extra 100 mg/day multiplies the risk by the same factor).
    Accepts a scalar or array of Δ (mg/day, may be negative, between −5000 and 5000) and
    RR100 between 0.1 and 10 (so that the result stays a finite number).
    """
    rr = in_range("rr_per_100mg", rr_per_100mg, *RR_PER_100MG_RANGE)
    d = as_array("delta_mg_per_day", delta_mg_per_day, low=DELTA_RANGE_MG[0], high=DELTA_RANGE_MG[1], unit="mg/day")
    out = np.exp(d / 100.0 * math.log(rr))
    return float(out) if np.ndim(delta_mg_per_day) == 0 else out


def rr_curve(meta_id: str, delta_mg_per_day) -> pd.DataFrame:
    """RR and its 95 % band over intake changes, for one type 2 diabetes meta-analysis.

    On the log scale the RR per 100 mg/day and its CI limits are scaled by Δ/100:
    ``RR(Δ) = RR100^(Δ/100)``, band ``[CI_low^(Δ/100), CI_high^(Δ/100)]`` (ordered). This is the
    uncertainty of the slope only, so at Δ = 0 the band has zero width (all risks are relative to
    the reference intake); at Δ = +100 it reproduces the published CI.
    """
    m = get_meta(meta_id)
    d = as_array("delta_mg_per_day", delta_mg_per_day, low=DELTA_RANGE_MG[0], high=DELTA_RANGE_MG[1],
                 unit="mg/day").ravel()
    lo = np.exp(d / 100.0 * math.log(m.ci_low))
    hi = np.exp(d / 100.0 * math.log(m.ci_high))
    return pd.DataFrame({"delta_mg_per_day": d, "rr": np.exp(d / 100.0 * math.log(m.rr_per_100mg)),
                         "rr_low": np.minimum(lo, hi), "rr_high": np.maximum(lo, hi)})


@dataclass(frozen=True)
class AbsoluteRisk:
    """Relative → absolute risk for one baseline risk (proportions 0–1 unless named ``_pct``)."""

    baseline_risk: float
    relative_risk: float
    risk: float
    risk_difference: float  # baseline − new risk (> 0 means lower risk)
    number_needed: float | None  # 1 / risk_difference when it is > 0, else None

    @property
    def risk_difference_pct_points(self) -> float:
        return 100.0 * self.risk_difference


def absolute_risk(baseline_risk: float, relative_risk: float) -> AbsoluteRisk:
    """Turn a relative risk into an absolute one: ``risk = baseline × RR``, capped at 1.

    ``risk_difference = baseline − risk``; ``number_needed = 1 / risk_difference`` is an
    NNT-*style* number: how many people would have to change intake for one fewer case **if**
    the association were causal. The RRs of this chapter come from cohorts, so it is not a
    number needed to treat from a trial.

    >>> round(absolute_risk(0.10, 0.85).risk_difference, 4)
    0.015
    """
    p0 = in_range("baseline_risk", baseline_risk, 0, 1, low_inclusive=False, high_inclusive=False)
    rr = in_range("relative_risk", relative_risk, 0, None, low_inclusive=False)
    p1 = min(p0 * rr, 1.0)
    rd = p0 - p1
    nn = 1.0 / rd if rd > 1e-12 else None
    return AbsoluteRisk(p0, rr, p1, rd, nn)


# =========================================================================== trials
def mean_difference(mean_1: float, sd_1: float, n_1: int, mean_2: float, sd_2: float, n_2: int):
    """Mean difference (arm 1 − arm 2) and its standard error: SE = sqrt(sd1²/n1 + sd2²/n2).

    Returns ``(md, se)``. This is the unpooled (Welch) standard error of a difference of two
    independent means, from end-of-study values.
    """
    m1, m2 = as_float("mean_1", mean_1), as_float("mean_2", mean_2)
    s1 = in_range("sd_1", sd_1, 0, None, low_inclusive=False)
    s2 = in_range("sd_2", sd_2, 0, None, low_inclusive=False)
    for name, n in (("n_1", n_1), ("n_2", n_2)):
        as_int(name, n, 2, None, unit="participants")
    md = m1 - m2
    if not math.isfinite(md):
        raise ValueError(f"mean_1 and mean_2 are too far apart for a finite difference, got {m1:g} and {m2:g}")
    try:
        se = math.sqrt(s1 ** 2 / n_1 + s2 ** 2 / n_2)
    except OverflowError:
        se = math.inf
    if not math.isfinite(se):
        raise ValueError(f"sd_1 and sd_2 are too large for a finite standard error, got {s1:g} and {s2:g}")
    return md, se


def trial_effects() -> pd.DataFrame:
    """Between-arm HOMA-IR mean differences we *can* compute (both arms with mean, SD and n)."""
    rows = []
    for t in TRIALS:
        if t.mg_sd is None:
            continue
        md, se = mean_difference(t.mg_mean, t.mg_sd, t.mg_n, t.ctrl_mean, t.ctrl_sd, t.ctrl_n)
        rows.append({"trial_id": t.trial_id, "label": t.label, "md": md, "se": se,
                     "ci_low": md - Z95 * se, "ci_high": md + Z95 * se,
                     "n_mg": t.mg_n, "n_ctrl": t.ctrl_n, "n_assumed": t.n_assumed})
    return pd.DataFrame(rows)


def trial_doses(age_years: float = 30.0) -> pd.DataFrame:
    """Each trial's daily dose as elemental Mg, recomputed from the salt where the salt is given.

    Columns: ``elemental_mg_anhydrous`` (salt × Mg fraction of the anhydrous formula),
    ``elemental_mg_hexahydrate`` (MgCl2·6H2O, for chloride), ``elemental_mg`` (the anhydrous
    value, the basis the 2015 trial uses, or the reported elemental dose) and whether it
    exceeds the US UL for supplemental Mg (350 mg/day from age 9).
    """
    from .intakes import upper_limit_supplemental

    ul = upper_limit_supplemental(age_years)
    rows = []
    for t in TRIALS:
        anh = hexa = None
        if t.salt_formula is not None:
            anh = chemistry.elemental_mg_from_salt_mg(t.salt_mg_per_day, t.salt_formula)
            if t.salt_formula == "MgCl2":
                hexa = chemistry.elemental_mg_from_salt_mg(t.salt_mg_per_day, "MgCl2·6H2O")
        elemental = anh if anh is not None else t.elemental_mg_reported
        rows.append({"trial": t.label, "design": t.design, "population": t.population,
                     "dose as given": t.dose_description, "salt_formula": t.salt_formula,
                     "salt_mg_per_day": t.salt_mg_per_day, "elemental_mg_reported": t.elemental_mg_reported,
                     "elemental_mg_anhydrous": anh, "elemental_mg_hexahydrate": hexa, "elemental_mg": elemental,
                     "above_ul": bool(ul is not None and elemental > ul), "duration": t.duration,
                     "control": t.control, "HOMA-IR outcome": t.homa_ir_outcome})
    return pd.DataFrame(rows)


# =========================================================================== pooling
@dataclass(frozen=True)
class PooledResult:
    """A pooled estimate with its standard error and 95 % CI.

    ``q`` is Cochran's Q, ``df = k − 1``, ``i2 = max(0, (Q − df)/Q)`` (0–1) and ``tau2`` the
    between-study variance (0 for the fixed-effect model). ``weights`` are the normalised weights.
    """

    method: str
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    k: int
    q: float
    df: int
    i2: float
    tau2: float = 0.0
    weights: tuple = field(default=(), repr=False)


def _check_inputs(estimates, standard_errors, k_min: int):
    y = as_array("estimates", estimates).ravel()
    se = as_array("standard_errors", standard_errors).ravel()
    if y.size != se.size:
        raise ValueError(f"estimates and standard_errors must have the same length, got {y.size} and {se.size}")
    if y.size < k_min:
        raise ValueError(f"estimates must hold at least {k_min} {'study' if k_min == 1 else 'studies'}, got {y.size}")
    if np.any(se <= 0):
        raise ValueError(f"standard_errors must all be greater than 0, got {se}")
    with np.errstate(over="ignore", divide="ignore"):
        w = 1.0 / se ** 2
    if not (np.all(np.isfinite(w)) and np.all(w > 0) and np.isfinite(np.sum(w))):
        raise ValueError(f"standard_errors must be between about 1e-150 and 1e150 to give finite inverse-variance "
                         f"weights, got {se}")
    return y, se


def _finite_pool(result: "PooledResult") -> "PooledResult":
    """Refuse a pooled result that overflowed (estimates too large for their weights)."""
    if not all(math.isfinite(v) for v in (result.estimate, result.se, result.ci_low, result.ci_high, result.q)):
        raise ValueError("estimates are too large to pool with these standard_errors: the pooled result is not a "
                         "finite number")
    return result


def _q_statistic(y, w):
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is refused by _finite_pool
        fixed = float(np.sum(w * y) / np.sum(w))
        q = float(np.sum(w * (y - fixed) ** 2))
    df = y.size - 1
    i2 = max(0.0, (q - df) / q) if q > 0 else 0.0
    return fixed, q, df, i2


@np.errstate(over="ignore", invalid="ignore", divide="ignore")  # an overflow is refused by _finite_pool
def pool_fixed(estimates, standard_errors) -> PooledResult:
    """Inverse-variance fixed-effect pooling.

    Weights ``w_i = 1/se_i²``; estimate ``Σ w_i y_i / Σ w_i``; SE ``1/√Σ w_i``; 95 % CI
    estimate ± 1.96 SE. Also returns Cochran's Q and I². Needs ≥ 1 study with SE > 0.
    """
    y, se = _check_inputs(estimates, standard_errors, 1)
    w = 1.0 / se ** 2
    est, q, df, i2 = _q_statistic(y, w)
    s = float(1.0 / math.sqrt(np.sum(w)))
    return _finite_pool(PooledResult("fixed (inverse variance)", est, s, est - Z95 * s, est + Z95 * s, y.size, q,
                                     df, i2, 0.0, tuple(w / w.sum())))


@np.errstate(over="ignore", invalid="ignore", divide="ignore")  # an overflow is refused by _finite_pool
def pool_random(estimates, standard_errors) -> PooledResult:
    """DerSimonian–Laird random-effects pooling (DerSimonian & Laird 1986).

    ``tau² = max(0, (Q − df) / (Σw − Σw²/Σw))`` with fixed-effect weights ``w = 1/se²``;
    then weights ``w* = 1/(se² + tau²)``, estimate ``Σ w* y / Σ w*``, SE ``1/√Σ w*``.
    When Q ≤ df, tau² = 0 and the result equals :func:`pool_fixed`. Needs ≥ 2 studies.
    """
    y, se = _check_inputs(estimates, standard_errors, 2)
    w = 1.0 / se ** 2
    _, q, df, i2 = _q_statistic(y, w)
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is refused by _finite_pool
        c = float(np.sum(w) - np.sum(w ** 2) / np.sum(w))
        tau2 = max(0.0, (q - df) / c) if c > 0 else 0.0
        ws = 1.0 / (se ** 2 + tau2)
        est = float(np.sum(ws * y) / np.sum(ws))
    total = float(np.sum(ws))
    s = float(1.0 / math.sqrt(total)) if total > 0 else math.inf  # tau² overflowed: refused by _finite_pool
    return _finite_pool(PooledResult("random (DerSimonian–Laird)", est, s, est - Z95 * s, est + Z95 * s, y.size, q,
                                     df, i2, tau2, tuple(ws / ws.sum())))


def log_risk_ratio(events_1, total_1, events_2, total_2):
    """Log risk ratio (arm 1 vs arm 2) and its SE from 2×2 counts: var = 1/a − 1/n1 + 1/c − 1/n2.

    Event counts must be at least 0.5 (no zero cells; add the usual 0.5 correction yourself) and
    at most the arm's total.
    """
    a = as_array("events_1", events_1).ravel()
    n1 = as_array("total_1", total_1).ravel()
    c = as_array("events_2", events_2).ravel()
    n2 = as_array("total_2", total_2).ravel()
    if not (a.size == n1.size == c.size == n2.size):
        raise ValueError("events_1, total_1, events_2 and total_2 must have the same length")
    for name, ev, tot, tname in (("events_1", a, n1, "total_1"), ("events_2", c, n2, "total_2")):
        if np.any(ev < 0.5) or np.any(ev > tot):
            raise ValueError(f"{name} must be at least 0.5 (no zero cells here; 0.5 is the usual continuity "
                             f"correction) and not exceed {tname}, "
                             f"got {', '.join(f'{v:g}' for v in ev[:6])}")
    return np.log(a / n1) - np.log(c / n2), np.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2)


#: A classic published example for practising pooling (not about magnesium): 13 trials of BCG
#: vaccine against tuberculosis, Colditz et al. 1994, JAMA 271:698–702, as distributed with the
#: R package metafor (dataset ``dat.bcg``; Viechtbauer 2010, J Stat Softw 36(3):1–48).
#: Columns: (trial, year, vaccinated TB cases, vaccinated without TB, control TB cases, control without TB).
BCG_TRIALS: tuple = (
    ("Aronson", 1948, 4, 119, 11, 128), ("Ferguson & Simes", 1949, 6, 300, 29, 274),
    ("Rosenthal et al.", 1960, 3, 228, 11, 209), ("Hart & Sutherland", 1977, 62, 13536, 248, 12619),
    ("Frimodt-Moller et al.", 1973, 33, 5036, 47, 5761), ("Stein & Aronson", 1953, 180, 1361, 372, 1079),
    ("Vandiviere et al.", 1973, 8, 2537, 10, 619), ("TPT Madras", 1980, 505, 87886, 499, 87892),
    ("Coetzee & Berjak", 1968, 29, 7470, 45, 7232), ("Rosenthal et al.", 1961, 17, 1699, 65, 1600),
    ("Comstock et al.", 1974, 186, 50448, 141, 27197), ("Comstock & Webster", 1969, 5, 2493, 3, 2338),
    ("Comstock et al.", 1976, 27, 16886, 29, 17825),
)


def bcg_log_risk_ratios() -> pd.DataFrame:
    """The BCG trials with each trial's log risk ratio and its SE."""
    df = pd.DataFrame(BCG_TRIALS, columns=["trial", "year", "tpos", "tneg", "cpos", "cneg"])
    y, se = log_risk_ratio(df.tpos, df.tpos + df.tneg, df.cpos, df.cpos + df.cneg)
    df["log_rr"], df["se"] = y, se
    return df


# =========================================================================== synthetic cohort
#: Illustrative assumptions of the synthetic cohort (NOT estimates from any study).
COHORT_DEFAULTS = dict(
    body_fat_mean_pct=32.0, body_fat_sd_pct=8.0,
    intake_mean_mg=330.0, intake_sd_mg=80.0,
    homa_median=1.6, log_homa_per_10pct_fat=0.35, log_homa_sd=0.40,
    bmi_per_pct_fat=0.33, bmi_intercept=16.0, bmi_noise_sd=2.5,
)


def simulate_cohort(n: int = 2000, *, seed: int = 2013, intake_drop_per_10pct_fat_mg: float = 40.0,
                    true_effect_log_per_100mg: float = -0.03) -> pd.DataFrame:
    """A SYNTHETIC cohort (simulated people, not data) in which adiposity confounds Mg and HOMA-IR.

    Structure (all parameters illustrative assumptions, :data:`COHORT_DEFAULTS`):

    * body fat (%, "DXA") ~ Normal(32, 8), clipped to 8–60 %;
    * Mg intake (mg/day) = 330 − ``intake_drop_per_10pct_fat_mg`` × (fat − 32)/10 + Normal(0, 80),
      clipped to 50–900: more adiposity, less Mg (e.g. through diet quality);
    * ln HOMA-IR = ln 1.6 + 0.35 × (fat − 32)/10 + ``true_effect_log_per_100mg`` × (intake − 330)/100
      + Normal(0, 0.40): adiposity raises insulin resistance, Mg has a small true effect;
    * BMI (kg/m²) = 16 + 0.33 × fat + Normal(0, 2.5): a *noisy proxy* of adiposity.

    The same ``seed`` always gives the same cohort.
    """
    if isinstance(n, bool) or not isinstance(n, int) or not 50 <= n <= 200_000:
        raise ValueError(f"n must be a whole number between 50 and 200000, got {n!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a whole number ≥ 0, got {seed!r}")
    drop = in_range("intake_drop_per_10pct_fat_mg", intake_drop_per_10pct_fat_mg, -200, 200, unit="mg/day")
    beta = in_range("true_effect_log_per_100mg", true_effect_log_per_100mg, -1, 1)
    p = COHORT_DEFAULTS
    fat, intake_noise, log_homa_noise, bmi_noise = _cohort_draws(n, seed)
    fat_c = (fat - p["body_fat_mean_pct"]) / 10.0
    intake = np.clip(p["intake_mean_mg"] - drop * fat_c + intake_noise, 50.0, 900.0)
    log_homa = (math.log(p["homa_median"]) + p["log_homa_per_10pct_fat"] * fat_c
                + beta * (intake - p["intake_mean_mg"]) / 100.0 + log_homa_noise)
    bmi = p["bmi_intercept"] + p["bmi_per_pct_fat"] * fat + bmi_noise
    return pd.DataFrame({"body_fat_pct": fat.copy(), "bmi_kg_m2": bmi, "mg_intake_mg_day": intake,
                         "homa_ir": np.exp(log_homa)})


@lru_cache(maxsize=64)
def _cohort_draws(n: int, seed: int) -> tuple:
    """The random draws of :func:`simulate_cohort` for ``n`` people and ``seed`` (read-only arrays).

    They do not depend on the cohort's other parameters, so a slider that changes only those reuses them
    (same draws, in the same order, as drawing them afresh: the cohort is identical).
    """
    p = COHORT_DEFAULTS
    rng = np.random.default_rng(seed)
    fat = np.clip(rng.normal(p["body_fat_mean_pct"], p["body_fat_sd_pct"], n), 8.0, 60.0)
    intake_noise = rng.normal(0, p["intake_sd_mg"], n)
    log_homa_noise = rng.normal(0, p["log_homa_sd"], n)
    bmi_noise = rng.normal(0, p["bmi_noise_sd"], n)
    for a in (fat, intake_noise, log_homa_noise, bmi_noise):
        a.flags.writeable = False
    return fat, intake_noise, log_homa_noise, bmi_noise


@dataclass(frozen=True)
class OLSResult:
    names: tuple
    coef: np.ndarray
    se: np.ndarray
    residual_sd: float
    n: int

    def __getitem__(self, name: str) -> float:
        return float(self.coef[self.names.index(name)])

    def se_of(self, name: str) -> float:
        return float(self.se[self.names.index(name)])


def ols(y, **predictors) -> OLSResult:
    """Ordinary least squares with an intercept, solved with ``numpy.linalg.lstsq``.

    ``ols(y, x1=..., x2=...)``; coefficient SEs from ``s² (XᵀX)⁻¹`` with
    ``s² = RSS / (n − p)``. Returns an :class:`OLSResult` (``res["x1"]`` gives a coefficient).
    """
    yv = as_array("y", y).ravel()
    names = ("intercept", *predictors)
    cols = [np.ones_like(yv)]
    for name, x in predictors.items():
        xv = as_array(name, x).ravel()
        if xv.size != yv.size:
            raise ValueError(f"{name} must have the same length as y ({yv.size}), got {xv.size}")
        cols.append(xv)
    X = np.column_stack(cols)
    n, p = X.shape
    if n <= p:
        raise ValueError(f"need more observations ({n}) than coefficients ({p})")
    coef, _, rank, _ = np.linalg.lstsq(X, yv, rcond=None)
    if rank < p:
        raise ValueError("the predictors are collinear (the design matrix is rank-deficient)")
    with np.errstate(over="ignore", invalid="ignore"):
        resid = yv - X @ coef
        s2 = float(resid @ resid) / (n - p)
        cov = s2 * np.linalg.inv(X.T @ X)
    if not (math.isfinite(s2) and np.all(np.isfinite(coef)) and np.all(np.isfinite(cov))):
        raise ValueError(f"y (or a predictor) is too large for a finite least-squares fit, got y up to "
                         f"{np.max(np.abs(yv)):g}")
    return OLSResult(names, coef, np.sqrt(np.diag(cov)), math.sqrt(s2), n)


def confounding_estimates(cohort: pd.DataFrame, true_effect_log_per_100mg: float | None = -0.03) -> pd.DataFrame:
    """Slope of ln HOMA-IR per +100 mg/day of Mg intake: unadjusted, adjusted for BMI, for body fat.

    Also as % change in HOMA-IR per +100 mg/day (``100·(e^b − 1)``) and the truth if given.
    """
    instance_of("cohort", cohort, pd.DataFrame, what="DataFrame from simulate_cohort()")
    missing = [c for c in ("homa_ir", "mg_intake_mg_day", "bmi_kg_m2", "body_fat_pct") if c not in cohort.columns]
    if missing:
        raise ValueError(f"cohort must be the DataFrame returned by simulate_cohort(); it has no column "
                         f"{', '.join(missing)}")
    if true_effect_log_per_100mg is not None:
        true_effect_log_per_100mg = in_range("true_effect_log_per_100mg", true_effect_log_per_100mg, -1, 1)
    y = np.log(cohort["homa_ir"].to_numpy())
    mg100 = cohort["mg_intake_mg_day"].to_numpy() / 100.0
    fits = {"unadjusted": ols(y, mg_per_100=mg100),
            "adjusted for BMI": ols(y, mg_per_100=mg100, bmi=cohort["bmi_kg_m2"].to_numpy()),
            "adjusted for body fat (DXA)": ols(y, mg_per_100=mg100, body_fat=cohort["body_fat_pct"].to_numpy())}
    rows = [{"model": k, "log_slope_per_100mg": f["mg_per_100"], "se": f.se_of("mg_per_100"),
             "pct_change_per_100mg": 100 * math.expm1(f["mg_per_100"])} for k, f in fits.items()]
    if true_effect_log_per_100mg is not None:
        rows.append({"model": "truth (set in the simulation)", "log_slope_per_100mg": true_effect_log_per_100mg,
                     "se": 0.0, "pct_change_per_100mg": 100 * math.expm1(true_effect_log_per_100mg)})
    return pd.DataFrame(rows).set_index("model")


# =========================================================================== figures & widgets
from .style import COLORS, MARKERS, ROLE_COLORS, new_figure, register_figure, set_band  # noqa: E402
from .widgets import Checkbox, Dropdown, Slider, View, register  # noqa: E402

_META_OPTIONS = tuple((get_meta(m).label + f" (RR {get_meta(m).rr_per_100mg:.2f})", m) for m in T2D_META_IDS)


def plot_rr_curves(delta_max_mg: float = 300.0, *, highlight_delta_mg: float | None = None,
                   meta_ids=T2D_META_IDS, ax=None):
    """RR of type 2 diabetes against intake change for each meta-analysis, with 95 % bands."""
    delta_max_mg = in_range("delta_max_mg", delta_max_mg, 0, DELTA_RANGE_MG[1], low_inclusive=False, unit="mg/day")
    if highlight_delta_mg is not None:
        highlight_delta_mg = in_range("highlight_delta_mg", highlight_delta_mg, *DELTA_RANGE_MG, unit="mg/day")
    if ax is None:
        fig, ax = new_figure()
    else:
        fig = ax.figure
    d = np.linspace(-100.0, delta_max_mg, 81)
    for k, mid in enumerate(meta_ids):
        c = rr_curve(mid, d)
        col = COLORS[k]
        ax.fill_between(d, c.rr_low, c.rr_high, color=col, alpha=0.15, linewidth=0)
        ax.plot(d, c.rr, color=col, linestyle=["-", "--", "-."][k % 3], label=get_meta(mid).label)
    ax.axhline(1.0, color=ROLE_COLORS["reference"], linewidth=1)
    ax.axvline(0.0, color=ROLE_COLORS["reference"], linewidth=1)
    if highlight_delta_mg is not None:
        ax.axvline(highlight_delta_mg, color="black", linestyle=":", linewidth=1.2)
    ax.set_xlabel("change in magnesium intake (mg/day)")
    ax.set_ylabel("relative risk of type 2 diabetes")
    ax.legend(loc="upper right")
    return fig, ax


@register_figure("ch07_dose_response",
                 alt="Relative risk of type 2 diabetes against change in magnesium intake for three cohort "
                     "meta-analyses, each falling log-linearly with a 95 % band that widens away from zero.")
def dose_response_figure():
    fig, _ = plot_rr_curves()
    return fig


def plot_forest(ax=None):
    """Forest plot: the HOMA-IR mean difference we can compute (2003 trial) beside the pooled result."""
    if ax is None:
        fig, ax = new_figure(figsize=(7.5, 3.6))
    else:
        fig = ax.figure
    eff = trial_effects()
    labels, ys = [], []
    for i, r in enumerate(eff.itertuples()):
        y = len(eff) - i + 1
        ax.errorbar(r.md, y, xerr=[[r.md - r.ci_low], [r.ci_high - r.md]], fmt="s", color=COLORS[0],
                    markersize=8, capsize=4)
        labels.append(f"{r.label}\n(computed; n {r.n_mg}/{r.n_ctrl}{' assumed' if r.n_assumed else ''})")
        ys.append(y)
    p = SIMENTAL_MENDIA_2016
    yd = 1
    ax.fill([p["ci_low"], p["estimate"], p["ci_high"], p["estimate"]], [yd, yd + 0.25, yd, yd - 0.25],
            color=COLORS[1], linewidth=0, label="pooled (reported)")
    labels.append("Simental-Mendía 2016\n(pooled RCTs, reported)")
    ys.append(yd)
    ax.axvline(0, color=ROLE_COLORS["reference"], linewidth=1)
    ax.set_yticks(ys, labels)
    ax.set_ylim(0.3, max(ys) + 0.7)
    ax.set_xlabel("HOMA-IR difference, Mg − control (95 % CI)")
    ax.grid(axis="y", visible=False)
    return fig, ax


@register_figure("ch07_forest",
                 alt="Forest plot: the HOMA-IR mean difference computed from the 2003 trial's reported means "
                     "and SDs (about −1.2) beside the pooled meta-analytic result of −0.67 (−1.20 to −0.14).")
def forest_figure():
    fig, _ = plot_forest()
    return fig


#: Intake changes the dose-response panel plots (its slider's range), mg/day.
_DR_DELTAS = np.linspace(-100.0, 300.0, 81)
#: Fixed x axis of both dose-response axes: the intake changes with matplotlib's 5 % margins.
_DR_XLIM = (-120.0, 320.0)
#: Fixed absolute-risk axis (%) over the sliders' whole range: the highest point is a 40 % baseline at −100 mg/day
#: with Fang 2016's upper band, 40 × 0.77⁻¹ = 51.9 %. Fixed, so that a larger baseline shows as a larger gap
#: between the curve and the baseline line (the same RR, a larger absolute difference).
_DR_RISK_YLIM = (0.0, 55.0)


@lru_cache(maxsize=8)
def _dose_response_grid(meta_id: str) -> tuple:
    """:func:`rr_curve` over the panel's intake changes as read-only arrays (RR, lower, upper), once per meta-analysis."""
    c = rr_curve(meta_id, _DR_DELTAS)
    out = tuple(c[k].to_numpy() for k in ("rr", "rr_low", "rr_high"))
    for arr in out:
        arr.flags.writeable = False
    return out


@lru_cache(maxsize=1)
def _dose_response_rr_ylim() -> tuple:
    """The relative-risk axis shared by the three meta-analyses: their bands with matplotlib's 5 % margins (one
    axis for all three, so that the dropdown compares their slopes and band widths on the same scale)."""
    lo = min(float(_dose_response_grid(m)[1].min()) for m in T2D_META_IDS)
    hi = max(float(_dose_response_grid(m)[2].max()) for m in T2D_META_IDS)
    return lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo)


def _dose_response_fig():
    """The dose-response figure with every artist a control changes (their data are set by the fill)."""
    fig, (ax1, ax2) = new_figure(1, 2, figsize=(10, 4.0))
    plot_rr_curves(300.0, highlight_delta_mg=0.0, meta_ids=(T2D_META_IDS[0],), ax=ax1)
    rr_band = ax1.collections[0]
    rr_line, highlight = ax1.get_lines()[0], ax1.get_lines()[-1]  # the curve, the chosen change (drawn last)
    ax1.set_title("relative risk (log-linear assumption)", fontsize=12)
    ax1.get_legend().get_frame().set_alpha(1.0)  # opaque: the moving line passes under it
    ax1.set_xlim(*_DR_XLIM)
    ax1.set_ylim(*_dose_response_rr_ylim())
    d = _DR_DELTAS
    zeros = np.zeros_like(d)
    band = ax2.fill_between(d, zeros, zeros, color=COLORS[0], alpha=0.15, linewidth=0)
    (curve,) = ax2.plot(d, zeros, color=COLORS[0])
    baseline = ax2.axhline(0.0, color=ROLE_COLORS["reference"], linewidth=1, label="baseline risk")
    vline = ax2.axvline(0.0, color="black", linestyle=":", linewidth=1.2)
    (marker,) = ax2.plot([0.0], [0.0], marker="o", color=COLORS[3], linestyle="none", label="your intake change")
    ax2.set_xlabel("change in magnesium intake (mg/day)")
    ax2.set_ylabel("absolute risk (%)")
    ax2.set_title("absolute risk", fontsize=12)
    ax2.set_xlim(*_DR_XLIM)
    ax2.set_ylim(*_DR_RISK_YLIM)
    legend2 = ax2.legend(loc="upper right", framealpha=1.0)  # opaque, as legend1
    artists = {"rr_band": rr_band, "rr_line": rr_line, "highlight": highlight, "legend1": ax1.get_legend(), "band": band,
               "curve": curve, "baseline": baseline, "vline": vline, "marker": marker, "title": ax2.title,
               "legend2": legend2}
    return fig, artists


def _dose_response_fill(fig, artists, meta_id: str, baseline_risk_pct, intake_change_mg) -> View:
    """Set the moving artists and build the readout (shared by the callback and the in-place update)."""
    p0 = in_range("baseline_risk_pct", baseline_risk_pct, 0, 100, low_inclusive=False, high_inclusive=False,
                  unit="%")
    delta = in_range("intake_change_mg", intake_change_mg, -300, 600, unit="mg/day")
    m = get_meta(meta_id)
    curve = rr_curve(meta_id, [delta]).iloc[0]
    ar = absolute_risk(p0 / 100.0, curve.rr)
    lo_ar = absolute_risk(p0 / 100.0, curve.rr_low)
    hi_ar = absolute_risk(p0 / 100.0, curve.rr_high)
    rd_lo, rd_hi = sorted((100 * lo_ar.risk_difference, 100 * hi_ar.risk_difference))
    if ar.number_needed is not None:
        nn = (f"about **{ar.number_needed:.0f}** people would have to raise their intake by {delta:g} mg/day "
              "for one fewer case over the follow-up, *if* the association were causal")
    elif delta < 0:
        nn = "a lower intake goes with a *higher* risk here, so there is no 'number needed'"
    else:
        nn = "no change in intake, no change in risk"
    text = (f"**{m.label}**: RR {m.rr_per_100mg:.2f} ({m.ci_low:.2f}–{m.ci_high:.2f}) per +100 mg/day "
            f"({m.n_cohorts} cohorts).\n\n"
            f"For {delta:+g} mg/day: RR = {m.rr_per_100mg:.2f}^({delta:g}/100) = **{curve.rr:.3f}** "
            f"(95 % CI {curve.rr_low:.3f}–{curve.rr_high:.3f}).\n\n"
            f"Baseline risk {p0:.0f} % → **{100 * ar.risk:.2f} %**: risk difference "
            f"**{100 * ar.risk_difference:.2f} percentage points** ({rd_lo:.2f} to {rd_hi:.2f}); {nn}.\n\n"
            "Caveats: observational cohorts (an association, not proof that raising intake lowers risk); "
            "log-linear dose-response is an assumption, least safe far from the intakes the cohorts saw; "
            "the exposure was mostly *dietary* magnesium, not supplements. Supplemental Mg has a US upper "
            "limit of 350 mg/day (from age 9); food Mg has none.")
    # the figure: the chosen change on both axes, the absolute-risk curve and band for this baseline
    dx, p = float(delta), float(p0) / 100.0
    d = _DR_DELTAS
    rr_d, rr_low, rr_high = _dose_response_grid(meta_id)
    a = artists
    set_band(a["rr_band"], d, rr_low, rr_high)
    a["rr_line"].set_data(d, rr_d)
    if a["rr_line"].get_label() != m.label:
        a["rr_line"].set_label(m.label)
        a["legend1"].get_texts()[0].set_text(m.label)
    a["highlight"].set_xdata([dx, dx])
    set_band(a["band"], d, 100 * np.minimum(p * rr_low, 1), 100 * np.minimum(p * rr_high, 1))
    a["curve"].set_data(d, 100 * np.minimum(p * rr_d, 1))
    a["baseline"].set_ydata([float(p0), float(p0)])
    a["vline"].set_xdata([dx, dx])
    rr = rr_for_change(m.rr_per_100mg, dx)
    a["marker"].set_data([dx], [100 * min(p * rr, 1)])
    title = f"absolute risk for a baseline of {float(p0):g} %"
    if a["title"].get_text() != title:
        a["title"].set_text(title)
    return View(text=text, figure=fig, artists=artists,
                alt=f"Left: relative risk against intake change for {m.label} with its 95 % band; right: the "
                    f"absolute risk for a {p0:g} % baseline, with the chosen change of {delta:g} mg/day marked.",
                # redrawn on each change: the meta-analysis's RR curve and band, the chosen change (both axes), the
                # absolute-risk curve, band, baseline and marker, the right title (it names the baseline) and both
                # legends (the left one names the meta-analysis; the moving lines pass under both)
                animated=(a["rr_band"], a["rr_line"], a["highlight"], a["band"], a["curve"], a["baseline"], a["vline"],
                          a["marker"], a["title"], a["legend1"], a["legend2"]))


@register("07.dose_response", title="From a cohort RR per 100 mg/day to absolute risk",
          baseline_risk_pct=Slider("Baseline risk of type 2 diabetes over follow-up (%)", 1, 40, 10, 1),
          intake_change_mg=Slider("Change in magnesium intake (mg/day)", -100, 300, 100, 10),
          meta_id=Dropdown("Meta-analysis of cohorts", _META_OPTIONS, "larsson2007"))
def dose_response_view(baseline_risk_pct, intake_change_mg, meta_id):
    """Relative and absolute risk for an intake change, from one cohort meta-analysis."""
    in_range("baseline_risk_pct", baseline_risk_pct, 0, 100, low_inclusive=False, high_inclusive=False, unit="%")
    in_range("intake_change_mg", intake_change_mg, -300, 600, unit="mg/day")
    get_meta(meta_id)
    fig, artists = _dose_response_fig()
    return _dose_response_fill(fig, artists, meta_id, baseline_risk_pct, intake_change_mg)


@dose_response_view.updater
def _dose_response_update(view, baseline_risk_pct, intake_change_mg, meta_id):
    """Always in place: another meta-analysis changes the curves, bands and legend, not the axes."""
    return _dose_response_fill(view.figure, view.artists, meta_id, baseline_risk_pct, intake_change_mg)


@lru_cache(maxsize=128)
def _confounding(drop: float, beta_pct: float, seed: int):
    beta = math.log1p(beta_pct / 100.0)
    cohort = simulate_cohort(2000, seed=seed, intake_drop_per_10pct_fat_mg=drop, true_effect_log_per_100mg=beta)
    return cohort, confounding_estimates(cohort, beta)


#: People of the synthetic cohort shown in the scatter (all 2,000 are fitted).
_CONF_SHOWN = 600
#: Fixed axes of the confounding panel over every slider value (seeds 1–20, intake drop 0–100 mg/day, true effect
#: −20 to +5 %; checked by tests/test_evidence.py). The first 600 people span Mg intakes 50–780 mg/day (the
#: simulation clips at 50) and HOMA-IR 0.13–18; body fat is clipped to 8–60 % by the simulation, which is the
#: colour scale; the estimates with their 95 % CIs span about −36 to +10 % per +100 mg/day.
_CONF_XLIM = (0.0, 820.0)
_CONF_YLIM = (0.11, 22.0)
_CONF_YTICKS = (0.125, 0.25, 0.5, 1, 2, 4, 8, 16)
_CONF_FAT_RANGE = (8.0, 60.0)
_CONF_EST_XLIM = (-40.0, 12.0)


def _confounding_inputs(intake_drop_mg, true_effect_pct, seed):
    drop = in_range("intake_drop_mg", intake_drop_mg, 0, 100, unit="mg/day")
    beta_pct = in_range("true_effect_pct", true_effect_pct, -50, 50, unit="%")
    seed = int(in_range("seed", seed, 0, 10_000))
    return float(drop), float(beta_pct), seed


def _confounding_fig():
    """The confounding figure: the scatter and the four estimates (their data set by the fill)."""
    fig, (ax1, ax2) = new_figure(1, 2, figsize=(10, 4.0))
    empty = np.zeros(_CONF_SHOWN)
    # a fixed colour scale (the simulation's whole range of body fat), so that the colour bar stays put
    sc = ax1.scatter(empty + 300.0, empty + 1.0, c=empty + 30.0, cmap="cividis", vmin=_CONF_FAT_RANGE[0],
                     vmax=_CONF_FAT_RANGE[1], s=10, alpha=0.8)
    ax1.set_yscale("log")
    ax1.set_xlim(*_CONF_XLIM)
    ax1.set_ylim(*_CONF_YLIM)
    ax1.set_yticks(_CONF_YTICKS, [f"{t:g}" for t in _CONF_YTICKS])
    ax1.minorticks_off()
    ax1.set_xlabel("Mg intake (mg/day)")
    ax1.set_ylabel("HOMA-IR (log scale)")
    ax1.set_title(f"SYNTHETIC cohort ({_CONF_SHOWN} of 2,000 shown)", fontsize=12)
    fig.colorbar(sc, ax=ax1, label="body fat (%)")
    names = ["unadjusted", "adjusted for BMI", "adjusted for body fat (DXA)", "truth (set in the simulation)"]
    ypos = np.arange(len(names))[::-1]
    bars = []
    for k, y in enumerate(ypos):
        # the truth has no sampling error: no error bar (a marker only)
        bars.append(ax2.errorbar(0.0, y, xerr=1.0 if k < 3 else None, fmt=MARKERS[k], color=COLORS[k], markersize=8,
                                 capsize=4))
    ax2.axvline(0, color=ROLE_COLORS["reference"], linewidth=1)
    ax2.set_yticks(ypos, names)
    ax2.set_xlim(*_CONF_EST_XLIM)
    ax2.set_ylim(-0.15, len(names) - 1 + 0.15)  # the four rows with matplotlib's 5 % margins
    ax2.set_xlabel("change in HOMA-IR per\n+100 mg/day of Mg (%)")
    ax2.grid(axis="y", visible=False)
    return fig, {"scatter": sc, "bars": bars, "ypos": ypos, "names": names}


def _confounding_fill(fig, artists, intake_drop_mg, true_effect_pct, seed) -> View:
    """Set the scatter and the estimates, and build the readout (shared by the callback and the update)."""
    drop, beta_pct, seed = _confounding_inputs(intake_drop_mg, true_effect_pct, seed)
    cohort, est = _confounding(drop, beta_pct, seed)
    sub = cohort.iloc[:_CONF_SHOWN]
    sc = artists["scatter"]
    sc.set_offsets(np.column_stack([sub.mg_intake_mg_day.to_numpy(), sub.homa_ir.to_numpy()]))
    sc.set_array(sub.body_fat_pct.to_numpy())
    vals = est["pct_change_per_100mg"].to_numpy()
    err = 100 * Z95 * est["se"].to_numpy()
    for (data, caps, lines), y, v, e in zip(artists["bars"], artists["ypos"], vals, err):
        data.set_data([v], [y])
        if caps:
            caps[0].set_data([v - e], [y])
            caps[1].set_data([v + e], [y])
            lines[0].set_segments([[[v - e, y], [v + e, y]]])
    u, b, f = vals[0], vals[1], vals[2]
    text = (f"**Synthetic data** (seed {seed}; 2,000 simulated people). True effect {beta_pct:+.0f} % per "
            f"+100 mg/day. Estimated: unadjusted **{u:+.1f} %**, adjusted for BMI **{b:+.1f} %**, adjusted for "
            f"body fat **{f:+.1f} %**. BMI is a noisy proxy of adiposity, so adjusting for it leaves residual "
            "confounding; adjusting for the confounder itself (here measured without error) recovers the truth "
            "within sampling error.")
    return View(text=text, figure=fig, artists=artists,
                alt=f"Left: synthetic Mg intake against HOMA-IR coloured by body fat; right: the estimated "
                    f"effect per 100 mg/day unadjusted ({u:+.1f} %), BMI-adjusted ({b:+.1f} %), "
                    f"fat-adjusted ({f:+.1f} %) and the truth ({beta_pct:+.0f} %).",
                # redrawn on each move: the scatter and the four estimates with their error bars
                animated=(sc, *artists["bars"]))


@register("07.confounding", title="A synthetic cohort: confounding by adiposity",
          intake_drop_mg=Slider("Mg intake lower per +10 % body fat (mg/day)", 0, 100, 40, 5),
          true_effect_pct=Slider("True effect of +100 mg/day Mg on HOMA-IR (%)", -20, 5, -3, 1),
          seed=Slider("Random seed of the synthetic cohort (a whole number)", 1, 20, 13, 1, integer=True))
def confounding_view(intake_drop_mg, true_effect_pct, seed):
    """SYNTHETIC data: how adjustment (none, BMI, body fat) changes the Mg–HOMA-IR slope."""
    _confounding_inputs(intake_drop_mg, true_effect_pct, seed)
    fig, artists = _confounding_fig()
    return _confounding_fill(fig, artists, intake_drop_mg, true_effect_pct, seed)


@confounding_view.updater
def _confounding_update(view, intake_drop_mg, true_effect_pct, seed):
    """Every control is a slider: always in place (the scatter and the estimates move)."""
    return _confounding_fill(view.figure, view.artists, intake_drop_mg, true_effect_pct, seed)


# =========================================================================== reverse causation (chapter 4 model)
def _cycle_params(si_fraction: float, intake_mg_per_day: float, full_cycle: bool):
    from .models import cycle

    p = cycle.Parameters()
    changes = dict(si=p.si * si_fraction, mg_intake_mg_per_day=intake_mg_per_day)
    if not full_cycle:  # switch off every Mg → glucose arrow: only insulin resistance → Mg remains
        changes.update(si_floor=1.0, sensing_floor=1.0)
    return p.with_(**changes)


@lru_cache(maxsize=256)
def reverse_causation_run(si_fraction: float, *, intake_mg_per_day: float = 320.0, full_cycle: bool = False,
                          days: float = 730.0):
    """One run of the chapter 4 cycle model after insulin sensitivity drops to ``si_fraction`` of normal.

    Starts at the healthy replete state (G 100 mg/dL, I 10 µU/mL, β 300 mg, M = 1); magnesium
    intake stays at ``intake_mg_per_day``. With ``full_cycle=False`` the Mg → insulin-sensitivity and
    Mg → β-cell arrows are switched off (``si_floor = sensing_floor = 1``), so any fall of the Mg
    pool M is caused by insulin resistance (**reverse causation**): higher glucose → glycosuria and
    less insulin action at the kidney → more renal Mg loss. The model's Mg parameters are
    illustrative assumptions (see :mod:`mgcourse.models.cycle`).
    """
    from .models import cycle

    frac = in_range("si_fraction", si_fraction, 0.05, 1.0)
    intake = in_range("intake_mg_per_day", intake_mg_per_day, 0.0, 2000.0, unit="mg/day")
    return cycle.simulate(_cycle_params(frac, intake, bool(full_cycle)), days=float(days))


def reverse_causation_snapshot(si_fractions=(1.0, 0.7, 0.5, 0.35, 0.28, 0.2, 0.16, 0.14), *, day: int = 180,
                               full_cycle: bool = False) -> pd.DataFrame:
    """A 'cross-sectional survey' of model people who differ only in insulin sensitivity.

    Everyone eats the same 320 mg/day. At ``day`` (days after their insulin sensitivity fell)
    the table gives glucose, insulin, HOMA-IR (G mg/dL × I µU/mL / 405) and the Mg pool M.
    """
    fractions = as_array("si_fractions", si_fractions, low=0.05, high=1.0, ndim=1)
    day = as_int("day", day, 0, 3650, unit="days")
    full_cycle = as_bool("full_cycle", full_cycle)
    rows = []
    for f in fractions:
        f = float(f)
        s = reverse_causation_run(f, full_cycle=full_cycle)
        k = int(np.argmin(np.abs(s.t_days - day)))
        g, i = float(s.glucose_mg_dl[k]), float(s.insulin_uU_ml[k])
        rows.append({"si_pct_of_normal": 100 * f, "glucose_mg_dl": g, "insulin_uU_ml": i,
                     "homa_ir": g * i / 405.0, "mg_pool": float(s.mg_pool[k])})
    return pd.DataFrame(rows)


#: Fixed axes of the reverse-causation panel over every control value (insulin sensitivity 10–100 %, intake
#: 150–500 mg/day, with and without the full cycle; checked by tests/test_evidence.py): glucose spans 94 mg/dL
#: (full cycle, 500 mg/day) to 600 mg/dL (the model's diabetic state, reached at 10–12 % sensitivity), the Mg pool
#: 0.15 to 1.26 (an intake above 320 mg/day fills it beyond replete). Time: two years, with 5 % margins.
_RC_GLUCOSE_YLIM = (75.0, 625.0)
_RC_MG_YLIM = (0.0, 1.3)
_RC_MONTHS = 730.0 / 30.44
_RC_XLIM = (-0.05 * _RC_MONTHS, 1.05 * _RC_MONTHS)


def _reverse_causation_inputs(si_pct, intake_mg, full_cycle):
    frac = in_range("si_pct", si_pct, 5, 100, unit="%") / 100.0
    intake = in_range("intake_mg", intake_mg, 0, 2000, unit="mg/day")
    return frac, intake, bool(full_cycle)


def _reverse_causation_fig():
    """The two time courses (glucose, Mg pool) with their lines; the data are set by the fill."""
    fig, (ax1, ax2) = new_figure(1, 2, figsize=(10, 4.0))
    t = np.zeros(2)
    lines = {}
    for key, ls in (("ref", "--"), ("run", "-")):
        (lines[key + "_g"],) = ax1.plot(t, t + 100.0, color=ROLE_COLORS["glucose"], linestyle=ls, label=key)
        (lines[key + "_m"],) = ax2.plot(t, t + 1.0, color=ROLE_COLORS["magnesium"], linestyle=ls, label=key)
    ax1.axhline(180, color=ROLE_COLORS["reference"], linewidth=1, linestyle=":")
    threshold = ax1.text(0.5, 185, "renal glucose threshold (illustrative)", fontsize=10, color="#555555")
    ax1.set_xlabel("time (months)")
    ax1.set_ylabel("glucose (mg/dL)")
    ax2.set_xlabel("time (months)")
    ax2.set_ylabel("Mg pool M (1 = replete)")
    for ax in (ax1, ax2):
        ax.set_xlim(*_RC_XLIM)
    ax1.set_ylim(*_RC_GLUCOSE_YLIM)
    ax2.set_ylim(*_RC_MG_YLIM)
    legend = ax1.legend(loc="upper right", framealpha=1.0)  # opaque: the curves pass under it
    return fig, {**lines, "threshold": threshold, "legend": legend}


def _reverse_causation_fill(fig, artists, si_pct, intake_mg, full_cycle) -> View:
    """Set the four lines and the legend, and build the readout (shared by the callback and the update)."""
    frac, intake, full_cycle = _reverse_causation_inputs(si_pct, intake_mg, full_cycle)
    ref = reverse_causation_run(1.0, intake_mg_per_day=float(intake), full_cycle=full_cycle)
    s = reverse_causation_run(round(frac, 4), intake_mg_per_day=float(intake), full_cycle=full_cycle)
    a = artists
    for key, run in (("ref", ref), ("run", s)):
        months = run.t_days / 30.44
        a[key + "_g"].set_data(months, run.glucose_mg_dl)
        a[key + "_m"].set_data(months, run.mg_pool)
    # the second run is named without its value (the readout gives it): a legend that does not change is
    # drawn once and kept by the live panel (widgets._Blitter)
    labels = ("insulin sensitivity 100 %", "insulin sensitivity set by the slider")
    for text, label in zip(a["legend"].get_texts(), labels):
        if text.get_text() != label:
            text.set_text(label)
    for key, label in zip(("ref_g", "run_g"), labels):  # the lines' own labels, as a fresh legend() would read
        a[key].set_label(label)
    mmin, mend, gmax = float(s.mg_pool.min()), float(s.mg_pool[-1]), float(s.glucose_mg_dl.max())
    arrows = ("Mg also acts on insulin sensitivity and β-cells (full cycle)" if full_cycle else
              "the Mg → insulin arrows are switched off: only insulin resistance → Mg remains")
    text = (f"**Toy model** (chapter 4; Mg parameters illustrative). Mg intake {intake:g} mg/day throughout; {arrows}. "
            f"Insulin sensitivity falls to {100 * frac:.0f} % of normal at time 0: glucose peaks at "
            f"**{gmax:.0f} mg/dL**, the Mg pool falls to **{mmin:.2f}** (lowest) and is **{mend:.2f}** after "
            f"{s.t_days[-1] / 365.25:.0f} years (without the fall in insulin sensitivity, same intake: "
            f"{float(ref.mg_pool[-1]):.2f}). The gap between the solid and dashed lines is caused by insulin "
            "resistance, not by diet.")
    return View(text=text, figure=fig, artists=artists,
                alt=f"Glucose (left) and the Mg pool (right) over two years after insulin sensitivity falls to "
                    f"{100 * frac:.0f} % of normal at a constant Mg intake, compared with no fall.",
                # redrawn on each move: the four lines, and what they can cross (the threshold label, the legend,
                # whose label names the sensitivity)
                animated=(a["ref_g"], a["run_g"], a["ref_m"], a["run_m"], a["threshold"], a["legend"]))


@register("07.reverse_causation", title="Reverse causation in the cycle model: insulin resistance lowers Mg",
          si_pct=Slider("Insulin sensitivity after the drop (% of normal)", 10, 100, 14, 2),
          intake_mg=Slider("Magnesium intake (mg/day)", 150, 500, 320, 10),
          full_cycle=Checkbox("Also let Mg act on insulin sensitivity and β-cells (the full cycle)", False))
def reverse_causation_view(si_pct, intake_mg, full_cycle):
    """Glucose and the Mg pool after insulin sensitivity falls, at a fixed Mg intake (toy model)."""
    _reverse_causation_inputs(si_pct, intake_mg, full_cycle)
    fig, artists = _reverse_causation_fig()
    return _reverse_causation_fill(fig, artists, si_pct, intake_mg, full_cycle)


@reverse_causation_view.updater
def _reverse_causation_update(view, si_pct, intake_mg, full_cycle):
    """Always in place: the checkbox changes the runs, not which lines exist (the axes hold both cases)."""
    return _reverse_causation_fill(view.figure, view.artists, si_pct, intake_mg, full_cycle)


def plot_pooling_example(ax=None):
    """Forest plot of the BCG trials (log RR) with the fixed and DerSimonian–Laird pooled estimates."""
    if ax is None:
        fig, ax = new_figure(figsize=(7.5, 6.0))
    else:
        fig = ax.figure
    b = bcg_log_risk_ratios()
    f, r = pool_fixed(b.log_rr, b.se), pool_random(b.log_rr, b.se)
    k = len(b)
    ys = np.arange(k, 0, -1) + 2
    w = np.asarray(f.weights)
    ax.errorbar(b.log_rr, ys, xerr=Z95 * b.se, fmt="none", ecolor=COLORS[0], capsize=3)
    ax.scatter(b.log_rr, ys, s=20 + 400 * w, marker="s", color=COLORS[0], zorder=3)
    for y0, res, col, lab in ((2, f, COLORS[1], "fixed effect"), (1, r, COLORS[2], "random effects (DL)")):
        ax.fill([res.ci_low, res.estimate, res.ci_high, res.estimate], [y0, y0 + 0.3, y0, y0 - 0.3], color=col, linewidth=0,
                linestyle="-",  # not the cycler's dashes: matplotlib < 3.9 rejects dashes scaled by width 0
                label=f"{lab}: {res.estimate:.2f} ({res.ci_low:.2f} to {res.ci_high:.2f})")
    ax.axvline(0, color=ROLE_COLORS["reference"], linewidth=1)
    ax.set_yticks([*ys, 2, 1], [f"{t} {y}" for t, y in zip(b.trial, b.year)] + ["fixed", "random"])
    ax.set_xlabel("log risk ratio of tuberculosis, BCG vs control (95 % CI)")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.4, -0.12), fontsize=10, ncol=1)
    return fig, ax
