"""Exercises of chapter 08 (real survey data: NHANES 2017–2018).

Every number comes from the course's NHANES extract (data/nhanes_2017_2018.csv) through the reference
functions of mgcourse.nhanes; the chapter itself uses other subgroups, so no chapter cell solves an exercise.
"""

import numpy as np
from scipy import stats

from mgcourse import nhanes as nh
from mgcourse.checks import choice, exercise, explanation, function, value

_FASTING = nh.fasting_sample()
_INTAKE = nh.intake_sample()

# --------------------------------------------------------------------------- 1. weighted median
_WOMEN = _FASTING[_FASTING["sex"] == "female"]
_MEDIAN_W = nh.weighted_quantile(_WOMEN["homa_ir"], _WOMEN["weight"], 0.5)

exercise(
    "08.median-women", name="median_women", kind="compute",
    title="Weighted median HOMA-IR of women in the fasting sample (2 decimals)",
    grader=value(_MEDIAN_W, rtol=0.005 / abs(_MEDIAN_W), what="the weighted median", mistakes={
        float(np.median(_WOMEN["homa_ir"])): "that is the unweighted median: use the fasting weights.",
        nh.weighted_quantile(_FASTING["homa_ir"], _FASTING["weight"], 0.5):
            "that is the median of men and women together: keep the women only.",
        nh.weighted_quantile(_WOMEN["homa_ir"], _WOMEN["weight_dietary_day1"], 0.5):
            "that used the dietary weight; HOMA-IR comes from the fasting subsample, which has its own weight.",
    }),
    hints=("Which weight belongs to a fasting blood measurement?",
           "A weighted median sorts the values, accumulates their weights, and takes the first value at which "
           "the running share of the total weight reaches one half.",
           "Filter the fasting sample to sex == 'female', then pass its homa_ir and its weight column to the "
           "weighted-quantile rule with q = 0.5."),
)


# --------------------------------------------------------------------------- 2. implement a weighted quantile
def _wq_ref(values, weights, q):
    return nh.weighted_quantile(values, weights, q)


exercise(
    "08.weighted-quantile", name="weighted_quantile", kind="implement",
    title="Write wquantile(values, weights, q): the smallest value whose cumulative weight share is ≥ q",
    grader=function(_wq_ref, [
        ([3.0, 1.0, 2.0, 10.0], [1.0, 1.0, 1.0, 7.0], 0.5),
        ([3.0, 1.0, 2.0, 10.0], [1.0, 1.0, 1.0, 7.0], 0.15),
        ([5.0, 4.0, 3.0, 2.0, 1.0], [1, 1, 1, 1, 1], 0.5),
        ([5.0, 4.0, 3.0, 2.0, 1.0], [1, 1, 1, 1, 1], 0.0),
        ([5.0, 4.0, 3.0, 2.0, 1.0], [1, 1, 1, 1, 1], 1.0),
        ([2.5, 7.0, 1.0, 4.0], [0.2, 0.1, 0.6, 0.1], 0.75),
        ([10.0, 20.0, 30.0, 40.0], [4.0, 3.0, 2.0, 1.0], 0.4),
    ], rtol=1e-12, raises=[(([], [], 0.5), ValueError), (([1.0, 2.0], [1.0], 0.5), ValueError),
                          (([1.0, 2.0], [1.0, -1.0], 0.5), ValueError), (([1.0, 2.0], [1.0, 1.0], 1.5), ValueError)],
        describe=lambda a: f"wquantile({a[0]}, {a[1]}, {a[2]})"),
    hints=("Sort the values, and carry each value's weight along with it.",
           "The cumulative share after the k-th sorted value is (w₁ + … + w_k) / Σw; the answer is the first "
           "sorted value whose share is at least q. Reject empty input, unequal lengths, negative weights and "
           "q outside [0, 1] with ValueError.",
           "np.argsort gives the order to apply to both arrays; np.cumsum of the sorted weights divided by their "
           "sum gives the shares; np.searchsorted finds the first position whose share reaches q."),
)

