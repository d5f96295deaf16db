"""Exercises of chapter 08 (real survey data: NHANES 2017–2018).

Every number comes from the course's NHANES extract (data/nhanes_2017_2018.csv) through the reference
functions of mgcourse.nhanes; the chapter itself uses other subgroups, so no chapter cell solves an exercise.
"""

import functools

import numpy as np

from mgcourse import data
from mgcourse import nhanes as nh
from mgcourse.checks import choice, deferred, exercise, explanation, function

# Every reference value below is computed on first use (``deferred``), never when this module is imported:
# a course copy without data/ still imports the bank, and a check then says "cannot be checked".


@functools.lru_cache(maxsize=1)
def _extract():
    """The NHANES extract from the course's data folder (``MGCOURSE_DATA_DIR`` honoured), checksum verified:
    a missing or damaged file raises DataUnavailable/DataFileError, which a check reports as "cannot be
    checked"."""
    data.require(nh.EXTRACT_NAME)
    return nh.load_extract(data.data_dir() / nh.EXTRACT_NAME)


def _fasting():
    return nh.fasting_sample(_extract())


def _intake():
    return nh.intake_sample(_extract())


# --------------------------------------------------------------------------- 1. weighted median
def _median_women() -> dict:
    fasting = _fasting()
    women = fasting[fasting["sex"] == "female"]
    return {"expected": nh.weighted_quantile(women["homa_ir"], women["weight"], 0.5), "what": "the weighted median",
            "mistakes": {
                float(np.median(women["homa_ir"])): "that is the unweighted median: use the fasting weights.",
                nh.weighted_quantile(fasting["homa_ir"], fasting["weight"], 0.5):
                    "that is the median of men and women together: keep the women only.",
                nh.weighted_quantile(women["homa_ir"], women["weight_dietary_day1"], 0.5):
                    "that used the dietary weight; HOMA-IR comes from the fasting subsample, which has its own "
                    "weight.",
            }}


exercise(
    "08.median-women", name="median_women", kind="compute",
    title="Weighted median HOMA-IR of women in the fasting sample (2 decimal places)",
    grader=deferred(_median_women, decimals=2),
    hints=("Which weight belongs to a fasting blood measurement?",
           "A weighted median sorts the values, accumulates their weights, and takes the first value at which "
           "the running share of the total weight reaches one half.",
           "Concept: a survey median counts each adult as many people as his or her weight says. First step: "
           "keep the women of the fasting sample and check how many rows remain (a little over half of it); "
           "their HOMA-IR and their fasting weight are the two inputs of the weighted-quantile rule."),
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
    library=("mgcourse.nhanes:weighted_quantile",),
    hints=("Sort the values, and carry each value's weight along with it.",
           "The cumulative share after the k-th sorted value is (w₁ + … + w_k) / Σw; the answer is the first "
           "sorted value whose share is at least q. Reject empty input, unequal lengths, negative weights and "
           "q outside [0, 1] with ValueError.",
           "Concept: a running total of the sorted weights, divided by the total weight, climbs from near 0 to 1; "
           "the quantile is where it first reaches q. First step: after the guards, put the values and the "
           "weights in the order of the sorted values (np.argsort gives that order once for both)."),
)


# --------------------------------------------------------------------------- 3. below the EAR, 51+
def _below_ear_51() -> dict:
    intake = _intake()
    ear = nh.ear_mg_per_day(intake["age_years"], intake["sex"])
    below = (intake["mg_intake_mg_per_day"] < ear).to_numpy()
    old = (intake["age_years"] >= 51).to_numpy()
    w = intake["weight"].to_numpy()
    share = float(np.average(below[old], weights=w[old]))
    return {"expected": 100 * share, "what": "the weighted percentage", "mistakes": {
        100 * float(np.mean(below[old])): "that is the unweighted share: weight each adult by the dietary weight.",
        share: "give a percentage (e.g. 42.0), not a proportion.",
        100 * float(np.average(below, weights=w)): "that is every adult; keep ages 51 and over.",
    }}


exercise(
    "08.below-ear-51", name="below_ear_51", kind="compute",
    title="Weighted % of adults aged 51+ (both sexes) whose day-1 intake is below their EAR (1 decimal place)",
    grader=deferred(_below_ear_51, decimals=1),
    hints=("Each adult has an EAR for his or her own age and sex; compare the intake with it first.",
           "A weighted share of a yes/no variable is Σ w·(yes) / Σ w over the adults in the group.",
           "Concept: a share below a cut-point is a weighted mean of a true/false column. First step: give every "
           "adult of the intake sample his or her own EAR with nhanes.ear_mg_per_day(age, sex) and compare it "
           "with the day-1 intake; the age restriction and the weights come after."),
)


# --------------------------------------------------------------------------- 4. design-based CI, men
def _ci_men() -> dict:
    from scipy import stats

    fasting = _fasting()
    men = fasting[fasting["sex"] == "male"]
    fit = nh.survey_regression(men, "log_homa_ir", "mg_intake_100mg_per_day")
    naive = nh.survey_regression(men.assign(_h=0, _p=np.arange(len(men))), "log_homa_ir",
                                 "mg_intake_100mg_per_day", strata="_h", psu="_p")
    return {"expected": fit.ci_high, "what": "the upper 95 % limit", "mistakes": {
        fit.estimate + 1.959963985 * fit.se:
            "you used the normal 1.96; with the design's degrees of freedom use the t distribution.",
        fit.estimate + stats.t.ppf(0.975, fit.n - 2) * fit.se:
            "the degrees of freedom are #PSUs − #strata, not n − 2.",
        naive.ci_high: "that interval ignores strata and PSUs.",
        100 * np.expm1(fit.ci_high): "give the limit on the log scale (the slope itself), not as a % change.",
    }}