# --------------------------------------------------------------------------- 3. below the EAR, 51+
_EAR = nh.ear_mg_per_day(_INTAKE["age_years"], _INTAKE["sex"])
_BELOW = (_INTAKE["mg_intake_mg_per_day"] < _EAR).to_numpy()
_OLD = (_INTAKE["age_years"] >= 51).to_numpy()
_SHARE_OLD = 100 * np.average(_BELOW[_OLD], weights=_INTAKE["weight"].to_numpy()[_OLD])

exercise(
    "08.below-ear-51", name="below_ear_51", kind="compute",
    title="Weighted % of adults aged 51+ (both sexes) whose day-1 intake is below their EAR (1 decimal)",
    grader=value(_SHARE_OLD, rtol=0.05 / abs(_SHARE_OLD), what="the weighted percentage", mistakes={
        100 * float(np.mean(_BELOW[_OLD])): "that is the unweighted share: weight each adult by the dietary weight.",
        float(np.average(_BELOW[_OLD], weights=_INTAKE["weight"].to_numpy()[_OLD])):
            "give a percentage (e.g. 42.0), not a proportion.",
        100 * float(np.average(_BELOW, weights=_INTAKE["weight"])): "that is every adult; keep ages 51 and over.",
    }),
    hints=("Each adult has an EAR for his or her own age and sex; compare the intake with it first.",
           "A weighted share of a yes/no variable is Σ w·(yes) / Σ w over the adults in the group.",
           "nhanes.ear_mg_per_day(age, sex) gives every adult's EAR; make a boolean column 'below', keep ages "
           "≥ 51, then combine it with the weight as in the chapter's section 3."),
)

# --------------------------------------------------------------------------- 4. design-based CI, men
_MEN = _FASTING[_FASTING["sex"] == "male"]
_FIT_MEN = nh.survey_regression(_MEN, "log_homa_ir", "mg_intake_100mg_per_day")
_NAIVE_MEN = nh.survey_regression(_MEN.assign(_h=0, _p=np.arange(len(_MEN))), "log_homa_ir",
                                  "mg_intake_100mg_per_day", strata="_h", psu="_p")

exercise(
    "08.ci-men", name="ci_men", kind="compute",
    title="Upper 95 % limit of the crude slope of ln HOMA-IR per 100 mg/day in men, design-based (4 decimals)",
    grader=value(_FIT_MEN.ci_high, rtol=5e-5 / abs(_FIT_MEN.ci_high), what="the upper 95 % limit", mistakes={
        _FIT_MEN.estimate + 1.959963985 * _FIT_MEN.se:
            "you used the normal 1.96; with 15 design degrees of freedom use the t distribution.",
        _FIT_MEN.estimate + stats.t.ppf(0.975, _FIT_MEN.n - 2) * _FIT_MEN.se:
            "the degrees of freedom are #PSUs − #strata, not n − 2.",
        _NAIVE_MEN.ci_high: "that interval ignores strata and PSUs.",
        100 * np.expm1(_FIT_MEN.ci_high): "give the limit on the log scale (the slope itself), not as a % change.",
    }),
    hints=("The slope's interval is estimate ± multiplier × design-based SE. Which multiplier?",
           "Design degrees of freedom = number of PSUs − number of strata; the multiplier is the 97.5 % point of "
           "the t distribution on those degrees of freedom.",
           "Keep the men of the fasting sample and use nhanes.survey_regression with outcome 'log_homa_ir' and "
           "exposure 'mg_intake_100mg_per_day'; the result has the limits as attributes."),
)

# --------------------------------------------------------------------------- 5. adjusted estimate, women
_AS = nh.analysis_sample()
_AW = _AS[_AS["sex"] == "female"]
_ADJ_COVS = ("energy_kcal_per_day", "age_years", "waist_cm")
_FIT_W = nh.survey_regression(_AW, "log_homa_ir", "mg_intake_100mg_per_day", _ADJ_COVS)
_PCT_W = 100 * np.expm1(_FIT_W.estimate)

exercise(
    "08.adjusted-women", name="adjusted_women", kind="compute",
    title="Women: % change in HOMA-IR per +100 mg/day adjusted for energy, age and waist (1 decimal)",
    grader=value(_PCT_W, rtol=0.05 / abs(_PCT_W), what="your adjusted % change", mistakes={
        _FIT_W.estimate: "that is the slope on the log scale; convert it to a % change with 100·(eᵇ − 1).",
        100 * _FIT_W.estimate: "close, but convert the log slope exactly: 100·(eᵇ − 1), not 100·b.",
        100 * np.expm1(nh.survey_regression(_AW, "log_homa_ir", "mg_intake_100mg_per_day").estimate):
            "that is the crude estimate: add the covariates.",
        100 * np.expm1(nh.survey_regression(_AW, "log_homa_ir", "mg_intake_100mg_per_day",
                                            ("energy_kcal_per_day", "age_years")).estimate):
            "waist is missing from the adjustment.",
        100 * np.expm1(nh.survey_regression(_AW, "log_homa_ir", "mg_intake_100mg_per_day",
                                            ("energy_kcal_per_day", "age_years", "bmi_kg_m2")).estimate):
            "that adjusted for BMI; the question asks for waist.",
    }),
    hints=("Use the same adults as the chapter's table (BMI and waist both measured), women only.",
           "Regress ln HOMA-IR on intake per 100 mg/day with energy, age and waist as covariates; sex is constant "
           "among women, so it is not a covariate. The slope b is a change on the log scale.",
           "nhanes.analysis_sample() gives the chapter's adults; after filtering to women, pass the three "
           "covariate column names to nhanes.survey_regression, then convert the estimate to a percentage."),
)

# --------------------------------------------------------------------------- 6. explore the widget
exercise(
    "08.explore-adiposity", name="explore_adiposity", kind="explore",
    title="In the widget, adding BMI to energy, age and sex moves the Mg estimate: A towards zero, B away, "
          "C not at all, D across zero",
    grader=choice("A", "ABCD", feedback={
        "B": "Compare the square for 'energy, age, sex' with the one after choosing BMI: which is nearer 0 %?",
        "C": "Look again: the estimate moves by several percentage points.",
        "D": "Both estimates are on the same side of zero.",
    }),
    hints=("Tick energy and age/sex first and note the estimate; then choose BMI.",
           "Adjusting for a confounder removes the part of the association that runs through it: if adiposity "
           "lowers intake quality and raises HOMA-IR, adjusting for it moves the estimate in which direction?",
           "Compare the two percentages the widget prints, and their distance from 0 %."),
)

# --------------------------------------------------------------------------- 7. explain: one day
exercise(
    "08.one-day", name="one_day", kind="explain",
    title="Why is the share of adults below the EAR on one recall day not the share with inadequate intake?",
    grader=explanation({
        "usual (long-run) intake vs one day": ("usual", "long-run", "long run", "habitual", "average over",
                                               "typical intake", "many days"),
        "day-to-day variation widens the distribution": ("day-to-day", "day to day", "varies from day",
                                                          "variation", "wider", "spread", "variance", "tails"),
        "supplements are not included": ("supplement",),
    }, min_words=40),
    hints=("Think about what the EAR cut-point method compares: intake on which time scale?",
           "Three ideas: what adequacy is defined on; what a single day adds to each person's intake and what "
           "that does to the distribution; and which source of magnesium the extract leaves out.",
           "Write one sentence on usual intake, one on day-to-day variation and the tails of the distribution "
           "(and the second recall day that would correct it), and one on supplements."),
)

# --------------------------------------------------------------------------- 8. explain: cross-sectional
exercise(
    "08.cross-sectional", name="cross_sectional", kind="explain",
    title="What can the NHANES association between Mg intake and HOMA-IR not show, and why?",
    grader=explanation({
        "no time order / reverse causation": ("reverse", "time order", "temporal", "same time", "which came first",
                                              "before", "cross-sectional", "snapshot"),
        "confounding that adjustment does not remove": ("confound", "residual", "diet quality", "adipos",
                                                        "body fat", "physical activity", "lifestyle"),
        "causation needs randomisation": ("random", "trial", "rct", "cause", "causal"),
    }, min_words=40),
    hints=("List the ways an association can arise without magnesium affecting insulin resistance.",
           "Three ideas: whether we know what came first; what else differs between high- and low-magnesium "
           "eaters that the model did not (or could not fully) adjust for; and which design could answer the "
           "causal question.",
           "Write one sentence on the timing of the measurements, one on residual confounding (name two "
           "variables), and one on the kind of study that assigns the exposure."),
)