exercise(
    "08.ci-men", name="ci_men", kind="compute",
    title="Upper 95 % limit of the crude slope of ln HOMA-IR per 100 mg/day in men, design-based (4 decimal places)",
    grader=deferred(_ci_men, decimals=4),
    hints=("The slope's interval is estimate ± multiplier × design-based SE. Which multiplier?",
           "Design degrees of freedom = number of PSUs − number of strata; the multiplier is the 97.5 % point of "
           "the t distribution on those degrees of freedom.",
           "Concept: a design-based interval uses the design's SE and a t multiplier on the design's degrees of "
           "freedom, not 1.96. First step: keep the men of the fasting sample and fit the crude model with "
           "nhanes.survey_regression (outcome and exposure columns as in the chapter); then look at which "
           "attributes the result offers."),
)


# --------------------------------------------------------------------------- 5. adjusted estimate, women
_ADJ_COVS = ("energy_kcal_per_day", "age_years", "waist_cm")


def _adjusted_women() -> dict:
    sample = nh.analysis_sample(_fasting())
    women = sample[sample["sex"] == "female"]

    def pct(covs):
        return 100 * float(np.expm1(nh.survey_regression(women, "log_homa_ir", "mg_intake_100mg_per_day",
                                                         covs).estimate))

    fit = nh.survey_regression(women, "log_homa_ir", "mg_intake_100mg_per_day", _ADJ_COVS)
    return {"expected": 100 * float(np.expm1(fit.estimate)), "what": "your adjusted % change", "mistakes": {
        fit.estimate: "that is the slope on the log scale; convert it to a % change with 100·(eᵇ − 1).",
        100 * fit.estimate: "close, but convert the log slope exactly: 100·(eᵇ − 1), not 100·b.",
        pct(()): "that is the crude estimate: add the covariates.",
        pct(("energy_kcal_per_day", "age_years")): "waist is missing from the adjustment.",
        pct(("energy_kcal_per_day", "age_years", "bmi_kg_m2")): "that adjusted for BMI; the question asks for waist.",
    }}


exercise(
    "08.adjusted-women", name="adjusted_women", kind="compute",
    title="Women: % change in HOMA-IR per +100 mg/day adjusted for energy, age and waist (1 decimal place)",
    grader=deferred(_adjusted_women, decimals=1),
    hints=("Use the same adults as the chapter's table (BMI and waist both measured), women only.",
           "Regress ln HOMA-IR on intake per 100 mg/day with energy, age and waist as covariates; sex is constant "
           "among women, so it is not a covariate. The slope b is a change on the log scale.",
           "Concept: adjusting means adding the covariates to the same regression; the slope stays on the log "
           "scale until you convert it. First step: start from the chapter's adults (BMI and waist both measured), "
           "keep the women, and name the three covariate columns; the conversion to % is the last step."),
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
           "Concept: an estimate that moves towards 0 % after adjustment was partly carried by the confounder. "
           "First step: write down the percentage the widget prints for energy and age/sex alone, before you "
           "choose BMI; then compare distances from 0 %, not signs."),
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
    model_answer="Adequacy is defined on usual intake, the long-run average over many days, and the EAR cut-point "
                 "method compares the EAR with the distribution of usual intakes. One recall day is usual intake "
                 "plus day-to-day variation, so the one-day distribution is wider, with longer tails, than the "
                 "usual-intake distribution; the share below the EAR is distorted (pulled towards 50 %, overstated "
                 "when few people are truly below). A second recall day lets methods such as the NCI method remove "
                 "the within-person variation. And supplements are not in the extract: supplement users' total "
                 "intake is higher, so food-only shares overstate the inadequacy of total intake.",
    rubric=("Adequacy (the EAR cut-point method) refers to usual, long-run intake, not one day.",
            "Day-to-day variation widens the one-day distribution, which distorts the share below the cut-point; "
            "a second recall day is needed to remove it.",
            "The extract counts food only: magnesium from supplements is missing."),
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
    model_answer="The table shows an association in a cross-sectional survey. Intake, glucose and insulin were "
                 "measured once, at the same time, so we do not know which came first, and reverse causation "
                 "(people with insulin resistance changing their diet) cannot be excluded. People who eat "
                 "magnesium-rich diets differ in diet quality, fibre, physical activity, income and adiposity; the "
                 "model adjusted for a few imperfect measures, so residual confounding remains. One day's intake is "
                 "a noisy measure of usual intake, and a population average is not one person's response. Only a "
                 "randomised trial that assigns magnesium, with HOMA-IR as the outcome, can show a causal effect.",
    rubric=("No time order: exposure and outcome measured together, so reverse causation is possible.",
            "Residual confounding by factors the model did not (or could not fully) adjust for, e.g. diet quality, "
            "activity, adiposity.",
            "A causal effect on a person needs a randomised trial that assigns magnesium."),
    hints=("List the ways an association can arise without magnesium affecting insulin resistance.",
           "Three ideas: whether we know what came first; what else differs between high- and low-magnesium "
           "eaters that the model did not (or could not fully) adjust for; and which design could answer the "
           "causal question.",
           "Write one sentence on the timing of the measurements, one on residual confounding (name two "
           "variables), and one on the kind of study that assigns the exposure."),
)
